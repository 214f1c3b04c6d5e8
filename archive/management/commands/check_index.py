"""Compare the search index with the database; exit 0 when they agree, 1 with a report when not."""

import sys

from django.core.management.base import BaseCommand

from archive.search import changes, indexing
from archive.search.engine import IndexUnavailable

SHOWN = 20  # ids listed per kind of difference


class Command(BaseCommand):
    help = "Compare the search index with the database (exit 0: they agree; 1: they differ). --repair fixes it."

    def add_arguments(self, parser):
        parser.add_argument(
            "--repair",
            action="store_true",
            help="Re-index exactly the articles that differ; rebuild the index if it cannot be read.",
        )

    def handle(self, *args, repair, verbosity, **options):
        problem = self._unreadable()
        if problem:
            self.stdout.write(f"the index cannot be read: {problem}")
            if not repair:
                sys.exit(1)
            count = indexing.rebuild()
            self.stdout.write(f"rebuilt the index from the database: {count} articles")
        diff = indexing.compare()
        lag = indexing.lag()
        self.stdout.write(
            f"index: {diff.indexed} documents; database: {diff.published} published articles; "
            f"{lag.pending} changes pending"
        )
        if not diff:
            self.stdout.write("the index agrees with the database")
            return
        self._report(diff, lag)
        if not repair:
            sys.exit(1)
        # Through the queue, like any other change: the one writer path, and nothing lost if this is interrupted.
        changes.record(diff.ids)
        indexing.drain(timeout=600)  # a running index writer may hold the lock for a while
        after = indexing.compare()
        if after:
            self.stdout.write(f"repair incomplete: {len(after.ids)} articles still differ")
            sys.exit(1)
        self.stdout.write(f"repaired: {len(diff.ids)} articles re-indexed; the index agrees with the database")

    def _unreadable(self):
        """Why the index cannot be read (missing, or segments that fail to read in full), or None."""
        try:
            failures = indexing.verify()
        except IndexUnavailable as error:
            return str(error)
        if failures:
            return "; ".join(f"segment {segment}: {error}" for segment, error in failures)
        return None

    def _report(self, diff, lag):
        for name, meaning in (
            ("missing", "published but not in the index"),
            ("extra", "in the index but not published"),
            ("stale", "in the index with outdated content"),
            ("duplicated", "in the index more than once"),
        ):
            ids = getattr(diff, name)
            if ids:
                listed = ", ".join(map(str, ids[:SHOWN])) + (", …" if len(ids) > SHOWN else "")
                self.stdout.write(f"{name}: {len(ids)} {meaning}: {listed}")
        if lag.pending:
            self.stdout.write("(pending changes may account for part of this: the index writer has yet to apply them)")
