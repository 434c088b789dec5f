"""Names of the plugin's counters in the shared store, and the site's day.

Every counter is a shared-store counter (:mod:`cms.store`), so every worker
and host agrees:

- ``views:article:<id>``: an article's page views since it was published (the
  key the core used before the plugin counted them, so existing counts stay);
- ``stats:total``: visits since the site began (without the offset setting);
- ``stats:day:<YYYY-MM-DD>``: visits that began that day (site time zone);
- ``stats:pv:<day>``: page views that day; ``stats:bot:<day>``: crawler hits;
- ``stats:av:<day>:<id>``: an article's views that day;
- ``stats:ref:<day>:<host>``: page views arriving from another site's host;
- ``stats:seen:<visitor id>``: a visitor's presence, 30 minutes after their last
  page (an arrival after it ended is a new visit);
- presence set ``stats:online``: visitors seen in the last N minutes.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cms.i18n import select_timezone

#: A visitor seen again after this many seconds of absence starts a new visit.
VISIT_GAP = 30 * 60
#: Counter prefix of article views (kept from the core's counter).
ARTICLE_VIEWS = "views:article:"
#: Visits since the site began.
TOTAL = "stats:total"
#: Presence set of the visitors online.
ONLINE = "stats:online"
#: Prefixes of the daily counters.
VISITS_DAY = "stats:day:"
PAGE_VIEWS_DAY = "stats:pv:"
CRAWLER_DAY = "stats:bot:"
ARTICLE_DAY = "stats:av:"
REFERRER_DAY = "stats:ref:"
SEEN = "stats:seen:"


def article_views(article_id: int) -> str:
    """``views:article:<id>``."""
    return f"{ARTICLE_VIEWS}{int(article_id)}"


def site_zone() -> ZoneInfo:
    """The site time zone (setting or ``CMS_TIMEZONE``); UTC when it is unknown."""
    try:
        return ZoneInfo(select_timezone())
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def today(now: datetime | None = None) -> date:
    """The date in the site time zone at ``now`` (default: the clock)."""
    moment = now if now is not None else datetime.now(UTC)
    return moment.astimezone(site_zone()).date()


def day_key(prefix: str, day: date) -> str:
    """A daily counter: ``<prefix><YYYY-MM-DD>``."""
    return f"{prefix}{day.isoformat()}"


def days_back(day: date, count: int) -> list[date]:
    """``count`` days ending with ``day``, oldest first."""
    return [day - timedelta(days=offset) for offset in range(count - 1, -1, -1)]
