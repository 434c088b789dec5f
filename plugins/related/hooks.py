"""Lifecycle hooks: lists follow every publication, edit, unpublication and deletion.

The content services fire the events once, after the commit, whoever made
the change (back office, API, ``cms import``, the scheduler's promotion of a
scheduled article whose time came). Each change runs :func:`~plugins.related.index.refresh`
or :func:`~plugins.related.index.forget` in a transaction of its own holding
the plugin's lock, then drops the cached lists of every worker
(:func:`changed`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from cms.content.events import ArticleEvent, TermEvent
from cms.db import database_trouble
from cms.plugins import hookimpl, widget_cache
from plugins.related import index
from plugins.related.widgets import WIDGET_TYPE

log = logging.getLogger(__name__)

#: Most articles whose lists a category or tag deletion computes again at once (about
#: 0.1 s each, in the request that deleted it); past it, ``cms related rebuild`` does.
TERM_REFRESH_MAX = 100


def changed(outcome: index.Outcome) -> None:
    """Drop the cached lists once a change committed, in every worker (nothing if none changed).

    Only the stored pages of the articles whose list changed, or shows an
    article that changed, are dropped; a rebuild drops every page's list.
    """
    if outcome.everything:
        widget_cache.invalidate(widget_type=WIDGET_TYPE, now=True)
    elif outcome:
        pages = [f"article:{article_id}" for article_id in sorted(outcome.pages)]
        widget_cache.invalidate(widget_type=WIDGET_TYPE, pages=pages, now=True)


def refresh(article_id: int) -> index.Outcome:
    """Re-index article ``article_id`` and update the lists it touches; drop cached lists."""
    outcome = index.maintain(lambda conn: index.refresh(conn, article_id))
    changed(outcome)
    return outcome


def forget(article_id: int) -> index.Outcome:
    """Take article ``article_id`` out of the index and of every list; drop cached lists."""
    outcome = index.maintain(lambda conn: index.forget(conn, article_id))
    changed(outcome)
    return outcome


def term_deleted(term: TermEvent) -> None:
    """A category or a tag is gone: the articles that had it rank differently now.

    Up to :data:`TERM_REFRESH_MAX` of them are indexed again; past that a
    warning asks for ``cms related rebuild`` (their lists only keep counting
    the old category or tag until then: they show public articles all the same).
    """
    ids = term.article_ids
    if len(ids) > TERM_REFRESH_MAX:
        log.warning(
            "%s %r was on %d articles: run `cms related rebuild` to weigh their related"
            " articles again",
            term.kind,
            term.name,
            len(ids),
        )
        return
    for article_id in ids:
        refresh(article_id)


def _logged(action: str, article: ArticleEvent | TermEvent, run: Callable[[], object]) -> None:
    """Run a change's maintenance; a busy or unreachable database is logged, never raised."""
    try:
        run()
    except Exception as exc:
        if database_trouble(exc) is None:
            raise  # a bug: logged and counted against the plugin by the engine
        # Busy or down: the database's fault, not the plugin's. The next change
        # of the article, or `cms related rebuild`, brings its lists back.
        kind = article.kind if isinstance(article, TermEvent) else "article"
        log.warning(
            "related lists not updated after %s of %s %s: %s", action, kind, article.id, exc
        )


class Hooks:
    """Keep the related lists in step with what readers may see, whoever changes it."""

    @hookimpl
    def article_created(self, article: ArticleEvent) -> None:
        """A restored article that is public without being ``published`` (a due scheduled one).

        New ``published`` articles are handled by :meth:`article_published`.
        """
        if article.is_public and article.status != "published":
            _logged("creation", article, lambda: refresh(article.id))

    @hookimpl
    def article_published(self, article: ArticleEvent) -> None:
        """Published (created so, saved so, or a scheduled one promoted): it enters lists."""
        _logged("publication", article, lambda: refresh(article.id))

    @hookimpl
    def article_updated(self, article: ArticleEvent) -> None:
        """An edit of a public article: its list, its place in others, its title in them.

        A publication or an unpublication is left to their own events.
        """
        just_published = article.status == "published" and not article.was_public
        if article.is_public and not just_published:
            _logged("an edit", article, lambda: refresh(article.id))

    @hookimpl
    def article_unpublished(self, article: ArticleEvent) -> None:
        """Made a draft or scheduled for later: it leaves every list, its own list goes."""
        _logged("unpublication", article, lambda: forget(article.id))

    @hookimpl
    def article_deleted(self, article: ArticleEvent) -> None:
        """Deleted: it leaves every list, its own list goes."""
        _logged("deletion", article, lambda: forget(article.id))

    @hookimpl
    def category_deleted(self, category: TermEvent) -> None:
        """Its articles lost their category: what they are related to changes."""
        _logged("deletion", category, lambda: term_deleted(category))

    @hookimpl
    def tag_deleted(self, tag: TermEvent) -> None:
        """Its articles lost a tag: what they are related to changes."""
        _logged("deletion", tag, lambda: term_deleted(tag))
