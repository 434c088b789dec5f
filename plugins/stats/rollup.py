"""The rollup: the shared store's daily counters written to the daily tables, once a minute.

Triggered by page views (:func:`maybe_roll_up`): the first worker to claim the
minute (:func:`cms.store.claim`, one winner across workers and hosts) runs
:func:`roll_up` on a background thread, after the answer. It writes the
**absolute** values of today and yesterday (site time zone) into
:mod:`plugins.stats.models`, keeping the larger value on conflict, so
running it twice, or from two workers, changes nothing. Once a day it also
prunes the raw detail older than the retention setting
(:func:`plugins.stats.maintenance.prune`); the daily rows stay.
"""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from flask import Flask, current_app
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from cms import background, store
from cms.extensions import db
from plugins.stats import keys, maintenance
from plugins.stats.models import HOST_MAX
from plugins.stats.settings import current_settings

log = logging.getLogger(__name__)

#: Seconds between two rollups (site-wide).
EVERY = 60.0
#: Key in ``app.extensions``: when this process last asked for the rollup's claim.
_TRIED = "stats_rollup_tried"

_DAILY_SQL = text(
    "INSERT INTO stats_daily (day, visits, page_views, crawler_hits) "
    "VALUES (:day, :visits, :page_views, :crawler_hits) "
    "ON CONFLICT (day) DO UPDATE SET "
    "visits = CASE WHEN excluded.visits > stats_daily.visits "
    "THEN excluded.visits ELSE stats_daily.visits END, "
    "page_views = CASE WHEN excluded.page_views > stats_daily.page_views "
    "THEN excluded.page_views ELSE stats_daily.page_views END, "
    "crawler_hits = CASE WHEN excluded.crawler_hits > stats_daily.crawler_hits "
    "THEN excluded.crawler_hits ELSE stats_daily.crawler_hits END"
)
_ARTICLE_SQL = text(
    "INSERT INTO stats_article_daily (day, article_id, views) VALUES (:day, :article_id, :views) "
    "ON CONFLICT (day, article_id) DO UPDATE SET views = CASE "
    "WHEN excluded.views > stats_article_daily.views THEN excluded.views "
    "ELSE stats_article_daily.views END"
)
_REFERRER_SQL = text(
    "INSERT INTO stats_referrer_daily (day, host, views) VALUES (:day, :host, :views) "
    "ON CONFLICT (day, host) DO UPDATE SET views = CASE "
    "WHEN excluded.views > stats_referrer_daily.views THEN excluded.views "
    "ELSE stats_referrer_daily.views END"
)


def roll_up(days: list[date]) -> int:
    """Write the store's counters of ``days`` into the daily tables; how many rows written.

    One transaction. Raises :class:`sqlalchemy.exc.SQLAlchemyError` when the database fails.
    """
    shared = store.get_store()
    written = 0
    with db.engine.begin() as conn:
        for day in days:
            totals = shared.get_many(
                keys.day_key(prefix, day)
                for prefix in (keys.VISITS_DAY, keys.PAGE_VIEWS_DAY, keys.CRAWLER_DAY)
            )
            visits = totals[keys.day_key(keys.VISITS_DAY, day)]
            page_views = totals[keys.day_key(keys.PAGE_VIEWS_DAY, day)]
            crawlers = totals[keys.day_key(keys.CRAWLER_DAY, day)]
            if visits or page_views or crawlers:
                conn.execute(
                    _DAILY_SQL,
                    {
                        "day": day,
                        "visits": visits,
                        "page_views": page_views,
                        "crawler_hits": crawlers,
                    },
                )
                written += 1
            prefix = keys.day_key(keys.ARTICLE_DAY, day) + ":"
            rows = [
                {"day": day, "article_id": int(key[len(prefix) :]), "views": views}
                for key, views in shared.counters(prefix).items()
                if key[len(prefix) :].isdigit() and views > 0
            ]
            prefix = keys.day_key(keys.REFERRER_DAY, day) + ":"
            hosts = [
                {"day": day, "host": key[len(prefix) :][:HOST_MAX], "views": views}
                for key, views in shared.counters(prefix).items()
                if views > 0
            ]
            for row in sorted(rows, key=lambda r: r["article_id"]):
                conn.execute(_ARTICLE_SQL, row)
            for row in sorted(hosts, key=lambda r: r["host"]):
                conn.execute(_REFERRER_SQL, row)
            written += len(rows) + len(hosts)
    return written


def run(app: Flask) -> None:
    """The background job: if this minute's claim is ours, roll up today and yesterday.

    The first job of a site day also prunes the detail older than the retention.
    Claims are store writes: made here, never while a reader waits.
    """
    with app.app_context():
        try:
            if not store.claim("stats:rollup", EVERY):
                return
            today = keys.today()
            roll_up([today - timedelta(days=1), today])
            if store.claim(f"stats:prune:{today.isoformat()}", 2 * 24 * 3600):
                settings = current_settings()
                maintenance.prune(
                    settings.retention_days,
                    today,
                    maintenance.DETAIL_PREFIXES + maintenance.TOTAL_PREFIXES,
                )
        except SQLAlchemyError:
            log.exception("the statistics rollup failed; the next minute tries again")
        finally:
            db.session.remove()


def maybe_roll_up() -> bool:
    """Queue a rollup job if this process queued none in the last minute; whether it did.

    Safe to call on every page view: no I/O here (a clock read per call); the
    job claims the minute site-wide (:func:`cms.store.claim`, one winner across
    workers and hosts) on a background thread.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    now = time.monotonic()
    tried = app.extensions.setdefault(_TRIED, [float("-inf")])
    if now - tried[0] < EVERY:
        return False
    tried[0] = now
    return background.later("stats rollup", run, app)
