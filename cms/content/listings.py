"""Article lists whose cost does not grow with the site: what is public, cached counts.

:func:`public_condition` says which articles readers may see.

A list's total (``N results``, the number of pages) is counted once per
change of what lists count, not on every request: :class:`ArticleListing`
keeps it in the shared cache (:data:`cms.extensions.cache`, Redis when
configured) under a key made of

- the generation counter :data:`LISTINGS`, which database triggers (migration
  0010) bump in the same transaction as any insert or delete of an article,
  any change of its status, time, category, author or search text, and any
  change of its tag links, whoever writes them (the back office, the API, an
  import, a cascade, ``cms bench-data``);
- the list's SQL and its parameters, the current time left out.

The current time matters only through :func:`public_condition`'s "time
come": a cached total stays valid until the next public article's time comes
(:func:`next_public_time`), then it is counted again. A count the cache
cannot hold or give back (Redis down) is simply taken from the database.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import has_request_context
from sqlalchemy import BindParameter, ColumnElement, Select, bindparam, event, func, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session, UOWTransaction, selectinload
from sqlalchemy.sql.visitors import InternalTraversal

from cms import generations, shared_cache
from cms.extensions import db
from cms.models import Article, Generation, article_tag, utcnow

log = logging.getLogger(__name__)

#: The generation counter that the triggers of migration 0010 bump.
LISTINGS = "listings"
#: Seconds a cached count may be kept at most (it is replaced sooner when content changes).
COUNT_TIMEOUT = 24 * 3600
#: Name of the bound parameter holding "now" in :func:`public_filter` (a prefix:
#: SQLAlchemy appends a number to keep it unique in a statement).
NOW_PARAMETER = "cms_now"


def public_condition(now: datetime | None = None) -> ColumnElement[bool]:
    """Articles readers may see: published or scheduled, and their time (``now``) has come.

    The statuses are written into the SQL, not bound, so that even a plan
    PostgreSQL keeps for a prepared statement knows them; the time is bound as
    :data:`NOW_PARAMETER` (cached counts leave it out of their keys). Lists walk
    the indexes of migration ``0010_listing_indexes`` newest first, reading
    the status there. :func:`cms.content.articles.public_filter` gives this.
    """
    statuses: BindParameter[Any] = bindparam(
        "public_status", ("published", "scheduled"), expanding=True, literal_execute=True
    )
    moment = bindparam(NOW_PARAMETER, now or utcnow(), type_=Article.published_at.type, unique=True)
    return read_in_index(Article.status).in_(statuses) & (Article.published_at <= moment)


class read_in_index(ColumnElement[Any]):  # noqa: N801 (used like a SQL function)
    """A column compared where it is read, never looked up by its own index.

    SQLite, without statistics (a site that grew after ``cms init``), takes an
    equality on an indexed column for the most selective condition and would
    walk ``ix_article_status_published_at`` then sort every public article;
    the unary ``+`` keeps the status out of index lookups
    (https://www.sqlite.org/optoverview.html, "Disqualifying WHERE Clause Terms
    Using Unary-+"), so the newest-first indexes, which hold the status, are
    used. Other databases get the column as it is.
    """

    inherit_cache = True
    #: What the SQL compilation cache keys this construct by: its column.
    _traverse_internals = [("column", InternalTraversal.dp_clauseelement)]

    def __init__(self, column: Any) -> None:
        #: The column.
        self.column = column
        self.type = column.type


@compiles(read_in_index)
def _compile_read_in_index(element: read_in_index, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(element.column, **kw))


@compiles(read_in_index, "sqlite")
def _compile_read_in_index_sqlite(element: read_in_index, compiler: Any, **kw: Any) -> str:
    return "+" + str(compiler.process(element.column, **kw))


def is_public_query(query: Select) -> bool:
    """Whether ``query`` selects exactly the public articles (any order, no other condition)."""
    where = query.whereclause
    if where is None:
        return False
    dialect = db.engine.dialect
    return str(where.compile(dialect=dialect)) == str(public_condition().compile(dialect=dialect))


def listings_generation() -> int:
    """The current value of :data:`LISTINGS` (0 before any article was written).

    In a request, the value read once with every other counter
    (:func:`cms.generations.current`); elsewhere, read now.
    """
    if has_request_context():
        return generations.value(LISTINGS)
    with db.session.no_autoflush:
        found = db.session.execute(
            select(Generation.value).where(Generation.key == LISTINGS)
        ).scalar()
    return int(found or 0)


def next_public_time(after: datetime) -> datetime | None:
    """When the next article that is published or scheduled, but not yet public, becomes public.

    The earliest ``published_at`` later than ``after`` among articles whose
    status makes them public once their time comes; ``None`` when there is
    none. One seek in an index on ``(status, published_at)``.
    """
    return db.session.execute(
        select(func.min(Article.published_at)).where(
            Article.status.in_(("published", "scheduled")), Article.published_at > after
        )
    ).scalar()


def statement_key(query: Select, prefix: str) -> tuple[str, datetime | None]:
    """A cache key for ``query`` without its current time, and that time (``None``: none).

    The key is ``prefix`` followed by a digest of the SQL and of every
    parameter but those named :data:`NOW_PARAMETER`.
    """
    compiled = query.compile()  # generic SQL: the same key whatever a dialect adds
    now: datetime | None = None
    parts = [str(compiled)]
    for name, value in sorted(compiled.params.items()):
        if name.startswith(NOW_PARAMETER):
            now = value if now is None else min(now, value)
            continue
        parts.append(f"{name}={value!r}")
    digest = hashlib.sha256("\x00".join(parts).encode()).hexdigest()[:32]
    return f"{prefix}:{digest}", now


class ArticleListing:
    """How :func:`cms.paging.paginate` counts and reads an article list (a ``Listing``).

    The total is cached per content change, under ``count:<generation>:<statement
    digest>`` (see the module docstring) with the time until which it holds; a
    page's rows are read by primary key, with their tags (one more query).
    Thread-safe; holds no state of its own.
    """

    def rows(self, ids: Sequence[int]) -> Select:
        """The articles whose ids are ``ids``, looked up by key, tags loaded alongside."""
        return select(Article).where(Article.id.in_(list(ids))).options(selectinload(Article.tags))

    def count(self, query: Select) -> int:
        """The number of articles ``query`` selects: cached, or counted and cached.

        ``query`` selects :class:`Article` from ``article`` alone (conditions
        on other tables in subqueries), so each row is one article.
        """
        key, now = statement_key(query, f"count:{listings_generation()}")
        hit = shared_cache.get(key)  # the cache down: counted in the database
        if hit is not None:
            total, until = hit
            if until is None or (now is not None and now < until):
                return int(total)
        counted = query.with_only_columns(func.count(Article.id)).order_by(None)
        total = db.session.execute(counted).scalar_one()
        until = next_public_time(now) if now is not None else None
        shared_cache.put(key, (total, until), COUNT_TIMEOUT)  # not kept: counted next time
        return int(total)


#: The listing :func:`cms.content.articles.filter_articles` attaches to article lists.
ARTICLES = ArticleListing()


def public_total() -> int:
    """How many articles are public now (cached as every list count is)."""
    return ARTICLES.count(select(Article.id).where(public_condition()))


#: A list of several categories is walked newest first when it holds at least one
#: in ``sqrt(WALK_SHARE * public articles)`` ... see :func:`walk_newest_first`.
WALK_SHARE = 40


def walk_newest_first(query: Select) -> bool:
    """Whether ``query`` (several categories) is read fastest newest first, filtering as it goes.

    On SQLite only (PostgreSQL's planner weighs this itself, with statistics
    autovacuum keeps current): a first page newest first reads about ``10 *
    public / n`` index entries for ``n`` listed articles; through the
    categories' index, it reads and sorts all ``n``. The walk wins when ``n * n
    >= WALK_SHARE * public``. Both counts are cached (:class:`ArticleListing`).
    SQLite without statistics otherwise sorts every article of the categories.
    """
    if db.session.get_bind().dialect.name != "sqlite":
        return False
    listed = ARTICLES.count(query)
    return listed * listed >= WALK_SHARE * public_total()


def _after_flush(session: Session, _context: UOWTransaction) -> None:
    """A flush that wrote articles: this context reads the counters again (the triggers moved)."""
    if any(isinstance(obj, Article) for obj in (*session.new, *session.dirty, *session.deleted)):
        generations.forget()


def _after_execute(state: Any) -> None:
    """The same for statements run through a session on the article tables."""
    if state.is_insert or state.is_update or state.is_delete:
        table = getattr(state.statement, "table", None)
        if getattr(table, "name", None) in (Article.__tablename__, article_tag.name):
            generations.forget()


def _listen() -> None:
    """Attach the listeners to every SQLAlchemy session (idempotent)."""
    for name, function in (("after_flush", _after_flush), ("do_orm_execute", _after_execute)):
        if not event.contains(Session, name, function):
            event.listen(Session, name, function)


_listen()
