"""A response's CSP nonce and the reader's CSRF token are secrets of that response: they appear only where
the site put them (nonce attributes, the csrfmiddlewaretoken field), never in text a request controls.

A nonce that an attacker can get reflected into the page is a nonce an injected <script> can carry, and the
CSP stops being a second line of defence behind escaping.
"""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def guessable_markers():
    """Strings whose place in a page might be filled with a secret: any placeholder a page cache keeps (a fixed
    one is public in the source; a derived one is tried as if it had leaked), and a plain word as a control."""
    try:
        from archive import pagecache
    except ImportError:
        return ["nonce"]
    markers = [v for k, v in vars(pagecache).items() if k.endswith("PLACEHOLDER") and isinstance(v, str)]
    if callable(getattr(pagecache, "placeholders", None)):
        markers += list(pagecache.placeholders())
    return [*markers, "nonce"]


def assert_secrets_only_where_the_site_puts_them(response, label):
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    assert html.count(nonce) == len(re.findall(rf'\snonce="{re.escape(nonce)}"', html)), (label, "nonce reflected")
    for value in set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)):
        placed = len(re.findall(rf'name="csrfmiddlewaretoken" value="{re.escape(value)}"', html))
        assert html.count(value) == placed, (label, "CSRF token reflected")


def test_request_text_never_brings_the_nonce_or_the_csrf_token_into_the_page(client, archive_content, whoosh_index):
    whoosh_index()
    pages = [
        reverse("archive:search"),
        reverse("archive:home"),
        reverse("archive:official", args=[archive_content["official"].slug]),
        reverse("archive:topic", args=[archive_content["topic"].slug]),
        reverse("archive:language", args=["en"]),
    ]
    for marker in guessable_markers():
        q = f'{marker} government nonce="{marker}" value="{marker}"'  # bare, and as the attributes would hold it
        for path in pages:
            for _ in range(2):  # a first rendering, and a second one (from any page cache)
                response = client.get(path, {"q": q, "language": marker})
                assert response.status_code == 200, path
                assert_secrets_only_where_the_site_puts_them(response, f"{path} {marker}")
