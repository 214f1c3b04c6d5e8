"""Small helpers shared by the benchmark's parts: percentiles, child processes, environments, ports."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(Path(sys.executable))
BIN = Path(sys.executable).parent

# Variables that would point Gazette at something other than the benchmark's fresh data dir
# (a real database, another index, HTTPS redirects, debug mode, another static root).
_SCRUBBED = ("DATABASE_URL", "SEARCH_URL", "GAZETTE_STATIC_ROOT", "DJANGO_HTTPS", "DJANGO_DEBUG", "EMAIL_BACKEND")


def percentile(values, p):
    """The p-th percentile (0-100) by linear interpolation between closest ranks; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    rank = (len(ordered) - 1) * p / 100
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def summary(values):
    """{"n", "p50", "p95", "max"} of a list of numbers (milliseconds, usually)."""
    return {
        "n": len(values),
        "p50": percentile(values, 50),
        "p95": percentile(values, 95),
        "max": max(values) if values else None,
    }


def gazette_env(data_dir):
    """The environment of every Gazette process of one benchmark archive."""
    env = {key: value for key, value in os.environ.items() if key not in _SCRUBBED}
    env.update(
        GAZETTE_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE="config.settings",
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        GAZETTE_INDEXER="external",  # gunicorn's master starts no index writer: bench/lag.py runs the one writer
        PYTHONPATH=str(ROOT),
    )
    return env


def bench_env():
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT)
    return env


@dataclass
class Finished:
    returncode: int
    wall: float  # seconds
    peak_rss_mb: float  # the child's own peak resident set size
    cpu: float  # user + system seconds


def run_child(cmd, *, env, stdout=None, stderr=None, timeout=None, cwd=ROOT):
    """Run a command to its end; its exit code, wall time, peak RSS and CPU time (from wait4)."""
    started = time.perf_counter()
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=stdout, stderr=stderr)
    timer = threading.Timer(timeout, process.kill) if timeout else None
    if timer:
        timer.start()
    try:
        _, status, usage = os.wait4(process.pid, 0)
    finally:
        if timer:
            timer.cancel()
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return Finished(process.returncode, wall, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def start_child(cmd, *, env, log_path, cwd=ROOT):
    """Start a background process in its own session, output to `log_path`."""
    log = open(log_path, "ab")  # noqa: SIM115 - closed by stop_child
    process = subprocess.Popen(cmd, env=env, cwd=cwd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    process.log = log
    return process


def stop_child(process, grace=15):
    """SIGTERM the process we started, then SIGKILL after `grace` seconds; returns its exit code."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(grace)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    log = getattr(process, "log", None)
    if log:
        log.close()
    return process.returncode


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rss_mb(pid):
    """VmRSS of a live process in MB, or None."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return None


def children(pid):
    """Direct child pids of a process (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'.
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[1]) == pid:
            found.append(int(entry.name))
    return sorted(found)
