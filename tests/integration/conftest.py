"""The live search engine named by SEARCH_URL (Elasticsearch/OpenSearch), for the tests that need one."""

import os
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from haystack import connections

from archive.search import aliases
from config.settings import search_connection
from tests.integration.site import Site

SEARCH_URL = os.environ.get("SEARCH_URL", "")
LIVE = urlsplit(SEARCH_URL).scheme in {"elasticsearch", "elasticsearchs", "opensearch", "opensearchs"}


@contextmanager
def default_engine(info):
    """Make `info` the site's search connection ("default") for the duration."""
    original = connections.connections_info["default"]
    connections.connections_info["default"] = info
    connections.reload("default")
    try:
        yield connections["default"].get_backend()
    finally:
        connections.connections_info["default"] = original
        connections.reload("default")


@pytest.fixture
def engine():
    info = search_connection(SEARCH_URL)
    info["INDEX_NAME"] = f"{info['INDEX_NAME']}_test_{uuid.uuid4().hex[:8]}"
    with default_engine(info) as backend:
        assert backend.conn.ping(), f"SEARCH_URL={SEARCH_URL} names a search engine that does not answer"
        aliases.invalidate()
        try:
            backend.setup()
            yield backend
        finally:
            # The alias's generations and the writer lock's index.
            backend.conn.indices.delete(index=f"{info['INDEX_NAME']}_*", ignore=404)


@pytest.fixture
def site(tmp_path):
    """A Gazette of its own (data dir, database) for one test; its server, if started, stops after it."""
    site = Site(tmp_path / "data")
    site.data_dir.mkdir()
    yield site
    site.stop()
    site.drop_database()
