"""The arrays of a segment's frequent terms, decoded once by the index writer and kept in a file beside the
segment, where every process reads them.

Decoding a frequent syllable from Whoosh's postings (archive/search/postings.py) costs tens of milliseconds:
its positions are pickled lists, block by block. At 50,000 articles that was most of a slow search's time, paid
again by every worker after every restart and whenever its cache let the term go. A segment never changes once
written, so its frequent terms are decoded once, after the commit that made it:

- `MAIN_<segment>.packed` holds, term after term, the document numbers (int32), the term frequencies (float32)
  and, for the fields with positions, the positions (uint32: the `document << 32 | position` keys search uses are
  rebuilt from them, each posting's document repeated as many times as the term occurs in it);
- `MAIN_<segment>.packed.json`, written last, says where each term is, how long, and the CRC-32 of its postings
  and of its positions.

Their names are the segment's, so Whoosh deletes them with it. A process reads a term with one read (from the
OS's page cache, shared by every process) and checks it against the CRC. A missing, short or garbled file is
logged and the term is decoded from Whoosh as before: it can make search slower, never wrong.
"""

import json
import logging
import os
import threading
import time
import zlib
from contextlib import suppress
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)

FORMAT = 1
FIELDS = ("text", "title", "exact", "text_en", "text_ru")  # what search scores (archive/search/parse.py)
POSITION_FIELDS = ("text", "title")
# A term is packed when decoding it costs more than reading it: from a few blocks of postings on.
MIN_DOCS = 256
# Segments from a rebuild, and most of what the idle writer merges small ones into (up to backend.MERGE_LIMIT);
# smaller ones decode fast enough.
MIN_SEGMENT_DOCS = 400
RECHECK_SECONDS = 2.0  # how long a process trusts that a segment has no packed file yet

_ID, _TF, _POSITION = np.dtype("<i4"), np.dtype("<f4"), np.dtype("<u4")


def data_path(directory, segment_id):
    return Path(directory) / f"{segment_id}.packed"


def table_path(directory, segment_id):
    return Path(directory) / f"{segment_id}.packed.json"


# Writing (the index writer, a rebuild) ------------------------------------------------------------------------------


def unpacked(index, directory):
    """The segments of `index` (in `directory`) big enough to pack and not packed yet."""
    return [
        segment
        for segment in index._segments()
        if segment.doc_count_all() >= MIN_SEGMENT_DOCS and not table_path(directory, segment.segment_id()).exists()
    ]


def pack_index(index, directory, limit=None):
    """Pack up to `limit` segments (default all) that need it. Returns the ids of those packed. A segment that
    cannot be packed (a full disk, say) is logged and left to be decoded as before."""
    done = []
    for segment in unpacked(index, directory)[:limit]:
        try:
            pack_segment(index, segment, directory)
        except OSError as error:
            log.warning("could not pack segment %s: %s; it is read from the index", segment.segment_id(), error)
            continue
        done.append(segment.segment_id())
    return done


def pack_segment(index, segment, directory):
    """Write the packed file of one segment: the data, then the table that makes it count."""
    from whoosh.reading import SegmentReader

    from archive.search.postings import read_segment_term

    segment_id = segment.segment_id()
    reader = SegmentReader(index.storage, index.schema, segment)
    data, table = data_path(directory, segment_id), table_path(directory, segment_id)
    temporary = data.with_name(data.name + ".tmp")
    terms = {}
    try:
        with open(temporary, "wb") as out:
            for field in _fields(reader):
                terms[field] = _pack_field(reader, field, out, read_segment_term)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, data)
        contents = {"format": FORMAT, "segment": segment_id, "documents": segment.doc_count_all(), "terms": terms}
        _write_atomically(table, json.dumps(contents, ensure_ascii=False, separators=(",", ":")).encode())
    finally:
        reader.close()
        with suppress(FileNotFoundError):
            temporary.unlink()


def _fields(reader):
    return [field for field in FIELDS if field in reader.schema and reader.schema[field].scorable]


def _pack_field(reader, field, out, read_term):
    """Append the arrays of `field`'s frequent terms to `out`; {term: [offset, postings, positions, CRC-32 of
    the postings, of the positions]}."""
    positions = field in POSITION_FIELDS and reader.schema[field].format.supports("positions")
    table = {}
    for raw, info in reader.iter_field(field):
        if info.doc_frequency() < MIN_DOCS:
            continue
        text = reader.schema[field].from_bytes(raw)
        ids, tf, keys = read_term(reader, field, text, positions)
        if len(keys) and not np.array_equal(_documents(ids, tf), keys >> 32):
            continue  # positions not one per occurrence counted (no such field today): decoded as before
        # A key's document is known from the postings (each occurs tf times): only its position is stored.
        postings = ids.astype(_ID).tobytes() + tf.astype(_TF).tobytes()
        where = (keys & 0xFFFFFFFF).astype(_POSITION).tobytes()
        table[text] = [out.tell(), len(ids), len(keys), zlib.crc32(postings), zlib.crc32(where)]
        out.write(postings + where)
    return table


def _documents(ids, tf):
    """The document of each position key: each posting's document, as many times as the term occurs in it."""
    return np.repeat(ids.astype(np.int64), tf.astype(np.int64))


def _write_atomically(path, content):
    temporary = path.with_name(path.name + ".tmp")
    try:
        with open(temporary, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    finally:
        with suppress(FileNotFoundError):
            temporary.unlink()


# Reading (every process) ----------------------------------------------------------------------------------------


class Packed:
    """One segment's packed file, open in this process."""

    def __init__(self, directory, segment_id, documents):
        self.segment_id = segment_id
        self.data = data_path(directory, segment_id)
        contents = json.loads(table_path(directory, segment_id).read_bytes())
        if contents.get("format") != FORMAT or contents.get("documents") != documents:
            raise ValueError(f"{self.data.name}.json is not this segment's")
        self.terms = contents["terms"]
        self.fd = os.open(self.data, os.O_RDONLY | os.O_CLOEXEC)
        self.pid = os.getpid()

    def close(self):
        fd, self.fd = self.fd, None
        with suppress(OSError, TypeError):
            os.close(fd)

    def arrays(self, field, text, positions=False):
        """(document numbers, term frequencies) of a packed term, or its position keys; None when it is not packed
        or cannot be read as it was written."""
        entry = self.terms.get(field, {}).get(text)
        if entry is None or self.fd is None:
            return None
        offset, count, keys, postings_crc, positions_crc = entry
        length = count * 8 + (keys * 4 if positions else 0)
        try:
            chunk = os.pread(self.fd, length, offset)
        except (OSError, TypeError):  # TypeError: closed meanwhile (its segment was merged away)
            chunk = b""
        view = memoryview(chunk)
        if (
            len(chunk) != length
            or zlib.crc32(view[: count * 8]) != postings_crc
            or (positions and zlib.crc32(view[count * 8 :]) != positions_crc)
        ):
            log.warning("%s: the arrays of %s:%r are damaged; decoding them from the index", self.data, field, text)
            return None
        # Views of a chunk read for them alone: what the cache counts is what the chunk holds.
        ids = np.frombuffer(chunk, dtype=_ID, count=count)
        tf = np.frombuffer(chunk, dtype=_TF, count=count, offset=count * 4)
        if not positions:
            return ids, tf
        where = np.frombuffer(chunk, dtype=_POSITION, count=keys, offset=count * 8)
        return (_documents(ids, tf) << 32) | where


class Segments:
    """This process's open packed files, by segment; a segment without one is looked for again now and then."""

    def __init__(self):
        self.open = {}
        self.missing = {}  # segment id -> when it was last looked for
        self.lock = threading.Lock()

    def get(self, directory, segment_id, documents):
        with self.lock:
            found = self.open.get(segment_id)
            if found is not None and found.pid == os.getpid():
                return found
            if time.monotonic() - self.missing.get(segment_id, -RECHECK_SECONDS) < RECHECK_SECONDS:
                return None
            found = self._open(directory, segment_id, documents)
            if found is None:
                self.missing[segment_id] = time.monotonic()
            else:
                self.open[segment_id] = found
                self.missing.pop(segment_id, None)
            return found

    def _open(self, directory, segment_id, documents):
        if not table_path(directory, segment_id).exists():
            return None
        try:
            return Packed(directory, segment_id, documents)
        except (OSError, ValueError, KeyError, TypeError) as error:
            log.warning("%s: unreadable (%s); decoding from the index", table_path(directory, segment_id), error)
            return None

    def forget(self, keep):
        """Close the files of segments not in `keep` (merged away)."""
        with self.lock:
            for segment_id in [s for s in self.open if s not in keep]:
                self.open.pop(segment_id).close()


segments = Segments()


def verify(directory, segment_ids):
    """[(file, problem)] for the packed files of these segments that do not read back as written."""
    problems = []
    for segment_id in segment_ids:
        if not table_path(directory, segment_id).exists():
            continue
        try:
            _verify_one(directory, segment_id)
        except (OSError, ValueError, KeyError, TypeError) as error:
            problems.append((data_path(directory, segment_id).name, str(error)))
    return problems


def _verify_one(directory, segment_id):
    contents = json.loads(table_path(directory, segment_id).read_bytes())
    with open(data_path(directory, segment_id), "rb") as data:
        for field, terms in contents["terms"].items():
            for text, (offset, count, keys, postings_crc, positions_crc) in terms.items():
                data.seek(offset)
                postings, where = data.read(count * 8), data.read(keys * 4)
                if (zlib.crc32(postings), zlib.crc32(where)) != (postings_crc, positions_crc):
                    raise ValueError(f"the arrays of {field}:{text!r} do not match their checksum")
