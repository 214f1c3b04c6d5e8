"""Mail what is due: new articles only, each at most once per subscription.

For each subscription the run (1) records a pending Delivery per new matching article, (2) claims its pending
deliveries with a conditional UPDATE, so that two runs at once never take the same rows, (3) sends one message,
(4) marks the claimed deliveries sent. A failed send puts them back to pending; the next run retries them.

The one window left is a crash after the mail server accepted a message and before step 4 committed: those
deliveries stay "sending" and are retried once they are IN_DOUBT_AFTER old, so such a message may arrive twice
(at-least-once). The other choice, marking before sending, would silently lose alerts on every mail error.
An article is never put in a message once its delivery is marked sent (the unique constraint on Delivery).
"""

import logging
import uuid
from dataclasses import dataclass

from django.core import mail as django_mail
from django.db import transaction
from django.db.models import Min, Q
from django.http import QueryDict
from django.utils import timezone, translation

from archive.alerts import mail, subscriptions
from archive.models import Article, Delivery, DeliveryStatus, Frequency, Subscription
from archive.search import indexing, query

log = logging.getLogger(__name__)

PERIODS = {Frequency.DAILY: timezone.timedelta(days=1), Frequency.WEEKLY: timezone.timedelta(days=7)}
# A run scheduled at the same hour every day starts a little early or late; it must still find the digest due.
SLACK = timezone.timedelta(hours=1)
IN_DOUBT_AFTER = timezone.timedelta(minutes=10)
# Each check looks back this far before the previous one: an article saved just before a check may have
# reached the search index only after it.
OVERLAP = timezone.timedelta(hours=1)
MAX_LISTED = 50
MAX_PAGES = 20


@dataclass
class Report:
    checked: int = 0
    messages: int = 0
    articles: int = 0
    failed: int = 0
    purged: int = 0


def due_threshold(frequency, now):
    return now - (PERIODS[frequency] - SLACK)


def is_due(subscription, now):
    if subscription.frequency == Frequency.IMMEDIATE or subscription.checked is None:
        return True
    return subscription.checked <= due_threshold(subscription.frequency, now)


def candidates(now):
    """Confirmed subscriptions that are due, or that still have deliveries to finish."""
    due = Q(frequency=Frequency.IMMEDIATE) | Q(checked__isnull=True)
    for frequency in PERIODS:
        due |= Q(frequency=frequency, checked__lte=due_threshold(frequency, now))
    unfinished = Q(deliveries__status__in=[DeliveryStatus.PENDING, DeliveryStatus.SENDING])
    return Subscription.objects.filter(confirmed__isnull=False).filter(due | unfinished).distinct().order_by("pk")


def new_articles(subscription):
    """Published articles the subscription's search shows that are new to it and not delivered to it before.

    New: added to the archive after the subscription was confirmed, or dated on or after that day (a draft
    published later). Only articles added or changed since the last check (less OVERLAP) are looked at, so
    the work per run stays small however old the subscription is.
    """
    since = subscription.confirmed
    window = max(since, subscription.checked - OVERLAP) if subscription.checked else since
    fresh = (
        Article.objects.published()
        .filter(Q(created__gte=since) | Q(published__gte=timezone.localdate(since)))
        .filter(Q(created__gte=window) | Q(updated__gte=window))
        .exclude(pk__in=Delivery.objects.filter(subscription=subscription).values("article_id"))
    )
    wanted = set(fresh.values_list("pk", flat=True))
    if not wanted:
        return []
    earliest = fresh.aggregate(earliest=Min("published"))["earliest"]
    params = QueryDict(subscription.query, mutable=True)
    params.setlist("sort", ["newest"])
    # Only the dates the new articles have need reading: narrow the search to them (AND with any own "from").
    params.setlist("from", [max(params.get("from") or "", earliest.isoformat())])
    found = []
    for page in range(1, MAX_PAGES + 1):
        params.setlist("page", [str(page)])
        result = query.run(params)
        found += [hit.article for hit in result.hits if hit.article.pk in wanted]
        if page >= result.pages or not result.hits:
            break
    return found


def send_due(now=None, connection=None):
    now = now or timezone.now()
    report = Report()
    report.purged = subscriptions.purge_unconfirmed(now)
    connection = connection or django_mail.get_connection()
    for subscription in candidates(now):
        report.checked += 1
        try:
            sent = _process(subscription, now, connection)
        except Exception:
            log.exception("alert for subscription %s failed; its deliveries stay pending", subscription.pk)
            report.failed += 1
            continue
        if sent:
            report.messages += 1
            report.articles += sent
    return report


def _process(subscription, now, connection):
    """Returns how many articles went out."""
    due = is_due(subscription, now)
    if due:
        fresh = new_articles(subscription)
        Delivery.objects.bulk_create(
            [Delivery(subscription=subscription, article=article) for article in fresh], ignore_conflicts=True
        )
    claim = uuid.uuid4().hex
    claimable = Q(status=DeliveryStatus.PENDING) | Q(status=DeliveryStatus.SENDING, attempted__lt=now - IN_DOUBT_AFTER)
    claimed = subscription.deliveries.filter(claimable).update(
        status=DeliveryStatus.SENDING, claim=claim, attempted=now
    )
    count = 0
    if claimed:
        batch = list(subscription.deliveries.filter(claim=claim).select_related("article"))
        # Taken down since it was recorded: drop the delivery; should it come back, it is still new to this reader.
        withdrawn = [d.pk for d in batch if not d.article.is_published]
        Delivery.objects.filter(pk__in=withdrawn).delete()
        batch = [d for d in batch if d.article.is_published]
        if batch:
            count = _send(subscription, batch, now, connection, claim)
    if due:
        # Articles changed after the oldest change the index writer has yet to apply may not be searchable yet:
        # the next check looks back to there (less OVERLAP), however far behind the writer is.
        subscription.checked = min(now, indexing.oldest_pending() or now)
        subscription.save(update_fields=["checked"])
    return count


def _send(subscription, batch, now, connection, claim):
    articles = sorted((d.article for d in batch), key=lambda a: (a.published, a.pk), reverse=True)
    with translation.override(subscription.language):
        followed = subscriptions.follow(subscription.query)
    message = mail.digest(subscription, followed, articles[:MAX_LISTED], len(articles) - MAX_LISTED, connection)
    try:
        message.send()
    except Exception:
        Delivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING).update(
            status=DeliveryStatus.PENDING, claim=""
        )
        raise
    with transaction.atomic():
        Delivery.objects.filter(claim=claim, status=DeliveryStatus.SENDING).update(status=DeliveryStatus.SENT, sent=now)
        subscription.last_sent = now
        subscription.save(update_fields=["last_sent"])
    return len(articles)
