"""Error pages: themed and localized HTML for readers, JSON under ``/api/``."""

from __future__ import annotations

import logging
import time
from typing import Any

from flask import Flask, current_app, g, jsonify, render_template, request, session
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from markupsafe import Markup
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import (
    HTTPException,
    InternalServerError,
    NotFound,
    RequestEntityTooLarge,
    ServiceUnavailable,
)
from werkzeug.wrappers import Response as BaseResponse

from cms.db import BUSY, database_trouble
from cms.extensions import db, limiter
from cms.i18n import number
from cms.themes import render

log = logging.getLogger(__name__)

#: Flask-WTF's reason for a request that carried no CSRF token at all (neither field nor header).
CSRF_MISSING = "The CSRF token is missing."
#: Bytes in the megabyte of the request limit (a mebibyte, as file managers count).
MEGABYTE = 1024 * 1024


def wants_json() -> bool:
    """Whether the failing request belongs to the JSON API."""
    return request.path.startswith("/api/")


def caller_wants_json() -> bool:
    """Whether the caller reads JSON: the API, a JSON body, or ``Accept`` preferring JSON.

    For answers that any route may give, such as a refused CSRF token: a
    script posting JSON (the links' drag order) or asking for JSON (the rating
    widget's ``Accept: application/json``) gets ``{"error": ...}``, a browser
    submitting a form the error page.
    """
    if wants_json() or request.is_json:
        return True
    best = request.accept_mimetypes.best_match(("text/html", "application/json"))
    return best == "application/json"


def error_code(status: int) -> str:
    """A stable machine-readable code for an HTTP status."""
    return {
        400: "bad_request",
        401: "unauthorized",
        403: "forbidden",
        404: "not_found",
        405: "method_not_allowed",
        409: "conflict",
        413: "payload_too_large",
        415: "unsupported_media_type",
        422: "invalid",
        429: "too_many_requests",
        503: "unavailable",
    }.get(status, "server_error" if status >= 500 else "error")


def json_error(status: int, message: str, code: str | None = None, **extra: Any) -> Any:
    """A JSON error response ``{"error": {"code", "message", ...}}`` with ``status``."""
    body: dict[str, Any] = {"code": code or error_code(status), "message": message}
    body.update(extra)
    return jsonify(error=body), status


def _message(status: int) -> str:
    messages = {
        400: _("The request could not be understood."),
        401: _("Please sign in to continue."),
        403: _("You are not allowed to do this."),
        404: _("The page you are looking for does not exist or has been moved."),
        405: _("This method is not allowed here."),
        413: too_large_message(),
        429: _("Too many requests. Please wait a moment and try again."),
        503: _("The site is temporarily unavailable. Please try again in a few minutes."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def too_large_message() -> str:
    """What a 413 says: the request limit in MB when the body was over it, in the active locale.

    The limit is ``MAX_CONTENT_LENGTH`` (bytes, shown in MiB as file managers
    count). A 413 for another reason (a text field over ``MAX_FORM_MEMORY_SIZE``)
    gets the plain message.
    """
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    length = request.content_length
    if not limit or (length is not None and length <= limit):
        return _("What you sent is too large.")
    megabytes = limit / MEGABYTE
    return _(
        "What you sent is too large: at most %(limit)s MB can be sent at once. "
        "Send fewer or smaller files.",
        limit=number(megabytes, 1 if megabytes < 10 else 0),
    )


def handle_too_large(exc: RequestEntityTooLarge) -> Any:
    """413 for a request body over the limit, saying the limit, in the user's language.

    Registered for the status code, so it comes before the back office's own
    handler of HTTP errors: the back office (a plugin's admin screens included)
    shows it in its layout, the API answers JSON and readers get the themed page
    (both through :func:`handle_http_error`).
    """
    if wants_json() or request.blueprint is None or not request.path.startswith("/admin"):
        return handle_http_error(exc)
    try:
        html = render_template("admin/error.html", status=413, message=too_large_message())
    except SQLAlchemyError as fault:  # the back-office layout reads settings
        return handle_database_error(fault)
    return html, 413


def _title(status: int) -> str:
    titles = {
        404: _("Page not found"),
        403: _("Access denied"),
        500: _("Server error"),
        503: _("Service unavailable"),
    }
    return titles.get(status, _("Error %(code)d", code=status))


def _api_rule_matches() -> bool:
    """Whether some API route, the core's or a plugin's (``<name>_api``), matches this path."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _values = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        blueprint = endpoint.partition(".")[0]
        if blueprint == "api" or blueprint.endswith("_api"):  # the core's or a plugin's
            return True
    return False


def handle_http_error(exc: HTTPException) -> Any:
    """Render an HTTP error as JSON for the API or as a themed page for readers."""
    status = exc.code or 500
    if status == 405 and wants_json() and not _api_rule_matches():
        status = 404  # only the public site's catch-all matched: no such API resource
        exc = NotFound()
    message = exc.message if isinstance(exc, DatabaseUnavailable) else _message(status)
    if wants_json():
        response, status = json_error(status, message)
        for key, value in exc.get_headers():  # e.g. Allow on a 405, Retry-After on a 503
            if key.lower() != "content-type":
                response.headers[key] = value
        add_rate_limit_retry_after(response, status)
        return response, status
    try:
        html = _render_error_page(
            status, _title(status), message, without_database=isinstance(exc, DatabaseUnavailable)
        )
    except Exception:  # the error page itself failed: fall back to plain text
        log.exception("error page failed to render")
        fallback = exc.get_response()
        fallback.set_data(message)
        fallback.mimetype = "text/plain"
        fallback.status_code = status
        return fallback
    response = exc.get_response()
    response.set_data(html)
    response.mimetype = "text/html"
    response.status_code = status
    add_rate_limit_retry_after(response, status)
    return response


def add_rate_limit_retry_after(response: BaseResponse, status: int) -> None:
    """On a 429, ``Retry-After``: seconds until the broken rate limit lets requests in again.

    RFC 6585 section 4. Flask-Limiter's own headers are off (``RATELIMIT_HEADERS_ENABLED``):
    they put the window's reset on every response of a limited route, a 200 or a 503
    included, where a client would read it as a reason to wait.
    """
    limit = limiter.current_limit if status == 429 else None
    if limit is not None:
        response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))


def _nothing(*_args: Any, **_kwargs: Any) -> Markup:
    return Markup("")


def _none(*_args: Any, **_kwargs: Any) -> list[Any]:
    return []


def _render_error_page(status: int, title: str, message: str, *, without_database: bool) -> str:
    """The themed error page; ``without_database`` renders it with no database query.

    For a database that is locked or down: settings are those the request had
    already read, else their configured defaults, and the parts of the layout
    that only the database can fill (menus, widget regions, plugin hooks, the
    logo) are left out.
    """
    context: dict[str, Any] = {"status": status, "title": title, "message": message}
    if without_database:
        g.setdefault("cms_settings", {})
        g.setdefault("cms_generations", {})
        context.update(
            region=_nothing,
            hook_html=_nothing,
            category_tree=_none,
            menu_pages=_none,
            logo_url=str,
        )
    return render("public/error.html", **context)


class DatabaseUnavailable(ServiceUnavailable):
    """503 while the database is busy (:data:`cms.db.BUSY`) or down (:data:`cms.db.DOWN`).

    Answered with ``Retry-After`` (``DATABASE_RETRY_AFTER`` seconds) and a
    translated message; its themed page is rendered without the database.
    """

    def __init__(self, trouble: str) -> None:
        super().__init__(retry_after=int(current_app.config.get("DATABASE_RETRY_AFTER", 10)))
        #: :data:`cms.db.BUSY` or :data:`cms.db.DOWN`.
        self.trouble = trouble

    @property
    def message(self) -> str:
        """What the reader is told, in the active locale."""
        if self.trouble == BUSY:
            return _(
                "The site is busy right now and nothing was changed. "
                "Please try again in a few seconds."
            )
        return _message(503)


def handle_database_error(exc: SQLAlchemyError) -> Any:
    """Answer 503 with ``Retry-After`` while the database is locked, busy or down.

    Whatever the request wrote is rolled back first, so nothing is left
    half-written, and messages it flashed ("Category created.") are dropped:
    they would announce a change that was not made. Other database errors are
    bugs: logged and answered 500.
    """
    trouble = database_trouble(exc)
    if trouble is None:
        return handle_unexpected(exc)
    try:
        db.session.rollback()
    except SQLAlchemyError:  # the connection is already gone: nothing to undo
        log.debug("rollback after a database fault failed", exc_info=True)
    if "_flashes" in session:  # where flask.flash() queues its messages
        session.pop("_flashes")
    first_line = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    log.warning("database %s on %s %s: %s", trouble, request.method, request.path, first_line)
    return handle_http_error(DatabaseUnavailable(trouble))


def handle_unexpected(exc: Exception) -> Any:
    """Log an unexpected error and answer 500 without leaking details."""
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def handle_csrf_error(exc: CSRFError) -> Any:
    """A form refused for its CSRF token: 400, saying whether it was missing or is stale.

    JSON callers (:func:`caller_wants_json`) get ``{"error": {"code", "message"}}``
    with code ``csrf_missing`` or ``csrf_failed``; others the error page.
    """
    missing = exc.description == CSRF_MISSING
    if missing:
        message = _(
            "The form was sent without its security token. Reload the page and submit it again."
        )
    else:
        message = _("The form expired, please submit it again.")
    log.info("form refused on %s: %s", request.path, exc.description)
    if caller_wants_json():
        return json_error(400, message, code="csrf_missing" if missing else "csrf_failed")
    if request.blueprint == "admin":
        try:
            return render_template("admin/error.html", status=400, message=message), 400
        except SQLAlchemyError as fault:  # the back-office layout reads settings
            return handle_database_error(fault)

    try:
        html = render("public/error.html", status=400, title=_title(400), message=message)
    except SQLAlchemyError as fault:
        return handle_database_error(fault)
    except Exception:  # the error page itself failed: fall back to plain text
        log.exception("error page failed to render")
        return message, 400
    return html, 400


def init_app(app: Flask) -> None:
    """Install the error handlers."""
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(SQLAlchemyError, handle_database_error)
    app.register_error_handler(Exception, handle_unexpected)
