"""The index writer as a process of its own: applies the pending index changes, for as long as it runs."""

import os
import signal
import threading

from django.core.management.base import BaseCommand

from archive.search import indexing, writer


class Command(BaseCommand):
    help = "Apply pending search index changes as they come (the one index writer). Ctrl-C or SIGTERM stops it."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Apply what is pending, then exit.")
        parser.add_argument("--poll", type=float, default=0.2, help="Seconds between looks when idle.")
        parser.add_argument(
            "--batch-size", type=int, help="Changes per index commit (default: 500 from editors, 100 imported)."
        )
        # Kept so that older process files still start; the writer lock makes it unnecessary.
        parser.add_argument("--exit-with-parent", action="store_true", help=EXIT_WITH_PARENT_HELP)

    def handle(self, *args, once, poll, batch_size, verbosity, **options):
        limits = {"limit": batch_size, "bulk_limit": batch_size} if batch_size else {}
        if once:
            applied = indexing.drain(**limits)
            if verbosity:
                self.stdout.write(f"{applied} index changes applied")
            return
        stopping = threading.Event()
        # Finish the batch at hand: its changes are marked applied only after the index commits anyway.
        signal.signal(signal.SIGTERM, lambda *_: stopping.set())
        signal.signal(signal.SIGINT, lambda *_: stopping.set())
        lock = writer.Lock(writer.lock_path())
        if not self._wait_for(lock, stopping, verbosity):
            return
        if verbosity:
            self.stdout.write(f"index writer started (pid {os.getpid()})")
        report = (lambda n: self.stdout.write(f"{n} index changes applied")) if verbosity > 1 else None
        try:
            writer.Loop(stopping, poll=poll, limits=limits, on_applied=report).run()
        finally:
            lock.release()
        if verbosity:
            self.stdout.write("index writer stopped")

    def _wait_for(self, lock, stopping, verbosity):
        """Take the writer lock, waiting while another writer (a web process, say) holds it."""
        told = False
        while not lock.acquire():
            if verbosity and not told:
                self.stdout.write(f"another index writer holds {lock.path}; waiting for it to stop")
                told = True
            if stopping.wait(writer.RETRY):
                return False
        return True


EXIT_WITH_PARENT_HELP = "Ignored (kept for compatibility)."
