"""gunicorn settings for Gazette: `gunicorn -c config/gunicorn.conf.py` (flags given on the command line win).

With GAZETTE_INDEXER=embedded (the default) the gunicorn master also keeps the one index writer running
(`manage.py run_indexer`), restarting it if it dies, and stops it on shutdown: `make run` and the Docker
image need nothing else. Set GAZETTE_INDEXER=external when the writer runs as a service of its own (several
web nodes sharing one search engine: docker-compose.yml).
"""

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
accesslog = "-"
# Long enough for the first search of a worker on a large archive (it loads the facet tables).
timeout = 60

BASE_DIR = Path(__file__).resolve().parent.parent


class IndexWriterSupervisor:
    """Runs `manage.py run_indexer` as a child of the gunicorn master and restarts it when it exits."""

    def __init__(self, log):
        self.log = log
        self.process = None
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._run, name="index-writer-supervisor", daemon=True)

    def start(self):
        self.thread.start()

    def _run(self):
        delay = 1.0
        while not self.stopping.is_set():
            started = time.monotonic()
            command = [sys.executable, str(BASE_DIR / "manage.py"), "run_indexer", "--exit-with-parent"]
            self.process = subprocess.Popen(command, cwd=BASE_DIR)  # noqa: S603 (our own command)
            self.log.info("index writer started (pid %s)", self.process.pid)
            code = self.process.wait()
            if self.stopping.is_set():
                break
            # A writer that keeps failing at start must not spin: back off up to a minute.
            delay = 1.0 if time.monotonic() - started > 60 else min(delay * 2, 60.0)
            self.log.warning("index writer exited (status %s); restarting in %.0f s", code, delay)
            self.stopping.wait(delay)

    def stop(self):
        self.stopping.set()
        process = self.process
        if process and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()


_supervisor = None


def when_ready(server):
    global _supervisor
    if os.environ.get("GAZETTE_INDEXER", "embedded") == "embedded":
        _supervisor = IndexWriterSupervisor(server.log)
        _supervisor.start()


def on_exit(server):
    if _supervisor:
        _supervisor.stop()
