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
    def article_published(self, article: Any) -> None:
        """An article became public.

        Called by the article services after the commit that publishes an
        article, and when a scheduled article's time has come.
        """

    @hookspec
    def article_saved(self, article: Any, created: bool) -> None:
        """An article was created or changed (any status); called after the commit."""

    @hookspec
    def article_footer(self, article: Any) -> str | None:
        """HTML to add below an article, outside any region; called by the article template."""

    @hookspec
    def admin_menu(self) -> list[Any] | None:
        """Back-office menu entries (``cms.admin.menu.MenuItem``); called once at start."""
