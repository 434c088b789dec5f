"""One guard for what a request carries: NUL characters and bytes that are not UTF-8.

PostgreSQL refuses U+0000 in text, and Werkzeug turns bytes that are not UTF-8
into U+FFFD (or re-quotes them as ``%C3(``) without a word. Rather than let
each view meet such input, :func:`check_request` runs before every other
request hook and refuses it:

- a path holding a NUL, another forbidden character (:data:`FORBIDDEN_CHARS`)
  or bytes that are not UTF-8 names nothing: 404;
- a query string or a form (URL-encoded or multipart text fields, file names
  included) holding a NUL or bytes that are not UTF-8: 400, unless the view
  is marked with :func:`repairs_form` (a form whose refusal would lose what a
  reader typed, such as a comment): that view reads :func:`repaired_form`
  instead, NULs removed and bytes that are not UTF-8 replaced by U+FFFD;
- a header or cookie holding a NUL or bytes that are not UTF-8: 400. Browsers
  send headers in ASCII (a ``User-Agent`` or ``Referer`` included, whose
  other characters they percent-encode), so only a broken or hostile client
  meets this; a cookie gets a message of its own, since deleting the site's
  cookies is what a reader can do about it.

Answers are JSON ``{"error": {"code", "message"}}`` under ``/api/`` and the
theme's error page elsewhere, with a translated message saying what was wrong;
nothing is stored. JSON bodies are checked where the API reads them
(:func:`cms.api.validation.read_json_object`). Other forbidden characters in
values are not refused: the content services and the storage guard
(:func:`cms.models.types.install_storage_guard`) remove them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import IO, Any, TypeVar
from urllib.parse import parse_qsl

from flask import Flask, Request, Response, abort, current_app, request
from flask_babel import gettext as _
from markupsafe import escape
from werkzeug.datastructures import Headers, MultiDict
from werkzeug.formparser import FormDataParser, MultiPartParser
from werkzeug.http import parse_options_header

from cms.errors import json_error, wants_json
from cms.models.types import has_forbidden
from cms.themes import render

log = logging.getLogger(__name__)

_View = TypeVar("_View", bound=Callable[..., Any])
#: Attribute of a view function marked by :func:`repairs_form`.
REPAIRS_FORM = "cms_repairs_form"

#: The form encodings whose text fields are checked.
FORM_MIMETYPES = frozenset({"application/x-www-form-urlencoded", "multipart/form-data"})
#: Part charsets read as UTF-8 (ASCII is a subset of it); others are decoded as declared.
_UTF8_NAMES = frozenset({"utf-8", "ascii", "us-ascii"})
#: Headers WSGI passes without the ``HTTP_`` prefix (PEP 3333).
_UNPREFIXED_HEADERS = frozenset({"CONTENT_TYPE", "CONTENT_LENGTH"})


class InvalidInput(Exception):
    """Raised by the checks below: the status and translated message to answer with."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        #: 400 for a query, form, header or body; 404 for a path.
        self.status = status
        #: What was wrong, in the user's language.
        self.message = message


def has_nul(value: str) -> bool:
    """Whether ``value`` holds U+0000."""
    return "\x00" in value


def decode_query(raw: str) -> list[tuple[str, str]]:
    """Decode a WSGI ``QUERY_STRING`` strictly: its pairs, or :class:`UnicodeDecodeError`.

    WSGI passes the raw bytes as a latin-1 string (PEP 3333); both the raw
    bytes and the percent-escapes must be UTF-8 (RFC 3986 section 2.5).
    """
    try:
        data = raw.encode("latin-1")
    except UnicodeEncodeError:  # a server that already decoded it
        data = raw.encode("utf-8", "surrogateescape")
    return parse_qsl(data.decode("utf-8"), keep_blank_values=True, errors="strict")


class _LosslessMultiPartParser(MultiPartParser):
    """Decodes UTF-8 text fields as latin-1 (byte for byte) so they can be checked after."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        #: Names of the fields decoded byte for byte (meant to be UTF-8).
        self.utf8_fields: set[str] = set()

    def get_part_charset(self, headers: Headers) -> str:
        """The declared charset, except that UTF-8 parts are read byte for byte."""
        charset = super().get_part_charset(headers)
        if charset not in _UTF8_NAMES:
            return charset
        options = parse_options_header(headers.get("content-disposition"))[1]
        self.utf8_fields.add(options.get("name", ""))
        return "latin-1"


class StrictFormDataParser(FormDataParser):
    """Werkzeug's form parser, noting (instead of hiding) text that is not valid UTF-8.

    The parsed form gets an ``invalid_encoding`` attribute, true when some
    name or value was not UTF-8 (those are decoded with U+FFFD, as Werkzeug
    does, but :func:`check_request` refuses the request before a view sees it).
    """

    def parse(
        self,
        stream: IO[bytes],
        mimetype: str,
        content_length: int | None,
        options: dict[str, str] | None = None,
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        """Parse URL-encoded and multipart bodies strictly; others as Werkzeug does."""
        try:
            if mimetype == "application/x-www-form-urlencoded":
                return stream, self._urlencoded(stream.read()), self.cls()
            if mimetype == "multipart/form-data":
                return self._multipart(stream, content_length, options or {})
        except ValueError:  # a malformed body: an empty form, as Werkzeug answers
            if not self.silent:
                raise
            return stream, self.cls(), self.cls()
        return super().parse(stream, mimetype, content_length, options)

    def _urlencoded(self, data: bytes) -> MultiDict[str, Any]:
        try:
            text = data.decode("utf-8")
            form = self.cls(parse_qsl(text, keep_blank_values=True, errors="strict"))
            form.invalid_encoding = False  # type: ignore[attr-defined]
        except UnicodeDecodeError:
            text = data.decode("utf-8", "replace")
            form = self.cls(parse_qsl(text, keep_blank_values=True, errors="replace"))
            form.invalid_encoding = True  # type: ignore[attr-defined]
        return form

    def _multipart(
        self, stream: IO[bytes], content_length: int | None, options: dict[str, str]
    ) -> tuple[IO[bytes], MultiDict[str, Any], MultiDict[str, Any]]:
        parser = _LosslessMultiPartParser(
            stream_factory=self.stream_factory,
            max_form_memory_size=self.max_form_memory_size,
            max_form_parts=self.max_form_parts,
            cls=self.cls,
        )
        boundary = options.get("boundary", "").encode("ascii")
        if not boundary:
            raise ValueError("Missing boundary")
        raw_form, files = parser.parse(stream, boundary, content_length)
        invalid = False
        items: list[tuple[str, str]] = []
        for name, values in raw_form.lists():
            for value in values:
                if name in parser.utf8_fields:
                    data = value.encode("latin-1")
                    try:
                        value = data.decode("utf-8")
                    except UnicodeDecodeError:
                        invalid = True
                        value = data.decode("utf-8", "replace")
                items.append((name, value))
        form = self.cls(items)
        form.invalid_encoding = invalid  # type: ignore[attr-defined]
        return stream, form, files


class InputRequest(Request):
    """The application's request class: forms are parsed by :class:`StrictFormDataParser`."""

    form_data_parser_class = StrictFormDataParser


def _check_path(environ: dict[str, Any]) -> None:
    raw = environ.get("PATH_INFO", "")
    try:
        path = raw.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:
        path = raw
    except UnicodeDecodeError as exc:
        raise InvalidInput(404, "") from exc
    if has_forbidden(path):
        raise InvalidInput(404, "")


def _check_query(environ: dict[str, Any]) -> None:
    raw = environ.get("QUERY_STRING", "")
    if not raw:
        return
    try:
        pairs = decode_query(raw)
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            400, _("The address holds characters that are not valid UTF-8 text.")
        ) from exc
    if any(has_nul(key) or has_nul(value) for key, value in pairs):
        raise InvalidInput(400, _("The address holds a NUL character (U+0000), which is refused."))


def is_utf8_header(value: str) -> bool:
    """Whether a WSGI header value is UTF-8: its bytes, given as latin-1 (PEP 3333), decode.

    A value holding characters past U+00FF was decoded by the server already and counts
    as UTF-8.
    """
    try:
        value.encode("latin-1").decode("utf-8")
    except UnicodeEncodeError:  # a server that already decoded it
        return True
    except UnicodeDecodeError:
        return False
    return True


def _check_headers(environ: dict[str, Any]) -> None:
    cookie = environ.get("HTTP_COOKIE")
    if isinstance(cookie, str) and not is_utf8_header(cookie):
        raise InvalidInput(
            400,
            _(
                "A cookie of the request holds bytes that are not valid UTF-8 text, which "
                "are refused. Delete this site's cookies in your browser and try again."
            ),
        )
    for key, value in environ.items():
        if not (key.startswith("HTTP_") or key in _UNPREFIXED_HEADERS):
            continue
        if not isinstance(value, str):
            continue
        if has_nul(value):
            raise InvalidInput(
                400, _("A header of the request holds a NUL character (U+0000), which is refused.")
            )
        if not is_utf8_header(value):
            raise InvalidInput(
                400,
                _(
                    "A header of the request holds bytes that are not valid UTF-8 text, "
                    "which are refused."
                ),
            )
    if any(has_nul(key) or has_nul(value) for key, value in request.cookies.items(multi=True)):
        raise InvalidInput(
            400, _("A cookie of the request holds a NUL character (U+0000), which is refused.")
        )


def passes_without_a_form(environ: dict[str, Any]) -> bool:
    """Whether :func:`check_request` lets ``environ``'s path, query and headers through.

    For the page cache, which answers before Flask and must refuse no less:
    a request failing here goes to Flask, whose :func:`check_request` answers
    it. Cheap for what browsers send: ASCII header values are not decoded.
    Cookie values are checked whole for a NUL (Flask looks at each one).
    """
    try:
        _check_path(environ)
        _check_query(environ)
    except InvalidInput:
        return False
    for key, value in environ.items():
        if not (key.startswith("HTTP_") or key in _UNPREFIXED_HEADERS):
            continue
        if isinstance(value, str) and (
            "\x00" in value or not (value.isascii() or is_utf8_header(value))
        ):
            return False
    return True


def repairs_form(view: _View) -> _View:
    """Mark ``view`` as taking forms with NULs or bytes that are not UTF-8 (see the module).

    Put it under the route decorator. The view must read :func:`repaired_form`
    (never ``request.form`` directly for what it stores or shows); the path,
    query, headers and cookies are still checked as for every view.
    """
    setattr(view, REPAIRS_FORM, True)
    return view


def repaired_form() -> MultiDict[str, str]:
    """The request's form with every NUL removed from names and values.

    Bytes that are not UTF-8 were already decoded as U+FFFD by the form
    parser (:class:`StrictFormDataParser`), so every value can be shown and stored.
    """
    return MultiDict(
        [
            (key.replace("\x00", ""), value.replace("\x00", ""))
            for key, value in request.form.items(multi=True)
        ]
    )


def _repairs_form() -> bool:
    view = current_app.view_functions.get(request.endpoint or "")
    return bool(getattr(view, REPAIRS_FORM, False))


def _check_form() -> None:
    if request.mimetype not in FORM_MIMETYPES or _repairs_form():
        return
    form = request.form
    if getattr(form, "invalid_encoding", False):
        raise InvalidInput(
            400,
            _(
                "The form holds text that is not valid UTF-8, so nothing was saved. "
                "Check what was typed or pasted, and send the form again."
            ),
        )
    names = [*form.keys(), *request.files.keys()]
    texts = [*names, *(v for _key, v in form.items(multi=True))]
    texts += [f.filename or "" for _key, f in request.files.items(multi=True)]
    if any(has_nul(text) for text in texts):
        raise InvalidInput(
            400,
            _(
                "The form holds a NUL character (U+0000), which cannot be stored, so nothing "
                "was saved. Remove it and send the form again."
            ),
        )


def check_request() -> Response | None:
    """``before_request`` hook: refuse a request whose input cannot be stored (see above)."""
    environ = request.environ
    try:
        _check_path(environ)
        _check_query(environ)
        _check_headers(environ)
        _check_form()
    except InvalidInput as exc:
        log.info("refused input on %s %r: %s", request.method, request.path, exc.status)
        if exc.status == 404:
            abort(404)
        return refusal(exc.status, exc.message)
    return None


def refusal(status: int, message: str) -> Response:
    """A refusal with ``message``: JSON under ``/api/``, the theme's error page elsewhere."""
    if wants_json():
        response, status = json_error(status, message)
        response.status_code = status
        return response  # type: ignore[no-any-return]
    try:
        html = render(
            "public/error.html",
            status=status,
            title=_("Error %(code)d", code=status),
            message=message,
        )
    except Exception:  # the error page itself failed: plain escaped text
        log.exception("error page failed to render")
        html = str(escape(message))
    return Response(html, status=status, mimetype="text/html")


def init_app(app: Flask) -> None:
    """Parse forms strictly and run :func:`check_request` before every other request hook."""
    app.request_class = InputRequest
    hooks: list[Any] = app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, check_request)
