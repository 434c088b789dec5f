"""Column types shared by the models, and the characters no stored text may hold."""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import DateTime, event, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session
from sqlalchemy.types import TypeDecorator

log = logging.getLogger(__name__)


def _forbidden_class() -> str:
    # Noncharacters of the supplementary planes: U+1FFFE, U+1FFFF ... U+10FFFE, U+10FFFF.
    planes = "".join(
        f"{chr(p * 0x10000 + 0xFFFE)}{chr(p * 0x10000 + 0xFFFF)}" for p in range(1, 17)
    )
    return "[" + _BMP_CLASS + planes + "]"


_BMP_CLASS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"

#: Characters never stored. XML 1.0 (section 2.2, ``Char``) forbids C0 controls other
#: than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF, so a text holding one
#: cannot go into a feed or a sitemap; DEL, C1 controls and the other noncharacters,
#: which the same section discourages, go too. PostgreSQL refuses U+0000 in text.
#: The definition; :func:`has_forbidden` and :func:`strip_forbidden` give the same
#: answers faster (a class with astral members makes ``re`` scan slowly).
FORBIDDEN_CHARS = re.compile(_forbidden_class())
#: The Basic Multilingual Plane part of :data:`FORBIDDEN_CHARS`, and any astral character.
_BMP_FORBIDDEN = re.compile("[" + _BMP_CLASS + "]")
_ASTRAL = re.compile("[\U00010000-\U0010ffff]")
#: Highest Unicode code point.
MAX_CODE_POINT = 0x10FFFF
#: A numeric character reference (HTML lets the final ``;`` be left out; XML does not).
_HTML_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));?")
_XML_REFERENCE = re.compile(r"&#(?:[xX]([0-9a-fA-F]+)|([0-9]+));")


def is_forbidden_code_point(code: int) -> bool:
    """Whether code point ``code`` is in :data:`FORBIDDEN_CHARS` or is no code point at all."""
    if code < 0 or code > MAX_CODE_POINT:
        return True
    if code > 0xFFFF:  # beyond the BMP only the noncharacters U+xFFFE and U+xFFFF
        return code & 0xFFFE == 0xFFFE
    return _BMP_FORBIDDEN.match(chr(code)) is not None


def _astral(match: re.Match[str]) -> str:
    return "" if is_forbidden_code_point(ord(match.group(0))) else match.group(0)


def has_forbidden(value: str) -> bool:
    """Whether ``value`` holds a character of :data:`FORBIDDEN_CHARS`."""
    if _BMP_FORBIDDEN.search(value):
        return True
    if value.isascii():
        return False
    return any(is_forbidden_code_point(ord(m.group(0))) for m in _ASTRAL.finditer(value))


def strip_forbidden(value: str) -> str:
    """``value`` without the characters of :data:`FORBIDDEN_CHARS` (nothing else changes)."""
    value = _BMP_FORBIDDEN.sub("", value)
    if not value.isascii():
        value = _ASTRAL.sub(_astral, value)
    return value


def strip_forbidden_references(text: str, *, html: bool = False) -> str:
    """``text`` without numeric character references to forbidden characters.

    ``&#16;``, ``&#xFFFE;``, ``&#0;``, a surrogate or anything past U+10FFFF go;
    other references stay as written. With ``html`` the rules of the HTML
    parser apply (WHATWG "numeric character reference end state"): the final
    ``;`` is optional, and ``&#x80;``-``&#x9F;`` stand for windows-1252
    characters (``&#x80;`` is the euro sign), so they stay. Overlong digit
    strings are never converted to a number.
    """

    def replace(match: re.Match[str]) -> str:
        hex_digits, digits = match.groups()
        raw = (hex_digits or digits).lstrip("0") or "0"
        if len(raw) > 8:  # far past U+10FFFF
            return ""
        code = int(raw, 16 if hex_digits else 10)
        if html and 0x80 <= code <= 0x9F:
            return match.group(0)
        return "" if is_forbidden_code_point(code) else match.group(0)

    if "&#" not in text:
        return text
    return (_HTML_REFERENCE if html else _XML_REFERENCE).sub(replace, text)


def strip_forbidden_deep(value: Any) -> Any:
    """:func:`strip_forbidden` on every string of a JSON-like value (keys included).

    Dicts, lists and tuples are rebuilt (tuples as lists); other values are returned as is.
    """
    if isinstance(value, str):
        return strip_forbidden(value)
    if isinstance(value, Mapping):
        return {strip_forbidden_deep(k): strip_forbidden_deep(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [strip_forbidden_deep(v) for v in value]
    return value


def _clean_flushed_objects(session: Session, _context: Any, _instances: Any) -> None:
    """Before every ORM flush: clean each loaded text or JSON column of new and changed rows."""
    for obj in (*session.new, *session.dirty):
        state = inspect(obj)
        loaded = state.dict
        for prop in state.mapper.column_attrs:
            key = prop.key
            value = loaded.get(key)
            if isinstance(value, str | Mapping | list):
                cleaned = strip_forbidden_deep(value)
                if cleaned != value:
                    log.info("forbidden characters removed from %s.%s", type(obj).__name__, key)
                    setattr(obj, key, cleaned)


def _clean_row(row: Any) -> Any:
    values = row.values() if isinstance(row, Mapping) else row
    if not isinstance(values, list | tuple) and not isinstance(row, Mapping):
        return row
    if not any(isinstance(v, str) and has_forbidden(v) for v in values):
        return row
    if isinstance(row, Mapping):
        return {k: strip_forbidden(v) if isinstance(v, str) else v for k, v in row.items()}
    return type(row)(strip_forbidden(v) if isinstance(v, str) else v for v in row)


def _clean_written_parameters(
    _conn: Any,
    _cursor: Any,
    statement: str,
    parameters: Any,
    context: Any,
    executemany: bool,
) -> tuple[str, Any]:
    """Before an INSERT or UPDATE reaches the driver: clean its string parameters."""
    if context is None or not (context.isinsert or context.isupdate):
        return statement, parameters
    if executemany and isinstance(parameters, list | tuple):
        return statement, type(parameters)(_clean_row(row) for row in parameters)
    return statement, _clean_row(parameters)


def install_storage_guard(engine: Engine) -> None:
    """Make sure no write through ``engine`` or any ORM session stores a forbidden character.

    Two layers, so that a column added later cannot forget the rule: an ORM
    ``before_flush`` hook cleans every string and JSON value of every model
    (core and plugins alike), and an engine ``before_cursor_execute`` hook
    cleans the string parameters of every INSERT and UPDATE, Core statements
    included. The content services clean text earlier (NFC, white space); these
    hooks are the last line of defence. Safe to call more than once.
    """
    if not event.contains(Session, "before_flush", _clean_flushed_objects):
        event.listen(Session, "before_flush", _clean_flushed_objects)
    if not event.contains(engine, "before_cursor_execute", _clean_written_parameters):
        event.listen(engine, "before_cursor_execute", _clean_written_parameters, retval=True)


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores naive UTC on every database and always returns aware UTC datetimes."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        """Convert an aware datetime to naive UTC; naive values are taken as UTC already."""
        if value is None:
            return None
        if value.tzinfo is not None:
            value = value.astimezone(UTC).replace(tzinfo=None)
        return value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        """Attach the UTC zone to what the database returns."""
        if value is None:
            return None
        if isinstance(value, str):  # raw SQLite text, e.g. from a hand-written query
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
