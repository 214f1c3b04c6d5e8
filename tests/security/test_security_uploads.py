"""Hostile uploads through the admin upload page: names, disguised content, archives, and who may post."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article
from tests.security.inert import assert_fragment_inert, assert_page_inert

pytestmark = pytest.mark.django_db
URL = "/admin/archive/article/upload/"
ARTICLE = b"Title: Government meeting\nDate: 2024-03-01\n\nThe Government Office met on Friday to review reform.\n"


def zipped(name, members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for member, data in members.items():
            archive.writestr(member, data)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/zip")


def test_hostile_file_names_are_shown_escaped_and_never_used_as_paths(admin_client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "uploads"
    names = [
        "<img src=x onerror=alert(1)>.txt",
        '"><script>alert(1)</script>.html',
        "../../../../tmp/gazette-evil.txt",
        "..\\..\\gazette-evil.txt",
        "con.txt",
        "a" * 300 + ".txt",
    ]
    files = [SimpleUploadedFile(name, ARTICLE.replace(b"Friday", name.encode()[:40]), "text/plain") for name in names]
    files.append(zipped("<svg onload=alert(1)>.zip", {"<script>alert(1)</script>.txt": ARTICLE + b"zip member"}))
    response = admin_client.post(URL, {"files": files, "publish": "on"})
    assert response.status_code == 200
    assert_page_inert(response, "upload results")
    assert "<script>alert(1)</script>" not in response.text
    assert not (tmp_path / "gazette-evil.txt").exists() and not (tmp_path.parent / "gazette-evil.txt").exists()
    assert not settings.MEDIA_ROOT.exists() or not any(settings.MEDIA_ROOT.rglob("*evil*"))


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("article.html", b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200),
        ("article.txt", b"\x1f\x8b\x08\x00" + b"\x00\xff" * 100),
        ("article.md", b"\x89PNG\r\n\x1a\n" + b"\x00" * 100),
        ("article.txt", b"PK\x03\x04" + b"\x00" * 100),
        ("article.html", b"MZ\x90\x00" + b"\x00\x01\x02" * 100),
    ],
)
def test_binary_content_behind_a_text_extension_is_refused(admin_client, name, data):
    response = admin_client.post(URL, {"files": [SimpleUploadedFile(name, data, "text/plain")]})
    assert response.status_code == 200
    assert 'class="result-failed"' in response.text
    assert Article.objects.count() == 0


@pytest.mark.parametrize("name", ["shell.php", "article.html.php", "run.exe", "page.svg", "x.htaccess", "article"])
def test_file_types_outside_the_allowlist_are_refused(admin_client, name):
    response = admin_client.post(URL, {"files": [SimpleUploadedFile(name, ARTICLE, "text/plain")]})
    assert 'class="result-failed"' in response.text
    assert Article.objects.count() == 0


def test_polyglot_gif_html_is_refused_or_sanitized(admin_client):
    data = b"GIF89a/*<html><body><p>Government Office text.</p><script>alert(1)</script></body></html>*/"
    admin_client.post(URL, {"files": [SimpleUploadedFile("article.html", data, "image/gif")]})
    for article in Article.objects.all():
        assert_fragment_inert(article.body, "polyglot")


def test_archives_that_escape_bomb_or_link_are_refused(admin_client):
    link = zipfile.ZipInfo("link.txt")
    link.external_attr = 0o120777 << 16
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(link, "/etc/passwd")
    files = [
        zipped("slip.zip", {"../../evil.txt": ARTICLE}),
        zipped("absolute.zip", {"/etc/evil.txt": ARTICLE}),
        zipped("drive.zip", {"C:\\evil.txt": ARTICLE}),
        zipped("bomb.zip", {"zeros.txt": b"0" * (12 * 1024 * 1024)}),
        zipped("nested.zip", {"inner.zip": zipped("inner.zip", {"a.txt": ARTICLE}).read()}),
        SimpleUploadedFile("symlink.zip", buffer.getvalue(), "application/zip"),
        SimpleUploadedFile("broken.zip", b"PK\x03\x04 not really a zip", "application/zip"),
    ]
    response = admin_client.post(URL, {"files": files})
    assert response.text.count('class="result-failed"') == len(files)
    assert Article.objects.count() == 0


def test_too_many_entries_in_a_zip_is_refused_before_extracting(admin_client, settings):
    settings.INGEST_LIMITS = {"zip_entries": 10}
    members = {f"a{n}.txt": ARTICLE + str(n).encode() for n in range(11)}
    response = admin_client.post(URL, {"files": [zipped("many.zip", members)]})
    assert "limit is 10" in response.text
    assert Article.objects.count() == 0


def test_only_editors_may_upload(client, django_user_model):
    files = {"files": [SimpleUploadedFile("a.txt", ARTICLE, "text/plain")]}
    anonymous = client.post(URL, files)
    assert anonymous.status_code == 302 and "/admin/login/" in anonymous["Location"]
    reader = django_user_model.objects.create_user("reader", password="pw-for-a-reader", is_staff=True)
    client.force_login(reader)  # staff, but without the add permission
    assert client.post(URL, {"files": [SimpleUploadedFile("a.txt", ARTICLE, "text/plain")]}).status_code == 403
    assert Article.objects.count() == 0


def test_an_oversized_request_body_is_refused_before_it_is_read(client, admin_client):
    # Declared larger than any form on a public page may be: 413 without parsing (nothing spooled to disk).
    response = client.generic("POST", "/alerts/subscribe/", b"x", CONTENT_LENGTH=str(50 * 1024 * 1024))
    assert response.status_code == 413
    # The upload page takes up to its limits, and refuses beyond them.
    upload = "/admin/archive/article/upload/"
    assert admin_client.generic("POST", upload, b"x", CONTENT_LENGTH=str(50 * 1024 * 1024)).status_code != 413
    assert admin_client.generic("POST", upload, b"x", CONTENT_LENGTH=str(10**12)).status_code == 413
    assert client.generic("POST", "/search/", b"x", CONTENT_LENGTH="-1 or so").status_code == 400
