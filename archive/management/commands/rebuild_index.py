"""Rebuild the search index from the database without interrupting search."""

import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from archive.search import indexing


class Command(BaseCommand):
    help = (
        "Build a complete new search index beside the live one and swap it in: searches answer from the old "
        "index until then."
    )

    def add_arguments(self, parser):
        # Accepted for compatibility with haystack's command: nothing is deleted, so there is nothing to confirm.
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args, batch_size, verbosity, **options):
        be = indexing.backend()
        if not hasattr(be, "swap_in"):  # another engine: haystack's own rebuild (it clears the index first)
            call_command("clear_index", interactive=False, verbosity=verbosity)
            call_command("update_index", verbosity=verbosity, batchsize=batch_size)
            return
        show = verbosity and sys.stderr.isatty()

        def progress(count):
            if show:
                self.stderr.write(f"\r{count} articles indexed", ending="")

        count = indexing.rebuild(batch_size=batch_size, progress=progress)
        if show:
            self.stderr.write("")
        if verbosity:
            self.stdout.write(f"index rebuilt: {count} articles; now live at {be.live_dir()}")
