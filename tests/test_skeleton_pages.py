"""The walking skeleton's pages: home, article with its language variants, story redirect, health."""

import pytest

from archive.models import Status
from tests.factories import make_article, make_story

pytestmark = pytest.mark.django_db


def test_home_lists_latest_published_articles_only(client):
    make_article(title="Government Office reviews 2023")
    make_article(title="Secret draft", status=Status.DRAFT)
    response = client.get("/")
    assert response.status_code == 200
    assert "Government Office reviews 2023" in response.text
    assert "Secret draft" not in response.text


def test_article_page_links_every_language_variant_with_hreflang(client):
    story = make_story()
    en = make_article(story=story, language="en", title="Conference of the Government Office")
    ru = make_article(story=story, language="ru", title="Конференция Правительственной канцелярии")
    vi = make_article(story=story, language="vi", title="Hội nghị Văn phòng Chính phủ")
    response = client.get(en.get_absolute_url())
    assert response.status_code == 200
    assert f'hreflang="ru" href="http://testserver{ru.get_absolute_url()}"' in response.text
    assert f'hreflang="vi" href="http://testserver{vi.get_absolute_url()}"' in response.text
    assert '<article class="article" lang="en">' in response.text
    # and back again from the Vietnamese one
    assert en.get_absolute_url() in client.get(vi.get_absolute_url()).text


def test_unpublished_article_answers_404(client):
    draft = make_article(status=Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_old_slug_redirects_permanently_to_the_current_one(client):
    article = make_article(title="Corrected title")
    article.old_slugs.create(slug="typo-title")
    response = client.get("/articles/typo-title/")
    assert response.status_code == 301
    assert response["Location"] == article.get_absolute_url()


def test_story_redirects_to_the_variant_in_the_interface_language(client):
    story = make_story()
    make_article(story=story, language="en")
    ru = make_article(story=story, language="ru")
    response = client.get(story.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    assert response["Location"] == ru.get_absolute_url()


def test_article_body_is_rendered_as_stored_sanitized_html(client):
    article = make_article(body="<p>First <strong>paragraph</strong>.</p>")
    assert "<p>First <strong>paragraph</strong>.</p>" in client.get(article.get_absolute_url()).text


def test_healthz_reports_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_changing_the_slug_keeps_the_old_one_as_a_redirect(client):
    article = make_article(title="Frist title", slug="frist-title")
    article.title, article.slug = "First title", "first-title"
    article.save()
    response = client.get("/articles/frist-title/")
    assert response.status_code == 301
    assert response["Location"] == "/articles/first-title/"
