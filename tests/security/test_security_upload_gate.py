"""Issue 16, item 7: an upload body is read only for a signed-in editor who may add articles.

Anyone else is answered (302 to sign-in, or 403) before the CSRF check or the view parses the form, so nothing
of the body is read and no upload is spooled to disk.
"""

import pytest
from django.core.files.uploadhandler import TemporaryFileUploadHandler
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client

pytestmark = pytest.mark.django_db

URL = "/admin/archive/article/upload/"
SPOOLED = []


class RecordingHandler(TemporaryFileUploadHandler):
    """Django's own spool-to-disk handler, noting each file it starts writing."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        SPOOLED.append(self.file.temporary_file_path())


@pytest.fixture
def spool(settings, tmp_path):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingHandler"]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    SPOOLED.clear()
    return tmp_path


def big_multipart(size=3 * 1024 * 1024):
    boundary = "gazette-boundary"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.txt"\r\n'
        "Content-Type: text/plain\r\n\r\n"
    ).encode()
    body += b"a" * size + f"\r\n--{boundary}--\r\n".encode()
    return body, f"multipart/form-data; boundary={boundary}"


def post(client, body, content_type):
    return client.generic("POST", URL, body, content_type=content_type)


@pytest.mark.parametrize("who", ["anonymous", "staff without add permission", "signed-in non-staff"])
def test_item7_upload_bodies_are_not_read_unless_an_editor_sends_them(who, spool, django_user_model):
    # As a browser that has visited a page with a form: with a CSRF cookie, the check parses the form for the token.
    client = Client(enforce_csrf_checks=True)
    client.cookies["csrftoken"] = _get_new_csrf_string()
    if who != "anonymous":
        user = django_user_model.objects.create_user("someone", password="pw", is_staff=who.startswith("staff"))
        client.force_login(user)
    response = post(client, *big_multipart())
    assert not response.wsgi_request._read_started  # the body stream was never touched
    assert SPOOLED == [] and list(spool.iterdir()) == []
    if who == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith("/admin/login/")
    else:
        assert response.status_code == 403


def test_item7_an_editor_upload_is_still_read(spool, admin_client):
    response = post(admin_client, *big_multipart(size=64 * 1024))
    assert response.status_code == 200
    assert len(SPOOLED) == 1  # the same handler does record a real upload
