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
from cms.content.articles import latest_articles
from cms.content.errors import ContentError
from cms.content.taxonomy import all_categories
from cms.extensions import db
from cms.form_status import form_status
from cms.models import WidgetInstance
from cms.plugins import placement, registry
from cms.public.urls import article_url
from cms.themes import active_theme, manager
from cms.themes.manifest import Theme
from cms.themes.texts import AREAS

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
    visibility = SelectField(_l("Where it shows"), choices=VISIBILITY_CHOICES, default="all")
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


#: The page map's areas, in reading order.
AREAS_ORDER = AREAS


def preview_url(region: str) -> str:
    """A public page where ``region`` shows: the newest article for ``article_footer``, else home.

    The page shows the active theme, whichever theme the screen edits.
    """
    if region == "article_footer":
        newest = latest_articles(limit=1)
        if newest:
            return article_url(newest[0])
    return url_for("public.home")


def _region_title(theme_name: str, region: str) -> str:
    theme = manager().themes.get(theme_name)
    return theme.region(region).title if theme is not None else region


def _back_to(theme: str, region: str, anchor: str = "") -> str:
    """The widgets screen after a change in ``region``, offering to see the page."""
    return url_for("admin.widgets", theme=theme, changed=region) + (anchor or f"#region-{region}")


@bp.route("/widgets")
@role_required("admin")
def widgets() -> Any:
    """A map of the theme's page, each region with its widgets in order, and what can be added."""
    theme = _theme_arg()
    found: Theme = manager().themes[theme]
    regions = [(found.region(r), placement.instances(theme, r)) for r in found.regions]
    plugins = registry()
    changed = request.args.get("changed", "")
    return render_template(
        "admin/widgets/index.html",
        theme=found,
        themes=sorted(manager().themes.values(), key=lambda t: str(t.title).casefold()),
        regions=regions,
        areas={area: [r for r, _items in regions if r.area == area] for area in AREAS_ORDER},
        types=placement.widget_types(),
        enabled=set(plugins.enabled_names()),
        name_of=placement.instance_name,
        type_of=placement.type_title,
        changed=found.region(changed) if changed in found.regions else None,
        preview_url=preview_url,
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
        _(
            "Widget “%(name)s” placed in “%(region)s”",
            name=placement.type_title(instance.full_type),
            region=_region_title(theme, instance.region),
        ),
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
    form.region.choices = [
        SelectChoice(r, theme.region(r).title if theme else r)
        for r in (theme.regions if theme else [instance.region])
    ]
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
                record(
                    "widget.update",
                    instance,
                    _(
                        "Widget “%(name)s” in “%(region)s” changed",
                        name=placement.instance_name(instance),
                        region=_region_title(instance.theme, instance.region),
                    ),
                )
                db.session.commit()
                flash(
                    _("Widget “%(name)s” saved.", name=placement.instance_name(instance)), "success"
                )
                return redirect(_back_to(instance.theme, instance.region))
    return render_template(
        "admin/widgets/edit.html",
        instance=instance,
        widget=widget,
        form=form,
        settings_form=settings_form,
        name=placement.instance_name(instance),
        type_name=placement.type_title(instance.full_type),
        theme=theme,
    ), form_status()


@bp.route("/widgets/<int:instance_id>/delete", methods=["POST"])
@role_required("admin")
def widget_delete(instance_id: int) -> Any:
    """Remove a placed widget."""
    instance = _instance(instance_id)
    theme, region, name = instance.theme, instance.region, placement.instance_name(instance)
    record(
        "widget.delete",
        instance,
        _(
            "Widget “%(name)s” removed from “%(region)s”",
            name=name,
            region=_region_title(theme, region),
        ),
    )
    placement.delete_instance(instance)
    db.session.commit()
    flash(_("Widget “%(name)s” removed.", name=name), "success")
    return redirect(_back_to(theme, region))


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
    order = [w.id for w in placement.instances(instance.theme, instance.region)]
    flash(
        _(
            "“%(name)s” is now %(position)s of %(count)s in “%(region)s”.",
            name=placement.instance_name(instance),
            position=order.index(instance.id) + 1,
            count=len(order),
            region=_region_title(instance.theme, instance.region),
        ),
        "success",
    )
    return redirect(_back_to(instance.theme, instance.region, f"#widget-{instance.id}"))


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
    return jsonify(ok=True, ids=ids, preview_url=preview_url(str(data.get("region", ""))))
