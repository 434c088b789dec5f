"""Which purge rows a shared page store already took, noted in a file of the host.

The poll of every process (:class:`cms.page_cache.purge_log.PurgeLog`) reads
the same purge rows; with a store shared by the workers of a host (a SQLite
file, or Redis), applying each row once per store is enough. A process that
applied rows notes their ids here, and the others then only forget what they
hold themselves.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import logging
import os
import socket
import tempfile
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: Most ranges of ids an :class:`AppliedMark` keeps (the oldest go first).
MARK_RANGES = 256


def applied_mark(folder: str | Path, backend: Any) -> AppliedMark | None:
    """The :class:`AppliedMark` of the page store ``backend`` writes to, kept in ``folder``.

    ``None`` for a store this module cannot name (then every process applies
    every purge row itself). A SQLite file is named by host and real path, a
    Redis store by server, database and key prefix: processes share a mark
    exactly when they share the store and the folder (the instance folder).
    """
    path = getattr(backend, "path", None)
    client = getattr(backend, "client", None)
    prefix = getattr(backend, "prefix", None)
    if isinstance(path, str):
        name = f"sqlite {socket.gethostname()} {os.path.realpath(path)}"
    elif client is not None and isinstance(prefix, str):
        settings = getattr(getattr(client, "connection_pool", None), "connection_kwargs", {})
        server = settings.get("path") or f"{settings.get('host')}:{settings.get('port')}"
        name = f"redis {server} {settings.get('db', 0)} {prefix}"
    else:
        return None
    digest = hashlib.sha256(name.encode("utf-8", "surrogateescape")).hexdigest()[:16]
    return AppliedMark(Path(folder) / f"page_cache_applied-{digest}.json")


class AppliedMark:
    """The ids of the purge rows already applied to one shared page store, in a file of the host.

    A process that applied purge rows to the store (after its own commit, or
    from a poll) adds their ids here; the polls of the other processes of the
    host, and the first poll of a new one, then leave the store alone for the
    rows found here and only forget what they hold themselves (the site
    state after a ``layout`` purge). Ids are kept as ranges of consecutive
    ids, at most :data:`MARK_RANGES`, the lowest dropped first.

    A shortcut, never a source of truth: an id is added only after its purge
    was applied to the store, so a row found here never hides a purge the
    store did not get; a row missing here (never added, lost to a concurrent
    writer, the file unwritable or deleted) is simply applied once more, as
    every process did before. The file (JSON, ``{"ranges": [[first, last],
    ...], "store": identity}``) is replaced atomically. ``store`` is the
    identity of the store the ranges were applied to (a Redis ``run_id``):
    ids applied to a store that has since restarted vouch for nothing
    (:meth:`set_store`). Never raises.
    """

    def __init__(self, path: str | Path) -> None:
        #: The file.
        self.path = Path(path)
        self._lock = threading.Lock()
        self._stamp: tuple[int, int, int] | None = None
        self._ranges: list[tuple[int, int]] = []
        self._store: str | None = None

    def known(self, ids: Iterable[int]) -> set[int]:
        """Those of ``ids`` whose purge the store is known to have taken."""
        with self._lock:
            ranges = self._load()
        return {int(i) for i in ids if _covers(ranges, int(i))}

    def highest(self) -> int | None:
        """The highest id noted, or ``None``."""
        with self._lock:
            ranges = self._load()
        return ranges[-1][1] if ranges else None

    def add(self, ids: Iterable[int]) -> None:
        """Note that the purges of the rows ``ids`` were applied to the store."""
        new = sorted({int(i) for i in ids})
        if not new:
            return
        with self._lock:
            current = self._load()
            if all(_covers(current, i) for i in new):
                return
            self._write(_merge(current, new), self._store)

    def clear(self) -> None:
        """Forget every id (they belong to another history of the purge log)."""
        with self._lock:
            self._load()
            self._write([], self._store)

    def store(self) -> str | None:
        """The identity of the store the noted ids were applied to, or ``None``."""
        with self._lock:
            self._load()
            return self._store

    def set_store(self, identity: str) -> None:
        """Note that the store is now ``identity``; ids noted for another one are forgotten.

        The first identity noted keeps the ids (they were applied to that store).
        """
        with self._lock:
            ranges = self._load()
            if identity != self._store:
                self._write(ranges if self._store is None else [], identity)

    def _write(self, ranges: list[tuple[int, int]], store: str | None) -> None:
        """Replace the file's contents (the caller holds the lock); never raises.

        What this process wrote holds for it even when the file cannot be written
        (kept in memory until the file changes).
        """
        temporary = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(prefix=f".{self.path.name}.", dir=self.path.parent)
            with os.fdopen(handle, "w") as out:
                json.dump({"ranges": ranges, "store": store}, out)
            os.replace(temporary, self.path)
        except OSError as exc:
            log.debug("page cache: %s cannot be written: %s", self.path, exc)
            if temporary is not None:
                Path(temporary).unlink(missing_ok=True)
            self._ranges, self._store = ranges, store
            return
        self._ranges, self._store, self._stamp = ranges, store, self._stat()

    def _stat(self) -> tuple[int, int, int] | None:
        try:
            found = os.stat(self.path)
        except OSError:
            return None
        return found.st_ino, found.st_mtime_ns, found.st_size

    def _load(self) -> list[tuple[int, int]]:
        """The ranges in the file, read again only when it changed (the caller holds the lock)."""
        stamp = self._stat()
        if stamp is None:  # no file: what this process wrote, unless the file was deleted
            if self._stamp is not None:
                self._ranges, self._store = [], None
            self._stamp = None
        elif stamp != self._stamp:
            store = None
            try:
                data = json.loads(self.path.read_text())
                ranges = sorted((int(first), int(last)) for first, last in data["ranges"])
                store = data.get("store")
                store = str(store) if store is not None else None
            except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
                log.debug("page cache: %s cannot be read: %s", self.path, exc)
                ranges = []
            self._stamp, self._ranges, self._store = stamp, ranges, store
        return self._ranges


def _covers(ranges: list[tuple[int, int]], number: int) -> bool:
    """Whether one of the sorted, disjoint ``ranges`` (first, last) holds ``number``."""
    at = bisect.bisect_right(ranges, (number, float("inf"))) - 1
    return at >= 0 and ranges[at][0] <= number <= ranges[at][1]


def _merge(ranges: list[tuple[int, int]], numbers: list[int]) -> list[tuple[int, int]]:
    """``ranges`` with ``numbers`` (sorted) added: sorted, disjoint, at most :data:`MARK_RANGES`."""
    merged: list[tuple[int, int]] = []
    for first, last in sorted([*ranges, *((n, n) for n in numbers)]):
        if merged and first <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(merged[-1][1], last))
        else:
            merged.append((first, last))
    return merged[-MARK_RANGES:]
