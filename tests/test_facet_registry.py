"""A facet declared in the registry alone is a whole facet: the form takes it, both engines index, filter and count
it, the API, the sidebar, the chips and the feed titles name it, and check_index's signature covers it."""

import io

import feedparser
import lxml.html
import pytest
from django.core.management import call_command
from haystack import connections

from archive.models import Article
from archive.search import query, registry
from archive.search.forms import SearchForm
from tests.factories import make_article

pytestmark = pytest.mark.django_db

STATES = {"pending": "To be confirmed", "confirmed": "Confirmed"}
# A throwaway facet over an existing field: whether an article's metadata still waits for an editor.
REVIEW = registry.Facet(
    "review",
    "review",
    "Review state",
    "Whether an editor still has to confirm an article's metadata.",
    ("needs_review",),
    value=lambda row: "pending" if row[0] else "confirmed",
    known=lambda values: set(values) & set(STATES),
    labels=lambda values: {v: STATES[v] for v in values},
)


@pytest.fixture
def review_facet(request):
    """The facet registered, then an index built with it (the registry is read when the index is set up; on an
    engine, setting up adds the new field to the mapping)."""
    registry.register(REVIEW, after="topic")
    connections.reload("default")
    try:
        reindex = request.getfixturevalue("whoosh_index")
        make_article(title="Budget approved", needs_review=True)
        make_article(title="Budget debated", needs_review=True)
        make_article(title="Budget proposed")
        reindex()
        yield reindex
    finally:
        registry.unregister("review")


def test_the_form_validates_the_new_parameter():
    registry.register(REVIEW)
    try:
        data, notices = SearchForm({"review": ["pending", "maybe"]}).validated()
    finally:
        registry.unregister("review")
    assert data["review"] == ["pending"]
    assert notices == ["Unknown review state “maybe” was ignored."]


def test_the_api_filters_and_counts_it(client, review_facet):
    data = client.get("/api/search/", {"q": "budget", "review": "pending"}).json()
    assert data["count"] == 2
    assert data["facets"]["review"] == [
        {"value": "pending", "label": "To be confirmed", "count": 2, "selected": True},
        {"value": "confirmed", "label": "Confirmed", "count": 1, "selected": False},
    ]
    assert list(data["facets"])[:4] == ["language", "official", "topic", "review"]  # where it was registered


def test_the_page_shows_its_legend_and_a_chip(client, review_facet):
    page = lxml.html.fromstring(client.get("/search/", {"review": "confirmed"}).content)
    assert [x.text_content() for x in page.xpath("//fieldset[contains(@class, 'facet-review')]/legend")] == [
        "Review state"
    ]
    (chip,) = page.xpath("//ul[contains(@class, 'active-filters')]//a")
    assert chip.text_content().startswith("Confirmed")
    assert chip.get("href") == "?"


def test_feed_titles_name_it(client, review_facet):
    feed = feedparser.parse(client.get("/feeds/search.rss", {"review": "pending"}).content)
    assert feed.feed.title == "Gazette: Search: Review state: To be confirmed"
    assert len(feed.entries) == 2


def test_the_api_description_lists_it(client, review_facet):
    parameters = client.get("/api/openapi.json").json()["components"]["parameters"]
    assert parameters["review"]["description"] == REVIEW.description


def test_check_index_notices_a_change_of_it_behind_the_index_s_back(review_facet):
    article = Article.objects.get(title="Budget proposed")
    Article.objects.filter(pk=article.pk).update(needs_review=True)  # no signal: only the signature can tell
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_index", stdout=out)
    assert exit_.value.code == 1
    assert f"stale: 1 in the index with outdated content: {article.pk}" in out.getvalue()
    call_command("check_index", "--repair", stdout=io.StringIO())
    assert query.run({"review": ["pending"]}).count == 3
