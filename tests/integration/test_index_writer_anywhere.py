"""Exactly one index writer however Gazette is served, and an operator told when none applies changes: real
gunicorn (plain, preloaded, with its config file) and runserver processes, uploads and edits through the admin,
the writing worker killed with SIGKILL."""

import itertools
import json
import os
import signal
import time

import pytest

from tests.integration.site import Editor, Site, unique_word, urllib, wait_for

pytestmark = [pytest.mark.slow]

SEARCHABLE_WITHIN = 5.0
_words = itertools.count(1)


def fresh_word():
    """A word no other test of the module used (they share one site)."""
    return unique_word(next(_words))


@pytest.fixture(scope="module")
def prepared(tmp_path_factory):
    """One migrated site for the module (each test serves it anew and uses words of its own)."""
    site = Site(tmp_path_factory.mktemp("site") / "data")
    site.data_dir.mkdir()
    site.setup()
    yield site
    site.drop_database()


@pytest.fixture
def site(prepared):
    yield prepared
    prepared.stop()


def upload_document(word):
    line = {
        "title": f"Budget plan {word}",
        "body": f"<p>The ministry published the {word} budget plan today.</p>",
        "language": "en",
        "published": "2024-03-12",
        "source_url": f"https://example.org/{word}",
    }
    return (json.dumps(line) + "\n").encode()


def searchable(site, word):
    return site.search_ids(word)[1] == 1


def writer_pid(site):
    text = (site.data_dir / "whoosh.writer.lock").read_text().strip()
    return int(text) if text else None


@pytest.mark.parametrize(
    "serve",
    [
        pytest.param(lambda site: site.serve(workers=2, config=False), id="plain-gunicorn"),
        pytest.param(lambda site: site.serve(workers=2, config=False, options=["--preload"]), id="preloaded-gunicorn"),
        pytest.param(lambda site: site.runserver(), id="runserver"),
    ],
)
def test_an_admin_upload_is_searchable_within_seconds_however_the_app_is_served(site, serve):
    serve(site)
    editor = Editor(site)
    word = fresh_word()
    started = time.monotonic()
    result = editor.upload("budget.jsonl", upload_document(word))
    assert "1 created" in result
    assert wait_for(lambda: searchable(site, word), SEARCHABLE_WITHIN) is not None, site.log.read_text()[-2000:]
    print(f"\nupload to searchable: {time.monotonic() - started:.2f} s")
    # And an edit of its title in the admin, the issue's own reproduction.
    pk = next(iter(site.search_ids(word)[0]))
    new_word = fresh_word()
    editor.change_article(pk, title=f"Budget plan {new_word}")
    assert wait_for(lambda: searchable(site, new_word), SEARCHABLE_WITHIN) is not None
    health = site.get_json("/healthz")
    assert health["status"] == "ok" and health["index_pending"] == 0


def test_when_the_writing_worker_is_killed_another_takes_over_within_seconds(site):
    site.serve(workers=3)  # with config/gunicorn.conf.py: every worker tries for the lock from its start
    assert wait_for(lambda: writer_pid(site) is not None, 10) is not None
    holder = writer_pid(site)
    os.kill(holder, signal.SIGKILL)
    word = fresh_word()
    # A change made by another process (the ORM, as a shell or a script would) while the writer is dead.
    site.django(
        "from tests.factories import make_article\n"
        f"make_article(title='Killed writer {word}', body='<p>Text about the {word} plan.</p>')"
    )
    assert wait_for(lambda: searchable(site, word), SEARCHABLE_WITHIN) is not None, site.log.read_text()[-2000:]
    assert writer_pid(site) not in (None, holder)
    assert site.log.read_text().count("index writer started") >= 2


def test_with_an_external_writer_and_none_running_healthz_and_the_admin_say_so(site):
    site.serve(workers=2, env={"GAZETTE_INDEXER": "external", "GAZETTE_INDEX_MAX_LAG": "1"})
    editor = Editor(site)
    word = fresh_word()
    result = editor.upload("budget.jsonl", upload_document(word))
    assert "1 published article is not searchable yet" in result
    time.sleep(1.5)
    with pytest.raises(urllib.error.HTTPError) as answer:
        site.get("/healthz")
    assert answer.value.code == 503
    body = answer.value.read().decode()
    assert "no index writer is applying them" in body
    assert 'id="index-backlog"' in editor.page("/admin/")
    assert not searchable(site, word)
    # The standalone writer, as GAZETTE_INDEXER=external expects, catches up; health comes back.
    indexer = site.popen_manage("run_indexer")
    try:
        assert wait_for(lambda: searchable(site, word), SEARCHABLE_WITHIN) is not None
        assert site.get_json("/healthz")["status"] == "ok"
        assert 'id="index-backlog"' not in editor.page("/admin/")
    finally:
        indexer.terminate()
        indexer.wait(timeout=30)


def test_run_indexer_waits_while_a_web_process_writes_and_takes_over_when_it_stops(site):
    site.serve(workers=1)
    assert wait_for(lambda: writer_pid(site) is not None, 10) is not None
    indexer = site.popen_manage("run_indexer")
    try:
        time.sleep(2)
        assert indexer.poll() is None
        web_writer = writer_pid(site)
        assert web_writer != indexer.pid
        site.stop()
        assert wait_for(lambda: writer_pid(site) == indexer.pid, 10) is not None
    finally:
        indexer.terminate()
        indexer.wait(timeout=30)
