"""The back-office report: daily series, top articles, top referrers, crawler share, CSV.

Read from the daily tables (:mod:`plugins.stats.models`) after a rollup of
today and yesterday, so the newest numbers show; never from raw hits.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import func, select

from cms.extensions import db
from cms.models import Article
from plugins.stats import keys, rollup
from plugins.stats.models import StatsArticleDaily, StatsDaily, StatsReferrerDaily

#: The report's periods, in days.
PERIODS = (30, 90, 365)
#: Rows of the top lists.
TOP = 10
#: First characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Day:
    """One day of the series."""

    day: date
    visits: int
    page_views: int
    crawler_hits: int


@dataclass(frozen=True)
class Report:
    """What the report screen shows for a period."""

    days: list[Day]
    top_articles: list[tuple[int, str, int]]
    top_referrers: list[tuple[str, int]]
    crawler_share: float

    @property
    def visits(self) -> int:
        """Visits over the period."""
        return sum(d.visits for d in self.days)

    @property
    def page_views(self) -> int:
        """Page views over the period."""
        return sum(d.page_views for d in self.days)


def build(period: int, today: date | None = None) -> Report:
    """The report of the ``period`` days ending today (site time zone), rolled up first.

    ``period`` outside :data:`PERIODS` is taken as 30. Raises
    :class:`sqlalchemy.exc.SQLAlchemyError` when the database fails.
    """
    period = period if period in PERIODS else PERIODS[0]
    end = today or keys.today()
    rollup.roll_up([end - timedelta(days=1), end])
    start = end - timedelta(days=period - 1)
    stored = {
        row.day: row
        for row in db.session.execute(
            select(StatsDaily).where(StatsDaily.day >= start, StatsDaily.day <= end)
        ).scalars()
    }
    days = []
    for day in keys.days_back(end, period):
        row = stored.get(day)
        days.append(
            Day(day, row.visits, row.page_views, row.crawler_hits) if row else Day(day, 0, 0, 0)
        )
    views = func.sum(StatsArticleDaily.views).label("views")
    articles = db.session.execute(
        select(StatsArticleDaily.article_id, Article.title, views)
        .join(Article, Article.id == StatsArticleDaily.article_id, isouter=True)
        .where(StatsArticleDaily.day >= start)
        .group_by(StatsArticleDaily.article_id, Article.title)
        .order_by(views.desc(), StatsArticleDaily.article_id)
        .limit(TOP)
    ).all()
    hosts = func.sum(StatsReferrerDaily.views).label("views")
    referrers = db.session.execute(
        select(StatsReferrerDaily.host, hosts)
        .where(StatsReferrerDaily.day >= start)
        .group_by(StatsReferrerDaily.host)
        .order_by(hosts.desc(), StatsReferrerDaily.host)
        .limit(TOP)
    ).all()
    crawlers = sum(d.crawler_hits for d in days)
    everyone = crawlers + sum(d.page_views for d in days)
    return Report(
        days=days,
        top_articles=[(int(a), t or f"#{a}", int(v)) for a, t, v in articles],
        top_referrers=[(str(h), int(v)) for h, v in referrers],
        crawler_share=crawlers / everyone if everyone else 0.0,
    )


@dataclass(frozen=True)
class Chart:
    """An SVG line chart of visits and page views per day (coordinates only, no text of users)."""

    width: int
    height: int
    visits: str
    page_views: str
    top: int
    labels: list[tuple[float, str]]


def chart(days: Sequence[Day], width: int = 720, height: int = 240) -> Chart:
    """Polyline points for ``days`` (oldest first) in a ``width`` x ``height`` box."""
    pad = 30
    top = max([1, *(d.page_views for d in days), *(d.visits for d in days)])
    step = (width - 2 * pad) / max(1, len(days) - 1)

    def points(values: Iterable[int]) -> str:
        return " ".join(
            f"{pad + i * step:.1f},{height - pad - (v / top) * (height - 2 * pad):.1f}"
            for i, v in enumerate(values)
        )

    ticks = sorted({0, len(days) // 2, max(0, len(days) - 1)})
    labels = [(pad + i * step, days[i].day.isoformat()) for i in ticks if i < len(days)]
    return Chart(
        width,
        height,
        points(d.visits for d in days),
        points(d.page_views for d in days),
        top,
        labels,
    )


def neutralised(cell: object) -> str:
    """A CSV cell that a spreadsheet never runs as a formula (a leading ``'`` when needed)."""
    text = str(cell)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_text(report: Report) -> str:
    """The report as CSV: the days, then the top articles and referrers; cells neutralised."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["day", "visits", "page_views", "crawler_hits"])
    for d in report.days:
        writer.writerow([d.day.isoformat(), d.visits, d.page_views, d.crawler_hits])
    writer.writerow([])
    writer.writerow(["article_id", "title", "views"])
    for article_id, title, views in report.top_articles:
        writer.writerow([article_id, neutralised(title), views])
    writer.writerow([])
    writer.writerow(["referrer_host", "views"])
    for host, views in report.top_referrers:
        writer.writerow([neutralised(host), views])
    return out.getvalue()
