"""One node of a live 3-node OpenSearch cluster killed (kill -9) while a reader searches and the index writer
applies changes, then started again.

Runs against the cluster of `make opensearch` (ops/opensearch/), which CI starts:

    make opensearch
    OPENSEARCH_DIR=var/opensearch SEARCH_URL=opensearch://127.0.0.1:9201,127.0.0.1:9202,127.0.0.1:9203/gazette \\
        .venv/bin/pytest -s tests/integration/test_opensearch_node_failure.py

OPENSEARCH_DIR is where the cluster keeps its nodes' process ids (to kill one and start it again). The
figures (searches, failures, how long the failover disturbed readers) are printed and written to
test-artifacts/node-failure.json.
"""

import json
import os
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import pytest
from haystack import connections

from archive.search import indexing
from archive.search.engine import EngineRequest
from tests.factories import make_article
from tests.integration.conftest import LIVE

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "ops" / "opensearch" / "cluster"
OPENSEARCH_DIR = os.environ.get("OPENSEARCH_DIR", "")
NODES = 3

pytestmark = [
    pytest.mark.skipif(
        not (LIVE and OPENSEARCH_DIR),
        reason="needs the cluster of `make opensearch`: set SEARCH_URL=opensearch://… and OPENSEARCH_DIR",
    ),
    pytest.mark.slow,
    pytest.mark.django_db,
]

BEFORE = 3.0  # seconds of reading and writing before the kill
AFTER = 10.0  # … and after it, before the node is started again
REJOIN = 240.0  # seconds the killed node has to rejoin and the cluster to turn green


@dataclass
class Reads:
    searches: int = 0
    failed_attempts: int = 0  # first attempts that failed (error or short count); each is retried once
    failed: int = 0  # searches that failed after the retry too
    failure_times: list = field(default_factory=list)
    slowest: float = 0.0


def read_until(stop, expected_at_least, reads):
    """A reader: match-all searches, each retried once, until `stop`. Its own client (haystack's is per thread)."""
    backend = connections["default"].get_backend()
    while not stop.is_set():
        started = time.monotonic()
        for _attempt in range(2):
            try:
                if backend.find(EngineRequest(parsed=None, limit=10)).count >= expected_at_least:
                    break
            except Exception:  # any failure counts; the figures say how many
                pass
            reads.failed_attempts += 1
            reads.failure_times.append(time.monotonic())
        else:
            reads.failed += 1
        reads.searches += 1
        reads.slowest = max(reads.slowest, time.monotonic() - started)


class Writer:
    """Editors' changes (a new article, an edited one) applied step by step, as run_indexer does; a step that
    fails is retried at the next one (its changes stay pending)."""

    def __init__(self):
        self.steps = self.failed_steps = 0
        self.articles = []

    def step(self):
        self.steps += 1
        self.articles.append(make_article(title=f"Failover note {self.steps}"))
        if len(self.articles) > 1:
            edited = self.articles[self.steps // 2]
            edited.title = f"{edited.title} revised"
            edited.save()
        try:
            indexing.drain(timeout=5)
        except Exception:  # counted; the changes stay pending
            self.failed_steps += 1
            time.sleep(0.2)

    def run_for(self, seconds):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            self.step()


def copies(backend):
    """{node name: shard role} of the live index's one shard."""
    (index,) = backend.live_indexes()
    shards = backend.conn.cat.shards(index=index, format="json")
    return {s["node"]: s["prirep"] for s in shards if s["state"] == "STARTED"}


def pid_of(node):
    return int((Path(OPENSEARCH_DIR) / f"{node}.pid").read_text())


def green(backend, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            wait = f"{max(min(int(timeout), 5), 1)}s"
            health = backend.conn.cluster.health(wait_for_status="green", wait_for_nodes=str(NODES), timeout=wait)
            if health["status"] == "green" and not health["timed_out"]:
                return True
        except Exception:  # a node may still be starting
            time.sleep(1)
    return False


def test_killing_a_node_loses_no_search_and_no_applied_change(engine, capsys):
    assert green(engine, 60), "the cluster is not green with 3 nodes before the test"
    for _ in range(30):
        make_article(title="Standing article")
    indexing.drain()
    initial = 30
    assert sorted(copies(engine).values()) == ["p", "r", "r"], "a copy of the index on every node"
    primary = next(node for node, role in copies(engine).items() if role == "p")

    reads, stop = Reads(), threading.Event()
    reader = threading.Thread(target=read_until, args=(stop, initial, reads))
    writer = Writer()
    reader.start()
    try:
        writer.run_for(BEFORE)
        os.kill(pid_of(primary), 9)
        killed_at = time.monotonic()
        writer.run_for(AFTER)
        subprocess.run([str(CLUSTER), "start", OPENSEARCH_DIR, primary.removeprefix("node-")], check=True)
        while not green(engine, 1) and time.monotonic() - killed_at < REJOIN:
            writer.step()
        rejoined = time.monotonic() - killed_at
    finally:
        stop.set()
        reader.join(timeout=60)
    indexing.drain()

    diff = indexing.compare()
    figures = {
        "killed": f"{primary} (held the primary)",
        **{k: v for k, v in asdict(reads).items() if k not in {"failure_times", "slowest"}},
        "slowest_search_s": round(reads.slowest, 3),
        "disturbed_s": round(max(reads.failure_times) - min(reads.failure_times), 3) if reads.failure_times else 0,
        "writer_steps": writer.steps,
        "writer_failed_steps": writer.failed_steps,
        "articles_written": len(writer.articles),
        "rejoined_and_green_s": round(rejoined, 1),
        "index_documents": diff.indexed,
        "published": diff.published,
    }
    Path(ROOT / "test-artifacts").mkdir(exist_ok=True)
    (ROOT / "test-artifacts" / "node-failure.json").write_text(json.dumps(figures, indent=2))
    with capsys.disabled():
        print("\nnode failure:", json.dumps(figures))
    assert rejoined < REJOIN, "the killed node did not rejoin (cluster not green again)"
    assert reads.searches > 0 and reads.failed == 0, figures
    assert not diff, f"index and database differ after the node rejoined: {diff}"
    assert diff.indexed == initial + len(writer.articles)
    assert sorted(copies(engine).values()) == ["p", "r", "r"]
