"""The write path of the search index: the database is the source of truth, one writer follows it.

- Every change that affects the index adds IndexChange rows in its own transaction
  (archive/search/changes.py). Requests never touch the index.
- `apply_pending()` is the one writer's step: it takes the index lock, reads the pending changes and the
  articles' current state, writes them in one commit, and only then marks the changes applied. A crash
  anywhere leaves them pending; applying a change twice writes the same document twice. Because rows and
  articles are read while the lock is held, after every earlier commit, no writer can overwrite a newer
  state with an older one.
- `hidden_articles()` lets search leave out at once what was unpublished or deleted but is still in the
  index: the query layer never shows an article the database does not publish.
- `rebuild()` fills a new index generation beside the live one and swaps it in; `compare()` is what
  `check_index` reports.
"""

import datetime
import logging
import os
import time
from collections import defaultdict
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db.models import Count, Max, Min
from django.utils import timezone
from haystack import connections
from haystack.utils import get_identifier

from archive.models import Article, IndexChange, Official, Status, Topic
from archive.search import registry
from archive.search_indexes import SIGNED_COLUMNS, official_key, signature, topic_key

log = logging.getLogger(__name__)

BATCH = 500  # editors' changes per commit
# Imported articles per commit: enough to amortize a commit, few enough (under half a second of work) that an
# editor's change waits little behind them.
BULK_BATCH = 100
# Changes applied this long before a rebuild began are replayed into the new index too: the writer may run on
# another machine, whose clock may differ a little.
REPLAY_MARGIN = datetime.timedelta(minutes=1)
RETENTION = datetime.timedelta(days=1)  # applied changes are kept this long (for replays), then pruned
# A rebuild analyses and writes with this many processes (each makes a segment of its own): it holds no lock
# the live index needs, so it may use every core.
REBUILD_PROCS = max(min(os.cpu_count() or 1, 4), 1)


def backend():
    return connections["default"].get_backend()


def article_index():
    return connections["default"].get_unified_index().get_index(Article)


def identifier(pk):
    return get_identifier(f"archive.article.{pk}")


@contextmanager
def _released_on_error(writer):
    """Whatever fails between taking a writer and committing it gives the index lock back."""
    try:
        yield writer
    except BaseException:
        writer.cancel()
        raise


def _documents(ids, be, index):
    """(documents of the published articles among `ids`, identifiers of the others)."""
    docs, found = [], set()
    for article in index.index_queryset().filter(pk__in=ids):
        doc = be.prepare(index, article)
        if doc is not None:
            docs.append(doc)
            found.add(article.pk)
    return docs, [identifier(pk) for pk in sorted(set(ids) - found)]


def chunks(ids, size=BATCH):
    ids = sorted(ids)
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def write(ids, directory=None, timeout=None):
    """Bring the entries of these articles in line with the database (no queue involved)."""
    be, index = backend(), article_index()
    for chunk in chunks({int(pk) for pk in ids}):
        with _released_on_error(be.writer(directory, timeout=timeout)) as writer:
            changes = _documents(chunk, be, index)
        be.commit(writer, *changes)


def apply_pending(limit=BATCH, timeout=None, bulk_limit=BULK_BATCH):
    """Apply pending changes in one commit: editors' changes first (up to `limit`), else imported ones (up to
    `bulk_limit`). Returns the number of changes applied."""
    pending = IndexChange.objects.pending()
    if not pending.exists():
        return 0
    be, index = backend(), article_index()
    with _released_on_error(be.writer(timeout=timeout)) as writer:
        # Read under the lock: see the module docstring.
        rows = list(pending.order_by("bulk", "id").values_list("id", "article_id", "bulk")[: max(limit, bulk_limit)])
        rows = [row for row in rows if not row[2]][:limit] or rows[:bulk_limit]
        changes = _documents({row[1] for row in rows}, be, index) if rows else None
    if not rows:
        writer.cancel()
        return 0
    be.commit(writer, *changes)
    IndexChange.objects.filter(id__in=[row[0] for row in rows]).update(applied=timezone.now())
    return len(rows)


def compact(timeout=None):
    """While idle: merge a few small index segments, if the engine has any to merge. Returns whether it did."""
    be = backend()
    return be.compact(timeout=timeout) if hasattr(be, "compact") else False


def pack(limit=1):
    """While idle: write the packed arrays of a segment that has none yet (archive/search/packed.py). Returns
    whether it did."""
    be = backend()
    return bool(be.pack(limit=limit)) if hasattr(be, "pack") else False


def drain(until=None, timeout=None, progress=None, **limits):
    """Apply pending changes until none is left with an id up to `until` (default: all). Returns the count.
    `limits`: as for apply_pending()."""
    total = 0
    while True:
        pending = IndexChange.objects.pending()
        if until is not None:
            pending = pending.filter(id__lte=until)
        if not pending.exists():
            return total
        total += apply_pending(timeout=timeout, **limits)
        if progress:
            progress(total)


def last_change_id():
    return IndexChange.objects.aggregate(last=Max("id"))["last"] or 0


def prune(now=None):
    """Forget applied changes older than RETENTION. Returns how many were deleted."""
    cutoff = (now or timezone.now()) - RETENTION
    # The newest row stays: its id is part of the page cache's generation, which must never go back.
    return IndexChange.objects.filter(applied__lt=cutoff, id__lt=last_change_id()).delete()[0]


def wait_applied(article_ids, timeout, interval=0.2):
    """Wait up to `timeout` seconds for the index writer to apply these articles' changes. Returns how many
    articles still wait (0: all are searchable)."""
    ids = {int(pk) for pk in article_ids}
    deadline = time.monotonic() + timeout
    while True:
        waiting = IndexChange.objects.pending().filter(article_id__in=ids).values("article_id").distinct().count()
        if not waiting or time.monotonic() >= deadline:
            return waiting
        time.sleep(interval)


def hidden_articles():
    """Articles still in the index that the database no longer publishes (the writer has yet to remove them).

    Call it before taking the searcher: a change marked applied after this read was committed to the
    index before it, so the searcher taken next already lacks the article.
    """
    ids = set(IndexChange.objects.pending().filter(hide=True).values_list("article_id", flat=True))
    if ids:
        ids -= set(Article.objects.published().filter(pk__in=ids).values_list("pk", flat=True))
    return ids


@dataclass
class Lag:
    pending: int
    seconds: float  # age of the oldest pending change
    oldest: datetime.datetime | None = None

    @property
    def stalled(self):
        """Changes have waited longer than anyone should: no index writer applies them, or it cannot."""
        return self.seconds > settings.INDEX_MAX_LAG

    def explain(self):
        return (
            f"{self.pending} index changes wait, the oldest for {self.seconds:.0f} s (more than "
            f"{settings.INDEX_MAX_LAG} s): no index writer is applying them, or it fails (see the log)"
        )


def oldest_pending():
    """When the oldest change the writer has yet to apply was made, or None."""
    return IndexChange.objects.pending().aggregate(oldest=Min("created"))["oldest"]


def lag(now=None):
    stats = IndexChange.objects.pending().aggregate(oldest=Min("created"), count=Count("id"))
    oldest = stats["oldest"]
    seconds = max(((now or timezone.now()) - oldest).total_seconds(), 0.0) if oldest else 0.0
    return Lag(stats["count"], round(seconds, 3), oldest)


def unreadable(error):
    """Whether a request failed because the index cannot be read; if so it is recorded, for /healthz."""
    be = backend()
    if not (hasattr(be, "is_read_error") and be.is_read_error(error)):
        return False
    be.record_failure(error)
    return True


def verify(directory=None):
    """[(segment, error)] for the index segments that cannot be read (none for an engine without segments)."""
    be = backend()
    return be.verify(directory) if hasattr(be, "verify") else []


def index_directories():
    """Where the index lives on this machine (none for a remote engine)."""
    path = getattr(backend(), "path", None)
    return [Path(path).parent] if path and hasattr(backend(), "swap_in") else []


def health():
    """For /healthz: the live index's size and generation."""
    return backend().health()


# Checking ----------------------------------------------------------------------------------------


@dataclass
class Difference:
    missing: list = field(default_factory=list)  # published, not in the index
    extra: list = field(default_factory=list)  # in the index, not published (or gone)
    stale: list = field(default_factory=list)  # in the index with other content than the database's
    duplicated: list = field(default_factory=list)  # in the index more than once
    indexed: int = 0
    published: int = 0

    @property
    def ids(self):
        return sorted({*self.missing, *self.extra, *self.stale, *self.duplicated})

    def __bool__(self):
        return bool(self.ids)


def database_signatures():
    """{article pk: signature} of every published article, computed as the index computes it."""
    officials = {o.pk: official_key(o) for o in Official.objects.prefetch_related("aliases")}
    topics = {t.pk: topic_key(t) for t in Topic.objects.all()}
    tags = {"officials": defaultdict(list), "topics": defaultdict(list)}
    links = (
        ("officials", Article.officials.through, "official_id", officials),
        ("topics", Article.topics.through, "topic_id", topics),
    )
    for name, table, column, keys in links:
        rows = table.objects.filter(article__status=Status.PUBLISHED).values_list("article_id", column)
        for article_id, tag_id in rows:
            tags[name][article_id].append(keys[tag_id])
    facets = registry.signed_rows(Article.objects.published(), covered=SIGNED_COLUMNS)
    columns = ("pk", "title", "lead", "body", "published", "language", "story_id", "legal_refs")
    signatures = {}
    for pk, title, lead, body, published, language, story_id, refs in (
        Article.objects.published().order_by().values_list(*columns).iterator(chunk_size=2000)
    ):
        signatures[pk] = signature(
            title=title,
            lead=lead,
            body=body,
            published=published,
            language=language,
            story_id=story_id,
            legal_refs=refs,
            officials=tags["officials"].get(pk, []),
            topics=tags["topics"].get(pk, []),
            facets=facets.get(pk, {}),
        )
    return signatures


def index_signatures(directory=None):
    """{article pk: [signature, …]} of the documents in the live index (or in `directory`)."""
    return backend().signatures(directory)


def compare(directory=None):
    """What differs between the index (live, or `directory`) and the database."""
    indexed = index_signatures(directory)
    expected = database_signatures()
    diff = Difference(indexed=sum(len(v) for v in indexed.values()), published=len(expected))
    for pk, sig in expected.items():
        if pk not in indexed:
            diff.missing.append(pk)
        elif indexed[pk][0] != sig:
            diff.stale.append(pk)
    for pk, sigs in indexed.items():
        if pk not in expected:
            diff.extra.append(pk)
        if len(sigs) > 1:
            diff.duplicated.append(pk)
    for name in ("missing", "extra", "stale", "duplicated"):
        getattr(diff, name).sort()
    return diff


# Rebuilding --------------------------------------------------------------------------------------


def rebuild(batch_size=1000, progress=None, lock_timeout=600.0, procs=None):
    """Fill a new generation from the database and swap it in. Returns the number of articles indexed.

    Searches answer from the live index until the swap. The index writer goes on applying changes to the
    live index meanwhile. Before the swap, with the live lock held (so that the writer waits), what it applied
    since the rebuild began is replayed into the new generation, and whatever else differs from the database
    is corrected. Changes still pending then stay pending and go to the new generation; those that were
    pending (so committed) when the rebuild began are in the articles it read, and are marked applied.
    """
    be = backend()
    removed = be.remove_leftovers()
    if removed:
        log.warning("removed generations left by interrupted rebuilds: %s", ", ".join(removed))
    started = timezone.now()
    # Changes committed by now are in the articles read below: the new generation needs no more of them.
    covered = list(IndexChange.objects.pending().values_list("id", flat=True))
    directory = be.new_generation()
    try:
        return _rebuild_into(directory, started, covered, batch_size, progress, lock_timeout, procs or REBUILD_PROCS)
    except BaseException:
        be.discard(directory)  # a failed rebuild (a full disk, say) leaves nothing behind
        raise


def _rebuild_into(directory, started, covered, batch_size, progress, lock_timeout, procs):
    be, index = backend(), article_index()
    queryset = index.index_queryset().order_by("pk")
    count, last_pk = 0, 0
    with _released_on_error(be.writer(directory, procs=procs)) as writer:
        while True:
            batch = list(queryset.filter(pk__gt=last_pk)[:batch_size])
            if not batch:
                break
            for article in batch:
                doc = be.prepare(index, article)
                if doc is not None:
                    writer.add_document(**doc)
                    count += 1
            last_pk = batch[-1].pk
            if progress:
                progress(count)
        writer.commit()
    if hasattr(be, "pack"):  # Whoosh: its big segments are packed before the swap, for the first searches on them
        be.pack(directory)

    # Corrected before taking the live lock: comparing reads every article, and the writer should not wait
    # for that. Whatever the writer applies from now on is replayed below, under the lock.
    write(compare(directory).ids, directory)
    live = be.hold_lock(timeout=lock_timeout)
    try:
        recent = IndexChange.objects.filter(applied__gte=started - REPLAY_MARGIN)
        write(set(recent.values_list("article_id", flat=True)), directory)
        be.swap_in(directory)
        for chunk in chunks(covered):
            IndexChange.objects.filter(id__in=chunk).update(applied=timezone.now())
    finally:
        live.release()
    return count
