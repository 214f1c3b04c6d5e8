"""E-mail alerts, the reader's side: subscribe, confirm by link (double opt-in), unsubscribe in one click."""

import re

import pytest
from django.contrib.auth.models import User
from django.core import mail, signing
from django.test import Client

from archive.alerts import tokens
from archive.models import Frequency, Subscription
from tests.factories import make_article

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://127\.0\.0\.1:8000(/alerts/(?:confirm|unsubscribe)/[^/\s]+/)")


@pytest.fixture
def archive(whoosh_index):
    make_article(title="E-government portal opens", topics=["e-government"], officials=["le-minh-khai"])
    whoosh_index()


def subscribe(client, email="Reader@Example.org", params="topic=e-government", frequency="daily"):
    return client.post("/alerts/subscribe/", {"email": email, "params": params, "frequency": frequency})


def links(message):
    confirm = [p for p in LINK.findall(message.body) if p.startswith("/alerts/confirm/")]
    unsubscribe = [p for p in LINK.findall(message.body) if p.startswith("/alerts/unsubscribe/")]
    return confirm, unsubscribe


def test_subscribing_mails_a_confirmation_link_and_nothing_is_active_before_it_is_followed(client, archive):
    response = subscribe(client)
    assert response.status_code == 200
    assert "Check your inbox" in response.text
    (message,) = mail.outbox
    assert message.to == ["reader@example.org"]
    assert "E-Government" in message.body  # the search is named in the body, never in the subject
    confirm, unsubscribe = links(message)
    assert len(confirm) == 1 and len(unsubscribe) == 1
    subscription = Subscription.objects.get()
    assert subscription.query == "topic=e-government"
    assert subscription.confirmed is None

    # Opening the link (as a mail scanner would) only shows a button.
    page = client.get(confirm[0])
    assert page.status_code == 200 and "<form" in page.text
    subscription.refresh_from_db()
    assert subscription.confirmed is None

    done = client.post(confirm[0])
    assert done.status_code == 200 and "Alert confirmed" in done.text
    subscription.refresh_from_db()
    assert subscription.confirmed is not None
    assert subscription.frequency == Frequency.DAILY


def test_every_message_carries_one_click_unsubscribe_headers(client, archive):
    subscribe(client)
    (message,) = mail.outbox
    header = message.extra_headers["List-Unsubscribe"]
    assert re.fullmatch(r"<http://127\.0\.0\.1:8000/alerts/unsubscribe/[^/]+/>", header)
    assert message.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert header[1:-1] in message.body
    # The headers survive into the message as sent.
    raw = message.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw


def test_one_click_unsubscribe_works_without_a_csrf_token_and_removes_the_address(archive):
    browser = Client(enforce_csrf_checks=True)
    subscribe(Client())
    (message,) = mail.outbox
    url = message.extra_headers["List-Unsubscribe"][1:-1].removeprefix("http://127.0.0.1:8000")
    # GET asks first.
    page = browser.get(url)
    assert page.status_code == 200 and "<form" in page.text
    assert Subscription.objects.count() == 1
    # RFC 8058: the mail client POSTs this body to the URL.
    response = browser.post(url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded")
    assert response.status_code == 200
    assert not Subscription.objects.exists()
    # Again: still fine, nothing left to remove.
    assert browser.post(url).status_code == 200
    assert "no longer exists" in browser.get(url).text


def test_subscribe_and_confirm_are_protected_by_csrf(archive):
    browser = Client(enforce_csrf_checks=True)
    assert subscribe(browser).status_code == 403
    subscribe(Client())
    confirm, _ = links(mail.outbox[0])
    assert browser.post(confirm[0]).status_code == 403


def test_forged_or_tampered_tokens_are_refused(client, archive):
    subscribe(client)
    subscription = Subscription.objects.get()
    assert client.get("/alerts/unsubscribe/nonsense/").status_code == 404
    assert client.post(f"/alerts/unsubscribe/{subscription.key}/").status_code == 404
    forged = signing.dumps(subscription.key, salt="another-salt")
    assert client.post(f"/alerts/unsubscribe/{forged}/").status_code == 404
    # A confirm token is not an unsubscribe token, and the other way round.
    assert client.post(f"/alerts/unsubscribe/{tokens.confirm_token(subscription, 'daily')}/").status_code == 404
    assert client.post(f"/alerts/confirm/{tokens.unsubscribe_token(subscription)}/").status_code == 404
    assert Subscription.objects.filter(confirmed__isnull=True).count() == 1


def test_an_expired_confirmation_link_says_so(client, archive, monkeypatch):
    subscribe(client)
    confirm, _ = links(mail.outbox[0])
    monkeypatch.setattr(tokens, "CONFIRM_MAX_AGE", -1)
    response = client.post(confirm[0])
    assert response.status_code == 410
    assert Subscription.objects.get().confirmed is None


def test_the_database_holds_no_usable_token(client, archive):
    subscribe(client)
    subscription = Subscription.objects.get()
    confirm, unsubscribe = links(mail.outbox[0])
    stored = " ".join(str(v) for v in Subscription.objects.values().get().values())
    for path in confirm + unsubscribe:
        token = path.rstrip("/").rsplit("/", 1)[-1]
        assert token not in stored
    assert subscription.key in stored  # only the random key, useless without the secret key


def test_the_same_answer_whatever_the_address_already_is(client, archive):
    first = subscribe(client, email="known@example.org").text
    Subscription.objects.update(confirmed="2024-01-01T00:00:00Z")
    again = subscribe(client, email="known@example.org").text
    other = subscribe(client, email="someone@example.org").text

    def strip(text):
        return re.sub(r"[\w.+-]+@example\.org|csrfmiddlewaretoken\" value=\"[^\"]+", "", text)

    assert strip(first) == strip(again) == strip(other)


def test_a_repeated_request_sends_no_second_mail_at_once(client, archive):
    subscribe(client)
    subscribe(client)
    assert len(mail.outbox) == 1
    assert Subscription.objects.count() == 1


def test_confirming_a_new_frequency_changes_a_confirmed_subscription_only_by_the_owner(client, archive):
    subscribe(client, frequency="daily")
    confirm, _ = links(mail.outbox[0])
    client.post(confirm[0])
    Subscription.objects.update(confirm_sent=None)  # as if the resend pause had passed
    subscribe(client, frequency="weekly")
    subscription = Subscription.objects.get()
    assert subscription.frequency == Frequency.DAILY  # a request alone changes nothing
    confirmed_at = subscription.confirmed
    confirm, _ = links(mail.outbox[1])
    client.post(confirm[0])
    subscription.refresh_from_db()
    assert subscription.frequency == Frequency.WEEKLY
    assert subscription.confirmed == confirmed_at


@pytest.mark.parametrize(
    ("params", "query"),
    [
        ("", ""),
        ("language=ru", "language=ru"),
        ("official=le-minh-khai", "official=le-minh-khai"),
        ("q=portal&page=3&sort=oldest&topic=e-government&topic=e-government", "q=portal&topic=e-government"),
    ],
)
def test_the_followed_search_is_stored_normalized(client, archive, params, query):
    assert subscribe(client, params=params).status_code == 200
    assert Subscription.objects.get().query == query


@pytest.mark.parametrize(
    "data",
    [
        {"email": "not-an-address", "params": "", "frequency": "daily"},
        {"email": "a@example.org", "params": "", "frequency": "hourly"},
        {"email": "a@example.org", "params": "topic=no-such-topic", "frequency": "daily"},
        {"email": "a@example.org\nBcc: victim@example.org", "params": "", "frequency": "daily"},
    ],
)
def test_invalid_requests_are_refused_with_the_form_again(client, archive, data):
    response = client.post("/alerts/subscribe/", data)
    assert response.status_code == 400
    assert 'name="email"' in response.text
    assert not Subscription.objects.exists()
    assert not mail.outbox


def test_subscribe_accepts_only_post(client, archive):
    assert client.get("/alerts/subscribe/").status_code == 405


def test_subscribe_form_partial_posts_the_listing_it_sits_on(client, archive):
    from django.template.loader import render_to_string
    from django.test import RequestFactory

    html = render_to_string(
        "archive/_subscribe.html",
        {"feed_kind": "topic", "feed_arg": "e-government", "feed_query": "language=en"},
        request=RequestFactory().get("/"),
    )
    params = re.search(r'name="params" value="([^"]*)"', html).group(1).replace("&amp;", "&")
    assert params == "topic=e-government&language=en"
    assert subscribe(client, params=params).status_code == 200
    assert Subscription.objects.get().query == "language=en&topic=e-government"


def test_editors_see_subscriptions_in_the_admin_but_never_a_token(client, archive):
    subscribe(client)
    confirm, unsubscribe = links(mail.outbox[0])
    subscription = Subscription.objects.get()
    admin = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(admin)
    listing = client.get("/admin/archive/subscription/")
    assert listing.status_code == 200
    assert "reader@example.org" in listing.text
    detail = client.get(f"/admin/archive/subscription/{subscription.pk}/change/")
    assert detail.status_code == 200
    assert subscription.key not in detail.text
    for path in confirm + unsubscribe:
        assert path.rstrip("/").rsplit("/", 1)[-1] not in detail.text
    assert client.get("/admin/archive/subscription/add/").status_code == 403


def test_addresses_are_never_shown_on_public_pages(client, archive):
    subscribe(client, email="private@example.org")
    confirm, unsubscribe = links(mail.outbox[0])
    other = Client()
    for path in (confirm[0], unsubscribe[0], "/", "/topics/e-government/", "/feeds/topics/e-government.rss"):
        assert "private@example.org" not in other.get(path).content.decode()
