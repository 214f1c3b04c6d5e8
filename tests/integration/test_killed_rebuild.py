"""`kill -9` of a rebuild while its helper processes write: they die with it, and the next rebuild removes the
partial generation it left."""

import os
import signal
from pathlib import Path

import pytest

from tests.integration.site import wait_for

pytestmark = [pytest.mark.slow]


def children(pid):
    """Live (not zombie) processes whose parent is `pid`."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(line.split(":\t", 1) for line in status.read_text().splitlines() if ":\t" in line)
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(pid) and not fields.get("State", "").startswith("Z"):
            found.append(int(status.parent.name))
    return found


def alive(pid):
    try:
        state = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "State:\tZ" not in state


def test_a_killed_rebuild_leaves_no_orphans_and_the_next_removes_its_partial_generation(site):
    site.setup(articles=1000)  # enough that the rebuild still writes when its helpers have started
    before = {p.name for p in site.data_dir.glob("whoosh.gen-*")}
    rebuild = site.popen_manage("rebuild_index", "--noinput")
    assert wait_for(lambda: len(children(rebuild.pid)) >= 2, 60, interval=0.02) is not None, "no helpers started"
    helpers = children(rebuild.pid)
    os.kill(rebuild.pid, signal.SIGKILL)
    rebuild.wait(timeout=10)
    assert wait_for(lambda: not any(alive(pid) for pid in helpers), 5) is not None, "helpers outlived the rebuild"
    leftovers = {p.name for p in site.data_dir.glob("whoosh.gen-*")} - before
    assert leftovers, "the kill came after the rebuild finished"

    again = site.manage("rebuild_index", "--noinput")
    assert "removed generations left by interrupted rebuilds" in again.stderr
    assert not leftovers & {p.name for p in site.data_dir.glob("whoosh.gen-*")}
    assert site.manage("check_index").returncode == 0
