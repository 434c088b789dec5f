"""What every API blueprint shares: the core's and each plugin's.

An API blueprint made by :func:`api_blueprint` is CSRF-exempt (it accepts
bearer tokens, never the session cookie), answers every refusal as
``{"error": {"code", "message"}}``, resolves the bearer token before each
view (:func:`cms.api.auth.authenticate`) and never lets a shared cache keep
an authenticated answer. The core API (:data:`bp`) and every plugin's API
endpoints (:mod:`cms.api.routes`) are made by it, so they go through the same
code path.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response, request

from cms.api import auth
from cms.api.errors import init_blueprint
from cms.extensions import csrf

#: Where the API lives; every plugin API path starts with it.
PREFIX = "/api/v1"
#: The name of the bearer security scheme in the OpenAPI document.
BEARER = "bearerAuth"
#: The media type of every body the API reads and answers.
JSON = "application/json"


def cache_headers(response: Response) -> Response:
    """Answers depend on the token: never store an authenticated one in a shared cache."""
    response.vary.add("Authorization")
    if auth.current_user() is not None or "Authorization" in request.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def api_blueprint(
    name: str, import_name: str, *, guard: Callable[[], None] | None = None, **options: Any
) -> Blueprint:
    """A blueprint with the API's CSRF rule, error handlers, token check and cache headers.

    ``guard`` runs before the token is read (a plugin's "answer 404 while
    disabled"); ``options`` go to :class:`flask.Blueprint`.
    """
    blueprint = Blueprint(name, import_name, **options)
    csrf.exempt(blueprint)
    init_blueprint(blueprint)
    if guard is not None:
        blueprint.before_request(guard)
    blueprint.before_request(auth.authenticate)
    blueprint.after_request(cache_headers)
    return blueprint


#: The core API's blueprint, mounted at :data:`PREFIX`.
bp = api_blueprint("api", "cms.api", url_prefix=PREFIX)


def ref(kind: str, name: str) -> dict[str, str]:
    """A ``$ref`` to ``#/components/<kind>/<name>`` of the OpenAPI document."""
    return {"$ref": f"#/components/{kind}/{name}"}
