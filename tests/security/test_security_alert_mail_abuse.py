"""Issue 16, item 4: the subscribe form cannot be used to mail anyone, often, with the sender's own text.

Confirmation mail is limited per address and per client address over a window; an address has at most one
unconfirmed subscription at a time (a new request replaces it, or waits); the search text stays out of the
subject and is quoted, shortened, as data in the body; unconfirmed rows expire.
"""

import datetime

import pytest
from django.core import mail
from django.db.models import F

from archive.alerts import tokens
from archive.models import RateCount, Subscription

pytestmark = pytest.mark.django_db

SPAM = "URGENT your account is suspended call +1 555 0100 now " * 9  # ~500 characters of the sender's text


def later(**delta):
    """As if `delta` had passed: every stored time moves back by it."""
    delta = datetime.timedelta(**delta)
    Subscription.objects.update(created=F("created") - delta, confirm_sent=F("confirm_sent") - delta)
    RateCount.objects.update(expires=F("expires") - delta)


def subscribe(client, q, email="victim@example.org", ip="198.51.100.7"):
    data = {"email": email, "params": f"q={q}", "frequency": "daily"}
    return client.post("/alerts/subscribe/", data, REMOTE_ADDR=ip)


def test_item4_twenty_searches_send_one_mail_to_one_address(client):
    for n in range(20):
        assert subscribe(client, f"budget {n}").status_code == 200
    assert len(mail.outbox) == 1
    assert Subscription.objects.filter(email="victim@example.org", confirmed__isnull=True).count() == 1


def test_item4_a_new_request_replaces_the_pending_one_once_the_wait_is_over(client):
    subscribe(client, "budget")
    later(minutes=11)
    subscribe(client, "reform")
    assert len(mail.outbox) == 2
    pending = Subscription.objects.get(email="victim@example.org")
    assert pending.query == "q=reform"  # the first link no longer confirms anything


def test_item4_mail_per_address_is_limited_over_the_window(client, settings):
    settings.ALERT_THROTTLE = {"PER_ADDRESS": 3, "PER_CLIENT": 100, "WINDOW": 86400}
    for n in range(6):
        subscribe(client, f"budget {n}", ip=f"203.0.113.{n}")  # from six different networks
        later(minutes=11)
    assert len(mail.outbox) == 3
    later(days=1)
    subscribe(client, "budget again")
    assert len(mail.outbox) == 4


def test_item4_mail_per_client_is_limited_over_the_window(client, settings):
    settings.ALERT_THROTTLE = {"PER_ADDRESS": 3, "PER_CLIENT": 5, "WINDOW": 86400}
    answers = [subscribe(client, "budget", email=f"victim{n}@example.org").status_code for n in range(8)]
    assert answers == [200] * 5 + [429] * 3
    assert len(mail.outbox) == 5
    assert subscribe(client, "budget", email="other@example.org", ip="192.0.2.1").status_code == 200


def test_item4_the_senders_text_is_not_in_the_subject_and_is_quoted_shortened_in_the_body(client):
    subscribe(client, SPAM)
    (message,) = mail.outbox
    assert "URGENT" not in message.subject and "suspended" not in message.subject
    assert message.subject == "Confirm your Gazette alert"
    assert SPAM.strip() not in message.body
    # The text appears once, indented on a line of its own under "on this search:", cut short.
    quoted = [line for line in message.body.splitlines() if line.startswith("    ")]
    assert len(quoted) == 1 and "URGENT" in quoted[0] and len(quoted[0]) <= 104
    assert "on this search:" in message.body.splitlines()[0]
    html = message.alternatives[0][0]
    assert "<blockquote><code>" in html and SPAM.strip() not in html


def test_item4_unconfirmed_subscriptions_expire(client):
    subscribe(client, "budget", email="old@example.org")
    later(seconds=tokens.CONFIRM_MAX_AGE + 60)
    subscribe(client, "budget", email="new@example.org")
    assert list(Subscription.objects.values_list("email", flat=True)) == ["new@example.org"]
