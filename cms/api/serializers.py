"""What the API answers: content objects as JSON, and the JSON Schema of each.

Every ``*_json`` function has an ``*_SCHEMA`` beside it, which the OpenAPI
document publishes; the tests check that the keys agree and schemathesis that
the values do.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from flask import has_app_context

from cms.content.media import visible_text
from cms.models import ARTICLE_STATUSES, PAGE_STATUSES, Article, Category, Media, Page, Tag, User
from cms.plugins.base import ApiField
from cms.plugins.registry import registry
from cms.public import urls

log = logging.getLogger(__name__)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 with its UTC offset (``2020-05-14T03:13:21+00:00``), or ``None``."""
    return value.isoformat() if value is not None else None


def _object(properties: dict[str, Any], description: str = "") -> dict[str, Any]:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": properties,
        "required": list(properties),
        "additionalProperties": False,
    }
    if description:
        schema["description"] = description
    return schema


def _nullable(schema: dict[str, Any]) -> dict[str, Any]:
    return {"anyOf": [schema, {"type": "null"}]}


ID = {"type": "integer", "minimum": 1}
STRING = {"type": "string"}
URL = {"type": "string", "format": "uri"}
TIMESTAMP = {"type": "string", "format": "date-time"}
NULLABLE_ID = {"type": ["integer", "null"], "minimum": 1}

#: ``category`` inside an article.
CATEGORY_REF_SCHEMA = _object({"id": ID, "name": STRING, "slug": STRING, "url": URL})
#: ``author`` inside an article.
AUTHOR_SCHEMA = _object({"id": ID, "name": STRING})
#: ``image`` inside an article.
IMAGE_SCHEMA = _object(
    {
        "id": ID,
        "url": URL,
        "alt": STRING,
        "width": {"type": "integer", "minimum": 0},
        "height": {"type": "integer", "minimum": 0},
    }
)

#: An article as the API answers it.
ARTICLE_SCHEMA = _object(
    {
        "id": ID,
        "slug": STRING,
        "title": STRING,
        "summary": STRING,
        "body_html": STRING,
        "url": URL,
        "category": _nullable({"$ref": "#/components/schemas/CategoryRef"}),
        "tags": {"type": "array", "items": STRING},
        "status": {"type": "string", "enum": list(ARTICLE_STATUSES)},
        "published_at": {"type": ["string", "null"], "format": "date-time"},
        "author": _nullable({"$ref": "#/components/schemas/Author"}),
        "image": _nullable({"$ref": "#/components/schemas/Image"}),
        "views": {
            "type": ["integer", "null"],
            "minimum": 0,
            "description": "Page views counted by the stats plugin; null while it is disabled.",
        },
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    },
    "A news article.",
)

#: A page as the API answers it.
PAGE_SCHEMA = _object(
    {
        "id": ID,
        "slug": STRING,
        "title": STRING,
        "summary": STRING,
        "body_html": STRING,
        "url": URL,
        "status": {"type": "string", "enum": list(PAGE_STATUSES)},
        "parent": NULLABLE_ID,
        "position": {"type": "integer"},
        "show_in_menu": {"type": "boolean"},
        "created_at": TIMESTAMP,
        "updated_at": TIMESTAMP,
    },
    "A standalone page.",
)

#: A category as the API answers it.
CATEGORY_SCHEMA = _object(
    {
        "id": ID,
        "name": STRING,
        "slug": STRING,
        "description": STRING,
        "parent": NULLABLE_ID,
        "position": {"type": "integer"},
        "show_on_home": {"type": "boolean"},
        "url": URL,
    },
    "A section of the portal.",
)

#: A tag as the API answers it.
TAG_SCHEMA = _object({"id": ID, "name": STRING, "slug": STRING, "url": URL}, "A keyword.")


def category_ref_json(category: Category | None) -> dict[str, Any] | None:
    """The short form of a category, as articles show it."""
    if category is None:
        return None
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "url": urls.category_url(category, external=True),
    }


def author_json(user: User | None) -> dict[str, Any] | None:
    """An article's author: id and the name readers see (never the email)."""
    if user is None:
        return None
    return {"id": user.id, "name": user.display_name}


def image_json(media: Media | None) -> dict[str, Any] | None:
    """An article's main image."""
    if media is None:
        return None
    return {
        "id": media.id,
        "url": urls.media_url(media, external=True),
        "alt": visible_text(media.alt),
        "width": media.width or 0,
        "height": media.height or 0,
    }


#: :func:`article_json`'s ``views`` default: read the count here.
_READ = object()


def views_of(article_ids: Sequence[int]) -> dict[int, int] | None:
    """``{article id: views}`` from the plugin that counts them (hook ``article_views``).

    ``None`` when no active plugin answers (the ``stats`` plugin is disabled):
    the API then shows ``views: null``. An id the plugin leaves out reads as 0.
    """
    ids = list(dict.fromkeys(int(article_id) for article_id in article_ids))
    if not ids:
        return {}
    answers = registry().call("article_views", article_ids=ids)
    return dict(answers[0]) if answers else None


def article_json(article: Article, views: Any = _READ) -> dict[str, Any]:
    """An article (see :data:`ARTICLE_SCHEMA`).

    ``views`` is its view count (``None``: not counted) when the caller read it
    already (a list reads all of its articles' counts at once:
    :func:`articles_json`); else it is read here.
    """
    if views is _READ:
        counted = views_of([article.id])
        views = None if counted is None else counted.get(article.id, 0)
    return {
        "id": article.id,
        "slug": article.slug,
        "title": article.title,
        "summary": article.summary or "",
        "body_html": article.body_html or "",
        "url": urls.article_url(article, external=True),
        "category": category_ref_json(article.category),
        "tags": [tag.name for tag in article.tags],
        "status": article.effective_status,
        "published_at": iso(article.published_at),
        "author": author_json(article.author),
        "image": image_json(article.image),
        "views": views,
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
        **plugin_values("Article", article),
    }


def articles_json(articles: Sequence[Article]) -> list[dict[str, Any]]:
    """Several articles (see :data:`ARTICLE_SCHEMA`), their view counts read in one round trip."""
    views = views_of([article.id for article in articles])
    return [
        article_json(article, None if views is None else views.get(article.id, 0))
        for article in articles
    ]


def page_json(page: Page) -> dict[str, Any]:
    """A page (see :data:`PAGE_SCHEMA`)."""
    return {
        "id": page.id,
        "slug": page.slug,
        "title": page.title,
        "summary": page.summary or "",
        "body_html": page.body_html or "",
        "url": urls.page_url(page, external=True),
        "status": page.status,
        "parent": page.parent_id,
        "position": page.position or 0,
        "show_in_menu": bool(page.show_in_menu),
        "created_at": iso(page.created_at),
        "updated_at": iso(page.updated_at),
        **plugin_values("Page", page),
    }


def category_json(category: Category) -> dict[str, Any]:
    """A category (see :data:`CATEGORY_SCHEMA`)."""
    return {
        "id": category.id,
        "name": category.name,
        "slug": category.slug,
        "description": category.description or "",
        "parent": category.parent_id,
        "position": category.position or 0,
        "show_on_home": bool(category.show_on_home),
        "url": urls.category_url(category, external=True),
        **plugin_values("Category", category),
    }


def tag_json(tag: Tag) -> dict[str, Any]:
    """A tag (see :data:`TAG_SCHEMA`)."""
    return {
        "id": tag.id,
        "name": tag.name,
        "slug": tag.slug,
        "url": urls.tag_url(tag, external=True),
        **plugin_values("Tag", tag),
    }


def plugin_fields(on: str) -> list[ApiField]:
    """Every loaded plugin's fields on core object ``on`` (active or not: the schema is stable).

    Outside an application (the document built as plain data) there are none.
    """
    if not has_app_context():
        return []
    return [f for plugin in registry().plugins.values() for f in plugin.api_fields if f.on == on]


def plugin_values(on: str, obj: Any) -> dict[str, Any]:
    """The plugin fields of ``obj`` (a core object of kind ``on``): ``null`` when inactive.

    A field whose function fails is ``null`` too, and the failure counts
    against its plugin (:meth:`~cms.plugins.PluginRegistry.record_failure`).
    """
    plugins = registry()
    values: dict[str, Any] = {}
    for name, plugin in plugins.plugins.items():
        wanted = [f for f in plugin.api_fields if f.on == on]
        if not wanted:
            continue
        active = plugins.is_enabled(name)
        for api_field in wanted:
            values[api_field.name] = None
            if not active:
                continue
            try:
                values[api_field.name] = api_field.value(obj)
            except Exception:  # one plugin's error never breaks the core's answer
                log.exception("plugin %s failed in API field %s", name, api_field.name)
                plugins.record_failure(name, f"API field {api_field.name}")
    return values


def with_plugin_fields(on: str, schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` of core object ``on`` with every loaded plugin's fields (each may be null)."""
    fields = plugin_fields(on)
    if not fields:
        return schema
    properties = dict(schema["properties"])
    for api_field in fields:
        properties[api_field.name] = _nullable(dict(api_field.schema))
    return {**schema, "properties": properties, "required": list(properties)}
