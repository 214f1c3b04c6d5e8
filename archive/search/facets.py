"""Facet counting on sets of Whoosh document numbers.

Once per index generation, `snapshot()` reads for every facet value the set of documents that have
it (from the postings of its ID/KEYWORD field, so a multi-valued field counts names, not
combinations) and the per-document columns used for sorting and grouping. A search then narrows and
counts with set operations; nothing walks postings per query, and match-all is just the set of
live documents (no Whoosh `Every` query).

Counting rule (multi-select): the count next to a value is the number of articles the search
returns when that facet is set to exactly that value, every other filter kept. Values selected
within one facet are ORed; facets are ANDed; `base` filters (a listing page's fixed facet) always
apply. A month belongs to one year: changing the year drops the month, so year counts ignore it.
"""

import bisect
from dataclasses import dataclass

FACET_FIELDS = {"language": "language", "official": "officials", "topic": "topics", "year": "year", "month": "month"}
# A facet whose value changes drops these filters too (and so its counts ignore them).
DEPENDENT = {"year": ("month",)}


@dataclass
class Snapshot:
    universe: frozenset  # live document numbers
    values: dict  # facet -> {value: frozenset of docnums}
    article: list  # docnum -> Article pk
    story: list  # docnum -> Story pk
    day: list  # docnum -> published date as an ordinal
    by_day: list  # sorted (day, docnum) of live documents, for date ranges

    def docs_between(self, start=None, end=None):
        """Live documents published in [start, end] (date ordinals; None = open)."""
        lo = 0 if start is None else bisect.bisect_left(self.by_day, (start, -1))
        hi = len(self.by_day) if end is None else bisect.bisect_right(self.by_day, (end, float("inf")))
        return {docnum for _, docnum in self.by_day[lo:hi]}


def snapshot(searcher, cache):
    """The Snapshot of this searcher's generation, built on first use and kept in `cache`."""
    if "facets" not in cache:
        cache["facets"] = _build(searcher.reader())
    return cache["facets"]


def _build(reader):
    universe = frozenset(reader.all_doc_ids())
    values = {}
    for facet, fieldname in FACET_FIELDS.items():
        values[facet] = {}
        if fieldname not in reader.schema:
            continue
        for term in reader.field_terms(fieldname):
            docs = frozenset(reader.postings(fieldname, term).all_ids()) & universe
            if docs:
                values[facet][term] = docs
    columns = {}
    for name in ("article", "story", "day"):
        columns[name] = list(reader.column_reader(name)) if reader.has_column(name) else [0] * reader.doc_count_all()
    by_day = sorted((columns["day"][d], d) for d in universe)
    return Snapshot(universe, values, columns["article"], columns["story"], columns["day"], by_day)


def narrow(snap, docs, facet, values):
    """`docs` restricted to documents having any of `values` for `facet` (no values: unchanged)."""
    if not values:
        return docs
    table = snap.values[facet]
    matching = set()
    for value in values:
        matching |= table.get(value, frozenset())
    return docs & matching


def apply(snap, docs, filters, skip=()):
    for facet, values in filters.items():
        if facet not in skip:
            docs = narrow(snap, docs, facet, values)
    return docs


def count(snap, docs, filters):
    """For each facet, {value: count} under the counting rule above. `docs` already has base filters."""
    counts = {}
    for facet in FACET_FIELDS:
        scope = apply(snap, docs, filters, skip=(facet, *DEPENDENT.get(facet, ())))
        counts[facet] = {value: len(scope & members) for value, members in snap.values[facet].items()}
    return counts
