"""Packed arrays (archive/search/packed.py): the frequent terms of a big segment, decoded once by the index writer
into a file beside it. Search reads what Whoosh's own matchers read, from the file when it is sound and from the
index when it is missing or damaged; check_index reports the damage; Whoosh deletes the file with its segment."""

import io
import json
import logging
import os
from pathlib import Path

import pytest
from django.core.management import call_command

from archive.search import indexing, packed, postings, query
from tests.factories import make_article
from tests.test_search_postings import WORDS, check_term

pytestmark = pytest.mark.django_db

TERMS = ("chinh", "phu", "dien", "tu", "government", "reform")


@pytest.fixture(autouse=True)
def small_thresholds(monkeypatch):
    """Every segment and every term of these small archives is worth packing."""
    monkeypatch.setattr(packed, "MIN_SEGMENT_DOCS", 50)
    monkeypatch.setattr(packed, "MIN_DOCS", 2)
    monkeypatch.setattr(packed, "segments", packed.Segments())
    yield
    packed.segments.forget(keep=())


@pytest.fixture
def rebuilt(whoosh_index):
    """A rebuild of 150 articles (one segment, packed before the swap), then a small commit (not packed)."""
    for n in range(150):
        body = f"<p>{' '.join(WORDS[: 3 + n % 8])} {n}</p>"
        make_article(language="vi", title=f"Chính phủ điện tử {n}", body=body)
    whoosh_index()
    later = [make_article(title="Digital government reform", body="<p>reform reform digital</p>") for _ in range(3)]
    indexing.write([a.pk for a in later])
    return indexing.backend().searcher()[0]


def packed_files(directory=None):
    return sorted(Path(directory or indexing.backend().live_dir()).glob("*.packed*"))


def decodes(monkeypatch):
    """(segment, field, term) of what search decodes from Whoosh's postings from now on."""
    calls = []
    original = postings.read_segment_term

    def read(leaf, field, text, *args):
        calls.append((leaf.segment().segment_id(), field, text))
        return original(leaf, field, text, *args)

    monkeypatch.setattr(postings, "read_segment_term", read)
    return calls


def api(q):
    result = query.run({"q": [q]})
    return result.count, [hit.article.pk for hit in result.hits]


def test_a_rebuild_packs_its_segment_and_search_reads_what_whoosh_reads(rebuilt, monkeypatch):
    segments = indexing.backend().open_index(indexing.backend().live_dir())._segments()
    (big,) = [s for s in segments if s.doc_count_all() >= 150]
    assert [p.name for p in packed_files()] == [f"{big.segment_id()}.packed", f"{big.segment_id()}.packed.json"]
    calls = decodes(monkeypatch)
    for field in ("text", "title", "exact"):
        for text in TERMS:
            check_term(rebuilt, field, text)
    # The packed segment's terms came from its file; only the terms it lacks were decoded there.
    table = json.loads(packed.table_path(indexing.backend().live_dir(), big.segment_id()).read_text())["terms"]
    assert {"chinh", "phu", "dien", "tu"} <= table["text"].keys()
    decoded = {(field, text) for segment, field, text in calls if segment == big.segment_id()}
    assert decoded and not [(field, text) for field, text in decoded if text in table.get(field, {})]


def test_a_damaged_packed_file_is_read_around_and_check_index_reports_it(rebuilt, caplog):
    before = {q: api(q) for q in ("chính phủ điện tử", "cải cách hành chính", "digital government")}
    data = next(p for p in packed_files() if p.suffix == ".packed")
    offset, count = json.loads(data.with_name(data.name + ".json").read_text())["terms"]["text"]["phu"][:2]
    raw = bytearray(data.read_bytes())
    raw[offset : offset + count * 4] = bytes(count * 4)  # its document numbers, all 0
    data.write_bytes(bytes(raw))
    packed.segments.forget(keep=())
    postings.cache().entries.clear()
    postings.cache().size = 0
    with caplog.at_level(logging.WARNING, logger="archive.search.packed"):
        after = {q: api(q) for q in before}
    assert after == before
    assert "damaged" in caplog.text
    out = io.StringIO()
    with pytest.raises(SystemExit) as exit_:
        call_command("check_index", stdout=out)
    assert exit_.value.code == 1
    assert f"segment {data.name}: the arrays of" in out.getvalue()


def test_a_truncated_table_is_ignored_and_search_decodes(rebuilt, monkeypatch, caplog):
    before = api("chính phủ điện tử")
    table = next(p for p in packed_files() if p.name.endswith(".json"))
    table.write_bytes(table.read_bytes()[:100])
    packed.segments.forget(keep=())
    postings.cache().entries.clear()
    postings.cache().size = 0
    calls = decodes(monkeypatch)
    with caplog.at_level(logging.WARNING, logger="archive.search.packed"):
        assert api("chính phủ điện tử") == before
    assert ("text", "chinh") in [call[1:] for call in calls]
    assert "unreadable" in caplog.text


def test_the_index_writer_packs_a_big_new_segment_once_when_idle(whoosh_index):
    whoosh_index()
    articles = [make_article(title=f"Chính phủ điện tử {n}", body="<p>chính phủ điện tử</p>") for n in range(60)]
    indexing.write([a.pk for a in articles])
    assert packed_files() == []
    assert indexing.pack() is True
    assert len(packed_files()) == 2
    assert indexing.pack() is False


def test_whoosh_deletes_a_packed_file_with_its_segment(whoosh_index, monkeypatch):
    whoosh_index()
    monkeypatch.setattr(packed, "MIN_SEGMENT_DOCS", 1)
    for n in range(4):
        article = make_article(title=f"Chính phủ {n}", body="<p>chính phủ chính phủ</p>")
        indexing.write([article.pk])
        assert indexing.pack() is True
    assert len(packed_files()) == 8
    assert indexing.compact(timeout=5) is True  # four small segments merged into one
    assert len(packed_files()) == 0
    assert api("chính phủ")[0] == 4
    # The files of the merged segments are closed too: an open file would keep its disk space.
    assert not [fd for fd in Path("/proc/self/fd").iterdir() if ".packed" in os.path.realpath(fd)]
    assert indexing.pack() is True
    assert len(packed_files()) == 2
    assert api("chính phủ")[0] == 4


def test_a_packing_killed_half_way_leaves_nothing_search_reads_and_is_done_again(whoosh_index):
    """A writer killed while packing leaves the data's temporary file and no table: nothing reads it, and the
    next idle step writes the whole file over it."""
    whoosh_index()
    articles = [make_article(title=f"Chính phủ điện tử {n}", body="<p>chính phủ điện tử</p>") for n in range(60)]
    indexing.write([a.pk for a in articles])
    (segment,) = indexing.backend().open_index(indexing.backend().live_dir())._segments()
    leftover = packed.data_path(indexing.backend().live_dir(), segment.segment_id()).with_suffix(".packed.tmp")
    leftover.write_bytes(b"\x00" * 1000)
    assert api("chính phủ điện tử")[0] == 60
    assert indexing.pack() is True
    assert not leftover.exists()
    packed.segments.forget(keep=())
    assert api("chính phủ điện tử")[0] == 60
    assert packed.verify(indexing.backend().live_dir(), [segment.segment_id()]) == []
