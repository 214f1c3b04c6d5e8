"""The arrays search reads from the Whoosh index (archive/search/postings.py) hold what Whoosh's own matchers
read: the same documents, frequencies, positions and lengths, across segments, with deletions left to search."""

import numpy as np
import pytest

from archive.search import facets, indexing, postings
from tests.factories import make_article

pytestmark = pytest.mark.django_db

WORDS = ["chính", "phủ", "điện", "tử", "ví", "cải", "cách", "hành", "chính", "government", "digital", "reform"]


@pytest.fixture
def index(whoosh_index):
    """Three segments (a rebuild, then two commits of the index writer), one article changed since."""
    articles = [
        make_article(language="vi", title=f"Chính phủ điện tử {n}", body=f"<p>{' '.join(WORDS[: 3 + n % 8])} {n}</p>")
        for n in range(150)
    ]
    whoosh_index()
    later = [make_article(title="Digital government reform", body="<p>reform reform digital</p>") for _ in range(3)]
    indexing.write([a.pk for a in later])
    articles[0].title = "Ví điện tử"
    articles[0].save()
    indexing.write([articles[0].pk])
    searcher, _ = indexing.backend().searcher()
    assert len(searcher.reader().leaf_readers()) >= 2
    return searcher


def whoosh_postings(reader, field, text):
    if (field, text) not in reader:
        return [], [], []
    matcher = reader.postings(field, text)  # Whoosh leaves deleted documents out here
    ids, weights, positions = [], [], []
    while matcher.is_active():
        ids.append(matcher.id())
        weights.append(matcher.weight())
        if reader.schema[field].format.supports("positions"):
            positions += [(matcher.id() << 32) | p for p in matcher.value_as("positions")]
        matcher.next()
    return ids, weights, positions


def test_postings_and_positions_are_what_whoosh_reads(index):
    """Terms in more than one block (150 articles), in one segment or several, inlined, absent."""
    for field in ("text", "title", "exact"):
        for text in ("chinh", "phu", "dien", "tu", "vi", "government", "reform", "7", "nothing"):
            check_term(index, field, text)


def check_term(index, field, text):
    reader = index.reader()
    arrays = postings.IndexArrays(reader, postings.SegmentCache(10**8))
    live = facets.snapshot(index, {}).live
    ids, tf = arrays.postings(field, text)
    kept = live[ids]  # the arrays keep deleted documents: search removes them with the live ones
    expected_ids, expected_weights, expected_positions = whoosh_postings(reader, field, text)
    assert ids[kept].tolist() == expected_ids, (field, text)
    assert tf[kept].tolist() == pytest.approx(expected_weights)
    keys = arrays.positions(field, text)
    keys = keys[live[keys >> 32]] if len(keys) else keys
    assert keys.tolist() == expected_positions
    assert list(keys) == sorted(keys)


def test_lengths_are_what_whoosh_stores(index):
    reader = index.reader()
    arrays = postings.IndexArrays(reader, postings.SegmentCache(10**8))
    for field in ("text", "title", "exact"):
        lengths = arrays.lengths(field)
        assert len(lengths) == reader.doc_count_all()
        assert [lengths[d] for d in reader.all_doc_ids()] == [
            reader.doc_field_length(d, field) for d in reader.all_doc_ids()
        ]


def test_the_cache_stays_within_its_bound_dropping_the_least_recently_used(index):
    cache = postings.SegmentCache(limit=4_000)
    arrays = postings.IndexArrays(index.reader(), cache)
    for word in WORDS:
        arrays.postings("text", word)
        assert cache.size <= cache.limit or len(cache.entries) == 1
    arrays.postings("text", "government")
    newest = next(reversed(cache.entries))
    assert newest[1:] == ("text", "government")
    assert cache.size == sum(postings._nbytes(value) for value in cache.entries.values())


def test_a_segment_read_once_is_not_read_again(index, monkeypatch):
    cache = postings.SegmentCache(10**8)
    postings.IndexArrays(index.reader(), cache).postings("text", "chinh")
    reads = []
    original = postings.read_segment_term
    monkeypatch.setattr(postings, "read_segment_term", lambda *args: reads.append(args) or original(*args))
    ids, _ = postings.IndexArrays(index.reader(), cache).postings("text", "chinh")
    assert reads == [] and len(ids) > 0
    assert np.all(np.diff(ids) > 0)
