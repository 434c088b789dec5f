"""The back office under ``/admin/``: sign-in, dashboard and the content screens."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, make_response, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException

from cms.admin.menu import MenuItem, add_menu_item, menu_for
from cms.errors import add_rate_limit_retry_after, handle_database_error

bp = Blueprint("admin", __name__, url_prefix="/admin")

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
    from cms.admin.articles import editor_assets

    return {"admin_menu": menu_for(current_user), "rich_editor": editor_assets}


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
            from cms.admin.forms import LoginForm

            html = render_template("admin/login.html", form=LoginForm(), limited=message)
        else:
            html = render_template("admin/error.html", status=status, message=message)
    except SQLAlchemyError as fault:  # the back-office layout reads settings
        return handle_database_error(fault)
    response = make_response(html, status)
    add_rate_limit_retry_after(response, status)
    return response


def init_app(app: Flask) -> None:
    """Register the back office, its menu and the sign-in settings."""
    from importlib import import_module

    from cms.extensions import login_manager

    items = list(CORE_MENU)
    for name in SCREENS:  # importing a screen module registers its routes on ``bp``
        items.extend(getattr(import_module(f"cms.admin.{name}"), "MENU", []))
    app.register_blueprint(bp)
    for item in items:
        add_menu_item(app, item)
    login_manager.login_view = "admin.login"
    login_manager.login_message = _l("Please sign in to continue.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"
