"""Views per article, counted in the shared store from the ``page_view`` event.

A reader's view writes nothing to the content tables: it adds one to the
store counter ``views:article:<id>`` with :func:`cms.store.incr_later` (Redis
``INCRBY`` at once, or the database in batches), so every worker reads it within
2 seconds and the reader never waits for a write lock. The API's ``views`` and
the article page read the counters with :func:`views_of`.

What counts: a ``GET`` answered ``200`` for an article, by a visitor whose user
agent is not a robot's (:attr:`cms.page_view.Visitor.is_crawler`). ``HEAD``, a
``304``, a redirect, an error or a draft never counts.

The listener is the core's, registered on the plugin registry's hook manager
under :data:`LISTENER_NAME`, which is no plugin's name: it is always called and
never listed as a plugin. Everything about the counter lives in this module.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from flask import Flask

from cms import store
from cms.page_view import PageIdentity, Visitor
from cms.plugins.registry import PluginRegistry
from cms.plugins.spec import hookimpl

#: Name of the core's listener on the hook manager (no plugin name has a dot).
LISTENER_NAME = "cms.view_counts"
#: What the store counter of an article starts with; the article id follows.
KEY_PREFIX = "views:article:"


def view_key(article_id: int) -> str:
    """The store counter of an article's views: ``views:article:<id>``."""
    return f"{KEY_PREFIX}{int(article_id)}"


def counts_as_view(page: PageIdentity, visitor: Visitor) -> bool:
    """Whether an answer is an article view: an article, ``GET``, ``200``, not a robot."""
    return (
        page.kind == "article"
        and page.object_id is not None
        and page.status == 200
        and visitor.method == "GET"
        and not visitor.is_crawler
    )


def views_of(article_ids: Iterable[int]) -> dict[int, int]:
    """``{article id: views}`` for ``article_ids``, in one store round trip (unknown: 0).

    Includes this worker's views not yet written, and every worker's within
    2 seconds. Raises :class:`sqlalchemy.exc.SQLAlchemyError` when the store
    falls back to a database that fails.
    """
    ids = [int(article_id) for article_id in dict.fromkeys(article_ids)]
    if not ids:
        return {}
    values = store.get_many(view_key(article_id) for article_id in ids)
    return {article_id: values[view_key(article_id)] for article_id in ids}


def add_views(counts: Mapping[int, int]) -> None:
    """Add ``{article id: views}`` to the counters now (an import of an older archive).

    Zero and negative amounts are skipped. Raises what :func:`cms.store.incr` raises.
    """
    for article_id, amount in sorted(counts.items()):
        if amount > 0:
            store.incr(view_key(article_id), int(amount))


def forget_views() -> int:
    """Delete every article's view counter (a site emptied for an import); return how many."""
    return store.get_store().delete_prefix(KEY_PREFIX)


class ViewCounter:
    """The core's ``page_view`` listener: one more view per counted answer."""

    @hookimpl
    def page_view(self, page: PageIdentity, visitor: Visitor) -> None:
        """Count the answer if :func:`counts_as_view`; never waits for a lock."""
        if page.object_id is not None and counts_as_view(page, visitor):
            store.incr_later(view_key(page.object_id))


def register(plugins: PluginRegistry) -> None:
    """Add the counter to ``plugins``' hook manager (once; again if it was taken away)."""
    if not plugins.pm.has_plugin(LISTENER_NAME):
        plugins.pm.register(ViewCounter(), name=LISTENER_NAME)


def init_app(app: Flask) -> None:
    """Count article views on ``app`` (after its plugin registry is made)."""
    register(app.extensions["cms_plugins"])
