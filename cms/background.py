"""Work a request causes but must not wait for: sent after the answer, on a few threads.

An email to an author, a call to another server: anything that may take
seconds (or hang until its timeout) when the reader only needs the answer.
:func:`later` queues a callable for a small pool of daemon threads of this
process and returns at once; the request never waits for it, even when the
other server hangs.

Rules for what is queued:

- It runs **outside the request and the app context**: prepare everything that
  needs them (translations, URLs, database rows) before, and pass plain values.
- It must bound its own waits (a socket timeout): the pool has
  :data:`THREADS` threads, and at most :data:`QUEUED` jobs wait for one; past
  that a job is dropped with a warning rather than piling up behind a server
  that hangs.
- An exception it raises is logged with its traceback and goes nowhere else.

Jobs live in this process's memory: a worker that stops drops what it had not
run yet. Use the shared store or the database for work that must survive that.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
from collections.abc import Callable
from typing import Any

log = logging.getLogger(__name__)

#: Threads running queued jobs, per process.
THREADS = 2
#: Jobs that may wait for a thread, per process; more are dropped (logged).
QUEUED = 100
#: Seconds an idle thread waits for a job before it ends (it restarts on the next job).
IDLE_SECONDS = 30.0

_lock = threading.Lock()
_jobs: queue.Queue[tuple[str, Callable[..., Any], tuple[Any, ...]]] = queue.Queue(QUEUED)
_threads = 0
_pid = os.getpid()


def _after_fork() -> None:
    """A forked worker inherits the queue but not the threads: start afresh."""
    global _jobs, _threads, _pid
    if os.getpid() != _pid:
        _jobs, _threads, _pid = queue.Queue(QUEUED), 0, os.getpid()


def _work() -> None:
    global _threads
    while True:
        try:
            name, job, args = _jobs.get(timeout=IDLE_SECONDS)
        except queue.Empty:
            with _lock:
                if _jobs.empty():
                    _threads -= 1
                    return
            continue
        try:
            job(*args)
        except Exception:  # any failure of a job: logged, never raised to anyone
            log.exception("background job %s failed", name)
        finally:
            _jobs.task_done()


def later(name: str, job: Callable[..., Any], *args: Any) -> bool:
    """Run ``job(*args)`` on a background thread soon; whether it was queued.

    ``name`` says what it is in the log. Returns at once. ``False`` (and a
    warning) when :data:`QUEUED` jobs already wait: the job is dropped.
    """
    global _threads
    with _lock:
        _after_fork()
        try:
            _jobs.put_nowait((name, job, args))
        except queue.Full:
            log.warning("background queue full: %s dropped", name)
            return False
        if _threads < THREADS:
            _threads += 1
            threading.Thread(target=_work, name=f"background-{_threads}", daemon=True).start()
    return True


def wait(timeout: float) -> bool:
    """Wait up to ``timeout`` seconds until every queued job has run; whether they all have.

    For tests and for a clean shutdown; requests never call it.
    """
    finished = threading.Event()

    def join() -> None:
        _jobs.join()
        finished.set()

    threading.Thread(target=join, daemon=True).start()
    return finished.wait(timeout)
