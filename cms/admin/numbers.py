"""Whole numbers and ids typed into back-office forms: ASCII digits only.

Python's ``int()`` reads any Unicode decimal digit (Arabic-Indic ``١``,
full-width ``１``), and ``str.isdigit()`` also says yes to ``²`` and ``①``,
which ``int()`` then refuses with an exception. The core reads every id and
number from text with the same rule as :func:`cms.paging.parse_positive`:
ASCII digits, nothing else. The helpers here give forms that rule:

- :func:`parse_whole` and :func:`parse_id` read text;
- :class:`WholeNumberField` replaces WTForms' ``IntegerField``;
- :func:`coerce_id` replaces ``coerce=int`` on select fields;
- :func:`refuse_unicode_numbers` checks a form of any plugin (including one
  still using ``IntegerField``) before its values are stored.

A refused value is a translated field error, never a server error.
"""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import DecimalField, Field, FloatField, IntegerField

#: Largest id a row may have (PostgreSQL ``integer``).
MAX_ID = 2**31 - 1
#: A whole number as typed: an optional minus sign and 1 to 18 ASCII digits.
_WHOLE = re.compile(r"-?[0-9]{1,18}")
#: The message of text that is not a whole number.
NOT_A_NUMBER = _l("Enter a whole number, e.g. 10.")


def parse_whole(value: Any) -> int | None:
    """``value`` as an ``int`` when it is ASCII digits (an optional ``-`` first); else ``None``.

    Surrounding white space is ignored; an ``int`` passes as itself, a ``bool``
    is not a number.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    text = value.strip() if isinstance(value, str) else ""
    return int(text) if _WHOLE.fullmatch(text) else None


def parse_id(value: Any, maximum: int = MAX_ID) -> int | None:
    """``value`` as a row id (1 to ``maximum``, ASCII digits), or ``None``."""
    number = parse_whole(value)
    return number if number is not None and 0 < number <= maximum else None


def coerce_id(value: Any) -> int:
    """``coerce=`` for select fields offering ids: ASCII digits only, else ``ValueError``."""
    number = parse_whole(value)
    if number is None:
        raise ValueError(str(NOT_A_NUMBER))
    return number


class WholeNumberField(IntegerField):
    """An ``IntegerField`` that reads ASCII digits only, with a translated parse error."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the submitted text; keep the current value when nothing was sent."""
        if not valuelist:
            return
        self.data = parse_whole(str(valuelist[0]))
        if self.data is None:
            raise ValueError(str(NOT_A_NUMBER))


def _numeric(field: Field) -> bool:
    if isinstance(field, IntegerField | DecimalField | FloatField):
        return True
    return getattr(field, "coerce", None) in (int, float)


def refuse_unicode_numbers(form: Any) -> bool:
    """Add a field error to every number field whose submitted text is not ASCII.

    For settings forms of any plugin or widget, after ``validate()``: WTForms'
    number fields and ``coerce=int`` selects accept ``١`` or ``１`` as digits.
    Returns whether the form is still free of such input.
    """
    clean = True
    for field in form:
        raw = [str(value) for value in (getattr(field, "raw_data", None) or [])]
        if _numeric(field) and any(not value.isascii() for value in raw):
            if str(NOT_A_NUMBER) not in field.errors:
                field.errors = [*field.errors, str(NOT_A_NUMBER)]
            clean = False
    return clean
