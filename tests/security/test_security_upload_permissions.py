"""Issue 16, item 2: the upload cannot do more than the user's permissions allow.

Updating an existing article needs change_article; setting or changing a status needs publish_article. A line
that asks for more is refused by name and the rest of the batch is imported.
"""

import json

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile

from archive.models import Article, Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db

URL = "/admin/archive/article/upload/"
VICTIM_URL = "https://gov.example.org/news/budget-approved"
ROLES = {
    "add-only": ["view_article", "add_article"],
    "editor": ["view_article", "add_article", "change_article"],
    "publisher": ["view_article", "add_article", "change_article", "publish_article"],
}


@pytest.fixture
def victim():
    """An article imported from a file that stated its title (re-imports merge stated fields against it)."""
    return make_article(
        title="Budget approved",
        body="<p>The assembly approved the budget.</p>",
        source_url=VICTIM_URL,
        imported={"title": "Budget approved"},
    )


def sign_in(client, django_user_model, role):
    user = django_user_model.objects.create_user(role, password="pw", is_staff=True)
    user.user_permissions.set(Permission.objects.filter(content_type__app_label="archive", codename__in=ROLES[role]))
    client.force_login(user)


def line(title, **fields):
    record = {"title": title, "body": f"<p>{title}: the full text of this article.</p>", "language": "en"}
    return json.dumps({**record, "published": "2024-03-01", **fields})


def upload(client, *lines, publish=False):
    data = {"files": [SimpleUploadedFile("batch.jsonl", "\n".join(lines).encode(), "application/jsonl")]}
    if publish:
        data["publish"] = "on"
    response = client.post(URL, data)
    assert response.status_code == 200
    return response.content.decode()


def test_item2_add_only_user_cannot_overwrite_or_take_down_an_article(client, django_user_model, victim):
    sign_in(client, django_user_model, "add-only")
    html = upload(
        client,
        line("Defaced", source_url=VICTIM_URL, status="draft"),
        line("A genuinely new article"),
    )
    victim.refresh_from_db()
    assert (victim.title, victim.status) == ("Budget approved", Status.PUBLISHED)
    assert "assembly approved" in victim.body
    assert "batch.jsonl:1" in html and "refused: it would update an existing article" in html
    assert Article.objects.filter(title="A genuinely new article", status=Status.DRAFT).exists()


def test_item2_add_only_user_cannot_republish_through_the_upload(client, django_user_model, victim):
    victim.status = Status.DRAFT
    victim.save()
    sign_in(client, django_user_model, "add-only")
    html = upload(client, line("Budget approved", source_url=VICTIM_URL, status="published"))
    victim.refresh_from_db()
    assert victim.status == Status.DRAFT
    assert "refused" in html


def test_item2_status_changes_need_the_publish_permission(client, django_user_model, victim):
    sign_in(client, django_user_model, "editor")
    html = upload(
        client,
        line("Budget approved, corrected", source_url=VICTIM_URL, status="draft"),
        line("Asks to go online at once", status="published"),
        line("Budget approved, corrected", source_url=VICTIM_URL),
    )
    assert "batch.jsonl:1" in html and "refused: status &#x27;draft&#x27; needs the permission to publish" in html
    assert "batch.jsonl:2" in html and "refused: status &#x27;published&#x27;" in html
    assert not Article.objects.filter(title="Asks to go online at once").exists()
    victim.refresh_from_db()
    # The third line updates the text, which an editor may do; the article stays online.
    assert (victim.title, victim.status) == ("Budget approved, corrected", Status.PUBLISHED)


def test_item2_without_the_publish_permission_the_upload_offers_no_publish_box(client, django_user_model):
    sign_in(client, django_user_model, "editor")
    assert 'name="publish"' not in client.get(URL).content.decode()
    # A forged "publish" field is ignored: new articles stay drafts.
    upload(client, line("Quietly online?"), publish=True)
    assert Article.objects.get(title="Quietly online?").status == Status.DRAFT


def test_item2_a_publisher_may_update_and_take_down(client, django_user_model, victim):
    sign_in(client, django_user_model, "publisher")
    assert 'name="publish"' in client.get(URL).content.decode()
    upload(client, line("Budget withdrawn", source_url=VICTIM_URL, status="draft"))
    victim.refresh_from_db()
    assert (victim.title, victim.status) == ("Budget withdrawn", Status.DRAFT)
