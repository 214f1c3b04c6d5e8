"""Issue 16, item 8: the page cache's CSRF placeholder never reaches a reader.

Pages rendered for the cache hold a placeholder where each reader's token goes. A 404 raised by a cached view
used to be rendered with that placeholder (an invalid token, and the placeholder revealed); searching for the
placeholder then put each reader's real token into the search box.
"""

import re

import pytest
from django.test import Client

from archive.pagecache import placeholders
from tests.factories import make_article

pytestmark = pytest.mark.django_db

HIDDEN_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SEARCH_BOX = re.compile(r'<input[^>]*name="q"[^>]*>')


def browser():
    client = Client(enforce_csrf_checks=True)
    client.get("/")  # a page with forms: the reader now has a CSRF cookie
    return client


@pytest.mark.parametrize("path", ["/articles/no-such-article/", "/stories/999999/", "/officials/nobody/"])
def test_item8_a_404_from_a_cached_view_carries_the_readers_own_token(path):
    client = browser()
    response = client.get(path)
    assert response.status_code == 404
    csrf, _nonce = placeholders()
    assert csrf not in response.text
    tokens = HIDDEN_TOKEN.findall(response.text)
    assert tokens  # the language switch is on the page
    # The language switch on that page works: its token is valid for this reader.
    switched = client.post("/i18n/setlang/", {"language": "ru", "next": "/", "csrfmiddlewaretoken": tokens[0]})
    assert switched.status_code == 302


def test_item8_searching_for_the_placeholder_does_not_put_the_token_in_the_search_box(whoosh_index):
    make_article(title="Budget review")
    whoosh_index()
    csrf, _nonce = placeholders()
    for _ in range(2):  # rendered for the cache, then served from it
        client = browser()
        token = client.cookies["csrftoken"].value
        response = client.get("/search/", {"q": csrf})
        box = SEARCH_BOX.search(response.text).group(0)
        assert f'value="{csrf}"' in box
        assert token not in box
        assert HIDDEN_TOKEN.findall(response.text)  # the forms still carry a real token
        assert csrf not in HIDDEN_TOKEN.findall(response.text)
