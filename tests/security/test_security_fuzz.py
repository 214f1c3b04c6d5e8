"""Property-based fuzz of the search page, the API and the search feed: random parameters never
produce a 5xx, and nothing from the request comes back as markup."""

import lxml.html
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import make_article
from tests.security.inert import VECTORS, assert_feed_inert, problems

pytestmark = pytest.mark.django_db

# A marker element: if it ever comes back as an element, a parameter was reflected unescaped.
CANARY = '<em data-canary="1">'
NAMES = ["q", "language", "official", "topic", "year", "month", "from", "to", "sort", "page", "full", "format", "x"]

# Django cannot encode lone surrogates into a URL, so they never reach a view.
text = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
value = st.one_of(
    text,
    st.sampled_from(VECTORS),
    st.builds(lambda a, b: a + CANARY + b, text, text),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
    st.dates().map(lambda d: d.isoformat()),
    st.sampled_from(["en", "ru", "vi", "le-minh-khai", "e-government", "newest", "relevance", "2024", "12"]),
    st.text(st.sampled_from('()"*?:^~+-!\\/ AND OR NOT'), max_size=60),
    st.just("x" * 5000),
)
params = st.dictionaries(st.sampled_from(NAMES), st.lists(value, min_size=1, max_size=3), max_size=6)

FUZZ = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


@pytest.fixture
def indexed(whoosh_index):
    make_article(title="Government office meeting on administrative reform", language="en")
    make_article(title="Заседание правительства о реформе", language="ru")
    make_article(title="Chính phủ họp về cải cách hành chính", language="vi")
    whoosh_index()


def assert_no_reflection(response, label):
    page = response.content.decode()
    assert CANARY not in page, label
    root = lxml.html.document_fromstring(page)
    assert not root.xpath("//*[@data-canary]"), label
    nonce = None
    csp = response.headers.get("Content-Security-Policy", "")
    if "'nonce-" in csp:
        nonce = csp.split("'nonce-", 1)[1].split("'", 1)[0]
    assert not problems(page, fragment=False, nonce=nonce), label


@FUZZ
@given(params=params)
def test_search_page_survives_random_parameters(client, indexed, params):
    response = client.get("/search/", params)
    assert response.status_code < 500, params
    if response.status_code == 200:
        assert_no_reflection(response, params)


@FUZZ
@given(params=params)
def test_search_api_survives_random_parameters(client, indexed, params):
    response = client.get("/api/search/", params)
    assert response.status_code < 500, params
    if response.status_code == 200:
        assert response["Content-Type"].startswith("application/json")
        body = response.json()
        assert isinstance(body["results"], list) and body["page"] >= 1
        for hit in body["results"]:
            assert CANARY not in hit["snippet"] and CANARY not in hit["title_html"], params


@settings(FUZZ, max_examples=40)
@given(params=params)
def test_search_feed_survives_random_parameters(client, indexed, params):
    response = client.get("/feeds/search.rss", params)
    assert response.status_code < 500, params
    if response.status_code == 200:
        assert_feed_inert(response, params)
