"""The stats plugin's tables: daily aggregates that stay after the raw detail is pruned.

Rows hold **absolute** values for a day (site time zone), written by the
rollup (:mod:`plugins.stats.rollup`) from the shared store's daily counters;
a write keeps the larger of the stored and the new value, so a rollup from a
worker that reads a store missing some counts (Redis down) never lowers them.

- :class:`StatsDaily`: visits, page views and crawler hits per day;
- :class:`StatsArticleDaily`: an article's views per day;
- :class:`StatsReferrerDaily`: page views per day arriving from another site's host.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model

#: Longest referrer host name kept.
HOST_MAX = 100


class StatsDaily(Model):
    """One day's totals."""

    __tablename__ = "stats_daily"

    #: The day in the site time zone.
    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    #: Visits begun that day.
    visits: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Page views that day (crawlers left out).
    page_views: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Pages answered to crawlers that day.
    crawler_hits: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class StatsArticleDaily(Model):
    """An article's views on one day."""

    __tablename__ = "stats_article_daily"
    __table_args__ = (sa.Index("ix_stats_article_daily_article_id", "article_id"),)

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    #: The article (no foreign key: the statistics outlive a deleted article).
    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True)
    views: Mapped[int] = mapped_column(sa.BigInteger, default=0)


class StatsReferrerDaily(Model):
    """Page views arriving from another site's host on one day."""

    __tablename__ = "stats_referrer_daily"

    day: Mapped[date] = mapped_column(sa.Date, primary_key=True)
    #: The referring host name (lower case; never a path or query).
    host: Mapped[str] = mapped_column(sa.String(HOST_MAX), primary_key=True)
    views: Mapped[int] = mapped_column(sa.BigInteger, default=0)
