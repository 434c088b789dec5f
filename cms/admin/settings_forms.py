"""The site settings form and the rules of its values."""

from __future__ import annotations

import re
import zoneinfo
from functools import cache
from typing import Any

import pytz
from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, StopValidation, ValidationError

from cms.admin.forms import StoredLength, clean_block, clean_line
from cms.admin.numbers import WholeNumberField, parse_whole
from cms.admin.user_forms import valid_email
from cms.content.slugs import RESERVED_SLUGS
from cms.extensions import db
from cms.models import Media

#: Names of the languages offered, each written in itself.
LOCALE_NAMES = {"vi": "Tiếng Việt", "en": "English"}

#: First path segments an article or category prefix may never take: the site's own routes
#: (the same words page slugs avoid).
RESERVED_PREFIXES = RESERVED_SLUGS

#: A URL prefix: lowercase letters and digits, words joined by single hyphens.
PREFIX_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
#: Longest URL prefix.
PREFIX_MAX = 40
#: Items per page allowed on listings.
PER_PAGE_RANGE = (1, 100)
#: What a contact phone number may contain.
PHONE_RE = re.compile(r"^[0-9+().\-/ ]*$")
#: Uploads per user and window allowed (0: no rate limit).
UPLOAD_RATE_COUNT_RANGE = (0, 100_000)
#: Length of the upload rate's window, in minutes (a minute to a day).
UPLOAD_RATE_MINUTES_RANGE = (1, 1440)
#: Storage quota per user, in MB (0: none; at most 10 TB).
UPLOAD_QUOTA_MB_RANGE = (0, 10 * 1024 * 1024)


@cache
def timezone_names() -> tuple[str, ...]:
    """Time zones offered, sorted: the IANA names both ``zoneinfo`` and pytz know.

    Flask-Babel formats dates through pytz, so a name only ``zoneinfo`` has (such
    as ``localtime`` or ``Factory``) would break every page that shows a date.
    """
    return tuple(sorted(zoneinfo.available_timezones() & pytz.all_timezones_set))


def reserved_prefixes() -> frozenset[str]:
    """:data:`RESERVED_PREFIXES` plus the first segment of every fixed route of the app.

    So a plugin's routes (``/links/...``) cannot be shadowed by a prefix either.
    """
    segments = set(RESERVED_PREFIXES)
    for rule in current_app.url_map.iter_rules():
        first = rule.rule.lstrip("/").split("/", 1)[0]
        if first and "<" not in first:
            segments.add(first)
    return frozenset(segments)


def _strip(value: Any) -> Any:
    """One line of text as stored: NFC, no control characters, white space collapsed."""
    return clean_line(value)


def _lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def _optional_id(value: Any) -> int | None:
    """``""``/``None`` -> ``None``; a number -> ``int``; anything else -> ``0`` (no such row)."""
    if value in (None, ""):
        return None
    number = parse_whole(value)
    return number if number is not None else 0


def url_prefix(form: FlaskForm, field: Field) -> None:
    """WTForms validator: a slug-like URL prefix that no route of the site uses."""
    value = field.data or ""
    if not value:
        raise StopValidation(_l("Enter a URL prefix."))
    if len(value) > PREFIX_MAX or not PREFIX_RE.match(value):
        raise StopValidation(
            _l(
                "Use 1 to %(max)d lowercase letters (a-z), digits and single hyphens, "
                "e.g. tin-tuc.",
                max=PREFIX_MAX,
            )
        )
    if value in reserved_prefixes():
        raise StopValidation(
            _l("“%(prefix)s” is used by the site itself; choose another prefix.", prefix=value)
        )


class NumberBetween:
    """WTForms validator: a whole number within ``low..high`` (and the field is required)."""

    field_flags = {"required": True}

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Refuse a missing or out-of-range number (after a parse error: nothing more)."""
        if field.process_errors:
            raise StopValidation()
        if field.data is None or not self.low <= field.data <= self.high:
            raise StopValidation(
                _l("Use a number from %(low)d to %(high)d.", low=self.low, high=self.high)
            )


def _one_of_timezones(form: FlaskForm, field: Field) -> None:
    if field.data not in timezone_names():
        raise ValidationError(_l("Choose a time zone from the list."))


def _one_of_locales(form: FlaskForm, field: Field) -> None:
    if field.data not in current_app.config["LOCALES"]:
        raise ValidationError(_l("Choose a language from the list."))


def _valid_phone(form: FlaskForm, field: Field) -> None:
    if field.data and not PHONE_RE.match(field.data):
        raise ValidationError(_l("Use digits, spaces and + ( ) . - / only."))


class _ExistingMedia:
    """WTForms validator: the chosen id (or ``None``) names an image of the media library."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: FlaskForm, field: Field) -> None:
        if field.data is not None and db.session.get(Media, field.data) is None:
            raise ValidationError(self.message)


def _max(length: int, *, single_line: bool = True) -> StoredLength:
    return StoredLength(
        length, _l("Use at most %(max)d characters.", max=length), single_line=single_line
    )


class SettingsForm(FlaskForm):
    """The site settings; each field is named after the setting it stores."""

    site_name = StringField(
        _l("Site name"),
        filters=[_strip],
        validators=[DataRequired(message=_l("Enter the name of the site.")), _max(200)],
    )
    site_description = TextAreaField(
        _l("Description"),
        filters=[clean_block],
        validators=[_max(500, single_line=False)],
        render_kw={"rows": 3},
    )
    logo_id = SelectField(
        _l("Logo"),
        coerce=_optional_id,
        validate_choice=False,
        validators=[_ExistingMedia(_l("Choose an image from the list, or no logo."))],
    )
    favicon_id = SelectField(
        _l("Site icon (favicon)"),
        coerce=_optional_id,
        validate_choice=False,
        validators=[_ExistingMedia(_l("Choose an image from the list, or the default icon."))],
    )
    locale = SelectField(
        _l("Language"),
        choices=[],
        validate_choice=False,
        validators=[_one_of_locales],
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=[],
        validate_choice=False,
        validators=[_one_of_timezones],
    )
    article_prefix = StringField(
        _l("Article URL prefix"),
        filters=[_strip],
        validators=[url_prefix],
        render_kw={"maxlength": PREFIX_MAX, "autocapitalize": "none", "spellcheck": "false"},
    )
    category_prefix = StringField(
        _l("Category URL prefix"),
        filters=[_strip],
        validators=[url_prefix],
        render_kw={"maxlength": PREFIX_MAX, "autocapitalize": "none", "spellcheck": "false"},
    )
    per_page = WholeNumberField(
        _l("Items per page"),
        validators=[NumberBetween(*PER_PAGE_RANGE)],
        render_kw={"min": PER_PAGE_RANGE[0], "max": PER_PAGE_RANGE[1]},
    )
    contact_address = StringField(_l("Address"), filters=[_strip], validators=[_max(300)])
    contact_phone = StringField(
        _l("Phone"),
        filters=[_strip],
        validators=[_max(40), _valid_phone],
        render_kw={"type": "tel", "autocomplete": "off"},
    )
    contact_email = StringField(
        _l("Email"),
        filters=[_strip, _lower],
        validators=[_max(254), valid_email],
        render_kw={"type": "email"},
    )

    upload_rate_count = WholeNumberField(
        _l("Images per user"),
        validators=[NumberBetween(*UPLOAD_RATE_COUNT_RANGE)],
        render_kw={"min": UPLOAD_RATE_COUNT_RANGE[0], "max": UPLOAD_RATE_COUNT_RANGE[1]},
    )
    upload_rate_minutes = WholeNumberField(
        _l("Every (minutes)"),
        validators=[NumberBetween(*UPLOAD_RATE_MINUTES_RANGE)],
        render_kw={"min": UPLOAD_RATE_MINUTES_RANGE[0], "max": UPLOAD_RATE_MINUTES_RANGE[1]},
    )
    upload_quota_mb = WholeNumberField(
        _l("Storage quota per user (MB)"),
        validators=[NumberBetween(*UPLOAD_QUOTA_MB_RANGE)],
        render_kw={"min": UPLOAD_QUOTA_MB_RANGE[0], "max": UPLOAD_QUOTA_MB_RANGE[1]},
    )

    page_cache = BooleanField(_l("Serve readers cached pages"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.timezone.choices = [
            SelectChoice(name, name.replace("_", " ")) for name in timezone_names()
        ]
        self.locale.choices = [
            SelectChoice(code, LOCALE_NAMES.get(code, code))
            for code in current_app.config["LOCALES"]
        ]

    def validate_category_prefix(self, field: Field) -> None:
        """The article and category prefixes must differ."""
        if field.data and field.data == self.article_prefix.data and not field.errors:
            raise ValidationError(_l("The article and category prefixes must differ."))

    def values(self) -> dict[str, Any]:
        """Setting key -> value to store, for every field of the form."""
        return {name: field.data for name, field in self._fields.items() if name != "csrf_token"}
