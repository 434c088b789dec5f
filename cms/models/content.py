"""Content models: articles, pages, categories, tags, media and slug history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from cms.extensions import Model, db
from cms.models.types import UTCDateTime, utcnow

#: Article states. ``scheduled`` articles turn public by themselves when their time comes.
ARTICLE_STATUSES = ("draft", "published", "scheduled")
#: Page states.
PAGE_STATUSES = ("draft", "published")

TITLE_MAX = 300
SLUG_MAX = 200
SUMMARY_MAX = 2000
BODY_MAX = 1_000_000
NAME_MAX = 120

article_tag = sa.Table(
    "article_tag",
    db.metadata,
    sa.Column("article_id", sa.ForeignKey("article.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", sa.ForeignKey("tag.id", ondelete="CASCADE"), primary_key=True),
    sa.Index("ix_article_tag_tag_article", "tag_id", "article_id"),
)


class Category(Model):
    """A section of the portal (news, administrative reform, ...); may have a parent."""

    __tablename__ = "category"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    description: Mapped[str] = mapped_column(sa.Text, default="")
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    show_on_home: Mapped[bool] = mapped_column(default=True)

    parent: Mapped[Category | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Category]] = relationship(
        back_populates="parent", order_by="Category.position"
    )

    def __repr__(self) -> str:
        return f"<Category {self.slug}>"


class Tag(Model):
    """A free keyword shared by articles."""

    __tablename__ = "tag"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(NAME_MAX), unique=True)
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)

    def __repr__(self) -> str:
        return f"<Tag {self.slug}>"


class Media(Model):
    """An uploaded or generated image, stored under a generated file name."""

    __tablename__ = "media"

    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(sa.String(255), unique=True)
    original_name: Mapped[str] = mapped_column(sa.String(255), default="")
    mime_type: Mapped[str] = mapped_column(sa.String(60))
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    size: Mapped[int] = mapped_column(default=0)
    alt: Mapped[str] = mapped_column(sa.String(500), default="")
    #: Resized copies: variant name (``thumbnail``, ``medium``, ``large``, ``webp``) -> file name.
    variants: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )

    def __repr__(self) -> str:
        return f"<Media {self.filename}>"


def visible_now(status: str, published_at: datetime | None) -> bool:
    """Whether readers may see an article of ``status`` published at ``published_at`` now.

    Published and scheduled articles are public from their ``published_at``
    (UTC) on; drafts and unpublished ones never are. The same rule as the SQL
    filter :func:`cms.content.public_filter`, for rows already loaded.
    """
    return (
        status in ("published", "scheduled")
        and published_at is not None
        and published_at <= utcnow()
    )


class Article(Model):
    """A news article. Public when published (or scheduled) and its time has come."""

    __tablename__ = "article"
    __table_args__ = (
        sa.Index("ix_article_status_published_at", "status", "published_at"),
        # Lists walk these newest first, reading nothing else (migration 0010).
        sa.Index("ix_article_newest", "published_at", "id", "status", "category_id"),
        sa.Index("ix_article_category_newest", "category_id", "published_at", "id", "status"),
        sa.CheckConstraint("status IN ('draft', 'published', 'scheduled')", name="status_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    #: Title, summary and body text folded for search (lower case, no diacritics).
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="draft")
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    category_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("category.id", ondelete="SET NULL")
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user.id", ondelete="SET NULL"), index=True
    )
    image_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("media.id", ondelete="SET NULL"), index=True
    )

    category: Mapped[Category | None] = relationship(lazy="joined")
    author = relationship("User", lazy="joined")
    image: Mapped[Media | None] = relationship(lazy="joined")
    tags: Mapped[list[Tag]] = relationship(secondary=article_tag, order_by=Tag.name)

    @property
    def is_public(self) -> bool:
        """Whether readers may see the article now (:func:`visible_now`)."""
        return visible_now(self.status, self.published_at)

    @property
    def effective_status(self) -> str:
        """``published`` once a scheduled article's time has come, else the stored status."""
        if self.status == "scheduled" and self.is_public:
            return "published"
        return self.status

    def __repr__(self) -> str:
        return f"<Article {self.slug}>"


class Page(Model):
    """A standalone page (about, contact, ...); pages form a tree shown in the menu."""

    __tablename__ = "page"
    __table_args__ = (sa.CheckConstraint("status IN ('draft', 'published')", name="status_valid"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX), unique=True)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20), default="published")
    parent_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("page.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    show_in_menu: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))

    author = relationship("User")
    parent: Mapped[Page | None] = relationship(remote_side=[id], back_populates="children")
    children: Mapped[list[Page]] = relationship(back_populates="parent", order_by="Page.position")

    @property
    def is_public(self) -> bool:
        """Whether readers may see the page."""
        return self.status == "published"

    @property
    def ancestors(self) -> list[Page]:
        """The pages above this one, root first (cycles are cut)."""
        chain: list[Page] = []
        node = self.parent
        while node is not None and node not in chain and node is not self:
            chain.insert(0, node)
            node = node.parent
        return chain

    @property
    def path(self) -> str:
        """The page's URL path: its ancestors' slugs and its own, joined by ``/``."""
        return "/".join([p.slug for p in self.ancestors] + [self.slug])

    def __repr__(self) -> str:
        return f"<Page {self.slug}>"


class SlugHistory(Model):
    """A slug an object used to have; its old URL answers with a 301 to the current one."""

    __tablename__ = "slug_history"
    __table_args__ = (sa.UniqueConstraint("kind", "slug", name="uq_slug_history_kind_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(20))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX))
    object_id: Mapped[int] = mapped_column(index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ArticleRevision(Model):
    """The state of an article before one of its saves; editors compare and restore these."""

    __tablename__ = "article_revision"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        sa.ForeignKey("article.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Who made the save that replaced this version.
    saved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id", ondelete="SET NULL"))
    title: Mapped[str] = mapped_column(sa.String(TITLE_MAX))
    slug: Mapped[str] = mapped_column(sa.String(SLUG_MAX))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    body_html: Mapped[str] = mapped_column(sa.Text, default="")
    status: Mapped[str] = mapped_column(sa.String(20))
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    category_id: Mapped[int | None] = mapped_column()
    image_id: Mapped[int | None] = mapped_column()
    tags: Mapped[list] = mapped_column(sa.JSON, default=list)

    saved_by = relationship("User")
