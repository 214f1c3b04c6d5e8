"""Issue 16, item 1: every changelist action asks for the permission it needs, for every role.

Publishing and taking down is the custom `publish_article` permission; confirming reviewed metadata is a change;
deleting is a delete. Without the permission the POST is refused (403) and the article is untouched.
"""

import pytest
from django.contrib.auth.models import Permission

from archive.models import Article, Status
from tests.factories import make_article

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/archive/article/"
ROLES = {
    "view-only": ["view_article"],
    "add-only": ["view_article", "add_article"],
    "change": ["view_article", "change_article"],
    "publisher": ["view_article", "change_article", "publish_article"],
    "superuser": None,
}
# Which roles may run each action.
ALLOWED = {
    "publish": {"publisher", "superuser"},
    "unpublish": {"publisher", "superuser"},
    "confirm_reviewed": {"change", "publisher", "superuser"},
    "delete_selected": {"superuser"},
}
START = {
    "publish": {"status": Status.DRAFT},
    "unpublish": {"status": Status.PUBLISHED},
    "confirm_reviewed": {"needs_review": True, "review_notes": "Date guessed"},
    "delete_selected": {},
}


def sign_in(client, django_user_model, role):
    codenames = ROLES[role]
    if codenames is None:
        user = django_user_model.objects.create_superuser("boss", "boss@example.org", "pw")
    else:
        user = django_user_model.objects.create_user(role, password="pw", is_staff=True)
        user.user_permissions.set(Permission.objects.filter(content_type__app_label="archive", codename__in=codenames))
    client.force_login(user)


def effect(action, article):
    """Whether the action did what it does."""
    if action == "delete_selected":
        return not Article.objects.filter(pk=article.pk).exists()
    article.refresh_from_db()
    return {
        "publish": article.status == Status.PUBLISHED,
        "unpublish": article.status == Status.DRAFT,
        "confirm_reviewed": not article.needs_review,
    }[action]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("action", ALLOWED)
def test_item1_each_action_needs_its_permission_for_each_role(client, django_user_model, role, action):
    sign_in(client, django_user_model, role)
    article = make_article(**START[action])
    data = {"action": action, "_selected_action": [article.pk], "index": 0}
    if action == "delete_selected":
        data["post"] = "yes"  # the confirmation page's answer
    response = client.post(CHANGELIST, data)
    if role in ALLOWED[action]:
        assert response.status_code == 302
        assert effect(action, article)
    else:
        assert response.status_code == 403
        assert not effect(action, article)


def test_item1_view_only_staff_cannot_unpublish(client, django_user_model):
    """The exact reproduction from the review."""
    sign_in(client, django_user_model, "view-only")
    article = make_article(status=Status.PUBLISHED)
    response = client.post(CHANGELIST, {"action": "unpublish", "_selected_action": article.pk, "index": 0})
    assert response.status_code == 403
    assert client.get(article.get_absolute_url()).status_code == 200


@pytest.mark.parametrize("role", ROLES)
def test_item1_the_changelist_offers_only_the_actions_a_role_may_run(client, django_user_model, role):
    sign_in(client, django_user_model, role)
    make_article()
    html = client.get(CHANGELIST).content.decode()
    for action, roles in ALLOWED.items():
        assert (f'value="{action}"' in html) == (role in roles), action


def test_item1_without_the_publish_permission_the_edit_form_cannot_change_status(client, django_user_model):
    sign_in(client, django_user_model, "change")
    article = make_article(status=Status.DRAFT)
    html = client.get(f"/admin/archive/article/{article.pk}/change/").content.decode()
    assert 'name="status"' not in html
    assert 'name="title"' in html


def test_item1_without_the_publish_permission_the_story_form_cannot_change_status(client, django_user_model):
    sign_in(client, django_user_model, "change")
    user = django_user_model.objects.get(username="change")
    user.user_permissions.add(*Permission.objects.filter(codename__in=["view_story", "change_story"]))
    article = make_article(status=Status.DRAFT)
    html = client.get(f"/admin/archive/story/{article.story_id}/change/").content.decode()
    assert 'name="articles-0-title"' in html
    assert 'name="articles-0-status"' not in html
