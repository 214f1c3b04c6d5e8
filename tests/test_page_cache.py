"""Readers' pages come from the cache until what they show may change, and never carry another reader's token."""

import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from archive.models import Official, Role, Status
from archive.search import indexing
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(captured)


@pytest.fixture
def archive(whoosh_index):
    article = make_article(title="Budget review", officials=["pham-minh-chinh"], topics=["e-government"])
    whoosh_index()
    return article


@pytest.mark.parametrize("path", ["/", "/search/?q=budget", "/topics/e-government/", "/officials/pham-minh-chinh/"])
def test_a_repeated_page_is_served_from_the_cache(client, archive, path):
    first, cold = queries(client, path)
    second, warm = queries(client, path)
    assert warm <= 1 < cold  # one query: the content generation
    assert CSRF.sub("", first.text) == CSRF.sub("", second.text)


def test_a_change_shows_at_once_even_before_the_index_writer_runs(client, archive):
    link = archive.get_absolute_url()
    assert link in client.get("/search/?q=budget").text
    archive.status = Status.DRAFT
    archive.save()  # queued; the index still holds it
    assert link not in client.get("/search/?q=budget").text
    archive.status = Status.PUBLISHED
    archive.title = "Budget review, corrected"
    archive.save()
    assert "Budget review, corrected" in client.get("/").text
    indexing.drain()
    assert "corrected" in client.get("/search/?q=budget").text


def test_gazetteer_edits_renew_the_pages_that_show_them(client, archive, django_capture_on_commit_callbacks):
    page = "/officials/pham-minh-chinh/"
    client.get(page)
    with django_capture_on_commit_callbacks(execute=True):
        Role.objects.create(official=Official.objects.get(slug="pham-minh-chinh"), title="Chair of the Test Council")
    assert "Chair of the Test Council" in client.get(page).text


def test_every_reader_gets_their_own_csrf_token_from_a_cached_page(archive):
    tokens = []
    for _ in range(2):
        reader = Client(enforce_csrf_checks=True)
        token = CSRF.search(reader.get("/").text).group(1)
        tokens.append(token)
        response = reader.post("/i18n/setlang/", {"language": "vi", "next": "/", "csrfmiddlewaretoken": token})
        assert response.status_code == 302  # the token matches this reader's own cookie
    assert tokens[0] != tokens[1]


def test_signed_in_editors_bypass_the_cache(admin_client, archive):
    admin_client.get("/")
    _, count = queries(admin_client, "/")
    assert count > 2


def test_the_placeholders_reflected_from_a_query_are_not_filled_with_secrets(client, archive):
    from archive.pagecache import placeholders

    csrf, nonce = placeholders()
    for _ in range(2):  # rendered for the cache, then served from it
        response = client.get("/search/", {"q": f'{csrf} value="{csrf}" nonce="{nonce}"'})
        html = response.text
        token = CSRF.search(html).group(1)
        assert html.count(token) == html.count('name="csrfmiddlewaretoken"')  # only in the form fields
        assert csrf in html  # the reader's own text, shown escaped, untouched
