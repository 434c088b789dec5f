"""Counting: what a page view adds to the shared store, and reading the numbers back.

A **page view** is a ``GET`` of a public HTML page answered ``200`` to a
visitor that is not a crawler (:attr:`cms.page_view.Visitor.is_crawler`,
cached per user agent). ``HEAD``, the API, static files, the back office,
redirects and errors are not views (the engine fires ``page_view`` for public
pages only; the status and method are checked here). A **visit** is a visitor
seen after :data:`plugins.stats.keys.VISIT_GAP` or more of absence; **online**
is the visitors seen in the last N minutes (setting).

Each view costs the reader three shared-store calls that never wait for a
lock (:meth:`cms.store.Store.incr_many_later`, :meth:`~cms.store.Store.arrive_later`,
:meth:`~cms.store.Store.touch`): Redis commands, or buffered database writes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import urlsplit

from flask import current_app

from cms import store
from cms.page_view import PageIdentity, Visitor
from plugins.stats import identity, keys
from plugins.stats.settings import StatsSettings

#: A host name worth keeping as a referrer: letters, digits, dots and dashes.
_HOST_RE = re.compile(r"[a-z0-9](?:[a-z0-9.-]{0,98}[a-z0-9])?")


def is_page_view(page: PageIdentity, visitor: Visitor) -> bool:
    """Whether an answered public page counts: ``GET``, ``200``, not a crawler."""
    return visitor.method == "GET" and page.status == 200 and not visitor.is_crawler


def referrer_host(referrer: str) -> str | None:
    """The host name of another site in a ``Referer``, lower case; ``None`` for none or this site.

    Only well-formed host names are kept (no port, user, path or odd
    characters), so hostile headers cannot fill the store with junk keys.
    """
    if not referrer or len(referrer) > 2000:
        return None
    try:
        parts = urlsplit(referrer.strip())
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not _HOST_RE.fullmatch(host):
        return None
    own = urlsplit(str(current_app.config.get("SITE_URL") or "")).hostname
    return None if own and host == own.lower() else host


@dataclass(frozen=True)
class Counted:
    """What one answered page added (for tests and the beacon's answer)."""

    #: Whether it was a page view.
    view: bool
    #: The visitor id used, or ``None`` (a crawler, not a view, or not tracked).
    visitor: str | None


def record(
    page: PageIdentity, visitor: Visitor, settings: StatsSettings, now: datetime | None = None
) -> Counted:
    """Count one answered public page (see the module docstring); never waits for a lock.

    A crawler's ``GET`` answered 200 adds to the day's crawler hits only. A
    reader asking not to be tracked (``DNT``/``Sec-GPC``, when the setting
    honours it) adds the page view but gets no cookie and no visitor entry.
    Raises the store's database errors only when a write cannot even be buffered.
    """
    if visitor.method != "GET" or page.status != 200:
        return Counted(False, None)
    day = keys.today(now)
    if visitor.is_crawler:
        store.incr_later(keys.day_key(keys.CRAWLER_DAY, day))
        return Counted(False, None)
    amounts = {keys.day_key(keys.PAGE_VIEWS_DAY, day): 1}
    if page.kind == "article" and page.object_id is not None:
        amounts[keys.article_views(page.object_id)] = 1
        amounts[f"{keys.day_key(keys.ARTICLE_DAY, day)}:{int(page.object_id)}"] = 1
    host = referrer_host(visitor.referrer)
    if host is not None:
        amounts[f"{keys.day_key(keys.REFERRER_DAY, day)}:{host}"] = 1
    store.incr_many_later(amounts)
    if settings.honour_dnt and visitor.no_tracking:
        return Counted(True, None)
    seen = visit(visitor, day, settings)
    return Counted(True, seen)


def visit(visitor: Visitor, day: date, settings: StatsSettings) -> str:
    """Note the visitor (a new visit after 30 minutes away) and mark them online; their id."""
    vid = identity.visitor_id(visitor, day)
    store.arrive_later(
        keys.SEEN + vid, keys.VISIT_GAP, [keys.TOTAL, keys.day_key(keys.VISITS_DAY, day)]
    )
    store.touch(keys.ONLINE, vid, settings.online_seconds)
    return vid


def views_of(article_ids: Iterable[int]) -> dict[int, int]:
    """``{article id: page views}`` in one store round trip (unknown ids: 0)."""
    ids = [int(article_id) for article_id in dict.fromkeys(article_ids)]
    if not ids:
        return {}
    values = store.get_many(keys.article_views(article_id) for article_id in ids)
    return {article_id: values[keys.article_views(article_id)] for article_id in ids}


def restore_views(counts: Mapping[int, int], replace: bool) -> None:
    """Take view counts from an import or bench data: ``{article id: views}``.

    ``replace``: every article's counter is deleted first. Amounts below 1 are
    skipped. Written before returning (a flush of the store's buffer).
    """
    shared = store.get_store()
    if replace:
        shared.delete_prefix(keys.ARTICLE_VIEWS)
    shared.incr_many_later(
        {keys.article_views(article_id): int(n) for article_id, n in counts.items() if int(n) > 0}
    )
    shared.flush()


@dataclass(frozen=True)
class Totals:
    """The numbers the widget and the API show (visits; the offset included in ``total``)."""

    total: int
    today: int
    online: int
    yesterday: int
    month: int


def totals(settings: StatsSettings, now: datetime | None = None, *, detail: bool = False) -> Totals:
    """The visits since the start (plus the offset), today, online now.

    ``detail``: yesterday's and this month's visits too (one counter per day
    of the month; else 0). One store round trip, plus one presence count.
    """
    day = keys.today(now)
    yesterday = day - timedelta(days=1)
    names = [keys.TOTAL, keys.day_key(keys.VISITS_DAY, day)]
    month_days: list[date] = []
    if detail:
        month_days = [day.replace(day=n) for n in range(1, day.day + 1)]
        names += [keys.day_key(keys.VISITS_DAY, d) for d in [*month_days, yesterday]]
    values = store.get_many(names)
    return Totals(
        total=settings.offset + values[keys.TOTAL],
        today=values[keys.day_key(keys.VISITS_DAY, day)],
        online=store.count(keys.ONLINE),
        yesterday=values.get(keys.day_key(keys.VISITS_DAY, yesterday), 0),
        month=sum(values.get(keys.day_key(keys.VISITS_DAY, d), 0) for d in month_days),
    )
