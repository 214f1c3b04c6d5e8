"""/api/search.csv: every article a search matches, one row each, the count of the API, safe in a spreadsheet."""

import csv
import datetime
import io
import re
from html import unescape

import pytest

from archive.search import export, indexing
from tests.factories import make_article

pytestmark = pytest.mark.django_db

SEARCHES = [
    {},
    {"q": "Khai"},
    {"q": "government", "sort": "oldest"},
    {"q": "Ле Минь Кхай", "language": ["en", "vi"]},
    {"official": "le-minh-khai"},
    {"topic": "government-office", "year": "2024"},
    {"from": "2024-01-13", "to": "2024-12-31"},
    {"q": "nothing-matches-this"},
]


def download(client, params):
    response = client.get("/api/search.csv", params)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.DictReader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("params", SEARCHES, ids=lambda p: "&".join(f"{k}={v}" for k, v in p.items()) or "all")
def test_one_row_per_article_and_the_same_count_as_the_api(client, seeds, params):
    api = client.get("/api/search/", params).json()

    response, rows = download(client, params)

    assert len(rows) == api["count"] == int(response["X-Result-Count"])
    assert len({row["id"] for row in rows}) == len(rows)
    assert response["X-Export-Truncated"] == "false"
    # The API's results (one per story) are among the rows, in the same order.
    listed = [int(row["id"]) for row in rows]
    assert [r["id"] for r in api["results"] if r["id"] in listed] == [r["id"] for r in api["results"]]
    assert [listed.index(r["id"]) for r in api["results"]] == sorted(listed.index(r["id"]) for r in api["results"])


def test_a_story_with_three_matching_variants_gives_three_rows(client, seeds):
    _, rows = download(client, {"q": "Khai"})
    story = seeds["en"].story_id
    assert sorted(row["language"] for row in rows if int(row["story"]) == story) == ["en", "ru", "vi"]


def test_columns_hold_the_articles_metadata(client, seeds):
    ru = seeds["ru"]
    ru.source_name = "Công Luận"
    ru.save()

    _, rows = download(client, {"language": "ru"})

    assert list(rows[0]) == list(export.COLUMNS)
    [row] = rows
    assert row == {
        "id": str(ru.pk),
        "url": f"http://testserver/articles/{ru.slug}/",
        "title": ru.title,
        "language": "ru",
        "published": "2024-01-13",
        "source": "Công Luận",
        "officials": "Lê Minh Khái",
        "topics": "Government Office",
        "story": str(ru.story_id),
    }


def test_cells_that_a_spreadsheet_would_run_are_quoted(client, seeds):
    make_article(title='=HYPERLINK("http://evil.example","click")', source_name="@SUM(A1)")
    make_article(title="+1 and -2: the budget", source_name="-minus")
    indexing.rebuild()

    _, rows = download(client, {"year": "2024", "q": "HYPERLINK OR budget"})

    assert len(rows) == 2
    cells = {row["title"]: row["source"] for row in rows}
    assert cells == {'\'=HYPERLINK("http://evil.example","click")': "'@SUM(A1)", "'+1 and -2: the budget": "'-minus"}


def test_the_export_is_capped_and_says_so(client, seeds, monkeypatch):
    monkeypatch.setattr(export, "MAX_ROWS", 2)

    response, rows = download(client, {})

    assert len(rows) == 2
    assert response["X-Result-Count"] == "5"
    assert response["X-Export-Limit"] == "2"
    assert response["X-Export-Truncated"] == "true"
    page = client.get("/search/").content.decode()
    assert "(the first 2 articles)" in page


def test_the_export_streams(client, seeds):
    response = client.get("/api/search.csv")
    assert response.streaming
    assert response["Content-Disposition"] == 'attachment; filename="gazette-search.csv"'


def test_search_page_advertises_the_csv_of_that_same_search(client, seeds):
    params = {"q": "government", "language": "en", "sort": "oldest", "page": "1"}
    html = client.get("/search/", params).content.decode()

    link = re.search(r'<link rel="alternate" type="text/csv" title="[^"]*" href="([^"]+)">', html)
    visible = re.search(r'<a href="([^"]+)" type="text/csv" download>', html)

    assert link and visible and link.group(1) == visible.group(1)
    href = unescape(link.group(1))
    assert href == "/api/search.csv?q=government&language=en&sort=oldest"
    response = client.get(href)
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert len(rows) == client.get("/api/search/", params).json()["count"] > 0
    assert {row["language"] for row in rows} == {"en"}


def test_api_points_to_its_csv(client, seeds):
    response = client.get("/api/search/", {"q": "Khai", "page": "1"})
    data = response.json()
    assert data["csv"] == "http://testserver/api/search.csv?q=Khai"
    assert response["Link"] == '<http://testserver/api/search.csv?q=Khai>; rel="alternate"; type="text/csv"'


def test_bad_parameters_still_give_a_csv(client, seeds):
    _, rows = download(client, {"page": "x", "sort": "sideways", "year": "20x4", "from": "soon", "q": '"'})
    assert len(rows) == 5


def test_unpublished_articles_are_not_exported(client, seeds):
    seeds["binh"].status = "draft"
    seeds["binh"].save()
    _, rows = download(client, {})
    assert len(rows) == 4 and str(seeds["binh"].pk) not in {row["id"] for row in rows}


def test_dates_are_iso_and_stories_follow_the_sort_with_their_variants_together(client, seeds):
    _, rows = download(client, {"sort": "oldest"})
    stories = list(dict.fromkeys(row["story"] for row in rows))
    first_dates = [next(row["published"] for row in rows if row["story"] == story) for story in stories]
    assert first_dates == sorted(first_dates) and first_dates[0] == seeds["binh"].published.isoformat()
    # A story's rows are together.
    assert [row["story"] for row in rows] == [story for story in stories for row in rows if row["story"] == story]
    assert all(datetime.date.fromisoformat(row["published"]) for row in rows)
