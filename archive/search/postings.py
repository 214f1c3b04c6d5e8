"""Term postings, positions and field lengths as numpy arrays, read once per index segment and kept in a bounded
cache.

Whoosh's matchers decode and score postings one at a time in Python, through a tree of union and intersection
matchers: for a query of five syllables searched in five fields that is most of a search's time. Here each
term's postings are read block by block into two arrays (document numbers and term frequencies), and, for the
fields that keep them, its positions into one sorted array of `document << 32 | position` keys; search counts,
intersects, finds adjacent words and scores over whole arrays (archive/search/scoring.py).

A segment never changes once written (its deletions are a separate list, applied by search through the live
documents), so what is read from one segment stays right for every index generation that still holds it: a
commit adds a segment, and only that segment's terms are read again. The cache is per process, bounded in
bytes (`SEARCH_CACHE_MB`), least recently used first out. The frequent terms of a big segment are read from its
packed file (archive/search/packed.py), written once by the index writer, instead of being decoded.

Reading goes through Whoosh 2.7.4's own codec objects (the terms table, the postings block reader and the
lengths column); the version is pinned, and tests compare what is read here with Whoosh's own matchers.
"""

import threading
from collections import OrderedDict
from functools import partial
from itertools import chain
from pickle import loads

import numpy as np
from django.conf import settings
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, W3LeafMatcher, _lenfield
from whoosh.reading import TermNotFound
from whoosh.util.numeric import byte_to_length

from archive.search import packed
from archive.search.engine import IndexUnavailable

_EMPTY_IDS = np.zeros(0, dtype=np.int32)
_EMPTY_TF = np.zeros(0, dtype=np.float32)
_EMPTY_KEYS = np.zeros(0, dtype=np.int64)
# Whoosh keeps a field's length per document as one byte, a logarithmic approximation of the length.
_LENGTHS = np.array([byte_to_length(b) for b in range(256)], dtype=np.float32)


class SegmentCache:
    """Arrays read from segments, keyed by (segment id, what), least recently used dropped past `limit` bytes."""

    def __init__(self, limit):
        self.limit = limit
        self.size = 0
        self.entries = OrderedDict()
        # One reader at a time: Whoosh's files seek and read, and a term read twice would be wasted work.
        self.lock = threading.RLock()

    def get(self, key, read):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found
            found = read()
            self.entries[key] = found
            self.size += _nbytes(found)
            while self.size > self.limit and len(self.entries) > 1:
                _, dropped = self.entries.popitem(last=False)
                self.size -= _nbytes(dropped)
            return found


def _read(function, *args):
    """What `function` reads from a segment; a damaged file is an unreadable index, not a bug (searches answer 503)."""
    try:
        return function(*args)
    except Exception as error:  # whatever a truncated or garbled file makes the codec, pickle or numpy raise
        raise IndexUnavailable(f"the search index could not be read ({type(error).__name__}: {error})") from error


def _nbytes(value):
    arrays = value if isinstance(value, tuple) else (value,)
    return sum(a.nbytes for a in arrays) + 200  # the key and the tuple


_cache = None
_cache_lock = threading.Lock()


def cache():
    global _cache
    with _cache_lock:
        if _cache is None:
            _cache = SegmentCache(settings.SEARCH_CACHE_MB * 1024 * 1024)
        return _cache


def _blocks(segreader, field, text):
    """(document numbers, weights, values) of each postings block of a term in one segment (none if absent)."""
    fieldobj = segreader.schema[field]
    try:
        info = segreader._terms.term_info(field, fieldobj.to_bytes(text))
    except TermNotFound:
        return
    if info.is_inlined():
        yield info.inlined_postings()
        return
    offset, length = info.extent()
    matcher = W3LeafMatcher(segreader._terms._postfile, offset, length, fieldobj.format)
    while True:
        # Up to 128 postings: ids as deltas from 0, weights (None: all 1; a float: all equal), encoded values.
        matcher._read_data()
        deltas, weights, values = matcher._data
        ids = np.cumsum(np.asarray(deltas, dtype=np.int64))
        if weights is None or isinstance(weights, float):
            weights = np.full(len(ids), 1.0 if weights is None else weights, dtype=np.float32)
        yield ids, weights, values
        if matcher._lastblock:
            return
        matcher._goto(matcher._nextoffset)


def read_segment_term(segreader, field, text, positions=False):
    """(document numbers in the segment, term frequencies, position keys) of one term, deleted documents
    included. The keys, when `positions`, are the sorted `document << 32 | position` of every occurrence (a field
    with positions: Whoosh keeps each posting's positions as a 4-byte count and a pickled list of deltas)."""
    ids, weights, lists = [], [], []
    for block_ids, block_weights, values in _blocks(segreader, field, text):
        ids.append(np.asarray(block_ids, dtype=np.int32))
        weights.append(np.asarray(block_weights, dtype=np.float32))
        if positions:
            lists += _unpickle_all(values)
    if not ids:
        return _EMPTY_IDS, _EMPTY_TF, _EMPTY_KEYS
    ids, weights = np.concatenate(ids), np.concatenate(weights)
    return ids, weights, _keys(ids, lists) if positions else _EMPTY_KEYS


def _keys(ids, lists):
    if not lists:
        return _EMPTY_KEYS
    counts = np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))
    running = np.cumsum(np.fromiter(chain.from_iterable(lists), dtype=np.int64, count=int(counts.sum())))
    # Positions restart in each posting: subtract what the postings before it added up to.
    before = np.repeat(np.concatenate(([0], running[np.cumsum(counts)[:-1] - 1])), counts)
    return (np.repeat(ids.astype(np.int64), counts) << 32) | (running - before)


def _unpickle_all(values):
    """The lists of deltas of a block's postings, unpickled in one call: each value is `count`, then protocol 2's
    header, the list and a stop; their lists are joined as the items of one outer list."""
    inner = b"".join(value[6:-1] if value.endswith(b".") else value[6:] for value in values)
    # Whoosh's own index files (analysis.index_terms output, pickled by its writer), never user input.
    return loads(b"\x80\x02]q\x01(" + inner + b"e.")  # noqa: S301


def _term(leaf, field, text, positions):
    """A term's (ids, tf), or its position keys, in one segment: from the segment's packed file when the index
    writer packed the term (archive/search/packed.py), else decoded from Whoosh's postings."""
    found = _packed(leaf, field, text, positions)
    if found is not None:
        return found
    arrays = _read(read_segment_term, leaf, field, text, positions)
    return arrays[2] if positions else arrays[:2]


def _packed(leaf, field, text, positions):
    folder = getattr(leaf.storage(), "folder", None)  # a compound segment has no folder of its own
    if folder is None:
        return None
    segment = leaf.segment()
    found = packed.segments.get(folder, segment.segment_id(), segment.doc_count_all())
    return found.arrays(field, text, positions) if found is not None else None


def read_segment_lengths(segreader, field):
    """Length of `field` in each document of the segment (0 where it has none), as Whoosh stores it."""
    count = segreader.doc_count_all()
    column = segreader._perdoc._cached_reader(_lenfield(field), LENGTHS_COLUMN)
    lengths = np.zeros(count, dtype=np.float32)
    if column is not None:
        raw = _column_values(column, np.uint8)
        lengths[: len(raw)] = _LENGTHS[raw]
    return lengths


def read_segment_numbers(segreader, field):
    """A numeric column (backend._number()) of one segment, 0 where a document has none."""
    count = segreader.doc_count_all()
    numbers = np.zeros(count, dtype=np.int64)
    if field not in segreader.schema or not segreader.has_column(field):
        return numbers
    column = segreader._perdoc._cached_reader(field, segreader.schema[field].column_type)
    if getattr(column, "_typecode", None) != "Q":  # not a field of backend._number(): read it value by value
        return np.array(list(segreader.column_reader(field)), dtype=np.int64)
    raw = _column_values(column, np.dtype(">u8"))
    numbers[: len(raw)] = np.where(raw == column._default, 0, raw).astype(np.int64)
    return numbers


def _column_values(column, dtype):
    """The values of a fixed-width column as Whoosh writes them: one per document up to the last one that has
    one (the rest have the column's default)."""
    return np.frombuffer(column._dbfile.get(column._basepos, column._count * column._fixedlen), dtype=dtype)


class IndexArrays:
    """One index generation seen as arrays: the postings and lengths of its segments, numbered as the searcher
    numbers documents (each segment's numbers shifted by its offset)."""

    def __init__(self, reader, segment_cache=None):
        self.reader = reader
        self.size = reader.doc_count_all()
        self.cache = segment_cache or cache()
        self.leaves = [
            (leaf, offset, leaf.segment().segment_id())
            for leaf, offset in reader.leaf_readers()
            if leaf.segment() is not None  # an empty index has no segment
        ]
        # The packed files of segments merged away are closed: an open file would keep its disk space.
        packed.segments.forget({segment for _, _, segment in self.leaves})
        self._lengths = {}
        self._average = {}
        self.documents = max(reader.doc_count(), 1)

    def postings(self, field, text):
        """(document numbers, term frequencies) of a term in the whole index, ascending."""
        if field not in self.reader.schema:
            return _EMPTY_IDS, _EMPTY_TF
        parts = []
        for leaf, offset, segment in self.leaves:
            ids, tf = self.cache.get((segment, field, text), partial(_term, leaf, field, text, positions=False))
            if len(ids):
                parts.append((ids + offset if offset else ids, tf))
        if not parts:
            return _EMPTY_IDS, _EMPTY_TF
        if len(parts) == 1:
            return parts[0]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])

    def positions(self, field, text):
        """Sorted `document << 32 | position` keys of every occurrence of a term in the whole index."""
        if field not in self.reader.schema or not self.reader.schema[field].format.supports("positions"):
            return _EMPTY_KEYS
        parts = []
        for leaf, offset, segment in self.leaves:
            read = partial(_term, leaf, field, text, positions=True)
            keys = self.cache.get((segment, field, text, "positions"), read)
            if len(keys):
                parts.append(keys + (offset << 32) if offset else keys)
        if not parts:
            return _EMPTY_KEYS
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def lengths(self, field):
        found = self._lengths.get(field)
        if found is None:
            parts = [
                self.cache.get((segment, field, None), partial(_read, read_segment_lengths, leaf, field))
                for leaf, _, segment in self.leaves
            ]
            found = self._lengths[field] = np.concatenate(parts) if parts else np.zeros(0, dtype=np.float32)
        return found

    def average_length(self, field):
        if field not in self._average:
            lengths = self.lengths(field)
            present = lengths[lengths > 0]
            self._average[field] = float(present.mean()) if len(present) else 1.0
        return self._average[field]
