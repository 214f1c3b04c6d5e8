"""The index writer: applies the pending index changes, for as long as it runs."""

import os
import signal
import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from archive.search import indexing


class Command(BaseCommand):
    help = "Apply pending search index changes as they come (the one index writer). Ctrl-C or SIGTERM stops it."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Apply what is pending, then exit.")
        parser.add_argument("--poll", type=float, default=0.2, help="Seconds between looks when idle.")
        parser.add_argument(
            "--batch-size", type=int, help="Changes per index commit (default: 500 from editors, 100 imported)."
        )
        parser.add_argument(
            "--exit-with-parent", action="store_true", help="Exit when the process that started this one is gone."
        )

    def handle(self, *args, once, poll, batch_size, exit_with_parent, verbosity, **options):
        limits = {"limit": batch_size, "bulk_limit": batch_size} if batch_size else {}
        if once:
            applied = indexing.drain(**limits)
            if verbosity:
                self.stdout.write(f"{applied} index changes applied")
            return
        self.stopping = False
        signal.signal(signal.SIGTERM, self._stop)
        signal.signal(signal.SIGINT, self._stop)
        parent = os.getppid()
        last_prune = 0.0
        if verbosity:
            self.stdout.write(f"index writer started (pid {os.getpid()})")
        while not self.stopping:
            try:
                applied = indexing.apply_pending(**limits)
                # Idle: merge small segments, one short step at a time, between looks at the queue.
                merged = not applied and indexing.compact(timeout=0.5)
            except Exception:
                # The database or the index is unavailable for now: nothing is lost, the changes stay pending.
                self.stderr.write("index writer: could not apply changes; retrying", ending="\n")
                indexing.log.exception("index writer step failed")
                close_old_connections()
                time.sleep(min(poll * 10, 5.0))
                continue
            if applied and verbosity > 1:
                self.stdout.write(f"{applied} index changes applied")
            if time.monotonic() - last_prune > 3600:
                indexing.prune()
                last_prune = time.monotonic()
            if exit_with_parent and os.getppid() != parent:
                break
            if not applied and not merged:
                close_old_connections()
                time.sleep(poll)
        if verbosity:
            self.stdout.write("index writer stopped")

    def _stop(self, signum, frame):
        # Finish the batch at hand: its changes are marked applied only after the index commits anyway.
        self.stopping = True
