"""Record every database change that affects the search index, in the transaction that makes it.

What changes an article's index entry: the article itself (saved, published, unpublished, relinked to
another story, deleted), its officials or topics, and the names it is found by through them (an
official's name and aliases, a topic's names), and its source's name (in the index signature). Each such
change adds an IndexChange row per article; the index writer (archive/search/indexing.py) applies them after
the transaction commits.

Bulk paths that send no signals (`bulk_create`, `QuerySet.update()`) call `record()` themselves;
`check_index` finds what anything else changed behind the index's back.
"""

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from archive.models import Article, IndexChange, Official, OfficialAlias, Role, Source, Status, Topic


def record(article_ids, hide=False, bulk=False):
    """Queue these articles for the index writer. `hide`: they are not (or no longer) published; `bulk`: from
    an import, to be applied after editors' changes."""
    ids = sorted({int(pk) for pk in article_ids})
    if ids:
        rows = [IndexChange(article_id=pk, hide=hide, bulk=bulk) for pk in ids]
        IndexChange.objects.bulk_create(rows, batch_size=1000)


def record_articles(articles, bulk=False):
    """Queue saved articles, each hidden or not by its own status."""
    record([a.pk for a in articles if a.status == Status.PUBLISHED], bulk=bulk)
    record([a.pk for a in articles if a.status != Status.PUBLISHED], hide=True, bulk=bulk)


def _article_saved(sender, instance, raw=False, **kwargs):
    if not raw:  # loaddata: the index is rebuilt afterwards
        record([instance.pk], hide=instance.status != Status.PUBLISHED)


def _article_deleted(sender, instance, **kwargs):
    record([instance.pk], hide=True)


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in {"post_add", "post_remove", "post_clear", "pre_clear"}:
        return
    if not reverse:  # article.officials.set(...): one article
        if action != "pre_clear":
            record([instance.pk])
        return
    # official.articles.add(...) and the like: the articles on the other side
    if action == "pre_clear":  # after the clear, the articles are no longer known
        pk_set = set(instance.articles.values_list("pk", flat=True))
    elif action == "post_clear":
        return
    record(pk_set or ())


def _articles_of(tag):
    return tag.articles.values_list("pk", flat=True)


def _official_changed(sender, instance, raw=False, **kwargs):
    """An official, topic or source was saved or is deleted: its articles' entries follow."""
    if not raw and instance.pk:
        record(_articles_of(instance))


def _alias_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    # An alias may be deleted together with its official; the official's own pre_delete covers that.
    official = Official.objects.filter(pk=instance.official_id).first()
    if official is not None:
        record(_articles_of(official))


def _gazetteer_changed(sender, raw=False, **kwargs):
    # Names, aliases, roles and topics are shown on cached pages: a new page generation once this commits.
    if not raw:
        from archive import pagecache

        transaction.on_commit(pagecache.bump)


def connect():
    post_save.connect(_article_saved, sender=Article, dispatch_uid="index-article-saved")
    post_delete.connect(_article_deleted, sender=Article, dispatch_uid="index-article-deleted")
    m2m_changed.connect(_tags_changed, sender=Article.officials.through, dispatch_uid="index-officials")
    m2m_changed.connect(_tags_changed, sender=Article.topics.through, dispatch_uid="index-topics")
    for model in (Official, Topic, Source):
        post_save.connect(_official_changed, sender=model, dispatch_uid=f"index-{model.__name__}-saved")
        # Deleting an official, a topic or a source drops its links without an m2m signal: queue its articles first.
        pre_delete.connect(_official_changed, sender=model, dispatch_uid=f"index-{model.__name__}-deleted")
    post_save.connect(_alias_changed, sender=OfficialAlias, dispatch_uid="index-alias-saved")
    post_delete.connect(_alias_changed, sender=OfficialAlias, dispatch_uid="index-alias-deleted")
    for model in (Official, OfficialAlias, Role, Topic, Source):
        post_save.connect(_gazetteer_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-saved")
        post_delete.connect(_gazetteer_changed, sender=model, dispatch_uid=f"pages-{model.__name__}-deleted")
