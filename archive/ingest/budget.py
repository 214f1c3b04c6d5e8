"""A time bound per input (a file, or one JSON line): an input over it fails alone, with a reason.

In the main thread (the command line, gunicorn's sync workers) a timer signal interrupts the work when the time
is up; Python's regular expression engine checks for signals as it runs, so even a runaway match stops. In
other threads (runserver) signals cannot be used: the input still fails, but only once its work has finished.
"""

import signal
import threading
import time
from contextlib import contextmanager


class OverTime(Exception):
    def __init__(self, seconds):
        super().__init__(f"took longer than {seconds:g} s to process (the limit per file): split or simplify it")


def start(seconds):
    """The deadline, on the monotonic clock, of work that starts now."""
    return time.monotonic() + seconds


@contextmanager
def until(deadline, seconds):
    """Run the block until `deadline` (from start()); raise OverTime past it."""
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise OverTime(seconds)
    if remaining == float("inf"):  # an input that was given no bound
        yield
        return
    if threading.current_thread() is not threading.main_thread() or not hasattr(signal, "setitimer"):
        yield
        if time.monotonic() > deadline:
            raise OverTime(seconds)
        return

    def interrupt(signum, frame):
        raise OverTime(seconds)

    previous = signal.signal(signal.SIGALRM, interrupt)
    signal.setitimer(signal.ITIMER_REAL, remaining)
    try:
        yield
    finally:
        try:
            signal.setitimer(signal.ITIMER_REAL, 0)
        finally:
            signal.signal(signal.SIGALRM, previous)
