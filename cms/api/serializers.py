"""What the API answers: content objects as JSON, and the JSON Schema of each.

Every ``*_json`` function has an ``*_SCHEMA`` beside it, which the OpenAPI
document publishes; the tests check that the keys agree and schemathesis that
the values do.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from cms.content.media import visible_text
from cms.models import ARTICLE_STATUSES, PAGE_STATUSES, Article, Category, Media, Page, Tag, User
from cms.public import urls


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
        "views": {"type": "integer", "minimum": 0},
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


def article_json(article: Article) -> dict[str, Any]:
    """An article (see :data:`ARTICLE_SCHEMA`)."""
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
        "views": article.views or 0,
        "created_at": iso(article.created_at),
        "updated_at": iso(article.updated_at),
    }


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
    }


def tag_json(tag: Tag) -> dict[str, Any]:
    """A tag (see :data:`TAG_SCHEMA`)."""
    return {
        "id": tag.id,
        "name": tag.name,
        "slug": tag.slug,
        "url": urls.tag_url(tag, external=True),
    }
