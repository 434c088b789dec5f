"""Generation counters: how every worker learns that something it holds changed.

A change bumps a named counter in the same transaction (an atomic
``UPDATE ... SET value = value + 1``, or its upsert); each request reads all
counters once (one small query) and drops whatever it holds under an older
number. Works the same with one worker or many hosts sharing the database.

What a process holds between requests (:func:`held`: site settings, the
category tree, the menu pages) is rebuilt when one of its counters moves.
Those counters move by themselves whoever writes the rows: every session
flush that adds, changes or deletes a setting, a category or a page, and
every ``INSERT``/``UPDATE``/``DELETE`` statement on their tables run through
a session (an import, an upsert), bumps :data:`SETTINGS`, :data:`CATEGORIES`,
:data:`MENU`, :data:`MEDIA`, :data:`ARTICLES` or :data:`USERS` in the same
transaction (:data:`WATCHED_TABLES`). The
listeners are attached to every SQLAlchemy session when this module is
imported.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from flask import current_app, g, has_app_context
from sqlalchemy import Connection, event, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import ORMExecuteState, Session, UOWTransaction, make_transient_to_detached
from sqlalchemy.orm.attributes import set_committed_value

from cms.extensions import db
from cms.models import Article, Category, Generation, Media, Page, Setting, Tag, User

#: Plugin enabled/disabled/paused states.
PLUGINS = "plugins"
#: Widget placement (instances added, moved, removed, reconfigured).
WIDGETS = "widgets"
#: Site settings (:mod:`cms.content.site`).
SETTINGS = "settings"
#: Categories: names, slugs, the tree (:mod:`cms.content.taxonomy`).
CATEGORIES = "categories"
#: Pages: the menu (:mod:`cms.content.pages`).
MENU = "menu"
#: Media: files and their variants (the logo's URL, :mod:`cms.public.urls`).
MEDIA = "media"
#: Articles, their tags and tag names: what article fragments show (:mod:`cms.fragments`).
ARTICLES = "articles"
#: Users: the names shown as authors.
USERS = "users"
#: What plugins add to articles' meta lines (``article_meta`` hook): bumped by the plugin.
ARTICLE_META = "article_meta"

#: Table name -> the counter a write to it bumps.
WATCHED_TABLES: Mapping[str, str] = {
    Setting.__tablename__: SETTINGS,
    Category.__tablename__: CATEGORIES,
    Page.__tablename__: MENU,
    Media.__tablename__: MEDIA,
    Article.__tablename__: ARTICLES,
    "article_tag": ARTICLES,
    Tag.__tablename__: ARTICLES,
    User.__tablename__: USERS,
}
#: Model -> the counter a flushed change of one of its rows bumps.
_WATCHED_MODELS: Mapping[type, str] = {
    Setting: SETTINGS,
    Category: CATEGORIES,
    Page: MENU,
    Media: MEDIA,
    Article: ARTICLES,
    Tag: ARTICLES,
    User: USERS,
}

#: A listener of :func:`bump`: ``(keys, connection, session)``; ``connection`` is
#: ``None`` when the counters moved in the session's own transaction.
BumpListener = Callable[[tuple[str, ...], Any, Any], None]

_listeners: list[BumpListener] = []

#: ``flask.g`` key: counters moved in this context (its changes may be uncommitted).
_MOVED = "cms_generations_moved"
#: ``flask.g`` key: the counters could not be read in this context.
_UNKNOWN = "cms_generations_unknown"
#: ``app.extensions`` key of what the process holds: name -> (counter values, value).
_HELD = "cms_held"

T = TypeVar("T")


def current() -> dict[str, int]:
    """Every counter, read once per request (app context).

    Read without flushing the session, so that a half-built object of the
    caller never fails (nor rolls back) the read. ``{}`` when the read fails
    (before ``cms init``, the database briefly unreachable): the context is
    then marked as one whose counters are unknown (:func:`unknown`), so that
    nothing is served from or kept in what processes hold under counters, and
    the next call reads again.
    """
    if has_app_context():
        found: dict[str, int] | None = g.get("cms_generations")
        if found is not None:
            return found
    session = db.session()
    try:
        if session.in_transaction():  # its snapshot and its own changes: read there
            with session.no_autoflush:
                values = dict(session.execute(_READ).all())
        else:
            values = _read_outside(session)
    except SQLAlchemyError:
        session.rollback()
        if has_app_context():
            setattr(g, _UNKNOWN, True)
        return {}
    if has_app_context():
        g.cms_generations = values
    return values


#: The counters, every row.
_READ = select(Generation.key, Generation.value)


def _read_outside(session: Session) -> dict[str, int]:
    """The counters read on a connection of their own, before ``session`` starts a transaction.

    A page rendered from what processes hold may need no other statement:
    a pooled connection used for this one read costs about half of starting
    the session's transaction and closing it. Safe to read outside it: the
    transaction the session starts later sees the database at least as new
    as these numbers (never older), so nothing older is kept under them.
    """
    bind = session.get_bind(Generation.__mapper__)
    if isinstance(bind, Connection):  # a session bound to a connection: read on it
        return dict(bind.execute(_READ).all())  # type: ignore[arg-type]
    with bind.connect() as connection:
        return dict(connection.execute(_READ).all())  # type: ignore[arg-type]


def unknown() -> bool:
    """Whether this context failed to read the counters: held values must not be trusted."""
    return bool(has_app_context() and g.get(_UNKNOWN))


def value(key: str) -> int:
    """The current number of counter ``key`` (0 when never bumped)."""
    return current().get(key, 0)


def bump(*keys: str, connection: Any = None) -> None:
    """Increase counters atomically.

    By default in the session, so the caller commits them with the change they
    describe; pass ``connection`` to bump within another transaction. The
    listeners added with :func:`on_bump` hear of it.
    """
    _increment(db.session if connection is None else connection, keys)
    _moved(keys, connection, db.session)


def on_bump(listener: BumpListener) -> None:
    """Call ``listener(keys, connection, session)`` whenever counters move (once per listener).

    ``connection`` is ``None`` when they moved in ``session``'s transaction
    (they count once it commits), else the connection of the transaction
    that moved them.
    """
    if listener not in _listeners:
        _listeners.append(listener)


def forget() -> None:
    """Mark this context as one that changed what processes hold.

    The counters are read again on their next use, and :func:`held` neither
    serves nor keeps anything until the context ends: the context sees its
    own changes, and no process keeps a value its transaction may roll back.
    """
    if has_app_context():
        g.pop("cms_generations", None)
        setattr(g, _MOVED, True)


def moved() -> bool:
    """Whether this context changed counters (:func:`forget`): what it renders is not kept."""
    return bool(has_app_context() and g.get(_MOVED))


def held(name: str, keys: Iterable[str], load: Callable[[], T]) -> T:
    """``load()``'s value, kept by this process until one of the counters ``keys`` moves.

    Kept per application (``app.extensions``), shared by its threads: the
    value must be immutable or never changed by callers, and hold nothing
    bound to a session (plain values, or rows made by :func:`detached_row`).
    A context that moved counters (:func:`forget`) gets a fresh value, not kept.
    """
    if not has_app_context() or g.get(_MOVED):
        return load()
    stamp = tuple(value(key) for key in keys)
    if g.get(_UNKNOWN):  # the counters could not be read: neither serve nor keep
        return load()
    store: dict[str, tuple[tuple[int, ...], Any]] = current_app.extensions.setdefault(_HELD, {})
    found = store.get(name)
    if found is not None and found[0] == stamp:
        return found[1]
    fresh = load()
    if not g.get(_MOVED):  # ``load`` may have flushed changes of this context
        store[name] = (stamp, fresh)
    return fresh


def detached_row(model: type[T], values: Mapping[Any, Any], **related: Any) -> T:
    """A detached ``model`` row made of ``values`` (column name -> value) and ``related``.

    ``related`` gives relationships (name -> row, list of rows or ``None``).

    For what a process holds between requests: it belongs to no session, so
    no commit expires it and no request's session can load into it; an
    attribute not given raises :class:`sqlalchemy.orm.exc.DetachedInstanceError`
    when read, instead of querying. ``values`` must hold the primary key.
    """
    row = model.__mapper__.class_manager.new_instance()  # type: ignore[attr-defined]
    for key, item in values.items():
        set_committed_value(row, key, item)
    for key, item in related.items():
        set_committed_value(row, key, item)
    make_transient_to_detached(row)
    return row


def _increment(executor: Any, keys: Iterable[str]) -> None:
    """Add 1 to each counter of ``keys`` through ``executor`` (a session or a connection)."""
    dialect = _dialect(executor)
    for key in dict.fromkeys(keys):
        if dialect in ("postgresql", "sqlite"):
            module = postgresql if dialect == "postgresql" else sqlite
            statement = (
                module.insert(Generation)
                .values(key=key, value=1)
                .on_conflict_do_update(
                    index_elements=[Generation.key], set_={"value": Generation.value + 1}
                )
            )
            executor.execute(statement)
            continue
        increment = update(Generation).values(value=Generation.value + 1)
        result = executor.execute(increment.where(Generation.key == key))
        if not getattr(result, "rowcount", 0):
            try:
                with executor.begin_nested():
                    executor.execute(insert(Generation).values(key=key, value=1))
            except IntegrityError:  # another worker created it meanwhile
                executor.execute(increment.where(Generation.key == key))


def _dialect(executor: Any) -> str:
    bind = executor.get_bind() if hasattr(executor, "get_bind") else executor  # a session
    return str(bind.dialect.name)


def _moved(keys: tuple[str, ...], connection: Any, session: Any) -> None:
    forget()
    for listener in list(_listeners):
        listener(keys, connection, session)


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    """Bump the counters of the watched rows the flush added, changed or deleted."""
    keys = {
        _WATCHED_MODELS[type(obj)]
        for obj in (*session.new, *session.dirty, *session.deleted)
        if type(obj) in _WATCHED_MODELS
    }
    if keys:
        moved = tuple(sorted(keys))
        _increment(session, moved)
        _moved(moved, None, session)


def _do_orm_execute(state: ORMExecuteState) -> None:
    """Bump the counter of a watched table written by a statement (bulk insert, upsert...)."""
    if not (state.is_insert or state.is_update or state.is_delete):
        return
    table = getattr(state.statement, "table", None)
    key = WATCHED_TABLES.get(getattr(table, "name", ""))
    if key is not None:
        _increment(state.session, (key,))
        _moved((key,), None, state.session)


def _listen() -> None:
    """Attach the listeners to every SQLAlchemy session (idempotent)."""
    for name, function in (("after_flush", _after_flush), ("do_orm_execute", _do_orm_execute)):
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)


_listen()
