"""The Elasticsearch/OpenSearch backend without a server: SEARCH_URL parsing, index settings,
mappings, and the request bodies it would send, checked against the engines' documented formats.
The same backend against a live engine: tests/integration/test_elasticsearch_live.py."""

import datetime
import re
import unicodedata
from collections import Counter

import pytest
from haystack import connections, indexes
from haystack.exceptions import SkipDocument
from haystack.query import SearchQuerySet

from archive.models import Article, Official
from archive.search import analysis, parse
from archive.search import elasticsearch as es
from archive.search.aliases import AliasTable
from archive.search.engine import EngineRequest, EngineResult
from archive.search_indexes import ArticleIndex, article_signature
from config.settings import search_connection
from tests.factories import make_article

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
        ("elasticsearch://search:9200/gazette", ["http://search:9200/"], "gazette"),
        ("elasticsearchs://es.example.org:443/news", ["https://es.example.org:443/"], "news"),
        ("opensearch://opensearch:9200/archive", ["http://opensearch:9200/"], "archive"),
        ("opensearchs://user:secret@os.example.org/archive", ["https://user:secret@os.example.org/"], "archive"),
        ("elasticsearch://search:9200", ["http://search:9200/"], "gazette"),
        ("opensearch://a:9201,b:9202/gazette", ["http://a:9201/", "http://b:9202/"], "gazette"),
        ("opensearchs://u:p@a,b/x", ["https://u:p@a/", "https://u:p@b/"], "x"),
    ],
)
def test_search_url_selects_the_elasticsearch_engine(url, expected_url, index):
    assert search_connection(url) == {
        "ENGINE": "archive.search.elasticsearch.GazetteElasticsearchEngine",
        "URL": expected_url,
        "INDEX_NAME": index,
        "KWARGS": {"retry_on_timeout": True, "max_retries": 3},
        "SILENTLY_FAIL": False,
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
        "gazette_hard_sign",
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
    # check_index compares the signature byte for byte; sorting, collapsing and ranges need numbers.
    assert mapping["sig"] == {"type": "keyword"}
    for name in ("article", "story", "day"):
        assert mapping[name] == {"type": "long"}, name


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


# --- find(): the query, checked against the documented query DSL -----------------------------------

# parse.FIELD_BOOSTS, written out: a change of weights must show here.
BOOSTS = {"text": 1.0, "exact": 1.5, "text_en": 1.0, "text_ru": 1.0, "title": 2.0}
EXACT_WITH_DIACRITICS = 3.0  # `exact` when the reader typed diacritics (x parse.DIACRITICS_BOOST)
WORD_FIELDS = ("text", "title", "text_en", "text_ru")  # a word: folded, title, and each language's stems
PHRASE_FIELDS = ("text", "title")  # a phrase: its folded words in order, where positions are kept
ARTICLES = {"terms": {"django_ct": ["archive.article"]}}
# An alias table as aliases.table() builds it: folded words -> slugs, slug -> spellings as typed (lowercased).
TABLE = AliasTable(
    by_words={
        ("le", "minh", "khai"): frozenset({"le-minh-khai"}),
        ("ле", "минь", "кхаи"): frozenset({"le-minh-khai"}),
        ("pham", "minh", "chinh"): frozenset({"pham-minh-chinh"}),
    },
    spellings={
        "le-minh-khai": (("lê", "minh", "khái"), ("le", "minh", "khai"), ("ле", "минь", "кхай")),
        "pham-minh-chinh": (("phạm", "minh", "chính"),),
    },
    longest=3,
)


def request(q="", **fields):
    parsed = parse.expand_aliases(parse.parse(q), TABLE) if q else parse.Parsed()
    return EngineRequest(parsed=parsed, aliases=TABLE if q else None, **fields)


def body_of(q="", **fields):
    return es.find_body(request(q, **fields), ["archive.article"])


def exact_bonus(*words, boost=BOOSTS["exact"]):
    """The words as typed, in `exact`: every one of them for a phrase (the field has no positions)."""
    clauses = [{"match": {"exact": {"query": w, "boost": boost}}} for w in words]
    return clauses[0] if len(clauses) == 1 else {"bool": {"must": clauses}}


def searched(alternatives, bonus):
    """One of `alternatives` must match; `bonus` only adds to the score: beside `must`, `should` clauses are
    optional (minimum_should_match defaults to 0 in a bool query with must or filter clauses)."""
    return {"bool": {"must": [{"bool": {"should": alternatives, "minimum_should_match": 1}}], "should": [bonus]}}


def word(text, exact=BOOSTS["exact"]):
    """A word in the folded, title and stemmed fields, each analyzer making its own form of it."""
    alternatives = [{"match": {name: {"query": text, "boost": BOOSTS[name]}}} for name in WORD_FIELDS]
    return searched(alternatives, exact_bonus(text, boost=exact))


def phrase(text, exact=BOOSTS["exact"]):
    """Words in this order, in the folded fields only (unstemmed)."""
    alternatives = [{"match_phrase": {name: {"query": text, "boost": BOOSTS[name]}}} for name in PHRASE_FIELDS]
    return searched(alternatives, exact_bonus(*text.split(), boost=exact))


def test_browsing_is_every_article_newest_first_one_entry_per_story():
    facet_fields = ["language", "officials", "topics", "source", "year", "month"]
    assert body_of() == {
        "query": {"bool": {"filter": [ARTICLES]}},
        "from": 0,
        "size": 20,
        "track_total_hits": True,
        "sort": [{"day": "desc"}, {"article": "desc"}],
        "collapse": {"field": "story"},
        "_source": ["article"],
        "aggs": {
            **{
                field: {
                    "filter": {"match_all": {}},
                    "aggs": {"values": {"terms": {"field": field, "size": es.FACET_SIZE}}},
                }
                for field in facet_fields
            },
            es.GROUPS: {
                "filter": {"match_all": {}},
                "aggs": {"values": {"cardinality": {"field": "story", "precision_threshold": 40000}}},
            },
        },
    }


def test_every_word_must_match_in_one_of_its_forms_and_its_spelling_only_adds_score():
    query = body_of("Documents chính", sort="relevance")["query"]["bool"]
    # The typed words, lowercased; each field's analyzer makes its own form (fold, stem) as at index time.
    documents = {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"match": {"text": {"query": "documents", "boost": 1.0}}},
                            {"match": {"title": {"query": "documents", "boost": 2.0}}},
                            {"match": {"text_en": {"query": "documents", "boost": 1.0}}},
                            {"match": {"text_ru": {"query": "documents", "boost": 1.0}}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            # Beside `must` and without minimum_should_match: scores the spelling, never decides the match.
            "should": [{"match": {"exact": {"query": "documents", "boost": 1.5}}}],
        }
    }
    assert query["must"] == [documents, word("chính", exact=EXACT_WITH_DIACRITICS)]
    assert query["filter"] == [ARTICLES]
    assert "must_not" not in query
    # Typed without diacritics, the spelling weighs only the field's weight.
    assert body_of("chinh")["query"]["bool"]["must"] == [word("chinh")]


def test_a_phrase_is_unstemmed_in_order_in_the_folded_fields_and_its_words_as_typed_add_score():
    query = body_of('"chính phủ" điện', sort="relevance")["query"]["bool"]
    assert query["must"] == [
        {
            "bool": {
                "must": [
                    {
                        "bool": {
                            "should": [
                                {"match_phrase": {"text": {"query": "chính phủ", "boost": 1.0}}},
                                {"match_phrase": {"title": {"query": "chính phủ", "boost": 2.0}}},
                            ],
                            "minimum_should_match": 1,
                        }
                    }
                ],
                # `exact` has no positions: the bonus is every word spelled so, anywhere in the article.
                "should": [exact_bonus("chính", "phủ", boost=EXACT_WITH_DIACRITICS)],
            }
        },
        word("điện", exact=EXACT_WITH_DIACRITICS),
    ]
    # A word repeated in a phrase is one condition of the bonus.
    [clause] = body_of('"ha ha"')["query"]["bool"]["must"]
    assert clause["bool"]["should"] == [exact_bonus("ha")]


def test_words_typed_together_add_a_phrase_bonus_that_never_decides_the_match():
    def phrase_bonus(words_):
        return [
            {"match_phrase": {"text": {"query": words_, "boost": 4.0}}},
            {"match_phrase": {"title": {"query": words_, "boost": 8.0}}},
        ]

    query = body_of("chính phủ điện tử", sort="relevance")["query"]["bool"]
    assert len(query["must"]) == 4  # every word still required on its own
    assert query["should"] == phrase_bonus("chính phủ điện tử")
    assert "minimum_should_match" not in query  # beside `must`: scores, never decides
    # A quoted phrase inside a run: the whole run is the bonus; OR and exclusions break runs.
    assert body_of('"chính phủ" điện tử')["query"]["bool"]["should"] == phrase_bonus("chính phủ điện tử")
    assert body_of("reform OR change of law")["query"]["bool"]["should"] == phrase_bonus("change of law")
    assert body_of("prime minister -deputy prime minister")["query"]["bool"]["should"] == phrase_bonus("prime minister")
    # A word alone, or a quoted phrase alone (already required in order): no bonus.
    for q in ("government", '"chính phủ"', "a OR b", "reform -law"):
        assert "should" not in body_of(q)["query"]["bool"], q


def test_excluded_words_and_phrases_are_must_not_and_alone_match_everything_else():
    query = body_of('government -reform -"draft law"')["query"]["bool"]
    assert query["must"] == [word("government")]
    # Under must_not only the required part counts: an optional clause cannot make a document match.
    assert query["must_not"] == [word("reform"), phrase("draft law")]
    only_excluded = body_of("-reform")["query"]["bool"]
    assert "must" not in only_excluded  # every article but those
    assert only_excluded["must_not"] == [word("reform")]


def test_or_joins_alternatives_of_one_required_clause():
    query = body_of("reform OR документов budget")["query"]["bool"]
    either = {"bool": {"should": [word("reform"), word("документов")], "minimum_should_match": 1}}
    assert query["must"] == [either, word("budget")]


def test_a_legal_number_is_a_phrase_of_its_parts_or_the_exact_reference():
    [clause] = body_of("101/2023/QH15")["query"]["bool"]["must"]
    assert clause == {
        "bool": {
            "must": [
                {
                    "bool": {
                        "should": [
                            {"match_phrase": {"text": {"query": "101 2023 qh15", "boost": 1.0}}},
                            {"match_phrase": {"title": {"query": "101 2023 qh15", "boost": 2.0}}},
                            {"term": {"refs": {"value": "101/2023/qh15", "boost": 3.0}}},
                        ],
                        "minimum_should_match": 1,
                    }
                }
            ],
            "should": [exact_bonus("101", "2023", "qh15")],
        }
    }


def test_an_official_s_name_in_any_script_expands_to_the_tag_and_every_spelling():
    [clause] = body_of("Ле Минь Кхай")["query"]["bool"]["must"]
    assert clause == {
        "bool": {
            "should": [
                phrase("ле минь кхай", exact=EXACT_WITH_DIACRITICS),  # й is folded: a diacritic
                {"term": {"officials": {"value": "le-minh-khai", "boost": 2.0}}},
                # Other spellings once per folded form (lê minh khái = le minh khai), in the folded field.
                {"match_phrase": {"text": {"query": "le minh khai", "boost": 0.5}}},
                {"match_phrase": {"text": {"query": "ле минь кхаи", "boost": 0.5}}},
            ],
            "minimum_should_match": 1,
        }
    }
    # One word of a name is not a name.
    assert body_of("Кхай")["query"]["bool"]["must"] == [word("кхай", exact=EXACT_WITH_DIACRITICS)]


# The two engines' queries compared by what they mean. Each word or phrase becomes
#     ("unit", "word" | "phrase", {(field, form or words in order, boost)}, refs (value, boost) or None,
#      ("optional", {(field, form, boost)} all of which add to the score)),
# officials' tags and other spellings ("term" | "phrase", field, form, boost), and OR / AND of them
# ("any" | "all", alternatives in any order).
STEM_FIELDS = ("text_en", "text_ru")


def _bag(items):
    """Items in any order, each as many times as it comes."""
    return frozenset(Counter(items).items())


def _unit(kind, fields, spelled, ref=None):
    return ("unit", kind, frozenset(fields), ref, ("optional", frozenset(spelled)))


def _plan_leaf(alternative):
    if len(alternative.words) > 1:
        return ("phrase", alternative.field, tuple(alternative.words), alternative.boost)
    return ("term", alternative.field, alternative.words[0], alternative.boost)


def _plan_unit(plan):
    found, kinds, ref = {}, set(), None
    for alternative in plan.alternatives:
        shape, field, form, boost = _plan_leaf(alternative)
        if field == "refs":
            ref = (form, boost)
            continue
        kinds.add("phrase" if shape == "phrase" else "word")
        assert (field, form) not in found, alternative  # one condition per field and form
        found[(field, form)] = boost
    [kind] = kinds
    if kind == "phrase":
        fields = {field: (form, boost) for (field, form), boost in found.items()}
        assert len(fields) == len(found), found
    else:
        # Whoosh keeps a stem in text_en/text_ru only where it differs from its word, and looks for it in `text`
        # too (where the word is its own stem); Elasticsearch's text_en/text_ru hold every word's stem. So the
        # pair {text_en: s, text: s} is what one text_en match of the word whose form is s means.
        fields = {}
        for name in STEM_FIELDS:
            [(stem, boost)] = [(form, b) for (field, form), b in found.items() if field == name]
            assert found.get(("text", stem)) == boost, (name, stem, found)  # the pair's other half
            fields[name] = (stem, boost)
        [(folded, boost)] = [(form, b) for (field, form), b in found.items() if field == "title"]
        fields["title"] = (folded, boost)
        fields["text"] = (folded, found[("text", folded)])
        # Nothing else: `text` holds the folded word and the stems' other halves, no other field is searched.
        assert {form for field, form in found if field == "text"} <= {folded, *(fields[n][0] for n in STEM_FIELDS)}
        assert {field for field, _ in found} == set(fields), found
    spelled = set(plan.bonus)
    assert len(spelled) == len(plan.bonus), plan.bonus
    return _unit(kind, [(field, *value) for field, value in fields.items()], spelled, ref)


def _plan_clause(plans):
    """What parse.clause_plans means: a word or phrase (a plan with the spelling bonus) or an official's tag or
    other spelling (a plan of one alternative), any of them."""
    meanings = [_plan_unit(plan) if plan.bonus else _plan_leaf(plan.alternatives[0]) for plan in plans]
    return meanings[0] if len(meanings) == 1 else ("any", _bag(meanings))


def _plan_meaning(parsed, aliases):
    """What the required clauses of a parsed query mean, in the form above."""
    clauses = [_plan_clause(parse.clause_plans(clause, aliases)) for clause in parsed.required]
    return clauses[0] if len(clauses) == 1 else ("all", _bag(clauses))


def _excluded_meaning(parsed):
    return ("any", _bag(_plan_unit(parse.unit_plan(unit)) for unit in parsed.excluded))


def _form(field, word):
    """The index form the field's analyzer gives a query word (the live tests check the engine's analyzers
    against analysis.forms)."""
    return analysis.forms(word)["text" if field == "title" else field] if field in BOOSTS else word


def _es_leaf(q):
    [(kind, spec)] = q.items()
    [(field, params)] = spec.items()
    if kind == "term":
        return ("term", field, params["value"], params["boost"])
    assert set(params) == {"query", "boost"}, params  # analyzed by the field's own analyzer, as the documents
    words = params["query"].split()
    if kind == "match":
        [one] = words
        return ("term", field, _form(field, one), params["boost"])
    assert kind == "match_phrase", kind
    return ("phrase", field, tuple(_form(field, w) for w in words), params["boost"])


def _es_unit(required, bonus):
    if "bool" in required:
        assert set(required["bool"]) == {"should", "minimum_should_match"}, required
        assert required["bool"]["minimum_should_match"] == 1
        alternatives = required["bool"]["should"]
    else:
        alternatives = [required]
    fields, kinds, ref = {}, set(), None
    for alternative in alternatives:
        shape, field, form, boost = _es_leaf(alternative)
        if field == "refs":
            ref = (form, boost)
            continue
        kinds.add("phrase" if shape == "phrase" else "word")
        assert field not in fields, alternative  # one condition per field
        fields[field] = (form, boost)
    [kind] = kinds
    if "bool" in bonus:
        assert set(bonus["bool"]) == {"must"}, bonus  # all the words
        terms = bonus["bool"]["must"]
    else:
        terms = [bonus]
    spelled = {_es_leaf(t)[1:] for t in terms if _es_leaf(t)[0] == "term"}
    assert len(spelled) == len(terms), bonus
    return _unit(kind, [(field, *value) for field, value in fields.items()], spelled, ref)


def _es_meaning(q):
    """What an Elasticsearch query clause means, in the form above."""
    [(kind, spec)] = q.items()
    if kind != "bool":
        return _es_leaf(q)
    if "must" in spec and "should" in spec:
        # A word or phrase: `should` beside `must`, minimum_should_match left at its default (0), adds score only.
        assert set(spec) == {"must", "should"}, spec
        [required], [bonus] = spec["must"], spec["should"]
        return _es_unit(required, bonus)
    assert set(spec) == {"should", "minimum_should_match"} and spec["minimum_should_match"] == 1, spec
    return ("any", _bag(_es_meaning(c) for c in spec["should"]))


def _es_all(clauses):
    return _es_meaning(clauses[0]) if len(clauses) == 1 else ("all", _bag(_es_meaning(c) for c in clauses))


@pytest.mark.parametrize(
    "q",
    [
        "Lê Minh Khái",
        "Le Minh Khai OR Phạm Minh Chính reform",
        '"chính phủ" документов 101/2023/QH15',
        "e-government OR Ле Минь Кхай",
        'Documents Кхай hà hà -reforms -"draft law"',
    ],
)
def test_the_engine_query_means_what_the_plan_means(q):
    parsed = parse.expand_aliases(parse.parse(q), TABLE)
    query = es.find_body(EngineRequest(parsed=parsed, aliases=TABLE), ["archive.article"])["query"]["bool"]
    assert _es_all(query["must"]) == _plan_meaning(parsed, TABLE)
    if not parsed.excluded:
        assert "must_not" not in query
    else:
        assert ("any", _bag(_es_meaning(c) for c in query["must_not"])) == _excluded_meaning(parsed)


def test_meanings_tell_the_stem_fields_the_spelling_and_phrases_apart():
    """What the comparison above sees, spelled out for one word of each language and one phrase."""
    [documents] = parse.parse("Documents").required
    fields = [("text", "documents", 1.0), ("title", "documents", 2.0), ("text_en", "document", 1.0)]
    meaning = _unit("word", [*fields, ("text_ru", "documents", 1.0)], [("exact", "documents", 1.5)])
    assert _plan_clause(parse.clause_plans(documents, TABLE)) == meaning
    assert _es_meaning(es.clause_query(documents, TABLE)) == meaning
    [russian] = parse.parse("документов").required
    [whoosh_fields, es_fields] = [
        _plan_clause(parse.clause_plans(russian, TABLE))[2],
        _es_meaning(es.clause_query(russian, TABLE))[2],
    ]
    assert whoosh_fields == es_fields
    assert ("text_ru", "документ", 1.0) in es_fields and ("text_en", "документов", 1.0) in es_fields
    [chinh_phu] = parse.parse('"Chính phủ"').required
    fields = [("text", ("chinh", "phu"), 1.0), ("title", ("chinh", "phu"), 2.0)]
    meaning = _unit("phrase", fields, [("exact", "chính", 3.0), ("exact", "phủ", 3.0)])
    assert _plan_clause(parse.clause_plans(chinh_phu, TABLE)) == meaning
    assert _es_meaning(es.clause_query(chinh_phu, TABLE)) == meaning
    # A stem field dropped would not mean the same; the spelling made required is no word or phrase at all.
    dropped = es.clause_query(documents, TABLE)
    dropped["bool"]["must"][0]["bool"]["should"].pop()
    assert _es_meaning(dropped) != _plan_clause(parse.clause_plans(documents, TABLE))
    required = es.clause_query(chinh_phu, TABLE)
    required["bool"]["minimum_should_match"] = 1
    with pytest.raises(AssertionError):
        _es_meaning(required)


def test_selections_are_a_post_filter_and_each_facet_is_counted_under_the_others():
    body = body_of(
        filters={"language": ["en", "ru"], "official": ["le-minh-khai"]},
        base={"topic": ["administrative-reform"]},
    )
    # A listing page's own facet narrows everything, counts included.
    assert body["query"] == {"bool": {"filter": [ARTICLES, {"terms": {"topics": ["administrative-reform"]}}]}}
    language, official = {"terms": {"language": ["en", "ru"]}}, {"terms": {"officials": ["le-minh-khai"]}}
    assert body["post_filter"] == {"bool": {"filter": [language, official]}}
    aggs = body["aggs"]
    assert aggs["language"]["filter"] == {"bool": {"filter": [official]}}
    assert aggs["officials"]["filter"] == {"bool": {"filter": [language]}}
    for field in ("topics", "source", "year", "month"):
        assert aggs[field]["filter"] == {"bool": {"filter": [language, official]}}
    # Stories are counted under every selection, as the hits are.
    assert aggs[es.GROUPS]["filter"] == body["post_filter"]


def test_year_counts_ignore_the_month_and_month_counts_keep_the_year():
    aggs = body_of(filters={"year": ["2024"], "month": ["2024-05"]})["aggs"]
    year, month = {"terms": {"year": ["2024"]}}, {"terms": {"month": ["2024-05"]}}
    assert aggs["year"]["filter"] == {"match_all": {}}
    assert aggs["month"]["filter"] == {"bool": {"filter": [year]}}
    assert aggs["language"]["filter"] == {"bool": {"filter": [month, year]}}


def test_hidden_articles_and_the_date_range_narrow_hits_and_counts():
    start, end = datetime.date(2024, 1, 1).toordinal(), datetime.date(2024, 12, 31).toordinal()
    query = body_of("reform", hidden=frozenset({12, 3}), start=start, end=end)["query"]["bool"]
    assert query["must_not"] == [{"terms": {"article": [3, 12]}}]
    assert query["filter"] == [ARTICLES, {"range": {"day": {"gte": start, "lte": end}}}]
    assert body_of(start=start)["query"]["bool"]["filter"][1] == {"range": {"day": {"gte": start}}}
    assert body_of(end=end)["query"]["bool"]["filter"][1] == {"range": {"day": {"lte": end}}}


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("relevance", ["_score", {"day": "desc"}, {"article": "desc"}]),
        ("newest", [{"day": "desc"}, {"article": "desc"}]),
        ("oldest", [{"day": "asc"}, {"article": "asc"}]),
    ],
)
def test_sorts_break_ties_like_the_whoosh_index(sort, expected):
    assert body_of("reform", sort=sort)["sort"] == expected


@pytest.mark.parametrize(
    ("offset", "limit", "window"),
    [(0, 20, (0, 20)), (40, 20, (40, 20)), (9990, 20, (9990, 10)), (10_000, 20, (0, 0)), (50_000, 20, (0, 0))],
)
def test_paging_stays_inside_the_engine_s_result_window(offset, limit, window):
    body = body_of(offset=offset, limit=limit)
    assert (body["from"], body["size"]) == window
    assert body["collapse"] == {"field": "story"}  # from/size count stories, not articles


# A mapping as it is created from the article index: which fields are text, keyword, numbers.
# (The client is built, never called.)
ARTICLE_MAPPING = es.GazetteElasticsearchBackend(
    "mapping_only", URL="http://search.invalid:9200/", INDEX_NAME="unused"
).build_schema(ArticleIndex().fields)[1]
QUERY_PARAMS = {
    "match": {"query", "boost", "operator"},
    "match_phrase": {"query", "boost", "slop"},
    "term": {"value", "boost"},
    "range": {"gte", "lte", "gt", "lt"},
}


def _check_query(query, scoring_only=False):
    """Fails unless `query` is made of documented ES 7 / OpenSearch query DSL clauses on suitable fields.

    `scoring_only`: the clause is a `should` beside `must` or `filter`, which (minimum_should_match defaulting to
    0 there) adds to the score without deciding what matches.
    """
    [(kind, spec)] = query.items()
    if kind == "bool":
        assert set(spec) <= {"must", "should", "must_not", "filter", "minimum_should_match", "boost"}, spec
        decided = "must" in spec or "filter" in spec
        if "should" in spec:
            if decided:
                assert "minimum_should_match" not in spec, spec  # optional: adds to the score only
            else:
                assert spec.get("minimum_should_match") == 1, spec  # not optional: OR of alternatives
        for occur in ("must", "must_not", "filter"):
            for clause in spec.get(occur, []):
                _check_query(clause, scoring_only)
        for clause in spec.get("should", []):
            _check_query(clause, scoring_only or decided)
    elif kind == "match_all":
        assert spec == {}
    elif kind == "multi_match":
        assert set(spec) == {"query", "fields"}
        assert all(ARTICLE_MAPPING[f]["type"] == "text" for f in spec["fields"])
    else:
        [(field, params)] = spec.items()
        if kind in ("match", "match_phrase"):
            assert ARTICLE_MAPPING[field]["type"] == "text", field
            assert isinstance(params["query"], str)
            if field == "exact":
                # Words as written, without positions (as in the Whoosh index): one word at a time, and only
                # to rank the articles that spell it so above the others, never to decide a match.
                assert kind == "match" and len(params["query"].split()) == 1, query
                assert scoring_only, query
        else:
            assert kind in ("term", "terms", "range"), kind
            assert ARTICLE_MAPPING[field]["type"] in ("keyword", "long"), field
        if kind == "terms":
            assert isinstance(params, list) and params
        else:
            assert set(params) <= QUERY_PARAMS[kind], params


def _check_aggs(aggs):
    for agg in aggs.values():
        kinds = set(agg) - {"aggs", "meta"}
        assert len(kinds) == 1, agg
        [kind] = kinds
        if kind == "filter":
            _check_query(agg["filter"])
        elif kind == "filters":
            for query in agg["filters"]["filters"].values():
                _check_query(query)
        else:
            assert kind in ("terms", "cardinality"), kind
            # Aggregating a text field needs fielddata: only keyword and numeric fields are counted.
            assert ARTICLE_MAPPING[agg[kind]["field"]]["type"] in ("keyword", "long")
            if kind == "cardinality":
                assert agg[kind]["precision_threshold"] <= 40000  # the documented maximum
        _check_aggs(agg.get("aggs", {}))


def _check_search_body(body):
    assert set(body) <= {
        "query",
        "from",
        "size",
        "sort",
        "post_filter",
        "aggs",
        "collapse",
        "track_total_hits",
        "_source",
        "suggest",
    }
    _check_query(body["query"])
    if "post_filter" in body:
        _check_query(body["post_filter"])
    _check_aggs(body.get("aggs", {}))
    for key in body.get("sort", []):
        if key != "_score":
            [(field, order)] = key.items()
            assert order in ("asc", "desc") and ARTICLE_MAPPING[field]["type"] in ("keyword", "long")
    if "collapse" in body:
        # Collapsing needs a single-valued keyword or numeric field with doc values.
        assert ARTICLE_MAPPING[body["collapse"]["field"]] == {"type": "long"}
    for name, suggester in body.get("suggest", {}).items():
        assert set(suggester) == {"text", "term"}, name
        assert ARTICLE_MAPPING[suggester["term"]["field"]]["type"] == "text"
        assert suggester["term"]["max_edits"] in (1, 2)  # the term suggester's documented range


@pytest.mark.parametrize(
    "fields",
    [
        {},
        {"sort": "relevance", "filters": {"language": ["en"], "year": ["2024"], "month": ["2024-01"]}},
        {"sort": "oldest", "base": {"official": ["le-minh-khai"]}, "hidden": frozenset({1}), "start": 738000},
        {"filters": {"topic": ["e-government"], "official": ["pham-minh-chinh"]}, "offset": 9999},
    ],
)
@pytest.mark.parametrize("q", ["", "Lê Minh Khái OR reform", '"chính phủ" -draft -"old law" 101/2023/QH15', "-x"])
def test_every_generated_body_uses_documented_clauses_on_fields_of_the_right_type(q, fields):
    _check_search_body(body_of(q, **fields))


# --- find(): the response -------------------------------------------------------------------------


def test_a_search_response_becomes_the_engine_result():
    """A response in the shape Elasticsearch 7 / OpenSearch document for a collapsed search with
    filter-wrapped terms and cardinality aggregations."""
    raw = {
        "took": 4,
        "timed_out": False,
        "_shards": {"total": 1, "successful": 1, "skipped": 0, "failed": 0},
        "hits": {
            "total": {"value": 5, "relation": "eq"},
            "max_score": None,
            "hits": [
                {
                    "_index": "gazette",
                    "_type": "_doc",
                    "_id": "archive.article.12",
                    "_score": None,
                    "_source": {"article": 12},
                    "fields": {"story": [4]},
                    "sort": [738887, 12],
                },
                {
                    "_index": "gazette",
                    "_type": "_doc",
                    "_id": "archive.article.7",
                    "_score": None,
                    "_source": {"article": 7},
                    "fields": {"story": [3]},
                    "sort": [738887, 7],
                },
            ],
        },
        "aggregations": {
            "language": {
                "doc_count": 6,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [
                        {"key": "en", "doc_count": 4},
                        {"key": "ru", "doc_count": 1},
                        {"key": "vi", "doc_count": 1},
                    ],
                },
            },
            "officials": {
                "doc_count": 5,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "le-minh-khai", "doc_count": 3}],
                },
            },
            "topics": {
                "doc_count": 5,
                "values": {"doc_count_error_upper_bound": 0, "sum_other_doc_count": 0, "buckets": []},
            },
            "source": {
                "doc_count": 5,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "vietnamplus", "doc_count": 2}],
                },
            },
            "year": {
                "doc_count": 5,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "2024", "doc_count": 4}, {"key": "2020", "doc_count": 1}],
                },
            },
            "month": {
                "doc_count": 5,
                "values": {
                    "doc_count_error_upper_bound": 0,
                    "sum_other_doc_count": 0,
                    "buckets": [{"key": "2024-01", "doc_count": 3}, {"key": "2024-02", "doc_count": 1}],
                },
            },
            es.GROUPS: {"doc_count": 5, "values": {"value": 3}},
        },
    }
    result = es.find_result(raw)
    assert result == EngineResult(
        count=5,
        groups=3,
        articles=[12, 7],
        facets={
            "language": {"en": 4, "ru": 1, "vi": 1},
            "official": {"le-minh-khai": 3},
            "topic": {},
            "source": {"vietnamplus": 2},
            "year": {"2024": 4, "2020": 1},
            "month": {"2024-01": 3, "2024-02": 1},
        },
    )


def test_a_missing_index_answers_nothing_and_an_estimate_never_exceeds_the_article_count():
    # What a search with ignore_unavailable=true answers while haystack's clear_index has deleted the index.
    empty = {
        "took": 0,
        "timed_out": False,
        "_shards": {"total": 0, "successful": 0, "skipped": 0, "failed": 0},
        "hits": {"total": {"value": 0, "relation": "eq"}, "max_score": 0.0, "hits": []},
    }
    assert es.find_result(empty) == EngineResult()
    # The older integer total (rest_total_hits_as_int) and a cardinality estimate above the count.
    raw = {"hits": {"total": 2, "hits": []}, "aggregations": {es.GROUPS: {"doc_count": 2, "values": {"value": 3}}}}
    assert (es.find_result(raw).count, es.find_result(raw).groups) == (2, 2)


# --- suggest() ------------------------------------------------------------------------------------


def test_suggest_asks_which_words_are_known_and_the_closest_indexed_word_of_each():
    candidates, body = es.suggest_request("Kahi chính 2024 ab")
    # Too short and numeric words are never corrected (as with Whoosh).
    assert [(word, folded) for word, folded, _, _ in candidates] == [("kahi", "kahi"), ("chính", "chinh")]
    _check_search_body(body)
    assert (body["size"], body["query"]) == (0, {"match_all": {}})
    fields = ["exact", "text", "text_en", "text_ru"]
    assert body["aggs"] == {
        "known": {
            "filters": {
                "filters": {
                    "0": {"multi_match": {"query": "kahi", "fields": fields}},
                    "1": {"multi_match": {"query": "chính", "fields": fields}},
                }
            }
        }
    }
    term = {"size": 5, "max_edits": 2, "prefix_length": 1, "min_word_length": 3}
    assert body["suggest"] == {
        "text_0": {"text": "kahi", "term": {"field": "text", **term}},
        "exact_1": {"text": "chính", "term": {"field": "exact", **term}},  # typed with diacritics
        "text_1": {"text": "chinh", "term": {"field": "text", **term}},
    }
    assert es.suggest_request("ab 12 2024") == ([], None)


def _entry(text, offset, *options, score=0.75):
    return [
        {
            "text": text,
            "offset": offset,
            "length": len(text),
            "options": [{"text": o, "score": score, "freq": 2} for o in options],
        }
    ]


def test_unknown_words_are_replaced_keeping_the_case_typed_and_the_diacritics_found():
    text = "Kahi chíhn phủ offise"
    candidates, _ = es.suggest_request(text)
    raw = {
        "aggregations": {
            "known": {
                "buckets": {"0": {"doc_count": 0}, "1": {"doc_count": 0}, "2": {"doc_count": 7}, "3": {"doc_count": 0}}
            }
        },
        "suggest": {
            "text_0": _entry("kahi", 0, "khai"),
            "exact_1": _entry("chíhn", 5, "chính"),
            "text_1": _entry("chihn", 5, "chinh"),
            "exact_2": _entry("phủ", 11),
            "text_2": _entry("phu", 11, "phi"),  # a known word is never replaced
            "text_3": _entry("offise", 15, "office"),
        },
    }
    assert es.suggestion_from(text, candidates, raw) == "Khai chính phủ office"
    # Nothing better: None, as with Whoosh.
    raw["suggest"] = {name: _entry(entry[0]["text"], entry[0]["offset"]) for name, entry in raw["suggest"].items()}
    assert es.suggestion_from(text, candidates, raw) is None


def test_of_words_as_close_the_suggestion_is_the_more_frequent_then_the_greater():
    text = "phủu"
    candidates, _ = es.suggest_request(text)
    raw = {"aggregations": {"known": {"buckets": {"0": {"doc_count": 0}}}}, "suggest": {}}
    options = [{"text": "phu", "score": 0.66, "freq": 1}, {"text": "phủ", "score": 0.66, "freq": 1}]
    raw["suggest"]["exact_0"] = [{"text": "phủu", "offset": 0, "length": 4, "options": options}]
    assert es.suggestion_from(text, candidates, raw) == "phủ"
    options[0]["freq"] = 3
    assert es.suggestion_from(text, candidates, raw) == "phu"
    options.append({"text": "phủa", "score": 0.7, "freq": 1})
    assert es.suggestion_from(text, candidates, raw) == "phủa"


# --- the index writer's protocol ------------------------------------------------------------------


def test_a_commit_is_one_bulk_request_of_removals_then_whole_documents():
    docs = [{"id": "archive.article.7", "django_ct": "archive.article", "article": 7, "sig": "ab12"}]
    assert es.bulk_actions("gazette", docs, ["archive.article.3"]) == [
        {"_op_type": "delete", "_index": "gazette", "_id": "archive.article.3"},
        {"_op_type": "index", "_index": "gazette", "_id": "archive.article.7", "_source": docs[0]},
    ]


def test_removing_what_the_index_lacks_is_no_failure_anything_else_is():
    # Bulk response items in the documented shape, as the client's bulk helper reports failed ones.
    missing = {"delete": {"_index": "gazette", "_id": "archive.article.3", "status": 404, "result": "not_found"}}
    rejected = {
        "index": {
            "_index": "gazette",
            "_id": "archive.article.7",
            "status": 400,
            "error": {"type": "mapper_parsing_exception", "reason": "failed to parse field [day]"},
        }
    }
    unavailable = {
        "delete": {
            "_index": "gazette",
            "_id": "archive.article.4",
            "status": 503,
            "error": {"type": "unavailable_shards_exception"},
        }
    }
    assert es.bulk_failures([missing, rejected, unavailable]) == [rejected, unavailable]
    assert es.bulk_failures([missing]) == []


@pytest.mark.django_db
def test_prepared_documents_are_what_haystack_sends_and_skipped_objects_are_none(backend):
    official = Official.objects.get(slug="le-minh-khai")
    article = make_article(
        title="Reform", published=datetime.date(2024, 5, 2), officials=[official], legal_refs=["101/2023/QH15"]
    )
    doc = backend.prepare(ArticleIndex(), article)
    assert doc["id"] == f"archive.article.{article.pk}"
    assert (doc["article"], doc["story"], doc["day"]) == (
        article.pk,
        article.story_id,
        datetime.date(2024, 5, 2).toordinal(),
    )
    assert doc["officials"] == ["le-minh-khai"]  # a JSON list, not Whoosh's comma-joined string
    assert (doc["year"], doc["month"]) == ("2024", "2024-05")
    assert doc["sig"] == article_signature(article)
    assert doc["text_en"] and not doc["text_ru"]

    class Skipping(ArticleIndex):
        def prepare(self, obj):
            raise SkipDocument

    assert backend.prepare(Skipping(), article) is None


def test_a_commit_gives_the_writer_lock_back_even_with_nothing_to_write(backend):
    released = []

    class Lock:
        def release(self):
            released.append(True)

    handle = es.BulkHandle("gazette_unit", backend, Lock())
    backend.commit(handle, [], [])  # nothing to write: no request (the host does not exist)
    assert released == [True] and handle.lock is None
    handle.cancel()  # released once only
    assert released == [True]


def test_signatures_come_from_scanned_hits():
    hits = [
        {
            "_index": "gazette",
            "_id": "archive.article.7",
            "_score": None,
            "_source": {"article": 7, "sig": "aa"},
            "sort": [0],
        },
        {"_index": "gazette", "_id": "archive.article.9", "_score": None, "_source": {"article": 9}, "sort": [1]},
        {"_index": "gazette", "_id": "other.model.1", "_score": None, "_source": {}, "sort": [2]},
    ]
    assert es.signatures_from(hits) == {7: ["aa"], 9: [""]}
