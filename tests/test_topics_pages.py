"""Topics: the index, and a page per topic with names in every language, faceted articles and feeds."""

import pytest

from archive.models import Topic
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def tagged(whoosh_index):
    a = make_article(title="Portal opens", topics=["e-government"], officials=["le-minh-khai"])
    b = make_article(language="ru", title="Портал открыт", topics=["e-government", "public-services"])
    c = make_article(title="Law-making session", topics=["law-making"])
    whoosh_index()
    return a, b, c


def test_topic_index_lists_every_topic_with_its_count_in_the_interface_language(client, tagged):
    en = client.get("/topics/", HTTP_ACCEPT_LANGUAGE="en").text
    assert '<a href="/topics/e-government/">E-Government</a>' in en
    assert "2 articles" in en
    ru = client.get("/topics/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert '<a href="/topics/e-government/">Электронное правительство</a>' in ru
    assert "2 статьи" in ru
    for topic in Topic.objects.all():
        assert topic.get_absolute_url() in en


def test_topic_page_lists_its_articles_and_names_it_in_all_languages(client, tagged):
    a, b, c = tagged
    html = client.get("/topics/e-government/").text
    assert "<h1>E-Government</h1>" in html
    assert '<span lang="vi">Chính phủ điện tử</span>' in html
    assert a.title in html and b.title in html and c.title not in html
    assert "2 articles found" in html


def test_topic_page_facets_combine_with_the_topic(client, tagged):
    a, b, _ = tagged
    html = client.get("/topics/e-government/", {"official": "le-minh-khai"}).text
    assert "1 article found" in html
    assert a.title in html and b.title not in html


def test_topic_page_advertises_its_feeds(client, tagged):
    html = client.get("/topics/e-government/").text
    assert '<link rel="alternate" type="application/atom+xml"' in html
    assert "/feeds/topics/e-government.atom" in html


def test_unknown_topic_is_404(client, whoosh_index):
    assert client.get("/topics/no-such-topic/").status_code == 404


def test_a_filtered_topic_page_offers_the_feed_and_alert_of_what_it_shows(client, tagged):
    a, b, _ = tagged
    html = client.get("/topics/e-government/", {"language": "ru", "page": "1", "sort": "oldest"}).text
    feed = "/feeds/topics/e-government.atom?language=ru"
    assert (
        f'<link rel="alternate" type="application/atom+xml" title="Gazette: E-Government; Language: Русский (Atom)" href="{feed}">'
        in html
    )
    follow = html.split('<section class="follow"', 1)[1]
    assert "Follow: E-Government; Language: Русский" in follow
    assert f'href="{feed}" type="application/atom+xml">Atom</a>' in follow
    assert 'name="params" value="topic=e-government&amp;language=ru"' in follow
    entries = client.get(feed).text
    assert b.title in entries and a.title not in entries


def test_an_unfiltered_topic_page_follows_the_whole_topic(client, tagged):
    html = client.get("/topics/e-government/").text
    assert 'href="/feeds/topics/e-government.rss" type="application/rss+xml">RSS</a>' in html
    assert 'name="params" value="topic=e-government"' in html
    assert "Follow: E-Government</h2>" in html
