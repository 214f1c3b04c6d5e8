"""Re-tag existing articles after the gazetteer changed (officials, aliases, topics or their phrases).

An article remembers what the gazetteer inferred when it was last tagged (`Article.auto_tags`). What its
tags hold beyond that was added by an editor, and what they lack was removed by one: both corrections are
carried over to the new inference. An article tagged before that record existed keeps every tag it has.
Only articles whose tags change are written and queued for the index, in batches, in one transaction each.
"""

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q

from archive.ingest.entities import Gazetteer
from archive.ingest.stories import html_text
from archive.models import Article, OfficialAlias
from archive.officials import candidates
from archive.search import changes

BATCH = 500


@dataclass
class Report:
    checked: int = 0
    changed: list = field(default_factory=list)  # (article id, officials added, removed, topics added, removed)


def merge(current, previous_auto, new_auto):
    """Tags after re-tagging: the new inference with the editor's corrections to the previous one."""
    current, new_auto = set(current), set(new_auto)
    if previous_auto is None:
        return current | new_auto
    previous_auto = set(previous_auto)
    return (new_auto | (current - previous_auto)) - (previous_auto - current)


def articles_naming(officials):
    """Articles whose text may name one of these officials in one of its spellings (a cheap filter; tagging
    decides), and those they tag now (a spelling may have gone)."""
    query = Q(officials__in=officials)
    for name in OfficialAlias.objects.filter(official__in=officials).values_list("name", flat=True):
        query |= Q(body__contains=name) | Q(title__contains=name)
    for name in (official.name for official in officials):
        query |= Q(body__contains=name) | Q(title__contains=name)
    return Article.objects.filter(query)


def articles_using(topics):
    """Articles whose text may use one of these topics' phrases, in any language (a cheap filter)."""
    query = Q(topics__in=topics)
    for topic in topics:
        for language in ("en", "ru", "vi"):
            for phrase in topic.keywords(language):
                if word := max(phrase.rstrip("*").split() or [""], key=len):
                    query |= Q(body__icontains=word) | Q(title__icontains=word)
    return Article.objects.filter(query)


def _current(model_through, column, ids):
    found = {pk: set() for pk in ids}
    for article_id, value in model_through.objects.filter(article_id__in=ids).values_list("article_id", column):
        found[article_id].add(value)
    return found


def retag(articles=None, *, dry_run=False, progress=None, bulk=False):
    """Re-tag `articles` (default: all); returns a Report. `progress(done, total)` is called per batch."""
    gazetteer = Gazetteer()
    chosen = articles if articles is not None else Article.objects.all()
    ids = sorted(set(chosen.values_list("pk", flat=True)))  # a join may list an article twice
    report = Report()
    for start in range(0, len(ids), BATCH):
        _batch(gazetteer, ids[start : start + BATCH], report, dry_run=dry_run, bulk=bulk)
        if progress:
            progress(min(start + BATCH, len(ids)), len(ids))
    return report


def _batch(gazetteer, ids, report, *, dry_run, bulk):
    officials = _current(Article.officials.through, "official_id", ids)
    topics = _current(Article.topics.through, "topic_id", ids)
    plans = []
    for article in Article.objects.filter(pk__in=ids).only(
        "pk", "title", "body", "language", "status", "published", "auto_tags"
    ):
        tags = gazetteer.tag(f"{article.title}\n{html_text(article.body)}", article.language)
        previous = article.auto_tags or {}
        new_officials = merge(
            officials[article.pk], previous.get("officials") if article.auto_tags else None, tags.officials
        )
        new_topics = merge(topics[article.pk], previous.get("topics") if article.auto_tags else None, tags.topics)
        plans.append((article, tags, new_officials, new_topics))
        if new_officials != officials[article.pk] or new_topics != topics[article.pk]:
            report.changed.append(
                (
                    article.pk,
                    sorted(new_officials - officials[article.pk]),
                    sorted(officials[article.pk] - new_officials),
                    sorted(new_topics - topics[article.pk]),
                    sorted(topics[article.pk] - new_topics),
                )
            )
    report.checked += len(plans)
    if not dry_run:
        _apply(plans, officials, topics, bulk=bulk)


@transaction.atomic
def _apply(plans, officials, topics, *, bulk):
    changed = []
    for article, tags, new_officials, new_topics in plans:
        moved = _set(Article.officials.through, "official_id", article.pk, officials[article.pk], new_officials)
        moved |= _set(Article.topics.through, "topic_id", article.pk, topics[article.pk], new_topics)
        if moved:
            changed.append(article)
        article.auto_tags = tags.auto()
    Article.objects.bulk_update([article for article, *_ in plans], ["auto_tags"])
    candidates.record_mentions([(article, tags.mentions) for article, tags, *_ in plans], replace=True)
    # The through rows were written directly (no m2m signals): queue exactly the articles whose tags changed.
    changes.record_articles(changed, bulk=bulk)
    if changed:
        from archive import pagecache

        transaction.on_commit(pagecache.bump)


def _set(through, column, article_id, current, wanted):
    added, removed = wanted - current, current - wanted
    if removed:
        through.objects.filter(article_id=article_id, **{f"{column}__in": removed}).delete()
    through.objects.bulk_create([through(article_id=article_id, **{column: value}) for value in added])
    return bool(added or removed)
