"""Lifecycle events: plugins hear of content changes once, after the commit that made them.

The content services (:func:`cms.content.save_article`, ``delete_article``,
``save_page``, ``delete_page``, ``restore_revision``, the scheduler's
``promote_due_articles``, ``cms import``) record what they change on the
SQLAlchemy session (``session.info``). When the outermost transaction commits,
the session's listeners call the hooks of :mod:`cms.plugins.spec`:

- ``article_created`` / ``article_updated`` (and ``article_saved``, kept for
  compatibility), then ``article_published`` when the stored status became
  ``published`` (creation, a save, the scheduler), or ``article_unpublished``
  when readers could see it before and cannot now; ``article_deleted``.
- ``page_created`` / ``page_updated``, then ``page_published`` or
  ``page_unpublished`` when the status moved to or from ``published``;
  ``page_deleted``.
- ``category_deleted`` and ``tag_deleted``, with the ids of the articles that
  lost it (they get no article event of their own).

Whoever calls the services (back office, API, CLI, import, scheduler, tests)
gets the same events; nothing fires for a transaction that is rolled back (a
savepoint rolled back drops the events recorded inside it). Hooks receive
:class:`ArticleEvent` / :class:`PageEvent`: plain, frozen facts taken just
before the commit, never ORM objects, which the commit expires. A hook that
wants the row loads it again (``db.session.get(Article, article.id)``); the
hooks run after the commit is over, so they may query and commit themselves.
A hook that raises is logged and counted against its plugin, like any hook.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from flask import current_app, has_app_context
from sqlalchemy import event, select
from sqlalchemy.orm import Session, SessionTransaction

from cms.extensions import db
from cms.models import Article, Category, Page, Tag, article_tag, utcnow
from cms.plugins.registry import registry

log = logging.getLogger(__name__)

#: What happened to a row: created, updated or deleted.
Action = Literal["created", "updated", "deleted"]

_PENDING = "cms_pending_events"
_READY = "cms_committed_events"


@dataclass(frozen=True)
class ArticleEvent:
    """Facts about an article as committed (as it was, for a deletion).

    ``published_at`` is an aware UTC datetime or ``None``. ``was_public`` and
    ``is_public`` tell whether readers could see the article before the change
    and after it (both as of the commit; ``is_public`` is ``False`` once deleted).
    ``created`` is ``True`` for the event of a new article.
    """

    id: int
    slug: str
    title: str
    status: str
    category_id: int | None
    published_at: datetime | None
    was_public: bool
    is_public: bool
    created: bool = False


@dataclass(frozen=True)
class PageEvent:
    """Facts about a page as committed (as it was, for a deletion).

    ``was_public`` / ``is_public``: whether the page was published before the
    change and is after it (``is_public`` is ``False`` once deleted).
    """

    id: int
    slug: str
    title: str
    status: str
    parent_id: int | None
    was_public: bool
    is_public: bool
    created: bool = False


@dataclass(frozen=True)
class TermEvent:
    """A category or a tag as it was before its deletion, and the articles that had it.

    ``kind`` is ``"category"`` or ``"tag"``; ``article_ids`` (ascending) are
    the articles that lost it: a deleted category's own articles (its
    sub-categories' keep theirs), or every article the tag was on.
    """

    kind: Literal["category", "tag"]
    id: int
    slug: str
    name: str
    article_ids: tuple[int, ...]


#: The facts an event carries.
Facts = ArticleEvent | PageEvent | TermEvent


@dataclass
class _Pending:
    """One row's change waiting for the commit (merged when a row changes twice)."""

    obj: Any
    action: Action
    status_before: str | None
    was_public: bool
    transaction: SessionTransaction | None
    facts: Facts | None = None


def _session_of(session: Session | None) -> Session:
    return session if session is not None else db.session()


def _current_transaction(session: Session) -> SessionTransaction | None:
    return session.get_nested_transaction() or session.get_transaction()


def _record(session: Session, obj: Any, action: Action, was_public: bool) -> None:
    pending: list[_Pending] = session.info.setdefault(_PENDING, [])
    for item in pending:
        if item.obj is obj:  # the same row changed twice: one event, the first "before"
            if action == "deleted":
                if item.action == "created":
                    pending.remove(item)  # created and deleted at once: nothing to tell
                    return
                item.action = "deleted"
                item.facts = _facts(obj, item, deleted=True)
            return
    item = _Pending(
        obj=obj,
        action=action,
        status_before=None if action == "created" else obj.status,
        was_public=was_public,
        transaction=_current_transaction(session),
    )
    if action == "deleted":  # the row is gone after the flush: take its facts now
        item.facts = _facts(obj, item, deleted=True)
    pending.append(item)


def article_changed(article: Article, action: Action, *, session: Session | None = None) -> None:
    """Record that ``article`` is being created, updated or deleted; events fire after commit.

    Call it before changing the article (its current status and visibility are
    the "before" of the events). The content services call it; a plugin that
    changes articles through them need not.
    """
    was_public = action != "created" and article.is_public
    _record(_session_of(session), article, action, was_public)


def page_changed(page: Page, action: Action, *, session: Session | None = None) -> None:
    """Record that ``page`` is being created, updated or deleted; events fire after commit.

    Call it before changing the page, like :func:`article_changed`.
    """
    was_public = action != "created" and page.status == "published"
    _record(_session_of(session), page, action, was_public)


def article_facts_changed(
    facts: ArticleEvent, action: Action, *, session: Session | None = None
) -> None:
    """Record a change made without ORM objects (bulk ``UPDATE``, import) from its facts.

    ``facts.was_public`` and ``facts.is_public`` decide ``article_published``:
    it fires when ``facts.status`` is ``published`` and ``was_public`` is false.
    """
    session = _session_of(session)
    before = "published" if facts.was_public else None
    item = _Pending(facts, action, before, facts.was_public, _current_transaction(session), facts)
    session.info.setdefault(_PENDING, []).append(item)


def page_facts_changed(facts: PageEvent, action: Action, *, session: Session | None = None) -> None:
    """Record a page change made without ORM objects (e.g. an import) from its facts."""
    session = _session_of(session)
    before = "published" if facts.was_public else None
    item = _Pending(facts, action, before, facts.was_public, _current_transaction(session), facts)
    session.info.setdefault(_PENDING, []).append(item)


def term_deleted(facts: TermEvent, *, session: Session | None = None) -> None:
    """Record the deletion of a category or a tag; ``<kind>_deleted`` fires after the commit.

    :func:`cms.content.taxonomy.delete_category` and ``delete_tag`` call it
    before they change anything, with the articles about to lose it.
    """
    session = _session_of(session)
    item = _Pending(facts, "deleted", None, False, _current_transaction(session), facts)
    session.info.setdefault(_PENDING, []).append(item)


def term_deleting(term: Category | Tag, *, session: Session | None = None) -> None:
    """Record that ``term`` (a category or a tag) is about to be deleted or merged away.

    Call it before the change: the articles that have it now are those that
    lose it. ``category_deleted`` / ``tag_deleted`` fire after the commit.
    """
    session = _session_of(session)
    if isinstance(term, Tag):
        kind: Literal["category", "tag"] = "tag"
        query = (
            select(article_tag.c.article_id)
            .where(article_tag.c.tag_id == term.id)
            .order_by(article_tag.c.article_id)
        )
    else:
        kind = "category"
        query = select(Article.id).where(Article.category_id == term.id).order_by(Article.id)
    ids = tuple(session.execute(query).scalars())
    term_deleted(TermEvent(kind, term.id, term.slug, term.name, ids), session=session)


def all_content_created(*, session: Session | None = None) -> int:
    """Record a ``created`` event for every article and page stored (after an import).

    Articles stored as ``published`` and published pages also get their
    ``*_published`` event. Returns how many rows were recorded; the events fire
    after the commit.
    """
    session = _session_of(session)
    now = utcnow()
    articles = session.execute(
        select(
            Article.id, Article.slug, Article.title, Article.status, Article.category_id,
            Article.published_at,
        ).order_by(Article.id)
    )  # fmt: skip
    count = 0
    for row in articles:
        public = row.status in ("published", "scheduled") and (
            row.published_at is not None and row.published_at <= now
        )
        facts = ArticleEvent(
            id=row.id, slug=row.slug, title=row.title, status=row.status,
            category_id=row.category_id, published_at=row.published_at,
            was_public=False, is_public=public, created=True,
        )  # fmt: skip
        article_facts_changed(facts, "created", session=session)
        count += 1
    pages = session.execute(
        select(Page.id, Page.slug, Page.title, Page.status, Page.parent_id).order_by(Page.id)
    )
    for page_row in pages:
        page = PageEvent(
            id=page_row.id, slug=page_row.slug, title=page_row.title, status=page_row.status,
            parent_id=page_row.parent_id, was_public=False,
            is_public=page_row.status == "published", created=True,
        )  # fmt: skip
        page_facts_changed(page, "created", session=session)
        count += 1
    return count


def _facts(obj: Any, item: _Pending, *, deleted: bool = False) -> ArticleEvent | PageEvent:
    created = item.action == "created"
    if isinstance(obj, Article):
        return ArticleEvent(
            id=obj.id,
            slug=obj.slug,
            title=obj.title,
            status=obj.status,
            category_id=obj.category_id,
            published_at=obj.published_at,
            was_public=item.was_public,
            is_public=not deleted and obj.is_public,
            created=created,
        )
    return PageEvent(
        id=obj.id,
        slug=obj.slug,
        title=obj.title,
        status=obj.status,
        parent_id=obj.parent_id,
        was_public=item.was_public,
        is_public=not deleted and obj.status == "published",
        created=created,
    )


def _hook_calls(item: _Pending) -> list[tuple[str, dict[str, Any]]]:
    """The hooks one committed change calls, in order, with their arguments."""
    facts = item.facts
    assert facts is not None
    if isinstance(facts, TermEvent):
        return [(f"{facts.kind}_deleted", {facts.kind: facts})]
    kind, key = ("article", "article") if isinstance(facts, ArticleEvent) else ("page", "page")
    calls: list[tuple[str, dict[str, Any]]] = [(f"{kind}_{item.action}", {key: facts})]
    if item.action == "deleted":
        return calls
    if kind == "article":
        calls.append(("article_saved", {"article": facts, "created": item.action == "created"}))
    if facts.status == "published" and item.status_before != "published":
        calls.append((f"{kind}_published", {key: facts}))
    elif facts.was_public and not facts.is_public:
        calls.append((f"{kind}_unpublished", {key: facts}))
    return calls


def _before_commit(session: Session) -> None:
    """Take the facts of every pending change, flushed, while the transaction is open."""
    if session.in_nested_transaction() or not session.info.get(_PENDING):
        return
    session.flush()
    for item in session.info.get(_PENDING, []):
        if item.action != "deleted" and not isinstance(item.obj, Facts):
            item.facts = _facts(item.obj, item)


def _after_commit(session: Session) -> None:
    """The outermost transaction committed: its changes are ready to be told."""
    if session.in_nested_transaction():
        return
    pending = [i for i in session.info.pop(_PENDING, []) if i.facts is not None]
    if pending:
        session.info.setdefault(_READY, []).extend(pending)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    """Forget the changes recorded inside the transaction (or savepoint) rolled back."""
    if not previous.nested:
        session.info.pop(_PENDING, None)
        return
    kept = []
    for item in session.info.get(_PENDING, []):
        chain, transaction = [], item.transaction
        while transaction is not None:
            chain.append(transaction)
            transaction = transaction.parent
        if not any(t is previous for t in chain):
            kept.append(item)
    session.info[_PENDING] = kept


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    """After the outermost transaction is over: call the hooks of what it committed."""
    if transaction.parent is not None:
        return
    session.info.pop(_PENDING, None)  # ended without a commit (closed, rolled back)
    ready: list[_Pending] = session.info.pop(_READY, [])
    if not ready:
        return
    if not has_app_context() or "cms_plugins" not in current_app.extensions:
        return
    plugins = registry()
    for item in ready:
        for hook, kwargs in _hook_calls(item):
            plugins.call(hook, **kwargs)  # a failing plugin is logged and isolated there


def listen(target: Any = Session) -> None:
    """Attach the listeners to ``target`` (every SQLAlchemy session by default); idempotent."""
    for name, function in (
        ("before_commit", _before_commit),
        ("after_commit", _after_commit),
        ("after_soft_rollback", _after_soft_rollback),
        ("after_transaction_end", _after_transaction_end),
    ):
        if not event.contains(target, name, function):
            event.listen(target, name, function)


listen()
