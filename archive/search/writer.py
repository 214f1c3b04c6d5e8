"""The one index writer, wherever Gazette runs.

Whoever holds an exclusive file lock beside the index applies the pending changes (archive/search/indexing.py):
- every serving process (config/wsgi.py: gunicorn with or without its config file, runserver, uWSGI, mod_wsgi)
  starts a daemon thread on its first request that tries the lock without waiting, and again every second; the
  holder applies changes, the others wait their turn. The kernel frees the lock when its holder dies, so another
  process takes over within a second or two.
- `manage.py run_indexer` takes the same lock: a standalone writer and web processes never both write.
- GAZETTE_INDEXER=external keeps web processes out of it (several web nodes and one `run_indexer` service).

No thread here starts a process: a thread that forks or spawns in a process that forks workers can hang it.
"""

import atexit
import fcntl
import logging
import os
import threading
import time
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections

from archive.search import indexing
from archive.search.engine import IndexUnavailable

log = logging.getLogger(__name__)

RETRY = 1.0  # seconds between tries for the lock while another process holds it
PRUNE_EVERY = 3600.0


def lock_path():
    """Beside the Whoosh index (it guards that index); in the data dir for an external engine."""
    path = getattr(indexing.backend(), "path", None)
    if path and hasattr(indexing.backend(), "swap_in"):
        path = Path(path)
        return path.with_name(f"{path.name}.writer.lock")
    return Path(settings.DATA_DIR) / "index-writer.lock"


class Lock:
    """An exclusive, non-blocking `flock` on a file; freed by the kernel when the holder dies."""

    def __init__(self, path):
        self.path = Path(path)
        self.fd = None

    def acquire(self):
        """Whether this process now holds the lock."""
        if self.fd is not None:
            return True
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()}\n".encode())  # for operators: who writes
        self.fd = fd
        return True

    def release(self):
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def forget(self):
        """In a forked child: drop the inherited descriptor without unlocking (the parent still holds it)."""
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


class Loop:
    """Apply pending changes as they come; merge small segments while idle. Runs until `stopping` is set."""

    def __init__(self, stopping, poll=0.2, limits=None, on_applied=None):
        self.stopping, self.poll, self.limits = stopping, poll, limits or {}
        self.on_applied = on_applied

    def step(self):
        """One look at the queue. Returns whether there may be more to do at once."""
        try:
            applied = indexing.apply_pending(**self.limits)
            # Idle: merge small segments, one short step at a time, between looks at the queue; then decode the
            # frequent terms of a big new segment once for every process (archive/search/packed.py).
            idle_work = not applied and (indexing.compact(timeout=0.5) or indexing.pack())
        except Exception as error:
            # The database or the index is unavailable for now (a full disk, say): nothing is lost, the changes
            # stay pending, and the index lock was given back. A missing index needs an operator, not a traceback
            # every few seconds.
            if isinstance(error, IndexUnavailable):
                log.error("index writer: %s; retrying", error)
            else:
                log.exception("index writer: could not apply changes; retrying")
            close_old_connections()
            self.stopping.wait(min(self.poll * 10, 5.0))
            return False
        if applied and self.on_applied:
            self.on_applied(applied)
        return bool(applied or idle_work)

    def run(self):
        last_prune = 0.0
        while not self.stopping.is_set():
            busy = self.step()
            if time.monotonic() - last_prune > PRUNE_EVERY:
                try:
                    indexing.prune()
                except Exception:
                    log.exception("index writer: could not prune applied changes")
                last_prune = time.monotonic()
            if not busy:
                close_old_connections()
                self.stopping.wait(self.poll)


# In serving processes --------------------------------------------------------------------------------------------


class Embedded:
    """The writer thread of one serving process."""

    def __init__(self):
        self.pid = None
        self.guard = threading.Lock()
        self.stopping = threading.Event()
        self.thread = None
        self.lock = None

    def start(self):
        """Start the thread once per process (a forked child starts its own)."""
        if self.pid == os.getpid():
            return
        with self.guard:
            if self.pid == os.getpid():
                return
            self.pid = os.getpid()
            self.stopping = threading.Event()
            self.lock = Lock(lock_path())
            self.thread = threading.Thread(target=self._run, name="index-writer", daemon=True)
            self.thread.start()

    def _run(self):
        while not self.stopping.is_set():
            if not self.lock.acquire():
                self.stopping.wait(RETRY)
                continue
            log.info("index writer started (pid %s)", os.getpid())
            try:
                Loop(self.stopping).run()
            except BaseException:
                log.exception("index writer stopped unexpectedly; another process may take over")
                self.lock.release()
                self.stopping.wait(RETRY)
            else:
                self.lock.release()
        close_old_connections()

    def stop(self, timeout=15.0):
        """At exit: let the batch at hand commit (its changes would stay pending otherwise, which is harmless)."""
        if self.thread is not None and self.pid == os.getpid():
            self.stopping.set()
            self.thread.join(timeout)

    def after_fork(self):
        if self.lock is not None:
            self.lock.forget()
        self.pid = self.thread = None


embedded = Embedded()
os.register_at_fork(after_in_child=embedded.after_fork)
atexit.register(embedded.stop)


def enabled():
    return settings.INDEX_WRITER == "embedded"


def start():
    if enabled():
        embedded.start()


def running():
    """Whether some process holds the writer lock (with an external writer, assumed: it may run elsewhere)."""
    if not enabled():
        return True
    probe = Lock(lock_path())
    if probe.acquire():
        probe.release()
        return False
    return True


def serving(application):
    """Wrap a WSGI application: its process takes its turn as the index writer from its first request on (not at
    import, which may happen in a process that forks the ones that serve)."""

    def wrapped(environ, start_response):
        start()
        return application(environ, start_response)

    return wrapped
