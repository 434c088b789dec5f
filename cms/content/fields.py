"""Reading one text field of a service's input: cleaned as stored, and checked as stored.

Length limits apply to what is stored, counted in characters after NFC
normalisation (:func:`cms.content.text.clean_text`), and, for HTML, after
sanitizing: a body of a million ``<`` is stored as four million characters
(``&lt;``), so it is refused here rather than saved once and never again.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import format_number
from flask_babel import gettext as _

from cms.content.sanitize import sanitize_html_report
from cms.content.text import clean_text


def too_long_message(label: str, limit: int) -> str:
    """The message for a plain-text field over ``limit`` characters."""
    return _("%(field)s is too long (at most %(limit)d characters).", field=label, limit=limit)


def html_too_long_message(label: str, limit: int, length: int) -> str:
    """The message for an HTML field whose sanitized form is over ``limit`` characters."""
    return _(
        "%(field)s is too long once its HTML is cleaned: %(length)s characters, at most "
        "%(limit)s (each < or & written as text takes 4 or 5).",
        field=label,
        length=format_number(length),
        limit=format_number(limit),
    )


def foreign_image_message(src: str) -> str:
    """The message for an image whose source is neither this site's nor an allowed host's."""
    shown = src if len(src) <= 200 else src[:199] + "…"
    return _(
        "Images must come from this site's media library or from an allowed host; "
        "this one does not: %(src)s",
        src=shown,
    )


def text_field(
    data: Mapping[str, Any],
    key: str,
    errors: dict[str, str],
    *,
    label: str,
    limit: int,
    single_line: bool = True,
    html: bool = False,
) -> str | None:
    """The value of ``data[key]`` as it would be stored, or ``None`` when absent or refused.

    ``None`` in ``data`` counts as an empty string. A value that is not text,
    too long once cleaned (``html``: once sanitized) or, for ``html``, holding
    an image from a host that is not allowed puts a translated message in
    ``errors[key]`` and returns ``None``.
    """
    if key not in data:
        return None
    value = data[key]
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors[key] = _("%(field)s must be text.", field=label)
        return None
    if html:
        stored, dropped = sanitize_html_report(value)
        if dropped:
            errors[key] = foreign_image_message(dropped[0])
            return None
        if len(stored) > limit:
            errors[key] = html_too_long_message(label, limit, len(stored))
            return None
        return stored
    stored = clean_text(value, single_line=single_line)
    if len(stored) > limit:
        errors[key] = too_long_message(label, limit)
        return None
    return stored
