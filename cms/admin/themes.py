"""Back office: themes (list with previews, switch, check)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.audit import record
from cms.content.site import set_setting
from cms.extensions import db
from cms.themes import active_theme, manager
from cms.themes.check import check_theme

#: Menu entries of these screens.
MENU = [MenuItem("admin.themes", _l("Themes"), roles=("admin",), order=45, section="admin.theme")]


@bp.route("/themes")
@role_required("admin")
def themes() -> Any:
    """Installed themes with a preview; the active one first."""
    themes = manager()
    active = active_theme()
    listed = sorted(themes.themes.values(), key=lambda t: (t.name != active, t.name))
    previews = {
        t.name: url_for("themes.static", theme=t.name, filename="screenshot.png")
        for t in listed
        if (t.static / "screenshot.png").is_file()
    }
    return render_template(
        "admin/themes.html",
        themes=listed,
        active=active,
        previews=previews,
        titles={t.name: str(t.title) for t in listed},
    )


@bp.route("/themes/use", methods=["POST"])
@role_required("admin")
def use_theme() -> Any:
    """Make a theme the one readers see, after checking it."""
    name = request.form.get("name", "")
    if name not in manager().themes:
        abort(404)
    problems = check_theme(current_app._get_current_object(), name)  # type: ignore[attr-defined]
    if problems:
        flash(
            _("Theme %(name)s was not activated: %(problem)s", name=name, problem=problems[0]),
            "error",
        )
        return redirect(url_for("admin.themes"))
    set_setting("theme", name)
    record("theme.use", None, _("Theme %(name)s activated", name=name))
    db.session.commit()
    flash(_("Theme %(name)s is now active.", name=name), "success")
    return redirect(url_for("admin.themes"))
