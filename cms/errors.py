"""Error pages: themed and localized HTML for readers, JSON under ``/api/``."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, InternalServerError, NotFound

log = logging.getLogger(__name__)


def wants_json() -> bool:
    """Whether the failing request belongs to the JSON API."""
    return request.path.startswith("/api/")


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
        413: _("What you sent is too large."),
        429: _("Too many requests. Please wait a moment and try again."),
    }
    return messages.get(status, _("Something went wrong on our side. Please try again later."))


def _title(status: int) -> str:
    titles = {404: _("Page not found"), 403: _("Access denied"), 500: _("Server error")}
    return titles.get(status, _("Error %(code)d", code=status))


def _api_rule_matches() -> bool:
    """Whether some API route matches this path (with any method)."""
    adapter = current_app.url_map.bind_to_environ(request.environ)
    for method in ("GET", "POST", "PUT", "PATCH", "DELETE"):
        try:
            endpoint, _values = adapter.match(request.path, method=method)
        except HTTPException:
            continue
        if endpoint.startswith("api."):
            return True
    return False


def handle_http_error(exc: HTTPException) -> Any:
    """Render an HTTP error as JSON for the API or as a themed page for readers."""
    status = exc.code or 500
    if status == 405 and wants_json() and not _api_rule_matches():
        status = 404  # only the public site's catch-all matched: no such API resource
        exc = NotFound()
    if wants_json():
        response, status = json_error(status, _message(status))
        for key, value in exc.get_headers():  # e.g. Allow on a 405, Retry-After on a 429
            if key.lower() != "content-type":
                response.headers[key] = value
        return response, status
    from cms.themes import render

    try:
        html = render(
            "public/error.html", status=status, title=_title(status), message=_message(status)
        )
    except Exception:  # the error page itself failed: fall back to plain text
        log.exception("error page failed to render")
        return _message(status), status
    response = exc.get_response()
    response.set_data(html)
    response.mimetype = "text/html"
    response.status_code = status
    return response


def handle_unexpected(exc: Exception) -> Any:
    """Log an unexpected error and answer 500 without leaking details."""
    if isinstance(exc, HTTPException):
        return handle_http_error(exc)
    log.exception("unhandled error on %s %s", request.method, request.path)
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    """Install the error handlers."""
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
