"""Plugin state, placed widget instances and invalidation counters."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model
from cms.models.types import UTCDateTime, utcnow

#: Where a widget instance shows.
VISIBILITY = ("all", "articles", "pages", "categories")


class PluginState(Model):
    """Whether a plugin is enabled, its settings, and whether it was paused for failing."""

    __tablename__ = "plugin_state"

    name: Mapped[str] = mapped_column(sa.String(50), primary_key=True)
    enabled: Mapped[bool] = mapped_column(default=False)
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    #: Set when the plugin was paused automatically after repeated errors.
    paused_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    paused_reason: Mapped[str] = mapped_column(sa.Text, default="")
    #: Alembic head of the plugin's own migrations last applied, if any.
    schema_version: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Why the plugin's own migrations last failed (one line), empty once they apply.
    migration_error: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)


class WidgetInstance(Model):
    """A widget placed in a region of a theme, with its settings and visibility rule."""

    __tablename__ = "widget_instance"
    __table_args__ = (
        sa.Index("ix_widget_instance_theme_region", "theme", "region", "position"),
        sa.CheckConstraint(
            "visibility IN ('all', 'articles', 'pages', 'categories')", name="visibility_valid"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plugin: Mapped[str] = mapped_column(sa.String(50), index=True)
    widget_type: Mapped[str] = mapped_column(sa.String(50))
    theme: Mapped[str] = mapped_column(sa.String(50))
    region: Mapped[str] = mapped_column(sa.String(50))
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200), default="")
    settings: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    visibility: Mapped[str] = mapped_column(sa.String(20), default="all")
    #: Category ids when ``visibility`` is ``categories``.
    category_ids: Mapped[list] = mapped_column(sa.JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    @property
    def full_type(self) -> str:
        """``<plugin>.<widget type>``, as in the ``data-widget`` attribute."""
        return f"{self.plugin}.{self.widget_type}"


class Generation(Model):
    """A counter bumped whenever something cached elsewhere changes (plugins, widgets...).

    Every process reads them (one small query, or a Redis hash when
    configured) and drops what it cached under an older number.
    """

    __tablename__ = "generation"

    key: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class PageCachePurge(Model):
    """A page-cache invalidation, written in the transaction of the change it follows.

    ``tags`` holds the cache tags dropped, separated by spaces (``*`` for
    everything). Every process reads the new rows about once a second and
    applies them to its page cache, so hosts that do not share one (no Redis)
    agree within seconds; rows older than a day are deleted.
    """

    __tablename__ = "page_cache_purge"

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    tags: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
