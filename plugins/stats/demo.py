"""``cms demo``: a portal-sized total, as on the reference page ("Thống kê: 2.194.387")."""

from __future__ import annotations

from cms.plugins import registry

#: Visits the demo site "counted before": the block then shows a portal-sized total.
DEMO_OFFSET = 2_194_300


def demo() -> None:
    """Set the offset setting, in the demo's transaction (never commits)."""
    plugins = registry()
    plugins.save_settings("stats", {**plugins.settings("stats"), "offset": DEMO_OFFSET})
