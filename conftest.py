"""Test settings: every test run gets its own data dir, Whoosh index on disk and cache.

With SEARCH_URL naming Elasticsearch/OpenSearch, the search engine is that one instead: the run gets an index
of its own there (`<index>_test_<random>`, deleted afterwards), brought in line with the database for each
`whoosh_index` test.
"""

import shutil
import tempfile
import uuid
from pathlib import Path

import pytest

# pytest-django loads settings before this file, so paths under the data dir are overridden here.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="gazette-test-"))


def pytest_configure(config):
    from django.conf import settings

    settings.MEDIA_ROOT = _DATA_DIR / "uploads"
    settings.STATIC_ROOT = _DATA_DIR / "static"
    settings.STATIC_ROOT.mkdir()
    connection = settings.HAYSTACK_CONNECTIONS["default"]
    if _on_engine(connection):
        connection["INDEX_NAME"] = _test_index_name(connection)
    else:
        connection["PATH"] = str(_DATA_DIR / "whoosh")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pytest_unconfigure(config):
    from haystack import connections

    shutil.rmtree(_DATA_DIR, ignore_errors=True)
    if _on_engine(connections.connections_info["default"]):
        _delete_index(connections.connections_info["default"])


def _on_engine(connection):
    """Whether the test run's search connection is an Elasticsearch/OpenSearch engine (not Whoosh)."""
    return "INDEX_NAME" in connection


def _test_index_name(connection):
    return f"{connection['INDEX_NAME'].split('_test_')[0]}_test_{uuid.uuid4().hex[:8]}"


def _delete_index(connection):
    from haystack import connections

    connections.reload("default")
    connections["default"].get_backend().conn.indices.delete(index=f"{connection['INDEX_NAME']}*", ignore=404)


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with an empty cache: pages and feeds cached by another test are not its own."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def whoosh_index(tmp_path, settings):
    """A fresh, real Whoosh index on disk for one test; returns a function that rebuilds it from the database
    (what is published becomes searchable, as after `rebuild_index`)."""
    from haystack import connections

    from archive.search import indexing

    info = connections.connections_info["default"]
    if _on_engine(info):
        yield _engine_index()
        return
    original = info["PATH"]
    info["PATH"] = str(tmp_path / "whoosh")
    connections.reload("default")

    def reindex():
        indexing.rebuild()

    yield reindex
    info["PATH"] = original
    connections.reload("default")


def _engine_index():
    """On an engine: the run's index, brought in line with the database now and by the function returned (as
    `check_index --repair` does: what earlier tests left is removed). A new index per test, or a rebuild's new
    generation, would cost the engine seconds of cluster work each."""
    from archive.search import indexing

    def reindex():
        indexing.write(indexing.compare().ids)

    reindex()
    return reindex


@pytest.fixture
def seeds(whoosh_index):
    """The seed articles (tests/search_seeds.py), indexed, with a fresh alias table."""
    from archive.search import aliases
    from tests.search_seeds import make_seed_articles

    aliases.invalidate()
    articles = make_seed_articles()
    whoosh_index()
    return articles
