"""Plugin API endpoints and plugin fields on core API objects.

:func:`mount` turns a plugin's :class:`~cms.plugins.base.ApiRoute` declarations
into one blueprint made by :func:`cms.api.core.api_blueprint`, so its
endpoints get the core API's token check, roles, JSON errors and CSRF rule.
Each path a plugin declares answers every standard method: the undeclared ones
with a JSON 405 and ``Allow``. A disabled plugin's endpoints answer a JSON 404.
Calls without a token are rate limited per client address and route
(:func:`anonymous_limit`), counted in the shared store through Flask-Limiter's
storage (``cms+store://``), so the limit holds across workers and hosts.

Clashes are decided by load order, which is the plugins' names sorted
(:func:`cms.plugins.discovery.discover`): of two plugins declaring the same
API path or the same :class:`~cms.plugins.base.ApiField`, the one whose name
sorts first is loaded and the other is refused, whatever the install order.

The fields plugins add to core objects (:class:`~cms.plugins.base.ApiField`)
are checked here and answered by :mod:`cms.api.serializers`.
"""

from __future__ import annotations

import logging
import math
import re
import time
from collections.abc import Callable, Mapping
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from flask_babel import gettext as _
from limits import RateLimitItem, parse_many
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.routing import Rule

from cms.api import auth, serializers
from cms.api.core import PREFIX, api_blueprint
from cms.api.errors import ApiError, forbidden, not_found, rate_limited
from cms.api.validation import (
    MAX_ID,
    QUERY_KINDS,
    Field,
    Resource,
    is_json_mimetype,
    parse_fields,
    parse_query,
    read_json_object,
)
from cms.extensions import limiter
from cms.limit_keys import client_key
from cms.models.users import ROLES
from cms.plugins.base import ApiField, ApiRoute, Plugin
from cms.plugins.checks import PluginCheckError
from cms.plugins.registry import registry

log = logging.getLogger(__name__)

#: Methods every declared path answers (the undeclared ones with 405).
METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
#: Methods that never change anything (no body, no content-type rule).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
#: Values of :attr:`ApiRoute.auth`.
AUTH_VALUES = ("public", "token", *ROLES)
#: Core objects plugins may add fields to, and the keys the core already answers.
CORE_OBJECTS = ("Article", "Page", "Category", "Tag")

#: A variable part of a Flask rule: group 1 the converter, group 2 the name.
VARIABLE = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
#: The setting holding the default limit of anonymous writes (see cms/config.py).
DEFAULT_LIMIT_SETTING = "API_ANONYMOUS_WRITE_LIMIT"
#: First part of the shared-store keys counting anonymous calls of plugin routes.
LIMIT_SCOPE = "plugin-api"


def blueprint_name(plugin: str) -> str:
    """The name of plugin ``plugin``'s API blueprint (endpoints are ``<name>.<view>_<method>``)."""
    return f"{plugin}_api"


def _segments(path: str) -> list[str | None]:
    """The path's segments, ``None`` for a variable one."""
    return [None if VARIABLE.search(part) else part for part in path.strip("/").split("/")]


def _overlaps(a: str, b: str) -> bool:
    """Whether some URL could match both rule paths (same length, static parts agree)."""
    sa, sb = _segments(a), _segments(b)
    return len(sa) == len(sb) and all(
        x is None or y is None or x == y for x, y in zip(sa, sb, strict=True)
    )


def _check(app: Flask, plugin: Plugin) -> None:
    """Refuse (:class:`PluginError`) routes outside the API, clashes and bad declarations."""
    own = blueprint_name(plugin.name)
    seen: set[tuple[str, str]] = set()
    for route in plugin.api:
        if not isinstance(route, ApiRoute):
            raise PluginCheckError(f"{route!r} is not an ApiRoute")
        path = route.path
        if not isinstance(path, str) or not path.startswith(PREFIX + "/") or ".." in path:
            raise PluginCheckError(f"API path {path!r} is outside {PREFIX}/")
        if route.method.upper() not in METHODS:
            raise PluginCheckError(f"API path {path}: unknown method {route.method!r}")
        if route.auth not in AUTH_VALUES:
            raise PluginCheckError(f"API path {path}: auth must be one of {', '.join(AUTH_VALUES)}")
        if not callable(route.view):
            raise PluginCheckError(f"API path {path}: its view is not callable")
        for spec in route.body:
            if not isinstance(spec, Field):
                raise PluginCheckError(
                    f"API path {path}: {spec!r} is not a cms.api.validation.Field"
                )
        _check_query(route)
        _check_rate_limit(route)
        key = (path, route.method.upper())
        if key in seen:
            raise PluginCheckError(f"API path {path} declares {route.method.upper()} twice")
        seen.add(key)
        for rule in app.url_map.iter_rules():
            if rule.endpoint.partition(".")[0] == own or not rule.rule.startswith(PREFIX + "/"):
                continue
            if _overlaps(path, rule.rule):
                raise PluginCheckError(
                    f"API path {path} clashes with {rule.rule} ({rule.endpoint})"
                )
    core_keys = _core_keys()
    taken = {
        (f.on, f.name): other.name
        for other in app.extensions["cms_plugins"].plugins.values()
        if other.name != plugin.name
        for f in other.api_fields
        if isinstance(f, ApiField)
    }
    for api_field in plugin.api_fields:
        if not isinstance(api_field, ApiField):
            raise PluginCheckError(f"{api_field!r} is not an ApiField")
        if api_field.on not in CORE_OBJECTS:
            raise PluginCheckError(f"API field {api_field.name}: on must be one of {CORE_OBJECTS}")
        if not api_field.name.isidentifier() or not isinstance(api_field.schema, dict):
            raise PluginCheckError(f"API field {api_field.name!r} needs a name and a JSON Schema")
        key = (api_field.on, api_field.name)
        if api_field.name in core_keys[api_field.on]:
            raise PluginCheckError(
                f"API field {api_field.on}.{api_field.name} is already taken by the core API"
            )
        if key in taken:
            raise PluginCheckError(
                f"API field {api_field.on}.{api_field.name} is already taken by plugin"
                f" {taken[key]!r} (loaded first: plugins load in the order of their names)"
            )


def _check_rate_limit(route: ApiRoute) -> None:
    """Refuse a :attr:`ApiRoute.rate_limit` that is not a rate, or set on a route with a token."""
    value = route.rate_limit
    if value is None or value == "":
        return
    if not isinstance(value, str):
        raise PluginCheckError(f"API path {route.path}: rate_limit must be a string, not {value!r}")
    if route.auth != "public":
        raise PluginCheckError(
            f"API path {route.path}: rate_limit counts callers without a token;"
            f" a route with auth={route.auth!r} has none"
        )
    try:
        parse_limit(value)
    except ValueError as exc:
        raise PluginCheckError(f"API path {route.path}: rate_limit {exc}") from exc


def parse_limit(value: str) -> tuple[RateLimitItem, ...]:
    """The rates of a limit written in Flask-Limiter's syntax; ``()`` for ``""`` (no limit).

    Raises :class:`ValueError` with a message for anything else than one or more
    rates (``"30 per 10 minutes"``, ``"5/second; 100/day"``) of at least one call.
    """
    if not value.strip():
        return ()
    try:
        items = tuple(parse_many(value))
    except ValueError:
        raise ValueError(f"{value!r} is not a rate such as '30 per 10 minutes'") from None
    if any(item.amount < 1 for item in items):
        raise ValueError(f"{value!r} allows no call at all")
    return items


def anonymous_limit(route: ApiRoute, config: Mapping[str, Any]) -> str:
    """The limit of calls without a token ``route`` gets, as written; ``""`` for none.

    The route's own :attr:`ApiRoute.rate_limit` when it sets one (``""`` opts
    out), else ``config["API_ANONYMOUS_WRITE_LIMIT"]`` for a public route with
    a method that writes, else none.
    """
    if route.rate_limit is not None:
        return route.rate_limit
    if route.auth == "public" and route.method.upper() not in SAFE_METHODS:
        return str(config.get(DEFAULT_LIMIT_SETTING) or "")
    return ""


def _count_anonymous_call(scope: str, rates: tuple[RateLimitItem, ...]) -> None:
    """Count a call without a token against ``rates``; 429 ``rate_limited`` past one of them.

    Counted per route (``scope``) and client address (after ``CMS_PROXY_HOPS``)
    with Flask-Limiter's strategy over the shared store. When the store's
    database is out of reach the call goes through if ``RATELIMIT_SWALLOW_ERRORS``
    (as Flask-Limiter's own limits do).
    """
    if not current_app.config.get("RATELIMIT_ENABLED", True):
        return
    keys = (LIMIT_SCOPE, scope, client_key())
    strategy = limiter.limiter
    try:
        for rate in rates:
            if not strategy.hit(rate, *keys):
                reset = strategy.get_window_stats(rate, *keys).reset_time
                raise rate_limited(math.ceil(reset - time.time()))
    except SQLAlchemyError:
        if not current_app.config.get("RATELIMIT_SWALLOW_ERRORS"):
            raise
        log.warning("could not count an anonymous call of %s; let through", scope, exc_info=True)


def _core_keys() -> dict[str, set[str]]:
    """The keys each core object's JSON already has."""
    schemas = {
        "Article": serializers.ARTICLE_SCHEMA,
        "Page": serializers.PAGE_SCHEMA,
        "Category": serializers.CATEGORY_SCHEMA,
        "Tag": serializers.TAG_SCHEMA,
    }
    return {name: set(schema["properties"]) for name, schema in schemas.items()}


def _int_values_in_range(values: dict[str, Any]) -> bool:
    """Whether every whole-number URL value fits an id column (werkzeug's ``int`` has no bound)."""
    return all(not isinstance(v, int) or 0 <= v <= MAX_ID for v in values.values())


def _endpoint(route: ApiRoute) -> str:
    return f"{getattr(route.view, '__name__', 'view')}_{route.method.lower()}"


def _check_query(route: ApiRoute) -> None:
    """Refuse query parameters that are no :class:`Field` of a query kind, or given twice."""
    names: set[str] = set()
    for spec in route.query:
        if not isinstance(spec, Field) or not isinstance(spec.kind, QUERY_KINDS):
            raise PluginCheckError(
                f"API path {route.path}: query parameter {spec!r} is not a Field of a"
                " Text, Integer, Choice or Boolean kind"
            )
        if spec.name in names:
            raise PluginCheckError(f"API path {route.path}: query parameter {spec.name!r} twice")
        names.add(spec.name)


def _require(route: ApiRoute) -> None:
    """Apply :attr:`ApiRoute.auth` (401 without a token, 403 for a lower role)."""
    if route.auth == "public":
        return
    user = auth.require_user()
    if route.auth != "token" and not user.can(route.auth):
        raise forbidden()


def _make_view(
    plugin: str, route: ApiRoute, rates: tuple[RateLimitItem, ...]
) -> Callable[..., Response]:
    scope = f"{plugin}.{_endpoint(route)}"
    resource = Resource(scope, tuple(route.body))

    def view(**values: Any) -> Response:
        if not _int_values_in_range(values):
            raise not_found()
        _require(route)
        if rates and auth.current_user() is None:
            _count_anonymous_call(scope, rates)
        method = request.method
        # An anonymous write must be JSON: a cross-site form cannot send that type.
        anonymous = auth.current_user() is None
        if method not in SAFE_METHODS and anonymous and not is_json_mimetype(request.mimetype):
            raise ApiError(415, _("Send the body as JSON (Content-Type: application/json)."))
        if route.query:
            values["query"] = parse_query(route.query)
        if route.body:
            values["data"] = parse_fields(resource, read_json_object(), creating=True)
        result = route.view(**values)
        if isinstance(result, Response):
            return result
        if result is None:
            return Response(status=204)
        response = jsonify(result)
        response.status_code = route.status
        return response

    view.__name__ = _endpoint(route)
    view.__doc__ = route.view.__doc__
    return view


def _not_allowed(allowed: list[str]) -> Callable[..., Response]:
    def view(**_values: Any) -> Response:
        raise ApiError(
            405, _("This method is not allowed here."), headers={"Allow": ", ".join(allowed)}
        )

    return view


def _options(allowed: list[str]) -> Callable[..., Response]:
    def view(**_values: Any) -> Response:
        return Response(status=200, headers={"Allow": ", ".join(allowed)})

    return view


def mount(app: Flask, plugin: Plugin) -> Blueprint | None:
    """Check plugin ``plugin``'s API declarations and register its endpoints on ``app``.

    Installed as a plugin mount (``app.extensions["cms_plugin_mounts"]``) when
    the core API's blueprint is registered. Raises
    :class:`~cms.plugins.checks.PluginCheckError` (the plugin is then listed as
    broken) for a path outside ``/api/v1/``, one that overlaps a core or
    another plugin's path, an unknown method or ``auth``, or a clashing
    :class:`ApiField`, a bad ``rate_limit``, or a site whose
    ``API_ANONYMOUS_WRITE_LIMIT`` is not a rate (then every plugin with a
    public write is refused rather than left without a limit).
    """
    _check(app, plugin)
    if not plugin.api:
        return None
    name = plugin.name
    rates: dict[int, tuple[RateLimitItem, ...]] = {}  # by id(route): a route holds lists
    for route in plugin.api:
        try:
            rates[id(route)] = parse_limit(anonymous_limit(route, app.config))
        except ValueError as exc:
            raise PluginCheckError(
                f"API path {route.path}: the site's {DEFAULT_LIMIT_SETTING} {exc}"
            ) from exc

    def only_when_active() -> None:
        if not registry().is_enabled(name):
            raise not_found()

    blueprint = api_blueprint(blueprint_name(name), f"plugins.{name}", guard=only_when_active)
    by_path: dict[str, list[ApiRoute]] = {}
    for route in plugin.api:
        by_path.setdefault(route.path, []).append(route)
    for index, (path, routes) in enumerate(by_path.items()):
        declared = sorted({r.method.upper() for r in routes})
        for route in routes:
            blueprint.add_url_rule(
                path,
                _endpoint(route),
                _make_view(name, route, rates[id(route)]),
                methods=[route.method.upper()],
                provide_automatic_options=False,
            )
        allowed = sorted({*declared, "OPTIONS", *(["HEAD"] if "GET" in declared else [])})
        others = [m for m in METHODS if m not in declared]
        if others:
            blueprint.add_url_rule(
                path,
                f"_not_allowed_{index}",
                _not_allowed(allowed),
                methods=others,
                provide_automatic_options=False,
            )
        # Flask's automatic OPTIONS would list the 405 rule's methods as allowed.
        blueprint.add_url_rule(
            path, f"_options_{index}", _options(allowed), methods=["OPTIONS"],
            provide_automatic_options=False,
        )  # fmt: skip
    app.register_blueprint(blueprint)
    log.debug("plugin %s: %d API routes mounted", name, len(plugin.api))
    return blueprint


def active_routes() -> list[tuple[Plugin, ApiRoute, Rule]]:
    """``(plugin, route, rule)`` of every active plugin's API endpoints, in declaration order."""
    plugins = registry()
    rules = {rule.endpoint: rule for rule in plugins.app.url_map.iter_rules()}
    found = []
    for name in plugins.enabled_names():
        plugin = plugins.plugins[name]
        for route in plugin.api:
            rule = rules.get(f"{blueprint_name(name)}.{_endpoint(route)}")
            if rule is not None:
                found.append((plugin, route, rule))
    return found


def operation_id(plugin: Plugin, route: ApiRoute) -> str:
    """The OpenAPI ``operationId`` of a plugin route."""
    return f"{plugin.name}_{_endpoint(route)}"
