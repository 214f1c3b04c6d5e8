"""The one entry point for bringing the search index in line with the database.

Ingest, the admin and commands call `sync(article_ids)` after their transaction commits;
it indexes what is published and removes what is not (or no longer exists).
"""

from haystack import connections

from archive.models import Article


def _index():
    return connections["default"].get_unified_index().get_index(Article)


def sync(article_ids):
    ids = {int(pk) for pk in article_ids}
    if not ids:
        return
    index = _index()
    backend = connections["default"].get_backend()
    published = list(index.index_queryset().filter(pk__in=ids).prefetch_related("officials__aliases", "topics"))
    if published:
        backend.update(index, published)
    for pk in ids - {a.pk for a in published}:
        backend.remove(f"archive.article.{pk}")
