"""The admin upload page: several files or a zip, limits before processing, a result page per file."""

import io
import zipfile
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article, Status
from archive.search import indexing

SEEDS = Path(__file__).resolve().parent.parent / "demo" / "seeds"
URL = "/admin/archive/article/upload/"
pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    user = User.objects.create_superuser("editor", "editor@example.org", "pw")
    client.force_login(user)
    return client


def seed_files():
    return [SimpleUploadedFile(p.name, p.read_bytes(), "text/plain") for p in sorted(SEEDS.glob("*.txt"))]


def test_upload_page_has_multi_file_input_and_publish_checkbox(editor):
    response = editor.get(URL)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'type="file" name="files"' in html and "multiple" in html
    assert 'name="publish"' in html


def test_changelist_links_to_upload(editor):
    assert URL in editor.get("/admin/archive/article/").content.decode()


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_upload_several_files_publishes_what_needs_no_review(editor, whoosh_index):
    response = editor.post(URL, {"files": seed_files(), "publish": "on"})
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="result-created"') == 5
    ru = Article.objects.get(language="ru")
    assert ru.status == Status.PUBLISHED and not ru.needs_review
    flagged = Article.objects.filter(needs_review=True)
    assert flagged.count() == 4 and set(flagged.values_list("status", flat=True)) == {Status.DRAFT}
    assert f"/admin/archive/article/{ru.pk}/change/" in html
    assert "took 2024 from the text" in html
    assert "needs_review__exact=1" in html
    # The request only queued the new articles; the index writer makes them searchable. None runs here, and the
    # result says so at once.
    assert "1 published article is not searchable yet" in html
    assert editor.get("/api/search/", {"q": "канцелярия"}).json()["count"] == 0
    indexing.drain()
    assert editor.get("/api/search/", {"q": "канцелярия"}).json()["count"] == 1


def test_second_upload_reports_duplicates(editor, whoosh_index):
    editor.post(URL, {"files": seed_files()})
    html = editor.post(URL, {"files": seed_files()}).content.decode()
    assert html.count('class="result-duplicate"') == 5
    assert Article.objects.count() == 5


def zip_upload(name, entries):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry, data in entries.items():
            archive.writestr(entry, data)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/zip")


def test_zip_upload_and_bad_files_are_reported_row_by_row(editor, whoosh_index):
    files = [
        zip_upload("seeds.zip", {p.name: p.read_bytes() for p in SEEDS.glob("00[01]_*.txt")}),
        zip_upload("bomb.zip", {"big.txt": b"a" * (20 * 1024 * 1024)}),
        zip_upload("evil.zip", {"../../etc/evil.txt": b"Title: x\n\ntext"}),
        SimpleUploadedFile("empty.txt", b""),
        SimpleUploadedFile("image.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00"),
        SimpleUploadedFile("notes.pdf", b"%PDF-1.4"),
    ]
    html = editor.post(URL, {"files": files}).content.decode()
    assert html.count('class="result-created"') == 2
    assert html.count('class="result-failed"') == 5
    for reason in ("zip bomb", "unsafe entry name", "empty file", "binary data", "unsupported file type"):
        assert reason in html
    assert Article.objects.count() == 2


def test_oversized_file_is_refused_before_processing(editor, whoosh_index, settings):
    settings.INGEST_LIMITS = {"file_bytes": 1024}
    big = SimpleUploadedFile("big.txt", b"The Government Office met. " * 100)
    html = editor.post(URL, {"files": [big, *seed_files()[:1]]}).content.decode()
    assert "file too large" in html
    assert Article.objects.count() == 0  # the seed file is over 1 KB as well


def test_fifty_megabyte_upload_fails_with_a_reason(editor, whoosh_index):
    big = SimpleUploadedFile("big.txt", b"a" * (50 * 1024 * 1024))
    html = editor.post(URL, {"files": [big]}).content.decode()
    assert "file too large (50.0 MB" in html
    assert Article.objects.count() == 0


def test_too_many_files_is_a_form_error(editor, settings):
    settings.INGEST_LIMITS = {"files": 2}
    response = editor.post(URL, {"files": seed_files()})
    assert "Too many files (5)" in response.content.decode()
    assert Article.objects.count() == 0


def test_confirm_action_clears_the_review_flag(editor, whoosh_index):
    editor.post(URL, {"files": seed_files()})
    flagged = list(Article.objects.filter(needs_review=True).values_list("pk", flat=True))
    assert flagged
    changelist = editor.get("/admin/archive/article/", {"needs_review__exact": "1"}).content.decode()
    assert "confirm_reviewed" in changelist
    editor.post("/admin/archive/article/", {"action": "confirm_reviewed", "_selected_action": flagged})
    assert not Article.objects.filter(needs_review=True).exists()
    assert Article.objects.get(pk=flagged[0]).review_notes == ""


def test_changed_file_from_the_same_source_is_reported_updated_with_a_link(editor, whoosh_index):
    text = "Source: https://gov.vn/a\nTitle: Meeting\n\nThe Government Office met on 2 February 2024."
    editor.post(URL, {"files": [SimpleUploadedFile("a.txt", text.encode())], "publish": "on"})
    article = Article.objects.get()
    changed = SimpleUploadedFile("a.txt", (text + " It agreed on a plan.").encode())
    html = editor.post(URL, {"files": [changed], "publish": "on"}).content.decode()
    assert html.count('class="result-updated"') == 1
    assert f"/admin/archive/article/{article.pk}/change/" in html
    article.refresh_from_db()
    assert "agreed on a plan" in article.body and Article.objects.count() == 1


def test_the_admin_shows_a_banner_while_index_changes_wait_longer_than_the_limit(editor, whoosh_index, settings):
    import datetime

    from django.utils import timezone

    from archive.models import IndexChange

    editor.post(URL, {"files": seed_files(), "publish": "on"})
    settings.INDEX_MAX_LAG = 60
    assert 'id="index-backlog"' not in editor.get("/admin/").content.decode()
    IndexChange.objects.update(created=timezone.now() - datetime.timedelta(minutes=5))
    html = editor.get("/admin/archive/article/").content.decode()
    assert 'id="index-backlog"' in html
    assert "5 changes wait for the search index since" in html
    indexing.drain()
    assert 'id="index-backlog"' not in editor.get("/admin/").content.decode()
