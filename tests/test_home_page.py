"""Home: latest stories, entry points into topics, officials, years and languages, the monthly chart."""

import datetime
import re

import pytest

from archive.models import Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def test_home_lists_latest_published_articles_newest_first(client):
    make_article(title="Older piece", published=datetime.date(2023, 5, 1))
    make_article(title="Newer piece", published=datetime.date(2024, 3, 1))
    make_article(title="Hidden draft", status=Status.DRAFT)
    html = client.get("/").text
    assert html.index("Newer piece") < html.index("Older piece")
    assert "Hidden draft" not in html


def test_home_links_topics_officials_years_and_languages_with_counts(client):
    make_article(published=datetime.date(2023, 5, 1), officials=["le-minh-khai"], topics=["e-government"])
    make_article(published=datetime.date(2024, 3, 1), language="vi", topics=["e-government"])
    html = client.get("/").text
    assert '<a href="/topics/e-government/">E-Government</a> <span class="count">(2)</span>' in html
    assert '<a href="/officials/le-minh-khai/">Lê Minh Khái</a> <span class="count">(1)</span>' in html
    assert '<a href="/archive/2024/">2024</a>' in html
    assert '<a href="/archive/2023/">2023</a>' in html
    assert '<a href="/languages/vi/" lang="vi">Tiếng Việt</a>' in html
    # the search box and the links to the index pages
    assert 'role="search"' in html
    assert 'href="/officials/"' in html and 'href="/topics/"' in html and 'href="/archive/"' in html


def test_topics_without_published_articles_are_not_offered(client):
    make_article(topics=["law-making"], status=Status.DRAFT)
    assert "/topics/law-making/" not in client.get("/").text


def test_monthly_chart_is_an_inline_svg_with_one_bar_per_month_including_empty_months(client):
    make_article(published=datetime.date(2023, 11, 3))
    make_article(published=datetime.date(2023, 11, 20))
    make_article(published=datetime.date(2024, 2, 1))
    html = client.get("/").text
    svg = re.search(r"<svg class=\"chart\".*?</svg>", html, re.S).group(0)
    heights = [float(h) for h in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="[\d.]+" height="([\d.]+)"', svg)]
    # November, December, January, February: four slots, two of them empty
    assert len(heights) == 4
    assert heights[0] > heights[3] > 0
    assert heights[1] == heights[2] == 0
    assert 'role="img"' in svg and "aria-label=" in svg
    assert "<title>November 2023: 2 articles</title>" in svg


def test_empty_archive_home_still_renders(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "<svg" not in response.text


def test_a_story_in_several_languages_is_one_entry_shown_in_the_interface_language(client):
    from tests.factories import make_story

    story = make_story()
    en = make_article(story=story, language="en", title="Portal opens", published=datetime.date(2024, 3, 1))
    ru = make_article(story=story, language="ru", title="Портал открыт", published=datetime.date(2024, 3, 1))
    vi = make_article(story=story, language="vi", title="Cổng thông tin mở", published=datetime.date(2024, 3, 2))
    make_article(title="Older story", published=datetime.date(2023, 1, 1))

    def latest(accept):
        html = client.get("/", HTTP_ACCEPT_LANGUAGE=accept).text
        return html.split('<section class="latest"', 1)[1].split("</section>", 1)[0]

    section = latest("ru")
    assert section.count('class="item"') == 2
    assert f'<a class="title" href="{ru.get_absolute_url()}" lang="ru">Портал открыт</a>' in section
    assert f'href="{en.get_absolute_url()}" hreflang="en"' in section
    assert f'href="{vi.get_absolute_url()}" hreflang="vi"' in section
    assert section.index("Портал открыт") < section.index("Older story")
    # No variant in the interface language: the story's newest one.
    en.delete()
    assert f'<a class="title" href="{vi.get_absolute_url()}" lang="vi">' in latest("en")


def test_chart_year_labels_stay_inside_the_chart(client):
    # Many months: the last January sits near the right edge, the first month right before a January.
    make_article(published=datetime.date(2019, 11, 1))
    make_article(published=datetime.date(2024, 1, 5))
    svg = re.search(r"<svg class=\"chart\".*?</svg>", client.get("/").text, re.S).group(0)
    labels = re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="(start|end)">(\d{4})</text>', svg)
    width = float(re.search(r'viewBox="0 0 ([\d.]+)', svg).group(1))
    assert [year for _, _, year in labels] == ["2020", "2021", "2022", "2023", "2024"]  # 2019 would overlap 2020
    x, anchor, _ = labels[-1]
    assert anchor == "end" and float(x) == width
    assert all(float(x) + 36 <= width for x, anchor, _ in labels if anchor == "start")
