"""Test settings: every test run gets its own data dir, Whoosh index on disk and cache."""

import shutil
import tempfile
from pathlib import Path

import pytest

# pytest-django loads settings before this file, so paths under the data dir are overridden here.
_DATA_DIR = Path(tempfile.mkdtemp(prefix="gazette-test-"))


def pytest_configure(config):
    from django.conf import settings

    settings.MEDIA_ROOT = _DATA_DIR / "uploads"
    settings.STATIC_ROOT = _DATA_DIR / "static"
    settings.STATIC_ROOT.mkdir()
    settings.HAYSTACK_CONNECTIONS["default"]["PATH"] = str(_DATA_DIR / "whoosh")
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


def pytest_unconfigure(config):
    shutil.rmtree(_DATA_DIR, ignore_errors=True)


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
    original = info.get("PATH")
    info["PATH"] = str(tmp_path / "whoosh")
    connections.reload("default")

    def reindex():
        indexing.rebuild()

    yield reindex
    info["PATH"] = original
    connections.reload("default")


@pytest.fixture
def seeds(whoosh_index):
    """The seed articles (tests/search_seeds.py), indexed, with a fresh alias table."""
    from archive.search import aliases
    from tests.search_seeds import make_seed_articles

    aliases.invalidate()
    articles = make_seed_articles()
    whoosh_index()
    return articles
