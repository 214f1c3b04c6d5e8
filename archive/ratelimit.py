"""Counters for throttles, kept in the database (the RateCount table) where no page traffic can evict them.

A counter counts events in a fixed window that starts with its first event. Expired rows are deleted as new
events come in, so the table holds only live counters.
"""

import hashlib

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from archive.models import RateCount


def key(kind, *parts):
    """A short key for attacker-chosen values (user names, addresses): hashed, so any length fits."""
    digest = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return f"{kind}:{digest}"


def hit(name, window):
    """Count one event under `name` (window in seconds); returns the count in the current window."""
    now = timezone.now()
    purge(now)
    if not RateCount.objects.filter(key=name).update(count=F("count") + 1):
        try:
            with transaction.atomic():
                RateCount.objects.create(key=name, count=1, expires=now + timezone.timedelta(seconds=window))
        except IntegrityError:  # another request created it first
            RateCount.objects.filter(key=name).update(count=F("count") + 1)
    return count(name)


def count(*names):
    """The highest live count among `names` (0 when none)."""
    counts = RateCount.objects.filter(key__in=names, expires__gt=timezone.now()).values_list("count", flat=True)
    return max(counts, default=0)


def reset(name):
    RateCount.objects.filter(key=name).delete()


def purge(now=None):
    return RateCount.objects.filter(expires__lte=now or timezone.now()).delete()[0]
