"""Browsing by date: years, months and the articles of a month."""

import datetime

import pytest

from archive.models import Status
from archive.views import ARCHIVE_PAGE_SIZE
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread():
    make_article(title="March one", published=datetime.date(2024, 3, 2))
    make_article(title="March two", published=datetime.date(2024, 3, 28))
    make_article(title="May one", published=datetime.date(2024, 5, 5))
    make_article(title="Last year", published=datetime.date(2023, 12, 31))
    make_article(title="Unpublished March", published=datetime.date(2024, 3, 3), status=Status.DRAFT)


def test_archive_index_lists_years_with_counts_and_links_months(client, spread):
    html = client.get("/archive/").text
    assert html.index(">2024</a>") < html.index(">2023</a>")
    assert "3 articles" in html and "1 article<" in html
    assert '<a href="/archive/2024/3/">March <span class="count">2</span></a>' in html
    assert '<span class="empty">April <span class="count">0</span></span>' in html


def test_year_page_counts_each_month(client, spread):
    response = client.get("/archive/2024/")
    assert response.status_code == 200
    assert '<a href="/archive/2024/5/">May <span class="count">1</span></a>' in response.text
    assert "/search/?year=2024" in response.text


def test_month_page_lists_that_months_published_articles(client, spread):
    html = client.get("/archive/2024/3/").text
    assert "March 2024" in html
    assert "March one" in html and "March two" in html
    assert "May one" not in html and "Unpublished March" not in html


def test_month_page_paginates(client):
    for day in range(ARCHIVE_PAGE_SIZE + 1):
        make_article(published=datetime.date(2022, 1, 1) + datetime.timedelta(hours=day))
    first = client.get("/archive/2022/1/").text
    assert 'rel="next" href="?page=2"' in first
    second = client.get("/archive/2022/1/", {"page": 2}).text
    assert second.count('class="item"') == 1


@pytest.mark.parametrize("url", ["/archive/1999/", "/archive/2024/13/", "/archive/2024/4/"])
def test_empty_or_impossible_periods_are_not_found(client, spread, url):
    assert client.get(url).status_code == 404


def test_year_and_month_pages_advertise_a_feed_of_that_period(client, spread):
    month = client.get("/archive/2024/3/").text
    assert '<link rel="alternate" type="application/atom+xml"' in month
    assert "/feeds/search.atom?year=2024&amp;month=3" in month
    assert "/feeds/search.rss?year=2024" in client.get("/archive/2024/").text


def test_year_and_month_pages_show_a_visible_feed_link(client, spread):
    month = client.get("/archive/2024/3/").text.split("<main", 1)[1]
    assert '<a href="/feeds/search.rss?year=2024&amp;month=3" type="application/rss+xml">RSS</a>' in month
    year = client.get("/archive/2024/").text.split("<main", 1)[1]
    assert '<a href="/feeds/search.atom?year=2024" type="application/atom+xml">Atom</a>' in year
