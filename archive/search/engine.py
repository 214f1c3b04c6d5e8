"""The contract between the search module (archive/search/query.py) and a search engine backend.

query.py turns request parameters into an `EngineRequest`; the engine's backend answers `find(request)` with
an `EngineResult` and `suggest(text)` with a "did you mean" query. Everything else (validation, labels,
links, highlighting, reading the articles from the database) is engine-agnostic. Implementations:
`GazetteWhooshBackend` (archive/search/backend.py) and `GazetteElasticsearchBackend`
(archive/search/elasticsearch.py).

What a backend provides (both engines):
- searching: `find(request) -> EngineResult`, `suggest(text, deadline=None) -> str | None`;
- writing, for the one index writer (archive/search/indexing.py): `prepare(index, obj) -> document | None`,
  `writer(directory=None, timeout=...) -> handle` (for Whoosh, the index lock is held from here),
  `commit(handle, documents, removed_identifiers)` (one batch; the handle is released either way);
- checking: `signatures(directory=None) -> {article pk: [signature, …]}`, `health() -> dict` for /healthz.
Whoosh only: `verify()` reads every segment, `is_read_error(error)` tells an unreadable index from a bug.
Whoosh only: generations (`new_generation`, `swap_in`, `hold_lock`, `live_dir`) for atomic rebuilds.

Counting rule, for every engine: `count` is the number of articles matched; `groups` the number of stories
among them (one result entry per story: its best-ranked matching variant); the facet count next to a value
is the number of articles the search returns when that facet is set to exactly that value, every other
filter kept (values of one facet are ORed, facets ANDed, `base` filters always apply; a year change drops
the month, so year counts ignore the month filter). The facets are archive/search/registry.py's; `filters` and
`base` carry index values.
"""

from dataclasses import dataclass, field

from archive.search import registry


class IndexUnavailable(Exception):
    """The search index is missing or cannot be read: searches answer 503, /healthz fails, `check_index --repair`
    rebuilds it."""


@dataclass
class EngineRequest:
    parsed: object  # archive.search.parse.Parsed; falsy: match every article
    aliases: object = None  # archive.search.aliases.AliasTable when there is a query
    filters: dict = field(default_factory=dict)  # facet -> selected index values (month as "YYYY-MM")
    base: dict = field(default_factory=dict)  # fixed facet filters of a listing page
    start: int | None = None  # first published day, as a date ordinal
    end: int | None = None  # last published day, as a date ordinal
    sort: str = "newest"  # relevance, newest, oldest
    offset: int = 0  # in result entries (stories)
    limit: int = 20
    hidden: frozenset = frozenset()  # article pks to leave out (not published any more)
    deadline: float | None = None  # time.monotonic() past which the engine drops what only refines the ranking


@dataclass
class EngineResult:
    count: int = 0
    groups: int = 0
    articles: list = field(default_factory=list)  # article pks of the requested page, in order
    facets: dict = field(default_factory=lambda: {name: {} for name in registry.names()})  # facet -> {value: count}
    limited: bool = False  # the deadline passed: ranked more simply (matches and counts are whole)
