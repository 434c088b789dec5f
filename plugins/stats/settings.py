"""The stats plugin's site-wide settings, checked, and held per process until saved again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cms import generations
from cms.plugins import registry

#: How page views are counted: by the server from the ``page_view`` event, or by a
#: small script in the page calling ``/stats/hit`` (for sites behind an outside cache).
MODES = ("server", "beacon")
#: Plugin settings before an admin saves any. ``offset``: visits counted before the
#: site used this plugin (added to the total); ``online_minutes``: the "online"
#: window; ``honour_dnt``: ``DNT: 1`` / ``Sec-GPC: 1`` readers get no cookie and
#: no visitor entry; ``retention_days``: how long raw daily detail is kept.
DEFAULT_SETTINGS: dict[str, Any] = {
    "offset": 0,
    "online_minutes": 5,
    "honour_dnt": True,
    "retention_days": 90,
    "mode": "server",
}
#: Bounds of the numeric settings (the settings form uses the same).
OFFSET = (0, 10**12)
ONLINE_MINUTES = (1, 60)
RETENTION_DAYS = (35, 3650)


@dataclass(frozen=True)
class StatsSettings:
    """The plugin settings, each value valid."""

    #: Visits added to the total (a site moving from another system keeps its number).
    offset: int
    #: A visitor seen within this many seconds is online.
    online_seconds: int
    #: Whether ``DNT: 1`` / ``Sec-GPC: 1`` readers are left out of visitor counting.
    honour_dnt: bool
    #: Days of raw detail (per-day counters in the store) kept before pruning.
    retention_days: int
    #: One of :data:`MODES`.
    mode: str


def _bounded(value: Any, bounds: tuple[int, int], default: int) -> int:
    """``value`` as an int within ``bounds``; ``default`` when it is not a whole number."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    if isinstance(value, str) and not (value.isascii() and value.strip().isdigit()):
        return default
    return max(bounds[0], min(bounds[1], int(value)))


def checked_settings(stored: dict[str, Any]) -> StatsSettings:
    """The settings in ``stored`` (defaults overlaid with an admin's), each value made valid.

    Numbers are clamped to their bounds; an unknown mode falls back to ``server``.
    """
    mode = stored.get("mode")
    return StatsSettings(
        offset=_bounded(stored.get("offset"), OFFSET, 0),
        online_seconds=60 * _bounded(stored.get("online_minutes"), ONLINE_MINUTES, 5),
        honour_dnt=bool(stored.get("honour_dnt", True)),
        retention_days=_bounded(stored.get("retention_days"), RETENTION_DAYS, 90),
        mode=mode if mode in MODES else "server",
    )


def current_settings() -> StatsSettings:
    """The plugin settings, held by the process until an admin saves new ones.

    Saving plugin settings bumps the ``plugins`` generation counter, so every
    worker reads them again at its next request (:func:`cms.generations.held`).
    """
    return generations.held(
        "stats:settings",
        (generations.PLUGINS,),
        lambda: checked_settings(registry().settings("stats")),
    )
