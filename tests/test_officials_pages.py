"""Officials: the index, and a page per official with roles, aliases, faceted articles and feeds."""

import datetime
import io
import json

import pytest
from django.core.management import call_command

from archive.models import Official, Status
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def khai_articles(whoosh_index):
    story = make_story()
    en = make_article(
        story=story,
        language="en",
        title="Khai at the Government Office",
        officials=["le-minh-khai"],
        topics=["government-office"],
        published=datetime.date(2024, 1, 12),
    )
    vi = make_article(
        story=story,
        language="vi",
        title="Phó Thủ tướng Lê Minh Khái dự hội nghị",
        officials=["le-minh-khai"],
        topics=["government-office"],
        published=datetime.date(2024, 1, 12),
    )
    ru = make_article(
        language="ru",
        title="Ле Минь Кхай об электронном правительстве",
        officials=["le-minh-khai"],
        topics=["e-government"],
        published=datetime.date(2023, 6, 1),
    )
    make_article(title="Prime Minister speaks", officials=["pham-minh-chinh"])
    make_article(title="Draft about Khai", officials=["le-minh-khai"], status=Status.DRAFT)
    whoosh_index()
    return en, vi, ru


def test_official_index_lists_officials_with_current_role_and_article_count(client, khai_articles):
    html = client.get("/officials/").text
    assert '<a href="/officials/le-minh-khai/" lang="vi">Lê Minh Khái</a>' in html
    assert "Deputy Prime Minister · 3 articles" in html
    # officials with articles come first
    assert html.index("Lê Minh Khái") < html.index("Nguyễn Tấn Dũng")


def test_official_page_shows_roles_with_dates_and_aliases_in_every_script(client, khai_articles):
    html = client.get("/officials/le-minh-khai/").text
    assert '<h1 lang="vi">Lê Minh Khái</h1>' in html
    assert "Deputy Prime Minister" in html
    assert '<time datetime="2021-04-08">' in html and '<time datetime="2024-06-19">' in html
    assert '<span class="alias" lang="ru">Ле Минь Кхай</span>' in html
    assert "Le Minh Khai" in html


def test_official_page_lists_only_their_published_articles_one_entry_per_story(client, khai_articles):
    en, vi, ru = khai_articles
    html = client.get("/officials/le-minh-khai/", HTTP_ACCEPT_LANGUAGE="en").text
    assert "3 articles found" in html
    assert ru.title in html
    assert "Prime Minister speaks" not in html
    assert "Draft about Khai" not in html
    # en and vi are one story: listed once, the other variant offered as a language link
    assert html.count('<li class="hit">') == 2
    assert (
        f'href="{vi.get_absolute_url()}" hreflang="vi"' in html
        or f'href="{en.get_absolute_url()}" hreflang="en"' in html
    )


def test_official_page_facets_narrow_within_the_official(client, khai_articles):
    _, vi, ru = khai_articles
    html = client.get("/officials/le-minh-khai/", {"language": "ru"}).text
    assert "1 article found" in html
    assert ru.title in html and vi.title not in html
    # the facet form submits back to the official page
    assert 'class="facets-form" method="get" action="/officials/le-minh-khai/"' in html
    assert 'name="language" value="vi"' in html


def test_official_page_advertises_its_feeds(client, khai_articles):
    html = client.get("/officials/le-minh-khai/").text
    assert 'type="application/rss+xml"' in html
    assert "/feeds/officials/le-minh-khai.rss" in html
    assert "/feeds/officials/le-minh-khai.atom" in html


def test_official_without_articles_has_a_page_and_unknown_official_is_404(client, whoosh_index):
    whoosh_index()
    response = client.get("/officials/nguyen-tan-dung/")
    assert response.status_code == 200
    assert "0 articles found" in response.text
    assert client.get("/officials/nobody/").status_code == 404


def test_every_official_is_reachable_from_the_index(client, whoosh_index):
    html = client.get("/officials/").text
    for official in Official.objects.all():
        assert official.get_absolute_url() in html


def test_language_page_lists_articles_in_that_language(client, khai_articles):
    _, vi, ru = khai_articles
    response = client.get("/languages/vi/")
    assert response.status_code == 200
    assert vi.title in response.text and ru.title not in response.text
    assert "/feeds/languages/vi.rss" in response.text
    assert client.get("/languages/xx/").status_code == 404


def test_a_filtered_official_page_offers_the_feed_of_what_it_shows(client, khai_articles):
    _, vi, ru = khai_articles
    html = client.get("/officials/le-minh-khai/", {"language": "vi"}).text
    assert 'href="/feeds/officials/le-minh-khai.rss?language=vi"' in html.split("</head>", 1)[0]
    follow = html.split('<section class="follow"', 1)[1]
    assert "Follow: Lê Minh Khái; Language: Tiếng Việt" in follow
    assert 'name="params" value="official=le-minh-khai&amp;language=vi"' in follow
    entries = client.get("/feeds/officials/le-minh-khai.rss", {"language": "vi"}).text
    assert vi.title in entries and ru.title not in entries


def test_official_page_shows_the_titles_articles_gave_him_with_dates(client, whoosh_index, tmp_path):
    path = tmp_path / "inspector.jsonl"
    path.write_text(
        json.dumps(
            {
                "title": "Thanh tra Chính phủ công bố kết luận",
                "body": "Tổng Thanh tra Chính phủ Lê Minh Khái ký kết luận thanh tra.",
                "language": "vi",
                "published": "2017-03-02",
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    call_command("import_articles", str(path), stdout=io.StringIO(), stderr=io.StringIO())
    html = client.get("/officials/le-minh-khai/").text
    assert '<span lang="vi">Tổng Thanh tra Chính phủ</span>' in html
    assert '<time datetime="2017-03-02">' in html
    assert "Deputy Prime Minister" in html  # the roles on record stay
