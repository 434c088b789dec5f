"""Hooks: count every answered public page, and answer for article views."""

from __future__ import annotations

from cms.page_view import PageIdentity, Visitor
from cms.plugins import hookimpl
from plugins.stats import counting, rollup
from plugins.stats.settings import current_settings


class Hooks:
    """The stats plugin's listeners on the core's hooks."""

    @hookimpl
    def page_view(self, page: PageIdentity, visitor: Visitor) -> None:
        """Count the page (server mode only; the beacon counts otherwise)."""
        if page.status != 200 or visitor.method != "GET":
            return  # the common non-view, decided before reading any setting
        settings = current_settings()
        if settings.mode == "server":
            counting.record(page, visitor, settings)
        rollup.maybe_roll_up()

    @hookimpl
    def article_views(self, article_ids: list[int]) -> dict[int, int]:
        """``{article id: page views}`` for the API's ``views``."""
        return counting.views_of(article_ids)

    @hookimpl
    def article_views_restored(self, counts: dict[int, int], replace: bool) -> None:
        """Take the view counts of an import (``replace``) or of bench data."""
        counting.restore_views(counts, replace)
