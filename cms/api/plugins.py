"""Plugin state over the API: ``GET /api/v1/plugins``, ``PATCH /api/v1/plugins/<name>``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from flask_babel import gettext as _

from cms.api import auth
from cms.api.core import BEARER, bp
from cms.api.errors import ApiError, forbidden, invalid, not_found
from cms.api.validation import read_json_object
from cms.audit import record
from cms.extensions import db
from cms.plugins import PluginError, registry

#: What ``state`` says of a plugin, from the least to the most working.
STATES = ("broken", "disabled", "held", "paused", "enabled")

#: JSON Schema of one plugin as the API answers it.
PLUGIN_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "name": {"type": "string"},
        "version": {"type": "string"},
        "title": {"type": "string"},
        "description": {"type": "string"},
        "state": {
            "type": "string",
            "enum": list(STATES),
            "description": (
                "One word: `broken` (failed to load), `disabled` (by an admin), `held` (its "
                "database migrations are not applied: run `cms init`), `paused` (automatically, "
                "after repeated errors) or `enabled` (active: its widgets show, its routes answer)."
            ),
        },
        "reason": {
            "type": ["string", "null"],
            "description": (
                "Why a `held` plugin is held (to anyone), and why a `paused` or `broken` one is "
                "(to admins); otherwise null."
            ),
        },
        "enabled": {"type": "boolean", "description": "Enabled by an admin (may still be paused)."},
        "active": {
            "type": "boolean",
            "description": "Enabled, not paused and not held: its widgets show.",
        },
        "paused": {"type": "boolean"},
        "paused_reason": {"type": "string"},
        "held": {
            "type": "boolean",
            "description": "Held inactive until its database migrations are applied (`cms init`).",
        },
        "broken": {
            "type": "boolean",
            "description": "Failed to load; its error is shown to admins.",
        },
        "error": {"type": ["string", "null"]},
        "widgets": {"type": "array", "items": {"type": "string"}},
    },
    "required": [
        "name", "version", "title", "description", "state", "reason", "enabled", "active",
        "paused", "paused_reason", "held", "broken", "error", "widgets",
    ],
    "additionalProperties": False,
}  # fmt: skip


def plugin_json(name: str, *, admin: bool) -> dict[str, Any]:
    """One plugin (loaded or broken) as JSON (:data:`PLUGIN_SCHEMA`); errors only for admins."""
    plugins = registry()
    if name in plugins.broken:
        error = plugins.broken[name] if admin else None
        return {
            "name": name, "version": "", "title": name, "description": "", "state": "broken",
            "reason": error, "enabled": False, "active": False, "paused": False,
            "paused_reason": "", "held": False, "broken": True, "error": error, "widgets": [],
        }  # fmt: skip
    plugin = plugins.plugins[name]
    state = plugins.states()[name]
    paused = state.paused_at is not None
    reason: str | None = None
    if not state.enabled:
        word = "disabled"
    elif state.held:
        word = "held"
        reason = _(
            "Held inactive: its database tables are not created yet. Run “cms init” on the server."
        )
    elif paused:
        word = "paused"
        reason = state.paused_reason if admin else None
    else:
        word = "enabled"
    return {
        "name": name,
        "version": plugin.version,
        "title": str(plugin.title or name),
        "description": str(plugin.description or ""),
        "state": word,
        "reason": reason,
        "enabled": state.enabled,
        "active": state.active,
        "paused": paused,
        "paused_reason": state.paused_reason if admin else "",
        "held": bool(state.held),
        "broken": False,
        "error": None,
        "widgets": [f"{name}.{w.type}" for w in plugin.widgets],
    }


def _is_admin() -> bool:
    user = auth.current_user()
    return user is not None and user.can("admin")


@bp.get("/plugins")
def list_plugins() -> Response:
    """Every plugin and its state (broken ones included)."""
    plugins = registry()
    names = sorted([*plugins.plugins, *plugins.broken])
    items = [plugin_json(n, admin=_is_admin()) for n in names]
    return jsonify(items=items, page=1, per_page=max(len(items), 1), total=len(items))


@bp.get("/plugins/<name>")
def get_plugin(name: str) -> Response:
    """One plugin and its state."""
    plugins = registry()
    if name not in plugins.plugins and name not in plugins.broken:
        raise not_found()
    return jsonify(plugin_json(name, admin=_is_admin()))


@bp.patch("/plugins/<name>")
def update_plugin(name: str) -> Response:
    """Enable or disable a plugin (admins); applies at once in every worker."""
    user = auth.require_user()
    if not user.can("admin"):
        raise forbidden(_("Only administrators may enable or disable plugins."))
    plugins = registry()
    if name not in plugins.plugins:
        raise not_found()
    data = read_json_object()
    unknown = sorted(set(data) - {"enabled"})
    if unknown:
        raise invalid({unknown[0]: _("Unknown field: %(name)s.", name=unknown[0])})
    if not isinstance(data.get("enabled"), bool):
        raise invalid({"enabled": _("Must be true or false.")})
    try:
        plugins.set_enabled(name, data["enabled"])
    except PluginError as exc:  # the name was checked above: its migrations failed
        raise ApiError(
            409,
            _("Plugin %(name)s cannot be enabled: %(reason)s", name=name, reason=str(exc)),
            code="plugin_migration_failed",
        ) from exc
    action = "enable" if data["enabled"] else "disable"
    record(
        f"plugin.{action}",
        None,
        _("Plugin %(name)s: %(action)s", name=name, action=action),
        user=user,
    )
    db.session.commit()
    return jsonify(plugin_json(name, admin=True))


def openapi_paths(prefix: str, responses: Any) -> dict[str, Any]:
    """The OpenAPI paths of the plugin endpoints (``responses(name)`` refers to a shared one)."""
    one = {
        "description": "The plugin.",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Plugin"}}},
    }
    return {
        f"{prefix}/plugins": {
            "get": {
                "operationId": "listPlugins",
                "summary": "List plugins and their state",
                "tags": ["Plugins"],
                "security": [{}, {BEARER: []}],
                "responses": {
                    "200": {
                        "description": "Every plugin.",
                        "content": {
                            "application/json": {
                                "schema": {"$ref": "#/components/schemas/PluginList"}
                            }
                        },
                    },
                    "401": responses("Unauthorized"),
                },
            }
        },
        f"{prefix}/plugins/{{name}}": {
            "get": {
                "operationId": "getPlugin",
                "summary": "One plugin and its state",
                "tags": ["Plugins"],
                "security": [{}, {BEARER: []}],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {
                    "200": one,
                    "401": responses("Unauthorized"),
                    "404": responses("NotFound"),
                },
            },
            "patch": {
                "operationId": "updatePlugin",
                "summary": "Enable or disable a plugin (admins)",
                "tags": ["Plugins"],
                "security": [{BEARER: []}],
                "parameters": [
                    {"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {"$ref": "#/components/schemas/PluginUpdate"}
                        }
                    },
                },
                "responses": {
                    "200": one,
                    **{
                        s: responses(n)
                        for s, n in (
                            ("400", "BadRequest"),
                            ("401", "Unauthorized"),
                            ("403", "Forbidden"),
                            ("404", "NotFound"),
                            ("409", "Conflict"),
                            ("413", "PayloadTooLarge"),
                            ("415", "UnsupportedMediaType"),
                            ("422", "Unprocessable"),
                        )
                    },
                },
            },
        },
    }


#: Named schemas of the plugin endpoints.
SCHEMAS = {
    "Plugin": PLUGIN_SCHEMA,
    "PluginList": {
        "type": "object",
        "properties": {
            "items": {"type": "array", "items": {"$ref": "#/components/schemas/Plugin"}},
            "page": {"type": "integer"},
            "per_page": {"type": "integer"},
            "total": {"type": "integer"},
        },
        "required": ["items", "page", "per_page", "total"],
    },
    "PluginUpdate": {
        "type": "object",
        "properties": {"enabled": {"type": "boolean"}},
        "required": ["enabled"],
        "additionalProperties": False,
    },
}
