"""A full disk, for real: the data dir on a small tmpfs, filled up while gunicorn serves. Pages are served
uncached, /healthz says the disk is full, an import stops with a clear reason and keeps what it saved, a failed
rebuild cleans up after itself, and the index writer catches up within seconds once space is back.

Needs the right to mount a tmpfs (root in a container that allows it); skipped otherwise."""

import json
import shutil
import subprocess
import uuid

import pytest

from tests.integration.site import Site, urllib, wait_for

pytestmark = [pytest.mark.slow]

SIZE_MB = 48


@pytest.fixture
def tmpfs(tmp_path):
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={SIZE_MB}m", "tmpfs", str(mount)], capture_output=True, check=False
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


@pytest.fixture
def site(tmpfs):
    site = Site(tmpfs / "data")
    site.data_dir.mkdir()
    # The static files live elsewhere: they are not what this test fills.
    site.env["GAZETTE_STATIC_ROOT"] = str(tmpfs.parent / "static")
    site.env["GAZETTE_DISK_MIN_FREE_MB"] = "2"
    yield site
    site.stop()
    site.drop_database()


def fill(directory, leave_mb=0):
    """Write a file until the disk is full (or only `leave_mb` is left); returns it."""
    filler = directory / f"filler-{uuid.uuid4().hex}"
    chunk = b"\0" * 2**20
    try:
        with filler.open("wb") as handle:
            while shutil.disk_usage(directory).free > (leave_mb + 1) * 2**20:
                handle.write(chunk)
                handle.flush()
            while not leave_mb:
                handle.write(chunk[:4096])
                handle.flush()
    except OSError:  # full: what this is for
        pass
    return filler


def status_of(site, path):
    try:
        return site.get(path)[0]
    except urllib.error.HTTPError as error:
        return error.code


def big_articles(path, count, start=0):
    lines = []
    for n in range(start, start + count):
        body = " ".join(f"Budget line {n}-{k} was discussed by the ministry." for k in range(40))
        lines.append(
            json.dumps(
                {
                    "title": f"Budget report {n}",
                    "body": f"<p>{body}</p>",
                    "language": "en",
                    "published": "2024-05-01",
                    "source_url": f"https://example.org/b/{n}",
                }
            )
        )
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_a_full_disk_is_survived_and_everything_catches_up_once_space_is_back(site, tmpfs):
    site.setup()
    site.serve(workers=2)
    source = big_articles(tmpfs.parent / "big.jsonl", 3000)  # about 8 MB of articles, on another disk

    filler = fill(tmpfs, leave_mb=3)
    result = site.manage("import_articles", str(source), check=False, timeout=600)
    assert result.returncode == 1
    assert "import stopped: the disk is full" in result.stderr, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    assert " created, " in result.stdout  # the summary of what it did before
    saved = int(site.django("from archive.models import Article; print(Article.objects.count())"))

    fill(tmpfs)  # whatever was left
    for path in ("/", "/search/?q=budget", "/archive/", "/search/?q=ministry&page=2"):
        assert status_of(site, path) == 200, path
    try:
        site.get("/healthz")
        raise AssertionError("healthz said ok on a full disk")
    except urllib.error.HTTPError as error:
        assert error.code == 503
        assert "MB free" in json.loads(error.read())["disk_low"]

    # A rebuild that cannot finish removes its partial generation.
    before = sorted(p.name for p in site.data_dir.glob("whoosh.gen-*"))
    rebuild = site.manage("rebuild_index", "--noinput", check=False)
    assert rebuild.returncode != 0
    assert sorted(p.name for p in site.data_dir.glob("whoosh.gen-*")) == before

    # Space is back: the index writer (a web worker) catches up within seconds, health comes back.
    for path in tmpfs.glob("filler-*"):
        path.unlink()
    assert filler not in tmpfs.iterdir()
    assert wait_for(lambda: site.manage("check_index", check=False).returncode == 0, 30, interval=1) is not None
    assert site.search_ids("budget")[1] == saved
    assert wait_for(lambda: status_of(site, "/healthz") == 200, 10) is not None
