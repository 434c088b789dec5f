"""Back office: placing, ordering, configuring and removing widgets in a theme's regions."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import Length

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.numbers import coerce_id, refuse_unicode_numbers
from cms.admin.permissions import role_required
from cms.admin.plugins import form_values
from cms.audit import record
from cms.content.errors import ContentError
from cms.content.taxonomy import all_categories
from cms.extensions import db
from cms.form_status import form_status
from cms.models import WidgetInstance
from cms.plugins import placement, registry
from cms.themes import active_theme, manager

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.widgets", _l("Widgets"), roles=("admin",), order=46, section="admin.widget")
]

VISIBILITY_CHOICES = [
    SelectChoice("all", _l("Everywhere")),
    SelectChoice("articles", _l("Only on articles")),
    SelectChoice("pages", _l("Only on pages")),
    SelectChoice("categories", _l("Only in the chosen categories")),
]


class InstanceForm(FlaskForm):
    """Where and how a placed widget shows."""

    title = StringField(_l("Title"), validators=[Length(max=placement.TITLE_MAX)])
    region = SelectField(_l("Region"))
    visibility = SelectField(_l("Show"), choices=VISIBILITY_CHOICES, default="all")
    categories = SelectMultipleField(_l("Categories"), coerce=coerce_id)


def _theme_arg() -> str:
    theme = request.values.get("theme") or active_theme()
    if theme not in manager().themes:
        abort(404)
    return theme


def _instance(instance_id: int) -> WidgetInstance:
    instance = db.session.get(WidgetInstance, instance_id)
    if instance is None:
        abort(404)
    return instance


@bp.route("/widgets")
@role_required("admin")
def widgets() -> Any:
    """Each region of a theme with its widgets in order, and what can be added."""
    theme = _theme_arg()
    regions = [(r, placement.instances(theme, r)) for r in manager().themes[theme].regions]
    plugins = registry()
    return render_template(
        "admin/widgets/index.html",
        theme=manager().themes[theme],
        themes=sorted(manager().themes),
        regions=regions,
        types=placement.widget_types(),
        enabled=set(plugins.enabled_names()),
    )


@bp.route("/widgets/add", methods=["POST"])
@role_required("admin")
def widget_add() -> Any:
    """Place a new widget last in a region, then open its settings."""
    theme = _theme_arg()
    try:
        instance = placement.add_instance(
            theme, request.form.get("region", ""), request.form.get("widget_type", "")
        )
    except ContentError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return redirect(url_for("admin.widgets", theme=theme))
    db.session.flush()
    record(
        "widget.add",
        instance,
        _("Widget %(type)s placed in %(region)s", type=instance.full_type, region=instance.region),
    )
    db.session.commit()
    flash(_("Widget added. Adjust its settings below."), "success")
    return redirect(url_for("admin.widget_edit", instance_id=instance.id))


@bp.route("/widgets/<int:instance_id>", methods=["GET", "POST"])
@role_required("admin")
def widget_edit(instance_id: int) -> Any:
    """Title, region, visibility and the widget type's own settings."""
    instance = _instance(instance_id)
    widget = registry().widget_class(instance.plugin, instance.widget_type)
    theme = manager().themes.get(instance.theme)
    form = InstanceForm(
        obj=None,
        data={
            "title": instance.title,
            "region": instance.region,
            "visibility": instance.visibility,
            "categories": list(instance.category_ids or []),
        },
    )
    form.region.choices = [SelectChoice(r) for r in (theme.regions if theme else [instance.region])]
    form.categories.choices = [SelectChoice(str(c.id), c.name) for c in all_categories()]
    settings_form = None
    if widget is not None and widget.settings_form is not None:
        settings_form = widget.settings_form(
            prefix="settings",
            meta={"csrf": False},
            data={**widget.default_settings, **(instance.settings or {})},
        )
    if request.method == "POST":
        valid = form.validate_on_submit()
        if settings_form is not None:
            checked = settings_form.validate()
            valid = refuse_unicode_numbers(settings_form) and checked and valid
        if valid:
            fields: dict[str, Any] = {
                "title": form.title.data or "",
                "region": form.region.data,
                "visibility": form.visibility.data,
                "category_ids": list(form.categories.data or []),
            }
            if settings_form is not None:
                fields["settings"] = form_values(settings_form)
            try:
                placement.update_instance(instance, **fields)
            except ContentError as exc:
                db.session.rollback()
                for name, message in exc.errors.items():
                    target = {"category_ids": "categories"}.get(name, name)
                    if target in form._fields:
                        form[target].errors = [message]
                    else:
                        flash(message, "error")
            else:
                record("widget.update", instance, _("Widget %(id)d changed", id=instance.id))
                db.session.commit()
                flash(_("Widget saved."), "success")
                return redirect(url_for("admin.widgets", theme=instance.theme))
    return render_template(
        "admin/widgets/edit.html",
        instance=instance,
        widget=widget,
        form=form,
        settings_form=settings_form,
    ), form_status()


@bp.route("/widgets/<int:instance_id>/delete", methods=["POST"])
@role_required("admin")
def widget_delete(instance_id: int) -> Any:
    """Remove a placed widget."""
    instance = _instance(instance_id)
    theme = instance.theme
    record("widget.delete", instance, _("Widget %(id)d removed", id=instance.id))
    placement.delete_instance(instance)
    db.session.commit()
    flash(_("Widget removed."), "success")
    return redirect(url_for("admin.widgets", theme=theme))


@bp.route("/widgets/<int:instance_id>/move", methods=["POST"])
@role_required("admin")
def widget_move(instance_id: int) -> Any:
    """Move a widget up or down in its region (the keyboard and no-JavaScript way)."""
    instance = _instance(instance_id)
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400)
    placement.move(instance, offset)
    db.session.commit()
    return redirect(url_for("admin.widgets", theme=instance.theme) + f"#widget-{instance.id}")


@bp.route("/widgets/reorder", methods=["POST"])
@role_required("admin")
def widget_reorder() -> Any:
    """Save a region's order after drag-and-drop: ``{"theme", "region", "ids": [...]}``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("ids"), list):
        return jsonify(
            error={"code": "bad_request", "message": _("Send the region's widget ids in order.")}
        ), 400
    try:
        ids = [int(i) for i in data["ids"]]
        placement.reorder(str(data.get("theme", "")), str(data.get("region", "")), ids)
    except (ValueError, TypeError, ContentError):
        db.session.rollback()
        return jsonify(
            error={
                "code": "invalid",
                "message": _("The order must list every widget of the region once."),
            }
        ), 400
    db.session.commit()
    return jsonify(ok=True, ids=ids)
