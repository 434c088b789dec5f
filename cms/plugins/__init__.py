"""The plugin engine: what plugins declare, and the registry that runs them.

A plugin package exports ``plugin = Plugin(...)``; see ``docs/plugins.md``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from flask import Flask
from markupsafe import Markup

from cms.extensions import migrate
from cms.plugins.base import AdminColumn, AdminView, ApiField, ApiRoute, CachePolicy, Plugin, Widget
from cms.plugins.checks import CORE_VERSIONS
from cms.plugins.registry import PluginError, PluginRegistry, registry
from cms.plugins.spec import hookimpl
from cms.plugins.widgets import RegionRenderer, widget_cache

__all__ = [
    "AdminColumn",
    "AdminView",
    "ApiField",
    "ApiRoute",
    "CachePolicy",
    "Plugin",
    "PluginError",
    "PluginRegistry",
    "Widget",
    "call_hook",
    "hookimpl",
    "init_app",
    "registry",
    "widget_cache",
]


def hook_html(hook: str, **kwargs: object) -> Markup:
    """The HTML the active plugins return from ``hook`` (e.g. ``article_footer``), joined."""
    # Plugins return HTML they built through autoescaping templates or escaped themselves.
    return Markup("").join(Markup(str(part)) for part in call_hook(hook, **kwargs) if part)  # noqa: S704


def call_hook(hook: str, **kwargs: Any) -> list[object]:
    """Call ``hook`` on the active plugins of the current app (see :mod:`cms.plugins.spec`)."""
    return registry().call(hook, **kwargs)


@migrate.configure
def _plugin_migrations(config: Any) -> Any:
    """Let Alembic see the core's versions and those of every loaded plugin.

    For Flask-Migrate's ``flask db`` commands; ``cms init`` and enabling a
    plugin go through :mod:`cms.plugins.migrations`, which looks at the core's
    and one plugin's files at a time.
    """
    from flask import current_app

    locations = [str(CORE_VERSIONS)]
    plugins = current_app.extensions.get("cms_plugins")
    if plugins is not None:
        locations += [str(p.migrations) for _, p in sorted(plugins.plugins.items()) if p.migrations]
    config.set_main_option("version_locations", os.pathsep.join(locations))
    return config


def init_app(app: Flask) -> None:
    """Load every plugin and let regions render their widgets."""
    plugins = PluginRegistry(app)
    app.extensions["cms_plugins"] = plugins
    app.config.setdefault("PLUGIN_PAUSE_ERRORS", 5)
    app.config.setdefault("PLUGIN_PAUSE_WINDOW", 300)
    init_static(app)
    app.add_template_global(hook_html, "hook_html")
    plugins.load_all()
    app.extensions.setdefault("cms_region_renderers", []).append(RegionRenderer())


def init_static(app: Flask) -> None:
    """Serve a plugin's ``static/`` at ``/plugins/<name>/static/`` while it is active."""
    from flask import Blueprint, abort, request, send_file, url_for
    from werkzeug.security import safe_join

    bp = Blueprint("plugin_static", __name__)

    @bp.route("/plugins/<name>/static/<path:filename>")
    def static(name: str, filename: str):  # type: ignore[no-untyped-def]
        plugins = registry()
        plugin = plugins.plugins.get(name)
        if plugin is None or plugin.static is None or not plugins.is_enabled(name):
            abort(404)
        joined = safe_join(str(plugin.static), filename)
        if joined is None or not os.path.isfile(joined):
            abort(404)
        response = send_file(joined, conditional=True, max_age=3600)
        if request.args.get("v"):
            response.cache_control.max_age = 31_536_000
            response.cache_control.public = True
            response.cache_control.immutable = True
        return response

    def plugin_asset(name: str, filename: str) -> str:
        """URL of a plugin's static file, with a content hash so it can be cached for a year."""

        plugin = registry().plugins.get(name)
        path = Path(plugin.static) / filename if plugin and plugin.static else None
        if path is None or not path.is_file():
            return url_for("plugin_static.static", name=name, filename=filename)
        version = app.extensions["cms_themes"].asset_version(path)
        return url_for("plugin_static.static", name=name, filename=filename, v=version)

    app.register_blueprint(bp)
    app.add_template_global(plugin_asset, "plugin_asset")
