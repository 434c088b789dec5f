"""Hook specifications: every hook a plugin may implement, in one place.

Each spec says when it fires and who calls it. Regions and widgets replace
most template hooks, so the list stays short.
"""

from __future__ import annotations

from typing import Any

import pluggy

#: Marks the hook specifications below.
hookspec = pluggy.HookspecMarker("cms")
#: Marks a plugin's hook implementations.
hookimpl = pluggy.HookimplMarker("cms")


class CoreSpec:
    """The hooks the core calls."""

    @hookspec
    def page_view(self, kind: str, obj: Any, request: Any) -> None:
        """A reader viewed a public page.

        Called by the public views after rendering an article (``kind`` =
        ``"article"``), a page (``"page"``), a category listing
        (``"category"``) or the home page (``"home"``, ``obj`` is ``None``).
        Crawlers' visits are reported too; ``request.user_agent`` tells them apart.
        """

    @hookspec
    def article_created(self, article: Any) -> None:
        """An article was created (any status).

        ``article`` is a :class:`cms.content.events.ArticleEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_updated(self, article: Any) -> None:
        """An article was changed: a save, a bulk action or a revision restored.

        ``article`` is a :class:`cms.content.events.ArticleEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_published(self, article: Any) -> None:
        """An article's stored status became ``published``.

        On creation, on a save or bulk action that publishes it, and when the
        scheduler (``promote_due_articles``, every 30 s) promotes a scheduled
        article whose time has come; after ``article_created``/``article_updated``.

        ``article`` is a :class:`cms.content.events.ArticleEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_unpublished(self, article: Any) -> None:
        """Readers could see an article and no longer can (made a draft or rescheduled).

        Fired after ``article_updated``.

        ``article`` is a :class:`cms.content.events.ArticleEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_deleted(self, article: Any) -> None:
        """An article was deleted; the facts are those it had.

        ``article`` is a :class:`cms.content.events.ArticleEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_saved(self, article: Any, created: bool) -> None:
        """An article was created or changed; kept for compatibility.

        Fired right after ``article_created`` or ``article_updated`` with the same
        ``article`` facts; new plugins implement those instead.
        """

    @hookspec
    def page_created(self, page: Any) -> None:
        """A page was created (any status).

        ``page`` is a :class:`cms.content.events.PageEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def page_updated(self, page: Any) -> None:
        """A page was changed.

        ``page`` is a :class:`cms.content.events.PageEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def page_published(self, page: Any) -> None:
        """A page's status became ``published`` (created published, or a save).

        ``page`` is a :class:`cms.content.events.PageEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def page_unpublished(self, page: Any) -> None:
        """A published page was made a draft.

        ``page`` is a :class:`cms.content.events.PageEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def page_deleted(self, page: Any) -> None:
        """A page was deleted (its sub-pages move up; they get no event).

        ``page`` is a :class:`cms.content.events.PageEvent` (plain facts, not a row).
        Called once after the commit that did it, whoever called the content
        services (back office, API, ``cms import``, the scheduler, tests); never
        after a rollback. See :mod:`cms.content.events`.
        """

    @hookspec
    def article_footer(self, article: Any) -> str | None:
        """HTML to add below an article, outside any region; called by the article template."""

    @hookspec
    def admin_menu(self) -> list[Any] | None:
        """Back-office menu entries (``cms.admin.menu.MenuItem``); called once at start."""
