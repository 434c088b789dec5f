"""Invalidation: whoever changes content, the pages showing it are dropped everywhere.

Changes are seen where they are made, whoever makes them (back office, API,
CLI, import, scheduler, plugins):

- every ORM flush: the tags of each new, changed or deleted row
  (:func:`cms.page_cache.tags.row_tags`; ORM bulk ``UPDATE``/``DELETE`` of a
  content model: the rows its :data:`~cms.page_cache.tags.CHANGED_IDS`
  execution option names and the lists, else everything);
- every move of a generation counter (:mod:`cms.generations`: widget
  placement, plugin states, a plugin's widget cache);
- :func:`invalidate`, for plugins.

Each change writes a :class:`~cms.models.PageCachePurge` row **in its own
transaction**, so it exists exactly when the change does. When the session
commits, the tags are applied to the page cache at once (every worker of the
host, or every host with Redis, shares it). A thread of every process also
reads the new rows about once a second
(:class:`cms.page_cache.purge_log.PurgeLog`), with the
generation counters, and applies them: hosts without Redis, each with its
own cache, agree within about a second, and a change made while the cache
was unreachable is applied once it answers. Cache hits only use what that
thread read last, so a database that stops answering never holds a hit up.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

from flask import current_app, has_app_context
from sqlalchemy import event, insert
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction

from cms.extensions import db
from cms.models import PageCachePurge, utcnow
from cms.page_cache.tags import CHANGED_IDS, bulk_tags, generation_tags, row_tags

log = logging.getLogger(__name__)

#: ``session.info`` key of the tags to apply once the session commits.
_PENDING = "cms_page_cache_tags"


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
    ids = state.execution_options.get(CHANGED_IDS)
    _pend(state.session, bulk_tags(state.bind_mapper.class_, ids))


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
    the next poll (:class:`~cms.page_cache.purge_log.PurgeLog`), about a second after it commits.
    """
    cache = _page_cache()
    if cache is not None:
        cache.forget_generations()
    purge_on_commit(generation_tags(keys), connection, session)


def purge_on_commit(tags: Iterable[str], connection: Any = None, session: Any = None) -> None:
    """Drop the pages carrying ``tags`` once the transaction that changed what they show commits.

    ``connection``: that transaction is a connection's, whose commit this
    process does not see: the purge is logged in it and applied by the next
    poll (about a second after it commits). Otherwise it is ``session``'s
    (default: the app's ``db.session``): the purge is logged in it and applied
    once it commits; a rollback drops both. Needs an app context (without one,
    nothing is done).
    """
    names = {str(tag) for tag in tags if tag}
    if not names or not has_app_context():
        return
    if connection is None:
        _pend(session if session is not None else db.session(), names)
        return
    log_purge(connection, names)
    cache = _page_cache()
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
