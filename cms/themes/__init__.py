"""The theme engine: active theme, rendering with its environment, assets and regions."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    g,
    request,
    send_file,
    template_rendered,
    url_for,
)
from flask.signals import before_render_template
from markupsafe import Markup, escape

from cms.themes.engine import ThemeManager, manager
from cms.themes.manifest import NAME_RE, Theme, ThemeError

log = logging.getLogger(__name__)

__all__ = [
    "Theme",
    "ThemeError",
    "ThemeManager",
    "active_theme",
    "asset_url",
    "init_app",
    "manager",
    "render",
]

#: A region renderer takes the region name and the template context, and returns HTML.
RegionRenderer = Callable[[str, dict[str, Any]], str]

bp = Blueprint("themes", __name__)


def active_theme() -> str:
    """The name of the theme readers see: the stored setting, else ``CMS_THEME``."""
    if "cms_theme" in g:
        return g.cms_theme
    from cms.content.site import get_setting  # cms.content imports this, via the plugins

    name = get_setting("theme") or current_app.config["THEME"]
    if name not in manager().themes:
        log.error("active theme %r not found; using the default theme", name)
        name = "default" if "default" in manager().themes else current_app.config["THEME"]
    g.cms_theme = name
    return name


def render(template: str | list[str | Any], **context: Any) -> str:
    """Render ``template`` with the active theme's environment and Flask's context."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    env = manager().environment(active_theme())
    app.update_template_context(context)
    tmpl = env.get_or_select_template(template)
    before_render_template.send(app, _async_wrapper=app.ensure_sync, template=tmpl, context=context)
    html = tmpl.render(context)
    template_rendered.send(app, _async_wrapper=app.ensure_sync, template=tmpl, context=context)
    return html


def asset_url(filename: str) -> str:
    """URL of a static file of the active theme (or its parents, or the core), with its hash."""
    theme = active_theme()
    path = manager().find_static(theme, filename)
    if path is None:
        log.warning("asset %s not found in theme %s", filename, theme)
        return url_for("themes.static", theme=theme, filename=filename)
    return url_for("themes.static", theme=theme, filename=filename, v=manager().asset_version(path))


def region(name: str, **context: Any) -> Markup:
    """Render region ``name``: the HTML of every region renderer, in order, in one wrapper."""
    parts = []
    for renderer in current_app.extensions.get("cms_region_renderers", []):
        try:
            parts.append(renderer(name, context))
        except Exception:
            log.exception("region renderer %r failed for region %s", renderer, name)
    # Renderers return HTML they produced through autoescaping templates.
    inner = Markup("").join(Markup(p) for p in parts if p)  # noqa: S704
    if not inner:
        return Markup("")
    return Markup('<div class="region region-{0}" data-region="{0}">{1}</div>').format(
        escape(name), inner
    )


@bp.route("/themes/<theme>/static/<path:filename>")
def static(theme: str, filename: str) -> Any:
    """Serve a theme's static file, falling back to its parents' and the core's."""
    if not NAME_RE.match(theme) or theme not in manager().themes:
        abort(404)
    path = manager().find_static(theme, filename)
    if path is None:
        abort(404)
    response = send_file(path, conditional=True, max_age=3600)
    if request.args.get("v"):
        response.cache_control.max_age = 31_536_000
        response.cache_control.public = True
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    """Create the theme manager, the static route and the template globals."""
    app.extensions["cms_themes"] = ThemeManager(app)
    app.extensions.setdefault("cms_region_renderers", [])
    app.register_blueprint(bp)
    app.add_template_global(asset_url, "asset")
    app.add_template_global(region, "region")
