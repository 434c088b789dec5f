"""Stats: access statistics ("Thống kê truy cập") that stay exact and cheap.

Counts page views, visits and visitors online from the ``page_view`` event
(also on page-cache hits) in the shared store, with no write that makes a
reader wait; answers for the ``views`` of article objects; shows the
``stats.stats`` block (live, never frozen by the page cache) and
``GET /api/v1/stats``. Definitions are in the plugin's README.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.plugins import AdminView, ApiRoute, Plugin
from plugins.stats import admin, api, demo
from plugins.stats.cli import stats_cli
from plugins.stats.forms import SettingsForm
from plugins.stats.hooks import Hooks
from plugins.stats.settings import DEFAULT_SETTINGS
from plugins.stats.views import bp
from plugins.stats.widgets import BeaconWidget, StatsWidget

plugin = Plugin(
    name="stats",
    version="1.0.0",
    title=_l("Access statistics"),
    description=_l(
        "Visits, visitors online and page views per article; robots left out;"
        " counted in the shared store."
    ),
    widgets=[StatsWidget, BeaconWidget],
    blueprint=bp,
    models=["plugins.stats.models"],
    api=[
        ApiRoute(
            "/api/v1/stats",
            api.get_stats,
            response=api.STATS_SCHEMA,
            summary="Visits since the start, today, and visitors online now",
        ),
    ],
    admin_views=[
        AdminView("/", admin.index, role="editor", menu=_l("Access statistics")),
        AdminView("/export.csv", admin.export_csv, role="editor"),
    ],
    settings_form=SettingsForm,
    default_settings=dict(DEFAULT_SETTINGS),
    cli=stats_cli,
    demo=demo.demo,
    robots_disallow=["/stats/hit"],  # the beacon: no content
    hooks=Hooks(),
)
