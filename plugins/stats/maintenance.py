"""Keeping the raw detail bounded: daily counters older than the retention are deleted."""

from __future__ import annotations

import logging
import time
from datetime import date, timedelta

from sqlalchemy.exc import SQLAlchemyError

from cms import store
from plugins.stats import keys

log = logging.getLogger(__name__)

#: Daily detail counters, pruned after the retention setting.
DETAIL_PREFIXES = (keys.ARTICLE_DAY, keys.REFERRER_DAY)
#: Daily totals: pruned too once the rollup keeps them in tables (see ``rollup``).
TOTAL_PREFIXES = (keys.VISITS_DAY, keys.PAGE_VIEWS_DAY, keys.CRAWLER_DAY)


def key_day(key: str, prefix: str) -> date | None:
    """The day in a daily counter's key (``<prefix><YYYY-MM-DD>[:...]``), or ``None``."""
    try:
        return date.fromisoformat(key[len(prefix) : len(prefix) + 10])
    except ValueError:
        return None


def prune(retention_days: int, today: date, prefixes: tuple[str, ...] = DETAIL_PREFIXES) -> int:
    """Delete the daily counters of ``prefixes`` older than ``retention_days``; how many.

    Also deletes expired presence and arrival rows of the database store.
    """
    cutoff = today - timedelta(days=retention_days)
    shared = store.get_store()
    old = [
        key
        for prefix in prefixes
        for key in shared.counters(prefix)
        if (found := key_day(key, prefix)) is not None and found < cutoff
    ]
    deleted = 0
    for start in range(0, len(old), 500):
        deleted += shared.delete(*old[start : start + 500])
    try:
        shared.database.purge(time.time())
    except SQLAlchemyError as exc:
        log.info("expired store rows not purged: %s", exc)
    return deleted
