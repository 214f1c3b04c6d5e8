"""Import articles from files, folders, zips, JSON Lines and web archives (WARC, WACZ). See DESIGN "Stable
interface"."""

import errno
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, OperationalError, connection
from whoosh.index import LockError

from archive.ingest.formats import Limits, iter_paths
from archive.ingest.pipeline import Importer, summarize
from archive.models import Article
from archive.search import indexing


class Progress:
    """A one-line progress bar on stderr; silent unless enabled."""

    def __init__(self, stream, total, enabled):
        self.stream, self.total, self.enabled = stream, total, enabled
        self.done, self.started, self.last = 0, time.monotonic(), 0.0

    def step(self):
        self.done += 1
        now = time.monotonic()
        if self.enabled and (now - self.last > 0.2 or self.done == self.total):
            self.last = now
            rate = self.done / max(now - self.started, 1e-6)
            if self.total:
                filled = int(30 * min(self.done / self.total, 1))
                bar = f"[{'#' * filled}{'.' * (30 - filled)}] {self.done}/{self.total}"
            else:
                bar = f"{self.done}"
            self.stream.write(f"\r{bar} {rate:,.0f}/s ")
            self.stream.flush()

    def close(self):
        if self.enabled and self.done:
            self.stream.write("\n")
            self.stream.flush()


def count_inputs(paths):
    """Roughly how many articles the paths hold (JSON Lines counted by lines), for the progress bar."""
    total = 0
    for path in map(Path, paths):
        files = path.rglob("*") if path.is_dir() else [path]
        for file in files:
            if file.suffix.lower() == ".jsonl" and file.is_file():
                with file.open("rb") as handle:
                    total += sum(1 for line in handle if line.strip())
            elif file.is_file():
                total += 1
    return total


# A command may wait for the index lock as long as another writer takes to commit a large batch.
COMMAND_LOCK_WAIT = 600
REBUILD_FROM = 2000  # articles imported: below this, applying them one by one is quicker than a rebuild
# What stops an import part-way without losing what it saved: the disk, the database, the index lock.
STOPPING_ERRORS = (OSError, DatabaseError, LockError)
OPTIMIZE_TRIES = 5


def describe(error):
    """The reason an import stopped, in words, with the error's own text."""
    full = getattr(error, "errno", None) == errno.ENOSPC or "disk is full" in str(error)
    return f"the disk is full ({error})" if full else f"{type(error).__name__}: {error}"


class Command(BaseCommand):
    help = (
        "Import articles (.txt, .md, .html, .zip, .jsonl, .warc, .warc.gz, .wacz files or folders). "
        "Exit 0: all ok (pages that are not articles are skipped); 1: some failed."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", metavar="PATH")
        parser.add_argument("--dry-run", action="store_true", help="Report what would happen; write nothing.")
        parser.add_argument("--draft", action="store_true", help="Import as drafts instead of publishing.")
        parser.add_argument("--progress", action="store_true", help="Show a progress bar even when not on a TTY.")
        parser.add_argument("--batch-size", type=int, default=500, help="Articles per database batch.")
        parser.add_argument(
            "--index",
            choices=["auto", "queue", "rebuild"],
            default="auto",
            help="How to index what was imported: apply the queued changes, or rebuild the whole index (auto: "
            "rebuild when the import holds more than a third of the archive and at least 2,000 articles).",
        )

    def handle(self, *args, paths, dry_run, draft, progress, batch_size, index, verbosity, **options):
        missing = [p for p in paths if not Path(p).exists()]
        if missing:
            raise CommandError(f"no such file or folder: {', '.join(missing)}", returncode=2)
        show = progress or sys.stderr.isatty()
        bar = Progress(self.stderr._out, count_inputs(paths) if show else 0, show)
        importer = Importer(publish="none" if draft else "all", dry_run=dry_run, batch_size=max(batch_size, 1))
        started = time.monotonic()
        # Counted as they come rather than kept: a 100k-line import need not hold 100k outcomes.
        counts = summarize([])
        counts["review"] = 0
        try:
            self._import(importer, paths, counts, bar, verbosity)
            elapsed = time.monotonic() - started
            if not dry_run:
                self._index(index, counts["created"] + counts["updated"])
        except STOPPING_ERRORS as error:
            # A full disk, say: what was saved before stays saved, and queued for the index writer.
            self._summary(counts, started, time.monotonic(), dry_run)
            self.stderr.write(
                f"import stopped: {describe(error)}. The articles counted above as created or updated are saved "
                "and queued for the search index; the index writer applies them once it can."
            )
            sys.exit(1)
        self._summary(counts, started, started + elapsed, dry_run)
        if counts["failed"]:
            sys.exit(1)

    def _import(self, importer, paths, counts, bar, verbosity):
        try:
            for outcome in importer.run(iter_paths(paths, Limits.from_settings())):
                counts[outcome.status] += 1
                counts["review"] += outcome.needs_review and outcome.status in {"created", "updated"}
                bar.step()
                if verbosity:
                    self._report(outcome, bar)
        finally:
            bar.close()

    def _summary(self, counts, started, imported, dry_run):
        total = sum(counts[status] for status in ("created", "updated", "duplicate", "failed", "skipped"))
        elapsed, indexed = imported - started, time.monotonic() - imported
        prefix = "Dry run, nothing written: " if dry_run else ""
        self.stdout.write(
            f"{prefix}{total} articles: {counts['created']} created, {counts['updated']} updated, "
            f"{counts['duplicate']} duplicates, {counts['failed']} failed, {counts['skipped']} skipped; "
            f"{counts['review']} need review "
            f"({total / max(elapsed, 1e-6):,.0f} docs/s: {elapsed:.1f} s to import, {indexed:.1f} s to index)"
        )

    def _index(self, how, changed):
        """What was imported is searchable when the command exits."""
        self._optimize()
        published = Article.objects.published().count()
        large = changed >= REBUILD_FROM and changed * 3 > published
        if how == "rebuild" or (how == "auto" and large and hasattr(indexing.backend(), "swap_in")):
            # A new index written by every core costs less than this many changes one by one, and never holds
            # the live index's lock for long (an editor's change meanwhile shows as usual).
            indexing.rebuild()
            return
        # An index writer running beside this command may take some of the changes; the lock keeps the two
        # in turn.
        indexing.drain(until=indexing.last_change_id(), timeout=COMMAND_LOCK_WAIT)

    def _optimize(self):
        """Fresh statistics for SQLite's query planner after a bulk change (PostgreSQL keeps its own). Upkeep, not
        the import: when editors hold the database ("database is locked") it is skipped, never fatal."""
        if connection.vendor != "sqlite":
            return
        # It reads, then writes: when an editor commits in between, SQLite answers "locked" at once, without
        # waiting. A few tries, then it is left for the next import.
        for attempt in range(OPTIMIZE_TRIES):
            try:
                with connection.cursor() as cursor:
                    cursor.execute("PRAGMA optimize")
                return
            except OperationalError as error:
                if attempt == OPTIMIZE_TRIES - 1:
                    self.stderr.write(f"warning: skipped updating SQLite's statistics (PRAGMA optimize): {error}")
                time.sleep(0.2 * (attempt + 1))

    def _report(self, outcome, bar):
        if bar.enabled:
            bar.stream.write("\r\033[K")
        for warning in outcome.warnings:
            self.stderr.write(f"warning: {outcome.name}: {warning}")
        if outcome.status in {"failed", "skipped"}:
            self.stdout.write(f"{outcome.status}: {outcome.name}: {outcome.reason}")
            return
        line = f"{outcome.status}: {outcome.name} → [{outcome.language}] {outcome.published} {outcome.title}"
        if outcome.article_id:
            line += f" (#{outcome.article_id}"
            line += f", story {outcome.story_id})" if outcome.story_id else ")"
        if outcome.status == "duplicate":
            line += f" {outcome.reason}"
        if outcome.needs_review:
            line += " — review: " + "; ".join(outcome.notes)
        self.stdout.write(line)
