"""Re-tag every article with the gazetteer as it is now; editors' corrections to earlier tags are kept."""

import sys

from django.core.management.base import BaseCommand

from archive.models import Official, Topic
from archive.officials import retag


class Command(BaseCommand):
    help = (
        "Re-tag existing articles with officials and topics after the gazetteer changed. Tags an editor "
        "added or removed stay so; only articles whose tags change are written and re-indexed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Report what would change; write nothing.")

    def handle(self, *args, dry_run, verbosity, **options):
        show = verbosity and sys.stderr.isatty()

        def progress(done, total):
            if show:
                self.stderr.write(f"\r{done}/{total} articles checked", ending="")

        report = retag.retag(dry_run=dry_run, progress=progress, bulk=True)
        if show:
            self.stderr.write("")
        if verbosity > 1:
            self._details(report)
        verb = "would change" if dry_run else "changed"
        self.stdout.write(f"{report.checked} articles checked; tags {verb} on {len(report.changed)}")

    def _details(self, report):
        officials = dict(Official.objects.values_list("pk", "slug"))
        topics = dict(Topic.objects.values_list("pk", "slug"))
        for article_id, o_add, o_del, t_add, t_del in report.changed:
            parts = [f"+{officials[pk]}" for pk in o_add] + [f"-{officials[pk]}" for pk in o_del]
            parts += [f"+{topics[pk]}" for pk in t_add] + [f"-{topics[pk]}" for pk in t_del]
            self.stdout.write(f"article {article_id}: {' '.join(parts)}")
