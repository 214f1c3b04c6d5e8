"""The Elasticsearch/OpenSearch backend without a server: SEARCH_URL parsing, index settings,
mappings, and the request bodies it would send, checked against the engines' documented formats.
The same backend against a live engine: tests/integration/test_elasticsearch_live.py."""

import datetime
import re
import unicodedata

import pytest
from haystack import connections, indexes
from haystack.query import SearchQuerySet

from archive.models import Article
from archive.search import elasticsearch as es
from archive.search_indexes import ArticleIndex
from config.settings import search_connection

ALIAS = "es_unit"
BUILTIN_FILTERS = {"lowercase", "asciifolding", "porter_stem"}


@pytest.fixture
def backend():
    """Gazette's ES backend on a haystack connection of its own; the client is built but never called."""
    connections.connections_info[ALIAS] = search_connection("elasticsearch://search.invalid:9200/gazette_unit")
    yield connections[ALIAS].get_backend()
    connections.thread_local.connections.pop(ALIAS, None)
    del connections.connections_info[ALIAS]


class ConventionIndex(indexes.SearchIndex):
    """Field names of every convention the mapping follows."""

    text = indexes.CharField(document=True)
    exact = indexes.CharField()
    text_en = indexes.CharField()
    text_ru = indexes.CharField()
    lead_vi = indexes.CharField()
    title = indexes.CharField(boost=2.0)
    refs = indexes.MultiValueField()
    officials = indexes.MultiValueField()
    language = indexes.CharField(faceted=True)
    year = indexes.CharField()
    source = indexes.CharField(indexed=False)
    story = indexes.IntegerField()
    published = indexes.DateField()

    def get_model(self):
        return Article


# --- SEARCH_URL -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected_url", "index"),
    [
        ("elasticsearch://search:9200/gazette", "http://search:9200/", "gazette"),
        ("elasticsearchs://es.example.org:443/news", "https://es.example.org:443/", "news"),
        ("opensearch://opensearch:9200/archive", "http://opensearch:9200/", "archive"),
        ("opensearchs://user:secret@os.example.org/archive", "https://user:secret@os.example.org/", "archive"),
        ("elasticsearch://search:9200", "http://search:9200/", "gazette"),
    ],
)
def test_search_url_selects_the_elasticsearch_engine(url, expected_url, index):
    assert search_connection(url) == {
        "ENGINE": "archive.search.elasticsearch.GazetteElasticsearchEngine",
        "URL": expected_url,
        "INDEX_NAME": index,
    }


def test_search_url_defaults_to_whoosh_and_rejects_unknown_engines(tmp_path):
    assert search_connection(f"whoosh://{tmp_path}/idx") == {
        "ENGINE": "archive.search.backend.GazetteWhooshEngine",
        "PATH": f"{tmp_path}/idx",
    }
    assert search_connection("")["ENGINE"] == "archive.search.backend.GazetteWhooshEngine"
    with pytest.raises(ValueError, match="solr"):
        search_connection("solr://localhost:8983/gazette")


# --- index settings -----------------------------------------------------------------------------


def test_index_settings_define_the_four_analyzers_in_the_whoosh_order():
    analysis = es.index_settings()["settings"]["analysis"]
    analyzers = analysis["analyzer"]
    fold = ["asciifolding", "gazette_yo", "gazette_short_i", "gazette_marks"]
    assert analyzers["gazette_exact"]["filter"] == ["lowercase"]
    assert analyzers["gazette_folded"]["filter"] == ["lowercase", *fold]
    assert analyzers["gazette_en"]["filter"] == ["lowercase", *fold, "porter_stem"]
    # Russian: ё->е, stem (the stemmer needs й), then fold.
    assert analyzers["gazette_ru"]["filter"] == [
        "lowercase",
        "gazette_yo",
        "gazette_ru_stem",
        "gazette_short_i",
        "asciifolding",
        "gazette_marks",
    ]
    assert analysis["filter"]["gazette_ru_stem"] == {"type": "stemmer", "language": "russian"}
    assert analysis["filter"]["gazette_short_i"] == {"type": "pattern_replace", "pattern": "й", "replacement": "и"}
    for name in ("gazette_exact", "gazette_folded", "gazette_en", "gazette_ru"):
        assert analyzers[name]["type"] == "custom"
        assert analyzers[name]["tokenizer"] == "gazette_words"
    # haystack's own n-gram analyzers stay available.
    assert {"ngram_analyzer", "edgengram_analyzer"} <= set(analyzers)


def test_every_filter_and_tokenizer_an_analyzer_names_is_defined_or_built_in():
    analysis = es.index_settings()["settings"]["analysis"]
    for name, analyzer in analysis["analyzer"].items():
        assert analyzer["tokenizer"] in analysis.get("tokenizer", {}) or analyzer["tokenizer"] == "standard", name
        for token_filter in analyzer["filter"]:
            assert token_filter in analysis["filter"] or token_filter in BUILTIN_FILTERS, (name, token_filter)
    for normalizer in analysis["normalizer"].values():
        assert set(normalizer["filter"]) <= BUILTIN_FILTERS


def test_index_is_one_shard_with_a_replica_on_every_node():
    index = es.index_settings()["settings"]["index"]
    assert index["number_of_shards"] == 1
    assert index["auto_expand_replicas"] == "0-all"
    assert index["max_ngram_diff"] == 2  # haystack's setting for its n-gram analyzer is kept
    # Building the settings does not alter haystack's class attribute.
    assert "gazette_en" not in es.Elasticsearch7SearchBackend.DEFAULT_SETTINGS["settings"]["analysis"]["analyzer"]


def _java_word_runs(text):
    """What the pattern tokenizer's [\\p{L}\\p{M}\\p{N}_]+ yields, emulated with Unicode categories."""
    pattern = es.ANALYSIS["tokenizer"]["gazette_words"]["pattern"]
    assert pattern == r"[\p{L}\p{M}\p{N}_]+"
    runs, word = [], ""
    for ch in text:
        if unicodedata.category(ch)[0] in "LMN" or ch == "_":
            word += ch
        elif word:
            runs.append(word)
            word = ""
    return [*runs, word] if word else runs


@pytest.mark.parametrize(
    "text",
    [
        "Thủ tướng Lê Minh Khái chủ trì phiên họp về Chính phủ điện tử",
        "Нормативных правовых актов: Закон № 101/2023/QH15 (e-Government)",
        "Deputy Prime Minister's office, 3.5% of documents; snake_case",
    ],
)
def test_tokenizer_splits_nfc_text_like_the_whoosh_word_pattern(text):
    assert _java_word_runs(text) == re.findall(r"\w+", text)


# --- mappings -----------------------------------------------------------------------------------


def test_mapping_follows_field_name_conventions(backend):
    content_field, mapping = backend.build_schema(ConventionIndex().fields)
    assert content_field == "text"
    assert mapping["text"] == {"type": "text", "analyzer": "gazette_folded"}
    assert mapping["exact"] == {"type": "text", "analyzer": "gazette_exact"}
    assert mapping["text_en"] == {"type": "text", "analyzer": "gazette_en"}
    assert mapping["text_ru"] == {"type": "text", "analyzer": "gazette_ru"}
    assert mapping["lead_vi"] == {"type": "text", "analyzer": "gazette_folded"}
    # Boosts are applied at query time (mapping boosts are deprecated in 7.x).
    assert mapping["title"] == {"type": "text", "analyzer": "gazette_folded"}
    keyword = {"type": "keyword", "normalizer": "gazette_lowercase"}
    assert mapping["refs"] == keyword
    assert mapping["officials"] == keyword
    assert mapping["language"] == keyword
    assert mapping["year"] == keyword
    assert mapping["language_exact"] == {"type": "keyword"}  # haystack's facet shadow field
    assert mapping["source"] == {"type": "keyword"}  # not indexed: haystack's own rule
    assert mapping["story"] == {"type": "long"}
    assert mapping["published"] == {"type": "date"}
    assert mapping["django_ct"] == mapping["django_id"] == {"type": "keyword"}


def test_mapping_of_the_article_index_has_no_english_only_analysis_left(backend):
    fields = ArticleIndex().fields
    content_field, mapping = backend.build_schema(fields)
    assert content_field == "text"
    assert set(fields) <= set(mapping)
    analyzers = {spec.get("analyzer") for spec in mapping.values()}
    assert "snowball" not in analyzers
    assert analyzers - {None} <= set(es.ANALYSIS["analyzer"])
    for name in ("language", "officials", "topics", "year", "month"):
        assert mapping[name]["type"] == "keyword", name
    for name in ("text", "exact", "text_en", "text_ru"):
        assert mapping[name]["type"] == "text", name


def test_query_fields_are_the_analyzed_text_fields_with_the_whoosh_weights(backend):
    fields = backend.query_fields()
    names = [f.split("^")[0] for f in fields]
    assert {"text", "exact", "text_en", "text_ru"} <= set(names)
    assert not {"language", "officials", "topics", "year", "month", "story"} & set(names)
    for field in fields:
        name, _, weight = field.partition("^")
        assert float(weight or 1) == es.FIELD_BOOSTS.get(name, 1.0)


# --- haystack's query path ------------------------------------------------------------------------


def _haystack_body(backend, sqs):
    return backend.build_search_kwargs(sqs.query.build_query(), **sqs.query.build_params())


def test_haystack_queries_search_every_text_field_and_count_every_hit(backend):
    sqs = SearchQuerySet(using=ALIAS).models(Article).filter(content="documents").facet("language")
    body = _haystack_body(backend, sqs)
    query_string = body["query"]["bool"]["must"]["query_string"]
    assert "default_field" not in query_string
    assert query_string["fields"] == backend.query_fields()
    assert query_string["type"] == "most_fields"
    assert query_string["query"] == "(documents)"
    assert body["query"]["bool"]["filter"] == {"terms": {"django_ct": ["archive.article"]}}
    assert body["track_total_hits"] is True
    assert body["aggs"]["language"]["terms"] == {"field": "language", "size": es.FACET_SIZE}


def test_haystack_match_all_and_date_facets_use_current_syntax(backend):
    sqs = SearchQuerySet(using=ALIAS).date_facet(
        "published", start_date=datetime.date(2020, 1, 1), end_date=datetime.date(2025, 1, 1), gap_by="month"
    )
    body = _haystack_body(backend, sqs)
    assert body["query"]["bool"]["must"] == {"match_all": {}}
    histogram = body["aggs"]["published"]["date_histogram"]
    assert histogram == {"field": "published", "calendar_interval": "month"}
    sqs = SearchQuerySet(using=ALIAS).date_facet(
        "published",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2025, 1, 1),
        gap_by="day",
        gap_amount=7,
    )
    assert _haystack_body(backend, sqs)["aggs"]["published"]["date_histogram"]["fixed_interval"] == "7d"


# --- multi-select facets --------------------------------------------------------------------------


def test_faceted_body_puts_selections_in_post_filter_and_counts_each_facet_under_the_others():
    query = {"match_all": {}}
    body = es.build_faceted_body(
        query,
        {"language": ["en", "ru"], "officials": ["le-minh-khai"], "topics": []},
        ["language", "officials", "topics"],
        sort=["_score"],
        size=20,
        from_=40,
    )
    language = {"terms": {"language": ["en", "ru"]}}
    official = {"terms": {"officials": ["le-minh-khai"]}}
    assert body == {
        "query": {"match_all": {}},
        "from": 40,
        "size": 20,
        "track_total_hits": True,
        "sort": ["_score"],
        "post_filter": {"bool": {"filter": [language, official]}},
        "aggs": {
            "language": {
                "meta": {"_type": "filtered_terms"},
                "filter": {"bool": {"filter": [official]}},
                "aggs": {"values": {"terms": {"field": "language", "size": es.FACET_SIZE}}},
            },
            "officials": {
                "meta": {"_type": "filtered_terms"},
                "filter": {"bool": {"filter": [language]}},
                "aggs": {"values": {"terms": {"field": "officials", "size": es.FACET_SIZE}}},
            },
            "topics": {
                "meta": {"_type": "filtered_terms"},
                "filter": {"bool": {"filter": [language, official]}},
                "aggs": {"values": {"terms": {"field": "topics", "size": es.FACET_SIZE}}},
            },
        },
    }


def test_faceted_body_without_selections_has_no_post_filter():
    body = es.build_faceted_body({"match_all": {}}, {}, ["year"])
    assert "post_filter" not in body
    assert body["aggs"]["year"]["filter"] == {"match_all": {}}
    assert "sort" not in body
    assert es.build_faceted_body({"match_all": {}}, {}, []).keys() == {"query", "from", "size", "track_total_hits"}


def test_year_counts_ignore_the_month_and_stories_are_counted_under_every_selection():
    body = es.build_faceted_body(
        {"match_all": {}},
        {"year": ["2024"], "month": ["2024-05"]},
        ["year", "month"],
        group_by="story",
        ignore={"year": ("month",)},
    )
    year, month = {"terms": {"year": ["2024"]}}, {"terms": {"month": ["2024-05"]}}
    assert body["aggs"]["year"]["filter"] == {"match_all": {}}
    assert body["aggs"]["month"]["filter"] == {"bool": {"filter": [year]}}
    assert body["collapse"] == {"field": "story"}
    assert body["aggs"][es.GROUPS] == {
        "meta": {"_type": "groups"},
        "filter": {"bool": {"filter": [month, year]}},
        "aggs": {"values": {"cardinality": {"field": "story", "precision_threshold": 40000}}},
    }


def test_text_query_is_fault_tolerant_and_needs_every_word():
    assert es.text_query("  ", ["text"]) == {"match_all": {}}
    assert es.text_query('"chính phủ" -draft', ["text", "exact^1.5"]) == {
        "simple_query_string": {
            "query": '"chính phủ" -draft',
            "fields": ["text", "exact^1.5"],
            "default_operator": "and",
            "flags": "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE",
        }
    }


def test_sorts_and_date_range_follow_the_whoosh_order():
    assert es.sort_clause("relevance") == ["_score", {"day": "desc"}, {"article": "desc"}]
    assert es.sort_clause("newest") == [{"day": "desc"}, {"article": "desc"}]
    assert es.sort_clause("oldest") == [{"day": "asc"}, {"article": "asc"}]
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    assert es.day_range(start, end) == {"range": {"day": {"gte": start.toordinal(), "lte": end.toordinal()}}}
    assert es.day_range(None, end) == {"range": {"day": {"lte": end.toordinal()}}}


def test_backend_faceted_body_limits_to_articles_and_applies_fixed_filters(backend):
    fixed = [es.terms_filter("officials", ["le-minh-khai"])]
    body = backend.faceted_body(
        "chính phủ", {"language": ["vi"]}, ["language"], fixed=fixed, sort="newest", start=20, size=10, group_by="story"
    )
    assert body["query"] == {
        "bool": {
            "must": es.text_query("chính phủ", backend.query_fields()),
            "filter": [{"terms": {"django_ct": ["archive.article"]}}, *fixed],
        }
    }
    assert body["sort"] == es.sort_clause("newest")
    assert (body["from"], body["size"]) == (20, 10)
    assert body["post_filter"] == {"bool": {"filter": [{"terms": {"language": ["vi"]}}]}}
    assert body["collapse"] == {"field": "story"}


def test_responses_in_the_documented_shape_become_haystack_results(backend):
    """A search response as Elasticsearch 7 / OpenSearch document it, with filter-wrapped facets."""
    raw = {
        "took": 3,
        "timed_out": False,
        "hits": {
            "total": {"value": 2, "relation": "eq"},
            "max_score": 1.3,
            "hits": [
                {
                    "_index": "gazette",
                    "_id": "archive.article.7",
                    "_score": 1.3,
                    "_source": {
                        "id": "archive.article.7",
                        "django_ct": "archive.article",
                        "django_id": "7",
                        "language": "vi",
                        "story": 3,
                    },
                }
            ],
        },
        "aggregations": {
            "language": {
                "meta": {"_type": "filtered_terms"},
                "doc_count": 5,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "vi", "doc_count": 2}, {"key": "en", "doc_count": 3}],
                },
            },
            es.GROUPS: {"meta": {"_type": "groups"}, "doc_count": 2, "values": {"value": 1}},
        },
    }
    results = backend._process_results(raw)
    assert results["hits"] == 2
    assert results["groups"] == 1
    assert results["facets"]["fields"] == {"language": [("vi", 2), ("en", 3)]}
    [hit] = results["results"]
    assert (hit.app_label, hit.model_name, hit.pk, hit.language, hit.story) == ("archive", "article", "7", "vi", 3)
