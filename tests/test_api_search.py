"""/api/search/: DESIGN's JSON schema, the same answer as the page, and no 500 on any input."""

import pytest

from archive.search import query

pytestmark = pytest.mark.django_db

RESULT_KEYS = {"id", "url", "title", "language", "published", "officials", "topics", "story", "variants", "snippet"}


def api(client, **params):
    response = client.get("/api/search/", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_schema(client, seeds):
    data = api(client, q="Ле Минь Кхай", language=["en", "vi"])
    assert {"count", "page", "pages", "results", "facets", "suggestion"} <= set(data)
    assert (data["count"], data["page"], data["pages"]) == (2, 1, 1)
    (result,) = data["results"]
    assert set(result) >= RESULT_KEYS
    assert result["language"] in ("en", "vi")
    assert result["url"].startswith("http://testserver/articles/")
    assert result["officials"] == [{"slug": "le-minh-khai", "name": "Lê Minh Khái"}]
    assert result["story"] == seeds["en"].story_id
    assert {v["language"] for v in result["variants"]} == {"en", "ru", "vi"} - {result["language"]}
    assert "<mark>" in result["snippet"]
    assert set(data["facets"]) >= {"language", "official", "topic", "year"}
    for values in data["facets"].values():
        for value in values:
            assert set(value) == {"value", "label", "count", "selected"}
    language = {v["value"]: (v["count"], v["selected"]) for v in data["facets"]["language"]}
    assert language == {"en": (1, True), "ru": (1, False), "vi": (1, True)}


def test_same_answer_as_the_page(client, seeds):
    params = {"q": "government", "sort": "oldest"}
    data = api(client, **params)
    result = query.run({k: [v] for k, v in params.items()})
    assert data["count"] == result.count
    assert [r["id"] for r in data["results"]] == [h.article.pk for h in result.hits]
    html = client.get("/search/", params).content.decode()
    positions = [html.index(f'href="{h.article.get_absolute_url()}"') for h in result.hits]
    assert positions == sorted(positions)
    assert f'role="status">{data["count"]} articles found' in html


def test_bad_parameters_give_notices_not_errors(client, seeds):
    data = api(client, page="x", sort="sideways", year="20x4", **{"from": "soon"})
    assert data["page"] == 1 and data["count"] == 5
    assert len(data["notices"]) == 4
    beyond = api(client, page="50")
    assert beyond["results"] == [] and beyond["page"] == 50 and beyond["notices"]


def test_suggestion(client, seeds):
    assert api(client, q="gouvernment")["suggestion"] == "government"
    assert api(client, q="government")["suggestion"] is None


def test_empty_index_answers(client, whoosh_index):
    whoosh_index()
    data = api(client, q="anything")
    assert data["count"] == 0 and data["results"] == []
