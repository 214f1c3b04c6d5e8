"""`manage.py send_alerts`: only new articles, each at most once per subscription, idempotent, crash-safe."""

import datetime
import re

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.core.management import call_command
from django.db.models import F
from django.test import Client
from django.utils import timezone

from archive.alerts import sending, tokens
from archive.models import Delivery, DeliveryStatus, Frequency, Status, Subscription
from tests.factories import make_article

pytestmark = pytest.mark.django_db


class FailingBackend(EmailBackend):
    """A mail server that refuses every message."""

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")


def follow(query="topic=e-government", frequency=Frequency.IMMEDIATE, confirmed=None, email="reader@example.org"):
    return Subscription.objects.create(
        email=email,
        query=query,
        frequency=frequency,
        key=tokens.new_key(),
        confirmed=confirmed or timezone.now() - datetime.timedelta(minutes=5),
    )


def run():
    call_command("send_alerts", stdout=open("/dev/null", "w"))  # noqa: SIM115


def titles(message):
    # Each article is its title, then a line "date · language[ · source]".
    return re.findall(r"^(.+)\n[^\n]*\d{4}[^\n]* · (?:English|Русский|Tiếng Việt)", message.body, flags=re.M)


@pytest.fixture
def index(whoosh_index):
    return whoosh_index


def test_the_whole_cycle_subscribe_confirm_receive_unsubscribe(index):
    make_article(title="Old news on e-government", topics=["e-government"], published=datetime.date(2023, 1, 1))
    index()
    reader = Client()
    reader.post(
        "/alerts/subscribe/", {"email": "reader@example.org", "params": "topic=e-government", "frequency": "immediate"}
    )
    confirm = re.search(r"http://127\.0\.0\.1:8000(/alerts/confirm/[^\s]+/)", mail.outbox[0].body).group(1)
    reader.post(confirm)
    mail.outbox.clear()

    run()
    assert mail.outbox == []  # what was there before confirming is not news

    make_article(title="Portal for public services opens", topics=["e-government"], published=timezone.localdate())
    make_article(title="Unrelated decree on fisheries", published=timezone.localdate())
    index()
    run()
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert titles(message) == ["Portal for public services opens"]
    assert "E-Government" in message.subject
    html = message.alternatives[0][0]
    assert "Portal for public services opens" in html
    unsubscribe = message.extra_headers["List-Unsubscribe"][1:-1]
    assert unsubscribe in message.body and unsubscribe in html

    run()
    assert len(mail.outbox) == 1  # nothing new: no second message

    Client(enforce_csrf_checks=True).post(
        unsubscribe.removeprefix("http://127.0.0.1:8000"),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    make_article(title="Another e-government step", topics=["e-government"], published=timezone.localdate())
    index()
    run()
    assert len(mail.outbox) == 1


def test_running_twice_sends_each_article_once(index):
    subscription = follow()
    make_article(title="First step", topics=["e-government"], published=timezone.localdate())
    index()
    run()
    run()
    assert len(mail.outbox) == 1
    make_article(title="Second step", topics=["e-government"], published=timezone.localdate())
    index()
    run()
    run()
    assert [titles(m) for m in mail.outbox] == [["First step"], ["Second step"]]
    assert subscription.deliveries.filter(status=DeliveryStatus.SENT).count() == 2


def test_unconfirmed_subscriptions_get_nothing_and_expire(index):
    pending = follow()
    Subscription.objects.filter(pk=pending.pk).update(confirmed=None)
    make_article(title="News", topics=["e-government"], published=timezone.localdate())
    index()
    run()
    assert mail.outbox == []
    Subscription.objects.filter(pk=pending.pk).update(created=timezone.now() - datetime.timedelta(days=8))
    run()
    assert not Subscription.objects.exists()


def test_a_failed_send_keeps_the_articles_for_the_next_run(index, settings):
    subscription = follow()
    make_article(title="Important decree", topics=["e-government"], published=timezone.localdate())
    index()
    settings.EMAIL_BACKEND = "tests.test_send_alerts.FailingBackend"
    with pytest.raises(SystemExit) as exit_info:
        run()
    assert exit_info.value.code == 1
    assert mail.outbox == []
    assert list(subscription.deliveries.values_list("status", flat=True)) == [DeliveryStatus.PENDING]

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run()
    (message,) = mail.outbox
    assert titles(message) == ["Important decree"]
    assert list(subscription.deliveries.values_list("status", flat=True)) == [DeliveryStatus.SENT]


def test_a_crash_between_sending_and_recording_is_retried_only_when_in_doubt(index):
    subscription = follow()
    article = make_article(title="Decree", topics=["e-government"], published=timezone.localdate())
    index()
    # What a run that died after claiming (and perhaps sending) leaves behind.
    Delivery.objects.create(
        subscription=subscription,
        article=article,
        status=DeliveryStatus.SENDING,
        claim="dead",
        attempted=timezone.now(),
    )
    run()
    assert mail.outbox == []  # another run may still be sending it
    Delivery.objects.update(attempted=timezone.now() - sending.IN_DOUBT_AFTER - datetime.timedelta(seconds=1))
    run()
    (message,) = mail.outbox
    assert titles(message) == ["Decree"]
    run()
    assert len(mail.outbox) == 1


def test_claimed_deliveries_are_not_taken_by_a_second_run_at_the_same_time(index):
    subscription = follow()
    article = make_article(title="Decree", topics=["e-government"], published=timezone.localdate())
    index()
    now = timezone.now()
    Delivery.objects.create(subscription=subscription, article=article)
    first = subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim="a", attempted=now
    )
    second = subscription.deliveries.filter(status=DeliveryStatus.PENDING).update(
        status=DeliveryStatus.SENDING, claim="b", attempted=now
    )
    assert (first, second) == (1, 0)
    report = sending.send_due(now=now)
    assert report.messages == 0


def test_daily_and_weekly_digests_wait_for_their_time(index):
    daily = follow(frequency=Frequency.DAILY, email="daily@example.org")
    weekly = follow(frequency=Frequency.WEEKLY, email="weekly@example.org")
    make_article(title="Monday decree", topics=["e-government"], published=timezone.localdate())
    index()
    now = timezone.now()
    sending.send_due(now=now)
    assert sorted(m.to[0] for m in mail.outbox) == ["daily@example.org", "weekly@example.org"]

    make_article(title="Tuesday decree", topics=["e-government"], published=timezone.localdate())
    index()
    sending.send_due(now=now + datetime.timedelta(hours=2))
    assert len(mail.outbox) == 2  # not due yet
    # A daily run that starts a few minutes early still finds the digest due.
    sending.send_due(now=now + datetime.timedelta(hours=23, minutes=55))
    assert [m.to[0] for m in mail.outbox[2:]] == ["daily@example.org"]
    assert titles(mail.outbox[2]) == ["Tuesday decree"]
    sending.send_due(now=now + datetime.timedelta(days=7))
    assert [m.to[0] for m in mail.outbox[3:]] == ["weekly@example.org"]
    assert titles(mail.outbox[3]) == ["Tuesday decree"]
    daily.refresh_from_db()
    weekly.refresh_from_db()
    assert daily.last_sent and weekly.last_sent


def test_only_articles_the_search_shows_and_new_since_confirmation(index):
    follow(query="q=portal&language=en")
    make_article(title="Old portal launch", language="en", published=datetime.date(2020, 5, 1))
    old = make_article(title="Another old portal story", language="en", published=datetime.date(2020, 5, 2))
    type(old).objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=30))
    make_article(title="New portal for citizens", language="en", published=timezone.localdate())
    make_article(title="Новый портал", body="<p>portal</p>", language="ru", published=timezone.localdate())
    make_article(title="New fisheries decree", language="en", published=timezone.localdate())
    make_article(title="Draft portal plan", language="en", status=Status.DRAFT, published=timezone.localdate())
    index()
    run()
    (message,) = mail.outbox
    # Added after confirmation, though dated 2020: new to the archive, so new to the reader.
    assert sorted(titles(message)) == ["New portal for citizens", "Old portal launch"]


def test_an_article_taken_down_before_sending_is_not_sent(index):
    subscription = follow()
    article = make_article(title="Withdrawn decree", topics=["e-government"], published=timezone.localdate())
    index()
    Delivery.objects.create(subscription=subscription, article=article)
    article.status = Status.DRAFT
    article.save()
    run()
    assert mail.outbox == []
    assert not subscription.deliveries.exists()


def test_a_draft_published_later_is_sent_when_it_appears(index):
    follow()
    draft = make_article(
        title="Reviewed decree", topics=["e-government"], status=Status.DRAFT, published=timezone.localdate()
    )
    type(draft).objects.filter(pk=draft.pk).update(created=timezone.now() - datetime.timedelta(days=3))
    index()
    run()
    assert mail.outbox == []
    draft.status = Status.PUBLISHED
    draft.save()
    index()
    run()
    (message,) = mail.outbox
    assert titles(message) == ["Reviewed decree"]


def test_a_large_batch_lists_the_newest_and_counts_the_rest(index, monkeypatch):
    monkeypatch.setattr(sending, "MAX_LISTED", 3)
    follow()
    for day in range(1, 6):
        make_article(
            title=f"Decree {day}",
            topics=["e-government"],
            published=timezone.localdate() - datetime.timedelta(days=10 - day),
        )
    index()
    run()
    (message,) = mail.outbox
    assert titles(message) == ["Decree 5", "Decree 4", "Decree 3"]
    assert "And 2 more articles" in message.body
    assert Delivery.objects.filter(status=DeliveryStatus.SENT).count() == 5


def test_a_digest_is_written_in_the_subscribers_language_dates_included(index):
    subscription = follow()
    subscription.language = "ru"
    subscription.save()
    make_article(title="Portal news", topics=["e-government"], published=datetime.date(2024, 1, 12))
    index()
    run()
    (message,) = mail.outbox
    assert "Новое в архиве Gazette" in message.body
    assert "Portal news\n12 января 2024 г. · English" in message.body
    html = message.alternatives[0][0]
    assert '<time datetime="2024-01-12">12 января 2024 г.</time>' in html


def test_an_article_the_index_writer_applies_late_is_still_sent(index):
    from archive.models import IndexChange
    from archive.search import indexing

    subscription = follow()
    index()
    article = make_article(title="Late to the index", topics=["e-government"], published=timezone.localdate())
    # The writer is two hours behind: the article is not searchable when the run checks.
    IndexChange.objects.filter(article_id=article.pk).update(created=timezone.now() - datetime.timedelta(hours=2))
    run()
    assert mail.outbox == []
    subscription.refresh_from_db()
    assert subscription.checked <= timezone.now() - datetime.timedelta(hours=2)  # the next run looks back to it
    # Hours later the writer catches up; the article was saved long before the last check, yet it is sent.
    Subscription.objects.filter(pk=subscription.pk).update(checked=F("checked") + datetime.timedelta(minutes=1))
    indexing.drain()
    run()
    assert [titles(m) for m in mail.outbox] == [["Late to the index"]]
