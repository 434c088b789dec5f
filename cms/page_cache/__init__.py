"""The anonymous page cache: whole public pages, with live widgets kept live.

Anonymous readers get public pages from a store shared by every worker (Redis
when ``CMS_REDIS_URL`` is set, else a SQLite file shared by the workers of one
host), answered by WSGI middleware in front of Flask (:mod:`.middleware`).
Like Drupal's placeholders, a widget whose policy is ``live`` stays a
placeholder in the stored page and is rendered for every request, on the
server; the ``page_view`` event and the other per-page tasks run on hits too.
Changes drop exactly the pages they affect, in every worker at once
(:mod:`.invalidation`, :mod:`.tags`), with a short lifetime as a backstop.

For plugins:

- :func:`add_tags` while rendering: the page shows something named by a tag;
- :func:`invalidate` after a change: drop every page carrying a tag;
- :func:`refuse` while rendering: this page must not be stored;
- :func:`limit_max_age` while rendering: keep this page at most N seconds.

Settings: ``PAGE_CACHE`` (``CMS_PAGE_CACHE=0`` turns it off), ``PAGE_CACHE_TTL``,
``PAGE_CACHE_BROWSER_MAX_AGE``, ``PAGE_CACHE_QUERY_PARAMS``, ``PAGE_CACHE_POLL``,
``PAGE_CACHE_FILE``, ``PAGE_CACHE_MAX_ENTRIES``; the ``page_cache`` site setting
(back office) turns it off too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import redis
from flask import Flask, current_app, has_app_context
from redis.backoff import NoBackoff
from redis.retry import Retry

import cms
from cms import generations
from cms.extensions import db
from cms.i18n import select_locale
from cms.page_cache.backends import (
    EVERYTHING,
    CacheUnavailable,
    PageBackend,
    RedisPageBackend,
    SQLitePageBackend,
)
from cms.page_cache.invalidation import listen, log_purge, on_bump
from cms.page_cache.keys import deploy_version
from cms.page_cache.middleware import PageCache, SiteState
from cms.page_cache.record import (
    LAYOUT,
    LISTS,
    add_tags,
    current_record,
    limit_max_age,
    live_placeholder,
    record_page,
    refuse,
    spend_budget_until,
)
from cms.store import default_prefix
from cms.themes import active_theme

__all__ = [
    "EVERYTHING",
    "LAYOUT",
    "LISTS",
    "CacheUnavailable",
    "PageCache",
    "add_tags",
    "clear",
    "current_record",
    "get_page_cache",
    "init_app",
    "invalidate",
    "limit_max_age",
    "live_placeholder",
    "record_page",
    "refuse",
    "spend_budget_until",
]

log = logging.getLogger(__name__)

#: Key of the site's :class:`PageCache` in ``app.extensions``.
EXTENSION_KEY = "cms_page_cache"


def get_page_cache(app: Flask | None = None) -> PageCache | None:
    """The page cache of ``app`` (default: the current app), or ``None`` when it is off."""
    if app is None:
        if not has_app_context():
            return None
        app = current_app._get_current_object()  # type: ignore[attr-defined]
    cache = app.extensions.get(EXTENSION_KEY)
    return cache if isinstance(cache, PageCache) else None


def invalidate(*tags: str) -> None:
    """Drop every cached page carrying one of ``tags`` (``"*"``: every page), in every worker.

    For plugins, after a change they committed (a vote, an approved comment):
    the purge is logged (so hosts with a cache of their own follow within
    about a second) and applied to the shared cache at once. Needs an app
    context. In a process whose page cache is off (a back-office server with
    ``CMS_PAGE_CACHE=0``), the purge is logged all the same: the processes
    that cache apply it at their next poll. Never raises: a cache or
    database failure is logged, and the entries expire with their lifetime.
    """
    cache = get_page_cache()
    names = {str(tag) for tag in tags if tag}
    if not names:
        return
    try:
        with db.engine.begin() as connection:
            row_id = log_purge(connection, names)
    except Exception:  # the database is down: the shared cache is still dropped below
        log.warning("page cache: the purge of %s could not be logged", sorted(names))
        row_id = None
    if cache is None:
        return
    if not cache.apply(names):
        cache.purge_log.failed()
    elif row_id is not None:
        cache.purge_log.applied([row_id])


def clear() -> int:
    """Drop every cached page of the current app now; how many were dropped (0 when off).

    Raises :class:`CacheUnavailable` when the cache cannot be reached.
    """
    cache = get_page_cache()
    if cache is None:
        return 0
    with db.engine.begin() as connection:
        log_purge(connection, [EVERYTHING])  # caches of other hosts follow
    return cache.clear()


def _backend(app: Flask) -> PageBackend:
    """Redis when ``REDIS_URL`` is set, else the host's SQLite file."""
    url = app.config.get("REDIS_URL")
    max_entries = int(app.config.get("PAGE_CACHE_MAX_ENTRIES", 10_000))
    if url:
        timeout = float(app.config.get("STORE_REDIS_TIMEOUT", 0.3))
        client = redis.Redis.from_url(
            url,
            socket_timeout=timeout,
            socket_connect_timeout=timeout,
            retry=Retry(NoBackoff(), 0),
        )
        prefix = app.config.get("STORE_PREFIX") or default_prefix(app)
        return RedisPageBackend(client, prefix, max_entries=max_entries)
    path = app.config.get("PAGE_CACHE_FILE") or str(Path(app.instance_path) / "page_cache.sqlite3")
    return SQLitePageBackend(path, max_entries=max_entries)


def _site_state() -> SiteState:
    """Read the locale, the theme and the ``page_cache`` setting (app context)."""
    from cms.content.site import get_setting  # the content layer sits above this one

    enabled = get_setting("page_cache", True) not in (False, "0", "off", "false")
    return SiteState(enabled=bool(enabled), locale=select_locale(), theme=active_theme())


def _site_state_in(app: Flask) -> Any:
    def load() -> SiteState:
        with app.test_request_context("/"):  # the theme and locale readers keep their answers in g
            return _site_state()

    return load


def _folders(app: Flask) -> Iterable[str | Path]:
    """Folders whose files change what pages hold: the core's code, templates and static
    files, each plugin's folder, the themes."""
    yield Path(cms.__file__).parent
    yield app.config["THEMES_DIR"]
    plugins = app.extensions.get("cms_plugins")
    for plugin in getattr(plugins, "plugins", {}).values():
        if getattr(plugin, "path", None):
            yield plugin.path


def init_app(app: Flask) -> PageCache | None:
    """Put the page cache in front of ``app``'s WSGI application, unless ``PAGE_CACHE`` is off.

    Call it after the plugins are loaded and the security middleware is
    installed, and before the trusted-proxy middleware (which must run first,
    so the cache sees the client's address, scheme and host).
    """
    listen()
    generations.on_bump(on_bump)
    if not app.config.get("PAGE_CACHE", True):
        return None
    cache = PageCache(
        app,
        app.wsgi_app,
        _backend(app),
        ttl=int(app.config.get("PAGE_CACHE_TTL", 300)),
        browser_max_age=int(app.config.get("PAGE_CACHE_BROWSER_MAX_AGE", 60)),
        query_params=tuple(app.config.get("PAGE_CACHE_QUERY_PARAMS") or ("page",)),
        version=deploy_version(cms.__version__, _folders(app)),
        poll_interval=float(app.config.get("PAGE_CACHE_POLL", 1.0)),
        retry=float(app.config.get("STORE_REDIS_RETRY", 5.0)),
        site_state=_site_state_in(app),
    )
    app.extensions[EXTENSION_KEY] = cache
    app.wsgi_app = cache  # type: ignore[method-assign]
    return cache
