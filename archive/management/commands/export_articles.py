"""Write articles as JSON Lines in the schema import_articles reads; a round trip loses nothing."""

import json

from django.core.management.base import BaseCommand

from archive.models import Article


def article_record(article):
    record = {
        "title": article.title,
        "slug": article.slug,
        "language": article.language,
        "published": article.published.isoformat(),
        "status": article.status,
        "source_name": article.source_name,
        "source_url": article.source_url,
        "story": article.story.key or f"story-{article.story_id}",
        "officials": [official.name for official in article.officials.all()],
        "topics": [topic.slug for topic in article.topics.all()],
        "legal_refs": list(article.legal_refs),
        "needs_review": article.needs_review,
        "review_notes": article.review_notes,
        "old_slugs": [old.slug for old in article.old_slugs.all()],
        "lead": article.lead,
        "body": article.body,
    }
    captures = article.captures.all()
    if captures:
        record["captures"] = [
            {
                "record_id": capture.record_id,
                "payload_digest": capture.payload_digest,
                "target_uri": capture.target_uri,
                "captured": capture.captured.isoformat() if capture.captured else None,
            }
            for capture in captures
        ]
    return record


class Command(BaseCommand):
    help = "Export articles as JSON Lines (stdout, or -o FILE)."

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", help="Write to this file instead of stdout.")
        parser.add_argument("--published-only", action="store_true", help="Leave out drafts.")

    def handle(self, *args, output, published_only, **options):
        articles = Article.objects.all() if not published_only else Article.objects.published()
        # Stories first created, then languages: the order import needs to rebuild the same stories.
        articles = (
            articles.select_related("story")
            .prefetch_related("officials", "topics", "old_slugs", "captures")
            .order_by("story_id", "id")
        )
        stream = open(output, "w", encoding="utf-8", newline="\n") if output else self.stdout._out  # noqa: SIM115
        count = 0
        try:
            for article in articles.iterator(chunk_size=1000):
                stream.write(json.dumps(article_record(article), ensure_ascii=False, sort_keys=False) + "\n")
                count += 1
        finally:
            if output:
                stream.close()
        self.stderr.write(f"{count} articles exported")
