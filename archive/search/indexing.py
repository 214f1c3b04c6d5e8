"""The one entry point for bringing the search index in line with the database.

Ingest, the admin and commands call `sync(article_ids)` after their transaction commits;
it indexes what is published and removes what is not (or no longer exists). Every write to the
index goes through this module; searchers in every process notice the new generation on their
next search (archive/search/backend.py).
"""

from haystack import connections

from archive.models import Article


def _index():
    return connections["default"].get_unified_index().get_index(Article)


def backend():
    return connections["default"].get_backend()


def sync(article_ids):
    ids = {int(pk) for pk in article_ids}
    if not ids:
        return
    index = _index()
    published = list(index.index_queryset().filter(pk__in=ids))
    if published:
        backend().update(index, published)
    for pk in ids - {a.pk for a in published}:
        backend().remove(f"archive.article.{pk}")
