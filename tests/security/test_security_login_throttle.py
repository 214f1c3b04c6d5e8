"""Admin sign-in is throttled against password guessing, and every failure is logged."""

import logging

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("admin:login")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password="correct horse battery", is_staff=True)


def attempt(client, username, password, ip="203.0.113.7"):
    return client.post(LOGIN, {"username": username, "password": password, "next": "/admin/"}, REMOTE_ADDR=ip)


def test_five_wrong_passwords_lock_that_user_from_that_address(client, editor, settings):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 5, "IP_ATTEMPTS": 30, "WINDOW": 900}
    for _ in range(5):
        response = attempt(client, "editor", "guess")
        assert response.status_code == 200  # the form again, with its error
        assert not response.wsgi_request.user.is_authenticated
    locked = attempt(client, "editor", "correct horse battery")
    assert locked.status_code == 429
    assert int(locked["Retry-After"]) == 900
    assert "_auth_user_id" not in client.session  # even the right password is refused while locked


def test_the_lock_is_per_address_and_other_editors_can_still_sign_in(client, editor, settings, django_user_model):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 3, "IP_ATTEMPTS": 30, "WINDOW": 900}
    for _ in range(3):
        attempt(client, "editor", "guess")
    assert attempt(client, "editor", "correct horse battery").status_code == 429
    # the real editor, from the newsroom's address, is not locked out by the attacker
    ok = attempt(client, "editor", "correct horse battery", ip="198.51.100.20")
    assert ok.status_code == 302 and ok["Location"] == "/admin/"


def test_one_address_guessing_many_user_names_is_stopped_too(client, editor, settings):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 5, "IP_ATTEMPTS": 8, "WINDOW": 900}
    for n in range(8):
        assert attempt(client, f"user{n}", "guess").status_code == 200
    assert attempt(client, "editor", "correct horse battery").status_code == 429


def test_a_successful_sign_in_forgets_earlier_failures(client, editor, settings):
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 3, "IP_ATTEMPTS": 30, "WINDOW": 900}
    attempt(client, "editor", "guess")
    attempt(client, "editor", "guess")
    assert attempt(client, "editor", "correct horse battery").status_code == 302
    client.logout()
    attempt(client, "editor", "guess")
    attempt(client, "editor", "guess")
    assert attempt(client, "editor", "correct horse battery").status_code == 302


def test_failures_are_logged_with_user_name_and_address(client, editor, caplog):
    with caplog.at_level(logging.WARNING, logger="archive.security"):
        attempt(client, "editor", "guess", ip="192.0.2.55")
    messages = [r.getMessage() for r in caplog.records if r.name == "archive.security"]
    assert any("'editor'" in m and "192.0.2.55" in m for m in messages), messages


def test_behind_the_proxy_the_address_is_the_one_the_proxy_appended(client, editor, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 2, "IP_ATTEMPTS": 30, "WINDOW": 900}
    proxy = "10.0.0.1"
    # An attacker forging the first X-Forwarded-For entry still counts as the address the proxy saw.
    for forged in ["1.1.1.1", "2.2.2.2"]:
        client.post(
            LOGIN,
            {"username": "editor", "password": "guess"},
            REMOTE_ADDR=proxy,
            HTTP_X_FORWARDED_FOR=f"{forged}, 203.0.113.9",
            HTTP_X_FORWARDED_PROTO="https",
            secure=True,
        )
    locked = client.post(
        LOGIN,
        {"username": "editor", "password": "correct horse battery"},
        REMOTE_ADDR=proxy,
        HTTP_X_FORWARDED_FOR="3.3.3.3, 203.0.113.9",
        HTTP_X_FORWARDED_PROTO="https",
        secure=True,
    )
    assert locked.status_code == 429
