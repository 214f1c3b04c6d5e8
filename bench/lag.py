"""Index lag: how long after an article is saved its new title is found by search, while a bulk
import runs. Needs the long-running indexer (`manage.py run_indexer`); without it, nothing is started
and the lag is reported as not available.

`measure_lag()` starts the indexer and bulk imports in the background (one after another, so that one
runs at every save while chunks last), then `probes` times:
a helper Django process renames one published article (title + a fresh unique word, ORM `save()`),
and the benchmark polls `/api/search/?q=<word>` every 50 ms until the article is found (30 s cap).
The delay is counted from the moment `save()` returned (the transaction committed).

    python -m bench.lag --helper      (the helper: reads "ID WORD" lines on stdin, answers "ok SECONDS")
"""

import json
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

from bench.common import PYTHON, ROOT, gazette_env, start_child, stop_child, summary
from bench.http import api_search
from bench.queries import querystring

POLL = 0.05
CAP = 30.0


def has_indexer(env):
    done = subprocess.run(
        [PYTHON, "manage.py", "help", "run_indexer"], env=env, cwd=ROOT, capture_output=True, check=False
    )
    return done.returncode == 0


def _word(i):
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = secrets.randbits(40) * 1000 + i
    out = ""
    while n:
        n, r = divmod(n, 26)
        out += letters[r]
    return "zqlag" + out


class _Imports:
    """Bulk imports run one after another in the background, so that one is running at every probe."""

    def __init__(self, env, paths, work_dir):
        self.env, self.pending, self.work_dir = env, list(paths), work_dir
        self.process, self.log, self.started = None, None, 0.0
        self.done = []

    def running(self):
        """True while an import runs; starts the next chunk when the last one ended."""
        if self.process is not None and self.process.poll() is not None:
            self._finish()
        if self.process is None and self.pending:
            path = self.pending.pop(0)
            self.log = open(os.path.join(self.work_dir, f"lag-import-{len(self.done) + 1}.log"), "wb")  # noqa: SIM115
            self.process = subprocess.Popen(
                [PYTHON, "manage.py", "import_articles", str(path)],
                env=self.env,
                cwd=ROOT,
                stdout=self.log,
                stderr=subprocess.STDOUT,
            )
            self.started = time.perf_counter()
        return self.process is not None

    def _finish(self):
        self.log.close()
        text = Path(self.log.name).read_text(encoding="utf-8", errors="replace")
        lines = [line for line in text.splitlines() if line.strip()]
        self.done.append(
            {
                "returncode": self.process.returncode,
                "seconds": round(time.perf_counter() - self.started, 1),
                "last_line": lines[-1][:300] if lines else "",
                "log": self.log.name,
            }
        )
        self.process = None

    def wait(self, timeout=3600):
        """Let the running import end (the chunks not started yet are dropped)."""
        if self.process is not None:
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.terminate()
                self.process.wait()
            self._finish()


def measure_lag(data_dir, port, import_paths=(), probes=20, work_dir=None):
    """{"status", "median_s", "max_s", ...}. `import_paths`: JSON Lines imported one after another in the
    background while the probes run (the next starts when one ends; the last is let finish)."""
    env = gazette_env(data_dir)
    work_dir = work_dir or data_dir
    if not has_indexer(env):
        return {"status": "n/a: manage.py run_indexer does not exist"}
    indexer = start_child([PYTHON, "manage.py", "run_indexer"], env=env, log_path=os.path.join(work_dir, "indexer.log"))
    helper = subprocess.Popen(
        [PYTHON, "-m", "bench.lag", "--helper", str(probes)],
        env=env,
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    imports = _Imports(env, import_paths, work_dir)
    delays, saves, during, timeouts, details = [], [], 0, 0, []
    try:
        ids = json.loads(helper.stdout.readline())["ids"]
        if imports.running():
            time.sleep(1.0)  # let the import get going
        for i, article_id in enumerate(ids[:probes]):
            word = _word(i)
            importing = imports.running()
            helper.stdin.write(f"{article_id} {word}\n")
            helper.stdin.flush()
            answer = helper.stdout.readline().split()
            saved = time.perf_counter()
            if not answer or answer[0] != "ok":
                raise RuntimeError(f"lag helper failed: {answer}")
            saves.append(float(answer[1]) * 1000)
            importing = importing and imports.running()
            during += importing
            found = None
            while time.perf_counter() - saved < CAP:
                status, _, _, count = api_search(port, querystring({"q": [word]}))
                if status == 200 and count:
                    found = time.perf_counter() - saved
                    break
                time.sleep(POLL)
            delays.append(CAP if found is None else found)
            timeouts += found is None
            details.append(
                {
                    "article": article_id,
                    "delay_s": round(delays[-1], 3),
                    "found": found is not None,
                    "during_import": importing,
                }
            )
        imports.wait()
    finally:
        if imports.process is not None:
            imports.process.terminate()
            imports.wait()
        helper.stdin.close()
        helper.wait(timeout=30)
        indexer_alive = indexer.poll() is None
        stop_child(indexer)
    stats = summary(delays)
    return {
        "status": "ok",
        "probes": len(delays),
        "during_import": during,
        "timeouts": timeouts,
        "median_s": stats["p50"],
        "max_s": stats["max"],
        "save_ms_p50": summary(saves)["p50"],
        "indexer_alive_at_end": indexer_alive,
        "imports": imports.done,
        "saves": details,
    }


def helper(probes):
    """Rename articles on request (runs under Django in the benchmark's data dir)."""
    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from archive.models import Article

    ids = list(Article.objects.published().order_by("pk").values_list("pk", flat=True)[:probes])
    print(json.dumps({"ids": ids}), flush=True)
    for line in sys.stdin:
        article_id, word = line.split()
        started = time.perf_counter()
        article = Article.objects.get(pk=int(article_id))
        article.title = f"{article.title} {word}"
        article.save()
        print(f"ok {time.perf_counter() - started:.4f}", flush=True)


if __name__ == "__main__":
    if len(sys.argv) >= 2 and sys.argv[1] == "--helper":
        helper(int(sys.argv[2]) if len(sys.argv) > 2 else 20)
    else:
        sys.exit("usage: python -m bench.lag --helper [PROBES]")
