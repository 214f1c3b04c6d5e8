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
