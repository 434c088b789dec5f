"""Back office: the site settings (name, language, time zone, addresses, contact, uploads)."""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import refresh
from sqlalchemy import select
from wtforms import SelectChoice

from cms import generations, page_cache
from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.admin.settings_forms import SettingsForm
from cms.audit import record
from cms.content.media import media_name
from cms.content.site import get_setting, set_setting
from cms.content.upload_limits import SETTING_DEFAULTS
from cms.extensions import db
from cms.form_status import form_status
from cms.models import Media

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.settings", _l("Settings"), roles=("admin",), order=80, section="admin.settings")
]

#: The settings this screen edits; each is a field of :class:`SettingsForm`.
KEYS = (
    "site_name",
    "site_description",
    "logo_id",
    "favicon_id",
    "locale",
    "timezone",
    "article_prefix",
    "category_prefix",
    "per_page",
    "contact_address",
    "contact_phone",
    "contact_email",
    "page_cache",
    *SETTING_DEFAULTS,
)
#: Values of settings this screen edits that nothing stored yet.
DEFAULTS = {**SETTING_DEFAULTS, "page_cache": True}

#: Most images offered as the logo (the newest; the current logo is always offered).
LOGO_CHOICES_MAX = 500


def current_settings() -> dict[str, Any]:
    """The effective value of every setting this screen edits (upload limits: their defaults)."""
    return {key: get_setting(key, DEFAULTS.get(key)) for key in KEYS}


def save_settings(values: dict[str, Any]) -> dict[str, list[Any]]:
    """Store the settings of ``values`` whose value changed (the caller commits).

    Returns setting -> ``[old, new]`` for what changed. Cached widget HTML is
    invalidated, since widgets show URLs, dates and names built from settings.
    """
    current = current_settings()
    changes = {
        key: [current.get(key), value]
        for key, value in values.items()
        if key in KEYS and current.get(key) != value
    }
    for key, (_old, new) in changes.items():
        set_setting(key, new)
    if changes:
        generations.bump(generations.WIDGETS)
    return changes


def _media_choices(current: Any, none_label: str) -> list[SelectChoice]:
    """Newest images (:data:`LOGO_CHOICES_MAX`, ``current`` always), after ``none_label``."""
    rows = list(
        db.session.execute(
            select(Media).order_by(Media.created_at.desc(), Media.id.desc()).limit(LOGO_CHOICES_MAX)
        ).scalars()
    )
    if current and all(m.id != current for m in rows):
        chosen = db.session.get(Media, current)
        if chosen is not None:
            rows.insert(0, chosen)
    choices = [SelectChoice("", none_label)]
    choices.extend(SelectChoice(str(m.id), f"{media_name(m)} (#{m.id})") for m in rows)
    return choices


@bp.route("/settings", methods=["GET", "POST"])
@role_required("admin")
def settings() -> Any:
    """The site settings form; only changed values are stored, each change is audited."""
    current = current_settings()
    form = SettingsForm(data=current)
    form.logo_id.choices = _media_choices(current.get("logo_id"), _("No logo"))
    form.favicon_id.choices = _media_choices(current.get("favicon_id"), _("The default icon"))
    if form.validate_on_submit():
        changes = save_settings(form.values())
        if not changes:
            flash(_("Nothing changed."), "info")
            return redirect(url_for("admin.settings"))
        keys = sorted(changes)
        record(
            "settings.update",
            None,
            _("Changed settings: %(keys)s", keys=", ".join(keys)),
            keys=keys,
            changes={key: changes[key] for key in keys},
        )
        db.session.commit()
        g.pop("cms_locale", None)  # the message below is already in the new language
        refresh()
        flash(_("Settings saved."), "success")
        return redirect(url_for("admin.settings"))
    if form.errors:
        flash(_("Some values need correcting; nothing was saved."), "error")
    return render_template("admin/settings.html", form=form), form_status()


@bp.route("/settings/page-cache/clear", methods=["POST"])
@role_required("admin")
def page_cache_clear() -> Any:
    """Drop every cached page (audited): for a change the CMS cannot see, such as edited files."""
    try:
        dropped = page_cache.clear()
    except page_cache.CacheUnavailable:
        flash(_("The page cache cannot be reached; cached pages expire on their own."), "error")
        return redirect(url_for("admin.settings"))
    record("page_cache.clear", None, _("Cleared the page cache"), dropped=dropped)
    db.session.commit()
    flash(_("The page cache was cleared: readers get freshly rendered pages."), "success")
    return redirect(url_for("admin.settings"))
