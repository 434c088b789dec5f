"""Slugs from titles, Vietnamese transliterated, unique per kind, with history."""

from __future__ import annotations

from typing import Any

from slugify import slugify as _slugify
from sqlalchemy import delete, select

from cms.content.text import clean_text, fold
from cms.extensions import db
from cms.models import SlugHistory
from cms.models.content import SLUG_MAX

#: First path segments that a page slug may not take, because core routes use them.
RESERVED_SLUGS = frozenset(
    {"admin", "api", "static", "media", "themes", "plugins", "search", "feed.xml", "feed",
     "sitemap.xml", "robots.txt", "healthz", "favicon.ico", "tag", "login", "logout"}
)  # fmt: skip


def make_slug(text: str, max_length: int = 80) -> str:
    """Return a URL slug for ``text``: ``Cải cách hành chính`` -> ``cai-cach-hanh-chinh``."""
    folded = fold(clean_text(text))
    return _slugify(folded, max_length=max_length, word_boundary=True, save_order=True)


def unique_slug(
    model: Any, wanted: str, *, kind: str, exclude_id: int | None = None, reserved=()
) -> str:
    """Return ``wanted`` or ``wanted-2``, ``wanted-3``... free among ``model`` and its history.

    A slug still recorded in the history of another existing object of the same
    kind is not reused, so an old URL never starts pointing at different content.
    A history entry whose object is gone no longer holds its slug: it is dropped
    when the slug is given out again.
    """
    base = (wanted or "item")[: SLUG_MAX - 8].strip("-") or "item"
    candidate, n = base, 1
    while True:
        if candidate not in reserved and not _taken(model, candidate, kind, exclude_id):
            return candidate
        n += 1
        candidate = f"{base}-{n}"


def _taken(model: Any, slug: str, kind: str, exclude_id: int | None) -> bool:
    query = select(model.id).where(model.slug == slug)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    if db.session.execute(query.limit(1)).first():
        return True
    owner = history_owner(model, kind, slug)
    return owner is not None and owner != exclude_id


def history_owner(model: Any, kind: str, slug: str) -> int | None:
    """The id of the existing ``model`` row that used to have ``slug``, if any.

    A history entry left by an object that no longer exists is deleted here
    (its old URL already answered 404) and ``None`` is returned, so that the
    slug may be used again.
    """
    owner = lookup_old_slug(kind, slug)
    if owner is None:
        return None
    if db.session.execute(select(model.id).where(model.id == owner)).first() is None:
        forget_slug(kind, slug)
        return None
    return owner


def remember_old_slug(kind: str, old_slug: str, object_id: int) -> None:
    """Record ``old_slug`` so that its URL redirects to the object's current one."""
    existing = db.session.execute(
        select(SlugHistory).where(SlugHistory.kind == kind, SlugHistory.slug == old_slug)
    ).scalar()
    if existing is None:
        db.session.add(SlugHistory(kind=kind, slug=old_slug, object_id=object_id))
    else:
        existing.object_id = object_id


def forget_slug(kind: str, slug: str) -> None:
    """Drop ``slug`` from the history, when an object takes it back as its current slug."""
    db.session.execute(
        delete(SlugHistory).where(SlugHistory.kind == kind, SlugHistory.slug == slug)
    )


def lookup_old_slug(kind: str, slug: str) -> int | None:
    """Return the id of the object that used to have ``slug``, if any."""
    return db.session.execute(
        select(SlugHistory.object_id).where(SlugHistory.kind == kind, SlugHistory.slug == slug)
    ).scalar()
