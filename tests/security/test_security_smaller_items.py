"""Issue 16, item 9: the smaller findings.

- `cite` attributes lose javascript:/data: URLs when sanitized;
- the page cache keys pages by scheme too (a page built for https is not served over http);
- a port in Host that neither ALLOWED_HOSTS nor SITE_URL names stays out of the absolute URLs of robots.txt,
  opensearch.xml, feeds and the sitemap;
- alert subscriptions refuse IP-literal e-mail domains.
"""

import pytest

from archive.models import Subscription
from archive.sanitize import sanitize_html
from tests.factories import make_article
from tests.security.inert import problems

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "html",
    [
        '<blockquote cite="javascript:alert(1)">quoted</blockquote>',
        '<q cite="data:text/html,&lt;script&gt;alert(1)&lt;/script&gt;">quoted</q>',
        '<q cite="jav&#x09;ascript:alert(1)">quoted</q>',
        '<blockquote cite=" JavaScript:alert(1)">quoted</blockquote>',
    ],
)
def test_item9_cite_keeps_no_script_url(html):
    clean = sanitize_html(html)
    assert "cite" not in clean.html
    assert problems(clean.html, fragment=True) == []
    assert "quoted" in clean.html and clean.removed


def test_item9_cite_keeps_a_web_address():
    html = '<blockquote cite="https://gov.example.org/speech">quoted</blockquote>'
    assert sanitize_html(html).html == html


def test_item9_a_page_cached_for_https_is_not_served_over_http(client, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ALLOWED_HOSTS = ["gazette.example.org"]
    url = make_article(title="Budget review").get_absolute_url()
    secure = client.get(url, HTTP_HOST="gazette.example.org", HTTP_X_FORWARDED_PROTO="https")
    assert f'rel="canonical" href="https://gazette.example.org{url}"' in secure.text
    plain = client.get(url, HTTP_HOST="gazette.example.org")
    assert f'rel="canonical" href="http://gazette.example.org{url}"' in plain.text


@pytest.fixture
def published(settings):
    settings.ALLOWED_HOSTS = ["gazette.example.org", "localhost"]
    settings.SITE_URL = "http://localhost:8000"
    return make_article(title="Budget review")


@pytest.mark.parametrize("path", ["/robots.txt", "/opensearch.xml", "/feeds/latest.rss", "/sitemap.xml"])
def test_item9_a_forged_port_stays_out_of_absolute_urls(client, published, path):
    response = client.get(path, HTTP_HOST="gazette.example.org:6666")
    assert response.status_code == 200
    assert "http://gazette.example.org/" in response.text
    assert ":6666" not in response.text


def test_item9_the_port_of_site_url_is_kept(client, published):
    response = client.get("/robots.txt", HTTP_HOST="localhost:8000")
    assert "http://localhost:8000/sitemap.xml" in response.text


@pytest.mark.parametrize("email", ["x@[127.0.0.1]", "x@[IPv6:::1]", "x@10.0.0.25"])
def test_item9_ip_literal_addresses_are_refused(client, mailoutbox, email):
    response = client.post("/alerts/subscribe/", {"email": email, "frequency": "daily", "params": "q=budget"})
    assert response.status_code == 400
    assert not Subscription.objects.exists() and mailoutbox == []
