"""Gazette's haystack engine for Whoosh.

haystack's Whoosh backend is kept for what it does well (the schema from the SearchIndex, documents
from `full_prepare`, the `update_index` command). It is subclassed where its defaults do harm:

- `build_schema`: Gazette's own field types and analyzers (archive/search/analysis.py) instead of
  haystack's English-stemmed defaults; facet values go into unanalyzed ID/KEYWORD fields (a faceted
  haystack CharField would be stemmed), and the numbers needed for sorting, grouping and checking into
  columns.
- Generations: the configured PATH is a symlink to one complete index directory (`<PATH>.gen-<stamp>`).
  A rebuild or a clear fills a new directory beside it and swaps the symlink atomically, so searches
  answer from the old index until the new one is complete (haystack deletes the index first).
- One Whoosh searcher per process, refreshed when the index commits or the symlink moves
  (`searcher()`): haystack opens one or two per search, and each opening reads the terms file.
- Writes take the live index's lock with a timeout and raise when they cannot write (haystack's
  `remove()` fails silently, and a takedown must not be lost); `apply()` writes updates and removals
  in one commit. Only the index writer calls it (archive/search/indexing.py), never a request.
- haystack's match-all `*` parses to a Whoosh `Every(field)`, which reads every term's postings;
  here it is `Every()`, the live document list.

Searching (`find`) answers query.py's EngineRequest from arrays read once per index generation: facet values
and columns (facets.py), postings (postings.py), scores (scoring.py); no Whoosh query objects on that path.
"""

import ctypes
import os
import shutil
import signal
import threading
import time
import traceback
from collections import defaultdict
from contextlib import suppress
from functools import partial
from pathlib import Path

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import fields as wf
from whoosh import formats as wformats
from whoosh import query as wq
from whoosh.filedb.filestore import FileStorage
from whoosh.index import IndexError as WhooshIndexError
from whoosh.index import LockError
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.qparser import QueryParser
from whoosh.system import pack_uint
from whoosh.util.filelock import try_for

from archive.search import analysis, facets, packed, postings, registry, scoring, suggest
from archive.search.engine import EngineResult, IndexUnavailable

WRITE_TIMEOUT = 10.0  # seconds to wait for the index lock before a write fails loudly


class NoLock:
    def release(self):
        pass


class Text(wf.TEXT):
    """A TEXT field indexed through analysis.index_terms (one regex pass per text) rather than through its
    analyzer's chain of per-token generators: the same terms, a fraction of the time. `kind` names the
    analysis (archive/search/analysis.py); positions are kept only where phrases are searched."""

    def __init__(self, kind, phrase):
        super().__init__(analyzer=analysis.ANALYZERS[kind], stored=False, phrase=phrase)
        self.kind = kind

    def index(self, value, **kwargs):
        boost = self.format.field_boost
        positions = isinstance(self.format, wformats.Positions)
        for term, places in analysis.index_terms(self.kind, value).items():
            count = len(places)
            encoded = self.format.encode(places) if positions else pack_uint(count)
            yield term.encode("utf-8"), count, count * boost, encoded


def _number():
    return wf.NUMERIC(numtype=int, bits=64, stored=True, sortable=True, signed=False)


# One entry per field of archive/search_indexes.py (a field missing here is an error, not a default). Facet fields
# come from the registry (facet_type).
FIELD_TYPES = {
    "text": lambda: Text("folded", phrase=True),
    "exact": lambda: Text("exact", phrase=False),
    "text_en": lambda: Text("en", phrase=False),
    "text_ru": lambda: Text("ru", phrase=False),
    "title": lambda: Text("folded", phrase=True),
    "refs": lambda: wf.KEYWORD(commas=True, lowercase=True),
    "article": _number,
    "story": _number,
    "day": _number,
    "sig": lambda: wf.ID(sortable=True),
}


def facet_type(facet):
    """Unanalyzed: a faceted haystack field would be stemmed (Reuters -> reuter). Several values are comma-joined."""
    return wf.KEYWORD(commas=True) if facet.many else wf.ID()


# Whoosh's default merge policy merges at every commit whatever its heuristic says, up to the whole index
# (seconds to minutes at archive scale), while holding the lock an editor's change waits for. Here commits
# never merge; the index writer merges when it is idle, a few small segments at a time (`compact`), and a
# rebuild (which never blocks the live index) writes a compact index.
MERGE_LIMIT = 500  # documents per merge: about as long to write as a few batches of imported articles
MERGE_MIN_SEGMENTS = 4


def small_segments(segments):
    """The segments to merge: the smallest, together at most MERGE_LIMIT documents, when there are at least
    MERGE_MIN_SEGMENTS of them; else none."""
    ordered = sorted(segments, key=lambda s: s.doc_count_all())
    chosen, total = [], 0
    for segment in ordered:
        if total + segment.doc_count_all() > MERGE_LIMIT:
            break
        chosen.append(segment)
        total += segment.doc_count_all()
    return chosen if len(chosen) >= MERGE_MIN_SEGMENTS else []


PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>


def _die_with_parent():
    """In a child process: the kernel kills it when its parent dies (Linux), so that a `kill -9` of a rebuild
    leaves no orphans blocked forever on their job queue."""
    with suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() == 1:  # the parent died before the line above
        os._exit(1)


class ParentBoundTask(SubWriterTask):
    def run(self):
        _die_with_parent()
        super().run()


class ParentBoundMpWriter(MpWriter):
    """Whoosh's multi-process writer, whose children die with it."""

    def _new_task(self):
        task = ParentBoundTask(
            self.storage, self.indexname, self.jobqueue, self.resultqueue, self.subargs, self.multisegment
        )
        self.tasks.append(task)
        task.start()
        return task


def merge_small_segments(writer, segments):
    """Merge policy: small_segments(). Returns the segments left as they are."""
    from whoosh.reading import SegmentReader

    chosen = small_segments(segments)
    for segment in chosen:
        reader = SegmentReader(writer.storage, writer.schema, segment)
        writer.add_reader(reader)
        reader.close()
    return [s for s in segments if s not in chosen]


class ProcessSearcher:
    """The one searcher of this process for one configured index path, plus data derived from it.

    `cache` is emptied whenever the searcher is replaced, so anything computed from one index
    generation (facet arrays, say) can be kept there.
    """

    def __init__(self, backend):
        self.backend = backend
        self.lock = threading.Lock()
        self.searcher = None
        self.real = None
        self.cache = {}
        self.generation = ""

    def get(self):
        """(searcher, cache) for the latest committed generation of the live index."""
        with self.lock:
            real = self.backend.live_dir()
            if self.searcher is None or real != self.real or not self.searcher.up_to_date():
                # The old searcher is not closed here: a request in another thread may still read it;
                # it is released when the last reference goes.
                self.searcher = self.backend.open_index(real).searcher()
                self.real = real
                self.cache = {}
                self.generation = f"{real.name}:{self.searcher.reader().generation()}"
            return self.searcher, self.cache


_searchers = {}
_searchers_lock = threading.Lock()


class MatchAllParser(QueryParser):
    def parse(self, text, *args, **kwargs):
        if text.strip() == "*":
            return wq.Every()
        return super().parse(text, *args, **kwargs)


class GazetteWhooshBackend(WhooshSearchBackend):
    # Memory for the writer's in-memory segment before it spills to disk; Whoosh's default is 128.
    WRITER_LIMITMB = 256

    def setup(self):
        """The schema; and, the very first time (no index here, none ever built), an empty live index.

        A live index that has gone missing (its symlink deleted, say) is not replaced by an empty one: that would
        answer every search with nothing while looking healthy. live_dir() reports it; rebuild_index restores it.
        """
        from haystack import connections

        fields = connections[self.connection_alias].get_unified_index().all_searchfields()
        self.content_field_name, self.schema = self.build_schema(fields)
        self.parser = MatchAllParser(self.content_field_name, schema=self.schema)
        self._indexes = {}
        path = Path(self.path)
        if not path.exists() and not path.is_symlink() and not self._generations():
            path.parent.mkdir(parents=True, exist_ok=True)
            directory = self._new_generation_dir()
            FileStorage(str(directory)).create_index(self.schema)
            self._point_to(directory)
        elif path.is_dir() and not path.is_symlink() and not FileStorage(self.path).index_exists():
            FileStorage(self.path).create_index(self.schema)  # an empty directory made for it: a first setup
        self.storage = FileStorage(self.path)
        self.setup_complete = True
        # haystack's own search methods read self.index (through the symlink: it follows swaps); Gazette's read
        # live_dir().
        if self.storage.index_exists():
            self.index = self.storage.open_index(schema=self.schema)

    def _generations(self):
        path = Path(self.path)
        return [d for d in path.parent.glob(f"{path.name}.gen-*") if d.is_dir()]

    def build_schema(self, fields):
        schema = {
            ID: wf.ID(stored=True, unique=True),
            DJANGO_CT: wf.ID(stored=True),
            DJANGO_ID: wf.ID(stored=True),
        }
        content_field = ""
        for field in fields.values():
            name = field.index_fieldname
            schema[name] = FIELD_TYPES[name]()
            if field.document:
                content_field = name
        for facet in registry.facets():
            schema.setdefault(facet.field, facet_type(facet))
        return content_field, wf.Schema(**schema)

    # Generations ----------------------------------------------------------------------------------

    def live_dir(self):
        """The real directory of the live index (PATH is a symlink to it, or, before any rebuild, itself).
        IndexUnavailable when there is none."""
        if not self.setup_complete:
            self.setup()
        real = Path(os.path.realpath(self.path))
        if not real.is_dir():
            raise IndexUnavailable(
                f"the search index is missing ({self.path} leads to no index directory): "
                "rebuild it with `python manage.py rebuild_index`"
            )
        return real

    def open_index(self, directory):
        directory = Path(directory)
        index = self._indexes.get(directory)
        if index is None:
            try:
                index = FileStorage(str(directory)).open_index(schema=self.schema)
            except (OSError, WhooshIndexError) as error:
                raise IndexUnavailable(f"the search index at {directory} cannot be opened: {error}") from error
            self._indexes[directory] = index
        return index

    def _new_generation_dir(self):
        path = Path(self.path)
        while True:
            # Sortable by creation, and unique across processes and threads.
            stamp = f"{time.time_ns()}-{os.getpid()}-{threading.get_ident() % 10000}"
            directory = path.with_name(f"{path.name}.gen-{stamp}")
            with suppress(FileExistsError):
                directory.mkdir()
                return directory

    def new_generation(self):
        """A new, empty index directory beside the live one, with the current schema."""
        if not self.setup_complete:
            self.setup()
        directory = self._new_generation_dir()
        try:
            FileStorage(str(directory)).create_index(self.schema)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)  # a full disk, say: nothing left behind
            raise
        return directory

    def remove_leftovers(self):
        """Delete the generations that rebuilds killed on the way left behind: never committed (generation 0),
        by a process that is gone. Returns their names."""
        try:
            live = self.live_dir()
        except IndexUnavailable:
            live = None
        removed = []
        for directory in self._generations():
            if directory == live or _creator_alive(directory):
                continue
            with suppress(Exception):
                if FileStorage(str(directory)).open_index().latest_generation() > 0:
                    continue  # complete: a previous generation some process may still read
            shutil.rmtree(directory, ignore_errors=True)
            self._indexes.pop(directory, None)
            removed.append(directory.name)
        return removed

    def discard(self, directory):
        """Delete a generation that failed to build (never the live one)."""
        directory = Path(directory)
        with suppress(IndexUnavailable):
            if directory == self.live_dir():
                return
        shutil.rmtree(directory, ignore_errors=True)
        self._indexes.pop(directory, None)

    def _point_to(self, directory):
        """Atomically make PATH a symlink to `directory` (a sibling of PATH)."""
        path = Path(self.path)
        if path.is_dir() and not path.is_symlink():
            # An index from before generations: move it aside once, under a generation name.
            path.rename(path.with_name(f"{path.name}.gen-0-legacy"))
        temporary = path.with_name(f".{path.name}.{os.getpid()}.swap")
        with suppress(FileNotFoundError):
            temporary.unlink()
        temporary.symlink_to(directory.name)  # relative: the data dir can be moved
        os.replace(temporary, path)
        descriptor = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(descriptor)  # the swap survives a power cut
        finally:
            os.close(descriptor)

    def swap_in(self, directory):
        """Make `directory` the live index; delete the generations older than the one it replaces."""
        path = Path(self.path)
        try:
            previous = self.live_dir()
        except IndexUnavailable:  # a rebuild restoring a missing index
            previous = None
        if previous == path.resolve() and not path.is_symlink():
            previous = path.with_name(f"{path.name}.gen-0-legacy")  # where _point_to moves it
        self._point_to(Path(directory))
        # Processes may still read the replaced generation until their next search: it stays until the next swap.
        for old in path.parent.glob(f"{path.name}.gen-*"):
            if old.is_dir() and old not in (Path(directory), previous):
                shutil.rmtree(old, ignore_errors=True)
                self._indexes.pop(old, None)

    # Searching ------------------------------------------------------------------------------------

    def _process_searcher(self):
        if not self.setup_complete:
            self.setup()
        with _searchers_lock:
            holder = _searchers.get(self.path)
            if holder is None:
                holder = _searchers[self.path] = ProcessSearcher(self)
            return holder

    def searcher(self):
        """(searcher, cache) shared by this process; see ProcessSearcher."""
        return self._process_searcher().get()

    def generation(self):
        """Names what the searcher of this process reads: changes with every commit and every swap."""
        holder = self._process_searcher()
        holder.get()
        return holder.generation

    def find(self, request):
        """Answer an EngineRequest (archive/search/engine.py) from this process's searcher, its facet tables and
        its postings arrays."""
        searcher, cache = self.searcher()
        snap = facets.snapshot(searcher, cache)
        found = None
        matched = snap.universe
        if request.parsed:
            if "arrays" not in cache:
                cache["arrays"] = postings.IndexArrays(searcher.reader())
            found = scoring.search(cache["arrays"], snap.live, request.parsed, request.aliases, request.deadline)
            matched = facets.from_mask(found.matched)
        if request.hidden:
            matched &= ~snap.docs_of(request.hidden)
        if request.start or request.end:
            matched &= snap.docs_between(request.start, request.end)
        scoped = facets.apply(snap, matched, request.base)
        final = facets.apply(snap, scoped, request.filters)
        wanted = request.offset + request.limit
        if request.sort == "relevance" and found is not None and request.parsed.required:
            ranked = scoring.ranked(found, facets.to_mask(final, snap.size), snap, wanted)
        else:
            ordered = snap.newest if request.sort != "oldest" else reversed(snap.newest)
            ranked = snap.first_per_story(ordered, final, wanted)
        return EngineResult(
            count=final.bit_count(),
            groups=snap.stories(final),
            articles=[snap.article[d] for d in ranked[request.offset : wanted]],
            facets=facets.count(snap, scoped, request.filters),
            limited=found is not None and found.limited,
        )

    def suggest(self, text, deadline=None):
        searcher, _ = self.searcher()
        return suggest.suggestion(searcher, text, deadline)

    def health(self):
        """For /healthz; IndexUnavailable when the index is missing, cannot be opened, or failed a search."""
        searcher, _ = self.searcher()
        failure = self._recorded_failure()
        if failure:
            raise IndexUnavailable(failure)
        return {"index_documents": searcher.doc_count(), "index_generation": self.generation()}

    # Reading errors --------------------------------------------------------------------------------

    def is_read_error(self, error):
        """Whether `error` came from reading the index files (missing, truncated, garbled), not from a bug."""
        if isinstance(error, IndexUnavailable | WhooshIndexError):
            return True
        # Whoosh raises plain exceptions (struct.error, EOFError, "Block tag error"…) from its readers.
        frames = traceback.extract_tb(error.__traceback__)
        return bool(frames) and f"{os.sep}whoosh{os.sep}" in frames[-1].filename

    def _failure_marker(self):
        path = Path(self.path)
        return path.with_name(f"{path.name}.unreadable")

    def record_failure(self, error):
        """Note that a search could not read the live generation: /healthz fails until a rebuild replaces it."""
        with suppress(OSError, IndexUnavailable):
            self._failure_marker().write_text(f"{self.live_dir().name}\n{type(error).__name__}: {error}"[:2000])

    def _recorded_failure(self):
        try:
            generation, _, error = self._failure_marker().read_text().partition("\n")
        except OSError:
            return None
        if generation != self.live_dir().name:
            return None  # about a generation since replaced
        return f"the search index could not be read ({error}); repair it: `python manage.py check_index --repair`"

    def verify(self, directory=None):
        """Read every posting list of every segment, and every packed file; [(segment or file, error)] for those
        that cannot be read."""
        from whoosh.reading import SegmentReader

        index = self.open_index(directory or self.live_dir())
        failures = []
        for segment in index._segments():
            try:
                reader = SegmentReader(index.storage, index.schema, segment)
                try:
                    for fieldname, text in reader.all_terms():
                        reader.postings(fieldname, text).all_ids()
                    for name in ("article", "sig"):
                        if reader.has_column(name):
                            list(reader.column_reader(name))
                finally:
                    reader.close()
            except Exception as error:
                failures.append((segment.segment_id(), f"{type(error).__name__}: {error}"))
        # Search reads around a damaged packed file, but a damaged file says the disk deserves a look.
        segments = [segment.segment_id() for segment in index._segments()]
        return failures + packed.verify(directory or self.live_dir(), segments)

    def signatures(self, directory=None):
        """{article pk: [signature, …]} of the documents in the live index (or in `directory`)."""
        found = defaultdict(list)
        with self.open_index(directory or self.live_dir()).searcher() as searcher:
            reader = searcher.reader()
            if not reader.has_column("article"):
                return found
            articles = reader.column_reader("article")
            sigs = reader.column_reader("sig") if reader.has_column("sig") else None
            for docnum in reader.all_doc_ids():
                found[articles[docnum]].append(sigs[docnum] if sigs is not None else "")
        return found

    # Writing --------------------------------------------------------------------------------------

    def writer(self, directory=None, timeout=None, procs=1):
        """A writer on the live index (or on `directory`), holding its lock; LockError after `timeout`.

        When a rebuild swaps the live index while this waits for the lock, it writes to the new one. With
        `procs` > 1, documents are analysed and written by that many processes, each making its own segment.
        """
        deadline = time.monotonic() + (WRITE_TIMEOUT if timeout is None else timeout)
        while True:
            target = Path(directory) if directory else self.live_dir()
            options = {
                "timeout": max(deadline - time.monotonic(), 0.0),
                "limitmb": self.WRITER_LIMITMB,
                # Separate files, not Whoosh's default compound file: a reader of a compound file copies its
                # postings and terms into private memory (BytesIO over the mmap), which cost every process about
                # 13 MB per 1,000 articles and made opening a reader slow. Separate files are read through the
                # OS page cache, shared by every process.
                "compound": False,
            }
            index = self.open_index(target)
            if procs > 1:
                writer = ParentBoundMpWriter(index, procs=procs, multisegment=True, batchsize=250, **options)
            else:
                writer = index.writer(**options)
            if directory or self.live_dir() == target:
                return writer
            writer.cancel()

    def hold_lock(self, timeout=None):
        """The live index's write lock, held until `.release()`: writers wait meanwhile (LockError after `timeout`).

        Whoosh's own lock (a file lock, freed by the kernel if the holder dies), without a writer's temporary
        segment files.
        """
        deadline = time.monotonic() + (WRITE_TIMEOUT if timeout is None else timeout)
        while True:
            try:
                target = self.live_dir()
                lock = self.open_index(target).lock("WRITELOCK")
            except IndexUnavailable:
                return NoLock()  # no live index to write to, so no writer to hold off: a rebuild restores it
            if not try_for(partial(lock.acquire, blocking=False), max(deadline - time.monotonic(), 0.0), 0.1):
                raise LockError(f"the search index at {target} is locked by another writer")
            if self.live_dir() == target:
                return lock
            lock.release()

    @staticmethod
    def commit(writer, docs, removals):
        """Write prepared documents and remove identifiers in one commit; the lock is released either way."""
        try:
            # One reader for every lookup: Whoosh's update_document() and delete_by_term() open one per call,
            # which reads every segment's terms file each time.
            with writer.searcher() as searcher:
                reader = searcher.reader()
                for identifier in [*removals, *(doc[ID] for doc in docs)]:
                    if (ID, identifier) in reader:
                        for docnum in reader.postings(ID, identifier).all_ids():
                            writer.delete_document(docnum)
            for doc in docs:
                writer.add_document(**doc)
        except BaseException:
            _give_back(writer)
            raise
        _finish(writer, merge=False)

    def pack(self, directory=None, limit=None):
        """Pack the frequent terms of the segments that need it (archive/search/packed.py); their ids."""
        directory = Path(directory) if directory else self.live_dir()
        return packed.pack_index(self.open_index(directory), directory, limit)

    def compact(self, timeout=None):
        """Merge a few small segments (merge_small_segments). Returns whether anything was merged.

        With nothing to merge it takes no writer: every commit is a new generation, which makes every process
        reload its searcher and misses the page cache, so an idle writer must not commit.
        """
        index = self.open_index(self.live_dir())
        before = len(index._segments())
        if not small_segments(index._segments()):
            return False
        writer = self.writer(timeout=timeout)
        if not small_segments(writer.segments):  # another writer merged them meanwhile
            _give_back(writer)
            return False
        _finish(writer, mergetype=merge_small_segments)
        return len(index.refresh()._segments()) < before

    def prepare(self, index, obj):
        """The Whoosh document of one object, or None when the SearchIndex skips it."""
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)  # document boosts are not supported by Whoosh 2.5+
        return doc

    def update(self, index, iterable, commit=True):
        docs = [doc for doc in (self.prepare(index, obj) for obj in iterable) if doc is not None]
        if docs:
            self.commit(self.writer(), docs, ())

    def remove(self, obj_or_string, commit=True):
        self.commit(self.writer(), (), [get_identifier(obj_or_string)])

    def clear(self, models=None, commit=True):
        """Empty the index by swapping in an empty generation (haystack's `clear_index` deletes the directory)."""
        lock = self.hold_lock()  # keeps the index writer out during the swap
        try:
            self.swap_in(self.new_generation())
        finally:
            lock.release()

    def delete_index(self):
        self.clear()


def _creator_alive(directory):
    """Whether the process that made this generation (`<name>.gen-<ns>-<pid>-<thread>`) still runs here."""
    parts = directory.name.rsplit(".gen-", 1)[-1].split("-")
    if len(parts) != 3 or not parts[1].isdigit():
        return False
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _give_back(writer):
    with suppress(Exception):
        writer.cancel()
    # cancel() may fail before it unlocks and removes its temporary files (closing them fails again on a full
    # disk): then this process would keep its own lock, and the writer would never recover.
    with suppress(Exception):
        writer._tempstorage.destroy()
    lock = getattr(writer, "writelock", None)
    if lock is not None:
        with suppress(Exception):
            lock.release()


def _finish(writer, **options):
    """Commit; the lock is released either way."""
    try:
        writer.commit(**options)
    except BaseException:
        _give_back(writer)
        raise


class GazetteWhooshEngine(WhooshEngine):
    backend = GazetteWhooshBackend
