"""indexing.sync(): what is published becomes searchable at once, what is not leaves the index."""

import pytest
from haystack.query import SearchQuerySet

from archive.models import Article, Status
from archive.search import indexing, query
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def found(q):
    return {h.article.pk for h in query.run({"q": [q]}).hits}


def test_sync_adds_updates_and_removes(whoosh_index):
    whoosh_index()
    article = make_article(title="Budget review")
    assert found("budget") == set()  # not synced yet
    indexing.sync([article.pk])
    assert found("budget") == {article.pk}  # the process searcher noticed the new generation

    Article.objects.filter(pk=article.pk).update(title="Tax review")
    indexing.sync([article.pk])
    assert found("budget") == set() and found("tax") == {article.pk}

    Article.objects.filter(pk=article.pk).update(status=Status.DRAFT)
    indexing.sync([article.pk])
    assert query.run({}).count == 0

    pk = article.pk
    article.delete()
    indexing.sync([pk])  # gone from the database: removing is harmless
    assert query.run({}).count == 0


def test_officials_and_topics_are_indexed_as_exact_facets(whoosh_index):
    article = make_article(title="Reform meeting", officials=["pham-minh-chinh"], topics=["administrative-reform"])
    indexing.sync([article.pk])
    result = query.run({"official": ["pham-minh-chinh"], "topic": ["administrative-reform"]})
    assert [h.article for h in result.hits] == [article]


def test_haystack_match_all_still_works(whoosh_index):
    make_article(title="One")
    make_article(title="Two")
    whoosh_index()
    assert SearchQuerySet().all().count() == 2
