"""Every page type carries the protective headers, and no page runs inline script the CSP would block."""

import lxml.html
import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse

from tests.security.inert import assert_page_inert, nonce_of

pytestmark = pytest.mark.django_db


def page_urls(content):
    """(label, url) for every kind of page the site serves, built from the URL names."""
    article, story, official, topic = content["en"], content["story"], content["official"], content["topic"]
    year, month = article.published.year, article.published.month
    names = [
        ("home", "archive:home", []),
        ("search", "archive:search", []),
        ("api", "archive:api_search", []),
        ("article", "archive:article", [article.slug]),
        ("story", "archive:story", [story.pk]),
        ("compare", "archive:compare", [story.pk]),
        ("officials", "archive:official_list", []),
        ("official", "archive:official", [official.slug]),
        ("topics", "archive:topic_list", []),
        ("topic", "archive:topic", [topic.slug]),
        ("language", "archive:language", ["ru"]),
        ("archive", "archive:archive_index", []),
        ("year", "archive:archive_year", [year]),
        ("month", "archive:archive_month", [year, month]),
        ("sitemap", "archive:sitemap", []),
        ("robots", "archive:robots", []),
        ("opensearch", "archive:opensearch", []),
        ("health", "archive:healthz", []),
        ("admin login", "admin:login", []),
    ]
    urls = []
    for label, name, args in names:
        try:
            urls.append((label, reverse(name, args=args)))
        except NoReverseMatch:
            urls.append((label, None))
    urls += [
        ("search with query", reverse("archive:search") + "?q=government&language=en"),
        ("not found", "/no-such-page/"),
        ("article not found", "/articles/no-such-article/"),
    ]
    urls += [(f"feed {path}", path) for path in feed_urls(content)]
    return urls


def feed_urls(content):
    """Feed URLs as the pages advertise them (<link rel=alternate>), so the test follows the real site."""
    found = set()
    for path in ["/", content["official"].get_absolute_url(), "/search/?q=government"]:
        response = Client().get(path)
        if response.status_code == 200:
            for link in lxml.html.fromstring(response.content).xpath("//link[@rel='alternate'][@type]"):
                if "rss" in link.get("type") or "atom" in link.get("type"):
                    found.add(link.get("href").replace("http://testserver", ""))
    return sorted(found)


def assert_protective_headers(response, label, frame_options=True):
    csp = response.headers.get("Content-Security-Policy", "")
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if " " in d.strip())
    assert directives.get("frame-ancestors") == "'none'", (label, csp)
    assert directives.get("object-src") == "'none'", (label, csp)
    assert directives.get("base-uri") == "'none'", (label, csp)
    script = directives.get("script-src", "")
    assert "'nonce-" in script and "'unsafe-inline'" not in script and "'unsafe-eval'" not in script, (label, csp)
    assert "'unsafe-inline'" not in directives.get("style-src", "'unsafe-inline'"), (label, csp)
    assert response.headers.get("X-Content-Type-Options") == "nosniff", label
    assert response.headers.get("Referrer-Policy") == "same-origin", label
    assert response.headers.get("Cross-Origin-Opener-Policy") == "same-origin", label
    if frame_options:  # the legacy twin of frame-ancestors, for browsers without CSP level 2
        assert response.headers.get("X-Frame-Options") == "DENY", label


def test_every_public_page_type_sends_the_headers_and_runs_no_unlisted_script(client, archive_content):
    urls = page_urls(archive_content)
    missing = [label for label, url in urls if url is None]
    assert not missing, f"page types without a URL: {missing}"
    assert any(label.startswith("feed") for label, _ in urls), "no page advertises a feed"
    for label, url in urls:
        response = client.get(url)
        assert response.status_code < 500, (label, url, response.status_code)
        assert_protective_headers(response, f"{label} {url}")
        if response.get("Content-Type", "").startswith("text/html"):
            assert_page_inert(response, label)


def test_no_page_relies_on_inline_styles_the_policy_blocks(client, archive_content, whoosh_index):
    """style-src has no 'unsafe-inline': a style="" attribute is silently dropped by browsers."""
    whoosh_index()
    offenders = []
    for label, url in page_urls(archive_content):
        response = client.get(url + ("&" if "?" in url else "?") + "q=government")
        if response.status_code == 200 and response["Content-Type"].startswith("text/html"):
            root = lxml.html.fromstring(response.content)
            offenders += [(label, lxml.html.tostring(el)[:120]) for el in root.xpath("//*[@style]")]
            offenders += [(label, "<style> element") for el in root.xpath("//style[not(@nonce)]")]
    assert not offenders, offenders


def test_admin_pages_send_the_headers_and_work_under_the_policy(admin_client, archive_content):
    """The admin's own scripts are files or JSON data blocks: nothing the CSP would block, on any admin page."""
    article = archive_content["en"]
    urls = [
        reverse("admin:index"),
        reverse("admin:archive_article_changelist"),
        reverse("admin:archive_article_add"),
        reverse("admin:archive_article_change", args=[article.pk]),
        reverse("admin:archive_article_delete", args=[article.pk]),
        reverse("admin:archive_article_history", args=[article.pk]),
        reverse("admin:archive_official_change", args=[archive_content["official"].pk]),
        reverse("admin:archive_story_change", args=[archive_content["story"].pk]),
        reverse("admin:archive_topic_change", args=[archive_content["topic"].pk]),
        "/admin/archive/article/upload/",
    ]
    for url in urls:
        response = admin_client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        assert_protective_headers(response, url)
        assert_page_inert(response, url)
    # the change page really uses the admin's scripts (prepopulated slug data, the form constants)
    change = admin_client.get(reverse("admin:archive_article_change", args=[article.pk])).text
    assert 'id="django-admin-prepopulated-fields-constants"' in change or "prepopulate" in change


def test_each_response_gets_its_own_nonce(client, db):
    first, second = nonce_of(client.get("/")), nonce_of(client.get("/"))
    assert first and second and first != second
    assert len(first) >= 22  # at least 128 bits


def test_a_template_can_use_the_nonce_and_the_policy_admits_exactly_that_script(rf):
    from django.template import engines

    from archive.security import ContentSecurityPolicyMiddleware

    template = engines["django"].from_string(
        '<script nonce="{{ csp_nonce }}">ok()</script><script nonce="{{ request.csp_nonce }}">ok()</script>'
    )

    def view(request):
        from django.http import HttpResponse

        return HttpResponse(template.render({}, request))

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))
    nonce = nonce_of(response)
    assert response.content.decode().count(f'nonce="{nonce}"') == 2


def test_static_files_served_by_whitenoise_carry_the_headers(settings):
    # WhiteNoise answers before the view layer; the policy middleware must sit in front of it.
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = Client().get("/static/css/gazette.css")
    assert response.status_code == 200
    # (X-Frame-Options comes from a later middleware; the CSP's frame-ancestors covers static files.)
    assert_protective_headers(response, "static file", frame_options=False)


def test_error_and_refusal_responses_carry_the_headers_too(client, archive_content, monkeypatch, settings):
    """Not only pages: a 304, 400, 404, 405, 413, 429 and 500 are responses a browser renders or caches."""
    from archive.search import query

    feed = reverse("archive:feed_latest_rss")
    etag = client.get(feed)["ETag"]
    responses = {
        "304 feed": client.get(feed, HTTP_IF_NONE_MATCH=etag),
        "400 too many parameters": client.get("/search/?" + "&".join(f"x{n}=1" for n in range(2000))),
        "404": client.get("/no-such-page/"),
        "405 feed": client.post(feed),
        "413 large body": client.generic(
            "POST", "/search/", b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 2621440) * 2
        ),
    }
    settings.LOGIN_THROTTLE = {"ATTEMPTS": 1, "IP_ATTEMPTS": 1, "WINDOW": 60}
    client.post(reverse("admin:login"), {"username": "x", "password": "y"})
    responses["429 sign-in"] = client.post(reverse("admin:login"), {"username": "x", "password": "y"})

    def broken(*args, **kwargs):
        raise RuntimeError("search engine down")

    monkeypatch.setattr(query, "run", broken)
    responses["500"] = Client(raise_request_exception=False).get("/search/", {"q": "x"})
    for label, response in responses.items():
        assert str(response.status_code) == label[:3], (label, response.status_code)
        assert_protective_headers(response, label, frame_options=False)
