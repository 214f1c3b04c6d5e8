"""Gazette's search benchmark: one command, every engine, one Markdown report.

    .venv/bin/python -m bench.run --sizes 10000,50000 [--out bench/results/NAME.md]

For each size: build the archive from the real corpora (bench/corpus.py) and the query set
(bench/queries.py) in a temp dir; then, one after the other in child processes of this one:
Gazette's import into a fresh data dir (`manage.py import_articles`), the raw Whoosh reference
(bench/reference_whoosh.py), the SQLite FTS5 reference (bench/reference_fts5.py), Gazette's search at
the Python API level (bench/gazette_api.py), and Gazette over HTTP behind gunicorn (query set, browsing,
repeated pages, wrk, worker RSS, bench/http.py); last the index lag during a second import
(bench/lag.py). See bench/README.md.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shlex
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from importlib import metadata
from pathlib import Path
from urllib.parse import quote

from bench import corpus, quality, queries
from bench.common import PYTHON, ROOT, bench_env, free_port, gazette_env, run_child, summary
from bench.http import Gunicorn, api_search, get, serve_command, wrk
from bench.lag import has_indexer, measure_lag
from bench.report import document

RESULTS = ROOT / "bench" / "results"
LAG_CHUNKS = 3  # background imports available to keep one running during the lag probes
_SUMMARY = re.compile(
    r"(\d+) articles: (\d+) created, (\d+) updated, (\d+) duplicates, (\d+) failed"  # import_articles' last line
)


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


class Timer:
    def __init__(self):
        self.phases = {}
        self.load = {}  # 1-minute load average at the end of each phase: other work on the machine shows here

    def __call__(self, name):
        timer = self

        class _Phase:
            def __enter__(self):
                self.started = time.perf_counter()
                log(f"{name}…")

            def __exit__(self, *exc):
                timer.phases[name] = timer.phases.get(name, 0) + time.perf_counter() - self.started
                timer.load[name] = os.getloadavg()[0]

        return _Phase()


def _manage(env, *args, log_path, timeout=None):
    with open(log_path, "ab") as out:
        return run_child([PYTHON, "manage.py", *args], env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout)


def _read_json(path):
    with open(path, encoding="utf-8") as handle:
        return json.load(handle)


def _archive(size, work, timer, result, corpus_dir):
    path = work / "archive.jsonl"
    with timer("archive"):
        written, words, composites = corpus.write(path, size, corpus_dir=corpus_dir)
    languages = Counter()
    with open(path, encoding="utf-8") as lines:
        for line in lines:
            languages[json.loads(line).get("language")] += 1
    result["corpus"] = {
        "articles": written,
        "words_avg": words / max(written, 1),
        "composites": composites,
        "languages": dict(languages),
    }
    if written < size:
        result["notes"].append(f"the corpora gave {written:,} articles of the {size:,} asked")
    return path


def _gazette_import(env, archive, work, timer, result):
    with timer("gazette setup (migrate, collectstatic)"):
        for args in (("migrate", "--noinput"), ("collectstatic", "--noinput")):
            done = _manage(env, *args, "-v", "0", log_path=work / "setup.log")
            if done.returncode:
                raise RuntimeError(f"manage.py {args[0]} failed; see {work / 'setup.log'}")
    articles = result["corpus"]["articles"]
    with timer("gazette import"):
        done = _manage(env, "import_articles", str(archive), log_path=work / "import.log")
    text = (work / "import.log").read_text(encoding="utf-8", errors="replace")
    matches = list(_SUMMARY.finditer(text))
    match = matches[-1] if matches else None
    info = {
        "returncode": done.returncode,
        "seconds": done.wall,
        "docs_per_s": articles / done.wall,
        "peak_rss_mb": done.peak_rss_mb,
        "cpu_s": done.cpu,
    }
    if match:
        info.update(
            zip(("articles", "created", "updated", "duplicates", "failed"), map(int, match.groups()), strict=True)
        )
        info["summary"] = text[match.start() : text.find("\n", match.start())].strip()
        result["notes"].append(f"Gazette import: “{info['summary']}” (exit {done.returncode}, {done.cpu:,.0f} s CPU)")
    else:
        result["notes"].append(
            f"import_articles printed no summary (exit {done.returncode}); see {work / 'import.log'}"
        )
    if info.get("failed"):
        reasons = Counter(
            re.sub(r"\d+", "N", line.split(": ", 2)[-1])[:80]
            for line in text.splitlines()
            if line.startswith("failed:")
        )
        result["notes"].append(
            f"import: {info['failed']} failed ("
            + "; ".join(f"{n}× {reason}" for reason, n in reasons.most_common(3))
            + ")"
        )
    if info.get("duplicates"):
        result["notes"].append(f"import: {info['duplicates']} reported as duplicates")
    result["gazette_import"] = info


def _reference(module, archive, query_path, store, out_path, work, timer, name, result):
    with timer(name), open(work / f"{name}.log", "ab") as out:
        done = run_child(
            [PYTHON, "-m", module, str(archive), str(query_path), str(store), str(out_path)],
            env=bench_env(),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:
        result["notes"].append(f"{name} failed (exit {done.returncode}); see {work / (name + '.log')}")
        return {}
    data = _read_json(out_path)
    data["peak_rss_mb"] = done.peak_rss_mb
    data["cpu_s"] = done.cpu
    return data


def _gazette_api(env, query_path, work, timer, result):
    out_path = work / "gazette-api.json"
    with timer("gazette search, Python API"), open(work / "gazette-api.log", "ab") as out:
        done = run_child(
            [PYTHON, "-m", "bench.gazette_api", str(query_path), str(out_path)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    if done.returncode:
        result["notes"].append(f"Gazette API run failed (exit {done.returncode}); see {work / 'gazette-api.log'}")
        return {}
    data = _read_json(out_path)
    data["peak_rss_mb"] = done.peak_rss_mb
    return data


def _warm_up(port, rounds=2, workers=2):
    """First searches, `workers` at a time so that every worker gets one; their client times."""
    times, lock = [], threading.Lock()

    def one(i):
        _, ms, _, _ = api_search(port, queries.querystring({"q": [f"gazettebenchwarm{'abcdefgh'[i % 8]}"]}))
        with lock:
            times.append(ms)

    for r in range(rounds):
        threads = [threading.Thread(target=one, args=(r * workers + w,)) for w in range(workers)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    return times


def _http(env, query_set, api, work, timer, args, result):
    web = {}
    port = free_port()
    server = Gunicorn(env, port, work / "gunicorn.log")
    try:
        with timer("gunicorn start"):
            server.wait_ready()
        web["warmup_ms"] = _warm_up(port)
        with timer("gazette search over HTTP"):
            errors = 0
            for name, items in (
                ("search", query_set["queries"]),
                ("variants", query_set["variants"]),
                ("quality", query_set.get("quality", [])),
            ):
                web[name] = []
                for q in items:
                    plain = {"q": [quality.reader_query(q)]} if name == "quality" else queries.params(q)
                    status, client, server_ms, count = api_search(port, queries.querystring(plain))
                    errors += status != 200
                    web[name].append(
                        {"id": q["id"], "status": status, "client_ms": client, "server_ms": server_ms, "count": count}
                    )
            web["browse"] = []
            for combo in api.get("browse", []):
                status, client, server_ms, count = api_search(port, queries.querystring(combo["params"]))
                errors += status != 200
                web["browse"].append(
                    {
                        "params": combo["params"],
                        "status": status,
                        "client_ms": client,
                        "server_ms": server_ms,
                        "count": count,
                    }
                )
            if errors:
                result["notes"].append(f"HTTP: {errors} API requests answered non-200 (see {work / 'gunicorn.log'})")
            missing = sum(1 for row in web["search"] if row["status"] == 200 and row["server_ms"] is None)
            if missing:
                result["notes"].append(f"HTTP: {missing} API responses without `Server-Timing: search;dur=`")
        with timer("repeated pages"):
            web["pages"] = _repeated_pages(port, api, query_set, args.repeat, result)
        if args.wrk:
            with timer("wrk"):
                web["wrk"] = wrk(port, "/", seconds=args.wrk_seconds)
        else:
            web["wrk"] = {"note": "not run (--no-wrk)"}
        web["worker_rss_mb"] = {str(pid): rss for pid, rss in server.worker_rss().items()}
        if args.lag:
            with timer("index lag"):
                result["lag"] = _lag(env, work, port, args, result)
        else:
            result["lag"] = {"status": "not run (--no-lag)"}
    finally:
        server.stop()
    return web


def _repeated_pages(port, api, query_set, repeat, result):
    words = [q for q in query_set["queries"] if q["kind"] == "word" and not q["filters"]]
    pages = {"home": "/"}
    pages["topic"] = f"/topics/{quote(api['topic'])}/" if api.get("topic") else None
    pages["official"] = f"/officials/{quote(api['official'])}/" if api.get("official") else None
    pages["popular search"] = "/search/?" + queries.querystring({"q": [words[0]["words"][0]]}) if words else None
    out = {}
    for name, path in pages.items():
        if path is None:
            out[name] = {"note": f"no {name} in this archive"}
            continue
        times, statuses = [], Counter()
        for _ in range(repeat + 1):
            status, ms, _, _ = get(port, path)
            statuses[status] += 1
            times.append(ms)
        out[name] = {"path": path, "first": times[0], "p50": summary(times[1:])["p50"], "statuses": dict(statuses)}
        if set(statuses) != {200}:
            result["notes"].append(f"repeated page {path}: statuses {dict(statuses)}")
    return out


def _lag(env, work, port, args, result):
    if not has_indexer(env):
        return {"status": "n/a: no `manage.py run_indexer` yet"}
    size = result["corpus"]["articles"]
    paths = [work / f"lag-import-{n}.jsonl" for n in range(1, LAG_CHUNKS + 1)]
    written = corpus.write_chunks(paths, size, args.lag_import, corpus_dir=args.corpus_dir)
    lag = measure_lag(
        env["GAZETTE_DATA_DIR"], port, [p for p, n in zip(paths, written, strict=True) if n], args.probes, str(work)
    )
    if lag.get("status") == "ok":
        if lag["timeouts"]:
            result["notes"].append(f"index lag: {lag['timeouts']} of the saves not found within 30 s (counted as 30 s)")
        if lag["during_import"] < lag["probes"]:
            result["notes"].append(
                f"index lag: {lag['probes'] - lag['during_import']} of the {lag['probes']} saves came after "
                f"the background imports ({LAG_CHUNKS} × {args.lag_import:,} articles) had ended"
            )
        failed = Counter(
            f"exit {done['returncode']}: {done.get('last_line', '')}"
            for done in lag.get("imports", [])
            if done.get("returncode")
        )
        for failure, n in failed.items():
            result["notes"].append(
                f"index lag: {n} of the {len(lag['imports'])} background imports ended with {failure} (see lag-import-N.log)"
            )
        if not lag.get("indexer_alive_at_end"):
            result["notes"].append("index lag: run_indexer had exited before the end (see indexer.log)")
    return lag


def _checks(result):
    """Cross-engine sanity notes: documents searchable, hits."""
    docs = {
        "Gazette": result.get("api", {}).get("documents"),
        "raw Whoosh": result.get("whoosh", {}).get("documents"),
        "FTS5": result.get("fts5", {}).get("documents"),
    }
    created = result.get("gazette_import", {}).get("created")
    if created is not None and docs["Gazette"] is not None and docs["Gazette"] != created:
        result["notes"].append(
            f"Gazette: {created:,} articles created but {docs['Gazette']:,} searchable after the import"
        )
    if len({v for v in docs.values() if v is not None}) > 1:
        result["notes"].append("documents differ between engines: " + ", ".join(f"{k} {v}" for k, v in docs.items()))
    api, fts = result.get("api", {}).get("search", []), result.get("fts5", {}).get("plain", [])
    by_id = {row["id"]: row["count"] for row in fts}
    empty = [row["id"] for row in api if not row.get("count") and by_id.get(row["id"])]
    if empty:
        result["notes"].append(f"Gazette found nothing for {len(empty)} queries FTS5 answers: {', '.join(empty[:8])}")


def run_size(size, args, timer_root):
    timer = Timer()
    result = {"size": size, "notes": [], "timing": timer.phases, "load": timer.load}
    work = Path(tempfile.mkdtemp(prefix=f"gazette-bench-{size}-", dir=args.work_dir))
    log(f"size {size:,}: working in {work}")
    try:
        archive = _archive(size, work, timer, result, args.corpus_dir)
        with timer("query set"):
            query_set = queries.build(archive, args.queries)
            texts = quality.Archive(archive)
            query_set["quality"] = quality.build(texts)
            texts.release()  # what the quality metrics need later is kept, not the texts
        query_path = work / "queries.json"
        query_path.write_text(json.dumps(query_set, ensure_ascii=False), encoding="utf-8")
        result["query_set"] = (
            queries.describe(query_set)
            + f"; {len(query_set['variants'])} filtered variants; {quality.describe(query_set['quality'])}"
        )
        data = work / "data"
        env = gazette_env(data)
        _gazette_import(env, archive, work, timer, result)
        (work / "whoosh-ref").mkdir()
        result["whoosh"] = _reference(
            "bench.reference_whoosh",
            archive,
            query_path,
            work / "whoosh-ref",
            work / "whoosh.json",
            work,
            timer,
            "raw Whoosh",
            result,
        )
        result["fts5"] = _reference(
            "bench.reference_fts5",
            archive,
            query_path,
            work / "fts5.sqlite3",
            work / "fts5.json",
            work,
            timer,
            "SQLite FTS5",
            result,
        )
        result["api"] = _gazette_api(env, query_path, work, timer, result)
        run_child([PYTHON, "-m", "bench.gazette_api", "--clear-cache"], env=env)
        result["http"] = _http(env, query_set, result["api"], work, timer, args, result)
        result["quality"] = quality.of_run(texts, query_set["quality"], result)
        _checks(result)
    except Exception as error:
        result["notes"].append(f"the run stopped: {type(error).__name__}: {error}")
        log(f"size {size:,}: {type(error).__name__}: {error}")
    finally:
        if args.keep:
            result["notes"].append(f"work files kept in {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    timer_root.phases[f"{size:,} articles"] = sum(timer.phases.values())
    busiest = max(timer.load.values(), default=0)
    if busiest > 1.25 * (os.cpu_count() or 1):
        result["notes"].append(
            f"the machine was busy (1-minute load up to {busiest:.1f} on {os.cpu_count()} CPUs): "
            "other processes shared the CPUs, so times are upper bounds"
        )
    return result


def _git():
    def git(*args):
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=False)
        return done.stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no")
    return commit + (" with uncommitted changes" if dirty else "")


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(name):
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "not installed"


def header(argv, started, seconds):
    command = " ".join(shlex.quote(a) for a in [".venv/bin/python", "-m", "bench.run", *argv])
    return [
        f"- Command: `{command}`",
        f"- Run: {started:%Y-%m-%d %H:%M} UTC, {seconds / 60:,.1f} minutes in all; Gazette {_git()}",
        f"- Machine: {os.cpu_count()} CPUs ({_cpu_model()}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}",
        f"- Versions: Whoosh {_version('Whoosh')}, django-haystack {_version('django-haystack')}, Django {_version('Django')}, "
        f"SQLite {sqlite3.sqlite_version}, gunicorn {_version('gunicorn')}, wrk {'yes' if shutil.which('wrk') else 'not installed'}",
        "- Served by: `"
        + " ".join(["gunicorn", *serve_command("PORT")[1:]])
        + "` with GAZETTE_INDEXER=external (the index writer, `manage.py run_indexer`, runs only for the lag)",
    ]


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    parser = argparse.ArgumentParser(description="Gazette's search benchmark (see bench/README.md).")
    parser.add_argument("--sizes", default="10000,50000", help="archive sizes, comma-separated (default 10000,50000)")
    parser.add_argument("--out", help="Markdown report (default bench/results/bench-<time>.md)")
    parser.add_argument("--json", help="also write the raw measurements as JSON here")
    parser.add_argument("--queries", type=int, default=200, help="size of the query set (default 200)")
    parser.add_argument(
        "--repeat", type=int, default=20, help="requests per repeated page after the first (default 20)"
    )
    parser.add_argument("--probes", type=int, default=20, help="saves timed for the index lag (default 20)")
    parser.add_argument("--lag-import", type=int, default=2000, help="articles imported during the lag probes")
    parser.add_argument("--no-wrk", dest="wrk", action="store_false", help="skip wrk")
    parser.add_argument("--wrk-seconds", type=int, default=10)
    parser.add_argument("--no-lag", dest="lag", action="store_false", help="skip the index lag")
    parser.add_argument("--keep", action="store_true", help="keep the temp dirs (archives, data dirs, logs)")
    parser.add_argument("--work-dir", help="where the temp dirs go (default the system temp dir)")
    parser.add_argument(
        "--corpus-dir", type=Path, default=corpus.CORPUS_DIR, help=f"the corpora (default {corpus.CORPUS_DIR})"
    )
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    started = datetime.datetime.now(datetime.UTC)
    clock = time.perf_counter()
    timer = Timer()
    results = [run_size(size, args, timer) for size in sizes]
    text = document(header(argv, started, time.perf_counter() - clock), results)
    out = Path(args.out) if args.out else RESULTS / f"bench-{started:%Y%m%d-%H%M%S}.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text + "\n", encoding="utf-8")
    if args.json:
        Path(args.json).write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    print(text)
    log(f"report written to {out}")
    return 0 if all(not any(n.startswith("the run stopped") for n in r["notes"]) for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
