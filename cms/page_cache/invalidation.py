"""Invalidation: whoever changes content, the pages showing it are dropped everywhere.

Changes are seen where they are made, whoever makes them (back office, API,
CLI, import, scheduler, plugins):

- every ORM flush: the tags of each new, changed or deleted row
  (:func:`cms.page_cache.tags.row_tags`; ORM bulk ``UPDATE``/``DELETE`` of a
  content model: everything);
- every move of a generation counter (:mod:`cms.generations`: widget
  placement, plugin states, a plugin's widget cache);
- :func:`invalidate`, for plugins.

Each change writes a :class:`~cms.models.PageCachePurge` row **in its own
transaction**, so it exists exactly when the change does. When the session
commits, the tags are applied to the page cache at once (every worker of the
host, or every host with Redis, shares it). Every process also reads the new
rows about once a second (:class:`PurgeLog`) and applies them: hosts without
Redis, each with its own cache, agree within about a second, and a change
made while the cache was unreachable is applied once it answers.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import delete, event, func, insert, or_, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from cms.models import PageCachePurge, utcnow
from cms.page_cache.tags import bulk_tags, generation_tags, row_tags

log = logging.getLogger(__name__)

#: ``session.info`` key of the tags to apply once the session commits.
_PENDING = "cms_page_cache_tags"
#: Seconds back a poll looks for rows not seen yet (rows of transactions that
#: committed after later ones).
RECENT = 120.0
#: Rows older than this are deleted.
KEEP_FOR = timedelta(days=1)
#: Seconds between two deletions of old rows by one process.
PRUNE_EVERY = 3600.0


def _page_cache() -> Any:
    """The current app's page cache, or ``None`` (no app, or the cache is off)."""
    if not has_app_context():
        return None
    return current_app.extensions.get("cms_page_cache")


def log_purge(executor: Any, tags: Iterable[str]) -> int | None:
    """Write a purge row for ``tags`` through ``executor`` (a session or a connection); its id."""
    names = " ".join(sorted(set(tags)))
    if not names:
        return None
    statement = insert(PageCachePurge).values(tags=names, created_at=utcnow())
    return executor.execute(statement.returning(PageCachePurge.id)).scalar()


def _pend(session: Session, tags: set[str]) -> None:
    """Log ``tags`` in the session's transaction and apply them once it commits.

    Logged even by a process whose page cache is off (``CMS_PAGE_CACHE=0``, a
    CLI): the processes that have one apply them.
    """
    if not tags or not has_app_context():
        return
    row_id = log_purge(session.connection(), tags)
    pending_tags, pending_ids = session.info.setdefault(_PENDING, (set(), []))
    pending_tags.update(tags)
    if row_id is not None:
        pending_ids.append(int(row_id))


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    tags: set[str] = set()
    for obj in session.new:
        tags |= row_tags(obj, "new")
    for obj in session.dirty:
        if session.is_modified(obj, include_collections=True):
            tags |= row_tags(obj, "dirty")
    for obj in session.deleted:
        tags |= row_tags(obj, "deleted")
    _pend(session, tags)


def _do_orm_execute(state: ORMExecuteState) -> None:
    if not (state.is_update or state.is_delete) or state.bind_mapper is None:
        return
    _pend(state.session, bulk_tags(state.bind_mapper.class_))


def _after_commit(session: Session) -> None:
    pending = session.info.pop(_PENDING, None)
    cache = _page_cache()
    if pending and cache is not None:
        if cache.apply(pending[0]):
            cache.purge_log.applied(pending[1])
        else:
            cache.purge_log.failed()


def _after_soft_rollback(session: Session, previous: Any) -> None:
    if previous.parent is None:  # the outermost transaction: its purge rows are gone too
        session.info.pop(_PENDING, None)


def on_bump(keys: Iterable[str], connection: Any, session: Session) -> None:
    """Listener of :func:`cms.generations.bump`: generation counters ``keys`` moved.

    In the session's transaction (``connection`` ``None``) the tags apply once
    it commits; in another transaction, they are logged there and applied by
    the next poll (:class:`PurgeLog`), about a second after it commits.
    """
    tags = generation_tags(keys)
    cache = _page_cache()
    if cache is not None:
        cache.forget_generations()
    if not tags or not has_app_context():
        return
    if connection is None:
        _pend(session, tags)
    else:
        log_purge(connection, tags)
        if cache is not None:
            cache.purge_log.soon()


def listen(target: Any = Session) -> None:
    """Attach the listeners to ``target`` (every SQLAlchemy session by default); idempotent."""
    for name, function in (
        ("after_flush", _after_flush),
        ("do_orm_execute", _do_orm_execute),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_soft_rollback),
    ):
        if not event.contains(target, name, function):
            event.listen(target, name, function)


class PurgeLog:
    """Reads the purge rows other processes wrote and applies them (one per page cache).

    :meth:`poll` reads at most once per ``interval`` seconds (indexed
    queries): the rows newer than the newest seen, and those of the last
    :data:`RECENT` seconds not seen yet (a transaction that committed after
    later ones). The first poll of a process applies the rows of the last
    ``replay`` seconds (the cache's lifetime): changes made while it was
    stopped, or while the page cache was off, cannot outlive it. While rows
    could not be applied (the cache refused the writes), :attr:`behind` is
    true and the cache answers nothing; they are read again next time. Rows
    older than :data:`KEEP_FOR` are deleted once an hour.
    """

    def __init__(
        self, apply: Callable[[set[str]], bool], interval: float = 1.0, replay: float = 300.0
    ) -> None:
        self.apply = apply
        self.interval = float(interval)
        self.replay = float(replay)
        #: Whether purges are known that the cache has not taken yet.
        self.behind = False
        self._lock = threading.Lock()
        self._newest: int | None = None
        self._seen: dict[int, float] = {}
        self._next = 0.0
        self._next_prune = time.monotonic() + PRUNE_EVERY

    def soon(self) -> None:
        """Poll on the next request, whatever the interval."""
        self._next = 0.0

    def failed(self) -> None:
        """A purge could not be applied: answer nothing from the cache until the poll applies it."""
        self.behind = True
        self._next = 0.0

    def due(self) -> bool:
        """Whether :meth:`poll` would read now (so a caller need not look up an engine first)."""
        return time.monotonic() >= self._next

    def poll(self, engine: Any) -> None:
        """Apply the new rows, if ``interval`` seconds passed since the last poll. Never raises."""
        now = time.monotonic()
        if now < self._next or not self._lock.acquire(blocking=False):
            return
        try:
            self._next = now + self.interval
            self._read(engine, now)
        except SQLAlchemyError as exc:
            log.debug("page cache: the purge log cannot be read: %s", exc)
        finally:
            self._lock.release()

    def _read(self, engine: Any, now: float) -> None:
        with engine.connect() as connection:
            if self._newest is None:
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
            if self._newest is None:
                newest = connection.execute(select(func.max(PageCachePurge.id))).scalar()
                self._newest = int(newest or 0)
        fresh = [row for row in rows if row.id not in self._seen]
        if fresh:
            tags = {tag for row in fresh for tag in row.tags.split()}
            if not self.apply(tags):
                self.behind = True
                return  # the cache refused: read them again next time
            for row in fresh:
                self._seen[row.id] = now
            self._newest = max(self._newest, *(row.id for row in fresh))
        self.behind = False
        if len(self._seen) > 1000 or fresh:
            self._seen = {i: t for i, t in self._seen.items() if now - t < RECENT * 2}
        if now >= self._next_prune:
            self._next_prune = now + PRUNE_EVERY
            with engine.begin() as writer:
                writer.execute(
                    delete(PageCachePurge).where(PageCachePurge.created_at < utcnow() - KEEP_FOR)
                )

    def applied(self, ids: Iterable[int]) -> None:
        """Remember purge rows this process applied itself (they need no second application)."""
        now = time.monotonic()
        for row_id in ids:
            self._seen[int(row_id)] = now
