"""The shared store: what every worker and every host of one site must agree on.

Atomic counters, presence sets with expiry ("online now"), single-use tokens with
expiry (captcha answers, vote receipts) and rate limits, for the core and plugins
alike. Per-process memory is never used for these: with two workers it would be
wrong.

Backends:

- **Redis** when ``CMS_REDIS_URL`` is set (``INCRBY``, sorted sets for presence,
  a Lua ``GET``+``DEL`` for single-use tokens), with short socket timeouts
  (``STORE_REDIS_TIMEOUT``, seconds). Keys start with ``STORE_PREFIX`` (default:
  derived from ``CMS_SITE_URL`` or the instance folder), so several sites can share
  one Redis. Redis then holds counters nobody else keeps (article views): run it
  with persistence (RDB or AOF) and ``maxmemory-policy noeviction``.
- **The database** otherwise, and while Redis is unreachable: the tables of
  :mod:`cms.models.store`, written with ``INSERT ... ON CONFLICT DO UPDATE`` and
  ``DELETE ... RETURNING`` (SQLite 3.35+ and PostgreSQL alike). A Redis failure is
  logged once; Redis is tried again after ``STORE_REDIS_RETRY`` seconds.

**Hand-over**: with Redis configured, whatever the database holds (written while
Redis was down, or by a migration) is moved into Redis by a background thread
when a process first reaches Redis and whenever Redis answers again after a
failure (:meth:`Store.handover`): counters are added to Redis's, tokens and
presence copied with their remaining time, each row taken from the database in
the transaction that hands it over, so every row is moved once even when many
workers hand over at once. So no count made during an outage is lost or
hidden once Redis is back (within about ``STORE_FLUSH_INTERVAL``); during the
outage itself, a worker that found Redis down reads the database, which holds
only what was written since.

**Exactly once when Redis is slow**: an :func:`incr_later` whose answer does
not come (a timeout, a dropped connection) may still have been applied. Each
thread numbers its increments; Redis keeps the last number it applied per
writer (a Lua script checks and adds in one step), so the flush thread sends
such an increment again with the same number and Redis adds it only if it
had not. One that Redis cannot take within :data:`UNCERTAIN_MAX_AGE` goes to
the database like any write made while Redis is down.

Writes that readers cause (:func:`incr_later`, :func:`touch`) never make a reader
wait for a database write lock: on the database they are buffered in the process
and written in one batch every ``STORE_FLUSH_INTERVAL`` seconds (default 1) by a
background thread, so every worker reads them within 2 seconds; the writing worker
reads its own at once. Everything else (:func:`incr`, tokens, :func:`hit`) is
written before the call returns.

Rate limits of Flask-Limiter go through the store as well: :class:`LimitsStorage`
is a ``limits`` storage registered for the scheme ``cms+store://`` (the default
``RATELIMIT_STORAGE_URI``), so sign-in throttling holds across workers without
Redis and with Redis down.
"""

from __future__ import annotations

import atexit
import hashlib
import logging
import os
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from limits.storage import Storage
from redis.backoff import NoBackoff
from redis.retry import Retry
from sqlalchemy import bindparam, text
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from cms.extensions import db

log = logging.getLogger(__name__)

#: Key of the site's :class:`Store` in ``app.extensions``.
EXTENSION_KEY = "cms_store"
#: Seconds between two writes of the buffered counters and presence pings.
DEFAULT_FLUSH_INTERVAL = 1.0
#: Seconds a Redis command may take (connect, send, receive) before the database is used.
DEFAULT_REDIS_TIMEOUT = 0.3
#: Seconds after a Redis failure before Redis is tried again (short: workers that found
#: Redis down read the database meanwhile, which lacks what Redis holds).
DEFAULT_REDIS_RETRY = 5.0
#: Rows of each store table moved to Redis per transaction of a hand-over.
HANDOVER_BATCH = 500
#: Most distinct keys a process buffers; past it new buffered writes are dropped (logged).
MAX_PENDING = 100_000
#: Every this many token writes, a process deletes the expired tokens and presence rows.
PURGE_EVERY = 200
#: Seconds an increment Redis did not answer is sent again to Redis before it goes to
#: the database instead (Redis still keeps writers' numbers for :data:`WRITER_TTL`).
UNCERTAIN_MAX_AGE = 600.0
#: Seconds Redis keeps the last number applied of a writer that wrote nothing since: past
#: :data:`UNCERTAIN_MAX_AGE`, no increment of it can be sent again.
WRITER_TTL = 2 * UNCERTAIN_MAX_AGE
#: Prefix of the counters behind rate limits (:func:`hit` and :class:`LimitsStorage`).
LIMIT_PREFIX = "limit:"

_INCR_SQL = text(
    'INSERT INTO store_counter ("key", value, expires_at) VALUES (:key, :amount, :expires_at) '
    'ON CONFLICT ("key") DO UPDATE SET '
    "value = CASE WHEN store_counter.expires_at IS NOT NULL AND store_counter.expires_at <= :now "
    "THEN excluded.value ELSE store_counter.value + excluded.value END, "
    "expires_at = CASE WHEN store_counter.expires_at IS NOT NULL "
    "AND store_counter.expires_at <= :now "
    "THEN excluded.expires_at ELSE store_counter.expires_at END "
    "RETURNING value"
)
#: An arrival (:meth:`Store.arrive_later`): the row's value restarts at 1 when it had expired
#: by the visitor's first sighting (``:first``), else grows; its expiry only moves forward.
_ARRIVE_SQL = text(
    'INSERT INTO store_counter ("key", value, expires_at) VALUES (:key, 1, :expires_at) '
    'ON CONFLICT ("key") DO UPDATE SET '
    "value = CASE WHEN store_counter.expires_at IS NULL OR store_counter.expires_at <= :first "
    "THEN 1 ELSE store_counter.value + 1 END, "
    "expires_at = CASE WHEN store_counter.expires_at IS NULL "
    "OR store_counter.expires_at < excluded.expires_at "
    "THEN excluded.expires_at ELSE store_counter.expires_at END "
    "RETURNING value"
)
_PREFIX_SQL = text(
    'SELECT "key", value FROM store_counter WHERE substr("key", 1, :size) = :prefix '
    "AND (expires_at IS NULL OR expires_at > :now)"
)
_GET_SQL = text(
    'SELECT "key", value FROM store_counter WHERE "key" IN :keys '
    "AND (expires_at IS NULL OR expires_at > :now)"
).bindparams(bindparam("keys", expanding=True))
_EXPIRY_SQL = text(
    'SELECT expires_at FROM store_counter WHERE "key" = :key '
    "AND (expires_at IS NULL OR expires_at > :now)"
)
_TOUCH_SQL = text(
    "INSERT INTO store_presence (set_name, member, expires_at) "
    "VALUES (:set_name, :member, :expires_at) "
    "ON CONFLICT (set_name, member) DO UPDATE SET expires_at = CASE "
    "WHEN excluded.expires_at > store_presence.expires_at THEN excluded.expires_at "
    "ELSE store_presence.expires_at END"
)
_COUNT_SQL = text(
    "SELECT count(*) FROM store_presence WHERE set_name = :set_name AND expires_at > :now"
)
_PRESENT_SQL = text(
    "SELECT member FROM store_presence WHERE set_name = :set_name AND expires_at > :now "
    "AND member IN :members"
).bindparams(bindparam("members", expanding=True))
_PUT_TOKEN_SQL = text(
    "INSERT INTO store_token (namespace, token, value, expires_at) "
    "VALUES (:namespace, :token, :value, :expires_at) "
    "ON CONFLICT (namespace, token) DO UPDATE SET "
    "value = excluded.value, expires_at = excluded.expires_at"
)
_TAKE_TOKEN_SQL = text(
    "DELETE FROM store_token WHERE namespace = :namespace AND token = :token "
    "RETURNING value, expires_at"
)
_ANY_ROWS_SQL = text(
    "SELECT (SELECT 1 FROM store_counter LIMIT 1), (SELECT 1 FROM store_token LIMIT 1), "
    "(SELECT 1 FROM store_presence LIMIT 1)"
)
_TAKE_COUNTERS_SQL = text(
    'DELETE FROM store_counter WHERE "key" IN '
    '(SELECT "key" FROM store_counter ORDER BY "key" LIMIT :limit) '
    'RETURNING "key", value, expires_at'
)
_TAKE_TOKENS_SQL = text(
    "DELETE FROM store_token WHERE (namespace, token) IN "
    "(SELECT namespace, token FROM store_token ORDER BY namespace, token LIMIT :limit) "
    "RETURNING namespace, token, value, expires_at"
)
_TAKE_PRESENCE_SQL = text(
    "DELETE FROM store_presence WHERE (set_name, member) IN "
    "(SELECT set_name, member FROM store_presence ORDER BY set_name, member LIMIT :limit) "
    "RETURNING set_name, member, expires_at"
)

#: Redis: add to a counter; set its expiry (milliseconds, ARGV[2]) when it has none.
_REDIS_INCR = """
local v = redis.call('INCRBY', KEYS[1], ARGV[1])
local ms = tonumber(ARGV[2])
if ms > 0 and redis.call('PTTL', KEYS[1]) < 0 then redis.call('PEXPIRE', KEYS[1], ms) end
return v
"""
#: Redis: add ARGV[1] to counter KEYS[1] unless writer KEYS[2] already applied number
#: ARGV[2] or a later one (its numbers only grow); 1 when added, 0 when it was already.
_REDIS_INCR_ONCE = """
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if tonumber(ARGV[2]) <= last then return 0 end
redis.call('SET', KEYS[2], ARGV[2], 'PX', ARGV[3])
redis.call('INCRBY', KEYS[1], ARGV[1])
return 1
"""
#: Redis: an arrival. Counter KEYS[1] grows by one and expires ARGV[1] ms from now; when it
#: was absent (expired), each other key grows by one. 1 when it was an arrival, else 0.
_REDIS_ARRIVE = """
local v = redis.call('INCR', KEYS[1])
redis.call('PEXPIRE', KEYS[1], ARGV[1])
if v ~= 1 then return 0 end
for i = 2, #KEYS do redis.call('INCRBY', KEYS[i], 1) end
return 1
"""
#: Redis: add a member with its expiry score; keep the set as long as its longest member.
_REDIS_TOUCH = """
local cur = redis.call('ZSCORE', KEYS[1], ARGV[2])
if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
  redis.call('ZADD', KEYS[1], ARGV[1], ARGV[2])
end
local ms = tonumber(ARGV[3])
if redis.call('PTTL', KEYS[1]) < ms then redis.call('PEXPIRE', KEYS[1], ms) end
return 1
"""
#: Redis: read and delete a token in one step (``GETDEL`` of Redis 6.2, for older ones too).
_REDIS_TAKE = """
local v = redis.call('GET', KEYS[1])
if v then redis.call('DEL', KEYS[1]) end
return v
"""


@dataclass(frozen=True)
class Arrival:
    """A visitor's sightings buffered by :meth:`Store.arrive_later`, not yet written."""

    #: Seconds since the epoch of the first sighting in the buffer.
    first: float
    #: Seconds since the epoch when the visitor's presence ends (the last sighting + ttl).
    expires_at: float
    #: Counters to add 1 to when the first sighting was an arrival.
    counters: tuple[str, ...]


def _hit_name(key: str, window: int) -> str:
    """The counter of :meth:`Store.hit` for ``key`` in fixed window number ``window``."""
    return f"{LIMIT_PREFIX}hit:{key}:{window}"


def _check_name(what: str, value: str, size: int) -> None:
    if not isinstance(value, str) or not value or len(value) > size:
        raise ValueError(f"{what} must be a non-empty string of at most {size} characters")


def _check_seconds(what: str, value: float | None) -> None:
    if value is not None and not value > 0:
        raise ValueError(f"{what} must be a positive number of seconds, not {value!r}")


class DatabaseBackend:
    """The store in the site's database (tables of :mod:`cms.models.store`).

    Every call runs in its own short transaction on ``engine``, apart from the
    request's session, so it never commits or rolls back the caller's work.
    Raises :class:`sqlalchemy.exc.SQLAlchemyError` when the database fails.
    """

    def __init__(self, engine: Engine) -> None:
        #: The engine of the site's database.
        self.engine = engine

    def incr(self, key: str, amount: int, ttl_seconds: float | None, now: float) -> int:
        """Add ``amount`` to counter ``key`` and return the new value (atomic)."""
        expires_at = None if ttl_seconds is None else now + ttl_seconds
        params = {"key": key, "amount": amount, "expires_at": expires_at, "now": now}
        with self.engine.begin() as conn:
            return int(conn.execute(_INCR_SQL, params).scalar_one())

    def incr_many(
        self,
        amounts: dict[str, int],
        now: float,
        arrivals: dict[str, Arrival] | None = None,
    ) -> None:
        """Add each amount of ``{key: amount}`` to its counter, in one transaction.

        ``arrivals`` (``{key: Arrival}``, see :meth:`Store.arrive_later`) are
        applied first in the same transaction; the counters of those that were
        arrivals are added with the amounts.
        """
        totals = dict(amounts)
        with self.engine.begin() as conn:
            for key, arrival in sorted((arrivals or {}).items()):
                params = {"key": key, "first": arrival.first, "expires_at": arrival.expires_at}
                if int(conn.execute(_ARRIVE_SQL, params).scalar_one()) == 1:
                    for counter in arrival.counters:
                        totals[counter] = totals.get(counter, 0) + 1
            for key, amount in sorted(totals.items()):  # one order: no deadlock between workers
                conn.execute(
                    _INCR_SQL, {"key": key, "amount": amount, "expires_at": None, "now": now}
                )

    def counters(self, prefix: str, now: float) -> dict[str, int]:
        """``{key: value}`` of the live counters whose key starts with ``prefix``."""
        with self.engine.connect() as conn:
            rows = conn.execute(_PREFIX_SQL, {"size": len(prefix), "prefix": prefix, "now": now})
            return {str(key): int(value) for key, value in rows}

    def get_many(self, keys: list[str], now: float) -> dict[str, int]:
        """The current values of ``keys`` (missing or expired: 0)."""
        found = dict.fromkeys(keys, 0)
        if keys:
            with self.engine.connect() as conn:
                for key, value in conn.execute(_GET_SQL, {"keys": keys, "now": now}):
                    found[key] = int(value)
        return found

    def expiry(self, key: str, now: float) -> float | None:
        """Seconds since the epoch when counter ``key`` restarts; None: never or absent."""
        with self.engine.connect() as conn:
            value = conn.execute(_EXPIRY_SQL, {"key": key, "now": now}).scalar()
        return None if value is None else float(value)

    def delete_counters(self, keys: list[str] | None = None, prefix: str | None = None) -> int:
        """Delete the named counters, or every counter whose key starts with ``prefix``."""
        with self.engine.begin() as conn:
            if prefix is not None:
                result = conn.execute(
                    text('DELETE FROM store_counter WHERE substr("key", 1, :size) = :prefix'),
                    {"size": len(prefix), "prefix": prefix},
                )
            else:
                result = conn.execute(
                    text('DELETE FROM store_counter WHERE "key" IN :keys').bindparams(
                        bindparam("keys", expanding=True)
                    ),
                    {"keys": keys or [""]},
                )
        return int(result.rowcount or 0)

    def touch_many(self, members: dict[tuple[str, str], float]) -> None:
        """Mark each ``(set_name, member)`` present until its time (seconds since the epoch)."""
        rows = [
            {"set_name": set_name, "member": member, "expires_at": expires_at}
            for (set_name, member), expires_at in sorted(members.items())
        ]
        with self.engine.begin() as conn:
            for row in rows:
                conn.execute(_TOUCH_SQL, row)

    def count(self, set_name: str, now: float, pending: Iterable[str] = ()) -> int:
        """Members of ``set_name`` present now, plus those of ``pending`` not stored yet."""
        pending = list(pending)
        with self.engine.connect() as conn:
            total = int(conn.execute(_COUNT_SQL, {"set_name": set_name, "now": now}).scalar_one())
            if pending:
                stored = set(
                    conn.execute(
                        _PRESENT_SQL, {"set_name": set_name, "now": now, "members": pending}
                    ).scalars()
                )
                total += len(set(pending) - stored)
        return total

    def put_token(
        self, namespace: str, token: str, value: str, ttl_seconds: float, now: float
    ) -> None:
        """Store ``token`` (replacing one of the same name) until ``now + ttl_seconds``."""
        params = {
            "namespace": namespace,
            "token": token,
            "value": value,
            "expires_at": now + ttl_seconds,
        }
        with self.engine.begin() as conn:
            conn.execute(_PUT_TOKEN_SQL, params)

    def take_token(self, namespace: str, token: str, now: float) -> str | None:
        """Delete ``token`` and return its value, or None if absent or expired (atomic)."""
        with self.engine.begin() as conn:
            row = conn.execute(_TAKE_TOKEN_SQL, {"namespace": namespace, "token": token}).first()
        if row is None or float(row.expires_at) <= now:
            return None
        return str(row.value)

    def has_rows(self) -> bool:
        """Whether any counter, token or presence row is stored (one cheap read)."""
        with self.engine.connect() as conn:
            return any(value is not None for value in conn.execute(_ANY_ROWS_SQL).one())

    def take_batch(self, conn: Any, limit: int) -> tuple[list[Any], list[Any], list[Any]]:
        """Delete and return up to ``limit`` rows of each table, in ``conn``'s transaction.

        Returns ``(counters, tokens, presence)``: rows with ``key, value,
        expires_at``; ``namespace, token, value, expires_at``; ``set_name, member,
        expires_at``. Rows another transaction takes at the same time are
        returned to one of them only.
        """
        counters = conn.execute(_TAKE_COUNTERS_SQL, {"limit": limit}).all()
        tokens = conn.execute(_TAKE_TOKENS_SQL, {"limit": limit}).all()
        presence = conn.execute(_TAKE_PRESENCE_SQL, {"limit": limit}).all()
        return counters, tokens, presence

    def purge(self, now: float) -> None:
        """Delete expired tokens, presence rows and counters."""
        with self.engine.begin() as conn:
            conn.execute(text("DELETE FROM store_token WHERE expires_at <= :now"), {"now": now})
            conn.execute(text("DELETE FROM store_presence WHERE expires_at <= :now"), {"now": now})
            conn.execute(
                text(
                    "DELETE FROM store_counter WHERE expires_at IS NOT NULL AND expires_at <= :now"
                ),
                {"now": now},
            )


class RedisBackend:
    """The store in Redis; every key starts with ``prefix``.

    Raises :class:`redis.RedisError` when Redis fails or is slower than its timeout.
    """

    def __init__(self, client: redis.Redis, prefix: str) -> None:
        #: The Redis client (short timeouts, no retries).
        self.client = client
        #: What every key of this site starts with.
        self.prefix = prefix
        self._incr = client.register_script(_REDIS_INCR)
        self._incr_once = client.register_script(_REDIS_INCR_ONCE)
        self._touch = client.register_script(_REDIS_TOUCH)
        self._take = client.register_script(_REDIS_TAKE)
        self._arrive = client.register_script(_REDIS_ARRIVE)

    def _counter(self, key: str) -> str:
        return f"{self.prefix}c:{key}"

    def incr(self, key: str, amount: int, ttl_seconds: float | None, now: float) -> int:
        """Add ``amount`` to counter ``key`` and return the new value (``INCRBY``)."""
        ms = 0 if ttl_seconds is None else max(1, int(ttl_seconds * 1000))
        return int(self._incr(keys=[self._counter(key)], args=[amount, ms]))

    def claim(self, key: str, ttl_seconds: float) -> bool:
        """Set counter ``key`` to 1 for ``ttl_seconds`` unless it exists (``SET NX PX``)."""
        ms = max(1, int(ttl_seconds * 1000))
        return bool(self.client.set(self._counter(key), 1, nx=True, px=ms))

    def incr_once(self, key: str, amount: int, writer: str, number: int) -> bool:
        """Add ``amount`` to counter ``key`` as increment ``number`` of ``writer``, once.

        ``False`` when Redis had applied that number (or a later one) of the
        writer already: an increment sent again after its answer was lost.
        """
        ms = max(1, int(WRITER_TTL * 1000))
        keys = [self._counter(key), f"{self.prefix}w:{writer}"]
        return bool(int(self._incr_once(keys=keys, args=[amount, number, ms])))

    def arrive(self, key: str, ttl_seconds: float, counters: list[str]) -> bool:
        """Refresh arrival counter ``key`` for ``ttl_seconds``; on arrival add 1 to ``counters``."""
        ms = max(1, int(ttl_seconds * 1000))
        keys = [self._counter(key), *(self._counter(name) for name in counters)]
        return bool(int(self._arrive(keys=keys, args=[ms])))

    def incr_many_once(self, amounts: list[tuple[str, int]], writer: str, first: int) -> None:
        """Add each ``(key, amount)`` as increments ``first``, ``first + 1``... of ``writer``.

        One round trip (a pipeline); each is applied at most once (:meth:`incr_once`).
        """
        ms = max(1, int(WRITER_TTL * 1000))
        pipe = self.client.pipeline(transaction=False)
        for offset, (key, amount) in enumerate(amounts):
            keys = [self._counter(key), f"{self.prefix}w:{writer}"]
            self._incr_once(keys=keys, args=[amount, first + offset, ms], client=pipe)
        pipe.execute()

    def counters(self, prefix: str, now: float) -> dict[str, int]:
        """``{key: value}`` of the counters whose key starts with ``prefix`` (SCAN + MGET)."""
        start = self._counter("")
        pattern = self._counter(prefix).replace("*", r"\*").replace("?", r"\?") + "*"
        names = list(self.client.scan_iter(match=pattern, count=500))
        found: dict[str, int] = {}
        for index in range(0, len(names), 500):
            chunk = names[index : index + 500]
            for name, value in zip(chunk, self.client.mget(chunk), strict=True):
                if value is not None:
                    found[name[len(start) :]] = int(value)
        return found

    def get_many(self, keys: list[str], now: float) -> dict[str, int]:
        """The current values of ``keys`` (missing or expired: 0)."""
        if not keys:
            return {}
        values = self.client.mget([self._counter(key) for key in keys])
        return {key: int(value or 0) for key, value in zip(keys, values, strict=True)}

    def expiry(self, key: str, now: float) -> float | None:
        """Seconds since the epoch when counter ``key`` restarts; None: never or absent."""
        ms = int(self.client.pttl(self._counter(key)))
        return None if ms < 0 else now + ms / 1000

    def delete_counters(self, keys: list[str] | None = None, prefix: str | None = None) -> int:
        """Delete the named counters, or every counter whose key starts with ``prefix``."""
        if prefix is not None:
            pattern = self._counter(prefix).replace("*", r"\*").replace("?", r"\?") + "*"
            names = list(self.client.scan_iter(match=pattern, count=500))
        else:
            names = [self._counter(key) for key in keys or []]
        return int(self.client.delete(*names)) if names else 0

    def touch(self, set_name: str, member: str, ttl_seconds: float, now: float) -> None:
        """Mark ``member`` of ``set_name`` present for ``ttl_seconds`` (a sorted set)."""
        ms = max(1, int(ttl_seconds * 1000))
        self._touch(keys=[f"{self.prefix}p:{set_name}"], args=[now + ttl_seconds, member, ms])

    def count(self, set_name: str, now: float) -> int:
        """Members of ``set_name`` present now (older ones are removed)."""
        key = f"{self.prefix}p:{set_name}"
        pipe = self.client.pipeline()
        pipe.zremrangebyscore(key, "-inf", now)
        pipe.zcard(key)
        return int(pipe.execute()[1])

    def put_token(
        self, namespace: str, token: str, value: str, ttl_seconds: float, now: float
    ) -> None:
        """Store ``token`` until ``ttl_seconds`` from now (``SET ... PX``)."""
        ms = max(1, int(ttl_seconds * 1000))
        self.client.set(f"{self.prefix}t:{namespace}:{token}", value, px=ms)

    def take_token(self, namespace: str, token: str, now: float) -> str | None:
        """Delete ``token`` and return its value, or None if absent or expired (atomic)."""
        value = self._take(keys=[f"{self.prefix}t:{namespace}:{token}"])
        return None if value is None else str(value)

    def receive(
        self, counters: list[Any], tokens: list[Any], presence: list[Any], now: float
    ) -> None:
        """Add rows taken from the database (:meth:`DatabaseBackend.take_batch`), atomically.

        Counters are added to Redis's (their expiry kept when Redis's has none);
        tokens and presence keep the time they have left; expired rows are dropped.
        One ``MULTI``/``EXEC``: all or nothing.
        """
        pipe = self.client.pipeline(transaction=True)
        for row in counters:
            if row.expires_at is None:
                self._incr(keys=[self._counter(row.key)], args=[int(row.value), 0], client=pipe)
            elif float(row.expires_at) > now:
                ms = max(1, int((float(row.expires_at) - now) * 1000))
                self._incr(keys=[self._counter(row.key)], args=[int(row.value), ms], client=pipe)
        for row in tokens:
            if float(row.expires_at) > now:
                ms = max(1, int((float(row.expires_at) - now) * 1000))
                pipe.set(f"{self.prefix}t:{row.namespace}:{row.token}", row.value, px=ms)
        for row in presence:
            if float(row.expires_at) > now:
                ms = max(1, int((float(row.expires_at) - now) * 1000))
                self._touch(
                    keys=[f"{self.prefix}p:{row.set_name}"],
                    args=[float(row.expires_at), row.member, ms],
                    client=pipe,
                )
        pipe.execute()


def never_applied(exc: redis.RedisError) -> bool:
    """Whether a command that raised ``exc`` certainly did not change Redis.

    Redis refused it (a ``ResponseError``: out of memory, read-only), or no
    connection was made (redis-py says "... connecting to ..."). A timeout or a
    dropped connection after the command was sent leaves it unknown.
    """
    if isinstance(exc, redis.ResponseError):
        return True
    return "connecting to" in str(exc)


class Store:
    """The shared store of one site: Redis when configured and reachable, else the database.

    Create it with :func:`init_app`; reach it with :func:`get_store` or the
    module functions (:func:`incr`, :func:`touch`...), which use the current app's.
    """

    def __init__(
        self,
        database: DatabaseBackend,
        redis_backend: RedisBackend | None = None,
        *,
        flush_interval: float = DEFAULT_FLUSH_INTERVAL,
        redis_retry: float = DEFAULT_REDIS_RETRY,
    ) -> None:
        #: The database backend (always there: the fallback).
        self.database = database
        #: The Redis backend, if ``CMS_REDIS_URL`` is set.
        self.redis_backend = redis_backend
        #: Seconds between two writes of the buffered counters and presence pings.
        self.flush_interval = flush_interval
        #: Seconds after a Redis failure before Redis is tried again.
        self.redis_retry = redis_retry
        self._lock = threading.Lock()
        self._redis_down_until = 0.0
        self._redis_down = False
        self._pending_counts: dict[str, int] = {}
        self._pending_presence: dict[tuple[str, str], float] = {}
        self._pending_arrivals: dict[str, Arrival] = {}
        self._flush_failed = False
        self._thread: threading.Thread | None = None
        self._pid = os.getpid()
        self._wake = threading.Event()
        self._token_writes = 0
        self._in_flight = 0
        #: Whether the database may hold rows to move to Redis (see :meth:`handover`).
        self._handover_wanted = redis_backend is not None
        self._closed = False
        #: This thread's writer id and the number of its last increment (:meth:`incr_later`).
        self._writer = threading.local()
        #: Increments Redis did not answer: ``(key, amount, writer, number, since)``.
        self._uncertain: list[tuple[str, int, str, int, float]] = []
        _STORES.add(self)

    # -- Redis and its fallback -------------------------------------------------

    @property
    def redis(self) -> redis.Redis | None:
        """The Redis client when Redis is configured and not known to be down, else None.

        For plugins that need more than the store offers; it has short timeouts, so
        catch :class:`redis.RedisError` and degrade.
        """
        if self.redis_backend is None or time.monotonic() < self._redis_down_until:
            return None
        return self.redis_backend.client

    def _use_redis(self) -> RedisBackend | None:
        if self.redis_backend is None or time.monotonic() < self._redis_down_until:
            return None
        return self.redis_backend

    def _redis_failed(self, exc: Exception) -> None:
        with self._lock:
            self._redis_down_until = time.monotonic() + self.redis_retry
            first = not self._redis_down
            self._redis_down = True
        if first:
            log.warning(
                "Redis is unreachable (%s); the shared store uses the database, "
                "and tries Redis again every %.0f s",
                exc,
                self.redis_retry,
            )

    def _redis_worked(self) -> None:
        if self._redis_down:
            with self._lock:
                was_down, self._redis_down = self._redis_down, False
            if was_down:
                log.warning("Redis answers again; the shared store uses it")
                self._handover_wanted = True
        if self._handover_wanted:
            self._reset_after_fork()
            self._start_flusher()  # the flush thread hands the database's rows over

    def _call(self, name: str, *args: Any) -> Any:
        """Run backend method ``name`` on Redis if it is up, else (or on failure) the database."""
        found, from_redis = self._on_redis(name, *args)
        return found if from_redis else getattr(self.database, name)(*args)

    def _on_redis(self, name: str, *args: Any) -> tuple[Any, bool]:
        """``(result, True)`` of Redis's method ``name``; ``(None, False)`` when Redis fails."""
        backend = self._use_redis()
        if backend is not None:
            try:
                result = getattr(backend, name)(*args)
            except redis.RedisError as exc:
                self._redis_failed(exc)
            else:
                self._redis_worked()
                return result, True
        return None, False

    # -- counters ---------------------------------------------------------------

    def incr(self, key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
        """Add ``amount`` to counter ``key`` now and return its new value (atomic).

        ``ttl_seconds``: a new counter restarts from zero that many seconds after its
        first increment. For writes a reader causes, use :meth:`incr_later`.
        """
        _check_name("a counter key", key, 255)
        _check_seconds("ttl_seconds", ttl_seconds)
        return int(self._call("incr", key, int(amount), ttl_seconds, time.time()))

    def claim(self, key: str, ttl_seconds: float) -> bool:
        """Whether this call is the first to claim ``key`` within ``ttl_seconds`` (atomic).

        For single use without a write beforehand (a signed nonce, a challenge):
        of every claimer on every worker and host, exactly one gets ``True``;
        the claim then reads as counter ``key`` of 1 or more (:meth:`get`) until it
        expires.
        With Redis configured but unreachable, ``False`` for everyone (fail
        closed): what Redis holds cannot be seen from the database, and a claim
        made there during the outage would be unknown to Redis once it is back
        (a counter's rows are handed over later), so either side could grant it
        a second time. Without Redis, the database decides alone.
        """
        _check_name("a claim key", key, 255)
        _check_seconds("ttl_seconds", ttl_seconds)
        if self.redis_backend is None:
            return int(self.database.incr(key, 1, ttl_seconds, time.time())) == 1
        found, from_redis = self._on_redis("claim", key, float(ttl_seconds))
        return bool(found) if from_redis else False

    def incr_later(self, key: str, amount: int = 1) -> None:
        """Add ``amount`` to counter ``key`` without waiting for a lock.

        With Redis, at once; on the database, buffered and written within
        :attr:`flush_interval` seconds. Every worker reads it within 2 seconds.
        """
        _check_name("a counter key", key, 255)
        self._reset_after_fork()
        backend = self._use_redis()
        if backend is not None:
            writer, number = self._next_number()
            try:
                backend.incr_once(key, int(amount), writer, number)
            except redis.RedisError as exc:
                self._redis_failed(exc)
                if not never_applied(exc):
                    # Maybe applied (a slow Redis): sent again, with its number, by the flush
                    # thread; this thread writes under a new id meanwhile, so no later number
                    # of the old one can hide it.
                    self._writer.id = None
                    with self._lock:
                        self._uncertain.append((key, int(amount), writer, number, time.monotonic()))
                    self._start_flusher()
                    return
            else:
                self._redis_worked()
                return
        with self._lock:
            if key not in self._pending_counts and len(self._pending_counts) >= MAX_PENDING:
                log.warning("too many buffered counters; %s not counted", key)
                return
            self._pending_counts[key] = self._pending_counts.get(key, 0) + int(amount)
        self._start_flusher()

    def _next_number(self, count: int = 1) -> tuple[str, int]:
        """This thread's writer id and the number of its next increment (the first of ``count``)."""
        local = self._writer
        if getattr(local, "id", None) is None:
            local.id, local.number = os.urandom(12).hex(), 0
        local.number += count
        return local.id, local.number - count + 1

    def incr_many_later(self, amounts: Mapping[str, int]) -> None:
        """Add each amount of ``{key: amount}`` to its counter without waiting for a lock.

        With Redis, in one round trip (each increment applied once, as
        :meth:`incr_later`); on the database, buffered and written in one
        transaction within :attr:`flush_interval` seconds. Zero amounts are skipped.
        Raises :class:`ValueError` for a key that is not 1 to 255 characters.
        """
        items = sorted((key, int(amount)) for key, amount in amounts.items() if int(amount))
        for key, _amount in items:
            _check_name("a counter key", key, 255)
        if not items:
            return
        self._reset_after_fork()
        backend = self._use_redis()
        if backend is not None:
            writer, first = self._next_number(len(items))
            try:
                backend.incr_many_once(items, writer, first)
            except redis.RedisError as exc:
                self._redis_failed(exc)
                if not never_applied(exc):  # maybe applied: sent again by the flush thread
                    self._writer.id = None
                    since = time.monotonic()
                    with self._lock:
                        self._uncertain.extend(
                            (key, amount, writer, first + offset, since)
                            for offset, (key, amount) in enumerate(items)
                        )
                    self._start_flusher()
                    return
            else:
                self._redis_worked()
                return
        with self._lock:
            for key, amount in items:
                if key not in self._pending_counts and len(self._pending_counts) >= MAX_PENDING:
                    log.warning("too many buffered counters; %s not counted", key)
                    continue
                self._pending_counts[key] = self._pending_counts.get(key, 0) + amount
        self._start_flusher()

    def arrive_later(self, key: str, ttl_seconds: float, counters: Iterable[str] = ()) -> None:
        """A sliding presence: ``key`` is seen now and stays present ``ttl_seconds`` more.

        When ``key`` was absent (never seen, or its presence had ended), this is
        an *arrival*: 1 is added to each counter of ``counters`` (e.g. the visits
        of a visitor back after 30 minutes). Exactly one arrival per absence,
        whichever workers and hosts see the key. Never waits for a lock: with
        Redis one Lua script (``INCR`` + ``PEXPIRE`` + ``INCRBY``); on the
        database buffered and written by the flush thread as one upsert per key
        (the row's value restarts at 1 on an arrival). Arrivals show in the
        counters within 2 seconds. While the key is present it reads as a
        counter of 1 or more (:meth:`get`). Raises :class:`ValueError` for a
        key or counter that is not 1 to 255 characters, or a ttl that is not positive.
        """
        _check_name("an arrival key", key, 255)
        _check_seconds("ttl_seconds", ttl_seconds)
        names = tuple(dict.fromkeys(counters))
        for name in names:
            _check_name("a counter key", name, 255)
        self._reset_after_fork()
        backend = self._use_redis()
        if backend is not None:
            try:
                backend.arrive(key, float(ttl_seconds), list(names))
            except redis.RedisError as exc:
                self._redis_failed(exc)  # then the database: an arrival Redis may have seen
            else:  # could count once more there (a timeout after Redis applied it)
                self._redis_worked()
                return
        now = time.time()
        with self._lock:
            pending = self._pending_arrivals
            known = pending.get(key)
            if known is None:
                if len(pending) >= MAX_PENDING:
                    log.warning("too many buffered arrivals; %s not counted", key)
                    return
                pending[key] = Arrival(now, now + ttl_seconds, names)
            else:
                expires_at = max(known.expires_at, now + ttl_seconds)
                pending[key] = Arrival(known.first, expires_at, known.counters)
        self._start_flusher()

    def _settle_uncertain(self) -> None:
        """Send the increments Redis did not answer again; too old ones go to the database.

        Called by :meth:`flush`. Redis adds each only if it had not (see
        :meth:`RedisBackend.incr_once`). While Redis is down they wait, at most
        :data:`UNCERTAIN_MAX_AGE` seconds (or until the store closes), then join
        the database's buffer.
        """
        with self._lock:
            waiting, self._uncertain = self._uncertain, []
        if not waiting:
            return
        kept: list[tuple[str, int, str, int, float]] = []
        backend = self._use_redis()
        for item in waiting:
            key, amount, writer, number, since = item
            if backend is not None:
                try:
                    backend.incr_once(key, amount, writer, number)
                except redis.RedisError as exc:
                    self._redis_failed(exc)
                    backend = None
                else:
                    continue
            if self._closed or time.monotonic() - since > UNCERTAIN_MAX_AGE:
                with self._lock:
                    self._pending_counts[key] = self._pending_counts.get(key, 0) + amount
            else:
                kept.append(item)
        if kept:
            with self._lock:
                self._uncertain[:0] = kept

    def get(self, key: str) -> int:
        """The value of counter ``key`` (0 if absent or expired), this worker's buffer included."""
        return self.get_many([key])[key]

    def get_many(self, keys: Iterable[str]) -> dict[str, int]:
        """``{key: value}`` of several counters in one round trip (absent: 0).

        This process's buffered increments are added; so are those Redis did not
        answer, when the database answers (Redis may hold them already).
        """
        names = list(dict.fromkeys(keys))
        now = time.time()
        values, from_redis = self._on_redis("get_many", names, now)
        if not from_redis:
            values = self.database.get_many(names, now)
        with self._lock:
            for key in names:
                values[key] = values.get(key, 0) + self._pending_counts.get(key, 0)
            if not from_redis:
                for key, amount, *_rest in self._uncertain:
                    if key in values:
                        values[key] += amount
        return values

    def expiry(self, key: str) -> float | None:
        """Seconds since the epoch when counter ``key`` restarts; None: never or absent."""
        result: float | None = self._call("expiry", key, time.time())
        return result

    def counters(self, prefix: str) -> dict[str, int]:
        """``{key: value}`` of every live counter whose key starts with ``prefix``.

        For reports and maintenance, not for pages: on Redis a ``SCAN`` of the
        prefix, on the database an index range read. This process's buffered
        increments are included. Raises :class:`ValueError` for an empty prefix.
        """
        _check_name("a prefix", prefix, 255)
        now = time.time()
        found, from_redis = self._on_redis("counters", prefix, now)
        if not from_redis:
            found = self.database.counters(prefix, now)
        with self._lock:
            for key, amount in self._pending_counts.items():
                if key.startswith(prefix):
                    found[key] = found.get(key, 0) + amount
            if not from_redis:
                for key, amount, *_rest in self._uncertain:
                    if key.startswith(prefix):
                        found[key] = found.get(key, 0) + amount
        return dict(found)

    def delete(self, *keys: str) -> int:
        """Delete counters ``keys``; return how many existed (in the backend in use).

        With Redis, the database's copies go too, so no hand-over brings them back.
        """
        return self._delete(list(keys), None)

    def delete_prefix(self, prefix: str) -> int:
        """Delete every counter whose key starts with ``prefix``; return how many."""
        return self._delete(None, prefix)

    def _delete(self, keys: list[str] | None, prefix: str | None) -> int:
        deleted = int(self._call("delete_counters", keys, prefix))
        if self.redis_backend is not None:
            deleted += self.database.delete_counters(keys, prefix)
        with self._lock:
            for key in list(self._pending_counts):
                if (keys is not None and key in keys) or (prefix and key.startswith(prefix)):
                    del self._pending_counts[key]
        return deleted

    # -- presence ---------------------------------------------------------------

    def touch(self, set_name: str, member: str, ttl_seconds: float) -> None:
        """Mark ``member`` of ``set_name`` present for ``ttl_seconds`` from now.

        Never waits for a lock: on the database it is buffered like :meth:`incr_later`.
        """
        _check_name("a set name", set_name, 255)
        _check_name("a member", member, 255)
        _check_seconds("ttl_seconds", ttl_seconds)
        now = time.time()
        backend = self._use_redis()
        if backend is not None:
            try:
                backend.touch(set_name, member, ttl_seconds, now)
            except redis.RedisError as exc:
                self._redis_failed(exc)
            else:
                self._redis_worked()
                return
        self._reset_after_fork()
        expires_at = now + ttl_seconds
        with self._lock:
            pending = self._pending_presence
            if (set_name, member) not in pending and len(pending) >= MAX_PENDING:
                log.warning("too many buffered presence pings; %s not counted", set_name)
                return
            pending[(set_name, member)] = max(pending.get((set_name, member), 0.0), expires_at)
        self._start_flusher()

    def count(self, set_name: str) -> int:
        """How many members of ``set_name`` were touched within their ttl."""
        now = time.time()
        result, from_redis = self._on_redis("count", set_name, now)
        if from_redis:
            return int(result)
        with self._lock:
            pending = [
                member
                for (name, member), expires_at in self._pending_presence.items()
                if name == set_name and expires_at > now
            ]
        return self.database.count(set_name, now, pending)

    # -- single-use tokens --------------------------------------------------------

    def put_token(self, namespace: str, token: str, value: str, ttl_seconds: float) -> None:
        """Keep ``value`` under ``token`` for ``ttl_seconds``, for one :meth:`take_token`."""
        _check_name("a namespace", namespace, 100)
        _check_name("a token", token, 255)
        _check_seconds("ttl_seconds", ttl_seconds)
        self._call("put_token", namespace, token, str(value), float(ttl_seconds), time.time())
        self._token_writes += 1
        if self._token_writes % PURGE_EVERY == 0:
            self._purge()

    def take_token(self, namespace: str, token: str) -> str | None:
        """The token's value, removed in the same step; None if unknown, taken or expired.

        Of several concurrent takers, exactly one gets the value.
        """
        if not namespace or not token or len(namespace) > 100 or len(token) > 255:
            return None  # no such token can exist
        result: str | None = self._call("take_token", namespace, token, time.time())
        return result

    # -- rate limits ------------------------------------------------------------

    def hit(self, key: str, limit: int, window_seconds: float, now: float | None = None) -> bool:
        """Count one hit of ``key``; True while at most ``limit`` hits fall in this window.

        A fixed window: windows of ``window_seconds`` start at multiples of it since
        the epoch, so all workers and hosts share them. ``now`` (default: the
        clock) picks the window; pass the same to :meth:`unhit`.
        """
        _check_seconds("window_seconds", window_seconds)
        if limit < 0:
            raise ValueError(f"limit must be zero or more, not {limit!r}")
        now = time.time() if now is None else now
        window = int(now // window_seconds)
        ttl = (window + 1) * window_seconds - time.time()
        return self.incr(_hit_name(key, window), 1, max(ttl, 0.001)) <= limit

    def unhit(self, key: str, window_seconds: float, at: float) -> None:
        """Take back one hit of ``key`` counted by ``hit(..., now=at)``.

        For an attempt that turned out not to count against the limit (a vote
        refused as already cast). Nothing happens once that window has passed.
        """
        _check_seconds("window_seconds", window_seconds)
        window = int(at // window_seconds)
        ttl = (window + 1) * window_seconds - time.time()
        if ttl > 0:
            self.incr(_hit_name(key, window), -1, ttl)

    # -- the buffer -------------------------------------------------------------

    def _reset_after_fork(self) -> None:
        if self._pid != os.getpid():  # a forked worker: the parent's buffer is not ours
            # The parent's lock may have been held by a thread that does not exist here.
            self._lock = threading.Lock()
            self._pid = os.getpid()
            self._pending_counts = {}
            self._pending_presence = {}
            self._pending_arrivals = {}
            self._uncertain = []
            self._writer = threading.local()
            self._thread = None

    def close(self) -> None:
        """Write the buffer and stop the flush thread, before the site's engine goes away.

        Later writes are made at once (no thread starts again).
        """
        self._closed = True
        self._wake.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=10)
        self.flush()

    def _start_flusher(self) -> None:
        if self._closed:  # no thread any more: write at once
            self.flush()
            return
        with self._lock:
            if self._thread is not None and self._thread.is_alive():
                return
            self._thread = threading.Thread(
                target=_flush_loop, args=(weakref.ref(self),), name="cms-store-flush", daemon=True
            )
            self._thread.start()

    def flush(self) -> bool:
        """Write the buffered counters and presence pings now; False if the database failed.

        What could not be written stays buffered for the next try. Increments
        Redis did not answer are sent to it again first.
        """
        self._settle_uncertain()
        with self._lock:
            counts, self._pending_counts = self._pending_counts, {}
            presence, self._pending_presence = self._pending_presence, {}
            arrivals, self._pending_arrivals = self._pending_arrivals, {}
            self._in_flight = len(counts) + len(presence) + len(arrivals)
        try:
            return self._write(counts, presence, arrivals)
        finally:
            self._in_flight = 0

    def _write(
        self,
        counts: dict[str, int],
        presence: dict[tuple[str, str], float],
        arrivals: dict[str, Arrival],
    ) -> bool:
        if not counts and not presence and not arrivals:
            return True
        try:
            now = time.time()
            if counts or arrivals:
                self.database.incr_many(counts, now, arrivals)
                counts, arrivals = {}, {}
            if presence:
                self.database.touch_many(presence)
        except sa_exc.SQLAlchemyError as exc:
            with self._lock:
                for key, amount in counts.items():
                    self._pending_counts[key] = self._pending_counts.get(key, 0) + amount
                for member, expires_at in presence.items():
                    kept = self._pending_presence.get(member, 0.0)
                    self._pending_presence[member] = max(kept, expires_at)
                for key, arrival in arrivals.items():
                    later = self._pending_arrivals.get(key)
                    if later is not None:  # seen again meanwhile: one buffered sighting span
                        arrival = Arrival(
                            arrival.first,
                            max(arrival.expires_at, later.expires_at),
                            arrival.counters,
                        )
                    self._pending_arrivals[key] = arrival
            if not self._flush_failed:
                log.warning("the shared store could not write its buffer (%s); retrying", exc)
            self._flush_failed = True
            return False
        self._flush_failed = False
        return True

    def handover(self) -> int:
        """Move what the database store holds into Redis; return how many rows moved.

        Runs in the flush thread when a process first reaches Redis and after
        Redis comes back (see the module docstring); callable directly. Each
        batch is taken from the database and added to Redis in one database
        transaction, which rolls back if Redis fails, so nothing is lost; a
        crash between Redis's ``EXEC`` and the database's commit could count a
        batch twice. Raises nothing: failures are logged and retried later.
        """
        self._handover_wanted = False
        moved = 0
        while True:
            backend = self._use_redis()
            if backend is None:
                return moved
            try:
                if not self.database.has_rows():
                    return moved
                with self.database.engine.begin() as conn:
                    counters, tokens, presence = self.database.take_batch(conn, HANDOVER_BATCH)
                    backend.receive(counters, tokens, presence, time.time())
            except redis.RedisError as exc:
                self._redis_failed(exc)
                return moved
            except sa_exc.SQLAlchemyError as exc:
                log.warning("the shared store could not hand its rows over to Redis: %s", exc)
                self._handover_wanted = True  # try again on a later round
                return moved
            batch = len(counters) + len(tokens) + len(presence)
            if batch == 0:
                return moved
            moved += batch
            log.info("the shared store moved %d rows from the database to Redis", batch)

    def pending(self) -> int:
        """How many buffered counters and presence pings wait to be written."""
        with self._lock:
            return (
                len(self._pending_counts)
                + len(self._pending_presence)
                + len(self._pending_arrivals)
                + len(self._uncertain)
                + self._in_flight
            )

    def _purge(self) -> None:
        try:
            self.database.purge(time.time())
        except sa_exc.SQLAlchemyError as exc:
            log.info("expired store rows not purged: %s", exc)


#: Every store of this process, flushed at exit.
_STORES: weakref.WeakSet[Store] = weakref.WeakSet()

#: Idle flush rounds after which the flush thread ends (it restarts on the next write).
_IDLE_ROUNDS = 30


def _flush_loop(ref: weakref.ReferenceType[Store]) -> None:
    idle = 0
    while True:
        store = ref()
        if store is None:
            return
        interval = store.flush_interval
        wake = store._wake
        del store
        wake.wait(interval)
        store = ref()
        if store is None or store._closed:
            return
        idle = idle + 1 if store.pending() == 0 else 0
        store.flush()
        if store._handover_wanted:
            store.handover()
        if idle >= _IDLE_ROUNDS:
            with store._lock:  # a write after this starts a new thread
                if (
                    not store._pending_counts
                    and not store._pending_presence
                    and not store._pending_arrivals
                    and not store._uncertain
                    and not store._handover_wanted
                ):
                    store._thread = None
                    return
        del store


@atexit.register
def flush_all() -> None:
    """Write the buffer of every store of this process now (at exit, and before a test ends)."""
    for store in list(_STORES):
        if store._pid == os.getpid() and not store.flush():
            log.warning(
                "%d buffered counters and presence pings could not be written "
                "(the database is locked or down) and are lost",
                store.pending(),
            )


def default_prefix(app: Flask) -> str:
    """The Redis key prefix of a site: a hash of ``SITE_URL``, else of the instance folder."""
    identity = app.config.get("SITE_URL") or app.instance_path
    return "cms:" + hashlib.sha256(str(identity).encode()).hexdigest()[:12] + ":"


def init_app(app: Flask) -> Store:
    """Create the site's store from its settings and keep it in ``app.extensions``.

    Settings: ``REDIS_URL``, ``STORE_PREFIX``, ``STORE_REDIS_TIMEOUT`` (seconds),
    ``STORE_REDIS_RETRY`` (seconds), ``STORE_FLUSH_INTERVAL`` (seconds). Must run
    inside an app context, after the database is configured.
    """
    prefix = app.config.get("STORE_PREFIX") or default_prefix(app)
    redis_backend = None
    url = app.config.get("REDIS_URL")
    if url:
        timeout = float(app.config.get("STORE_REDIS_TIMEOUT", DEFAULT_REDIS_TIMEOUT))
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
            decode_responses=True,
        )
        redis_backend = RedisBackend(client, prefix)
    store = Store(
        DatabaseBackend(db.engine),
        redis_backend,
        flush_interval=float(app.config.get("STORE_FLUSH_INTERVAL", DEFAULT_FLUSH_INTERVAL)),
        redis_retry=float(app.config.get("STORE_REDIS_RETRY", DEFAULT_REDIS_RETRY)),
    )
    app.extensions[EXTENSION_KEY] = store
    return store


def get_store(app: Flask | None = None) -> Store:
    """The store of ``app`` (default: the current app)."""
    target = app if app is not None else current_app
    store: Store = target.extensions[EXTENSION_KEY]
    return store


def incr(key: str, amount: int = 1, ttl_seconds: float | None = None) -> int:
    """:meth:`Store.incr` on the current app's store."""
    return get_store().incr(key, amount, ttl_seconds)


def claim(key: str, ttl_seconds: float) -> bool:
    """:meth:`Store.claim` on the current app's store."""
    return get_store().claim(key, ttl_seconds)


def incr_later(key: str, amount: int = 1) -> None:
    """:meth:`Store.incr_later` on the current app's store."""
    get_store().incr_later(key, amount)


def incr_many_later(amounts: Mapping[str, int]) -> None:
    """:meth:`Store.incr_many_later` on the current app's store."""
    get_store().incr_many_later(amounts)


def arrive_later(key: str, ttl_seconds: float, counters: Iterable[str] = ()) -> None:
    """:meth:`Store.arrive_later` on the current app's store."""
    get_store().arrive_later(key, ttl_seconds, counters)


def counters(prefix: str) -> dict[str, int]:
    """:meth:`Store.counters` on the current app's store."""
    return get_store().counters(prefix)


def get(key: str) -> int:
    """:meth:`Store.get` on the current app's store."""
    return get_store().get(key)


def get_many(keys: Iterable[str]) -> dict[str, int]:
    """:meth:`Store.get_many` on the current app's store."""
    return get_store().get_many(keys)


def touch(set_name: str, member: str, ttl_seconds: float) -> None:
    """:meth:`Store.touch` on the current app's store."""
    get_store().touch(set_name, member, ttl_seconds)


def count(set_name: str) -> int:
    """:meth:`Store.count` on the current app's store."""
    return get_store().count(set_name)


def put_token(namespace: str, token: str, value: str, ttl_seconds: float) -> None:
    """:meth:`Store.put_token` on the current app's store."""
    get_store().put_token(namespace, token, value, ttl_seconds)


def take_token(namespace: str, token: str) -> str | None:
    """:meth:`Store.take_token` on the current app's store."""
    return get_store().take_token(namespace, token)


def hit(key: str, limit: int, window_seconds: float, now: float | None = None) -> bool:
    """:meth:`Store.hit` on the current app's store."""
    return get_store().hit(key, limit, window_seconds, now)


def unhit(key: str, window_seconds: float, at: float) -> None:
    """:meth:`Store.unhit` on the current app's store."""
    get_store().unhit(key, window_seconds, at)


class LimitsStorage(Storage):
    """A ``limits`` storage over the current app's :class:`Store` (scheme ``cms+store://``).

    Flask-Limiter builds it from ``RATELIMIT_STORAGE_URI = "cms+store://"``; every
    call uses the store of the app serving the request, so one process may serve
    several sites. Supports the fixed-window strategy (Flask-Limiter's default).
    """

    STORAGE_SCHEME = ["cms+store"]

    @property
    def base_exceptions(self) -> type[Exception] | tuple[type[Exception], ...]:
        """Errors of the database behind the store (Redis errors are handled by the store)."""
        return sa_exc.SQLAlchemyError

    def incr(self, key: str, expiry: float, amount: int = 1) -> int:
        """Add ``amount`` to limit counter ``key``; it restarts ``expiry`` s after its first hit."""
        return get_store().incr(LIMIT_PREFIX + key, amount, expiry)

    def get(self, key: str) -> int:
        """The hits of limit counter ``key`` in its current window."""
        return get_store().get(LIMIT_PREFIX + key)

    def get_expiry(self, key: str) -> float:
        """Seconds since the epoch when limit counter ``key`` restarts (now if absent)."""
        expires = get_store().expiry(LIMIT_PREFIX + key)
        return time.time() if expires is None else expires

    def check(self) -> bool:
        """True when the store's database answers (Redis down is not a failure: it falls back)."""
        if not has_app_context():
            return True
        try:
            get_store().get_many([LIMIT_PREFIX + "check"])
        except sa_exc.SQLAlchemyError:
            return False
        return True

    def reset(self) -> int | None:
        """Delete every rate-limit counter of the current site."""
        return get_store().delete_prefix(LIMIT_PREFIX)

    def clear(self, key: str) -> None:
        """Delete limit counter ``key``."""
        get_store().delete(LIMIT_PREFIX + key)
