"""Print precision and recall of official recognition and cross-script linking on the labelled test set."""

from django.core.management.base import BaseCommand

from archive.officials import evaluate


class Command(BaseCommand):
    help = "Precision and recall of recognizing officials by title (en, ru, vi, seeds) and of cross-script linking."

    def handle(self, *args, **options):
        self.stdout.write(evaluate.table())
