"""The purge log's poll: every process reads the purges others wrote, in a thread of its own.

:mod:`cms.page_cache.invalidation` writes a :class:`~cms.models.PageCachePurge`
row with every change; :class:`PurgeLog` reads them about once a second, with
the generation counters, applies them to the page cache and hands requests
what it read as a :class:`Snapshot`, so that a cache hit never reads the
database.
"""

from __future__ import annotations

import logging
import os
import threading
import time
import weakref
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from cms.db import limit_lock_wait
from cms.models import Generation, PageCachePurge, utcnow
from cms.page_cache.applied_mark import AppliedMark
from cms.page_cache.backends import EVERYTHING, CacheUnavailable

log = logging.getLogger(__name__)

#: Seconds back a poll looks for rows not seen yet (rows of transactions that
#: committed after later ones).
RECENT = 120.0
#: Rows older than this are deleted.
KEEP_FOR = timedelta(days=1)
#: Seconds between two deletions of old rows by one process.
PRUNE_EVERY = 3600.0
#: Seconds the deletion of old rows waits at most for a lock (it is tried again later).
PRUNE_LOCK_WAIT = 0.1
#: Seconds a request waits at most for a poll it needs (the first of a process, or one
#: begun after this process moved a counter); then it goes to Flask.
WAIT = 1.0
#: Seconds after which what the last poll read is stale, unless twice the poll interval
#: is longer: requests then go to Flask until a poll succeeds.
STALE_AFTER = 3.0
#: Seconds after which a poll that has not returned is given up: a new thread polls.
STUCK_AFTER = 30.0
#: Seconds without a request after which a process's poll thread ends (a request restarts it).
IDLE_AFTER = 60.0
#: The name of the poll threads.
THREAD_NAME = "cms-page-cache-poll"


@dataclass(frozen=True)
class Snapshot:
    """What one successful poll read, for requests to use without reading the database."""

    #: ``time.monotonic()`` when the poll began: every change committed before is in it.
    started: float
    #: The generation counters (:mod:`cms.generations`), name -> value; never changed.
    counters: dict[str, int]


class PurgeLog:
    """Reads the purge rows other processes wrote, and the generation counters (one per page cache).

    **In a thread.** One thread per process (:data:`THREAD_NAME`), started by
    the first request that needs it (:meth:`view`), so a pre-forking server's
    master starts none and each forked worker its own, reads the database
    every ``interval`` seconds: the rows newer than the newest seen, and those
    of the last :data:`RECENT` seconds not seen yet (a transaction that
    committed after later ones), which it applies, then the generation
    counters, kept as a :class:`Snapshot`. Requests only take the last
    snapshot (:meth:`view`): a database that accepts connections and never
    answers (a stopped server still acknowledges TCP, so no socket timeout
    or keepalive notices it) holds up that thread, never a request. A request
    waits at most ``wait`` seconds, and only for a poll it needs: the first
    one of the process, one begun after it (``interval`` 0, tests), or one
    begun after this process moved a counter (read-your-writes). A snapshot
    older than ``stale_after`` seconds (the last poll failed or hangs) is
    given to no request: the page cache then serves what it stored as it is
    and sends every other request to Flask (which answers 503 if the
    database is in trouble; see
    :meth:`cms.page_cache.middleware.PageCache._look_up`). A poll that has
    not returned after :data:`STUCK_AFTER` seconds is given up (a
    connection to a vanished server can block for hours): the next request
    starts another thread. The thread ends when no request came
    for :data:`IDLE_AFTER` seconds, or when its engine is disposed.

    **What is applied.** The first poll of a process applies the rows of the
    last ``replay`` seconds (the cache's lifetime): a change made while no
    process applied it to this store (every worker stopped, a writer with
    the page cache off, a store that refused the purge) cannot outlive it.
    Rows are applied once per store, not once per process: whoever applies
    rows to the store (a poll, or the writer right after its commit) notes
    their ids in ``mark`` (:class:`AppliedMark`), and a poll (the first one
    too) leaves the store alone for the rows noted there, calling ``forget``
    with their tags instead, so each process still drops what it holds
    itself. The protection stays whole: a row is noted only once the store
    took it, and a row nobody noted (a change made while the store was
    unreachable or every worker stopped, a row committed out of order, a
    writer with the page cache off) is applied by the first poll that reads
    it. A mark that knows ids above the highest of the log (the database
    was recreated, its ids start again) is cleared by the first poll of a
    process. While rows could not be applied (the cache refused the writes),
    :attr:`behind` is true and the cache answers nothing; they are read
    again next time. Rows older than :data:`KEEP_FOR` are deleted once an
    hour. ``after_poll`` runs in the thread after each successful poll,
    before its snapshot is given to requests (to reload the site state).
    """

    def __init__(
        self,
        apply: Callable[[set[str]], bool],
        interval: float = 1.0,
        replay: float = 300.0,
        *,
        stale_after: float | None = None,
        wait: float = WAIT,
        mark: AppliedMark | None = None,
        forget: Callable[[set[str]], None] | None = None,
        after_poll: Callable[[], None] | None = None,
        store_identity: Callable[[], str | None] | None = None,
    ) -> None:
        self.apply = apply
        #: Seconds between two polls; 0: a poll for every request that needs one.
        self.interval = max(0.0, float(interval))
        self.replay = float(replay)
        #: Age in seconds of a snapshot no request may use.
        self.stale_after = (
            max(STALE_AFTER, 2 * self.interval) if stale_after is None else float(stale_after)
        )
        #: Seconds a request waits at most for a poll.
        self.wait = max(0.0, float(wait))
        self.mark = mark
        self.forget = forget
        self.after_poll = after_poll
        self.store_identity = store_identity
        self._identity: str | None = None
        #: Whether purges are known that the cache has not taken yet.
        self.behind = False
        #: What the last successful poll read, or ``None`` before the first one.
        self.snapshot: Snapshot | None = None
        self._newest: int | None = None
        self._seen: dict[int, float] = {}
        self._next = 0.0
        self._next_prune = time.monotonic() + PRUNE_EVERY
        self._engine: Any = None
        self._pool: Any = None
        self._used = time.monotonic()
        self._closed = False
        self._reset_threads()
        _LOGS.add(self)

    def _reset_threads(self) -> None:
        """New locks and no thread: at creation, and in a forked child (the parent's aren't its)."""
        self._lock = threading.Lock()  # one poll at a time
        self._seen_lock = threading.Lock()
        self._start_lock = threading.Lock()
        self._done = threading.Condition()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self._abandoned: threading.Thread | None = None
        self._round_number = 0
        self._polling_since: float | None = None
        self._attempted = float("-inf")

    def soon(self) -> None:
        """Poll now, whatever the interval."""
        self._next = 0.0
        self._wake.set()

    def failed(self) -> None:
        """A purge could not be applied: answer nothing from the cache until a poll applies it."""
        self.behind = True
        self.soon()

    def due(self) -> bool:
        """Whether :meth:`poll` would read now."""
        return time.monotonic() >= self._next

    def poll(self, engine: Any) -> None:
        """Poll now on the calling thread, if ``interval`` seconds passed since the last poll.

        For tools and tests: requests use :meth:`view`. Never raises.
        """
        if self.due():
            self._round(engine, blocking=False)

    def start(self, engine: Any) -> None:
        """Start this process's poll thread on ``engine`` unless it runs (cheap: every request)."""
        thread = self._thread
        if (
            thread is not None
            and self._engine is engine
            and self._pool is engine.pool
            and thread.is_alive()
        ):
            return
        with self._start_lock:
            thread = self._thread
            same = self._engine is engine and self._pool is engine.pool
            if self._closed or (same and thread is not None and thread.is_alive()):
                return
            self._engine, self._pool = engine, engine.pool
            self._used = time.monotonic()
            self._next = 0.0
            self._thread = threading.Thread(
                target=_poll_in_background,
                args=(weakref.ref(self), engine.pool),
                name=THREAD_NAME,
                daemon=True,
            )
            self._thread.start()

    def view(self, engine: Any, since: float = 0.0) -> Snapshot | None:
        """The last snapshot, if it is fresh and its poll began at ``since`` or later.

        ``since`` is a ``time.monotonic()`` value. Fresh: begun less than
        ``stale_after`` seconds ago, or, with an ``interval`` of 0, after this
        call. Starts the thread (:meth:`start`) and, when the last snapshot
        will not do, asks it for a poll and waits for it at most ``wait``
        seconds; ``None`` when none came (the database fails or does not
        answer): the request must not be answered from the cache.
        """
        now = time.monotonic()
        self._used = now
        self.start(engine)
        floor = max(since, now - self.stale_after if self.interval > 0 else now)
        snapshot = self.snapshot
        if snapshot is not None and snapshot.started >= floor:
            return snapshot
        polling = self._polling_since
        if polling is not None and now - polling > self.wait:  # no answer: do not wait more
            if now - polling > STUCK_AFTER:
                self._give_up(engine)
            return None
        self._wake.set()
        deadline = now + self.wait
        with self._done:
            while True:
                snapshot = self.snapshot
                if snapshot is not None and snapshot.started >= floor:
                    return snapshot
                left = deadline - time.monotonic()
                if self._attempted >= floor or left <= 0:  # a poll begun since failed, or no time
                    return None
                self._done.wait(left)

    def close(self) -> None:
        """Stop the poll thread (it is not started again); waits for it at most ``wait`` seconds."""
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=self.wait)

    def applied(self, ids: Iterable[int]) -> None:
        """Rows this process applied itself to the store: no poll applies them again."""
        now = time.monotonic()
        numbers = [int(row_id) for row_id in ids]
        with self._seen_lock:
            for row_id in numbers:
                self._seen[row_id] = now
        if self.mark is not None:
            self.mark.add(numbers)

    def _give_up(self, engine: Any) -> None:
        """Leave a poll that does not return to its thread and start another (at most one left)."""
        with self._start_lock:
            if self._abandoned is not None and self._abandoned.is_alive():
                return
            polling = self._polling_since
            if polling is None or time.monotonic() - polling <= STUCK_AFTER:
                return
            log.warning(
                "page cache: the database has not answered a poll for %.0f s; polling anew",
                time.monotonic() - polling,
            )
            self._abandoned, self._thread = self._thread, None
            self._round_number += 1  # what the abandoned poll reads is dropped
            self._polling_since = None
            self._lock = threading.Lock()  # the abandoned poll holds the old one
        self.start(engine)

    def _round(self, engine: Any, *, blocking: bool = True) -> None:
        """One poll: apply the new rows, read the counters, publish the snapshot. Never raises."""
        lock = self._lock
        if engine is None or not lock.acquire(blocking=blocking):
            return
        number = self._round_number
        started = time.monotonic()
        self._polling_since = started
        self._next = started + self.interval
        counters = None
        try:
            counters = self._read(engine, started)
            if counters is not None and self.after_poll is not None:
                self.after_poll()
        except SQLAlchemyError as exc:
            log.debug("page cache: the purge log cannot be read: %s", exc)
        except Exception:  # the thread must go on whatever a poll meets
            log.exception("page cache: a purge log poll failed")
        finally:
            lock.release()
        if number != self._round_number:  # given up meanwhile: a newer poll speaks
            return
        with self._done:
            self._polling_since = None
            if counters is not None:
                self.snapshot = Snapshot(started, counters)
            self._attempted = started
            self._done.notify_all()
        if counters is not None and started >= self._next_prune:
            self._next_prune = started + PRUNE_EVERY
            self._prune(engine)

    def _same_store(self) -> bool:
        """Purge everything if the store restarted since it was last seen; whether that went well.

        ``store_identity`` (a Redis ``run_id``) changes when the store may have
        gone back to an older snapshot, holding pages purged since. The identity
        last seen is kept in the :class:`AppliedMark` (so a process started
        after the restart sees it too) or, without one, in this process. The
        first process to see the new identity purges everything and notes it;
        the others find it noted. ``False`` when the store failed.
        """
        if self.store_identity is None:
            return True
        try:
            identity = self.store_identity()
        except CacheUnavailable:
            return False
        if identity is None or identity == self._identity:
            return True
        previous = self.mark.store() if self.mark is not None else self._identity
        if previous is not None and previous != identity:
            log.warning(
                "page cache: the shared store restarted (it may hold purged pages); "
                "every stored page is dropped"
            )
            if not self.apply({EVERYTHING}):
                return False
        if self.mark is not None:
            self.mark.set_store(identity)
        self._identity = identity
        return True

    def _read(self, engine: Any, now: float) -> dict[str, int] | None:
        """Apply the new rows and read the counters; ``None`` when the cache refused the rows."""
        if not self._same_store():
            self.behind = True
            return None
        first = self._newest is None
        with engine.connect() as connection:
            if first:
                since = utcnow() - timedelta(seconds=self.replay)
                condition = PageCachePurge.created_at >= since
            else:
                recent = utcnow() - timedelta(seconds=RECENT)
                condition = or_(
                    PageCachePurge.id > self._newest, PageCachePurge.created_at >= recent
                )
            rows = connection.execute(
                select(PageCachePurge.id, PageCachePurge.tags)
                .where(condition)
                .order_by(PageCachePurge.id)
                .limit(5000)
            ).all()
            newest = 0
            if first:
                newest = int(connection.execute(select(func.max(PageCachePurge.id))).scalar() or 0)
            counters = {
                str(key): int(value)
                for key, value in connection.execute(select(Generation.key, Generation.value))
            }
        if first and self.mark is not None and (self.mark.highest() or 0) > newest:
            self.mark.clear()  # ids of another database (recreated, reset): they vouch for nothing
        with self._seen_lock:
            fresh = [row for row in rows if row.id not in self._seen]
        if fresh:
            taken = self.mark.known(row.id for row in fresh) if self.mark is not None else set()
            tags = {tag for row in fresh if row.id not in taken for tag in row.tags.split()}
            if tags and not self.apply(tags):
                self.behind = True
                return None  # the cache refused: read them again next time
            if self.mark is not None:
                self.mark.add(row.id for row in fresh)
            if taken and self.forget is not None:
                self.forget({tag for row in fresh if row.id in taken for tag in row.tags.split()})
            newest = max(newest, *(row.id for row in fresh))
        with self._seen_lock:
            for row in fresh:
                self._seen[row.id] = now
            if len(self._seen) > 1000 or fresh:
                self._seen = {i: t for i, t in self._seen.items() if now - t < RECENT * 2}
        self._newest = max(self._newest or 0, newest)
        self.behind = False
        return counters

    def _prune(self, engine: Any) -> None:
        """Delete the rows older than :data:`KEEP_FOR` unless a lock is in the way; never raises."""
        try:
            with engine.begin() as writer:
                limit_lock_wait(writer, PRUNE_LOCK_WAIT)
                writer.execute(
                    delete(PageCachePurge).where(PageCachePurge.created_at < utcnow() - KEEP_FOR)
                )
        except SQLAlchemyError as exc:
            log.debug("page cache: old purge rows not deleted: %s", exc)

    def _keep_running(self, pool: Any) -> bool:
        """Whether the calling poll thread, started on ``pool``, goes on; if not, it is forgotten.

        A request starts another. When the engine was disposed (its pool
        replaced: its owner is done with it, or renews its connections), the
        idle connections of the old pool and the new one are closed: a poll
        that straddled the disposal gave one back to the old pool, or opened
        one in the new pool, which nobody else may ever close.
        """
        engine = self._engine
        current = threading.current_thread()
        disposed = engine is None or engine.pool is not pool
        if disposed:
            pool.dispose()
            if engine is not None:
                engine.pool.dispose()
        stop = (
            disposed
            or self._closed
            or self._thread is not current
            or time.monotonic() - self._used > IDLE_AFTER
        )
        if stop:
            with self._start_lock:
                if self._thread is current:
                    self._thread = None
        return not stop

    def _pause(self) -> float:
        """Seconds the poll thread sleeps unless woken: until the next poll, at most 1 s."""
        if self.interval <= 0:
            return 1.0
        return min(1.0, max(0.0, self._next - time.monotonic()))


def _poll_in_background(ref: weakref.ReferenceType[PurgeLog], pool: Any) -> None:
    """A poll thread on ``pool``: polls when due or woken, until its :class:`PurgeLog` says stop."""
    while True:
        purge_log = ref()
        if purge_log is None:  # its site is gone: close what the thread gave back to the pool
            pool.dispose()
            return
        if not purge_log._keep_running(pool):
            return
        if purge_log._wake.is_set() or (
            purge_log.interval > 0 and time.monotonic() >= purge_log._next
        ):
            purge_log._wake.clear()
            purge_log._round(purge_log._engine)
        wake, pause = purge_log._wake, purge_log._pause()
        del purge_log
        wake.wait(pause)


#: Every purge log of this process: a forked child gets new locks and no thread.
_LOGS: weakref.WeakSet[PurgeLog] = weakref.WeakSet()


def _after_fork() -> None:
    for purge_log in list(_LOGS):
        purge_log._reset_threads()


os.register_at_fork(after_in_child=_after_fork)
