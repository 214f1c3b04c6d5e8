"""Item 10 of the second security review: a search's work is capped, not only its length. Past parse.MAX_WORDS
words the rest of the query is left out, and past the time budget what only refines the answer (the order by
words typed together, "did you mean") is dropped; either way the page and the API say so, and matches and
counts stay whole."""

import pytest

from archive.search import query
from archive.search.parse import MAX_WORDS
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles(whoosh_index):
    found = [
        make_article(language="vi", title=f"Chính phủ điện tử {n}", body="<p>Chính phủ họp về dịch vụ công.</p>")
        for n in range(3)
    ]
    whoosh_index()
    return found


def test_item10_words_past_the_cap_are_left_out_and_the_api_says_so(client, articles):
    words = " ".join(["chính phủ"] * 40)  # 80 words
    body = client.get("/api/search/", {"q": words}).json()
    assert body["limited"] is True
    assert body["count"] == 3
    assert any(str(MAX_WORDS) in notice for notice in body["notices"])
    assert client.get("/api/search/", {"q": "chính phủ"}).json()["limited"] is False


def test_item10_the_page_shows_the_notice(client, articles):
    page = client.get("/search/", {"q": '"' + "chính phủ " * 40 + '"'}).content.decode()
    assert f"Only the first {MAX_WORDS} words" in page


def test_item10_over_the_time_budget_matches_and_counts_stay_whole(client, articles, monkeypatch):
    expected = client.get("/api/search/", {"q": "chính phủ điện tử"}).json()
    monkeypatch.setattr(query, "BUDGET_SECONDS", -1.0)  # every search is past its deadline at once
    body = client.get("/api/search/", {"q": "chính phủ điện tử"}).json()
    assert body["limited"] is True
    assert body["count"] == expected["count"] == 3
    assert {hit["id"] for hit in body["results"]} == {hit["id"] for hit in expected["results"]}
    assert body["facets"] == expected["facets"]
    assert any("ranked more simply" in notice for notice in body["notices"])


def test_item10_did_you_mean_is_skipped_past_the_budget(client, articles, monkeypatch):
    assert client.get("/api/search/", {"q": "Chính phủu"}).json()["suggestion"] == "Chính phủ"
    monkeypatch.setattr(query, "BUDGET_SECONDS", -1.0)
    assert client.get("/api/search/", {"q": "Chính phủu"}).json()["suggestion"] is None
