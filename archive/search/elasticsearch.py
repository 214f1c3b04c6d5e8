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
    facets (registry.py), KEYWORDS,  keyword          exact values (slugs, codes, years), lowercased
    other multi-valued strings
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

Writing. The index name of SEARCH_URL is an alias of one concrete index, a generation
(`<name>_g0`, then `<name>_g<time>` per rebuild). `writer()` takes the writer lock, a document created in
`<name>_writer_lock` (created only if absent, so one holder at a time; a holder silent for LOCK_TTL is taken
over), and `commit()` sends one bulk request, raises unless every change was acknowledged, refreshes (so a
change marked applied is visible to the next search), then gives the lock back. A rebuild
(archive/search/indexing.py) fills a new generation while searches read the live one, replays under the lock
what the writer applied meanwhile, and moves the alias in one atomic request that also deletes the old
generation: readers never see an empty or partial index. Exactly one `manage.py run_indexer` should run per
engine; the lock makes a second one wait rather than write an older state over a newer one.
"""

import copy
import dataclasses
import os
import socket
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass

import haystack
from elasticsearch.exceptions import ConflictError
from elasticsearch.helpers import BulkIndexError, bulk, scan
from haystack.backends.elasticsearch7_backend import (
    Elasticsearch7SearchBackend,
    Elasticsearch7SearchEngine,
    Elasticsearch7SearchQuery,
)
from haystack.constants import DJANGO_CT, ID
from haystack.exceptions import SkipDocument

from archive.search import registry
from archive.search.analysis import forms, words
from archive.search.engine import EngineResult
from archive.search.parse import FIELD_BOOSTS, OFFICIAL_BOOST, REF_BOOST, Unit, weights
from archive.search.suggest import MAX_WORDS, rewrite

# Facet buckets returned per facet; Elasticsearch's default (10) would hide officials and topics.
FACET_SIZE = 500
# Name of the aggregation that counts groups (stories); not a facet.
GROUPS = "_groups"
GROUP_FIELD = "story"
# Elasticsearch's default `index.max_result_window`: from + size may not exceed it.
MAX_WINDOW = 10_000
# Index fields that hold exact values (slugs, codes) even when the index declares them as text, besides the
# facets' (registry.py).
KEYWORDS = frozenset({"story"})
FACET_MAPPING = {"type": "keyword", "normalizer": "gazette_lowercase"}
# Exact values compared as stored (no normalizer).
RAW_KEYWORDS = frozenset({"sig"})
# Weight of an official's other spellings, as in parse._official_queries.
SPELLING_BOOST = 0.5
# Weight of the words typed one after another (without quotes) found together and in order, per field
# weight: `chính phủ điện tử` ranks the article that holds the compound above one with `chính phủ` in one
# sentence and `ví điện tử` in another, and a title that holds it above a body that does. It outweighs the
# words' own weights summed over the fields (text, title, exact with diacritics): more occurrences of the
# scattered words must not win (tests/integration/test_elasticsearch_live.py shows 2.0 is not enough).
ADJACENCY_BOOST = 4.0

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
        # Whoosh's Russian stemmer gives ъ back as ь (объём -> обь): the same stems here.
        "gazette_hard_sign": {"type": "pattern_replace", "pattern": "ъ", "replacement": "ь"},
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
                "gazette_hard_sign",
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


def keywords():
    return KEYWORDS | set(registry.fields().values())


def field_mapping(field, haystack_mapping):
    """Gazette's mapping of one haystack field, given the mapping haystack's ES7 backend made for it."""
    mapping = {k: v for k, v in haystack_mapping.items() if k != "boost"}  # boosts are applied at query time
    name = field.index_fieldname
    if mapping["type"] != "text":
        return mapping  # keyword (facet shadow or unindexed field), date, long, boolean…
    if name in RAW_KEYWORDS:
        return {"type": "keyword"}
    if name in keywords() or (field.is_multivalued and not field.document and analyzer_for(name) == "gazette_folded"):
        return dict(FACET_MAPPING)
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


def typed_runs(parsed):
    """The word sequences typed one after another, of two units or more: what OR or an exclusion
    separates is not one run, and a phrase alone is already required in order."""
    runs, words_, units = [], [], 0
    for item in [*parsed.sequence, None]:
        if isinstance(item, Unit):
            words_ += item.words
            units += 1
            continue
        if units > 1:
            runs.append(tuple(words_))
        words_, units = [], 0
    return list(dict.fromkeys(runs))


def adjacency_queries(parsed):
    """`should` clauses that rank the articles holding each typed run together and in order (folded text and
    title) above those where its words are scattered; they never decide a match."""
    return [
        _match(name, run, FIELD_BOOSTS[name] * ADJACENCY_BOOST)
        for run in typed_runs(parsed)
        for name in ("text", "title")
    ]


def search_query(request, models):
    """The scoring query of an EngineRequest, with what narrows counts too: models, `base`, dates, `hidden`."""
    parsed = request.parsed
    must = [clause_query(clause, request.aliases) for clause in parsed.required] if parsed else []
    should = adjacency_queries(parsed) if must else []
    must_not = [unit_query(unit) for unit in parsed.excluded] if parsed else []
    if request.hidden:
        must_not.append(terms_filter("article", sorted(request.hidden)))
    filters = [terms_filter(DJANGO_CT, models)]
    fields = registry.fields()
    filters += [terms_filter(fields[facet], values) for facet, values in sorted(request.base.items()) if values]
    if request.start is not None or request.end is not None:
        filters.append(day_range(request.start, request.end))
    query = {"filter": filters}
    if must:
        query["must"] = must
    if should:
        query["should"] = should
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
    fields = registry.fields()
    ignore = {fields[f]: tuple(fields[d] for d in dropped) for f, dropped in registry.dependents().items()}
    body = build_faceted_body(
        search_query(request, models),
        {fields[facet]: values for facet, values in request.filters.items()},
        list(fields.values()),
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
    for facet, field in registry.fields().items():
        buckets = aggregations.get(field, {}).get("values", {}).get("buckets", [])
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
# Options per word: enough to choose among words equally close (phủu: phủ and phu).
SUGGEST_OPTIONS = 5


def _term_suggester(field, text):
    return {
        "text": text,
        "term": {"field": field, "size": SUGGEST_OPTIONS, "max_edits": 2, "prefix_length": 1, "min_word_length": 3},
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
        # The closest, then the most frequent; between words as close and as frequent, the greater one, as
        # Whoosh's corrector takes it: the accented `phủ` over `phu`.
        options = [o for entry in suggested.get(name, []) for o in entry.get("options", []) if o["text"] != typed]
        best = max(options, key=lambda o: (o["score"], o.get("freq", 0), o["text"]), default=None)
        return best["text"] if best else None

    replacements = []
    for i, (word, folded, start, end) in enumerate(candidates):
        if known.get(str(i), {}).get("doc_count", 0):
            continue
        better = (closest(f"exact_{i}", word) if word != folded else None) or closest(f"text_{i}", folded)
        replacements.append((start, end, better))
    return rewrite(text, replacements)


# Writing and checking --------------------------------------------------------------------------------


# Seconds after which the writer lock of a silent holder (a writer that died) may be taken over.
LOCK_TTL = 120.0
# Seconds a writer waits for the lock by default (as Whoosh's WRITE_TIMEOUT).
LOCK_WAIT = 60.0
# Documents per bulk request while a rebuild fills a new generation.
REBUILD_BULK = 500


class LockError(RuntimeError):
    """The writer lock is held by another writer (or a rebuild) and was not freed in time."""


@dataclass
class WriterLock:
    """The one writer's lock: a document in the lock index, deleted on release (only if still ours)."""

    conn: object
    index: str
    seq_no: int
    primary_term: int

    def release(self):
        if self.conn is not None:
            options = {"if_seq_no": self.seq_no, "if_primary_term": self.primary_term}
            self.conn.delete(index=self.index, id="writer", ignore=[404, 409], **options)
            self.conn = None


def acquire_lock(conn, index, timeout=None):
    """Take the writer lock in `index` (created if missing); LockError after `timeout` seconds."""
    deadline = time.monotonic() + (LOCK_WAIT if timeout is None else timeout)
    # The token tells our own lock from another's: a create that timed out and was retried (on another
    # node, during a failover) finds the document its first attempt made.
    owner = {"host": socket.gethostname(), "pid": os.getpid(), "token": uuid.uuid4().hex}
    while True:
        try:
            done = conn.create(index=index, id="writer", body={**owner, "since": time.time()})
            return WriterLock(conn, index, done["_seq_no"], done["_primary_term"])
        except ConflictError:
            held = conn.get(index=index, id="writer", ignore=404)
            if held.get("found") and held["_source"].get("token") == owner["token"]:
                return WriterLock(conn, index, held["_seq_no"], held["_primary_term"])
            if held.get("found") and time.time() - held["_source"].get("since", 0) > LOCK_TTL:
                taken = _take_over(conn, index, held, owner)
                if taken:
                    return taken
        if time.monotonic() >= deadline:
            raise LockError(f"the search index is locked by another writer ({index})")
        time.sleep(0.05)


def _take_over(conn, index, held, owner):
    """The lock of a holder silent for LOCK_TTL, if no other writer took it first."""
    try:
        done = conn.index(
            index=index,
            id="writer",
            body={**owner, "since": time.time()},
            if_seq_no=held["_seq_no"],
            if_primary_term=held["_primary_term"],
        )
    except ConflictError:
        return None
    return WriterLock(conn, index, done["_seq_no"], done["_primary_term"])


@dataclass
class BulkHandle:
    """What `writer()` gives: the index to write to and, for the live index, the writer lock.

    A rebuild adds documents one by one as to a Whoosh writer (`add_document`, then `commit()`); the index
    writer hands whole batches to the backend's `commit()`.
    """

    index: str
    backend: object = None
    lock: object = None
    buffered: list = dataclasses.field(default_factory=list)

    def add_document(self, **doc):
        self.buffered.append(doc)
        if len(self.buffered) >= REBUILD_BULK:
            self.backend.send(self.index, self.buffered, [])
            self.buffered = []

    def commit(self):
        self.backend.commit(self, self.buffered, [])
        self.buffered = []

    def cancel(self):
        """Give the lock back (the index writer calls it when a batch fails before its commit)."""
        if self.lock is not None:
            self.lock.release()
            self.lock = None


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


class GazetteElasticsearchBackend(Elasticsearch7SearchBackend):
    DEFAULT_SETTINGS = index_settings()

    def build_schema(self, fields):
        content_field_name, mapping = super().build_schema(fields)
        for field in fields.values():
            mapping[field.index_fieldname] = field_mapping(field, mapping[field.index_fieldname])
        for facet in registry.facets():
            mapping.setdefault(facet.field, dict(FACET_MAPPING))
        return content_field_name, mapping

    def lock_index(self):
        return f"{self.index_name}_writer_lock"

    def _index_body(self, alias=False, building=False):
        """Settings and mapping of a new generation; `alias`: also the alias readers use."""
        unified = haystack.connections[self.connection_alias].get_unified_index()
        self.content_field_name, mapping = self.build_schema(unified.all_searchfields())
        body = copy.deepcopy(self.DEFAULT_SETTINGS)
        if building:
            body["settings"]["index"]["refresh_interval"] = "-1"  # refreshed once, when swapped in
        body["mappings"] = {"properties": mapping}
        if alias:
            body["aliases"] = {self.index_name: {}}
        return body

    def setup(self):
        """Create the first generation (`<name>_g0`, behind the alias) if the index does not exist, then
        haystack's own setup (mapping check). A fixed name: processes starting at once create it once."""
        if not self.conn.indices.exists(index=self.index_name):
            self.conn.indices.create(index=f"{self.index_name}_g0", body=self._index_body(alias=True), ignore=400)
        if not self.conn.indices.exists(index=self.lock_index()):
            lock_settings = {"number_of_shards": 1, "auto_expand_replicas": "0-all"}
            self.conn.indices.create(index=self.lock_index(), body={"settings": lock_settings}, ignore=400)
        super().setup()

    def clear(self, models=None, commit=True):
        """haystack's clear_index: the engine refuses to delete an alias, so the generations behind it go and
        the next use creates an empty one. Clearing some models only is haystack's (documents deleted)."""
        if models is not None:
            return super().clear(models, commit)
        for name in self.live_indexes():
            self.conn.indices.delete(index=name, ignore=404)
        self.setup_complete = False
        self.existing_mapping = {}
        return None

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
        """{article pk: [signature, …]} of every document in the live index (or in generation `directory`)."""
        self._ensure_index()
        query = {"query": {"match_all": {}}, "_source": ["article", "sig"]}
        return signatures_from(scan(self.conn, query=query, index=directory or self.index_name, size=1000))

    # Writing (the one index writer, and rebuilds) -------------------------------------------------

    def writer(self, directory=None, timeout=None, procs=1):
        """A handle for `commit()`: on the live index with the writer lock (LockError after `timeout`), or on
        generation `directory` (a rebuild's, which nobody else writes to). `procs` (Whoosh's) has no use here."""
        self._ensure_index(check=True)
        if directory is not None:
            return BulkHandle(directory, self)
        return BulkHandle(self.index_name, self, acquire_lock(self.conn, self.lock_index(), timeout))

    def hold_lock(self, timeout=None):
        """The writer lock, held until `.release()`: a rebuild holds it while it replays and swaps."""
        self._ensure_index()
        return acquire_lock(self.conn, self.lock_index(), timeout)

    def prepare(self, index, obj):
        """The document of one object, as haystack's `update()` sends it, or None when the SearchIndex skips it."""
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        return {key: self._from_python(value) for key, value in doc.items()}

    def send(self, index, docs, removals):
        """One bulk request; raises unless the engine acknowledged every change."""
        actions = bulk_actions(index, docs, removals)
        if not actions:
            return
        _, errors = bulk(self.conn, actions, raise_on_error=False, stats_only=False)
        failures = bulk_failures(errors)
        if failures:
            raise BulkIndexError(f"{len(failures)} index change(s) failed", failures)

    def commit(self, handle, docs, removals):
        """Write documents and remove identifiers, then refresh; raises on any failure. Releases the lock."""
        try:
            if docs or removals:
                self.send(handle.index, docs, removals)
                self.conn.indices.refresh(index=handle.index)
        finally:
            handle.cancel()

    def new_generation(self):
        """A new, empty concrete index for a rebuild, beside the live one; returns its name."""
        self._ensure_index()
        name = f"{self.index_name}_g{time.strftime('%Y%m%d%H%M%S')}{uuid.uuid4().hex[:6]}"
        self.conn.indices.create(index=name, body=self._index_body(building=True))
        return name

    def remove_leftovers(self):
        """Nothing, here: an index no alias names yet may be another machine's rebuild in progress (the Whoosh
        backend tells a dead rebuild by its process; the engine cannot). `discard` removes a failed one."""
        return []

    def discard(self, name):
        """Delete a generation that failed to build (never a live one)."""
        if name not in self.live_indexes():
            self.conn.indices.delete(index=name, ignore_unavailable=True)

    def live_indexes(self):
        """The concrete index(es) the alias points to (the index itself, made before aliases were used)."""
        if self.conn.indices.exists_alias(name=self.index_name):
            return sorted(self.conn.indices.get_alias(name=self.index_name))
        return [self.index_name] if self.conn.indices.exists(index=self.index_name) else []

    def live_dir(self):
        """The live generation's name (the rebuild command reports it)."""
        return ",".join(self.live_indexes())

    def swap_in(self, name):
        """Point the alias at generation `name` and delete the one it replaces, in one atomic request."""
        self.conn.indices.put_settings(index=name, body={"index": {"refresh_interval": None}})
        self.conn.indices.refresh(index=name)
        # Replicas copied before readers arrive, so that any node answers; not a failure if it takes longer.
        self.conn.cluster.health(index=name, wait_for_status="green", timeout="60s")
        actions = [{"add": {"index": name, "alias": self.index_name}}]
        actions += [{"remove_index": {"index": old}} for old in self.live_indexes() if old != name]
        self.conn.indices.update_aliases(body={"actions": actions})

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
