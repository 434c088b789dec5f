"""Where cached pages live: Redis (every host) or a SQLite file (the workers of one host).

Both backends keep entries (bytes, with an expiry) and a tag index (which
entries carry which cache tag), and offer the same five operations:

- :meth:`get` an entry by key;
- :meth:`epoch`: a number that moves on every invalidation;
- :meth:`put` an entry with its tags, **only if the epoch is still the one
  read before the page was rendered**: a page rendered from data that an
  invalidation made stale while it rendered is never stored (the race every
  page cache must close; Varnish and Drupal close it with bans and cache-tag
  checksums);
- :meth:`invalidate` every entry carrying one of some tags (``"*"``: every entry);
- :meth:`clear` everything.

A backend raises :class:`CacheUnavailable` when its storage fails; the caller
answers from Flask instead (the page cache then simply misses).
"""

from __future__ import annotations

import json
import logging
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol

import redis

log = logging.getLogger(__name__)

#: The tag that means "every entry".
EVERYTHING = "*"
#: Most keys deleted by one Redis command.
_DELETE_BATCH = 500
#: Seconds between two checks, by a read, that the SQLite cache file is still the one opened.
INODE_CHECK_INTERVAL = 1.0


class CacheUnavailable(Exception):
    """The cache storage failed (Redis down, the cache file locked or unreadable)."""


class PageBackend(Protocol):
    """What the page cache needs from a storage (see the module docstring)."""

    def get(self, key: str) -> bytes | None:
        """The entry stored under ``key``, or ``None`` (expired entries are ``None``)."""

    def epoch(self) -> int:
        """The invalidation counter, read before rendering a page that may be stored."""

    def put(self, key: str, data: bytes, tags: Iterable[str], ttl: int, epoch: int) -> bool:
        """Store ``data`` for ``ttl`` seconds unless the epoch moved; whether it was stored."""

    def invalidate(self, tags: Iterable[str]) -> int:
        """Drop every entry carrying one of ``tags``; returns how many were dropped."""

    def clear(self) -> int:
        """Drop every entry; returns how many were dropped."""

    def identity(self) -> str | None:
        """What changes when the storage may have lost writes or gone back on them, or ``None``."""


# Redis time in milliseconds, then what makes a tag index a sorted set. An index
# written by an earlier version (a plain set, without expiry times) becomes one
# whose members all expire with the set itself (an upper bound of their life).
_INDEX = """
if redis.replicate_commands then redis.replicate_commands() end -- TIME, then writes (Redis < 5)
local clock = redis.call('TIME')
local now = tonumber(clock[1]) * 1000 + math.floor(tonumber(clock[2]) / 1000)
local function sorted_index(set)
  if redis.call('TYPE', set).ok ~= 'set' then return end
  local life = math.max(redis.call('PTTL', set), 0)
  local members = redis.call('SMEMBERS', set)
  redis.call('DEL', set)
  for i = 1, #members, 500 do
    local scored = {}
    for j = i, math.min(i + 499, #members) do
      scored[#scored + 1] = now + life + 1
      scored[#scored + 1] = members[j]
    end
    redis.call('ZADD', set, unpack(scored))
  end
  if #members > 0 then redis.call('PEXPIRE', set, life + 1) end
end
"""

# Atomic in Redis: store only if no invalidation happened since the render began;
# index the entry under each tag, scored by the millisecond it is gone by, and
# drop the members gone by now, so that an index holds the live entries of its
# tag and lives as long as the longest of them.
_PUT = (
    _INDEX
    + """
local epoch = tonumber(redis.call('GET', KEYS[1]) or '0')
if epoch ~= tonumber(ARGV[1]) then return 0 end
local ttl = tonumber(ARGV[2])
local life = ttl * 1000 + 1
redis.call('SET', KEYS[2], ARGV[3], 'EX', ttl)
for i = 5, #ARGV do
  local set = KEYS[3] .. ARGV[i]
  sorted_index(set)
  redis.call('ZADD', set, now + life, KEYS[2])
  redis.call('ZREMRANGEBYSCORE', set, '-inf', now)
  if redis.call('PTTL', set) < life then redis.call('PEXPIRE', set, life) end
end
-- bounded: past the most entries, those gone soonest go first (every entry is under '*')
local everything = KEYS[3] .. '*'
local excess = redis.call('ZCARD', everything) - tonumber(ARGV[4])
if excess > 0 then
  local oldest = redis.call('ZRANGE', everything, 0, excess - 1)
  redis.call('ZREMRANGEBYRANK', everything, 0, excess - 1)
  for j = 1, #oldest, 500 do
    redis.call('DEL', unpack(oldest, j, math.min(j + 499, #oldest)))
  end
end
return 1
"""
)

# Atomic in Redis: move the epoch, then drop the entries of each tag and the tag's index.
_INVALIDATE = (
    _INDEX
    + """
redis.call('INCR', KEYS[1])
local dropped = 0
for i = 1, #ARGV do
  local set = KEYS[2] .. ARGV[i]
  sorted_index(set)
  local members = redis.call('ZRANGEBYSCORE', set, now, '+inf')
  for j = 1, #members, 500 do
    dropped = dropped + redis.call('DEL', unpack(members, j, math.min(j + 499, #members)))
  end
  redis.call('DEL', set)
end
return dropped
"""
)


class RedisPageBackend:
    """Entries in Redis (``SET ... EX``), a sorted set per tag; every host shares them.

    Keys: ``<prefix>page:<key>`` for entries, ``<prefix>page-tag:<tag>`` for the
    tag index (a sorted set), ``<prefix>page-epoch``. An index member is an
    entry's key, scored by the Unix time in milliseconds (Redis ``TIME``) its
    entry is gone by; each :meth:`put` under a tag drops the members gone by
    then, and the index expires with its longest-lived entry, so a busy tag
    (``layout``, ``*``) holds no more keys than were stored under it in the
    last ``ttl`` seconds. Every entry is also indexed under :data:`EVERYTHING`,
    so a purge of everything is one invalidation, and the number of entries is
    bounded by ``max_entries`` (as :class:`SQLitePageBackend`): a request
    stream of made-up hosts (a site without ``CMS_SITE_URL`` keys pages by the
    request's host) or of distinct page numbers cannot fill Redis.
    """

    def __init__(self, client: redis.Redis, prefix: str, max_entries: int = 10_000) -> None:
        #: A client that returns bytes (``decode_responses=False``), with short timeouts.
        self.client = client
        self.prefix = prefix
        #: Most entries kept; past it, those expiring soonest are dropped by the next put.
        self.max_entries = max(1, int(max_entries))
        self._epoch_key = f"{prefix}page-epoch"
        self._tag_prefix = f"{prefix}page-tag:"
        self._put = client.register_script(_PUT)
        self._invalidate = client.register_script(_INVALIDATE)

    def _entry(self, key: str) -> str:
        return f"{self.prefix}page:{key}"

    def get(self, key: str) -> bytes | None:
        """See :class:`PageBackend`; raises :class:`CacheUnavailable` when Redis fails."""
        try:
            value = self.client.get(self._entry(key))
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc
        return value if isinstance(value, bytes) else None

    def epoch(self) -> int:
        """See :class:`PageBackend`."""
        try:
            return int(self.client.get(self._epoch_key) or 0)
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc

    def put(self, key: str, data: bytes, tags: Iterable[str], ttl: int, epoch: int) -> bool:
        """See :class:`PageBackend`."""
        names = sorted({*tags, EVERYTHING})
        try:
            stored = self._put(
                keys=[self._epoch_key, self._entry(key), self._tag_prefix],
                args=[epoch, max(1, int(ttl)), data, self.max_entries, *names],
            )
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc
        return bool(stored)

    def invalidate(self, tags: Iterable[str]) -> int:
        """See :class:`PageBackend`."""
        names = sorted(set(tags))
        if not names:
            return 0
        try:
            return int(self._invalidate(keys=[self._epoch_key, self._tag_prefix], args=names))
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc

    def identity(self) -> str | None:
        """The Redis server's ``run_id``, new at every start (``INFO server``).

        A Redis that restarted may have reloaded an older snapshot (RDB or AOF),
        pages since purged included, and a replica promoted after a failover
        may not have the last purges: either way its ``run_id`` is not the one
        before. Raises :class:`CacheUnavailable` when Redis fails.
        """
        try:
            found = self.client.info("server").get("run_id")
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc
        return str(found) if found else None

    def clear(self) -> int:
        """See :class:`PageBackend`: every entry, and any index left behind."""
        dropped = self.invalidate([EVERYTHING])
        try:
            batch: list[bytes] = []
            for name in self.client.scan_iter(match=f"{self.prefix}page:*", count=_DELETE_BATCH):
                batch.append(name)
                if len(batch) >= _DELETE_BATCH:
                    dropped += int(self.client.delete(*batch))
                    batch = []
            if batch:
                dropped += int(self.client.delete(*batch))
        except redis.RedisError as exc:
            raise CacheUnavailable(str(exc)) from exc
        return dropped


_SCHEMA = """
CREATE TABLE IF NOT EXISTS entry (key TEXT PRIMARY KEY, data BLOB NOT NULL, expires REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entry_expires ON entry (expires);
CREATE TABLE IF NOT EXISTS entry_tag (
  tag TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (tag, key)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS entry_tag_key ON entry_tag (key);
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value INTEGER NOT NULL);
INSERT OR IGNORE INTO meta (name, value) VALUES ('epoch', 0);
"""


_DROP_TAGGED = """DELETE FROM entry WHERE key IN
  (SELECT key FROM entry_tag WHERE tag IN (SELECT value FROM json_each(?)))"""
_DROP_TAGGED_TAGS = """DELETE FROM entry_tag WHERE key IN
  (SELECT key FROM entry_tag WHERE tag IN (SELECT value FROM json_each(?)))"""
_DROP_EXPIRED_TAGS = "DELETE FROM entry_tag WHERE key IN (SELECT key FROM entry WHERE expires <= ?)"
_DROP_OLDEST_TAGS = """DELETE FROM entry_tag WHERE key IN
  (SELECT key FROM entry ORDER BY expires LIMIT ?)"""
_DROP_OLDEST = "DELETE FROM entry WHERE key IN (SELECT key FROM entry ORDER BY expires LIMIT ?)"


class SQLitePageBackend:
    """Entries in a SQLite file of the instance folder, shared by the workers of one host.

    Used without Redis. WAL mode lets readers go on while one worker writes; a
    write waits at most ``busy_timeout`` milliseconds, then the page is simply
    not stored (:class:`CacheUnavailable`). At most ``max_entries`` entries are
    kept: beyond that, expired entries and then those expiring soonest go first.
    The file is a cache: it may be deleted at any time (``cms cache clear``
    empties it). Each thread of each process opens its own connection.

    Every write (and :meth:`epoch`) first checks that the file is still the
    one its connection opened, and opens the new one if it was deleted; a read
    (:meth:`get`) checks at most every ``inode_check_interval`` seconds, so a
    worker may read a deleted file that long (a ``stat`` per hit costs more
    than the read itself).
    """

    def __init__(
        self,
        path: str | Path,
        *,
        max_entries: int = 10_000,
        busy_timeout: int = 100,
        inode_check_interval: float = INODE_CHECK_INTERVAL,
    ):
        self.path = str(path)
        self.max_entries = max(1, int(max_entries))
        self.busy_timeout = max(1, int(busy_timeout))
        self.inode_check_interval = max(0.0, float(inode_check_interval))
        self._local = threading.local()
        self._puts = 0

    def _connect(self, *, reading: bool = False) -> sqlite3.Connection:
        """This thread's connection to the cache file, opened again if the file was replaced.

        ``reading``: for a read, trust a connection whose file was checked
        less than ``inode_check_interval`` seconds ago.
        """
        known = getattr(self._local, "connection", None)
        if known is not None and getattr(self._local, "pid", None) == os.getpid():
            now = time.monotonic()
            if reading and now - self._local.checked < self.inode_check_interval:
                return known
            try:
                same = os.stat(self.path).st_ino == self._local.inode
            except OSError:  # deleted: every worker opens the new file, one cache again
                same = False
            if same:
                self._local.checked = now
                return known
            known.close()
        try:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
            connection = sqlite3.connect(
                self.path, timeout=self.busy_timeout / 1000, isolation_level=None
            )
            connection.execute(f"PRAGMA busy_timeout = {self.busy_timeout}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = OFF")  # a cache: a lost write is a miss
            connection.executescript(_SCHEMA)
            inode = os.stat(self.path).st_ino
        except (sqlite3.Error, OSError) as exc:
            raise CacheUnavailable(str(exc)) from exc
        self._local.connection, self._local.pid, self._local.inode = connection, os.getpid(), inode
        self._local.checked = time.monotonic()
        return connection

    def get(self, key: str) -> bytes | None:
        """See :class:`PageBackend`."""
        try:
            row = (
                self._connect(reading=True)
                .execute("SELECT data, expires FROM entry WHERE key = ?", (key,))
                .fetchone()
            )
        except sqlite3.Error as exc:
            raise CacheUnavailable(str(exc)) from exc
        if row is None or row[1] <= time.time():
            return None
        return bytes(row[0])

    def epoch(self) -> int:
        """See :class:`PageBackend`."""
        try:
            row = self._connect().execute("SELECT value FROM meta WHERE name = 'epoch'").fetchone()
        except sqlite3.Error as exc:
            raise CacheUnavailable(str(exc)) from exc
        return int(row[0]) if row else 0

    def put(self, key: str, data: bytes, tags: Iterable[str], ttl: int, epoch: int) -> bool:
        """See :class:`PageBackend`."""
        names = sorted({*tags, EVERYTHING})
        now = time.time()
        with self._writing() as connection:
            current = connection.execute("SELECT value FROM meta WHERE name = 'epoch'").fetchone()
            if current is None or int(current[0]) != int(epoch):
                return False
            connection.execute("DELETE FROM entry_tag WHERE key = ?", (key,))
            connection.execute(
                "INSERT OR REPLACE INTO entry (key, data, expires) VALUES (?, ?, ?)",
                (key, data, now + max(1, int(ttl))),
            )
            connection.executemany(
                "INSERT OR IGNORE INTO entry_tag (tag, key) VALUES (?, ?)",
                [(name, key) for name in names],
            )
            self._puts += 1
            if self._puts % 100 == 0:
                self._trim(connection, now)
        return True

    @contextmanager
    def _writing(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (``BEGIN IMMEDIATE``), committed unless the body raises.

        Raises :class:`CacheUnavailable` when SQLite fails (the file locked
        past ``busy_timeout``, unreadable, gone).
        """
        connection = self._connect()
        try:
            connection.execute("BEGIN IMMEDIATE")
            committed = False
            try:
                yield connection
                connection.execute("COMMIT")
                committed = True
            finally:
                if not committed and connection.in_transaction:
                    connection.execute("ROLLBACK")
        except sqlite3.Error as exc:
            raise CacheUnavailable(str(exc)) from exc

    def _trim(self, connection: sqlite3.Connection, now: float) -> None:
        """Drop expired entries, then the soonest-expiring beyond ``max_entries``."""
        connection.execute(_DROP_EXPIRED_TAGS, (now,))
        connection.execute("DELETE FROM entry WHERE expires <= ?", (now,))
        (count,) = connection.execute("SELECT COUNT(*) FROM entry").fetchone()
        excess = int(count) - self.max_entries
        if excess > 0:
            connection.execute(_DROP_OLDEST_TAGS, (excess,))
            connection.execute(_DROP_OLDEST, (excess,))

    def invalidate(self, tags: Iterable[str]) -> int:
        """See :class:`PageBackend`."""
        names = sorted(set(tags))
        if not names:
            return 0
        with self._writing() as connection:
            connection.execute("UPDATE meta SET value = value + 1 WHERE name = 'epoch'")
            if EVERYTHING in names:
                dropped = connection.execute("DELETE FROM entry").rowcount
                connection.execute("DELETE FROM entry_tag")
            else:
                listed = (json.dumps(names),)
                dropped = connection.execute(_DROP_TAGGED, listed).rowcount
                connection.execute(_DROP_TAGGED_TAGS, listed)
        return max(0, int(dropped))

    def identity(self) -> str | None:
        """``None``: a file of the host, replaced only by hand (a new file is seen by its inode)."""
        return None

    def clear(self) -> int:
        """See :class:`PageBackend`."""
        return self.invalidate([EVERYTHING])
