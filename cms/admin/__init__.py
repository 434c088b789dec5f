"""The back office under ``/admin/``: sign-in, dashboard and the content screens.

Plugins add screens with :class:`cms.plugins.AdminView`; each plugin's are
mounted at ``/admin/plugins/<name>/`` on a blueprint named ``<name>_admin``
that shares the back office's layout, menu, error pages and CSRF rules.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, abort, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from cms.admin.forms import LoginForm
from cms.admin.menu import MenuItem, add_menu_item, badge_count, menu_for
from cms.admin.permissions import role_required
from cms.errors import add_rate_limit_retry_after, handle_database_error
from cms.extensions import login_manager
from cms.plugins import AdminView, Plugin, registry
from cms.plugins.checks import PluginCheckError
from cms.themes.engine import AdminLoader

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Who may open a plugin screen, by the least role it declares (admins hold every role).
ROLE_LEVELS: dict[str, tuple[str, ...]] = {
    "admin": ("admin",),
    "editor": ("admin", "editor"),
    "author": ("admin", "editor", "author"),
}

#: First segments of ``/admin/plugins/<name>/...`` that the core's plugin screens use.
RESERVED_SEGMENTS = ("state", "settings")

_ENDPOINT_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")

#: Modules of ``cms.admin`` holding screens; each may define ``MENU``, a list of
#: :class:`MenuItem`. Plugins add their entries with :func:`add_menu_item`.
SCREENS = (
    "auth",
    "views",
    "articles",
    "pages",
    "categories",
    "tags",
    "media",
    "users",
    "settings",
    "audit_log",
    "plugins",
    "themes",
    "widgets",
)

#: The dashboard entry.
CORE_MENU = [MenuItem("admin.dashboard", _l("Dashboard"), order=0)]


@bp.context_processor
def _admin_context() -> dict[str, Any]:
    from cms.admin.articles import editor_assets  # its module imports this package's ``bp``

    return {
        "admin_menu": menu_for(current_user),
        "menu_badge": badge_count,
        "rich_editor": editor_assets,
    }


@bp.errorhandler(HTTPException)
def _admin_error(exc: HTTPException) -> Any:
    status = exc.code or 500
    messages = {
        403: _("You are not allowed to do this."),
        404: _("This item does not exist or has been deleted."),
        429: _("Too many attempts. Please wait a few minutes and try again."),
    }
    message = messages.get(status, exc.description or "")
    try:
        if status == 429 and request.endpoint == "admin.login":
            html = render_template("admin/login.html", form=LoginForm(), limited=message)
        else:
            html = render_template("admin/error.html", status=status, message=message)
    except SQLAlchemyError as fault:  # the back-office layout reads settings
        return handle_database_error(fault)
    response = make_response(html, status)
    add_rate_limit_retry_after(response, status)
    return response


def check_admin_views(plugin: Plugin) -> None:
    """Refuse admin views without a known role, with a bad rule or a repeated endpoint.

    Raises :class:`~cms.plugins.checks.PluginCheckError`; the plugin is then
    listed as broken with the message.
    """
    seen: set[str] = set()
    for view in plugin.admin_views:
        if not isinstance(view, AdminView):
            raise PluginCheckError(f"{view!r} in admin_views is not an AdminView")
        if not view.role:
            raise PluginCheckError(
                f"its admin view {view.rule!r} needs a role: 'admin', 'editor' or 'author'"
            )
        if not isinstance(view.role, str) or view.role not in ROLE_LEVELS:
            raise PluginCheckError(
                f"its admin view {view.rule!r} has an unknown role {view.role!r}"
                " ('admin', 'editor' or 'author')"
            )
        if not isinstance(view.rule, str) or not view.rule.startswith("/"):
            raise PluginCheckError(f"its admin view rule {view.rule!r} must start with '/'")
        if view.rule.strip("/").split("/")[0] in RESERVED_SEGMENTS:
            raise PluginCheckError(f"its admin view rule {view.rule!r} is kept for the core")
        if not callable(view.view) or not _ENDPOINT_RE.match(view.name):
            raise PluginCheckError(f"its admin view {view.rule!r} needs a view function")
        if view.name in seen:
            raise PluginCheckError(f"two of its admin views are named {view.name!r}")
        seen.add(view.name)


def mount_plugin_admin(app: Flask, plugin: Plugin) -> None:
    """Mount ``plugin``'s admin views at ``/admin/plugins/<name>/`` with their menu entries.

    The views get the back-office layout context, error pages and sign-in;
    each requires its role; all answer 404 while the plugin is not active.
    Raises :class:`~cms.plugins.checks.PluginCheckError` (see :func:`check_admin_views`).
    """
    check_admin_views(plugin)
    if not plugin.admin_views:
        return
    name = plugin.name
    plugin_bp = Blueprint(f"{name}_admin", __name__, url_prefix=f"/admin/plugins/{name}")

    @plugin_bp.before_request
    def _only_when_active() -> None:
        if not registry().is_enabled(name):
            abort(404)

    plugin_bp.context_processor(_admin_context)
    plugin_bp.register_error_handler(HTTPException, _admin_error)
    for view in plugin.admin_views:
        plugin_bp.add_url_rule(
            view.rule,
            endpoint=view.name,
            view_func=role_required(*ROLE_LEVELS[view.role])(view.view),
            methods=list(view.methods),
        )
    app.register_blueprint(plugin_bp)
    for view in plugin.admin_views:
        if view.menu is not None:
            add_menu_item(
                app,
                MenuItem(
                    f"{plugin_bp.name}.{view.name}",
                    view.menu,
                    roles=ROLE_LEVELS[view.role],
                    order=view.order,
                    plugin=name,
                    badge=view.badge,
                    badge_label=view.badge_label,
                ),
            )


def init_app(app: Flask) -> None:
    """Register the back office, its menu, its template loader and the sign-in settings."""
    from importlib import import_module

    items = list(CORE_MENU)
    for name in SCREENS:  # importing a screen module registers its routes on ``bp``
        items.extend(getattr(import_module(f"cms.admin.{name}"), "MENU", []))
    app.register_blueprint(bp)
    for item in items:
        add_menu_item(app, item)
    override = app.config.get("ADMIN_TEMPLATES_DIR") or Path(app.instance_path) / "admin_templates"
    app.jinja_loader = AdminLoader(app.extensions["cms_themes"], Path(override))  # type: ignore[misc]
    app.extensions.setdefault("cms_plugin_mounts", []).append(mount_plugin_admin)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
