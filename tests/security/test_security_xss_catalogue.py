"""The XSS catalogue: every OWASP filter-evasion vector, through every way text reaches a reader.

Paths: the sanitizer itself; import (JSON Lines, the command editors and `make run` use); the admin
upload form; search results, highlighting and the API; the reading pages (article with JSON-LD,
listings); feeds; and the admin's own pages. After each, nothing a browser would execute may remain.
"""

import html
import json
import re

import lxml.html
import pytest
from django.core.management import call_command
from django.urls import reverse

from archive.models import Article
from archive.sanitize import sanitize_html
from tests.factories import make_article
from tests.security.inert import VECTORS, assert_feed_inert, assert_fragment_inert, assert_page_inert, problems

pytestmark = pytest.mark.django_db

MARKUP = re.compile(r"<[a-zA-Z/!?]")


def test_the_catalogue_is_the_full_cheat_sheet():
    assert len(VECTORS) >= 150
    assert any("\t" in v for v in VECTORS) and any("\0" in v for v in VECTORS)


def test_the_checker_recognises_the_raw_vectors_as_dangerous():
    """A checker that passes everything proves nothing: most raw vectors must be flagged."""
    flagged = [v for v in VECTORS if problems(v, fragment=True)]
    assert len(flagged) >= 0.75 * len(VECTORS)


@pytest.mark.parametrize("vector", VECTORS, ids=range(len(VECTORS)))
def test_sanitizer_leaves_no_executable_markup(vector):
    clean = sanitize_html(vector).html
    assert_fragment_inert(clean, vector)
    # A second pass changes nothing: output that re-parses into something else is how mutation XSS starts.
    assert sanitize_html(clean).html == clean


def test_sanitizer_keeps_ordinary_article_markup():
    body = '<p>Plain <strong>text</strong> and a <a href="https://chinhphu.vn/">link</a>.</p><ul><li>one</li></ul>'
    clean = sanitize_html(body).html
    assert "<strong>text</strong>" in clean and "<li>one</li>" in clean
    assert 'href="https://chinhphu.vn/"' in clean


def vector_article_fields(n, vector):
    """An article whose title is the raw vector and whose body holds it both as markup and as visible text."""
    return {
        "title": f"Vector {n} {vector}"[:300],
        "body": f"<p>Vector{n} government text: {html.escape(vector)}</p>{vector}",
    }


def test_imported_vectors_are_inert_on_every_page_and_feed(client, admin_client, tmp_path, whoosh_index):
    source = tmp_path / "vectors.jsonl"
    with source.open("w", encoding="utf-8") as out:
        for n, vector in enumerate(VECTORS):
            record = {**vector_article_fields(n, vector), "language": "en", "published": "2024-03-01"}
            record.update(source_url=f"https://example.org/{n}", source_name=vector[:100], story=f"vector-{n}")
            out.write(json.dumps(record) + "\n")
    try:
        call_command("import_articles", str(source), verbosity=0)
    except SystemExit as exit:  # exit 1 = some failed; the rest are kept and must be inert too
        assert exit.code in (0, 1, None)
    whoosh_index()
    articles = list(Article.objects.all())
    assert len(articles) >= 0.9 * len(VECTORS)
    for article in articles:
        # (title and lead are plain text, escaped wherever they are shown; the body is stored HTML)
        assert_fragment_inert(article.body, f"stored body of {article.title!r}")
        assert_page_inert(client.get(article.get_absolute_url()), article.title)
    for path in ["/", "/search/?q=vector", "/search/?q=government+text", "/archive/2024/3/", "/languages/en/"]:
        assert_page_inert(client.get(path), path)
    for name in ["archive:feed_latest_rss", "archive:feed_latest_atom"]:
        assert_feed_inert(client.get(reverse(name)), name)
    for name in ["archive:feed_search_rss", "archive:feed_search_atom"]:
        url = reverse(name) + "?q=government+text&full=1"
        assert_feed_inert(client.get(url), url)
    # the admin's list and edit pages show the same text to editors
    assert_page_inert(admin_client.get(reverse("admin:archive_article_changelist") + "?q=vector"), "changelist")
    for article in articles[:40]:
        assert_page_inert(admin_client.get(reverse("admin:archive_article_change", args=[article.pk])), article.title)


def test_uploaded_vectors_are_sanitized_before_they_are_stored(admin_client, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [
        SimpleUploadedFile(
            f"vector-{n}.html",
            f"<html><head><title>Upload {n}</title></head><body><h1>Upload {n}</h1><p>Published 1 March 2024.</p>"
            f"<p>Government text {n}.</p>{vector}</body></html>".encode(),
            content_type="text/html",
        )
        for n, vector in enumerate(VECTORS[:40])
    ]
    response = admin_client.post("/admin/archive/article/upload/", {"files": files, "publish": "on"})
    assert response.status_code in (200, 302), response.status_code
    stored = list(Article.objects.all())
    assert len(stored) >= 30
    for article in stored:
        assert_fragment_inert(article.body, f"uploaded {article.title!r}")
    if response.status_code == 200:  # the upload report lists what was imported and what was removed
        assert_page_inert(response, "upload report")


def test_search_highlighting_and_the_api_escape_every_vector(client, whoosh_index):
    for n, vector in enumerate(VECTORS):
        fields = vector_article_fields(n, vector)
        make_article(title=fields["title"], body=sanitize_html(fields["body"]).html, lead=vector[:200])
    whoosh_index()
    failures = []
    for vector in [*VECTORS, "alert", "script", "government text"]:
        page = client.get("/search/", {"q": vector})
        if page.status_code != 200:
            failures.append((vector, "search status", page.status_code))
            continue
        found = problems(page.text, fragment=False, nonce=None)
        if found:
            failures.append((vector, "search page", found))
        if MARKUP.search(vector) and vector.strip() in page.text:
            failures.append((vector, "query reflected unescaped", None))
        api = client.get("/api/search/", {"q": vector})
        if api.status_code != 200 or not api["Content-Type"].startswith("application/json"):
            failures.append((vector, "api status", api.status_code))
            continue
        for hit in api.json()["results"]:
            for key in ("snippet", "title_html"):
                # Highlighted HTML may hold <mark> and escaped text, nothing else.
                tags = set(re.findall(r"<\s*/?\s*([a-zA-Z][^\s/>]*)", hit.get(key, "")))
                if tags - {"mark"}:
                    failures.append((vector, f"api {key}", tags))
    assert not failures, failures[:10]
    # and the searches found the vectors' articles, so the highlighting really ran over them
    hits = client.get("/api/search/", {"q": "alert"}).json()
    assert hits["count"] > 20 and any("<mark>" in h["snippet"] for h in hits["results"])


def test_json_ld_cannot_be_closed_from_a_title(client):
    article = make_article(
        title="</script><script>alert(1)</script><!--", lead="</SCRIPT ><img src=x onerror=alert(1)>"
    )
    response = client.get(article.get_absolute_url())
    assert_page_inert(response, "json-ld")
    blocks = lxml.html.fromstring(response.content).xpath("//script[@type='application/ld+json']")
    assert blocks, "the article page publishes JSON-LD"
    data = json.loads(blocks[0].text)
    assert data["headline"].startswith("</script>")  # the data survives intact, only escaped


def test_admin_edits_cannot_store_executable_markup(admin_client, db):
    """An editor's change form goes through the same sanitizer as imports: nothing else may mark HTML safe."""
    article = make_article(title="Editable")
    url = reverse("admin:archive_article_change", args=[article.pk])
    form = lxml.html.fromstring(admin_client.get(url).content).xpath("//form[@id='article_form']")[0]
    data = dict(form.form_values())
    data.update(
        {
            "body": '<p onclick="alert(1)">x</p><script>alert(1)</script><img src=x onerror=alert(1)>',
            "officials": [],
            "topics": [],
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content[:2000]
    article.refresh_from_db()
    assert_fragment_inert(article.body, "admin edit")
    assert_page_inert(client_get(article), "edited article")


def client_get(article):
    from django.test import Client

    return Client().get(article.get_absolute_url())
