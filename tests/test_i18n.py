"""The interface in English, Russian and Vietnamese: chosen by Accept-Language or the switcher, remembered."""

import datetime
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "lang", "heading"),
    [("en", "en", "Latest articles"), ("ru-RU,ru;q=0.9", "ru", "Последние статьи"), ("vi", "vi", "Bài viết mới nhất")],
)
def test_interface_language_follows_accept_language(client, accept, lang, heading):
    html = client.get("/", HTTP_ACCEPT_LANGUAGE=accept).text
    assert f'<html lang="{lang}">' in html
    assert heading in html


def test_switcher_sets_a_cookie_that_wins_over_accept_language_and_returns_to_the_page(client):
    page = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="en").text
    assert 'action="/i18n/setlang/" method="post"' in page
    assert 'name="csrfmiddlewaretoken"' in page
    assert '<input type="hidden" name="next" value="/archive/">' in page
    response = client.post("/i18n/setlang/", {"language": "vi", "next": "/archive/"})
    assert response.status_code == 302
    assert response["Location"] == "/archive/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "vi"
    html = client.get("/archive/", HTTP_ACCEPT_LANGUAGE="ru").text
    assert '<html lang="vi">' in html
    assert "<h1>Lưu trữ</h1>" in html


def test_switcher_refuses_to_redirect_off_site(client):
    response = client.post("/i18n/setlang/", {"language": "ru", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_dates_are_formatted_for_the_interface_language(client):
    article = make_article(published=datetime.date(2024, 1, 12))
    assert "Jan. 12, 2024" in client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="en").text
    assert "12 января 2024" in client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").text
    assert "12 tháng 1 năm 2024" in client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="vi").text


def test_article_text_is_never_translated_only_the_chrome(client):
    article = make_article(title="Conference of the Government Office", topics=["e-government"])
    html = client.get(article.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="ru").text
    assert "<h1>Conference of the Government Office</h1>" in html
    assert '<article class="article" lang="en">' in html
    # topic names are data with a name per language: shown in the interface language
    assert ">Электронное правительство</a>" in html
    assert "Темы" in html


def test_urls_are_not_prefixed_by_language(client):
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="ru").status_code == 200
    assert client.get("/ru/").status_code == 404


def _simple_entries(po_text):
    """(msgid, msgstr) of the one-line, singular, current entries of a .po file."""
    pattern = re.compile(r'^msgid "((?:[^"\\]|\\.)+)"\nmsgstr "((?:[^"\\]|\\.)*)"\n(?!")', re.M)
    unescape = {'\\"': '"', "\\\\": "\\", "\\n": "\n"}
    decode = lambda text: re.sub(r"\\[\"\\n]", lambda m: unescape[m.group(0)], text)  # noqa: E731
    return [(decode(a), decode(b)) for a, b in pattern.findall(po_text)]


@pytest.mark.parametrize("lang", ["ru", "vi"])
def test_message_catalogs_are_complete_and_compiled(lang):
    po = Path(settings.BASE_DIR, "locale", lang, "LC_MESSAGES", "django.po")
    text = po.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    untranslated = re.findall(r'^msgid "(.+)"\n(?:msgid_plural .*\n)?msgstr(?:\[\d+\])? ""\n(?!")', text, re.M)
    assert not untranslated, f"untranslated: {untranslated}"
    # The committed .mo is what runs (no gettext needed at deploy): it must match the .po.
    with po.with_suffix(".mo").open("rb") as handle:
        catalog = gettext.GNUTranslations(handle)
    entries = _simple_entries(text)
    assert len(entries) > 50
    stale = [msgid for msgid, msgstr in entries if msgstr and catalog.gettext(msgid) != msgstr]
    assert not stale, f"run `manage.py compilemessages`: {stale[:5]}"
