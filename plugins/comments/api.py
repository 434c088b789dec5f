"""The comments' JSON API (declared in ``plugins/comments/__init__.py``).

- ``GET /api/v1/articles/<id>/comments?page=N``: approved comments, oldest
  first (top level by pages, each followed by its replies): ``{"items",
  "page", "per_page", "total"}`` (``total``: top-level comments).
- ``POST /api/v1/articles/<id>/comments``: ``name``, ``email``, ``body``,
  ``parent_id``, ``captcha_id``, ``captcha_answer``; 201 ``{"id", "status"}``.
  A wrong, expired, reused or missing captcha is a 422 naming
  ``captcha_answer``; the rate limit 429; a repeat 409.
- ``POST /api/v1/captcha`` (``{}``, or ``{"previous": id}`` to burn the challenge
  it replaces): a new challenge ``{"captcha_id", "image_url", "question"}``
  (201; ``question``: the text alternative, or null).
- ``PATCH /api/v1/comments/<id>`` (editors): ``status``, ``name``, ``body``;
  the comment as editors see it. ``DELETE`` (editors): 204, replies included.
"""

from __future__ import annotations

from typing import Any

from flask import request
from flask_babel import gettext as _

from cms.api.errors import ApiError, invalid, not_found
from cms.extensions import db
from cms.models import Article
from cms.page_view import Visitor
from plugins.comments.captcha import burn, new_challenge
from plugins.comments.listing import thread
from plugins.comments.models import CommentsComment
from plugins.comments.moderation import delete_comments, edit, set_status
from plugins.comments.posting import Draft, Refused, submit
from plugins.comments.settings import current_settings
from plugins.comments.views import public_article

#: One comment as readers see it.
COMMENT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "parent_id": {"type": ["integer", "null"]},
        "name": {"type": "string"},
        "body": {"type": "string", "description": "Plain text; line breaks as \\n."},
        "created_at": {"type": "string", "format": "date-time"},
    },
    "required": ["id", "parent_id", "name", "body", "created_at"],
}
LIST_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "items": {"type": "array", "items": COMMENT_SCHEMA},
        "page": {"type": "integer"},
        "per_page": {"type": "integer"},
        "total": {"type": "integer"},
    },
    "required": ["items", "page", "per_page", "total"],
}
CREATED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "id": {"type": "integer"},
        "status": {"type": "string", "enum": ["pending", "approved"]},
    },
    "required": ["id", "status"],
}
CHALLENGE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "captcha_id": {"type": "string"},
        "image_url": {"type": "string"},
        "question": {"type": ["string", "null"]},
    },
    "required": ["captcha_id", "image_url"],
}
MODERATED_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        **COMMENT_SCHEMA["properties"],
        "article_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["pending", "approved", "spam"]},
    },
    "required": [*COMMENT_SCHEMA["required"], "article_id", "status"],
}


def _article(article_id: int) -> Article:
    article = public_article(article_id)
    if article is None:
        raise not_found(_("This article does not exist or is not published."))
    return article


def _address() -> str:
    return Visitor.from_environ(request.environ).address


def api_list(article_id: int, query: dict[str, Any]) -> dict[str, Any]:
    """``GET``: a page (``?page=N``, default 1) of the article's approved comments."""
    article = _article(article_id)
    per_page = current_settings().per_page
    found = thread(article.id, query.get("page", 1), per_page)
    return {
        "items": [node.as_json() for node in found.flat()],
        "page": found.page,
        "per_page": per_page,
        "total": found.total_top,
    }


def api_post(article_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """``POST``: check and store a comment; 201 ``{"id", "status"}``."""
    article = _article(article_id)
    settings = current_settings()
    if not data.get("name", "").strip() or not data.get("body", "").strip():
        missing = [name for name in ("name", "body") if not data.get(name, "").strip()]
        raise invalid({name: _("This field is required.") for name in missing})
    draft = Draft(data["name"], data.get("email") or "", data["body"], data.get("parent_id"))
    try:
        outcome = submit(
            article, draft, _address(), data.get("captcha_id"), data.get("captcha_answer"), settings
        )
    except Refused as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        raise ApiError(
            exc.status, exc.message, code=exc.code, fields=exc.fields or None, headers=headers
        ) from None
    return {"id": outcome.id, "status": outcome.status}


def api_challenge(data: dict[str, Any]) -> dict[str, Any]:
    """``POST``: a new challenge for the caller's address; ``previous``, if given, is burnt."""
    burn(data.get("previous"))
    challenge = new_challenge(_address(), current_settings())
    body = {
        "captcha_id": challenge.id,
        "image_url": challenge.image_url,
        "question": challenge.question,
    }
    return body


def _comment(comment_id: int) -> CommentsComment:
    comment = db.session.get(CommentsComment, comment_id)
    if comment is None:
        raise not_found()
    return comment


def moderated_json(comment: CommentsComment) -> dict[str, Any]:
    """A comment as editors see it in the API (no email, no address)."""
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "name": comment.name,
        "body": comment.body,
        "status": comment.status,
        "created_at": comment.created_at.isoformat(),
    }


def api_patch(comment_id: int, data: dict[str, Any]) -> dict[str, Any]:
    """``PATCH`` (editors): change the status, the name or the text."""
    comment = _comment(comment_id)
    if "name" in data or "body" in data:
        try:
            edit(comment, data.get("name", comment.name), data.get("body", comment.body))
        except ValueError:
            fields = [name for name in ("name", "body") if name in data]
            raise invalid({name: _("This field is required.") for name in fields}) from None
    if "status" in data:
        set_status([comment], data["status"])
    return moderated_json(comment)


def api_delete(comment_id: int) -> None:
    """``DELETE`` (editors): the comment and its replies."""
    delete_comments([_comment(comment_id).id])
