"""Gazette's haystack engine for Elasticsearch 7 and OpenSearch (SEARCH_URL=elasticsearch://host:9200/index).

Haystack's backend maps every text field to one English `snowball` analyzer. This subclass gives the
index the analysis of the Whoosh index (archive/search/analysis.py), chosen by field-name convention
so that it follows the search index without listing its fields:

    field name                       analyzer         what it does
    `exact`, `*_exact` (not facets)  gazette_exact    lowercase only: diacritics kept, ranks exact matches higher
    `*_en`                           gazette_en       lowercase, fold, Porter stemmer (documents -> document)
    `*_ru`                           gazette_ru       lowercase, ё->е, Russian Snowball stemmer, then fold (й->и)
    `*_vi` and other text            gazette_folded   lowercase, fold (Lê Minh Khái -> le minh khai)
    KEYWORDS, other multi-valued     keyword          exact values (slugs, codes, years), lowercased
    strings
    facet shadows, unindexed         keyword          haystack's own mapping
    dates, integers                  date, long       haystack's own mapping

Every analyzer tokenizes like Whoosh's `\\w+` (runs of letters, digits and underscores), so
`101/2023/QH15` and `e-government` split the same way in both engines. Folding uses the core
`asciifolding` filter (Latin, including all Vietnamese letters) plus й/ё, which asciifolding leaves
alone and `archive.text.fold` folds; no plugin is needed.

Multi-select facets: `build_faceted_body` puts the selected facet values in `post_filter` (they narrow
the hits) and counts each facet under every *other* facet's selection, so a reader who picked
English still sees how many Russian articles match. `GazetteElasticsearchBackend.faceted_search`
runs that body and returns haystack's usual result dict.
"""

import copy

import elasticsearch
import haystack
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_CT
from haystack.models import SearchResult

from archive.search.parse import FIELD_BOOSTS

# Facet buckets returned per facet; Elasticsearch's default (10) would hide officials and topics.
FACET_SIZE = 500
# Name of the aggregation that counts groups (stories); not a facet.
GROUPS = "_groups"
# Index fields that hold exact values (slugs, codes) even when the index declares them as text.
KEYWORDS = frozenset({"language", "languages", "official", "officials", "topic", "topics", "story", "year", "month"})
# simple_query_string syntax readers may use: "phrases", -exclusion, | and + and (…). No wildcards,
# fuzziness or slop: they are slow and Whoosh's AutoQuery does not offer them either.
QUERY_FLAGS = "AND|OR|NOT|PHRASE|PRECEDENCE|WHITESPACE"

# Whoosh's `\w+`: Python's \w is letters, digits (all Unicode numbers) and underscore. Combining
# marks are kept inside the token so that text that was not NFC-normalized is not split mid-word.
_WORD = r"[\p{L}\p{M}\p{N}_]+"

ANALYSIS = {
    "tokenizer": {
        "gazette_words": {"type": "pattern", "pattern": _WORD, "group": 0},
    },
    "filter": {
        "gazette_yo": {"type": "pattern_replace", "pattern": "ё", "replacement": "е"},
        "gazette_short_i": {"type": "pattern_replace", "pattern": "й", "replacement": "и"},
        # Left-over combining marks (decomposed input) carry no meaning once folded.
        "gazette_marks": {"type": "pattern_replace", "pattern": r"\p{M}+", "replacement": ""},
        "gazette_ru_stem": {"type": "stemmer", "language": "russian"},
    },
    # Exact values compare case-insensitively, as Whoosh's lowercased KEYWORD fields do.
    "normalizer": {"gazette_lowercase": {"type": "custom", "filter": ["lowercase"]}},
    "analyzer": {
        "gazette_exact": {"type": "custom", "tokenizer": "gazette_words", "filter": ["lowercase"]},
        "gazette_folded": {
            "type": "custom",
            "tokenizer": "gazette_words",
            "filter": ["lowercase", "asciifolding", "gazette_yo", "gazette_short_i", "gazette_marks"],
        },
        "gazette_en": {
            "type": "custom",
            "tokenizer": "gazette_words",
            "filter": ["lowercase", "asciifolding", "gazette_yo", "gazette_short_i", "gazette_marks", "porter_stem"],
        },
        # Stem before folding: the Russian stemmer needs й (-ий, -ый endings); ё -> е first, as Whoosh does.
        "gazette_ru": {
            "type": "custom",
            "tokenizer": "gazette_words",
            "filter": [
                "lowercase",
                "gazette_yo",
                "gazette_ru_stem",
                "gazette_short_i",
                "asciifolding",
                "gazette_marks",
            ],
        },
    },
}

SUFFIX_ANALYZERS = (("_en", "gazette_en"), ("_ru", "gazette_ru"), ("_vi", "gazette_folded"))


def index_settings():
    """Settings for index creation: haystack's n-gram analyzers plus Gazette's, one shard.

    One primary shard holds a few million short articles comfortably; `auto_expand_replicas` puts a
    full copy on every data node, so each node answers any query alone and adding nodes adds reads.
    """
    body = copy.deepcopy(Elasticsearch7SearchBackend.DEFAULT_SETTINGS)
    index = body["settings"]["index"]
    index.update({"number_of_shards": 1, "auto_expand_replicas": "0-all"})
    analysis = body["settings"]["analysis"]
    for section, entries in ANALYSIS.items():
        analysis.setdefault(section, {}).update(copy.deepcopy(entries))
    return body


def analyzer_for(name):
    """The analyzer of a text field, from its index field name."""
    if name == "exact" or name.endswith("_exact"):
        return "gazette_exact"
    for suffix, analyzer in SUFFIX_ANALYZERS:
        if name.endswith(suffix):
            return analyzer
    return "gazette_folded"


def field_mapping(field, haystack_mapping):
    """Gazette's mapping of one haystack field, given the mapping haystack's ES7 backend made for it."""
    mapping = {k: v for k, v in haystack_mapping.items() if k != "boost"}  # boosts are applied at query time
    name = field.index_fieldname
    if mapping["type"] != "text":
        return mapping  # keyword (facet shadow or unindexed field), date, long, boolean…
    if name in KEYWORDS or (field.is_multivalued and not field.document and analyzer_for(name) == "gazette_folded"):
        return {"type": "keyword", "normalizer": "gazette_lowercase"}
    return {"type": "text", "analyzer": analyzer_for(name)}


def text_query(q, fields):
    """Query clause for what a reader typed: every word must match in one of `fields`. Never a syntax error."""
    q = (q or "").strip()
    if not q:
        return {"match_all": {}}
    return {
        "simple_query_string": {
            "query": q,
            "fields": list(fields),
            "default_operator": "and",
            "flags": QUERY_FLAGS,
        }
    }


def sort_clause(name, day="day", tiebreak="article"):
    """Elasticsearch sort for Gazette's `sort` parameter, in the Whoosh index's order.

    `day` is the publication date as an ordinal and `tiebreak` the article id (both index fields).
    """
    if name == "newest":
        return [{day: "desc"}, {tiebreak: "desc"}]
    if name == "oldest":
        return [{day: "asc"}, {tiebreak: "asc"}]
    return ["_score", {day: "desc"}, {tiebreak: "desc"}]


def terms_filter(field, values):
    return {"terms": {field: list(values)}}


def day_range(start=None, end=None, field="day"):
    """Filter clause for articles published in [start, end] (dates; None = open)."""
    bounds = {}
    if start:
        bounds["gte"] = start.toordinal()
    if end:
        bounds["lte"] = end.toordinal()
    return {"range": {field: bounds}}


def build_faceted_body(
    query, filters, facets, sort=None, size=20, from_=0, group_by=None, ignore=None, facet_size=FACET_SIZE
):
    """Search body with multi-select facets.

    `query` is the scoring query including fixed filters (date range, a listing page's own facet).
    `filters` maps a facet field to its selected values: OR within one facet, AND across facets.
    The selections go to `post_filter`, which narrows hits and the total but not the aggregations;
    each facet's counts are taken under the selections of the other facets only, and also not under
    those `ignore` lists for it (a month belongs to one year: year counts ignore the month).
    `group_by` collapses hits to the best one per value (one hit per story) and counts the groups
    under all selections.
    """
    ignore = ignore or {}
    selected = {field: terms_filter(field, values) for field, values in sorted(filters.items()) if values}
    body = {"query": query, "from": from_, "size": size, "track_total_hits": True}
    if sort:
        body["sort"] = sort
    if selected:
        body["post_filter"] = {"bool": {"filter": list(selected.values())}}
    aggs = {}
    for facet in facets:
        skip = {facet, *ignore.get(facet, ())}
        others = [clause for field, clause in selected.items() if field not in skip]
        aggs[facet] = {
            "meta": {"_type": "filtered_terms"},
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": {"field": facet, "size": facet_size}}},
        }
    if group_by:
        body["collapse"] = {"field": group_by}
        # Aggregations do not see post_filter, so the group count applies the selections itself.
        # Exact up to 40,000 groups (Elasticsearch's highest precision_threshold), close beyond.
        aggs[GROUPS] = {
            "meta": {"_type": "groups"},
            "filter": body.get("post_filter", {"match_all": {}}),
            "aggs": {"values": {"cardinality": {"field": group_by, "precision_threshold": 40000}}},
        }
    if aggs:
        body["aggs"] = aggs
    return body


def _unwrap(aggregations):
    """(aggregations in the shape haystack's result processing reads, number of groups or None)."""
    unwrapped, groups = {}, None
    for name, agg in aggregations.items():
        kind = agg.get("meta", {}).get("_type")
        if kind == "groups":
            groups = agg["values"]["value"]
            continue
        if kind == "filtered_terms":
            agg = {"meta": {"_type": "terms"}, "buckets": agg["values"]["buckets"]}
        unwrapped[name] = agg
    return unwrapped, groups


class GazetteElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = index_settings()

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field in fields.values():
            mapping[field.index_fieldname] = field_mapping(field, mapping[field.index_fieldname])
        return content_field_name, mapping

    def query_fields(self):
        """Every analyzed text field with its weight: a word may match in any of its forms.

        Weights are the Whoosh query's (archive/search/parse.py), else the haystack field's boost. A
        match in the exact (diacritics kept) field adds to the folded match, so `Lê` ranks a text
        with `Lê` above one with `Le`, as in the Whoosh index.
        """
        fields = haystack.connections[self.connection_alias].get_unified_index().all_searchfields()
        _, mapping = self.build_schema(fields)
        out = []
        for field in sorted(fields.values(), key=lambda f: f.index_fieldname):
            name = field.index_fieldname
            spec = mapping[name]
            if spec.get("type") == "text" and spec.get("analyzer", "").startswith("gazette_"):
                weight = FIELD_BOOSTS.get(name, field.boost)
                out.append(name if weight == 1.0 else f"{name}^{weight:g}")
        return out

    def build_search_kwargs(self, query_string, **kwargs):
        body = super().build_search_kwargs(query_string, **kwargs)
        _search_fields(body["query"], self.query_fields())
        # Without it Elasticsearch stops counting at 10,000 hits.
        body["track_total_hits"] = True
        for agg in body.get("aggs", {}).values():
            if "terms" in agg:
                agg["terms"].setdefault("size", FACET_SIZE)
            histogram = agg.get("date_histogram")
            if histogram and "interval" in histogram:
                # `interval` is deprecated in 7.x and gone in 8 / OpenSearch 3.
                interval = histogram.pop("interval")
                key = "calendar_interval" if interval.isalpha() else "fixed_interval"
                histogram[key] = interval
        return body

    def faceted_body(self, q, filters, facets, *, fixed=(), sort="relevance", start=0, size=20, **options):
        """The body `faceted_search` sends. `fixed` are filter clauses that narrow everything, counts
        included: a date range (`day_range`), or the official of an official's page. `options` go to
        `build_faceted_body` (group_by, ignore)."""
        clauses = [terms_filter(DJANGO_CT, self.build_models_list()), *fixed]
        query = {"bool": {"must": text_query(q, self.query_fields()), "filter": clauses}}
        return build_faceted_body(query, filters, facets, sort=sort_clause(sort), size=size, from_=start, **options)

    def faceted_search(self, q, filters, facets, **options):
        """Search with multi-select facets; haystack's result dict: results, hits (articles), facets
        ({"fields": {facet: [(value, count)]}}), and groups (stories) when grouping."""
        if not self.setup_complete:
            self.setup()
        body = self.faceted_body(q, filters, facets, **options)
        try:
            raw = self.conn.search(body=body, index=self.index_name, _source=True)
        except elasticsearch.TransportError:
            if not self.silently_fail:
                raise
            self.log.exception("Failed to query Elasticsearch for %r", q)
            raw = {}
        return self._process_results(raw, result_class=SearchResult)

    def _process_results(self, raw_results, *args, **kwargs):
        groups = None
        if "aggregations" in raw_results:
            aggregations, groups = _unwrap(raw_results["aggregations"])
            raw_results = {**raw_results, "aggregations": aggregations}
        results = super()._process_results(raw_results, *args, **kwargs)
        if groups is not None:
            results["groups"] = groups
        return results


def _search_fields(query, fields):
    """Point haystack's query_string (which searches the document field only) at every text field."""
    if not isinstance(query, dict):
        return
    clause = query.get("query_string")
    if clause is not None and "default_field" in clause and fields:
        del clause["default_field"]
        clause["fields"] = list(fields)
        clause["type"] = "most_fields"
        return
    for value in query.values():
        for child in value if isinstance(value, list) else [value]:
            _search_fields(child, fields)


class GazetteElasticsearchEngine(Elasticsearch7SearchEngine):
    backend = GazetteElasticsearchBackend
    query = Elasticsearch7SearchQuery
