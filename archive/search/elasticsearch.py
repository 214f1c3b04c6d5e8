"""Gazette's haystack engine for Elasticsearch 7 and OpenSearch (SEARCH_URL=elasticsearch://host:9200/index).

It implements the engine contract of archive/search/engine.py, so pages, feeds and the JSON API work
unchanged on either engine: `find()` and `suggest()` for searching, `writer()`/`prepare()`/`commit()` for the
one index writer (archive/search/indexing.py), `signatures()` for `check_index` and `health()` for /healthz.

Analysis. Haystack's backend maps every text field to one English `snowball` analyzer. This subclass
gives the index the analysis of the Whoosh index (archive/search/analysis.py), chosen by field-name
convention so that it follows the search index without listing its fields:

    field name                       analyzer / type  what it does
    `exact`, `*_exact` (not facets)  gazette_exact    lowercase only: diacritics kept, ranks exact matches higher
    `*_en`                           gazette_en       lowercase, fold, Porter stemmer (documents -> document)
    `*_ru`                           gazette_ru       lowercase, ё->е, Russian Snowball stemmer, then fold (й->и)
    `*_vi` and other text            gazette_folded   lowercase, fold (Lê Minh Khái -> le minh khai)
    KEYWORDS, other multi-valued     keyword          exact values (slugs, codes, years), lowercased
    strings
    `sig`                            keyword          the check_index digest, compared byte for byte
    facet shadows, unindexed         keyword          haystack's own mapping
    dates, integers                  date, long       haystack's own mapping (`article`, `story`, `day`)

Every analyzer tokenizes like Whoosh's `\\w+` (runs of letters, digits and underscores), so
`101/2023/QH15` and `e-government` split the same way in both engines. Folding uses the core
`asciifolding` filter (Latin, including all Vietnamese letters) plus й/ё, which asciifolding leaves
alone and `archive.text.fold` folds; no plugin is needed.

The fields hold what archive/search_indexes.py puts in them, in both engines: `text` every article's own
text and its tags' names (officials in every spelling, topics), `title` its title, `exact` its own words as
written, `text_en`/`text_ru` an English/Russian article's own text. The Whoosh index keeps positions only in
`text` and `title`, and in `text_en`/`text_ru` only the stems that differ from their word (its query looks
for a stem in `text` too); here the stem fields hold every word's stem, which finds the same articles of that
language. (Whoosh's `text` look-up also finds a stem that is a word of another language's article or of a
tag name: `reforms` finds an article tagged *Administrative reform* there, not here.)

Searching (`find`). The parsed query (archive/search/parse.py) becomes a `bool` query clause by clause,
as the Whoosh query is built: a word is a `match` in `text`, `title`, `text_en` and `text_ru` (each field's
analyzer folds or stems it as it did the documents), a phrase a `match_phrase` in `text` and `title` (folded,
unstemmed), a legal number also a `term` on `refs`; one of them must match. The words as typed, each a
`match` in `exact`, are a `should` beside that `must`: they add to the score of the articles that spell them
so, and never decide a match. Boosts are parse.weights'. ORed alternatives and an official's tag and other
spellings are `should` clauses with `minimum_should_match: 1`, excluded terms `must_not`. A listing page's
`base` filters, the date range and the `hidden` articles narrow everything, counts included. The reader's
facet selections go to `post_filter` and every facet is counted in an aggregation filtered by the *other*
facets' selections (`build_faceted_body`): the counting rule of engine.py. `collapse` on `story` returns one
entry per story, its best variant under the requested sort. Limits, inherent to these engines:
- `groups` (stories, hence the number of pages) comes from a `cardinality` aggregation: close to exact up to
  40,000 stories (its highest `precision_threshold`), a close estimate beyond (never above `count`);
- no entry past the 10,000th (`index.max_result_window`): a page beyond it is empty, counts still come;
- each facet lists its FACET_SIZE most frequent values.

Writing. There is no index lock as with Whoosh: `writer()` returns a handle naming the index, and
`commit()` sends one bulk request, then refreshes the index (as haystack does) so that a change marked
applied is visible to the next search. Exactly one `manage.py run_indexer` may run per engine: two
writers could write an older state of an article over a newer one.
"""

import copy
from collections import defaultdict
from dataclasses import dataclass

import haystack
from elasticsearch.helpers import BulkIndexError, bulk, scan
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_CT, ID
from haystack.exceptions import SkipDocument

from archive.search.analysis import forms, words
from archive.search.engine import FACETS, EngineResult
from archive.search.facets import DEPENDENT, FACET_FIELDS
from archive.search.parse import FIELD_BOOSTS, OFFICIAL_BOOST, REF_BOOST, weights
from archive.search.suggest import MAX_WORDS, rewrite

# Facet buckets returned per facet; Elasticsearch's default (10) would hide officials and topics.
FACET_SIZE = 500
# Name of the aggregation that counts groups (stories); not a facet.
GROUPS = "_groups"
GROUP_FIELD = "story"
# Elasticsearch's default `index.max_result_window`: from + size may not exceed it.
MAX_WINDOW = 10_000
# Index fields that hold exact values (slugs, codes) even when the index declares them as text.
KEYWORDS = frozenset({"language", "languages", "official", "officials", "topic", "topics", "story", "year", "month"})
# Exact values compared as stored (no normalizer).
RAW_KEYWORDS = frozenset({"sig"})
# Weight of an official's other spellings, as in parse._official_queries.
SPELLING_BOOST = 0.5

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
    if name in RAW_KEYWORDS:
        return {"type": "keyword"}
    if name in KEYWORDS or (field.is_multivalued and not field.document and analyzer_for(name) == "gazette_folded"):
        return {"type": "keyword", "normalizer": "gazette_lowercase"}
    return {"type": "text", "analyzer": analyzer_for(name)}


# Query bodies (pure functions: the unit tests check them against the documented query DSL) -----------


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
    """Filter clause for articles published in [start, end] (date ordinals; None = open)."""
    bounds = {}
    if start is not None:
        bounds["gte"] = start
    if end is not None:
        bounds["lte"] = end
    return {"range": {field: bounds}}


def _any(clauses):
    return clauses[0] if len(clauses) == 1 else {"bool": {"should": clauses, "minimum_should_match": 1}}


def _match(field, words_, boost):
    """A word (`match`) or words in this order (`match_phrase`), analyzed by the field's own analyzer."""
    kind = "match" if len(words_) == 1 else "match_phrase"
    return {kind: {field: {"query": " ".join(words_), "boost": boost}}}


def unit_query(unit, boost=1.0):
    """A word or phrase as parse.unit_query searches it: a word in the folded, title and stemmed fields (each
    analyzer stems the query word as it stemmed the documents), a phrase in order in the folded and title
    fields (unstemmed); the words as typed add the `exact` field's score without being required."""
    weight = weights(unit)
    fields = ("text", "title", "text_en", "text_ru") if len(unit.words) == 1 else ("text", "title")
    alternatives = [_match(name, unit.words, weight[name] * boost) for name in fields]
    if unit.ref:
        alternatives.append({"term": {"refs": {"value": unit.ref, "boost": REF_BOOST * boost}}})
    bonus = [_match("exact", [w], weight["exact"] * boost) for w in dict.fromkeys(unit.words)]
    return {
        "bool": {"must": [_any(alternatives)], "should": [bonus[0] if len(bonus) == 1 else {"bool": {"must": bonus}}]}
    }


def official_queries(unit, aliases):
    """The officials whose alias `unit` spells: their tag, and every other spelling in the folded field."""
    spellings = aliases.spellings if aliases is not None else {}
    queries = []
    for slug in sorted(unit.officials):
        queries.append({"term": {"officials": {"value": slug, "boost": OFFICIAL_BOOST}}})
        folded = {tuple(forms(w)["text"] for w in spelling) for spelling in spellings.get(slug, ())}
        queries += [_match("text", spelling, SPELLING_BOOST) for spelling in sorted(folded)]
    return queries


def clause_query(clause, aliases):
    alternatives = []
    for unit in clause.units:
        alternatives.append(unit_query(unit))
        alternatives += official_queries(unit, aliases)
    return _any(alternatives)


def search_query(request, models):
    """The scoring query of an EngineRequest, with what narrows counts too: models, `base`, dates, `hidden`."""
    parsed = request.parsed
    must = [clause_query(clause, request.aliases) for clause in parsed.required] if parsed else []
    must_not = [unit_query(unit) for unit in parsed.excluded] if parsed else []
    if request.hidden:
        must_not.append(terms_filter("article", sorted(request.hidden)))
    filters = [terms_filter(DJANGO_CT, models)]
    filters += [terms_filter(FACET_FIELDS[facet], values) for facet, values in sorted(request.base.items()) if values]
    if request.start is not None or request.end is not None:
        filters.append(day_range(request.start, request.end))
    query = {"filter": filters}
    if must:
        query["must"] = must
    if must_not:
        query["must_not"] = must_not
    return {"bool": query}


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
            "filter": {"bool": {"filter": others}} if others else {"match_all": {}},
            "aggs": {"values": {"terms": {"field": facet, "size": facet_size}}},
        }
    if group_by:
        body["collapse"] = {"field": group_by}
        # Aggregations do not see post_filter, so the group count applies the selections itself.
        aggs[GROUPS] = {
            "filter": body.get("post_filter", {"match_all": {}}),
            "aggs": {"values": {"cardinality": {"field": group_by, "precision_threshold": 40000}}},
        }
    if aggs:
        body["aggs"] = aggs
    return body


def find_body(request, models):
    """The search body for an EngineRequest (archive/search/engine.py)."""
    from_ = min(max(request.offset, 0), MAX_WINDOW)
    size = max(min(request.limit, MAX_WINDOW - from_), 0)
    ignore = {FACET_FIELDS[f]: tuple(FACET_FIELDS[d] for d in dropped) for f, dropped in DEPENDENT.items()}
    body = build_faceted_body(
        search_query(request, models),
        {FACET_FIELDS[facet]: values for facet, values in request.filters.items()},
        [FACET_FIELDS[facet] for facet in FACETS],
        sort=sort_clause(request.sort),
        size=size,
        from_=from_ if size else 0,
        group_by=GROUP_FIELD,
        ignore=ignore,
    )
    body["_source"] = ["article"]  # the article pk is all query.run() reads from a hit
    return body


def find_result(raw):
    """The EngineResult of a search response (the shape Elasticsearch 7 and OpenSearch document)."""
    hits = raw.get("hits", {})
    total = hits.get("total", 0)
    count = total["value"] if isinstance(total, dict) else int(total)  # an int with rest_total_hits_as_int
    aggregations = raw.get("aggregations", {})
    facets = {}
    for facet in FACETS:
        buckets = aggregations.get(FACET_FIELDS[facet], {}).get("values", {}).get("buckets", [])
        facets[facet] = {str(bucket["key"]): bucket["doc_count"] for bucket in buckets}
    groups = aggregations.get(GROUPS, {}).get("values", {}).get("value", 0)
    return EngineResult(
        count=count,
        groups=min(groups, count),  # an estimate beyond the precision threshold: never more stories than articles
        articles=[int(hit["_source"]["article"]) for hit in hits.get("hits", [])],
        facets=facets,
    )


# "Did you mean" (archive/search/suggest.py): a word is corrected when no index form of it is known.
SUGGEST_FIELDS = ("exact", "text", "text_en", "text_ru")


def _term_suggester(field, text):
    return {
        "text": text,
        "term": {"field": field, "size": 1, "max_edits": 2, "prefix_length": 1, "min_word_length": 3},
    }


def suggest_request(text):
    """(candidate words, search body) for `text`; no body when no word could be corrected.

    One request: a `filters` aggregation tells which words the index knows in any form (folded, exact or
    stemmed), and one term suggester per word and field gives the closest indexed word: in `exact` for a
    word typed with diacritics (so a Vietnamese reader gets `phủ` back, not `phu`), else in the folded field.
    """
    candidates = []
    for word, start, end in words(text)[:MAX_WORDS]:
        folded = forms(word)["text"]
        if len(folded) >= 3 and not folded.isdigit():
            candidates.append((word, folded, start, end))
    if not candidates:
        return candidates, None
    known = {
        str(i): {"multi_match": {"query": word, "fields": list(SUGGEST_FIELDS)}}
        for i, (word, *_) in enumerate(candidates)
    }
    suggest = {}
    for i, (word, folded, _, _) in enumerate(candidates):
        if word != folded:
            suggest[f"exact_{i}"] = _term_suggester("exact", word)
        suggest[f"text_{i}"] = _term_suggester("text", folded)
    body = {
        "size": 0,
        "track_total_hits": False,
        "query": {"match_all": {}},
        "aggs": {"known": {"filters": {"filters": known}}},
        "suggest": suggest,
    }
    return candidates, body


def suggestion_from(text, candidates, raw):
    """The query with its unknown words replaced by their closest indexed word, or None."""
    known = raw.get("aggregations", {}).get("known", {}).get("buckets", {})
    suggested = raw.get("suggest", {})

    def closest(name, typed):
        for entry in suggested.get(name, []):
            for option in entry.get("options", []):
                if option["text"] != typed:
                    return option["text"]
        return None

    replacements = []
    for i, (word, folded, start, end) in enumerate(candidates):
        if known.get(str(i), {}).get("doc_count", 0):
            continue
        better = (closest(f"exact_{i}", word) if word != folded else None) or closest(f"text_{i}", folded)
        replacements.append((start, end, better))
    return rewrite(text, replacements)


# Writing and checking --------------------------------------------------------------------------------


@dataclass
class BulkHandle:
    """What `writer()` gives the index writer: the index to write to. Holds no lock (see the module docstring)."""

    index: str

    def cancel(self):
        """Nothing to release; the index writer calls it where a Whoosh writer gives its lock back."""


def bulk_actions(index, docs, removals):
    """Bulk API actions: removals first, then documents (replaced whole, by identifier), as a Whoosh commit."""
    actions = [{"_op_type": "delete", "_index": index, "_id": identifier} for identifier in removals]
    actions += [{"_op_type": "index", "_index": index, "_id": doc[ID], "_source": doc} for doc in docs]
    return actions


def bulk_failures(errors):
    """The errors of a bulk request that matter: removing a document the index does not hold is not one."""
    return [error for error in errors if error.get("delete", {}).get("status") != 404]


def signatures_from(hits):
    """{article pk: [signature, …]} from scanned hits (`_source` with `article` and `sig`)."""
    found = defaultdict(list)
    for hit in hits:
        source = hit.get("_source", {})
        if "article" in source:
            found[int(source["article"])].append(source.get("sig", ""))
    return found


def _local_only(directory):
    if directory is not None:
        # Whoosh builds a new index in a directory beside the live one; here a new index is a new
        # SEARCH_URL (README, "Scaling out").
        raise ValueError("Elasticsearch/OpenSearch indexes have no generation directories")


class GazetteElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = index_settings()

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field in fields.values():
            mapping[field.index_fieldname] = field_mapping(field, mapping[field.index_fieldname])
        return content_field_name, mapping

    def _ensure_index(self, check=False):
        """Create the index with Gazette's mapping if needed (haystack's setup). `check`: also when this process
        set it up already but the index may have been deleted since (by haystack's clear_index elsewhere);
        writing to a missing index would create one with guessed field types."""
        if not self.setup_complete or (check and not self.conn.indices.exists(index=self.index_name)):
            self.setup()

    # Searching -----------------------------------------------------------------------------------

    def find(self, request):
        """Answer an EngineRequest (archive/search/engine.py) with one search request."""
        self._ensure_index()
        body = find_body(request, self.build_models_list())
        # A missing index (during haystack's clear + update) answers nothing rather than an error.
        raw = self.conn.search(index=self.index_name, body=body, ignore_unavailable=True)
        return find_result(raw)

    def suggest(self, text, deadline=None):
        candidates, body = suggest_request(text)
        if body is None:
            return None
        self._ensure_index()
        raw = self.conn.search(index=self.index_name, body=body, ignore_unavailable=True)
        return suggestion_from(text, candidates, raw)

    def health(self):
        """Document count, and a generation that changes when the index is recreated (its uuid)."""
        self._ensure_index()
        count = self.conn.count(index=self.index_name)["count"]
        settings = self.conn.indices.get_settings(index=self.index_name, name="index.uuid")
        uuid = next(iter(settings.values()))["settings"]["index"]["uuid"]
        return {"index_documents": count, "index_generation": f"{self.index_name}:{uuid}"}

    def signatures(self, directory=None):
        """{article pk: [signature, …]} of every document in the index."""
        _local_only(directory)
        self._ensure_index()
        query = {"query": {"match_all": {}}, "_source": ["article", "sig"]}
        return signatures_from(scan(self.conn, query=query, index=self.index_name, size=1000))

    # Writing (the one index writer only) ---------------------------------------------------------

    def writer(self, directory=None, timeout=None):
        """A handle on the index for `commit()`. `timeout` (for Whoosh, the wait for the lock) has no use here."""
        _local_only(directory)
        self._ensure_index(check=True)
        return BulkHandle(self.index_name)

    def prepare(self, index, obj):
        """The document of one object, as haystack's `update()` sends it, or None when the SearchIndex skips it."""
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        return {key: self._from_python(value) for key, value in doc.items()}

    def commit(self, handle, docs, removals):
        """Write documents and remove identifiers in one bulk request, then refresh; raises on any failure."""
        actions = bulk_actions(handle.index, docs, removals)
        if not actions:
            return
        _, errors = bulk(self.conn, actions, raise_on_error=False, stats_only=False)
        failures = bulk_failures(errors)
        if failures:
            raise BulkIndexError(f"{len(failures)} index change(s) failed", failures)
        self.conn.indices.refresh(index=handle.index)

    # haystack's own query path (SearchQuerySet, e.g. in a shell) -----------------------------------

    def query_fields(self):
        """Every analyzed text field with its weight: a word may match in any of its forms.

        Weights are the Whoosh query's (archive/search/parse.py), else the haystack field's boost.
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
