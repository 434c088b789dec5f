"""What editors do to comments: status changes, edits, deletions and erasing a commenter.

Every operation commits and then drops the cached pages of the articles
whose public comments changed (their list and the count in the meta line),
so readers see the change at once.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import gettext as _
from sqlalchemy import delete, func, select

from cms import generations, page_cache
from cms.extensions import db
from plugins.comments.models import BODY_MAX, NAME_MAX, STATUSES, CommentsComment
from plugins.comments.privacy import email_hash
from plugins.comments.text import clean_body, clean_line


def approved_count(article_id: int) -> int:
    """How many approved comments an article has (one indexed count)."""
    query = select(func.count()).where(
        CommentsComment.article_id == article_id, CommentsComment.status == "approved"
    )
    return int(db.session.execute(query).scalar_one())


def pending_count() -> int:
    """How many comments wait for an editor, on every article."""
    query = select(func.count()).where(CommentsComment.status == "pending")
    return int(db.session.execute(query).scalar_one())


def _commit_and_purge(article_ids: Iterable[int]) -> None:
    """Commit, after marking the meta lines stale; then drop the articles' cached pages."""
    ids = sorted(set(article_ids))
    if ids:
        generations.bump(generations.ARTICLE_META)
    db.session.commit()
    if ids:
        page_cache.invalidate(*(f"article:{i}" for i in ids))


def set_status(comments: Iterable[CommentsComment], status: str) -> int:
    """Give ``comments`` ``status`` (one of :data:`STATUSES`); how many changed. Commits.

    Raises ``ValueError`` for an unknown status.
    """
    if status not in STATUSES:
        raise ValueError(f"unknown comment status {status!r}")
    shown: set[int] = set()
    changed = 0
    for comment in comments:
        if comment.status == status:
            continue
        if "approved" in (comment.status, status):
            shown.add(comment.article_id)
        comment.status = status
        changed += 1
    _commit_and_purge(shown)
    return changed


class EditRefused(ValueError):
    """An edit that cannot be saved; :attr:`errors` maps ``name``/``body`` to a message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(errors.values()))
        #: Field name -> translated message.
        self.errors = errors


def edit(comment: CommentsComment, name: str, body: str) -> None:
    """Change a comment's name and text (cleaned as when sent). Commits.

    Raises :class:`EditRefused` when either is empty once cleaned or longer
    than a comment sent by a reader may be (:data:`NAME_MAX`, :data:`BODY_MAX`).
    """
    name, body = clean_line(name), clean_body(body)
    errors: dict[str, str] = {}
    for field, value, limit in (("name", name, NAME_MAX), ("body", body, BODY_MAX)):
        if not value:
            errors[field] = _("A comment needs a name and a text.")
        elif len(value) > limit:
            errors[field] = _("Use at most %(max)d characters.", max=limit)
    if errors:
        raise EditRefused(errors)
    comment.name, comment.body = name, body
    _commit_and_purge([comment.article_id] if comment.status == "approved" else [])


def _with_replies(ids: set[int]) -> set[int]:
    """``ids`` and the ids of every reply under them, at any depth."""
    found, frontier = set(ids), set(ids)
    while frontier:
        query = select(CommentsComment.id).where(CommentsComment.parent_id.in_(sorted(frontier)))
        frontier = set(db.session.execute(query).scalars()) - found
        found |= frontier
    return found


def delete_comments(ids: Iterable[int]) -> int:
    """Delete comments and the replies under them; how many rows went. Commits."""
    every = _with_replies({int(i) for i in ids})
    if not every:
        return 0
    rows = db.session.execute(
        select(CommentsComment.article_id, CommentsComment.status).where(
            CommentsComment.id.in_(sorted(every))
        )
    ).all()
    db.session.execute(delete(CommentsComment).where(CommentsComment.id.in_(sorted(every))))
    _commit_and_purge(row.article_id for row in rows if row.status == "approved")
    return len(rows)


def comments_of_email(email: str) -> list[int]:
    """The ids of every comment sent with ``email`` (by its keyed hash, any case)."""
    query = select(CommentsComment.id).where(CommentsComment.email_hash == email_hash(email))
    return list(db.session.execute(query).scalars())
