"""Web-archive captures during an import: which are already in the archive, and recording new ones.

A capture is known by its WARC-Record-ID (the same record imported twice) or by its payload digest (the
same bytes captured again, which is what a revisit record points to).
"""

from django.db.models import Q

from archive.models import Article, Capture


class CaptureLog:
    def __init__(self):
        # What this import has saved, so that later records of the same run see it without a query.
        self._records = {}  # record id -> article id
        self._digests = {}  # payload digest -> article id

    def known(self, capture):
        """The Article already made from this capture (or from the same payload), or None."""
        article_id = self._records.get(capture.record_id) or self._digests.get(capture.payload_digest)
        if article_id is None:
            match = Q(record_id=capture.record_id)
            if capture.payload_digest:
                match |= Q(payload_digest=capture.payload_digest)
            article_id = Capture.objects.filter(match).values_list("article_id", flat=True).first()
        if article_id is None:
            return None
        return Article.objects.only("id", "title", "language", "published", "story_id", "slug").get(pk=article_id)

    @staticmethod
    def waits_for(capture, batch):
        """Whether a revisit's original is among the articles of `batch` not saved yet."""
        digest = capture.payload_digest
        return bool(digest) and any(
            capture.payload_digest == digest for entry in batch for capture in getattr(entry, "captures", ())
        )

    def record(self, pairs):
        """Keep the capture of each (capture, article id) pair; a capture already kept is left as it is."""
        rows = [
            Capture(
                article_id=article_id,
                record_id=capture.record_id[:200],
                payload_digest=capture.payload_digest[:200],
                target_uri=capture.target_uri[:2000],
                captured=capture.date,
            )
            for capture, article_id in pairs
            if capture is not None and capture.record_id and article_id
        ]
        Capture.objects.bulk_create(rows, ignore_conflicts=True)
        for row in rows:
            self._records[row.record_id] = row.article_id
            if row.payload_digest:
                self._digests.setdefault(row.payload_digest, row.article_id)
