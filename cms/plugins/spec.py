"""Hook specifications: every hook a plugin may implement, in one place.

Each spec says when it fires and who calls it. Regions and widgets replace
most template hooks, so the list stays short.
"""

from __future__ import annotations

from typing import Any

import pluggy

from cms.page_view import PageIdentity, Visitor

#: Marks the hook specifications below.
hookspec = pluggy.HookspecMarker("cms")
#: Marks a plugin's hook implementations.
hookimpl = pluggy.HookimplMarker("cms")


class CoreSpec:
    """The hooks the core calls."""

    @hookspec
    def page_view(self, page: PageIdentity, visitor: Visitor) -> None:
        """A public page was answered: ``page`` says which, ``visitor`` who asked.

        Fires once per public page answered (home, article, page, category, tag,
        search), after the answer's status is known: from Flask once the response
        is built, and (with the page cache) on a cache hit, before Flask, through
        :func:`cms.page_view.page_served`. It fires for every method and status
        (``page.status`` is final: 200, 304, 404...) and for crawlers too: what
        counts as a view is the implementation's choice (the ``stats`` plugin
        counts ``visitor.method == "GET"``, ``page.status == 200`` and ``not
        visitor.is_crawler``).

        ``page`` is a :class:`cms.page_view.PageIdentity` (``kind``,
        ``object_id``, ``path``, ``status``, ``category_id``) and ``visitor`` a
        :class:`cms.page_view.Visitor` (``address`` after ``CMS_PROXY_HOPS``,
        ``user_agent``, ``method``, ``cookies``, ``user_id``, ``secure``,
        ``is_crawler``): plain values, never ORM objects or the Flask request,
        which a cache hit does not have. Do not read ``flask.request``,
        ``flask.session`` or ``current_user`` here.

        It runs while the reader waits, so it must be fast: no database write;
        count with the shared store (``cms.store.incr_later``, ``touch``). It may
        ask for a cookie with ``visitor.set_cookie(...)``; the engine adds it to
        the answer. An exception is logged and counted as a failure of the
        plugin (enough of them pause it); it never fails the page.
        """

    @hookspec(firstresult=True)
    def article_views(self, article_ids: list[int]) -> dict[int, int] | None:
        """How many times each article was viewed: ``{article id: views}`` (ids left out: 0).

        Asked by the API for the ``views`` of article objects (one call per
        article list, so answer from one store round trip), while the plugin
        is active. The first answer wins; with no answer, ``views`` is ``null``.
        Must be fast and raise nothing but the store's database errors.
        """

    @hookspec
    def article_views_restored(self, counts: dict[int, int], replace: bool) -> None:
        """Article view counts come from elsewhere: ``{article id: views}`` to add.

        Called by ``cms import`` (``replace=True``: the site's content was
        replaced, so every earlier count goes and ``counts``, those of an older
        archive that still carried them, are the new ones) and by
        :mod:`cms.bench_data` (``replace=False``: add to the counts). Called on
        installed plugins too (disabled or paused), since they keep the counts
        for when they are enabled again. Raises the store's database errors.
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
    def category_deleted(self, category: Any) -> None:
        """A category was deleted; its articles and sub-categories were kept, without it.

        ``category`` is a :class:`cms.content.events.TermEvent` whose
        ``article_ids`` are the articles that lost it (they get no article
        event). Called once after the commit; never after a rollback.
        """

    @hookspec
    def tag_deleted(self, tag: Any) -> None:
        """A tag was deleted; every article it was on lost it.

        ``tag`` is a :class:`cms.content.events.TermEvent` whose ``article_ids``
        are those articles (they get no article event). Called once after the
        commit; never after a rollback.
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
    def media_uses(self, media_id: int) -> list[str] | None:
        """Where the plugin uses media item ``media_id``: readable labels, translated.

        The back office lists them on the image's screen and refuses to delete
        an image still used (as WordPress and Drupal keep a file in use), e.g.
        ``["logo of the link “Cổng thông tin tỉnh”"]``. ``None`` or ``[]``:
        not used. Called while the plugin is installed, disabled or paused too:
        its rows keep the image for when it is enabled again.
        """

    @hookspec
    def article_footer(self, article: Any) -> str | None:
        """HTML to add below an article, outside any region; called by the article template."""

    @hookspec
    def article_meta(self, article: Any) -> str | None:
        """HTML to add to an article's meta line (after its date and author), e.g. a count.

        Called by ``public/_article_body.html`` while the article's parts are
        rendered; the result is kept with them (:mod:`cms.fragments`) until
        the article, the plugin states or :data:`cms.generations.ARTICLE_META`
        change: a plugin bumps that counter in the transaction that changes
        what it shows (``generations.bump(generations.ARTICLE_META)``) and
        purges the page cache's ``article:<id>`` after the commit. Return
        escaped HTML (from a template), or ``None``.
        """

    @hookspec
    def admin_menu(self) -> list[Any] | None:
        """Back-office menu entries (``cms.admin.menu.MenuItem``); called once at start."""
