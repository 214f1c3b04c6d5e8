"""Gazette's haystack engine for Whoosh.

haystack's Whoosh backend is kept for what it does well (index management, `update_index`,
writing documents). It is subclassed for three things only:

- `build_schema`: Gazette's own field types and analyzers (archive/search/analysis.py) instead of
  haystack's English-stemmed defaults; facet values go into unanalyzed ID/KEYWORD fields (a faceted
  haystack CharField would be stemmed), and the numbers needed for sorting and grouping into columns.
- one Whoosh searcher per process and index, refreshed when the index changed (`searcher()`):
  haystack opens one or two per search, and each opening reads the terms file.
- `update()` and `remove()` take the index lock with a timeout and raise when they cannot write
  (haystack's `remove()` fails silently, a takedown must not be lost; its `update()` waits forever
  in a thread for a lock, and keeps the lock when given nothing to write or when preparing fails).
- haystack's match-all `*` (used by `update_index --remove` and `SearchQuerySet().all()`) parses to
  a Whoosh `Every(field)`, which reads every term's postings; `Every()` reads the live document list.

Searching itself is done by archive/search/query.py on the searcher, with Whoosh query objects.
"""

import threading
from contextlib import suppress

from haystack.backends.whoosh_backend import WhooshEngine, WhooshSearchBackend
from haystack.constants import DJANGO_CT, DJANGO_ID, ID
from haystack.exceptions import SkipDocument
from haystack.utils import get_identifier
from whoosh import fields as wf
from whoosh import query as wq
from whoosh.qparser import QueryParser

from archive.search import analysis

WRITE_TIMEOUT = 10.0  # seconds to wait for the index lock before a write fails loudly


def _text(analyzer):
    return wf.TEXT(analyzer=analyzer, stored=False, phrase=True)


def _number():
    return wf.NUMERIC(numtype=int, bits=64, stored=True, sortable=True, signed=False)


# One entry per field of archive/search_indexes.py (a field missing here is an error, not a default).
FIELD_TYPES = {
    "text": lambda: _text(analysis.folded_analyzer),
    "exact": lambda: _text(analysis.exact_analyzer),
    "text_en": lambda: _text(analysis.english_analyzer),
    "text_ru": lambda: _text(analysis.russian_analyzer),
    "title": lambda: _text(analysis.folded_analyzer),
    "refs": lambda: wf.KEYWORD(commas=True, lowercase=True),
    "officials": lambda: wf.KEYWORD(commas=True),
    "topics": lambda: wf.KEYWORD(commas=True),
    "language": lambda: wf.ID(),
    "year": lambda: wf.ID(),
    "month": lambda: wf.ID(),
    "article": _number,
    "story": _number,
    "day": _number,
}


class ProcessSearcher:
    """The one searcher of this process for one index, plus data derived from it.

    `cache` is emptied whenever the searcher is replaced, so anything computed from one index
    generation (facet arrays, say) can be kept there.
    """

    def __init__(self, index):
        self.index = index
        self.lock = threading.Lock()
        self.searcher = None
        self.cache = {}

    def get(self):
        """(searcher, cache) for the latest committed generation."""
        with self.lock:
            if self.searcher is None or not self.searcher.up_to_date():
                # The old searcher is not closed here: a request in another thread may still read it;
                # it is released when the last reference goes.
                self.searcher = self.index.searcher()
                self.cache = {}
            return self.searcher, self.cache

    def reset(self):
        with self.lock:
            self.searcher = None
            self.cache = {}


_searchers = {}
_searchers_lock = threading.Lock()


class MatchAllParser(QueryParser):
    def parse(self, text, *args, **kwargs):
        if text.strip() == "*":
            return wq.Every()
        return super().parse(text, *args, **kwargs)


class GazetteWhooshBackend(WhooshSearchBackend):
    def setup(self):
        super().setup()
        self.parser = MatchAllParser(self.content_field_name, schema=self.schema)

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
        return content_field, wf.Schema(**schema)

    def _process_searcher(self):
        if not self.setup_complete:
            self.setup()
        with _searchers_lock:
            holder = _searchers.get(self.path)
            if holder is None:
                holder = _searchers[self.path] = ProcessSearcher(self.index)
            return holder

    def searcher(self):
        """(searcher, cache) shared by this process; see ProcessSearcher."""
        return self._process_searcher().get()

    def _write(self, work):
        if not self.setup_complete:
            self.setup()
        writer = self.index.writer(timeout=WRITE_TIMEOUT)
        try:
            work(writer)
            writer.commit()
        except BaseException:
            with suppress(Exception):  # give the lock back, even after a failed commit
                writer.cancel()
            raise

    def update(self, index, iterable, commit=True):
        docs = [self._document(index, obj) for obj in iterable]
        docs = [doc for doc in docs if doc is not None]
        if docs:
            self._write(lambda writer: [writer.update_document(**doc) for doc in docs])

    def _document(self, index, obj):
        try:
            doc = index.full_prepare(obj)
        except SkipDocument:
            return None
        doc = {key: self._from_python(value) for key, value in doc.items()}
        doc.pop("boost", None)  # document boosts are not supported by Whoosh 2.5+
        return doc

    def remove(self, obj_or_string, commit=True):
        identifier = get_identifier(obj_or_string)
        self._write(lambda writer: writer.delete_by_term(ID, identifier))

    def delete_index(self):
        with _searchers_lock:
            holder = _searchers.pop(self.path, None)
        if holder:
            holder.reset()
        super().delete_index()


class GazetteWhooshEngine(WhooshEngine):
    backend = GazetteWhooshBackend
