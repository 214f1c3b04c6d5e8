"""Facet counting, filtering, ordering and grouping on document sets held as bitsets (Python ints).

Once per index generation, `snapshot()` reads for every facet value the set of documents that have it (from
the postings of its ID/KEYWORD field, so a multi-valued field counts names, not combinations), and the
per-document columns used for sorting and grouping. A search then narrows and counts with `&` and
`int.bit_count()` on bitsets of the whole index: C loops over a few kilobytes, where Python sets of
document numbers cost a Python step per document. Match-all is the bitset of live documents (no Whoosh
`Every` query).

The counting rule is archive/search/engine.py's. The facets and their index fields are the registry's
(archive/search/registry.py). A month belongs to one year: changing the year drops the month, so year counts
ignore it.
"""

import bisect
from array import array
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from whoosh.idsets import DocIdSet

from archive.search import registry
from archive.search.postings import IndexArrays, read_segment_numbers

# For each byte value, the positions of its set bits: turns a bitset into document numbers a byte at a time.
_BITS = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def bitset(docnums):
    """The bitset of these document numbers."""
    docnums = list(docnums)
    if not docnums:
        return 0
    mask = bytearray(max(docnums) // 8 + 1)
    for d in docnums:
        mask[d >> 3] |= 1 << (d & 7)
    return int.from_bytes(mask, "little")


def from_mask(mask):
    """The bitset of a numpy boolean array."""
    return int.from_bytes(np.packbits(mask, bitorder="little").tobytes(), "little")


def to_mask(bits, size):
    """A numpy boolean array of `size` documents from a bitset."""
    raw = np.frombuffer(bits.to_bytes((size + 7) // 8 or 1, "little"), dtype=np.uint8)
    return np.unpackbits(raw, count=size, bitorder="little").astype(bool)


def members(bits):
    """The document numbers of a bitset, ascending."""
    out = []
    for index, byte in enumerate(bits.to_bytes((bits.bit_length() + 7) // 8, "little")):
        if byte:
            base = index * 8
            out.extend(base + bit for bit in _BITS[byte])
    return out


class Mask(DocIdSet):
    """A bitset as the `filter` of a Whoosh search: constant-time membership, no set of ints to build."""

    def __init__(self, bits, size):
        self.size = size
        self.bytes = bits.to_bytes(size // 8 + 1, "little")

    def __contains__(self, docnum):
        return 0 <= docnum < self.size and self.bytes[docnum >> 3] >> (docnum & 7) & 1 == 1

    def __bool__(self):  # an empty filter must still filter
        return True

    def __iter__(self):
        return iter(members(int.from_bytes(self.bytes, "little")))

    def __len__(self):
        return int.from_bytes(self.bytes, "little").bit_count()


@dataclass
class Snapshot:
    size: int  # document numbers run from 0 to size - 1
    universe: int  # live documents
    values: dict  # facet -> {value: bitset}
    article: array  # docnum -> Article pk
    story: array  # docnum -> Story pk
    day: array  # docnum -> published date as an ordinal
    newest: array  # live docnums, newest first (ties: higher article pk first)
    multi: int  # live documents of stories with more than one live variant
    _by_article: dict = field(default=None, repr=False)
    _days: array = field(default=None, repr=False)

    @cached_property
    def live(self):
        """The live documents as a numpy boolean array."""
        return to_mask(self.universe, self.size)

    @cached_property
    def day_array(self):
        return np.frombuffer(self.day, dtype=np.int64)

    @cached_property
    def article_array(self):
        return np.frombuffer(self.article, dtype=np.int64)

    def docs_of(self, article_ids):
        """The bitset of the live documents of these articles."""
        if self._by_article is None:
            self._by_article = {}
            for docnum in self.newest:
                self._by_article.setdefault(self.article[docnum], []).append(docnum)
        return bitset(docnum for pk in article_ids for docnum in self._by_article.get(pk, ()))

    def docs_between(self, start=None, end=None):
        """Live documents published in [start, end] (date ordinals; None = open)."""
        # `newest` is sorted by day descending: bisect on the negated days.
        days = self._negated_days()
        lo = 0 if end is None else bisect.bisect_left(days, -end)
        hi = len(days) if start is None else bisect.bisect_right(days, -start)
        if lo == 0 and hi == len(days):
            return self.universe
        return bitset(self.newest[lo:hi])

    def _negated_days(self):
        if self._days is None:
            self._days = array("q", (-self.day[d] for d in self.newest))
        return self._days

    def stories(self, bits):
        """How many stories the documents of `bits` belong to."""
        single = (bits & ~self.multi).bit_count()
        return single + len({self.story[d] for d in members(bits & self.multi)})

    def first_per_story(self, ordered, bits, wanted):
        """The first `wanted` documents of `ordered` that are in `bits`, one per story."""
        mask = Mask(bits, self.size)
        seen, firsts = set(), []
        for docnum in ordered:
            if docnum in mask:
                story = self.story[docnum]
                if story not in seen:
                    seen.add(story)
                    firsts.append(docnum)
                    if len(firsts) >= wanted:
                        break
        return firsts


def snapshot(searcher, cache):
    """The Snapshot of this searcher's generation, built on first use and kept in `cache`."""
    if "facets" not in cache:
        cache["facets"] = _build(searcher.reader())
    return cache["facets"]


def _build(reader):
    """The Snapshot of one index generation, from arrays read per segment: every commit makes a new generation,
    and each process builds its snapshot again before its next search, so this is on the way of every save to
    the reader's screen. A segment's facet postings come from the per-segment cache (postings.IndexArrays), so
    only a new segment's are read."""
    size = reader.doc_count_all()
    live = np.ones(size, dtype=bool)
    columns = {name: np.zeros(size, dtype=np.int64) for name in COLUMNS}
    for leaf, offset in reader.leaf_readers():
        count = leaf.doc_count_all()
        live[[offset + d for d in leaf.segment().deleted_docs()] if leaf.segment() else []] = False
        for name in COLUMNS:
            columns[name][offset : offset + count] = read_segment_numbers(leaf, name)
    universe = from_mask(live)
    docs = np.flatnonzero(live)
    newest = docs[np.lexsort((-columns["article"][docs], -columns["day"][docs]))]
    _, inverse, variants = np.unique(columns["story"][docs], return_inverse=True, return_counts=True)
    multi = np.zeros(size, dtype=bool)
    multi[docs[variants[inverse] > 1]] = True
    article, story, day = (_as_array(columns[name]) for name in COLUMNS)
    return Snapshot(size, universe, _values(reader, live), article, story, day, _as_array(newest), from_mask(multi))


COLUMNS = ("article", "story", "day")


def _values(reader, live):
    """{facet: {value: bitset of its live documents}}."""
    arrays = IndexArrays(reader)
    values = {}
    for facet, fieldname in registry.fields().items():
        values[facet] = {}
        if fieldname not in reader.schema:
            continue
        for term in reader.field_terms(fieldname):
            here = np.zeros(len(live), dtype=bool)
            here[arrays.postings(fieldname, term)[0]] = True
            docs = from_mask(here & live)
            if docs:
                values[facet][term] = docs
    return values


def _as_array(values):
    out = array("q")
    out.frombytes(values.astype(np.int64).tobytes())
    return out


def narrow(snap, docs, facet, values):
    """`docs` restricted to documents having any of `values` for `facet` (no values: unchanged)."""
    if not values:
        return docs
    table = snap.values.get(facet, {})
    matching = 0
    for value in values:
        matching |= table.get(value, 0)
    return docs & matching


def apply(snap, docs, filters, skip=()):
    for facet, values in filters.items():
        if facet not in skip:
            docs = narrow(snap, docs, facet, values)
    return docs


def count(snap, docs, filters):
    """For each facet, {value: count} under the counting rule. `docs` already has the base filters."""
    counts = {}
    dependents = registry.dependents()
    for facet in registry.names():
        scope = apply(snap, docs, filters, skip=(facet, *dependents.get(facet, ())))
        counts[facet] = {value: (scope & bits).bit_count() for value, bits in snap.values.get(facet, {}).items()}
    return counts
