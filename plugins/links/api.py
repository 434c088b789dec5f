"""``GET /api/v1/links`` and ``GET /api/v1/links/<id>``: the active links, in order.

Mounted by the engine from the :class:`~cms.plugins.ApiRoute` declarations of
:mod:`plugins.links`, with the core API's errors (JSON 404 for an unknown or
inactive id, 405 with ``Allow``...) and its place in ``/api/v1/openapi.json``.
"""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _

from cms.api.errors import not_found
from cms.api.validation import Field, Text
from plugins.links import services
from plugins.links.models import TITLE_MAX, Link

_TEXT = {"type": "string"}
_ID = {"type": "integer", "minimum": 1}
_URI = {"type": "string", "format": "uri"}

#: JSON Schema of one link as the API answers it.
LINK_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": _ID,
        "title": _TEXT,
        "url": {**_URI, "description": "The website's address (http or https)."},
        "group": {**_TEXT, "description": "The title of the link's group."},
        "group_id": _ID,
        "position": {"type": "integer", "minimum": 0, "description": "Order within the group."},
        "logo": {
            "type": ["string", "null"],
            "format": "uri",
            "description": "The logo's image, or null.",
        },
        "go_url": {**_URI, "description": "The site's redirect to the link, which counts clicks."},
    },
    "required": ["id", "title", "url", "group", "group_id", "position", "logo", "go_url"],
}
#: JSON Schema of the list.
LIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": LINK_SCHEMA},
        "total": {"type": "integer", "minimum": 0},
    },
    "required": ["items", "total"],
}


def link_item(link: Link) -> dict[str, Any]:
    """One link as the API answers it (see :data:`LINK_SCHEMA`); absolute URLs on the site's."""
    media = link.logo
    logo = url_for("public.media", filename=media.filename, _external=True) if media else None
    return {
        "id": link.id,
        "title": link.title,
        "url": link.url,
        "group": link.group.title,
        "group_id": link.group_id,
        "position": link.position,
        "logo": logo,
        "go_url": url_for("links.go", link_id=link.id, _external=True),
    }


#: The list's query parameters.
LIST_QUERY = (
    Field(
        "group",
        Text(TITLE_MAX),
        description="Only this group's links: its id or its title (empty: every group).",
    ),
)


def list_links(query: dict[str, Any]) -> dict[str, Any]:
    """``{"items": [...], "total": n}``: the active links of active groups, in order.

    ``query["group"]``, when given, keeps one group (an unknown or inactive
    one lists nothing).
    """
    groups = services.shown_groups(query.get("group"))
    items = [link_item(link) for link in services.shown_links(groups)]
    return {"items": items, "total": len(items)}


def get_link(link_id: int) -> dict[str, Any]:
    """One active link of an active group; a JSON 404 for any other id."""
    link = services.public_link(link_id)
    if link is None:
        raise not_found(_("This link does not exist or is no longer shown."))
    return link_item(link)
