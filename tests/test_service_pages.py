"""Service pages: sitemap with hreflang alternates, robots.txt, OpenSearch, errors, health."""

import xml.etree.ElementTree as ET

import pytest
from django.test import RequestFactory
from django.views.defaults import server_error

from archive.models import Status
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}


def test_sitemap_lists_every_published_article_with_its_variants_as_alternates(client):
    story = make_story()
    en = make_article(story=story, language="en", topics=["e-government"])
    vi = make_article(story=story, language="vi")
    alone = make_article()
    draft = make_article(status=Status.DRAFT)
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    root = ET.fromstring(response.content)
    urls = {u.find("s:loc", NS).text: u for u in root.findall("s:url", NS)}
    base = "http://testserver"
    assert {base + a.get_absolute_url() for a in (en, vi, alone)} <= set(urls)
    assert base + draft.get_absolute_url() not in urls
    assert base + "/topics/e-government/" in urls
    alternates = {(x.get("hreflang"), x.get("href")) for x in urls[base + en.get_absolute_url()].findall("x:link", NS)}
    assert alternates == {("en", base + en.get_absolute_url()), ("vi", base + vi.get_absolute_url())}
    assert urls[base + alone.get_absolute_url()].findall("x:link", NS) == []


def test_robots_txt_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in response.text
    assert "Disallow: /admin/" in response.text


def test_opensearch_description_is_advertised_and_points_to_search(client):
    response = client.get("/opensearch.xml")
    assert response["Content-Type"] == "application/opensearchdescription+xml"
    root = ET.fromstring(response.content)
    ns = {"o": "http://a9.com/-/spec/opensearch/1.1/"}
    templates = {u.get("type"): u.get("template") for u in root.findall("o:Url", ns)}
    assert templates["text/html"] == "http://testserver/search/?q={searchTerms}"
    home = client.get("/").text
    assert (
        '<link rel="search" type="application/opensearchdescription+xml" title="Gazette" href="/opensearch.xml">'
        in home
    )


def test_unknown_page_gets_a_friendly_404_with_a_search_box(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'action="/search/"' in response.text
    assert '<a class="skip" href="#main">' in response.text


def test_500_page_renders_without_database_or_request_context():
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "Something went wrong" in response.content.decode()


def test_500_page_still_renders_when_the_static_manifest_is_missing(settings, tmp_path):
    # A deploy without collectstatic fails every page with a missing manifest entry; the error page must not.
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.ManifestStaticFilesStorage"},
    }
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "Something went wrong" in html
    assert '<link rel="stylesheet" href="/static/css/gazette.css">' in html


def test_healthz_reports_database_and_index_document_count(client, whoosh_index):
    make_article()
    make_article()
    whoosh_index()
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["index_documents"] == 2
    assert body["index_pending"] == 0 and body["index_lag_seconds"] == 0
    assert body["index_generation"]
    assert response["Cache-Control"] == "no-store"


def test_healthz_answers_503_with_a_reason_when_the_index_cannot_be_opened(client, whoosh_index, tmp_path):
    from haystack import connections

    whoosh_index()
    # A file where the index directory should be: the index cannot be opened or created.
    broken = tmp_path / "not-a-directory"
    broken.write_text("x")
    connections.connections_info["default"]["PATH"] = str(broken)
    connections.reload("default")
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error"
    assert body["database"] == "ok"
    assert body["index"]


def test_healthz_answers_503_when_the_database_fails(client, whoosh_index, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise RuntimeError("database is down")

    monkeypatch.setattr(connection, "cursor", broken_cursor)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "RuntimeError: database is down"


def test_healthz_answers_503_when_index_changes_wait_longer_than_the_limit(client, whoosh_index, settings):
    import datetime

    from django.utils import timezone

    from archive.models import IndexChange

    whoosh_index()
    settings.INDEX_MAX_LAG = 60
    make_article()  # queued, never applied: no writer runs in the test process
    assert client.get("/healthz").status_code == 200  # a fresh change is normal
    IndexChange.objects.update(created=timezone.now() - datetime.timedelta(seconds=90))
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["index_pending"] == 1 and body["index_lag_seconds"] >= 90
    assert "no index writer is applying them" in body["index_writer"]
