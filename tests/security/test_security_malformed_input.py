"""Malformed queries and parameters get a page (200 with a notice, or 400), never a 5xx, never markup."""

import pytest
from django.urls import reverse

from tests.factories import make_article
from tests.security.inert import assert_page_inert

pytestmark = pytest.mark.django_db

QUERIES = [
    '"unbalanced',
    'office "',
    '"""',
    "((government",
    "government))",
    "(()",
    ")(",
    "AND",
    "OR",
    "NOT",
    "AND OR NOT",
    "NOT NOT NOT",
    "government AND",
    "OR government",
    "+",
    "-",
    "+-+-",
    "!",
    "&&",
    "||",
    "title:government",
    "content:*",
    "language:ru",
    "id:1",
    "django_ct:archive.article",
    ":",
    "::::",
    "title:",
    "*",
    "**",
    "?",
    "*a*",
    "a*",
    "*ment",
    "te?t",
    "g*v*r*n*m*n*t",
    "[a TO z]",
    "{a TO z}",
    "published:[2000 TO 3000]",
    '"government office"~5',
    "government~",
    "government~2",
    "government^10",
    "government^",
    "^",
    "~",
    "\\",
    "\\\\",
    "/",
    "a/b",
    "a\\*",
    "\x00",
    "government\x00office",
    "\x01\x02\x03\x1b[31m",
    "\x7f\x85\u200b\u200e\u202e\ufeff",
    "\r\n\t",
    "   ",
    "' OR '1'='1' --",
    "1; DROP TABLE archive_article; --",
    "%00",
    "%27%22",
    "&#x3C;script&#x3E;",
    "{{7*7}}",
    "{% debug %}",
    "${7*7}",
    "\U0001f600\U0001f4f0",
    "Lê Minh Khái",
    "Ле Минь Кхай",
    "ﬁ ligature Ⅻ",
    "a" * 500,
    "a" * 501,
    "government " * 200,
    "x" * 100_000,
    "(" * 5000,
    '"' * 5000,
    "a* " * 2000,
    "NOT " * 1000,
    "a OR " * 1000,
]

PARAMS = [
    {"page": "abc"},
    {"page": "-1"},
    {"page": "0"},
    {"page": "10^30"},
    {"page": str(10**30)},
    {"page": "9" * 5000},
    {"page": "1e3"},
    {"page": "1.5"},
    {"page": " 2 "},
    {"page": ""},
    {"page": ["1", "2"]},
    {"page": "\x00"},
    {"from": "2024-02-30"},
    {"from": "2024-13-01"},
    {"from": "0000-01-01"},
    {"to": "9999-12-31"},
    {"from": "-1-01-01"},
    {"from": "2024-1-1"},
    {"from": "yesterday"},
    {"from": "2024-05-01", "to": "2023-01-01"},
    {"from": "1" * 1000},
    {"year": "99999"},
    {"year": "abc"},
    {"year": "-2024"},
    {"year": "0"},
    {"year": "2024", "month": "13"},
    {"month": "0"},
    {"month": "abc"},
    {"language": "xx"},
    {"language": "en) OR (language:ru"},
    {"language": "en OR ru"},
    {"language": "*"},
    {"language": "en\x00"},
    {"official": "no-such-person"},
    {"official": "le-minh-khai\x00"},
    {"topic": "e-government\x00"},
    {"official": "le-minh-khai) OR (official:*"},
    {"official": "../../etc/passwd"},
    {"topic": "' OR 1=1 --"},
    {"topic": ["x"] * 500},
    {"sort": "__class__"},
    {"sort": "-published"},
    {"sort": "title; DROP"},
    {"sort": "random"},
    {"unknown": "value"},
    {"q__contains": "x", "status": "draft"},
    {"status": "draft"},
    {"story__articles__status": "draft"},
    {"format": "json"},
    {"full": "1"},
]

PAGES = ["/search/", "/api/search/"]


def listing_pages():
    from archive.models import Official, Topic

    return [
        *PAGES,
        reverse("archive:official", args=[Official.objects.order_by("slug").first().slug]),
        reverse("archive:topic", args=[Topic.objects.order_by("slug").first().slug]),
        reverse("archive:language", args=["en"]),
        reverse("archive:feed_search_rss"),
        reverse("archive:feed_search_atom"),
    ]


def check(response, label):
    assert response.status_code < 500, (label, response.status_code)
    assert response.status_code in (200, 400, 404), (label, response.status_code)
    if response.get("Content-Type", "").startswith("text/html"):
        assert_page_inert(response, label)
    if response.get("Content-Type", "").startswith("application/json") and response.status_code == 200:
        body = response.json()
        assert isinstance(body["results"], list) and body["page"] >= 1, label


@pytest.fixture
def archive_articles(whoosh_index):
    make_article(title="Government office meeting", language="en")
    make_article(title="Заседание правительства", language="ru")
    make_article(title="Chính phủ họp", language="vi")
    whoosh_index()


def test_malformed_queries_never_fail_the_server(client, archive_articles):
    for q in QUERIES:
        for path in listing_pages():
            check(client.get(path, {"q": q}), f"{path} q={q[:40]!r}")


def test_malformed_parameters_never_fail_the_server(client, archive_articles):
    for params in PARAMS:
        for path in listing_pages():
            check(client.get(path, params), f"{path} {str(params)[:60]}")


def test_invalid_utf8_and_raw_bytes_in_the_query_string(client, archive_articles):
    for raw in ["q=%ff%fe%fd", "q=%c3%28", "q=%ed%a0%80", "q=%f4%90%80%80", "page=%ff", "language=%ff%00", "q=%"]:
        for path in PAGES:
            check(client.get(f"{path}?{raw}"), f"{path}?{raw}")


def test_too_many_parameters_is_a_400_not_a_500(client, archive_articles):
    query = "&".join(f"language=x{n}" for n in range(2000))
    assert client.get(f"/search/?{query}").status_code == 400
    assert client.get(f"/api/search/?{query}").status_code == 400


def test_bad_values_are_reported_to_the_reader(client, archive_articles):
    for params in [{"page": "abc"}, {"from": "2024-02-30"}, {"language": "xx"}, {"sort": "__class__"}]:
        body = client.get("/api/search/", params).json()
        assert body["notices"], params


def test_out_of_range_pages_are_bounded_and_reported(client, archive_articles):
    for page in ["-1", "0", "abc", "10^30", str(10**30), "9" * 5000]:
        body = client.get("/api/search/", {"page": page}).json()
        assert 1 <= body["page"] <= 1_000_000, page
        assert body["results"] == [] or body["page"] == 1, page


MALFORMED_PATHS = [
    "/stories/99999999999999999999999/",
    "/stories/99999999999999999999999/compare/",
    "/stories/" + "9" * 5000 + "/",
    "/archive/0/",
    "/archive/10000/",
    "/archive/99999999999999999999/",
    "/archive/99999999999999999999/1/",
    "/archive/2024/0/",
    "/archive/2024/99/",
    "/archive/2024/99999999999999999999/",
    "/languages/" + "x" * 3000 + "/",
    "/languages/%00/",
    "/articles/%ff/",
    "/articles/" + "a" * 5000 + "/",
    "/officials/%ff%fe/",
    "/topics/%00/",
    "/feeds/officials/no-such-person.rss",
    "/feeds/languages/zz.atom",
    "/feeds/search.rss?page=" + "9" * 5000,
    "/feeds/search.atom?year=2024&month=" + "9" * 5000,
    "/sitemap.xml?p=abc",
    "/sitemap.xml?p=" + "9" * 5000,
    "/alerts/confirm/not-a-token/",
    "/alerts/unsubscribe/" + "a" * 5000 + "/",
    "/alerts/confirm/%00/",
]


def test_malformed_paths_answer_404_not_500(archive_articles):
    from django.test import Client

    client = Client(raise_request_exception=False)
    for path in MALFORMED_PATHS:
        check(client.get(path), path[:80])


def test_an_injected_facet_string_is_ignored_not_interpreted(client, archive_articles):
    only_en = client.get("/api/search/", {"language": ["en", "en) OR (language:ru"]}).json()
    assert {r["language"] for r in only_en["results"]} == {"en"}
    assert only_en["notices"]
    official = client.get("/api/search/", {"official": "le-minh-khai) OR (official:*"}).json()
    assert official["notices"]
    assert not any(f["selected"] for f in official["facets"].get("official", []))


def test_the_query_is_capped_at_500_characters(client, archive_articles):
    import lxml.html

    body = client.get("/api/search/", {"q": "government " + "x" * 100_000}).json()
    assert body["notices"]
    page = client.get("/search/", {"q": "government " + "x" * 100_000})
    assert page.status_code == 200
    for box in lxml.html.fromstring(page.content).xpath("//input[@name='q']"):
        assert len(box.get("value") or "") <= 500


def test_any_query_becomes_a_bounded_search(client, archive_articles, monkeypatch):
    """The cost of a search cannot grow with what is typed: the 500-character cap and the parser's limit on
    words bound the terms and phrases searched, whatever the input."""
    from archive.search import scoring
    from archive.search.parse import MAX_WORDS

    seen = []
    original = scoring.Scorer.alternative

    def recording(self, alternative):
        seen.append(alternative)
        return original(self, alternative)

    monkeypatch.setattr(scoring.Scorer, "alternative", recording)
    for q in [
        "a " * 50_000,
        "a OR " * 20_000,
        '"' + "a " * 50_000 + '"',
        "-".join(["x"] * 50_000),
        "|".join(["x"] * 50_000),
        "Ле Минь " * 9000,
    ]:
        seen.clear()
        assert client.get("/api/search/", {"q": q}).status_code == 200
        assert seen, q[:20]
        # per word: six fields and forms at most (names add their tag and spellings)
        assert len(seen) <= MAX_WORDS * 8, (q[:20], len(seen))
        assert max(len(alternative.words) for alternative in seen) <= MAX_WORDS, q[:20]
