"""``GET /api/v1/articles/<id>/related``: an article's list, as the core API answers articles."""

from __future__ import annotations

from typing import Any

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from cms.api.serializers import articles_json
from cms.content import public_filter
from cms.extensions import db
from cms.models import Article
from plugins.related.index import list_query
from plugins.related.widgets import listed_count

#: Path of the endpoint (the engine mounts it under the core API's rules).
PATH = "/api/v1/articles/<int:article_id>/related"

#: JSON Schema of the answer: ``{"items": [article, ...]}``.
RESPONSE = {
    "type": "object",
    "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/Article"}}},
    "required": ["items"],
}


def related(article_id: int) -> dict[str, Any]:
    """The public article's related articles, best first, at most the ``count`` setting.

    Each item is an article object exactly as ``GET /api/v1/articles/<id>``
    answers it (``views`` and plugin fields included). An unknown article, a
    draft, a scheduled one whose time has not come: a JSON 404.
    """
    public = select(Article.id).where(Article.id == article_id, public_filter())
    if db.session.execute(public).scalar_one_or_none() is None:
        abort(404)
    query = list_query(article_id, listed_count()).options(selectinload(Article.tags))
    return {"items": articles_json(list(db.session.execute(query).unique().scalars()))}
