"""Tally: a test plugin whose API endpoints the schemathesis run fuzzes with the core's.

``GET|POST|DELETE /api/v1/articles/<id>/tally`` read, add to (``{"amount": 1..10}``,
anyone, JSON only) and reset (editors) a counter per public article kept in the
shared store, and every article object gets a ``tally`` field.
"""

from __future__ import annotations

from typing import Any

from cms import store
from cms.api.errors import not_found
from cms.api.validation import Field, Integer
from cms.extensions import db
from cms.models import Article
from cms.plugins import ApiField, ApiRoute, Plugin

#: The path of the endpoints, in Flask's syntax.
PATH = "/api/v1/articles/<int:article_id>/tally"
#: JSON Schema of an answer.
COUNT = {
    "type": "object",
    "properties": {
        "article": {"type": "integer", "minimum": 1},
        "count": {"type": "integer", "minimum": 0},
    },
    "required": ["article", "count"],
    "additionalProperties": False,
}


def _key(article_id: int) -> str:
    return f"tally:article:{article_id}"


def _public(article_id: int) -> None:
    """404 unless readers may see article ``article_id``."""
    article = db.session.get(Article, article_id)
    if article is None or not article.is_public:
        raise not_found()


def count(article_id: int) -> dict[str, int]:
    """The tally of a public article."""
    _public(article_id)
    return {"article": article_id, "count": store.get(_key(article_id))}


def add(article_id: int, data: dict[str, Any]) -> dict[str, int]:
    """Add ``amount`` to the tally of a public article; the new tally."""
    _public(article_id)
    return {"article": article_id, "count": store.incr(_key(article_id), data["amount"])}


def reset(article_id: int) -> None:
    """Set the tally of a public article back to zero (204)."""
    _public(article_id)
    store.get_store().delete(_key(article_id))


def tally_of(article: Article) -> int:
    """The ``tally`` field of an article object."""
    return store.get(_key(article.id))


plugin = Plugin(
    name="tally",
    version="1.0.0",
    title="Tally",
    api=[
        ApiRoute(PATH, count, response=COUNT, summary="The tally of an article"),
        ApiRoute(
            PATH,
            add,
            method="POST",
            response=COUNT,
            body=[Field("amount", Integer(1, 10), required=True, description="1 to 10.")],
            summary="Add to the tally of an article",
        ),
        ApiRoute(PATH, reset, method="DELETE", auth="editor", status=204, summary="Reset a tally"),
    ],
    api_fields=[ApiField("tally", {"type": "integer", "minimum": 0}, tally_of)],
)
