"""The two kinds of message: the confirmation link and the alert itself. Both carry the unsubscribe headers."""

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from archive.alerts import tokens
from archive.models import Frequency
from archive.text import strip_controls


def absolute(path):
    # No request here (the command sends too), and a Host header must never choose where links point.
    return settings.SITE_URL + path


def unsubscribe_url(subscription):
    return absolute(reverse("archive:alert_unsubscribe", args=[tokens.unsubscribe_token(subscription)]))


SEARCH_TEXT_LIMIT = 100


def _one_line(text, limit=200):
    text = " ".join(strip_controls(text).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _message(subscription, template, context, connection=None):
    url = unsubscribe_url(subscription)
    context = {**context, "subscription": subscription, "unsubscribe_url": url, "site_url": settings.SITE_URL}
    with translation.override(subscription.language):
        subject = render_to_string(f"archive/alerts/email/{template}_subject.txt", context)
        text = render_to_string(f"archive/alerts/email/{template}.txt", context)
        html = render_to_string(f"archive/alerts/email/{template}.html", context)
    message = EmailMultiAlternatives(
        _one_line(subject),
        text,
        to=[subscription.email],
        connection=connection,
        headers={"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    message.attach_alternative(html, "text/html")
    return message


def send_confirmation(subscription, frequency, followed):
    confirm_path = reverse("archive:alert_confirm", args=[tokens.confirm_token(subscription, frequency)])
    context = {
        "followed": followed,
        # Whoever asks chooses this text: it is quoted as data in the body, shortened, and kept out of the subject.
        "search_text": _one_line(followed.label, SEARCH_TEXT_LIMIT),
        "followed_url": absolute(followed.path),
        "confirm_url": absolute(confirm_path),
        "frequency": Frequency(frequency),
    }
    _message(subscription, "confirm", context).send()


def digest(subscription, followed, articles, more, connection=None):
    """The alert: new articles (newest first), and how many more the search has beyond those listed."""
    entries = [(article, absolute(article.get_absolute_url())) for article in articles]
    context = {"followed": followed, "followed_url": absolute(followed.path), "entries": entries, "more": more}
    return _message(subscription, "digest", context, connection)
