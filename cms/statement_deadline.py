"""A deadline on a request's database calls, for servers that accept and never answer.

A PostgreSQL server that is stopped (``SIGSTOP``), stuck on a failing disk or
frozen by its host still has a kernel that accepts connections and
acknowledges what is sent: no socket timeout, keepalive or ``tcp_user_timeout``
notices it, and a statement waits for its answer until gunicorn kills the
worker (DESIGN.md section 5 wants a 503 instead). Two guards, per process:

- **A deadline per call.** While a request runs a statement, a ping, a
  commit or a rollback, the connection is noted with the time it began; a
  watchdog thread shuts down the socket of a call older than
  ``DATABASE_STATEMENT_DEADLINE`` seconds (``shutdown(2)`` on a duplicate of
  its descriptor). The driver then reads the end of the connection and
  raises, SQLAlchemy drops the connection from its pool, and the app answers
  503 with ``Retry-After`` (:mod:`cms.errors`). A server that is only slow
  gets ``statement_timeout`` sooner and answers with a clean error.
- **Fail fast after a failed connection.** A new connection that fails (the
  ``connect_timeout`` passed, or it was refused) opens a window of
  ``DATABASE_RETRY_AFTER`` seconds, at most :data:`QUIET_MAX`, in which new
  connections of this process fail at once instead of each waiting for the
  timeout again: a request needing three connections would wait three times.

Only calls made in a request are guarded: the CLI (migrations, ``cms
bench-data``) runs statements as long as it needs, and the page cache's poll
thread has a guard of its own (:data:`cms.page_cache.purge_log.STUCK_AFTER`).
SQLite needs none: it has no server, and its lock waits are bounded by the
busy timeout.
"""

from __future__ import annotations

import itertools
import logging
import os
import socket
import threading
import time
from typing import Any

from flask import Flask, has_request_context
from sqlalchemy import event
from sqlalchemy.engine import Engine

log = logging.getLogger(__name__)

#: Seconds a request's database call may take, unless ``DATABASE_STATEMENT_DEADLINE`` says
#: otherwise: under gunicorn's 30-second worker timeout, with room for a 503 to be sent.
DEFAULT_DEADLINE = 10.0
#: Seconds without a call in flight after which the watchdog thread ends (the next call
#: starts it again), so that a process holding many idle applications keeps no thread each.
IDLE_SECONDS = 5.0
#: Most seconds new connections fail at once after one failed.
QUIET_MAX = 5.0
#: The dialect methods that wait for the server.
GUARDED = (
    "do_execute",
    "do_executemany",
    "do_execute_no_params",
    "do_ping",
    "do_commit",
    "do_rollback",
)


class Watchdog:
    """The calls in flight of one process, and the thread that ends those past the deadline."""

    def __init__(self, deadline: float) -> None:
        #: Seconds a call may take; 0 or less: no deadline.
        self.deadline = float(deadline)
        self._calls: dict[int, tuple[float, int]] = {}
        self._numbers = itertools.count()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def enter(self, dbapi_connection: Any) -> int | None:
        """Note a call on ``dbapi_connection`` beginning now; a token for :meth:`leave`."""
        if self.deadline <= 0 or not has_request_context():
            return None
        descriptor = _socket_of(dbapi_connection)
        if descriptor is None:
            return None
        number = next(self._numbers)
        with self._lock:
            self._calls[number] = (time.monotonic(), descriptor)
            if self._thread is None or self._pid != os.getpid() or not self._thread.is_alive():
                self._pid = os.getpid()
                self._thread = threading.Thread(
                    target=self._watch, name="cms-statement-deadline", daemon=True
                )
                self._thread.start()
        return number

    def leave(self, token: int | None) -> None:
        """The call of ``token`` returned (or raised)."""
        if token is not None:
            with self._lock:
                self._calls.pop(token, None)

    def _watch(self) -> None:
        pause = max(0.05, min(0.5, self.deadline / 4))
        busy = time.monotonic()
        ending = False
        while not ending:
            time.sleep(pause)
            now = time.monotonic()
            with self._lock:
                late = [
                    (n, fd) for n, (began, fd) in self._calls.items() if now - began > self.deadline
                ]
                for number, _fd in late:
                    del self._calls[number]
                if self._calls:
                    busy = now
                elif now - busy > IDLE_SECONDS and self._thread is threading.current_thread():
                    # Nothing to watch for a while (a quiet worker, an app a test is done
                    # with): end; the next call starts a watcher again (:meth:`enter`).
                    self._thread, ending = None, True
            for _number, descriptor in late:
                log.warning(
                    "the database did not answer a call within %.0f s; its connection is closed",
                    self.deadline,
                )
                _shut_down(descriptor)


def _socket_of(dbapi_connection: Any) -> int | None:
    """The socket descriptor of a psycopg connection, or ``None`` (another driver, closed)."""
    try:
        return int(dbapi_connection.pgconn.socket)
    except Exception:  # no pgconn (not psycopg), or the connection is closed
        return None


def _shut_down(descriptor: int) -> None:
    """End the connection on ``descriptor`` for its reader and writer; never raises.

    ``shutdown(2)`` acts on the socket itself, which a duplicate descriptor
    shares: the call waiting on the original reads the end of the stream. The
    duplicate alone is closed here; the driver closes the original.
    """
    try:
        duplicate = socket.socket(fileno=os.dup(descriptor))
    except OSError:
        return
    try:
        duplicate.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    finally:
        duplicate.close()


def _guarded(watchdog: Watchdog, method: Any, connection_of: Any) -> Any:
    def call(*args: Any, **kwargs: Any) -> Any:
        token = watchdog.enter(connection_of(args))
        try:
            return method(*args, **kwargs)
        finally:
            watchdog.leave(token)

    call.__wrapped__ = method  # type: ignore[attr-defined]
    return call


def _connection_from_cursor(args: tuple[Any, ...]) -> Any:
    return getattr(args[0], "connection", None) if args else None


def _connection_first(args: tuple[Any, ...]) -> Any:
    return args[0] if args else None


def install(app: Flask, engine: Engine) -> Watchdog | None:
    """Guard ``engine``'s calls and connections (PostgreSQL only); the watchdog, or ``None``."""
    if engine.dialect.name != "postgresql":
        return None
    watchdog = Watchdog(float(app.config.get("DATABASE_STATEMENT_DEADLINE", DEFAULT_DEADLINE)))
    dialect = engine.dialect
    for name in GUARDED:
        connection_of = (
            _connection_from_cursor if name.startswith("do_execute") else _connection_first
        )
        setattr(dialect, name, _guarded(watchdog, getattr(dialect, name), connection_of))
    quiet = min(QUIET_MAX, float(app.config.get("DATABASE_RETRY_AFTER", QUIET_MAX)))
    closed_until = [0.0]

    @event.listens_for(engine, "do_connect")
    def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
        if time.monotonic() < closed_until[0] and has_request_context():
            raise dialect.loaded_dbapi.OperationalError(
                "the database server did not answer a moment ago; not tried again yet"
            )
        try:
            return dialect.connect(*cargs, **cparams)
        except dialect.loaded_dbapi.OperationalError:
            closed_until[0] = time.monotonic() + quiet
            raise

    return watchdog
