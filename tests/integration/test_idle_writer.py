"""An idle index writer leaves the index alone: after an import whose segments the merge rule cannot merge, the
generation does not move while nothing is pending (each commit would make every worker reload its searcher and
miss the page cache)."""

import time

import pytest

from tests.integration.site import articles_jsonl, wait_for

pytestmark = [pytest.mark.slow]


def toc_generation(site):
    """The live index's latest table of contents: its number is the generation every commit moves."""
    return max(int(toc.stem.rsplit("_", 1)[1]) for toc in (site.data_dir / "whoosh").glob("_MAIN_*.toc"))


def test_after_an_import_the_idle_writer_leaves_the_generation_alone(site):
    site.setup()
    source = articles_jsonl(site.data_dir / "many.jsonl", 600)
    # Queued like an upload, then applied 150 at a time: four segments of 150, which the merge rule (at most
    # 500 documents at once, at least four segments) can never merge.
    site.django(
        "from archive.ingest.formats import Limits, iter_paths\n"
        "from archive.ingest.pipeline import Importer\n"
        f"list(Importer().run(iter_paths([{str(source)!r}], Limits.from_settings())))"
    )
    writer = site.popen_manage("run_indexer", "--batch-size", "150", "--poll", "0.05")
    try:
        assert wait_for(lambda: site.manage("check_index", check=False).returncode == 0, 120, interval=1) is not None
        before = toc_generation(site)
        time.sleep(5)  # a hundred looks at an empty queue
        after = toc_generation(site)
    finally:
        writer.terminate()
        writer.wait(timeout=30)
    assert after == before
