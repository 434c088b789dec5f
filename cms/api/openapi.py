"""The OpenAPI 3.1 document of the API, built from the definitions the API itself uses.

Request bodies come from :mod:`cms.api.validation` (the same :class:`Field`
objects that check incoming JSON), answers from the schemas beside the
serializers in :mod:`cms.api.serializers`, limits from the same constants.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import current_app, has_app_context

import cms
from cms.api import plugins, routes, serializers
from cms.api.core import BEARER, JSON, PREFIX  # noqa: F401  (PREFIX, BEARER: re-exported)
from cms.api.validation import (
    ARTICLE,
    CATEGORY,
    MAX_ID,
    PAGE,
    PAGE_MAX,
    PER_PAGE_DEFAULT,
    PER_PAGE_MAX,
    QUERY_MAX,
    TAG,
    Resource,
    query_schema,
)
from cms.models import ARTICLE_STATUSES, PAGE_STATUSES


@dataclass(frozen=True)
class Collection:
    """One resource as the document describes it."""

    #: URL segment, e.g. ``articles``.
    path: str
    #: What the API accepts.
    resource: Resource
    #: The schema of what it answers.
    schema: dict[str, Any]
    #: Name of the id in item URLs, e.g. ``article_id``.
    id_name: str
    #: Extra query parameters of the list (names of ``components/parameters``).
    filters: tuple[str, ...]
    #: Who may write, for descriptions.
    writers: str
    #: Whether PATCH/PUT are offered.
    updatable: bool = True


COLLECTIONS = (
    Collection(
        "articles",
        ARTICLE,
        serializers.ARTICLE_SCHEMA,
        "article_id",
        ("category", "tag", "q", "article_status"),
        "Authors create articles and change or delete their own; editors and admins any.",
    ),
    Collection(
        "pages",
        PAGE,
        serializers.PAGE_SCHEMA,
        "page_id",
        ("page_status",),
        "Editors and admins.",
    ),
    Collection(
        "categories",
        CATEGORY,
        serializers.CATEGORY_SCHEMA,
        "category_id",
        (),
        "Editors and admins.",
    ),
    Collection(
        "tags",
        TAG,
        serializers.TAG_SCHEMA,
        "tag_id",
        (),
        "Editors and admins (authors make tags by naming them on an article).",
    ),
)


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def input_schema(resource: Resource, *, creating: bool) -> dict[str, Any]:
    """The JSON Schema of a create (``creating``) or update body of ``resource``."""
    properties = {}
    for spec in resource.fields:
        schema = spec.kind.schema()
        if spec.description:
            schema["description"] = spec.description
        properties[spec.name] = schema
    schema = {"type": "object", "properties": properties, "additionalProperties": False}
    required = [spec.name for spec in resource.fields if spec.required]
    if creating and required:
        schema["required"] = required
    return schema


def list_schema(item: str) -> dict[str, Any]:
    """The JSON Schema of one page of a list of ``item``."""
    return {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": _ref("schemas", item)},
            "page": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX},
            "total": {"type": "integer", "minimum": 0},
        },
        "required": ["items", "page", "per_page", "total"],
        "additionalProperties": False,
    }


ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string", "description": "Stable, e.g. `not_found`, `invalid`."},
                "message": {"type": "string", "description": "In the site's language."},
                "fields": {
                    "type": "object",
                    "additionalProperties": {"type": "string"},
                    "description": "On 422: a message per invalid field.",
                },
            },
            "required": ["code", "message"],
        }
    },
    "required": ["error"],
}


def _error_response(description: str, **headers: dict[str, Any]) -> dict[str, Any]:
    response: dict[str, Any] = {
        "description": description,
        "content": {JSON: {"schema": _ref("schemas", "Error")}},
    }
    if headers:
        response["headers"] = headers
    return response


ERROR_RESPONSES = {
    "BadRequest": _error_response(
        "Malformed JSON, a body that is not an object, or a bad query parameter."
    ),
    "Unauthorized": _error_response(
        "No token, or a token that is not valid.",
        **{"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    ),
    "Forbidden": _error_response("The token's user may not do this."),
    "NotFound": _error_response("No such object (or not visible to this client)."),
    "Conflict": _error_response("A concurrent change won; retry."),
    "PayloadTooLarge": _error_response("The body is larger than the API accepts."),
    "UnsupportedMediaType": _error_response("The body is not sent as application/json."),
    "Unprocessable": _error_response("Some fields are not valid; see `error.fields`."),
}


def too_many_requests(limit: str) -> dict[str, Any]:
    """The 429 answer of an operation limited to ``limit`` calls without a token per address."""
    return _error_response(
        f"More calls without a token from this address than the limit ({limit});"
        " `error.code` is `rate_limited`. Wait `Retry-After` seconds.",
        **{"Retry-After": {"schema": {"type": "integer", "minimum": 1}, "required": True}},
    )


#: Text query parameters hold no U+0000: a query holding one is refused with 400 (cms.inputs).
NO_NUL = "^[^\\u0000]*$"


def parameters() -> dict[str, Any]:
    """Shared query parameters."""

    def query(name: str, schema: dict[str, Any], description: str) -> dict[str, Any]:
        return {"name": name, "in": "query", "schema": schema, "description": description}

    return {
        "page": query(
            "page", {"type": "integer", "minimum": 1, "maximum": PAGE_MAX, "default": 1}, "Page."
        ),
        "per_page": query(
            "per_page",
            {"type": "integer", "minimum": 1, "maximum": PER_PAGE_MAX, "default": PER_PAGE_DEFAULT},
            "Items per page.",
        ),
        "category": query(
            "category",
            {"type": "string", "maxLength": QUERY_MAX, "pattern": NO_NUL},
            "Category id or slug (sub-categories included).",
        ),
        "tag": query(
            "tag",
            {"type": "string", "maxLength": QUERY_MAX, "pattern": NO_NUL},
            "Tag slug or name.",
        ),
        "q": query(
            "q",
            {"type": "string", "maxLength": QUERY_MAX, "pattern": NO_NUL},
            "Search words (diacritics optional, each word a prefix).",
        ),
        "article_status": query(
            "status",
            {"type": "string", "enum": list(ARTICLE_STATUSES)},
            "Editors and admins: `draft` or `scheduled` articles (default: published).",
        ),
        "page_status": query(
            "status",
            {"type": "string", "enum": list(PAGE_STATUSES)},
            "Editors and admins: `draft` pages (default: published).",
        ),
    }


OPTIONAL_AUTH: list[dict[str, list[str]]] = [{}, {BEARER: []}]
REQUIRED_AUTH: list[dict[str, list[str]]] = [{BEARER: []}]


def _responses(ok: dict[str, Any], *errors: tuple[str, str]) -> dict[str, Any]:
    responses = dict(ok)
    for status, name in errors:
        responses[status] = _ref("responses", name)
    return responses


def _json_response(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {JSON: {"schema": schema}}}


def _body(schema: str) -> dict[str, Any]:
    return {"required": True, "content": {JSON: {"schema": _ref("schemas", schema)}}}


WRITE_ERRORS = (
    ("400", "BadRequest"),
    ("401", "Unauthorized"),
    ("403", "Forbidden"),
    ("409", "Conflict"),
    ("413", "PayloadTooLarge"),
    ("415", "UnsupportedMediaType"),
    ("422", "Unprocessable"),
)


def collection_paths(c: Collection) -> dict[str, Any]:
    """The list/create and get/update/delete paths of one collection."""
    name = c.resource.name
    plural = c.path.capitalize()
    item_param = {
        "name": c.id_name,
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_ID},
    }
    list_errors = [("400", "BadRequest"), ("401", "Unauthorized")]
    if c.filters:
        list_errors.append(("403", "Forbidden"))
    if {"category", "tag"} & set(c.filters):
        list_errors.append(("404", "NotFound"))
    collection = {
        "get": {
            "operationId": f"list{plural}",
            "summary": f"List {c.path}",
            "tags": [plural],
            "security": OPTIONAL_AUTH,
            "parameters": [_ref("parameters", p) for p in ("page", "per_page", *c.filters)],
            "responses": _responses(
                {"200": _json_response(f"One page of {c.path}.", _ref("schemas", f"{name}List"))},
                *list_errors,
            ),
        },
        "post": {
            "operationId": f"create{name}",
            "summary": f"Create a {name.lower()}",
            "description": c.writers,
            "tags": [plural],
            "security": REQUIRED_AUTH,
            "requestBody": _body(f"{name}Create"),
            "responses": _responses(
                {
                    "201": {
                        "description": f"The new {name.lower()}.",
                        "headers": {
                            "Location": {
                                "schema": {"type": "string", "format": "uri"},
                                "required": True,
                            }
                        },
                        "content": {JSON: {"schema": _ref("schemas", name)}},
                    }
                },
                *WRITE_ERRORS,
            ),
        },
    }
    item: dict[str, Any] = {
        "parameters": [item_param],
        "get": {
            "operationId": f"get{name}",
            "summary": f"Get a {name.lower()}",
            "tags": [plural],
            "security": OPTIONAL_AUTH,
            "responses": _responses(
                {"200": _json_response(f"The {name.lower()}.", _ref("schemas", name))},
                ("401", "Unauthorized"),
                ("404", "NotFound"),
            ),
        },
        "delete": {
            "operationId": f"delete{name}",
            "summary": f"Delete a {name.lower()}",
            "description": c.writers,
            "tags": [plural],
            "security": REQUIRED_AUTH,
            "responses": _responses(
                {"204": {"description": "Deleted."}},
                ("401", "Unauthorized"),
                ("403", "Forbidden"),
                ("404", "NotFound"),
            ),
        },
    }
    for method, verb in (("patch", "Update"), ("put", "Replace")):
        item[method] = {
            "operationId": f"{verb.lower()}{name}",
            "summary": f"Change fields of a {name.lower()}"
            + (" (same as PATCH: fields left out are kept)" if method == "put" else ""),
            "description": c.writers,
            "tags": [plural],
            "security": REQUIRED_AUTH,
            "requestBody": _body(f"{name}Update"),
            "responses": _responses(
                {"200": _json_response(f"The changed {name.lower()}.", _ref("schemas", name))},
                *WRITE_ERRORS,
                ("404", "NotFound"),
            ),
        }
    return {f"{PREFIX}/{c.path}": collection, f"{PREFIX}/{c.path}/{{{c.id_name}}}": item}


def _path_parameter(converter: str, name: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string", "pattern": "^[^/]+$"}
    if converter == "int":
        schema = {"type": "integer", "minimum": 0, "maximum": MAX_ID}
    return {"name": name, "in": "path", "required": True, "schema": schema}


def plugin_paths() -> dict[str, Any]:
    """The operations of every active plugin's API endpoints (none outside an application).

    Bodies come from the routes' :class:`~cms.api.validation.Field` objects,
    the same ones that check them; every operation may answer 400, 401 and
    404 (bad input, bad token, plugin disabled), with a role or as a write 403
    (an anonymous write may be refused: a robot, a voting rule), and a write
    the body errors (413, 415, 422) and 409; one with a limit on calls
    without a token (:func:`cms.api.routes.anonymous_limit`) 429.
    """
    if not has_app_context():
        return {}
    paths: dict[str, Any] = {}
    for plugin, route, rule in routes.active_routes():
        path = routes.VARIABLE.sub(r"{\2}", rule.rule)
        item = paths.setdefault(path, {})
        item["parameters"] = [
            _path_parameter(converter or "default", name)
            for converter, name in routes.VARIABLE.findall(rule.rule)
        ]
        method = route.method.lower()
        errors = [("400", "BadRequest"), ("401", "Unauthorized"), ("404", "NotFound")]
        if route.auth != "public" or method != "get":  # a public write may refuse a robot
            errors.append(("403", "Forbidden"))
        if method != "get":
            errors += [
                ("409", "Conflict"),
                ("413", "PayloadTooLarge"),
                ("415", "UnsupportedMediaType"),
                ("422", "Unprocessable"),
            ]
        ok = (
            {"description": "Done."}
            if route.status == 204
            else _json_response("The answer.", route.response or {"type": "object"})
        )
        operation: dict[str, Any] = {
            "operationId": routes.operation_id(plugin, route),
            "summary": route.summary or str(plugin.title or plugin.name),
            "tags": [str(plugin.title or plugin.name)],
            "security": OPTIONAL_AUTH if route.auth == "public" else REQUIRED_AUTH,
            "responses": _responses({str(route.status): ok}, *errors),
        }
        limit = routes.anonymous_limit(route, current_app.config)
        if limit:
            operation["responses"]["429"] = too_many_requests(limit)
        if route.query:
            operation["parameters"] = [
                {
                    "name": spec.name,
                    "in": "query",
                    "required": spec.required,
                    "schema": query_schema(spec.kind),
                    "description": spec.description,
                }
                for spec in route.query
            ]
        if route.body:
            resource = Resource(operation["operationId"], tuple(route.body))
            operation["requestBody"] = {
                "required": True,
                "content": {JSON: {"schema": input_schema(resource, creating=True)}},
            }
        item[method] = operation
    return paths


def schemas() -> dict[str, Any]:
    """Every named schema: objects, their lists, create and update bodies, the error."""
    named: dict[str, Any] = {
        "Error": ERROR_SCHEMA,
        "CategoryRef": serializers.CATEGORY_REF_SCHEMA,
        "Author": serializers.AUTHOR_SCHEMA,
        "Image": serializers.IMAGE_SCHEMA,
    }
    for c in COLLECTIONS:
        name = c.resource.name
        named[name] = serializers.with_plugin_fields(name, c.schema)
        named[f"{name}List"] = list_schema(name)
        named[f"{name}Create"] = input_schema(c.resource, creating=True)
        named[f"{name}Update"] = input_schema(c.resource, creating=False)
    named.update(plugins.SCHEMAS)
    return named


def document() -> dict[str, Any]:
    """The whole OpenAPI 3.1 document."""
    paths: dict[str, Any] = {}
    for c in COLLECTIONS:
        paths.update(collection_paths(c))
    paths.update(plugins.openapi_paths(PREFIX, lambda name: _ref("responses", name)))
    paths.update(plugin_paths())
    paths[f"{PREFIX}/openapi.json"] = {
        "get": {
            "operationId": "openapi",
            "summary": "This document",
            "tags": ["Meta"],
            "security": OPTIONAL_AUTH,
            "responses": {
                "200": _json_response("The OpenAPI document.", {"type": "object"}),
                "401": _ref("responses", "Unauthorized"),
            },
        }
    }
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Portal CMS API",
            "version": cms.__version__,
            "description": (
                "Articles, pages, categories and tags of the portal. Reads are public for "
                "published content; writes need `Authorization: Bearer TOKEN` "
                "(`cms token create EMAIL`). Errors are "
                '`{"error": {"code": "...", "message": "..."}}`.'
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas(),
            "parameters": parameters(),
            "responses": ERROR_RESPONSES,
            "securitySchemes": {
                BEARER: {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "An API token made by `cms token create EMAIL`.",
                }
            },
        },
    }
