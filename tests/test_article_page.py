"""The article page: metadata, variants, side-by-side view, more like this, machine-readable data."""

import datetime
import json
import re

import pytest

from archive.models import Status
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def story_in_three_languages():
    story = make_story()
    en = make_article(
        story=story,
        language="en",
        title="Conference of the Government Office",
        body="<p>Deputy Prime Minister Le Minh Khai attended.</p>",
        source_name="VGP News",
        source_url="https://en.baochinhphu.vn/conference.htm",
        legal_refs=["101/2023/QH15"],
        officials=["le-minh-khai"],
        topics=["government-office", "e-government"],
    )
    ru = make_article(story=story, language="ru", title="Конференция Правительственной канцелярии")
    vi = make_article(story=story, language="vi", title="Hội nghị Văn phòng Chính phủ")
    return en, ru, vi


def test_article_shows_date_source_officials_topics_and_legal_references(client, story_in_three_languages):
    en, _, _ = story_in_three_languages
    html = client.get(en.get_absolute_url()).text
    assert '<time datetime="2024-01-12">' in html
    assert '<a href="https://en.baochinhphu.vn/conference.htm" rel="noopener nofollow external">VGP News</a>' in html
    assert '<a href="/officials/le-minh-khai/">Lê Minh Khái</a>' in html
    assert '<a href="/topics/e-government/">E-Government</a>' in html
    assert "101/2023/QH15" in html
    assert "/search/?q=101%2F2023%2FQH15" in html


def test_body_sits_inside_an_element_in_the_article_language_while_the_page_is_in_the_interface_language(
    client, story_in_three_languages
):
    _, _, vi = story_in_three_languages
    html = client.get(vi.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert '<html lang="en">' in html
    assert '<article class="article" lang="vi">' in html


def test_language_switcher_links_to_each_other_variant_and_marks_the_current_one(client, story_in_three_languages):
    en, ru, vi = story_in_three_languages
    html = client.get(ru.get_absolute_url()).text
    nav = html[html.index('<nav class="variants"') : html.index("</nav>", html.index('<nav class="variants"'))]
    assert f'href="{en.get_absolute_url()}" hreflang="en"' in nav
    assert f'href="{vi.get_absolute_url()}" hreflang="vi"' in nav
    assert 'aria-current="page" lang="ru"' in nav
    assert f"/stories/{ru.story_id}/compare/?a=ru&amp;b=en" in nav


def test_head_has_canonical_hreflang_for_every_variant_and_open_graph(client, story_in_three_languages):
    en, ru, vi = story_in_three_languages
    html = client.get(en.get_absolute_url()).text
    assert f'<link rel="canonical" href="http://testserver{en.get_absolute_url()}">' in html
    for variant in (en, ru, vi):
        expected = (
            f'<link rel="alternate" hreflang="{variant.language}" href="http://testserver{variant.get_absolute_url()}">'
        )
        assert expected in html
    assert '<meta property="og:title" content="Conference of the Government Office">' in html
    assert '<meta property="og:locale" content="en_US">' in html
    assert '<meta property="og:locale:alternate" content="vi_VN">' in html
    assert '<meta property="og:description" content="Deputy Prime Minister Le Minh Khai attended.">' in html


def _json_ld(html):
    match = re.search(r'<script type="application/ld\+json"(?: nonce="[^"]+")?>(.*?)</script>', html, re.S)
    assert match, "no JSON-LD block"
    return json.loads(match.group(1))


def test_json_ld_describes_a_news_article_with_its_translations(client, story_in_three_languages):
    en, ru, _ = story_in_three_languages
    data = _json_ld(client.get(en.get_absolute_url()).text)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Conference of the Government Office"
    assert data["datePublished"] == "2024-01-12"
    assert data["inLanguage"] == "en"
    assert data["isBasedOn"] == "https://en.baochinhphu.vn/conference.htm"
    assert {"@type": "Person", "name": "Lê Minh Khái"} in data["mentions"]
    assert f"http://testserver{ru.get_absolute_url()}" in [t["url"] for t in data["workTranslation"]]


def test_json_ld_headline_is_cut_to_110_characters_with_an_ellipsis_and_names_the_author(client):
    article = make_article(title="Government " * 20, source_name="VGP News")
    data = _json_ld(client.get(article.get_absolute_url()).text)
    assert len(data["headline"]) == 110 and data["headline"].endswith("…")
    assert data["author"] == {"@type": "Organization", "name": "VGP News"}


def test_json_ld_cannot_be_broken_out_of_by_a_title(client):
    article = make_article(title='Evil </script><script>alert("x")</script>')
    html = client.get(article.get_absolute_url()).text
    assert '</script><script>alert("x")' not in html
    assert _json_ld(html)["headline"].startswith("Evil </script>")


def test_more_like_this_prefers_articles_sharing_officials_and_topics(client):
    main = make_article(title="Main story", officials=["le-minh-khai"], topics=["e-government"])
    both = make_article(title="Shares both", officials=["le-minh-khai"], topics=["e-government"])
    one = make_article(title="Shares the topic", topics=["e-government"])
    make_article(title="Shares nothing", topics=["law-making"])
    make_article(title="Draft sharing both", officials=["le-minh-khai"], status=Status.DRAFT)
    html = client.get(main.get_absolute_url()).text
    more = html[html.index('id="more-title"') :]
    assert more.index(both.title) < more.index(one.title)
    assert "Shares nothing" not in more
    assert "Draft sharing both" not in more


def test_more_like_this_excludes_the_same_story_and_shows_one_variant_per_story(client, story_in_three_languages):
    en, _, _ = story_in_three_languages
    other = make_story()
    make_article(story=other, language="en", title="Other story EN", officials=["le-minh-khai"])
    make_article(story=other, language="vi", title="Other story VI", officials=["le-minh-khai"])
    html = client.get(en.get_absolute_url()).text
    more = html[html.index('id="more-title"') :]
    assert "Other story EN" in more
    assert "Other story VI" not in more
    assert "Hội nghị Văn phòng Chính phủ" not in more
    # The page's own language links stay with the page: no related item offers this story's variants.
    related = more.split("</aside>", 1)[0]
    for variant in story_in_three_languages:
        assert variant.get_absolute_url() not in related


def test_compare_shows_two_variants_side_by_side_each_in_its_language(client, story_in_three_languages):
    en, _, _ = story_in_three_languages
    response = client.get(f"/stories/{en.story_id}/compare/", {"a": "vi", "b": "en"})
    assert response.status_code == 200
    html = response.text
    assert html.index('<article class="column" lang="vi"') < html.index('<article class="column" lang="en"')
    assert "Hội nghị Văn phòng Chính phủ" in html
    assert "Deputy Prime Minister Le Minh Khai attended." in html


def test_compare_with_unknown_or_equal_languages_falls_back_to_two_different_variants(client, story_in_three_languages):
    en, _, _ = story_in_three_languages
    html = client.get(f"/stories/{en.story_id}/compare/", {"a": "xx", "b": "<script>"}).text
    columns = re.findall(r'<article class="column" lang="(\w+)"', html)
    assert len(columns) == 2 and columns[0] != columns[1]
    assert "<script>" not in html.split("<main", 1)[1].split("application/ld+json")[0]


def test_compare_of_a_story_with_one_variant_redirects_to_it(client):
    article = make_article()
    response = client.get(f"/stories/{article.story_id}/compare/")
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()


def test_compare_ignores_unpublished_variants(client):
    story = make_story()
    en = make_article(story=story, language="en")
    make_article(story=story, language="ru", status=Status.DRAFT)
    assert client.get(f"/stories/{story.pk}/compare/").status_code == 302
    assert client.get(en.get_absolute_url()).text.count("/compare/") == 0


def test_corrected_title_keeps_old_links_working(client):
    article = make_article(title="Goverment Office", slug="goverment-office", published=datetime.date(2024, 2, 1))
    article.title, article.slug = "Government Office", "government-office"
    article.save()
    response = client.get("/articles/goverment-office/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/government-office/"
    assert client.get(response["Location"]).status_code == 200


def test_unpublished_article_is_not_found_and_its_old_slug_does_not_redirect(client):
    article = make_article(slug="current")
    article.old_slugs.create(slug="former")
    article.status = Status.DRAFT
    article.save()
    assert client.get("/articles/current/").status_code == 404
    assert client.get("/articles/former/").status_code == 404
