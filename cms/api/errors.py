"""Errors of the JSON API: one exception, answered as ``{"error": {"code", "message"}}``.

Routing errors (unknown URL, wrong method) reach the application's handlers in
:mod:`cms.errors`, which already answer JSON under ``/api/``; what the API's own
views refuse goes through :class:`ApiError` and the handlers installed here.
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Response
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError

from cms.content import ContentError
from cms.errors import error_code, json_error
from cms.extensions import db

log = logging.getLogger(__name__)


class ApiError(Exception):
    """A refusal with an HTTP status, a translated message and optional details."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        #: The HTTP status of the answer.
        self.status = status
        #: A message in the client's language.
        self.message = message
        #: A stable machine-readable code (default: from the status).
        self.code = code or error_code(status)
        #: Field name -> message, for invalid input (422).
        self.fields = fields
        #: Extra response headers (``WWW-Authenticate`` on a 401).
        self.headers = headers or {}


def bad_request(message: str | None = None) -> ApiError:
    """A 400 for a request that cannot be understood."""
    return ApiError(400, message or _("The request could not be understood."))


def unauthorized(message: str | None = None) -> ApiError:
    """A 401 asking for a bearer token."""
    return ApiError(
        401,
        message or _("This needs an API token: send Authorization: Bearer TOKEN."),
        headers={"WWW-Authenticate": 'Bearer realm="api"'},
    )


def forbidden(message: str | None = None) -> ApiError:
    """A 403 for a user whose role does not allow the action."""
    return ApiError(403, message or _("You are not allowed to do this."))


def not_found(message: str | None = None) -> ApiError:
    """A 404 for an unknown (or hidden) object."""
    return ApiError(404, message or _("This item does not exist or has been deleted."))


def invalid(fields: dict[str, str]) -> ApiError:
    """A 422 for input of the right shape with wrong values, with a message per field."""
    return ApiError(422, _("Some fields are not valid."), fields=fields)


def rate_limited(retry_after: int) -> ApiError:
    """A 429 (code ``rate_limited``) with ``Retry-After``: ``retry_after`` seconds to wait."""
    return ApiError(
        429,
        _("Too many requests. Please wait a moment and try again."),
        code="rate_limited",
        headers={"Retry-After": str(max(1, int(retry_after)))},
    )


def handle_api_error(exc: ApiError) -> Response:
    """Answer an :class:`ApiError`; nothing the failed request changed is kept."""
    db.session.rollback()
    extra: dict[str, Any] = {"fields": exc.fields} if exc.fields is not None else {}
    body, status = json_error(exc.status, exc.message, exc.code, **extra)
    response: Response = body
    response.status_code = status
    response.headers.update(exc.headers)
    return response


def handle_content_error(exc: ContentError) -> Response:
    """A :class:`ContentError` the view did not translate: 422 with its fields."""
    return handle_api_error(invalid(dict(exc.errors)))


def handle_integrity_error(exc: IntegrityError) -> Response:
    """A uniqueness race lost to a concurrent write: 409, nothing stored."""
    log.warning("API write refused by the database: %s", exc.orig)
    return handle_api_error(
        ApiError(409, _("This conflicts with a change made at the same time. Please retry."))
    )


def init_blueprint(bp: Blueprint) -> None:
    """Install the API's error handlers on ``bp``."""
    bp.register_error_handler(ApiError, handle_api_error)
    bp.register_error_handler(ContentError, handle_content_error)
    bp.register_error_handler(IntegrityError, handle_integrity_error)
