"""Gazette's Elasticsearch/OpenSearch backend against a live engine.

Runs when SEARCH_URL names one, e.g.

    SEARCH_URL=elasticsearch://127.0.0.1:9200/gazette .venv/bin/pytest tests/integration

and is skipped otherwise. Each test writes to an index of its own (`<index>_test_<random>`), deleted
afterwards, so the index named in SEARCH_URL is never touched. An engine that is named but does not
answer is a failure, not a skip: a broken search cluster must not pass as "not configured".
"""

import os
import uuid
from urllib.parse import urlsplit

import pytest
from haystack import connections
from haystack.query import SearchQuerySet

from archive.models import Article
from archive.search import analysis
from config.settings import search_connection
from tests.factories import make_article, make_story

SEARCH_URL = os.environ.get("SEARCH_URL", "")
LIVE = urlsplit(SEARCH_URL).scheme in {"elasticsearch", "elasticsearchs", "opensearch", "opensearchs"}

pytestmark = [
    pytest.mark.skipif(
        not LIVE,
        reason="no live search engine: set SEARCH_URL=elasticsearch://host:9200/index (or opensearch://) to run",
    ),
    pytest.mark.django_db,
]

ALIAS = "es_live"


@pytest.fixture
def engine():
    info = search_connection(SEARCH_URL)
    info["INDEX_NAME"] = f"{info['INDEX_NAME']}_test_{uuid.uuid4().hex[:8]}"
    connections.connections_info[ALIAS] = info
    backend = connections[ALIAS].get_backend()
    try:
        assert backend.conn.ping(), f"SEARCH_URL={SEARCH_URL} names a search engine that does not answer"
        backend.setup()

        def index(articles):
            unified = connections[ALIAS].get_unified_index().get_index(Article)
            backend.update(unified, Article.objects.filter(pk__in=[a.pk for a in articles]))

        yield backend, index
        backend.conn.indices.delete(index=info["INDEX_NAME"], ignore=404)
    finally:
        connections.thread_local.connections.pop(ALIAS, None)
        del connections.connections_info[ALIAS]


def _tokens(backend, analyzer, text):
    response = backend.conn.indices.analyze(index=backend.index_name, body={"analyzer": analyzer, "text": text})
    return [t["token"] for t in response["tokens"]]


WORDS = ["Lê", "Khái", "Chính", "phủ", "điện", "tử", "documents", "governments", "reforming",
         "документов", "правительства", "новый", "объём", "Đà", "Nẵng", "QH15"]  # fmt: skip


@pytest.mark.parametrize(
    ("analyzer", "form"),
    [("gazette_exact", "exact"), ("gazette_folded", "text"), ("gazette_en", "text_en"), ("gazette_ru", "text_ru")],
)
def test_engine_analysis_gives_the_whoosh_index_forms(engine, analyzer, form):
    backend, _ = engine
    expected = [analysis.forms(word.lower())[form] for word in WORDS]
    assert _tokens(backend, analyzer, " ".join(WORDS)) == expected


def test_engine_tokenizes_like_the_whoosh_index(engine):
    backend, _ = engine
    text = "Закон № 101/2023/QH15 об e-Government, 3.5%"
    assert _tokens(backend, "gazette_exact", text) == [w for w, _, _ in analysis.words(text)]


def test_folded_stemmed_queries_find_articles_in_each_language(engine):
    _, index = engine
    vi = make_article(language="vi", title="Phó Thủ tướng Lê Minh Khái chủ trì phiên họp")
    en = make_article(language="en", title="Government publishes documents on e-government")
    ru = make_article(language="ru", title="Правительство утвердило порядок документов")
    index([vi, en, ru])

    def found(q):
        return {int(r.pk) for r in SearchQuerySet(using=ALIAS).models(Article).auto_query(q)}

    assert found("Le Minh Khai") == {vi.pk}
    assert found("document") == {en.pk}
    assert found("документ") == {ru.pk}


def test_facets_are_multi_select_and_hits_group_by_story(engine):
    backend, index = engine
    story = make_story()
    articles = [
        make_article(story=story, language="en", title="Administrative reform report"),
        make_article(story=story, language="ru", title="Административная реформа: доклад"),
        make_article(language="en", title="Second administrative reform report"),
        make_article(language="vi", title="Báo cáo cải cách hành chính"),
    ]
    index(articles)
    results = backend.faceted_search("", {"language": ["en"]}, ["language"], sort="newest", group_by="story", size=10)
    assert results["hits"] == 2  # articles in English
    assert results["groups"] == 2
    assert dict(results["facets"]["fields"]["language"]) == {"en": 2, "ru": 1, "vi": 1}
    results = backend.faceted_search("", {}, ["language"], group_by="story", size=10)
    assert (results["hits"], results["groups"], len(results["results"])) == (4, 3, 3)


def test_removed_article_leaves_the_engine(engine):
    backend, index = engine
    article = make_article(title="Takedown candidate about e-government")
    index([article])
    assert backend.faceted_search("takedown", {}, [])["hits"] == 1
    backend.remove(article)
    assert backend.faceted_search("takedown", {}, [])["hits"] == 0
