"""Every state-changing admin POST (and the public language switch) is refused without a CSRF token."""

import pytest
from django.test import Client
from django.urls import reverse

from archive.models import Article, Status

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(admin_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    return client


def admin_posts(article, official, topic):
    """(url, data) for each kind of POST the admin accepts."""
    change = {
        "story": article.story_id,
        "language": "en",
        "title": "Rewritten by a forged request",
        "slug": article.slug,
        "status": Status.PUBLISHED,
        "published": "2024-01-12",
        "body": "<p>forged</p>",
    }
    return [
        (reverse("admin:archive_article_add"), {**change, "slug": "forged-new"}),
        (reverse("admin:archive_article_change", args=[article.pk]), change),
        (reverse("admin:archive_article_delete", args=[article.pk]), {"post": "yes"}),
        (
            reverse("admin:archive_article_changelist"),
            {"action": "unpublish", "_selected_action": [article.pk], "index": 0},
        ),
        (
            reverse("admin:archive_article_changelist"),
            {"action": "delete_selected", "_selected_action": [article.pk], "post": "yes"},
        ),
        (reverse("admin:archive_official_change", args=[official.pk]), {"name": "Forged", "slug": official.slug}),
        (reverse("admin:archive_official_delete", args=[official.pk]), {"post": "yes"}),
        (reverse("admin:archive_topic_delete", args=[topic.pk]), {"post": "yes"}),
        (reverse("admin:archive_story_delete", args=[article.story_id]), {"post": "yes"}),
        ("/admin/archive/article/upload/", {"publish": "on"}),
        (reverse("admin:password_change"), {"old_password": "password", "new_password1": "x", "new_password2": "x"}),
        (reverse("admin:logout"), {}),
    ]


def test_admin_posts_without_a_token_are_refused_and_change_nothing(editor_client, archive_content):
    article = archive_content["en"]
    for url, data in admin_posts(article, archive_content["official"], archive_content["topic"]):
        response = editor_client.post(url, data)
        assert response.status_code == 403, (url, response.status_code)
    article.refresh_from_db()
    assert article.title == "Government Office meeting" and article.status == Status.PUBLISHED
    assert Article.objects.count() == 2
    # still signed in: the forged logout did nothing either
    assert editor_client.get(reverse("admin:index")).status_code == 200


def test_admin_posts_with_a_wrong_token_are_refused(editor_client, archive_content):
    editor_client.get(reverse("admin:index"))  # sets the csrftoken cookie
    url = reverse("admin:archive_article_changelist")
    data = {"action": "unpublish", "_selected_action": [archive_content["en"].pk], "csrfmiddlewaretoken": "x" * 64}
    assert editor_client.post(url, data).status_code == 403


def test_the_same_posts_with_the_token_go_through(editor_client, archive_content):
    """Proves the 403s above come from the CSRF check, not from broken requests."""
    article = archive_content["en"]
    editor_client.get(reverse("admin:index"))
    token = editor_client.cookies["csrftoken"].value
    response = editor_client.post(
        reverse("admin:archive_article_changelist"),
        {"action": "unpublish", "_selected_action": [article.pk], "index": 0, "csrfmiddlewaretoken": token},
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.status == Status.DRAFT


def test_public_posts_need_the_token_too(archive_content, admin_user):
    client = Client(enforce_csrf_checks=True)
    assert client.post(reverse("admin:login"), {"username": "admin", "password": "password"}).status_code == 403
    assert client.post(reverse("archive:set_language"), {"language": "ru", "next": "/"}).status_code == 403
    subscribe = {"email": "reader@example.org", "query": "q=reform", "frequency": "daily"}
    assert client.post(reverse("archive:alert_subscribe"), subscribe).status_code == 403
    assert client.post(reverse("archive:alert_confirm", args=["some-token"])).status_code == 403
    # (one-click unsubscribe is exempt by design, RFC 8058: its signed token is the authority)


def test_every_form_the_admin_renders_for_post_carries_a_token(admin_client, archive_content):
    import lxml.html

    article = archive_content["en"]
    for url in [
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_article_change", args=[article.pk]),
        reverse("admin:archive_article_delete", args=[article.pk]),
        "/admin/archive/article/upload/",
        reverse("admin:index"),
    ]:
        page = lxml.html.fromstring(admin_client.get(url).content)
        forms = page.xpath("//form[translate(@method,'POST','post')='post']")
        assert forms, url
        for form in forms:
            assert form.xpath(".//input[@name='csrfmiddlewaretoken']"), (url, form.get("action"))
