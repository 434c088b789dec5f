"""Site settings: stored in the database, with defaults from the configuration.

Each process holds the stored settings between requests and reads them again
only when the ``settings`` generation counter moves (:mod:`cms.generations`),
which every write to the ``setting`` table does in its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from flask import current_app, g, has_app_context
from sqlalchemy import select

from cms import generations
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
    "favicon_id": None,
}


def _load() -> Mapping[str, Any]:
    """The stored settings: held by the process, looked up once per request (``g``)."""
    if has_app_context() and "cms_settings" in g:
        return g.cms_settings
    values = generations.held("settings", (generations.SETTINGS,), _read)
    if has_app_context():
        g.cms_settings = values
    return values


def _read() -> Mapping[str, Any]:
    """Every stored setting, read-only (one query)."""
    return MappingProxyType(dict(db.session.execute(select(Setting.key, Setting.value)).all()))


def get_setting(key: str, default: Any = None) -> Any:
    """Return a site setting: the stored value, else its configured default, else ``default``."""
    stored = _load()
    if key in stored and stored[key] not in (None, ""):
        return stored[key]
    if key in DEFAULTS_FROM_CONFIG:
        return current_app.config.get(DEFAULTS_FROM_CONFIG[key], default)
    return STATIC_DEFAULTS.get(key, default)


def set_setting(key: str, value: Any) -> None:
    """Store a site setting (the caller commits).

    The request sees the new value at once; every worker once the change is
    committed (its flush moves the ``settings`` counter).
    """
    row = db.session.get(Setting, key)
    if row is None:
        db.session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if has_app_context():
        g.pop("cms_settings", None)
    generations.forget()


def all_settings() -> dict[str, Any]:
    """Every known setting with its effective value."""
    keys = list(DEFAULTS_FROM_CONFIG) + list(STATIC_DEFAULTS) + list(_load())
    return {key: get_setting(key) for key in dict.fromkeys(keys)}
