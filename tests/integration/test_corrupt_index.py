"""A corrupt or missing search index, with real processes: searches answer a clear 503 (JSON for the API) instead
of a 500, /healthz fails, no process quietly makes an empty index, `check_index` reads every segment and reports
what it cannot read, and `check_index --repair` rebuilds it."""

import json
import os

import pytest

from tests.integration.site import Site, urllib

pytestmark = [pytest.mark.slow]

ARTICLES = 300
QUERIES = ["government", "budget", "meeting", "report", "item", "discussed", '"budget meeting"']


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    site = Site(tmp_path_factory.mktemp("site") / "data")
    site.data_dir.mkdir()
    site.setup(articles=ARTICLES)
    yield site
    site.drop_database()


@pytest.fixture
def site(prepared):
    yield prepared
    prepared.stop()
    # Each test leaves a sound index behind for the next.
    prepared.manage("check_index", "--repair")


def live(site):
    return (site.data_dir / "whoosh").resolve()


def generations(site):
    return sorted(p.name for p in site.data_dir.glob("whoosh.gen-*"))


def status_of(site, path):
    try:
        status, body = site.get(path)
    except urllib.error.HTTPError as error:
        status, body = error.code, error.read()
    return status, body


def test_a_truncated_postings_file_gives_503s_failing_health_and_a_rebuild_on_repair(site):
    postings = max(live(site).glob("*.pst"), key=lambda p: p.stat().st_size)
    os.truncate(postings, postings.stat().st_size // 2)
    site.serve(workers=1)
    failing = [q for q in QUERIES if status_of(site, "/api/search/?" + urllib.parse.urlencode({"q": q}))[0] == 503]
    assert failing, "no search read the truncated half"
    status, body = status_of(site, "/api/search/?" + urllib.parse.urlencode({"q": failing[0]}))
    assert status == 503 and "cannot be read" in json.loads(body)["message"]
    status, body = status_of(site, "/search/?" + urllib.parse.urlencode({"q": failing[0]}))
    assert status == 503 and b"Search is unavailable" in body
    status, body = status_of(site, "/healthz")
    assert status == 503 and "could not be read" in json.loads(body)["index"]
    report = site.manage("check_index", check=False)
    assert report.returncode == 1 and "cannot be read" in report.stdout
    repaired = site.manage("check_index", "--repair", check=False)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "rebuilt the index" in repaired.stdout
    # The running server follows the new generation: searches and health are back without a restart.
    assert all(status_of(site, "/api/search/?" + urllib.parse.urlencode({"q": q}))[0] == 200 for q in QUERIES)
    assert site.get_json("/healthz")["index_documents"] == ARTICLES


def test_a_removed_index_link_is_an_error_and_never_a_new_empty_index(site):
    before = generations(site)
    (site.data_dir / "whoosh").unlink()
    report = site.manage("check_index", check=False)
    assert report.returncode == 1 and "the search index is missing" in report.stdout
    site.serve(workers=1)
    status, body = status_of(site, "/api/search/?q=government")
    assert status == 503 and json.loads(body)["error"] == "search_unavailable"
    status, body = status_of(site, "/healthz")
    assert status == 503 and "missing" in json.loads(body)["index"]
    assert not (site.data_dir / "whoosh").exists() and generations(site) == before  # nothing made in its place
    repaired = site.manage("check_index", "--repair", check=False)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert site.search_ids("government")[1] == ARTICLES


def test_a_deleted_postings_file_is_reported_and_repaired_without_a_crash(site):
    next(live(site).glob("*.pst")).unlink()
    report = site.manage("check_index", check=False)
    assert report.returncode == 1 and "cannot be read" in report.stdout and "Traceback" not in report.stderr
    repaired = site.manage("check_index", "--repair", check=False)
    assert repaired.returncode == 0, repaired.stdout + repaired.stderr
    assert "the index agrees with the database" in repaired.stdout
