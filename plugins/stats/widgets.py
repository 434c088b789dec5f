"""``stats.stats``: the "Thống kê truy cập" block (total, today, online), always live."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField

from cms.page_view import PageIdentity, Visitor
from cms.plugins import Widget
from plugins.stats import counting
from plugins.stats.settings import current_settings


class BeaconWidget(Widget):
    """``stats.beacon``: no text, only the beacon script (beacon mode, without the numbers).

    For sites behind an outside cache that do not show the statistics block:
    place it once, everywhere. Live, like the block, so each page names itself.
    """

    type = "beacon"
    title = _l("Statistics beacon (no text)")
    template = "stats/beacon.html"
    cache = "live"
    live_max_age = 1.0

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """``beacon_url`` in beacon mode, else ``None`` (nothing is rendered)."""
        return {"beacon_url": beacon_url(page) if current_settings().mode == "beacon" else None}


class StatsForm(FlaskForm):
    """Settings of one placed block: which extra numbers it shows."""

    show_yesterday = BooleanField(_l("Show yesterday's visits"), default=False)
    show_month = BooleanField(_l("Show this month's visits"), default=False)


def beacon_url(page: PageIdentity) -> str:
    """The beacon's ``/stats/hit`` URL for ``page`` (its kind and, for an article, its id)."""
    if page.kind == "article" and page.object_id is not None:
        return url_for("stats.hit", kind=page.kind, id=page.object_id)
    return url_for("stats.hit", kind=page.kind)


class StatsWidget(Widget):
    """``stats.stats``: visits since the start, today and online now, per locale.

    Live: rendered for every request, also in pages served from the page cache
    (the numbers are the same for every reader, so they may be shared for a
    second: :attr:`live_max_age`).
    """

    type = "stats"
    title = _l("Access statistics")
    template = "stats/stats.html"
    settings_form = StatsForm
    default_settings = {"show_yesterday": False, "show_month": False}
    cache = "live"
    live_max_age = 1.0

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """``totals``: a :class:`plugins.stats.counting.Totals` read now."""
        settings = instance.settings or {}
        detail = bool(settings.get("show_yesterday") or settings.get("show_month"))
        site = current_settings()
        return {
            "totals": counting.totals(site, detail=detail),
            "beacon_url": beacon_url(page) if site.mode == "beacon" else None,
            "show_yesterday": bool(settings.get("show_yesterday")),
            "show_month": bool(settings.get("show_month")),
        }
