"""Site settings: stored in the database, with defaults from the configuration."""

from __future__ import annotations

from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy import select

from cms.extensions import db
from cms.models import Setting

#: Setting key -> configuration key that provides its default.
DEFAULTS_FROM_CONFIG = {
    "site_name": "SITE_NAME",
    "locale": "LOCALE",
    "timezone": "TIMEZONE",
    "theme": "THEME",
    "article_prefix": "ARTICLE_PREFIX",
    "category_prefix": "CATEGORY_PREFIX",
    "per_page": "PER_PAGE",
}

#: Settings with a fixed default.
STATIC_DEFAULTS: dict[str, Any] = {
    "site_description": "",
    "contact_address": "",
    "contact_phone": "",
    "contact_email": "",
    "logo_id": None,
}


def _load() -> dict[str, Any]:
    if has_app_context() and "cms_settings" in g:
        return g.cms_settings
    rows = db.session.execute(select(Setting.key, Setting.value)).all()
    values = dict(rows)
    if has_app_context():
        g.cms_settings = values
    return values


def get_setting(key: str, default: Any = None) -> Any:
    """Return a site setting: the stored value, else its configured default, else ``default``."""
    stored = _load()
    if key in stored and stored[key] not in (None, ""):
        return stored[key]
    if key in DEFAULTS_FROM_CONFIG:
        return current_app.config.get(DEFAULTS_FROM_CONFIG[key], default)
    return STATIC_DEFAULTS.get(key, default)


def set_setting(key: str, value: Any) -> None:
    """Store a site setting (the caller commits)."""
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if has_app_context():
        g.pop("cms_settings", None)


def all_settings() -> dict[str, Any]:
    """Every known setting with its effective value."""
    keys = list(DEFAULTS_FROM_CONFIG) + list(STATIC_DEFAULTS) + list(_load())
    return {key: get_setting(key) for key in dict.fromkeys(keys)}
