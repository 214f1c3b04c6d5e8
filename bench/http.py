"""Gazette over HTTP: gunicorn as `make serve` runs it, a plain HTTP client, wrk when installed."""

import http.client
import json
import re
import shutil
import subprocess
import time

from bench.common import BIN, ROOT, children, cmdline, rss_mb, start_child, stop_child

_SERVER_TIMING = re.compile(r"search;dur=([0-9.]+)")


def serve_command(port, workers=2):
    config = ROOT / "config" / "gunicorn.conf.py"
    if config.exists():
        command = [str(BIN / "gunicorn"), "-c", "config/gunicorn.conf.py"]
    else:
        command = [str(BIN / "gunicorn"), "config.wsgi:application", "--access-logfile", "-"]
    return [*command, "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]


class Gunicorn:
    """gunicorn with 2 sync workers on a free loopback port.

    Started as `make serve` starts it: with config/gunicorn.conf.py when the project has one (else with
    `config.wsgi:application` and the same flags). GAZETTE_INDEXER=external (bench.common.gazette_env)
    keeps the master from starting an index writer: the benchmark starts the one writer itself, for
    the index lag (bench/lag.py).
    """

    def __init__(self, env, port, log_path, workers=2):
        self.port = port
        self.workers = workers
        self.command = serve_command(port, workers)
        self.process = start_child(self.command, env=env, log_path=log_path)

    def wait_ready(self, timeout=90):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}")
            try:
                status, _, _, _ = get(self.port, "/healthz", timeout=5)
                if status == 200 and len(self.worker_pids()) >= self.workers:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer /healthz in time")

    def worker_pids(self):
        """The workers: children of the master forked from it (same command line), not its helpers."""
        master = cmdline(self.process.pid)
        return [pid for pid in children(self.process.pid) if cmdline(pid) == master]

    def worker_rss(self):
        return {pid: rss_mb(pid) for pid in self.worker_pids()}

    def stop(self):
        return stop_child(self.process)


def get(port, path, timeout=120):
    """(status, client ms, server ms from Server-Timing or None, body bytes)."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": "127.0.0.1", "Accept-Language": "en"})
        response = connection.getresponse()
        body = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        timing = _SERVER_TIMING.search(response.getheader("Server-Timing") or "")
        return response.status, elapsed, float(timing.group(1)) if timing else None, body
    finally:
        connection.close()


def api_search(port, querystring):
    """(status, client ms, server ms, count or None)."""
    status, client, server, body = get(port, "/api/search/?" + querystring)
    count = None
    if status == 200:
        try:
            count = json.loads(body)["count"]
        except (ValueError, KeyError):
            count = None
    return status, client, server, count


def wrk(port, path="/", connections=8, threads=2, seconds=10):
    """{"req_per_s", "non_2xx", "errors", "latency"} or {"note": why not}."""
    binary = shutil.which("wrk")
    if not binary:
        return {"note": "wrk not installed (Debian package `wrk`)"}
    command = [
        binary,
        "-c",
        str(connections),
        "-t",
        str(threads),
        "-d",
        f"{seconds}s",
        f"http://127.0.0.1:{port}{path}",
    ]
    done = subprocess.run(command, capture_output=True, text=True, timeout=seconds + 60, check=False)
    out = done.stdout
    rate = re.search(r"Requests/sec:\s*([0-9.]+)", out)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    errors = re.search(r"Socket errors:(.*)", out)
    latency = re.search(r"Latency\s+(\S+)\s+(\S+)\s+(\S+)", out)
    if not rate:
        return {"note": f"wrk failed: {(done.stderr or out).strip()[:200]}"}
    return {
        "req_per_s": float(rate.group(1)),
        "non_2xx": int(non_2xx.group(1)) if non_2xx else 0,
        "errors": errors.group(1).strip() if errors else "",
        "latency_avg": latency.group(1) if latency else "",
        "command": " ".join(["wrk", *command[1:]]),
    }
