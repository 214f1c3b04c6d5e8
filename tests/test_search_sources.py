"""The source facet through the public surface: the search page and its chips, the JSON API, the source page and
its feeds; an editor's new name for a source reaches the index, and check_index notices one made behind its back."""

import io

import feedparser
import lxml.html
import pytest
from django.contrib.auth.models import User
from django.core.management import call_command

from archive.models import Source
from archive.search import indexing
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(whoosh_index):
    articles = {
        "plus": make_article(title="Budget law passed", source_name="VietnamPlus"),
        "plus_url": make_article(title="Budget debate opens", source_url="https://www.vietnamplus.vn/debate.vnp"),
        "nhandan": make_article(title="Budget of the provinces", source_name="Nhân Dân"),
        "reuters": make_article(title="Markets and the budget", source_name="Reuters"),
    }
    whoosh_index()
    return articles


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200
    return response.json()


def test_the_api_counts_sources_and_names_each_hit_s_source(client, archive):
    data = api(client, q="budget")
    facet = {v["value"]: (v["label"], v["count"], v["selected"]) for v in data["facets"]["source"]}
    assert facet == {
        "vietnamplus": ("VietnamPlus", 2, False),
        "nhandan": ("Nhân Dân", 1, False),
        "reuters": ("Reuters", 1, False),
    }
    sources = {hit["id"]: hit["source"] for hit in data["results"]}
    assert sources[archive["plus_url"].pk] == {"key": "vietnamplus", "name": "VietnamPlus"}
    assert sources[archive["reuters"].pk] == {"key": "reuters", "name": "Reuters"}


def test_sources_are_multi_select_and_and_with_other_facets(client, archive):
    assert api(client, source="vietnamplus")["count"] == 2
    assert api(client, source=["vietnamplus", "reuters"])["count"] == 3
    data = api(client, source="reuters", q="law")
    assert data["count"] == 0
    # Counts of the source facet ignore its own selection: what choosing only that value gives.
    counts = {v["value"]: v["count"] for v in api(client, source="reuters")["facets"]["source"]}
    assert counts == {"vietnamplus": 2, "nhandan": 1, "reuters": 1}


def test_an_unknown_source_is_reported_and_ignored(client, archive):
    data = api(client, source=["nowhere", "reuters"])
    assert data["count"] == 1
    assert any("nowhere" in notice for notice in data["notices"])


def test_the_search_page_shows_the_source_legend_and_a_chip_that_removes_it(client, archive):
    response = client.get("/search/", {"source": "nhandan", "q": "budget"})
    page = lxml.html.fromstring(response.content)
    legends = [legend.text_content() for legend in page.xpath("//fieldset[contains(@class, 'facet-source')]/legend")]
    assert legends == ["Source"]
    (chip,) = page.xpath("//ul[contains(@class, 'active-filters')]//a")
    assert chip.text_content().startswith("Nhân Dân")
    assert chip.get("href") == "?q=budget"


def test_the_source_page_lists_its_articles_and_its_feed_is_titled_by_its_name(client, archive):
    page = lxml.html.fromstring(client.get("/sources/vietnamplus/").content)
    titles = {a.text_content().strip() for a in page.xpath("//h3[@class='hit-title']/a")}
    assert titles == {"Budget law passed", "Budget debate opens"}
    feed = feedparser.parse(client.get("/feeds/sources/vietnamplus.rss").content)
    assert feed.feed.title == "Gazette: Source: VietnamPlus"
    assert {entry.title for entry in feed.entries} == {"Budget law passed", "Budget debate opens"}
    assert client.get("/feeds/sources/nowhere.atom").status_code == 404


def test_a_name_set_in_the_admin_reaches_labels_feeds_and_the_index(client, archive):
    admin = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(admin)
    source = Source.objects.get(key="vietnamplus")
    response = client.post(f"/admin/archive/source/{source.pk}/change/", {"name": "Vietnam Plus (VNA)"})
    assert response.status_code == 302
    indexing.drain()
    client.logout()
    labels = {v["value"]: v["label"] for v in api(client)["facets"]["source"]}
    assert labels["vietnamplus"] == "Vietnam Plus (VNA)"
    feed = feedparser.parse(client.get("/feeds/search.rss", {"source": "vietnamplus"}).content)
    assert feed.feed.title == "Gazette: Search: Source: Vietnam Plus (VNA)"
    assert indexing.compare().ids == []  # the index was rewritten with the new name


def test_check_index_notices_a_source_renamed_behind_its_back(archive):
    Source.objects.filter(key="reuters").update(name="Thomson Reuters")  # no signal
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_index", stdout=out)
    assert exit_.value.code == 1
    assert f"stale: 1 in the index with outdated content: {archive['reuters'].pk}" in out.getvalue()


def test_an_article_page_links_to_its_source(client, archive):
    page = lxml.html.fromstring(client.get(archive["plus_url"].get_absolute_url()).content)
    assert page.xpath("//a[text()='all its articles']/@href") == ["/sources/vietnamplus/"]
