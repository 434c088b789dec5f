"""What the API accepts: request bodies, their fields, and query parameters.

Each resource's fields are declared once, as :class:`Field` objects. The same
declarations check incoming JSON (:func:`parse_fields`), map API names to the
service functions' names (``category`` -> ``category_id``) and produce the
JSON Schemas of the OpenAPI document (:mod:`cms.api.openapi`), so the
document and the checks cannot drift apart. The content services then apply
the rules that need the database (unknown ids, unique slugs, sanitizing).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, request
from flask_babel import gettext as _

from cms.api.errors import ApiError, bad_request, invalid
from cms.content import clean_text
from cms.content.text import stored_length
from cms.models import ARTICLE_STATUSES, PAGE_STATUSES
from cms.models.content import BODY_MAX, NAME_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX
from cms.paging import PAGE_MAX as PAGE_MAX  # re-exported for the OpenAPI document
from cms.paging import PER_PAGE_MAX as PER_PAGE_MAX
from cms.paging import parse_positive

#: Largest id the API looks up (ids are 32-bit integers in every supported database).
MAX_ID = 2**31 - 1
#: Range of ``position`` values (a 32-bit integer column).
POSITION_MIN, POSITION_MAX = -(2**31), 2**31 - 1
#: Default ``per_page`` of lists (the largest, ``PER_PAGE_MAX``, and the largest ``page``
#: number, ``PAGE_MAX``, are those of every paged list: :mod:`cms.paging`).
PER_PAGE_DEFAULT = 20
#: Longest search query, in characters.
QUERY_MAX = 200
#: Most tags on one article.
TAGS_MAX = 50  # the message "An article can have at most 50 tags." says so


#: Code points a character may take as sent: a Vietnamese letter typed in NFD is a base
#: letter, a vowel mark and a tone mark.
RAW_LENGTH_FACTOR = 3


def raw_limit(limit: int) -> int:
    """The most code points a text of ``limit`` stored characters is accepted with."""
    return limit * RAW_LENGTH_FACTOR


class Kind:
    """The type of a writable field: its JSON Schema and the check that matches it."""

    #: Whether ``null`` is accepted (and documented).
    nullable = False

    def base_schema(self) -> dict[str, Any]:
        """The JSON Schema of a non-null value."""
        raise NotImplementedError

    def schema(self) -> dict[str, Any]:
        """The JSON Schema of the field, ``null`` included when allowed."""
        schema = self.base_schema()
        if self.nullable:
            schema = dict(schema, type=[schema["type"], "null"])
        return schema

    def check(self, value: Any) -> str | None:
        """A translated message when ``value`` is not acceptable, else ``None``."""
        if value is None:
            return None if self.nullable else _("This field cannot be null.")
        return self.check_value(value)

    def check_value(self, value: Any) -> str | None:
        """Check a non-null value."""
        raise NotImplementedError


@dataclass(frozen=True)
class Text(Kind):
    """A string of at most ``max_length`` characters as stored (NFC, cleaned).

    Lengths are counted as :func:`cms.content.text.stored_length` counts them,
    so a title typed in NFD (up to three code points per Vietnamese letter) is
    measured by its letters. HTML is measured again by the content services
    once sanitized. JSON Schema's ``maxLength`` counts the code points sent,
    so the document gives :func:`raw_limit` there and the stored limit as
    ``x-maxLengthNFC``; both are checked.
    """

    max_length: int
    min_length: int = 0
    nullable: bool = False
    format: str | None = None
    #: Stored on one line (runs of white space collapsed); ``False`` for summaries and bodies.
    single_line: bool = True

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "string", "maxLength": ...}``."""
        schema: dict[str, Any] = {
            "type": "string",
            "maxLength": raw_limit(self.max_length),
            "x-maxLengthNFC": self.max_length,
        }
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.format:
            schema["format"] = self.format
        return schema

    def check_value(self, value: Any) -> str | None:
        """Text, within the length limits."""
        if not isinstance(value, str):
            return _("Must be text.")
        if len(value) < self.min_length:
            return _("This field is required.")  # blank text: the services say which field
        too_long = len(value) > raw_limit(self.max_length) or (
            stored_length(value, single_line=self.single_line) > self.max_length
        )
        if too_long:
            return _("Must be at most %(limit)d characters long.", limit=self.max_length)
        return None


@dataclass(frozen=True)
class Integer(Kind):
    """A whole number between ``minimum`` and ``maximum``."""

    minimum: int
    maximum: int
    nullable: bool = False

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "integer", "minimum": ..., "maximum": ...}``."""
        return {"type": "integer", "minimum": self.minimum, "maximum": self.maximum}

    def check_value(self, value: Any) -> str | None:
        """An int (not a bool, not a float) within range."""
        if isinstance(value, bool) or not isinstance(value, int):
            return _("Must be a whole number.")
        if not self.minimum <= value <= self.maximum:
            return _(
                "Must be between %(minimum)d and %(maximum)d.",
                minimum=self.minimum,
                maximum=self.maximum,
            )
        return None


@dataclass(frozen=True)
class Reference(Integer):
    """The id of another object, or ``null`` for none."""

    minimum: int = 1
    maximum: int = MAX_ID
    nullable: bool = True


@dataclass(frozen=True)
class Boolean(Kind):
    """``true`` or ``false``."""

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "boolean"}``."""
        return {"type": "boolean"}

    def check_value(self, value: Any) -> str | None:
        """A JSON boolean."""
        return None if isinstance(value, bool) else _("Must be true or false.")


@dataclass(frozen=True)
class Choice(Kind):
    """One of a fixed set of strings."""

    values: tuple[str, ...]

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "string", "enum": [...]}``."""
        return {"type": "string", "enum": list(self.values)}

    def check_value(self, value: Any) -> str | None:
        """One of :attr:`values`."""
        if value not in self.values:
            return _("Must be one of: %(values)s.", values=", ".join(self.values))
        return None


@dataclass(frozen=True)
class DateTime(Kind):
    """An ISO 8601 date and time (the services parse it; a time without offset is UTC)."""

    nullable: bool = True

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "string", "format": "date-time"}``."""
        return {"type": "string", "format": "date-time", "maxLength": 64}

    def check_value(self, value: Any) -> str | None:
        """A string; whether it is a real date and time is the service's check."""
        if not isinstance(value, str) or len(value) > 64:
            return _("The publish time is not a valid date and time.")
        return None


@dataclass(frozen=True)
class TagNames(Kind):
    """A list of tag names: at most ``max_items``, each at most ``max_length`` characters."""

    max_items: int
    max_length: int

    def base_schema(self) -> dict[str, Any]:
        """``{"type": "array", "items": {"type": "string"}}``."""
        return {
            "type": "array",
            "maxItems": self.max_items,
            "items": {
                "type": "string",
                "maxLength": raw_limit(self.max_length),
                "x-maxLengthNFC": self.max_length,
            },
        }

    def check_value(self, value: Any) -> str | None:
        """A list of strings within the limits."""
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return _("Tags must be a list of names.")
        if len(value) > self.max_items:
            return _("An article can have at most 50 tags.")
        if any(
            len(v) > raw_limit(self.max_length)
            or stored_length(v, single_line=True) > self.max_length
            for v in value
        ):
            return _("A tag is too long (at most %(limit)d characters).", limit=self.max_length)
        return None


@dataclass(frozen=True)
class Field:
    """One writable field of a resource."""

    #: The name in the API (JSON bodies, the OpenAPI document).
    name: str
    #: Its type and limits.
    kind: Kind
    #: What the service function calls it (default: :attr:`name`).
    target: str | None = None
    #: A short description for the OpenAPI document.
    description: str = ""
    #: Whether a create request must give it.
    required: bool = False

    @property
    def service_name(self) -> str:
        """The key :func:`parse_fields` passes to the service."""
        return self.target or self.name


@dataclass(frozen=True)
class Resource:
    """The writable fields of one kind of object."""

    #: Schema name in the OpenAPI document, e.g. ``Article``.
    name: str
    #: Its writable fields, in the order the document lists them.
    fields: tuple[Field, ...]
    #: Names of the service's fields that are not the API's (``category_id`` -> ``category``).
    aliases: dict[str, str] = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "aliases", {f.service_name: f.name for f in self.fields})

    def api_errors(self, errors: Mapping[str, str]) -> dict[str, str]:
        """A service's per-field messages, keyed by the API's field names."""
        return {self.aliases.get(key, key): message for key, message in errors.items()}


#: How the OpenAPI document describes an HTML body.
BODY_DESCRIPTION = (
    "Body; sanitized (scripts removed). Its length limit applies once sanitized; images "
    "must be this site's or from a host of the IMAGE_HOSTS setting."
)

ARTICLE = Resource(
    "Article",
    (
        Field("title", Text(TITLE_MAX, min_length=1), required=True, description="Headline."),
        Field("slug", Text(SLUG_MAX), description="URL name; made from the title when empty."),
        Field(
            "summary",
            Text(SUMMARY_MAX, single_line=False),
            description="Lead paragraph, plain text.",
        ),
        Field("body_html", Text(BODY_MAX, single_line=False), description=BODY_DESCRIPTION),
        Field("status", Choice(ARTICLE_STATUSES), description="Default: draft."),
        Field(
            "published_at",
            DateTime(),
            description="When it is (or was) public; in the future it is scheduled.",
        ),
        Field("category", Reference(), "category_id", "Category id, or null."),
        Field(
            "tags", TagNames(TAGS_MAX, NAME_MAX), description="Tag names; missing tags are made."
        ),
        Field("image", Reference(), "image_id", "Media id of the main image, or null."),
    ),
)

PAGE = Resource(
    "Page",
    (
        Field("title", Text(TITLE_MAX, min_length=1), required=True, description="Title."),
        Field("slug", Text(SLUG_MAX), description="URL name; made from the title when empty."),
        Field(
            "summary",
            Text(SUMMARY_MAX, single_line=False),
            description="Short description, plain text.",
        ),
        Field("body_html", Text(BODY_MAX, single_line=False), description=BODY_DESCRIPTION),
        Field("status", Choice(PAGE_STATUSES), description="Default: published."),
        Field("parent", Reference(), "parent_id", "Id of the parent page, or null."),
        Field("position", Integer(POSITION_MIN, POSITION_MAX), description="Order in menus."),
        Field("show_in_menu", Boolean(), description="Listed in the site menu."),
    ),
)

CATEGORY = Resource(
    "Category",
    (
        Field("name", Text(NAME_MAX, min_length=1), required=True, description="Name."),
        Field("slug", Text(SLUG_MAX), description="URL name; made from the name when empty."),
        Field("description", Text(BODY_MAX, single_line=False), description="Plain text."),
        Field("parent", Reference(), "parent_id", "Id of the parent category, or null."),
        Field("position", Integer(POSITION_MIN, POSITION_MAX), description="Order in menus."),
        Field("show_on_home", Boolean(), description="Has a block on the home page."),
    ),
)

TAG = Resource(
    "Tag",
    (
        Field("name", Text(NAME_MAX, min_length=1), required=True, description="Name."),
        Field("slug", Text(SLUG_MAX), description="URL name; made from the name when empty."),
    ),
)


def is_json_mimetype(mimetype: str) -> bool:
    """``application/json`` or a ``+json`` type."""
    return mimetype == "application/json" or (
        mimetype.startswith("application/") and mimetype.endswith("+json")
    )


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def read_json_object() -> dict[str, Any]:
    """The request body as a JSON object, or an :class:`ApiError`.

    415 unless the Content-Type is JSON; 413 over ``API_MAX_JSON_BYTES`` (by
    Content-Length and by what actually arrives); 400 for bytes that are not
    UTF-8, text that is not JSON, and JSON that is not an object; 422 naming
    each field that holds U+0000 (which no database column can store) or a
    lone surrogate (``"\\ud800"``: JSON escapes it, but it is not Unicode text
    and cannot be encoded, stored or signed).
    """
    if not is_json_mimetype(request.mimetype):
        raise ApiError(415, _("Send the body as JSON (Content-Type: application/json)."))
    limit = int(current_app.config["API_MAX_JSON_BYTES"])
    too_large = ApiError(413, _("What you sent is too large."))
    if request.content_length is not None and request.content_length > limit:
        raise too_large
    raw = request.stream.read(limit + 1)
    if len(raw) > limit:
        raise too_large
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise bad_request(_("The body is not valid UTF-8.")) from exc
    try:
        data = json.loads(text, parse_constant=_no_constants)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError is a ValueError
        raise bad_request(_("The body is not valid JSON.")) from exc
    if not isinstance(data, dict):
        raise bad_request(_("The body must be a JSON object."))
    holding_nul = [key for key, value in data.items() if _holds_nul(key) or _holds_nul(value)]
    if holding_nul:
        message = _("This holds a NUL character (U+0000), which cannot be stored; remove it.")
        raise invalid({_shown_key(key): message for key in holding_nul})
    broken = [
        key for key, value in data.items() if _holds_surrogate(key) or _holds_surrogate(value)
    ]
    if broken:
        message = _(
            "This holds a lone surrogate (an escape such as \\ud800), which is not text "
            "and cannot be stored; remove it."
        )
        raise invalid({_shown_key(key): message for key in broken})
    return data


def _shown_key(key: str) -> str:
    """A field name as an error names it: NUL and lone surrogates written as escapes."""
    return key.replace("\x00", "\\u0000").encode("utf-8", "backslashreplace").decode("utf-8")


def _strings(value: Any) -> Iterator[str]:
    """Every string of a decoded JSON value, keys included."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)


def _holds_surrogate(value: Any) -> bool:
    """Whether a decoded JSON value holds a lone surrogate (U+D800 to U+DFFF) in any string."""
    return any(_SURROGATE.search(text) for text in _strings(value))


def _holds_nul(value: Any) -> bool:
    """Whether a decoded JSON value holds U+0000 in any string, keys included."""
    return any("\x00" in text for text in _strings(value))


def parse_fields(resource: Resource, data: Mapping[str, Any], *, creating: bool) -> dict[str, Any]:
    """Check ``data`` against ``resource``'s fields; return it keyed by the service's names.

    Unknown fields, wrong types, values out of range and (when ``creating``)
    missing required fields raise a 422 listing every bad field.
    """
    known = {f.name: f for f in resource.fields}
    errors: dict[str, str] = {}
    for key in data:
        if key not in known:
            errors[key] = _("Unknown field: %(name)s.", name=key)
    values: dict[str, Any] = {}
    for spec in resource.fields:
        if spec.name not in data:
            if creating and spec.required:
                errors[spec.name] = _("This field is required.")
            continue
        message = spec.kind.check(data[spec.name])
        if message:
            errors[spec.name] = message
        else:
            values[spec.service_name] = data[spec.name]
    if errors:
        raise invalid(errors)
    return values


_DIGITS = re.compile(r"[0-9]+")
#: A lone surrogate: what ``json.loads`` makes of ``"\\ud800"``, not encodable as UTF-8.
_SURROGATE = re.compile("[\ud800-\udfff]")


def single_arg(name: str) -> str | None:
    """The value of query parameter ``name``, or ``None`` when it is not given.

    A parameter given more than once (``?group=1&group=2``) is a 400 naming
    it: which value would win is a guess (Flask keeps the first, PHP the last),
    and a proxy or cache in front may guess otherwise than the API.
    """
    values = request.args.getlist(name)
    if len(values) > 1:
        raise bad_request(_("The parameter %(name)s is given more than once.", name=name))
    return values[0] if values else None


def int_arg(name: str, default: int, minimum: int, maximum: int) -> int:
    """A whole-number query parameter within range; a 400 otherwise.

    ASCII digits only, at most as many as ``maximum`` has (so the work stays
    bounded whatever is sent, and a list's ``Integer(1, PAGE_MAX)`` page
    reads as the core lists' ``page`` does).
    """
    raw = single_arg(name)
    if raw is None:
        return default
    digits = len(str(maximum))
    if len(raw) > digits or not _DIGITS.fullmatch(raw) or not minimum <= int(raw) <= maximum:
        raise bad_request(
            _(
                "The parameter %(name)s must be a whole number from %(minimum)d to %(maximum)d.",
                name=name,
                minimum=minimum,
                maximum=maximum,
            )
        )
    return int(raw)


def positive_arg(name: str, default: int, maximum: int) -> int:
    """A query parameter that must be a whole number from 1 to ``maximum``; a 400 otherwise.

    Read by :func:`cms.paging.parse_positive`, the parser of every paged list.
    """
    raw = single_arg(name)
    if raw is None:
        return default
    value = parse_positive(raw, maximum)
    if value is None:
        raise bad_request(
            _(
                "The parameter %(name)s must be a whole number from %(minimum)d to %(maximum)d.",
                name=name,
                minimum=1,
                maximum=maximum,
            )
        )
    return value


def page_args() -> tuple[int, int]:
    """``page`` (1 to ``PAGE_MAX``) and ``per_page`` (1 to 100, default 20) of a list request.

    A page past the last one is valid and empty; see :func:`cms.paging.paginate`.
    """
    page = positive_arg("page", 1, PAGE_MAX)
    per_page = positive_arg("per_page", PER_PAGE_DEFAULT, PER_PAGE_MAX)
    return page, per_page


def choice_arg(name: str, values: tuple[str, ...]) -> str | None:
    """A query parameter that must be one of ``values`` when given; a 400 otherwise."""
    raw = single_arg(name)
    if raw is None:
        return None
    if raw not in values:
        raise bad_request(
            _(
                "The parameter %(name)s must be one of: %(values)s.",
                name=name,
                values=", ".join(values),
            )
        )
    return raw


def text_arg(name: str, max_length: int = QUERY_MAX) -> str | None:
    """A text query parameter of at most ``max_length`` characters; a 400 otherwise.

    The value comes back cleaned like stored text (NFC, no control characters,
    spaces collapsed), so it compares equal to what was saved.
    """
    raw = single_arg(name)
    if raw is None:
        return None
    if len(raw) > max_length:  # as the document's maxLength counts: code points sent
        raise bad_request(
            _(
                "The parameter %(name)s is too long (at most %(limit)d characters).",
                name=name,
                limit=max_length,
            )
        )
    return clean_text(raw, single_line=True)


#: The kinds a query parameter may be (:func:`parse_query`).
QUERY_KINDS = (Text, Integer, Choice, Boolean)


def query_schema(kind: Kind) -> dict[str, Any]:
    """The JSON Schema of a query parameter of ``kind`` (:data:`QUERY_KINDS`).

    Text is measured as it is sent (code points), as :func:`text_arg` measures it,
    and holds no U+0000 (:mod:`cms.inputs` refuses a query holding one with 400).
    """
    schema = kind.base_schema()
    if isinstance(kind, Text):
        schema = {"type": "string", "maxLength": kind.max_length, "pattern": "^[^\\u0000]*$"}
        if kind.min_length:
            schema["minLength"] = kind.min_length
    return schema


def parse_query(fields: Iterable[Field]) -> dict[str, Any]:
    """The query parameters ``fields`` of the current request, checked, by ``service_name``.

    Parameters not given are left out (a required one is a 400); others of
    the request are ignored. Text comes back cleaned (:func:`text_arg`);
    integers within their range; booleans from ``true``/``false``/``1``/``0``.
    Raises :class:`~cms.api.errors.ApiError` 400 naming the parameter.
    """
    found: dict[str, Any] = {}
    for spec in fields:
        name, kind = spec.name, spec.kind
        if name not in request.args:
            if spec.required:
                raise bad_request(_("The parameter %(name)s is required.", name=name))
            continue
        value: Any
        if isinstance(kind, Integer):
            value = int_arg(name, 0, kind.minimum, kind.maximum)
        elif isinstance(kind, Choice):
            value = choice_arg(name, kind.values)
        elif isinstance(kind, Boolean):
            value = choice_arg(name, ("true", "false", "1", "0")) in ("true", "1")
        else:
            assert isinstance(kind, Text)
            value = text_arg(name, kind.max_length)
            if value is not None and len(value) < kind.min_length:
                raise bad_request(_("The parameter %(name)s is required.", name=name))
        found[spec.service_name] = value
    return found
