"""Database engine tuning and database faults.

SQLite runs in WAL mode with foreign keys on and a busy timeout; PostgreSQL gets
a connect timeout and a lock timeout of the same length. Pooled connections are
tested before use (``pool_pre_ping``), so connections the server dropped are
replaced without an error. :func:`database_trouble` tells a busy or unreachable
database (answered 503 with ``Retry-After`` by :mod:`cms.errors`) from a bug, and
:func:`short_lock_wait` lets a write that may be skipped (counting a view) give
up after a few milliseconds instead of holding a reader up.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Connection, Engine, make_url

from cms.extensions import db

log = logging.getLogger(__name__)

#: How long a statement waits for a lock, or a request for a pooled connection, in
#: seconds, unless ``DATABASE_BUSY_TIMEOUT`` says otherwise (below gunicorn's 30 s).
DEFAULT_BUSY_TIMEOUT = 5.0
#: How long connecting to a database server may take, in seconds.
DEFAULT_CONNECT_TIMEOUT = 5

#: :func:`database_trouble`: the database answers but a lock or every connection is taken.
BUSY = "busy"
#: :func:`database_trouble`: the database cannot be reached (down, refusing, dropped).
DOWN = "down"

#: libpq connection parameters noticing a server host that vanished mid-statement
#: (https://www.postgresql.org/docs/current/libpq-connect.html): keepalive probes after
#: 10 s of silence, every 5 s, 3 unanswered ones end the connection; data left
#: unacknowledged for 10 s (``tcp_user_timeout``, ms) ends it too. A server that is alive
#: but stuck still acknowledges TCP, which no socket option notices.
_VANISHED_HOST = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 10_000,
}
#: PostgreSQL SQLSTATE prefixes (classes or codes) of a database that is out of reach.
#: 08: connection exception; 57P01-57P05: shut down, crashed, not accepting connections;
#: 25006: read-only transaction (a standby answers reads only).
_PG_DOWN = ("08", "57P01", "57P02", "57P03", "57P04", "57P05", "25006")
#: SQLite messages of a database that cannot be written or opened now: the file
#: or its folder read-only, the disk full or failing.
_SQLITE_DOWN = (
    "unable to open database",
    "disk i/o error",
    "readonly database",
    "database or disk is full",
)
#: ... and of one that is busy. 53: insufficient resources (too many connections);
#: 55P03: lock not available (``lock_timeout``); 57014: statement cancelled (timeout);
#: 40001, 40P01: serialization failure, deadlock (the transaction may be retried).
_PG_BUSY = ("53", "55P03", "57014", "40001", "40P01")

#: Seconds between two ``PRAGMA optimize`` on one pooled SQLite connection (:func:`optimize`).
OPTIMIZE_EVERY = 3600.0
#: Key in a pooled SQLite connection's ``info``: when it last ran ``PRAGMA optimize``.
_OPTIMIZED_KEY = "cms_optimized_at"
#: Key in a pooled connection's ``info`` marking a busy timeout to restore at check-in.
_RESTORE_KEY = "cms_restore_busy_timeout"


def busy_timeout() -> float:
    """The configured lock wait in seconds (``DATABASE_BUSY_TIMEOUT``)."""
    if has_app_context():
        return float(current_app.config.get("DATABASE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    return DEFAULT_BUSY_TIMEOUT


def engine_options(url: str, config: Mapping[str, Any]) -> dict[str, Any]:
    """SQLAlchemy engine options for ``url``; ``SQLALCHEMY_ENGINE_OPTIONS`` in ``config`` wins.

    Every database: a ``pool_timeout`` of ``DATABASE_BUSY_TIMEOUT`` seconds (a
    request never queues for a connection until the worker times out).
    Database servers: ``pool_pre_ping`` (a connection the server dropped is
    replaced at check-out, never surfaced as an error). SQLite: the driver's
    busy ``timeout``, and no ping: a file has no server to drop a connection,
    and the ping would be one more statement per request.
    PostgreSQL: ``connect_timeout`` (``DATABASE_CONNECT_TIMEOUT``), a
    ``lock_timeout`` equal to the busy timeout, and TCP keepalives with a
    ``tcp_user_timeout`` (:data:`_VANISHED_HOST`), so that a server host that
    vanished (powered off, cut off by the network) fails the statement waiting
    for it in seconds instead of the kernel's 15 minutes of retransmissions.
    """
    busy = float(config.get("DATABASE_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    connect = int(config.get("DATABASE_CONNECT_TIMEOUT", DEFAULT_CONNECT_TIMEOUT))
    parsed = make_url(url)
    backend = parsed.get_backend_name()
    options: dict[str, Any] = {"pool_pre_ping": backend != "sqlite"}
    connect_args: dict[str, Any] = {}
    if backend == "sqlite":
        connect_args["timeout"] = busy
        if parsed.database not in (None, "", ":memory:"):  # memory databases use one connection
            options["pool_timeout"] = busy
    else:
        options["pool_timeout"] = busy
    if backend == "postgresql":
        connect_args["connect_timeout"] = max(1, connect)
        connect_args["options"] = f"-c lock_timeout={int(busy * 1000)}"
        connect_args.update(_VANISHED_HOST)
    configured = dict(config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    connect_args.update(configured.pop("connect_args", None) or {})
    options.update(configured)
    options["connect_args"] = connect_args
    return options


def configure_engine(engine: Engine) -> None:
    """Set per-connection pragmas on SQLite engines; other databases need nothing.

    Call inside an app context: the busy timeout comes from ``DATABASE_BUSY_TIMEOUT``.
    """
    if engine.dialect.name != "sqlite":
        return
    busy_ms = int(busy_timeout() * 1000)

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection: Any, record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

        record.info[_OPTIMIZED_KEY] = time.monotonic()

    @event.listens_for(engine, "checkin")
    def _restore_busy_timeout(dbapi_connection: Any, record: Any) -> None:
        if record is None or dbapi_connection is None:  # None once invalidated
            return
        if record.info.pop(_RESTORE_KEY, False):
            dbapi_connection.execute(f"PRAGMA busy_timeout={busy_ms}")
        optimized = record.info.get(_OPTIMIZED_KEY)
        if optimized is not None and time.monotonic() - optimized >= OPTIMIZE_EVERY:
            record.info[_OPTIMIZED_KEY] = time.monotonic()
            optimize(dbapi_connection)


def optimize(dbapi_connection: Any) -> None:
    """Run SQLite's ``PRAGMA optimize`` on a driver connection; never raises.

    SQLite recommends it for long-lived connections, "once per day or once
    per hour" (https://www.sqlite.org/pragma.html#pragma_optimize): it
    refreshes the planner's statistics (``ANALYZE``) of the tables whose
    queries would profit, usually doing nothing at all. A pooled connection
    runs it when checked in, at most every :data:`OPTIMIZE_EVERY` seconds.
    """
    try:
        dbapi_connection.execute("PRAGMA optimize")
    except Exception:  # busy or locked: the next check-in tries again
        log.debug("PRAGMA optimize failed", exc_info=True)


@contextmanager
def short_lock_wait(seconds: float) -> Iterator[None]:
    """Make the session's current transaction wait at most ``seconds`` for a lock.

    For writes that may be skipped or retried later (a view count), so that a
    reader is never held up by someone else's long write. Statements that
    cannot get their lock in time raise an error that :func:`database_trouble`
    calls :data:`BUSY`. SQLite: the connection's busy timeout, restored when the
    connection goes back to the pool; PostgreSQL: ``SET LOCAL lock_timeout``,
    which ends with the transaction. Other databases: no change.
    """
    limit_lock_wait(db.session.connection(), seconds)
    yield


def limit_lock_wait(connection: Connection, seconds: float) -> None:
    """Make ``connection``'s current transaction wait at most ``seconds`` for a lock.

    What :func:`short_lock_wait` does to the session, for a connection of
    one's own (a background thread's write that may wait for a later round).
    SQLite: the connection's busy timeout, restored when it goes back to the
    pool; PostgreSQL: ``SET LOCAL lock_timeout``, which ends with the
    transaction; other databases: no change. A statement that cannot get its
    lock in time raises an error that :func:`database_trouble` calls :data:`BUSY`.
    """
    millis = max(1, int(seconds * 1000))
    name = connection.dialect.name
    if name == "sqlite":
        connection.connection.info[_RESTORE_KEY] = True
        connection.exec_driver_sql(f"PRAGMA busy_timeout={millis}")
    elif name == "postgresql":
        connection.exec_driver_sql(f"SET LOCAL lock_timeout = {millis}")


def database_trouble(exc: BaseException) -> str | None:
    """:data:`BUSY` or :data:`DOWN` when ``exc`` is a passing database fault, else ``None``.

    Busy: SQLite's ``database is locked`` after the busy timeout, PostgreSQL's
    lock or statement timeout, deadlock or serialization failure, too many
    connections, or no pooled connection free in time. Down: the server
    refuses or drops connections or only reads (a standby: ``25006``), or the
    SQLite file cannot be opened or written (read-only, disk full). Bugs
    (a syntax error, a missing table, bad data) are not database trouble.
    """
    if isinstance(exc, sa_exc.TimeoutError):  # the pool had no free connection in time
        return BUSY
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    if exc.connection_invalidated:
        return DOWN
    orig = exc.orig
    if isinstance(orig, sqlite3.Error):
        message = str(orig).lower()
        if "locked" in message or "busy" in message:
            return BUSY
        if any(text in message for text in _SQLITE_DOWN):
            return DOWN
        return None
    if not isinstance(exc, sa_exc.OperationalError | sa_exc.InterfaceError):
        return None
    state = getattr(orig, "sqlstate", None)
    if not state:  # no answer from the server at all: refused, unreachable, dropped
        return DOWN
    if state.startswith(_PG_DOWN):
        return DOWN
    if state.startswith(_PG_BUSY):
        return BUSY
    return None


#: Tables and indexes that migrations create by hand and models do not describe.
UNMODELLED = ("article_fts", "ix_article_search_text_fts")


def include_object(
    obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any
) -> bool:
    """Alembic filter: leave the full-text search objects out of autogenerate."""
    return not (name or "").startswith(UNMODELLED)
