"""What a subscription follows, and its life: requested, confirmed, cancelled."""

from dataclasses import dataclass, field

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from archive import ratelimit
from archive.alerts import mail, tokens
from archive.feeds import feed_params, filter_labels, normalized_query
from archive.models import Subscription
from archive.search import query

# A second request for the same address within this time sends no second e-mail.
RESEND_AFTER = timezone.timedelta(minutes=10)


@dataclass
class Followed:
    """A search as a subscription stores it: a normalized query string and a name for people."""

    query: str
    label: str
    notices: list = field(default_factory=list)

    @property
    def path(self):
        return reverse("archive:search") + (f"?{self.query}" if self.query else "")


def follow(querystring):
    """The search that `querystring` describes, validated by the search module itself."""
    result = query.run(feed_params(QueryDict(querystring or "")))
    label = "; ".join(filter_labels(result)) or _("All articles")
    return Followed(normalized_query(result), label, [str(n) for n in result.notices])


class TooManyRequests(Exception):
    """This client asked for too many confirmation mails lately."""


def _limits():
    conf = getattr(settings, "ALERT_THROTTLE", {})
    return conf.get("PER_ADDRESS", 3), conf.get("PER_CLIENT", 20), conf.get("WINDOW", 86400)


def request(email, followed, frequency, language, client=""):
    """Record the wish and mail a confirmation link. Says nothing back about whether the address was known.

    An address has at most one unconfirmed subscription: a request for another search replaces it, or waits
    while a link was sent within RESEND_AFTER. Confirmation mail is limited per address and per client over
    a window; over the client's limit, TooManyRequests is raised and nothing is recorded."""
    now = timezone.now()
    purge_unconfirmed(now)
    per_address, per_client, window = _limits()
    address_key, client_key = ratelimit.key("alert-address", email), ratelimit.key("alert-client", client)
    if ratelimit.count(client_key) >= per_client:
        raise TooManyRequests
    same = Subscription.objects.filter(email=email).filter(Q(query=followed.query) | Q(confirmed__isnull=True))
    if any(s.confirm_sent and now - s.confirm_sent < RESEND_AFTER for s in same):
        return
    if ratelimit.count(address_key) >= per_address:
        return
    try:
        with transaction.atomic():
            Subscription.objects.filter(email=email, confirmed__isnull=True).exclude(query=followed.query).delete()
            subscription, _created = Subscription.objects.get_or_create(
                email=email,
                query=followed.query,
                defaults={"key": tokens.new_key(), "frequency": frequency, "language": language},
            )
            subscription.confirm_sent = now
            if not subscription.confirmed:
                subscription.language = language
            subscription.save(update_fields=["confirm_sent", "language"])
    except IntegrityError:  # a request for the same address at the same moment: that one goes out
        return
    ratelimit.hit(address_key, window)
    ratelimit.hit(client_key, window)
    mail.send_confirmation(subscription, frequency, followed)


def purge_unconfirmed(now):
    """Unconfirmed subscriptions whose link has expired are removed."""
    expired = now - timezone.timedelta(seconds=tokens.CONFIRM_MAX_AGE)
    return Subscription.objects.filter(confirmed__isnull=True, created__lt=expired).delete()[0]


def confirm(subscription, frequency):
    """Idempotent: a second click changes nothing but the frequency the link carries."""
    subscription.frequency = frequency
    if not subscription.confirmed:
        subscription.confirmed = timezone.now()
    subscription.save(update_fields=["frequency", "confirmed"])
