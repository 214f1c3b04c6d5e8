"""Index integrity with real processes on loopback: gunicorn workers and its index writer, editors saving and
unpublishing over HTTP while readers search, a writer killed mid-batch, and a rebuild under continuous search.

Each test is bounded in time. Lag figures are written to test-artifacts/index-lag.json."""

import json
import os
import signal
import statistics
import threading
import time
from pathlib import Path

import pytest

from tests.integration.site import Editor, articles_jsonl, unique_word, urllib, wait_for

pytestmark = [pytest.mark.slow]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
VISIBLE_WITHIN = 10.0  # seconds: the bound asserted here; the measured figures are far below it


class Readers:
    """Clients searching continuously; every answer is recorded."""

    def __init__(self, site, queries, count=3):
        self.site, self.queries = site, queries
        self.statuses, self.errors = [], []
        self.stopping = threading.Event()
        self.threads = [threading.Thread(target=self._run, args=(n,), daemon=True) for n in range(count)]

    def _run(self, n):
        paths = ["/api/search/?q={}", "/search/?q={}", "/api/search/?language=en&q={}", "/feeds/search.rss?q={}"]
        i = n
        while not self.stopping.is_set():
            q = urllib.parse.quote(self.queries[i % len(self.queries)])
            path = paths[i % len(paths)].format(q)
            i += 1
            try:
                status, _ = self.site.get(path)
                self.statuses.append(status)
            except Exception as error:  # an HTTP error status or a dropped connection: both are failures here
                self.errors.append(f"{path}: {error!r}")

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=30)


def test_parallel_editors_and_readers_every_change_shows_in_search_and_no_request_fails(site):
    site.setup(articles=30)
    site.serve(workers=3)
    ids = sorted(site.get_json("/api/search/?sort=oldest")["results"], key=lambda r: r["id"])
    assert site.get_json("/api/search/")["count"] == 30
    article_ids = sorted(hit["id"] for hit in ids)
    assert len(article_ids) == 20  # the first page; enough articles to edit
    editors = [Editor(site), Editor(site)]
    lags, takedown_leaks, failures = [], [], []

    def edit(editor, pks, worker):
        for round_, pk in enumerate(pks):
            try:
                word = unique_word(10_000 + worker * 100 + round_)
                editor.change_article(pk, title=f"Edited report {word}")
                saved = time.monotonic()
                seen = wait_for(lambda w=word, p=pk: site.search_ids(w)[0] == {p}, VISIBLE_WITHIN)
                if seen is None:
                    failures.append(f"edit of {pk} not searchable within {VISIBLE_WITHIN} s")
                else:
                    lags.append(time.monotonic() - saved)
                editor.action("unpublish", pk)
                # At once: the response is back, so search must already leave the article out.
                if pk in site.search_ids(word)[0]:
                    takedown_leaks.append(pk)
                editor.action("publish", pk)
                published = time.monotonic()
                seen = wait_for(lambda w=word, p=pk: site.search_ids(w)[0] == {p}, VISIBLE_WITHIN)
                if seen is None:
                    failures.append(f"republished {pk} not searchable within {VISIBLE_WITHIN} s")
                else:
                    lags.append(time.monotonic() - published)
            except Exception as error:
                failures.append(f"editor {worker} on {pk}: {error!r}")

    queries = ["government", "budget meeting", '"budget meeting"', "report -item", unique_word(3), "qz OR report"]
    with Readers(site, queries) as readers:
        threads = [
            threading.Thread(target=edit, args=(editors[n], article_ids[n::2][:4], n), daemon=True) for n in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=180)
    assert not failures, failures
    assert not takedown_leaks, f"unpublished articles still found: {takedown_leaks}"
    assert readers.statuses and set(readers.statuses) == {200}, readers.errors[:5]
    assert not readers.errors, readers.errors[:5]
    assert len(lags) == 16
    log = site.log.read_text()
    assert "LockError" not in log and "Traceback" not in log, log[-3000:]
    # The index agrees with the database once the writer is idle.
    assert wait_for(lambda: site.get_json("/healthz")["index_pending"] == 0, 30) is not None
    assert site.manage("check_index").returncode == 0
    ARTIFACTS.mkdir(exist_ok=True)
    report = {
        "changes": len(lags),
        "median_s": round(statistics.median(lags), 3),
        "max_s": round(max(lags), 3),
        "searches": len(readers.statuses),
    }
    (ARTIFACTS / "index-lag.json").write_text(json.dumps(report, indent=2))
    print(f"\nsave-to-search lag over {len(lags)} changes: median {report['median_s']} s, max {report['max_s']} s")


def test_the_index_writer_killed_mid_batch_loses_nothing(site):
    site.setup()
    source = articles_jsonl(site.data_dir / "many.jsonl", 400)
    # Queue 400 new articles without applying them (what an upload does; the import command would apply them).
    site.django(
        "from archive.ingest.formats import Limits, iter_paths\n"
        "from archive.ingest.pipeline import Importer\n"
        f"print(len(list(Importer().run(iter_paths([{str(source)!r}], Limits.from_settings())))))"
    )
    counts = "from archive.models import IndexChange as C; print(C.objects.count(), C.objects.pending().count())"

    def pending():
        total, waiting = map(int, site.django(counts).split())
        return total, waiting

    assert pending() == (400, 400)
    writer = site.popen_manage("run_indexer", "--batch-size", "50", "--poll", "0.05")
    database = site.env.get("DATABASE_URL", "")
    progressed = wait_for(lambda: 0 < _applied(site, database) < 400, 120, interval=0.01)
    assert progressed is not None, "the writer applied nothing"
    os.killpg(writer.pid, signal.SIGKILL)
    writer.wait(timeout=10)
    total, waiting = pending()
    assert total == 400 and 0 < waiting < 400, "the kill did not land mid-run"
    # A new writer takes over (the dead one's lock died with it) and applies the rest.
    site.manage("run_indexer", "--once")
    assert pending() == (400, 0)
    result = site.manage("check_index")
    assert "index: 400 documents; database: 400 published articles" in result.stdout


def _applied(site, database):
    """Changes applied so far, read straight from the database (fast enough to catch a batch in flight)."""
    if database:
        import psycopg

        with psycopg.connect(database) as connection:
            return connection.execute("SELECT count(*) FROM archive_indexchange WHERE applied IS NOT NULL").fetchone()[
                0
            ]
    import sqlite3

    with sqlite3.connect(site.data_dir / "gazette.sqlite3", timeout=10) as connection:
        return connection.execute("SELECT count(*) FROM archive_indexchange WHERE applied IS NOT NULL").fetchone()[0]


def test_search_never_blanks_or_shrinks_during_a_rebuild_and_follows_the_new_index(site):
    site.setup(articles=300)
    site.serve(workers=2)
    before = site.get_json("/healthz")["index_generation"]
    observed, errors = [], []
    stopping = threading.Event()

    def poll():
        while not stopping.is_set():
            for path in ("/api/search/?q=government", "/api/search/", "/api/search/?q=budget&language=en"):
                try:
                    observed.append(site.get_json(path)["count"])
                except Exception as error:
                    errors.append(repr(error))

    threads = [threading.Thread(target=poll, daemon=True) for _ in range(2)]
    for thread in threads:
        thread.start()
    try:
        site.manage("rebuild_index", "--noinput", timeout=300)
        time.sleep(0.5)  # a few more searches on the new generation
    finally:
        stopping.set()
        for thread in threads:
            thread.join(timeout=30)
    assert not errors, errors[:5]
    assert len(observed) > 20
    assert set(observed) == {300}, sorted(set(observed))
    after = site.get_json("/healthz")
    assert after["index_generation"].split(":")[0] != before.split(":")[0]  # a new generation, no restart
    assert after["index_documents"] == 300
