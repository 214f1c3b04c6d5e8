"""What a subscription follows, and its life: requested, confirmed, cancelled."""

from dataclasses import dataclass, field

from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from archive.alerts import mail, tokens
from archive.feeds import feed_params, filter_labels, normalized_query
from archive.models import Subscription
from archive.search import query

# A second request for the same address and search within this time sends no second e-mail.
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


def request(email, followed, frequency, language):
    """Record the wish and mail a confirmation link. Says nothing back about whether the address was known."""
    subscription, _created = Subscription.objects.get_or_create(
        email=email,
        query=followed.query,
        defaults={"key": tokens.new_key(), "frequency": frequency, "language": language},
    )
    now = timezone.now()
    if subscription.confirm_sent and now - subscription.confirm_sent < RESEND_AFTER:
        return subscription
    subscription.confirm_sent = now
    if not subscription.confirmed:
        subscription.language = language
    subscription.save(update_fields=["confirm_sent", "language"])
    mail.send_confirmation(subscription, frequency, followed)
    return subscription


def confirm(subscription, frequency):
    """Idempotent: a second click changes nothing but the frequency the link carries."""
    subscription.frequency = frequency
    if not subscription.confirmed:
        subscription.confirmed = timezone.now()
    subscription.save(update_fields=["frequency", "confirmed"])
