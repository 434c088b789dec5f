"""The audit log: who changed what, and when."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.extensions import Model
from cms.models.types import UTCDateTime, utcnow


class AuditEntry(Model):
    """One recorded action of a back-office user or API token."""

    __tablename__ = "audit_entry"
    __table_args__ = (sa.Index("ix_audit_entry_object", "object_type", "object_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    #: The user's email at the time, kept when the user is deleted.
    user_email: Mapped[str] = mapped_column(sa.String(254), default="")
    #: What happened, e.g. ``article.update``.
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40), default="")
    object_id: Mapped[int | None] = mapped_column()
    #: A one-line description in the language of whoever acted.
    summary: Mapped[str] = mapped_column(sa.String(500), default="")
    details: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    ip: Mapped[str] = mapped_column(sa.String(45), default="")

    user = relationship("User")
