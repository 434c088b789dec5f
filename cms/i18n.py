"""Locale and time zone selection, and locale-aware template filters."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask, current_app, g, has_request_context
from flask_babel import format_date, format_datetime, format_decimal, get_babel, get_locale
from sqlalchemy.exc import SQLAlchemyError

from cms.extensions import babel


def select_locale() -> str:
    """The site locale: the stored setting, else ``CMS_LOCALE``."""
    if has_request_context() and "cms_locale" in g:
        return g.cms_locale
    locale = _setting("locale", current_app.config["LOCALE"])
    if locale not in current_app.config["LOCALES"]:
        locale = current_app.config["LOCALE"]
    if has_request_context():
        g.cms_locale = locale
    return locale


def select_timezone() -> str:
    """The site time zone: the stored setting, else ``CMS_TIMEZONE``."""
    return _setting("timezone", current_app.config["TIMEZONE"])


def _setting(key: str, fallback: str) -> str:
    from cms.content.site import get_setting  # the content layer imports this module

    try:
        return get_setting(key) or fallback
    except SQLAlchemyError:  # before `cms init` has created the tables
        return fallback


def number(value: Any, digits: int | None = None) -> str:
    """Format a number for the active locale (``vi``: ``2.194.387``, ``4,3``)."""
    if value is None:
        return ""
    if digits is not None:
        return format_decimal(
            round(value, digits), format=f"#,##0.{'#' * digits}" if digits else "#,##0"
        )
    return format_decimal(value)


#: How each locale writes a date and a date with time by default (CLDR patterns).
DATE_FORMATS = {"vi": "dd/MM/yyyy", "en": "d MMM yyyy"}
DATETIME_FORMATS = {"vi": "dd/MM/yyyy HH:mm", "en": "d MMM yyyy, HH:mm"}


def date(value: datetime | None, fmt: str | None = None) -> str:
    """Format a date in the site time zone and locale (``14/05/2020`` in vi)."""
    if not value:
        return ""
    return format_date(value, fmt or DATE_FORMATS.get(select_locale(), "medium"))


def datetime_(value: datetime | None, fmt: str | None = None) -> str:
    """Format a date and time in the site time zone and locale (``14/05/2020 10:13`` in vi)."""
    if not value:
        return ""
    return format_datetime(value, fmt or DATETIME_FORMATS.get(select_locale(), "medium"))


def add_translation_directory(app: Flask, folder: Path) -> None:
    """Merge the catalogues in ``folder`` (``<locale>/LC_MESSAGES/messages.mo``) into the site's.

    Used for each plugin's ``translations/`` folder. All catalogues share the
    default ``messages`` domain; Flask-Babel merges them in order, and the
    folder goes before the core's so a plugin adds strings but never changes
    a string of the core.
    """
    directories: list[str] = get_babel(app).translation_directories
    resolved = str(Path(folder).resolve())
    if resolved not in directories:
        directories.insert(max(len(directories) - 1, 0), resolved)
    with app.app_context():  # catalogues already merged are stale
        babel.domain_instance.cache.clear()


def init_app(app: Flask) -> None:
    """Bind Flask-Babel and register the ``number``, ``date`` and ``datetime`` filters."""
    babel.init_app(app, locale_selector=select_locale, timezone_selector=select_timezone)
    app.add_template_filter(number, "number")
    app.add_template_filter(date, "date")
    app.add_template_filter(datetime_, "datetime")
    app.add_template_global(lambda: str(get_locale() or app.config["LOCALE"]), "current_locale")
