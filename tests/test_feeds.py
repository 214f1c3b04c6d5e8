"""RSS 2.0 and Atom 1.0 feeds: every stream parses (feedparser and strict XML), carries the required elements,
survives hostile text, and answers conditional GETs."""

import datetime
import email.utils
import html
import re
from pathlib import Path

import feedparser
import pytest
import rnc2rng
from django.template.loader import render_to_string
from django.test import RequestFactory
from lxml import etree

from archive.models import Official, Status, Topic
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")
RFC822 = re.compile(
    r"^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$"
)

# RFC 4287's own RELAX NG schema (rnc2rng declares the empty prefix "local", which XML forbids: dropped).
ATOM_SCHEMA = etree.RelaxNG(
    etree.fromstring(
        rnc2rng.dumps(rnc2rng.loads((Path(__file__).parent / "schemas" / "atom.rnc").read_text()))
        .replace('xmlns:local=""', "")
        .encode()
    )
)

STREAMS = [
    "/feeds/latest",
    "/feeds/search",
    "/feeds/topics/e-government",
    "/feeds/officials/le-minh-khai",
    "/feeds/languages/en",
]


@pytest.fixture
def archive(whoosh_index):
    """A small archive: an English/Russian story on e-government with an official, and an older Vietnamese one."""
    story = make_story()
    en = make_article(
        story=story,
        language="en",
        title="Government Office launches e-government portal",
        lead="The portal opens every public service online.",
        body="<p>The e-government portal opens every public service online.</p>",
        source_name="Government News",
        published=datetime.date(2024, 3, 5),
        officials=["le-minh-khai"],
        topics=["e-government"],
    )
    ru = make_article(
        story=story,
        language="ru",
        title="Канцелярия правительства запустила портал электронного правительства",
        body="<p>Портал электронного правительства.</p>",
        published=datetime.date(2024, 3, 5),
        officials=["le-minh-khai"],
        topics=["e-government"],
    )
    vi = make_article(
        language="vi",
        title="Cải cách hành chính năm 2023",
        body="<p>Cải cách hành chính.</p>",
        published=datetime.date(2023, 11, 2),
        topics=["administrative-reform"],
    )
    whoosh_index()
    return {"en": en, "ru": ru, "vi": vi, "reindex": whoosh_index}


def strict_xml(response):
    # No recovery: a single stray control character or unescaped "]]>" fails here.
    parser = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)
    return etree.fromstring(response.content, parser)


def parsed(response):
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


def check_rss(root):
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    for name in ("title", "link", "description"):
        assert channel.findtext(name), f"channel has no {name}"
    assert channel.find(f"{ATOM}link[@rel='self']") is not None
    assert RFC822.match(channel.findtext("lastBuildDate"))
    items = channel.findall("item")
    for item in items:
        for name in ("title", "link", "description", "guid", "pubDate"):
            assert item.findtext(name), f"item has no {name}"
        assert RFC822.match(item.findtext("pubDate")), item.findtext("pubDate")
        assert email.utils.parsedate_to_datetime(item.findtext("pubDate")).tzinfo is not None
        assert item.find("guid").get("isPermaLink") == "false"
        assert item.findtext(f"{DC}language") in {"en", "ru", "vi"}
    return items


def check_atom(root):
    assert ATOM_SCHEMA.validate(root), ATOM_SCHEMA.error_log
    assert root.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert root.findtext(f"{ATOM}{name}"), f"feed has no {name}"
    assert RFC3339.match(root.findtext(f"{ATOM}updated"))
    assert root.find(f"{ATOM}author/{ATOM}name") is not None
    assert root.find(f"{ATOM}link[@rel='self']") is not None
    entries = root.findall(f"{ATOM}entry")
    for entry in entries:
        for name in ("id", "title", "updated", "published", "summary"):
            assert entry.findtext(f"{ATOM}{name}"), f"entry has no {name}"
        assert RFC3339.match(entry.findtext(f"{ATOM}updated"))
        assert RFC3339.match(entry.findtext(f"{ATOM}published"))
        assert entry.find(f"{ATOM}link[@rel='alternate']").get("href").startswith("http://testserver/articles/")
        assert entry.get(XML_LANG) in {"en", "ru", "vi"}
    return entries


@pytest.mark.parametrize("stream", STREAMS)
def test_every_stream_is_valid_rss_and_atom_with_the_required_elements(client, archive, stream):
    rss = client.get(f"{stream}.rss")
    assert rss.status_code == 200
    assert rss["Content-Type"] == "application/rss+xml; charset=utf-8"
    items = check_rss(strict_xml(rss))
    assert items
    assert len(parsed(rss).entries) == len(items)

    atom = client.get(f"{stream}.atom")
    assert atom.status_code == 200
    assert atom["Content-Type"] == "application/atom+xml; charset=utf-8"
    entries = check_atom(strict_xml(atom))
    assert len(entries) == len(items)
    assert parsed(atom).version == "atom10"


def test_listing_feeds_show_what_their_page_filters(client, archive):
    topic = parsed(client.get("/feeds/topics/e-government.atom"))
    # Like the page, one entry per story: one language version, linking to the others.
    versions = {f"http://testserver{archive[lang].get_absolute_url()}" for lang in ("en", "ru")}
    assert len(topic.entries) == 1
    assert {topic.entries[0].link} | {link.href for link in topic.entries[0].links if link.get("hreflang")} == versions
    assert "E-Government" in topic.feed.title
    vi = parsed(client.get("/feeds/languages/vi.rss"))
    assert [e.link for e in vi.entries] == [f"http://testserver{archive['vi'].get_absolute_url()}"]
    assert vi.feed.language == "vi"
    official = parsed(client.get("/feeds/officials/le-minh-khai.rss"))
    assert archive["vi"].title not in {e.title for e in official.entries}
    assert "Lê Minh Khái" in official.feed.title


def test_search_feed_title_names_its_filters_and_lists_only_matches(client, archive):
    response = client.get("/feeds/search.atom", {"q": "portal", "language": "en", "topic": "e-government"})
    feed = parsed(response)
    assert [e.title for e in feed.entries] == [archive["en"].title]
    assert "“portal”" in feed.feed.title
    assert "English" in feed.feed.title and "E-Government" in feed.feed.title
    # The feed's own link points back to the same search page, and rel=self to the feed.
    assert feed.feed.link.startswith("http://testserver/search/?")
    assert "q=portal" in feed.feed.link
    self_link = next(link.href for link in feed.feed.links if link.rel == "self")
    assert self_link.startswith("http://testserver/feeds/search.atom?")


def test_feeds_are_newest_first_whatever_the_requested_order(client, archive):
    feed = parsed(client.get("/feeds/search.rss", {"sort": "oldest", "page": "3"}))
    dates = [e.published_parsed for e in feed.entries]
    assert dates == sorted(dates, reverse=True)
    assert archive["vi"].title in {e.title for e in feed.entries}


def _shown_and_other(archive, link):
    shown = next(archive[lang] for lang in ("en", "ru") if link.endswith(archive[lang].get_absolute_url()))
    return shown, archive["ru" if shown.language == "en" else "en"]


def test_items_carry_language_categories_author_and_links_to_other_versions(client, archive):
    archive["ru"].source_name = "Government News"
    archive["ru"].save()
    root = strict_xml(client.get("/feeds/topics/e-government.rss"))
    (item,) = root.iter("item")
    shown, other = _shown_and_other(archive, item.findtext("link"))
    assert item.findtext(f"{DC}language") == shown.language
    assert item.findtext(f"{DC}creator") == "Government News"
    categories = {(c.text, c.get("domain")) for c in item.findall("category")}
    topic = Topic.objects.get(slug="e-government")
    # Category labels are in the article's own language when the topic has a name in it.
    assert (topic.name(shown.language), "http://testserver/topics/") in categories
    assert ("Lê Minh Khái", "http://testserver/officials/") in categories
    alternates = item.findall(f"{ATOM}link[@rel='alternate']")
    assert [(a.get("hreflang"), a.get("href")) for a in alternates] == [
        (other.language, f"http://testserver{other.get_absolute_url()}")
    ]

    atom = strict_xml(client.get("/feeds/topics/e-government.atom"))
    (entry,) = atom.iter(f"{ATOM}entry")
    assert entry.get(XML_LANG) == shown.language
    hreflangs = {link.get("hreflang"): link.get("href") for link in entry.findall(f"{ATOM}link[@hreflang]")}
    assert hreflangs == {
        shown.language: f"http://testserver{shown.get_absolute_url()}",
        other.language: f"http://testserver{other.get_absolute_url()}",
    }
    terms = {(c.get("term"), c.get("label")) for c in entry.findall(f"{ATOM}category")}
    assert ("e-government", topic.name(shown.language)) in terms
    assert ("le-minh-khai", Official.objects.get(slug="le-minh-khai").name) in terms
    assert entry.findtext(f"{ATOM}author/{ATOM}name") == "Government News"
    assert entry.findtext(f"{ATOM}published").startswith("2024-03-05T00:00:00")


def test_guid_survives_a_title_correction(client, archive):
    before = parsed(client.get("/feeds/latest.atom"))
    article = archive["vi"]
    article.title = "Cải cách hành chính năm 2023 (sửa)"
    article.slug = "cai-cach-hanh-chinh-2023-sua"
    article.save()
    after = parsed(client.get("/feeds/latest.atom"))
    ids_before = {e.id for e in before.entries}
    ids_after = {e.id for e in after.entries}
    assert ids_before == ids_after
    corrected = next(e for e in after.entries if e.title.endswith("(sửa)"))
    assert corrected.id in ids_before
    assert corrected.link.endswith("/articles/cai-cach-hanh-chinh-2023-sua/")


def test_control_characters_and_cdata_end_in_a_body_do_not_break_feeds(client, archive):
    make_article(
        title="Pasted\x0c from Word ]]> with <tags> & ampersands",
        lead="Lead with a form feed\x0c and ]]> inside",
        body="<p>Body\x0c with ]]> and \x01 controls</p>",
        source_name="Source\x0b name",
    )
    archive["reindex"]()
    for url in ("/feeds/latest.rss?full=1", "/feeds/latest.atom?full=1", "/feeds/search.rss", "/feeds/search.atom"):
        response = client.get(url)
        assert b"\x0c" not in response.content and b"\x01" not in response.content
        root = strict_xml(response)
        feed = parsed(response)
        titles = [html.unescape(e.title) for e in feed.entries]
        assert "Pasted from Word ]]> with <tags> & ampersands" in titles, url
        assert root is not None


def test_a_search_with_control_characters_in_its_words_still_gives_a_valid_feed(client, archive):
    response = client.get("/feeds/search.rss", {"q": "portal\x0c\x00"})
    assert response.status_code == 200
    strict_xml(response)
    parsed(response)


def test_lead_by_default_and_full_sanitized_body_by_parameter(client, archive):
    article = make_article(
        title="Decree on public services",
        lead="Short lead.",
        body="<p>Full body with <strong>detail</strong>.</p><script>alert(1)</script>",
    )
    archive["reindex"]()
    short = parsed(client.get("/feeds/latest.atom"))
    entry = next(e for e in short.entries if e.title == article.title)
    assert "Short lead." in entry.summary
    assert "content" not in entry
    full = parsed(client.get("/feeds/latest.atom", {"full": "1"}))
    entry = next(e for e in full.entries if e.title == article.title)
    assert "<strong>detail</strong>" in entry.content[0].value
    assert "script" not in entry.content[0].value
    rss = parsed(client.get("/feeds/latest.rss", {"full": "1"}))
    item = next(e for e in rss.entries if html.unescape(e.title) == article.title)
    assert "<strong>detail</strong>" in item.description
    assert "alert(1)" not in item.description


def test_lead_falls_back_to_the_start_of_the_body(client, archive):
    article = make_article(title="No lead here", lead="", body="<p>" + "word " * 200 + "</p>")
    feed = parsed(client.get("/feeds/latest.rss"))
    item = next(e for e in feed.entries if html.unescape(e.title) == article.title)
    assert item.description.count("word") == 60


def test_conditional_get_answers_304_and_an_edit_changes_the_etag(client, archive):
    first = client.get("/feeds/topics/e-government.rss")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and modified.endswith("GMT")
    assert "must-revalidate" in first["Cache-Control"]
    again = client.get("/feeds/topics/e-government.rss", headers={"if-none-match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get("/feeds/topics/e-government.rss", headers={"if-modified-since": modified}).status_code == 304
    assert client.head("/feeds/topics/e-government.rss", headers={"if-none-match": etag}).status_code == 304

    en = archive["en"]
    en.title = "Government Office opens the e-government portal"
    en.save()
    archive["reindex"]()
    changed = client.get("/feeds/topics/e-government.rss", headers={"if-none-match": etag})
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    assert "opens the e-government portal" in changed.text


def test_feeds_come_from_the_cache_until_articles_change(client, archive, django_assert_num_queries):
    url = "/feeds/officials/le-minh-khai.atom"
    body = client.get(url).content
    # A cached answer costs one query: the aggregate that says whether anything changed.
    with django_assert_num_queries(1):
        assert client.get(url).content == body
    make_article(title="A new announcement", officials=["le-minh-khai"])
    archive["reindex"]()
    assert b"A new announcement" in client.get(url).content


def test_unpublished_and_deleted_articles_leave_feeds_at_once(client, archive):
    vi = archive["vi"]
    etag = client.get("/feeds/latest.rss")["ETag"]
    vi.status = Status.DRAFT
    vi.save()
    response = client.get("/feeds/latest.rss", headers={"if-none-match": etag})
    assert response.status_code == 200
    assert vi.get_absolute_url() not in response.text
    assert vi.get_absolute_url() not in client.get("/feeds/languages/vi.atom").text
    en = archive["en"]
    etag = client.get("/feeds/latest.atom")["ETag"]
    en.delete()
    response = client.get("/feeds/latest.atom", headers={"if-none-match": etag})
    assert response.status_code == 200 and en.title not in response.text


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc", "language": "xx", "page": "-1"},
        {"from": "2024-13-45", "to": "yesterday", "sort": "sideways"},
        {"topic": "no-such-topic", "official": "<script>", "month": "99"},
        {"q": "x" * 5000},
        {"q": '"unbalanced (query AND'},
    ],
)
def test_search_feed_with_invalid_parameters_answers_as_the_search_page_does(client, archive, params):
    page = client.get("/search/", params)
    for fmt in ("rss", "atom"):
        response = client.get(f"/feeds/search.{fmt}", params)
        assert response.status_code == page.status_code
        assert response.status_code < 500
        if response.status_code == 200:
            strict_xml(response)
            parsed(response)


def test_unknown_listings_answer_404(client, archive):
    for url in ("/feeds/topics/nope.rss", "/feeds/officials/nobody.atom", "/feeds/languages/fr.rss"):
        assert client.get(url).status_code == 404


def test_feeds_only_answer_get_and_head(client, archive):
    assert client.post("/feeds/latest.rss").status_code in (403, 405)
    assert client.head("/feeds/latest.rss").status_code == 200


def test_an_empty_archive_still_gives_valid_feeds_with_a_stable_etag(client, whoosh_index):
    whoosh_index()
    for url in ("/feeds/latest.rss", "/feeds/latest.atom", "/feeds/search.atom", "/feeds/topics/e-government.rss"):
        first = client.get(url)
        strict_xml(first)
        parsed(first)
        assert client.get(url, headers={"if-none-match": first["ETag"]}).status_code == 304


@pytest.mark.parametrize(
    ("context", "rss_path"),
    [
        ({}, "/feeds/latest.rss"),
        ({"feed_kind": "search", "feed_query": "q=portal&language=en"}, "/feeds/search.rss?q=portal&language=en"),
        ({"feed_kind": "topic", "feed_arg": "e-government"}, "/feeds/topics/e-government.rss"),
        ({"feed_kind": "official", "feed_arg": "le-minh-khai"}, "/feeds/officials/le-minh-khai.rss"),
        ({"feed_kind": "language", "feed_arg": "ru"}, "/feeds/languages/ru.rss"),
    ],
)
def test_feed_link_partials_advertise_working_feeds(client, archive, context, rss_path):
    head = render_to_string("archive/_feed_links.html", context)
    links = re.findall(r'<link rel="alternate" type="application/(rss|atom)\+xml" title="[^"]+" href="([^"]+)">', head)
    assert [kind for kind, _ in links] == ["rss", "atom"]
    assert html.unescape(links[0][1]) == rss_path
    for _kind, href in links:
        assert client.get(html.unescape(href)).status_code == 200

    request = RequestFactory().get("/")
    visible = render_to_string("archive/_subscribe.html", context, request=request)
    assert f'href="{html.escape(rss_path)}"' in visible
    assert 'name="csrfmiddlewaretoken"' in visible
    assert 'action="/alerts/subscribe/"' in visible


def test_every_page_advertises_the_latest_feed(client, archive):
    response = client.get("/")
    assert '<link rel="alternate" type="application/rss+xml"' in response.text
    assert 'href="/feeds/latest.atom"' in response.text


def test_the_atom_schema_used_above_rejects_what_the_rfc_forbids():
    valid = b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title><id>x</id><updated>2024-01-01T00:00:00Z</updated></feed>'
    assert ATOM_SCHEMA.validate(etree.fromstring(valid))
    for broken in (
        valid.replace(b"<id>x</id>", b""),  # no id
        valid.replace(b"2024-01-01T00:00:00Z", b"Mon, 01 Jan 2024 00:00:00 +0000"),  # not RFC 3339
        valid.replace(b"</feed>", b"<entry><title>a</title><id>1</id></entry></feed>"),  # entry without updated
    ):
        assert not ATOM_SCHEMA.validate(etree.fromstring(broken))


def test_a_reader_asking_only_if_modified_since_sees_a_deletion(client, archive):
    # Deleting the most recently saved article takes the newest `updated` back in time; another deletion
    # leaves it as it was. Neither may answer "not modified" to a reader that still has the old feed.
    for article in (archive["ru"], archive["en"]):
        first = client.get("/feeds/latest.rss")
        modified = first["Last-Modified"]
        assert client.get("/feeds/latest.rss", headers={"if-modified-since": modified}).status_code == 304
        article.delete()
        response = client.get("/feeds/latest.rss", headers={"if-modified-since": modified})
        assert response.status_code == 200, article.language
        assert article.get_absolute_url() not in response.text
        assert email.utils.parsedate_to_datetime(response["Last-Modified"]) > email.utils.parsedate_to_datetime(
            modified
        )
