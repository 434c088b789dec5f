"""Back office: plugins (list, enable, disable, resume, settings, broken ones)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.numbers import refuse_unicode_numbers
from cms.admin.permissions import role_required
from cms.audit import record
from cms.extensions import db
from cms.form_status import form_status
from cms.plugins import PluginError, registry

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.plugins", _l("Plugins"), roles=("admin",), order=50, section="admin.plugin")
]


def form_values(form: Any) -> dict[str, Any]:
    """The JSON-storable values of a settings form (CSRF and buttons left out)."""
    skip = {"csrf_token", "submit"}
    return {
        name: field.data
        for name, field in form._fields.items()
        if name not in skip and isinstance(field.data, str | int | float | bool | list | type(None))
    }


@bp.route("/plugins")
@role_required("admin")
def plugins() -> Any:
    """Every plugin with its state; broken ones with their error."""
    found = registry()
    return render_template(
        "admin/plugins.html",
        plugins=sorted(found.plugins.items()),
        states=found.states(),
        broken=sorted(found.broken.items()),
    )


@bp.route("/plugins/<name>/state", methods=["POST"])
@role_required("admin")
def plugin_state(name: str) -> Any:
    """Enable, disable or resume a plugin."""
    action = request.form.get("action")
    if action not in ("enable", "disable", "resume"):
        abort(400)
    try:
        registry().set_enabled(name, action != "disable")
    except PluginError as exc:
        if name not in registry().plugins:
            abort(404)
        db.session.rollback()  # its migrations failed (rolled back): say why, change nothing
        flash(
            _("Plugin %(name)s cannot be enabled: %(reason)s", name=name, reason=str(exc)), "error"
        )
        return redirect(url_for("admin.plugins"))
    record(f"plugin.{action}", None, _("Plugin %(name)s: %(action)s", name=name, action=action))
    db.session.commit()
    messages = {
        "enable": _("Plugin %(name)s is enabled.", name=name),
        "disable": _("Plugin %(name)s is disabled.", name=name),
        "resume": _("Plugin %(name)s is running again.", name=name),
    }
    flash(messages[action], "success")
    return redirect(url_for("admin.plugins"))


@bp.route("/plugins/<name>/settings", methods=["GET", "POST"])
@role_required("admin")
def plugin_settings(name: str) -> Any:
    """A plugin's own settings form."""
    found = registry()
    try:
        plugin = found.require(name)
    except PluginError:
        abort(404)
    if plugin.settings_form is None:
        abort(404)
    form = plugin.settings_form(data=found.settings(name))
    if form.validate_on_submit() and refuse_unicode_numbers(form):
        found.save_settings(name, form_values(form))
        record("plugin.settings", None, _("Settings of plugin %(name)s changed", name=name))
        db.session.commit()
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.plugins"))
    return render_template("admin/plugin_settings.html", plugin=plugin, form=form), form_status()
