"""The links plugin's tables: groups of website links (``links_group``, ``links_link``).

Click counts are not columns: they live in the shared store (:mod:`cms.store`,
keys ``links:clicks:<link id>``), so that every worker and host counts the same
clicks without a write to these tables per click.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.extensions import Model
from cms.models import Media, UTCDateTime, utcnow

#: Longest group or link title, in characters as stored (NFC).
TITLE_MAX = 200
#: Longest link URL, in characters (what browsers and servers reliably carry).
URL_MAX = 2000


class LinkGroup(Model):
    """A named set of links ("Liên kết website"), shown by the ``links.links`` widget."""

    __tablename__ = "links_group"
    # SQLite: never reuse the id of a deleted group (widgets name groups by id).
    __table_args__ = {"sqlite_autoincrement": True}

    #: Primary key; widget instances refer to it in their ``group`` setting.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: Shown as the group's heading (list, logos) or its ``<optgroup>`` label (jump menu).
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    #: Order among groups, lowest first.
    position: Mapped[int] = mapped_column(default=0)
    #: An inactive group is shown nowhere, its links included.
    active: Mapped[bool] = mapped_column(default=True)
    #: When it was created (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    #: Its links, in their order.
    links: Mapped[list[Link]] = relationship(
        back_populates="group",
        order_by="[Link.position, Link.id]",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )

    def __repr__(self) -> str:
        return f"<LinkGroup {self.id} {self.title!r}>"


class Link(Model):
    """One website link of a group: a title, an http(s) URL, an optional logo."""

    __tablename__ = "links_link"
    __table_args__ = (
        sa.Index("ix_links_link_group_position", "group_id", "position"),
        # SQLite: never reuse the id of a deleted link, whose click counter was dropped.
        {"sqlite_autoincrement": True},
    )

    #: Primary key; ``/links/go/<id>`` redirects to :attr:`url`.
    id: Mapped[int] = mapped_column(primary_key=True)
    #: The group it belongs to (deleting the group deletes its links).
    group_id: Mapped[int] = mapped_column(sa.ForeignKey("links_group.id", ondelete="CASCADE"))
    #: What readers see (escaped on output).
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    #: An absolute ``http`` or ``https`` URL, checked by :func:`plugins.links.urls.check_url`.
    url: Mapped[str] = mapped_column(sa.String(URL_MAX))
    #: Order within the group, lowest first.
    position: Mapped[int] = mapped_column(default=0)
    #: An image of the media library shown by the logo display (``None``: the title instead).
    logo_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("media.id", ondelete="SET NULL"), index=True
    )
    #: An inactive link is shown nowhere and ``/links/go/<id>`` answers 404.
    active: Mapped[bool] = mapped_column(default=True)
    #: When it was created and last changed (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    #: The group (see :attr:`group_id`).
    group: Mapped[LinkGroup] = relationship(back_populates="links")
    #: The logo's media item.
    logo: Mapped[Media | None] = relationship(Media)

    def __repr__(self) -> str:
        return f"<Link {self.id} {self.url!r}>"
