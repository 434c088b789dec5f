"""The comments plugin's table: one row per comment, whatever its status.

Nothing identifying is kept in clear but what the commenter typed: the client
address is a keyed hash (:func:`plugins.comments.privacy.address_hash`), the
email is kept for the retention period of the settings and then cleared,
while its keyed hash stays so that an editor can still erase everything one
commenter left, and "approved for returning commenters" can recognise them.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model
from cms.models import UTCDateTime, utcnow

#: Statuses a comment may have: waiting for an editor, shown to readers, or kept as spam.
STATUSES = ("pending", "approved", "spam")
#: Longest name, email and comment text, in characters after NFC.
NAME_MAX, EMAIL_MAX, BODY_MAX = 80, 254, 5000
#: Length of a keyed hash: 64 hex digits of an HMAC-SHA256.
HASH_LENGTH = 64


class CommentsComment(Model):
    """A reader's comment on an article (``parent_id`` set for a reply)."""

    __tablename__ = "comments_comment"
    __table_args__ = (
        sa.Index("ix_comments_comment_listing", "article_id", "status", "root_id", "id"),
        # Ids never reused on SQLite: a moderation button left open on a deleted comment
        # must not act on the next one.
        {"sqlite_autoincrement": True},
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The article commented on (no foreign key: the hooks delete comments with articles).
    article_id: Mapped[int] = mapped_column(sa.Integer)
    #: The comment answered, or ``None`` for a comment on the article itself.
    parent_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True, index=True)
    #: The top-level comment of the thread (its own id for a top-level comment, once stored).
    root_id: Mapped[int | None] = mapped_column(sa.Integer, nullable=True)
    #: 0 for a top-level comment, 1 for a reply to it, and so on.
    depth: Mapped[int] = mapped_column(sa.SmallInteger, default=0)
    #: The name given (plain text, NFC, one line).
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    #: The email given, never shown publicly; cleared after the retention period.
    email: Mapped[str | None] = mapped_column(sa.String(EMAIL_MAX), nullable=True)
    #: Keyed hash of the lower-cased email (kept after the email is cleared), or ``None``.
    email_hash: Mapped[str | None] = mapped_column(
        sa.String(HASH_LENGTH), nullable=True, index=True
    )
    #: The comment (plain text, NFC, line breaks kept).
    body: Mapped[str] = mapped_column(sa.Text)
    #: One of :data:`STATUSES`.
    status: Mapped[str] = mapped_column(sa.String(16), default="pending")
    #: Keyed hash of the client address.
    address_hash: Mapped[str] = mapped_column(sa.String(HASH_LENGTH), default="")
    #: When it was sent (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
