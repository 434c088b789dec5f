"""Configuration: defaults, then ``instance/config.py``, then ``CMS_*`` variables, then tests."""

from __future__ import annotations

import logging
import math
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from cms.site_url import parse_site_url

log = logging.getLogger(__name__)

#: The project root of a checkout (the folder holding ``cms/``, ``themes/`` and ``plugins/``).
PROJECT_ROOT = Path(__file__).resolve().parent.parent

#: Settings read from the environment, with the type each one is converted to.
ENV_KEYS: dict[str, type] = {
    "DATABASE_URL": str,
    "REDIS_URL": str,
    "SECRET_KEY": str,
    "LOCALE": str,
    "TIMEZONE": str,
    "THEME": str,
    "MEDIA_DIR": str,
    "THEMES_DIR": str,
    "PLUGINS_DIR": str,
    "ADMIN_TEMPLATES_DIR": str,
    "PROXY_HOPS": int,
    "IMAGE_HOSTS": str,
    "SITE_URL": str,
    "TESTING": bool,
    "SAFE_MODE": bool,
    "CAPTCHA_TEST_ANSWER": str,
    "API_ANONYMOUS_WRITE_LIMIT": str,
    "PAGE_CACHE": bool,
    "PAGE_CACHE_TTL": int,
    "PAGE_CACHE_MAX_ENTRIES": int,
    "FRAGMENT_CACHE_SIZE": int,
    "WIDGET_TIME_BUDGET": float,
    "WIDGET_PAGE_BUDGET": float,
}


class Defaults:
    """The settings every site starts from; each can be changed by a ``CMS_*`` variable."""

    DATABASE_URL: str | None = None  # None: SQLite file in the instance folder
    REDIS_URL: str | None = None
    SECRET_KEY: str | None = None  # None: generated once into the instance folder
    LOCALE = "vi"
    LOCALES = ("vi", "en")
    TIMEZONE = "Asia/Ho_Chi_Minh"
    THEME = "default"
    MEDIA_DIR: str | None = None  # None: instance/media
    THEMES_DIR = str(PROJECT_ROOT / "themes")
    PLUGINS_DIR = str(PROJECT_ROOT / "plugins")
    #: Back-office templates of this site (``admin/...``, ``<plugin>/admin/...``) that
    #: replace the core's and the plugins'; None: instance/admin_templates
    ADMIN_TEMPLATES_DIR: str | None = None
    PROXY_HOPS = 0
    #: The canonical ``https://host`` of every absolute URL; None: the request's host
    #: (development). Other hosts are refused with 400 when it is set.
    SITE_URL: str | None = None
    TESTING = False
    SAFE_MODE = False
    CAPTCHA_TEST_ANSWER: str | None = None

    SITE_NAME = "Cổng thông tin điện tử"
    ARTICLE_PREFIX = "news"
    CATEGORY_PREFIX = "category"
    PER_PAGE = 10

    #: Largest request body the site accepts (media uploads included).
    MAX_CONTENT_LENGTH = 16 * 1024 * 1024
    #: Largest image upload, in bytes, and in pixels (width x height) before decoding.
    MEDIA_MAX_BYTES = 10 * 1024 * 1024
    MEDIA_MAX_PIXELS = 40_000_000
    #: Longest side of an image upload, in pixels: 16,383 is what every encoder used can
    #: write (WebP's limit; JPEG's is 65,535). Checked from the header, before decoding.
    MEDIA_MAX_SIDE = 16_383
    #: An animation is kept with at most this many frames, and this many pixels in all
    #: (frames x width x height); a larger one is refused with a message.
    MEDIA_MAX_FRAMES = 1_000
    MEDIA_MAX_ANIMATION_PIXELS = 20_000_000
    #: Hosts, besides the site's own, that images in articles and pages may come from
    #: (``CMS_IMAGE_HOSTS``: names separated by commas or spaces; ``*.example.org`` for
    #: its sub-domains). Also allowed by the public Content Security Policy. Default: none.
    IMAGE_HOSTS: tuple[str, ...] | str = ()
    #: Largest JSON body the API accepts.
    API_MAX_JSON_BYTES = 4 * 1024 * 1024  # a 1,000,000-character Vietnamese body fits

    #: Failed sign-ins allowed per client address, and per account (Flask-Limiter syntax).
    LOGIN_LIMIT_PER_ADDRESS = "20 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
    #: Calls without a token one client address (after ``CMS_PROXY_HOPS``) may make to
    #: each plugin API route that writes (``auth="public"``, any method but GET, HEAD,
    #: OPTIONS), in Flask-Limiter syntax, counted in the shared store; past it, 429
    #: ``rate_limited`` with ``Retry-After``. A route may set its own
    #: (``ApiRoute.rate_limit``, ``""`` for none); callers with a valid token are not counted.
    #: Empty: no default limit. Not a rate: plugins with such routes are refused at load.
    #: Raise it (``CMS_API_ANONYMOUS_WRITE_LIMIT``) when many readers share one address.
    API_ANONYMOUS_WRITE_LIMIT = "60 per 10 minutes"
    RATELIMIT_KEY_PREFIX = "cms-limit"
    #: What every key of this site starts with in Redis (the shared store), so several
    #: sites can share one Redis; None: derived from ``SITE_URL`` or the instance folder.
    STORE_PREFIX: str | None = None
    #: Seconds a Redis command of the shared store may take before the database is used,
    #: and seconds after a Redis failure before Redis is tried again.
    STORE_REDIS_TIMEOUT = 0.3
    STORE_REDIS_RETRY = 5.0
    #: Seconds between two writes of buffered counters and presence pings (database
    #: backend); every worker reads them within twice this plus the write time.
    STORE_FLUSH_INTERVAL = 1.0
    RATELIMIT_SWALLOW_ERRORS = True  # database down: limits fall back, pages keep working
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Off: :func:`cms.errors.add_rate_limit_retry_after` sends ``Retry-After`` on 429s only.
    RATELIMIT_HEADERS_ENABLED = False

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    #: Seconds a statement waits for a lock (SQLite busy timeout, PostgreSQL
    #: ``lock_timeout``) and a request for a pooled connection; then 503. Keep it
    #: well below the server's worker timeout (gunicorn: 30 s).
    DATABASE_BUSY_TIMEOUT = 5.0
    #: Seconds connecting to a database server may take (PostgreSQL).
    DATABASE_CONNECT_TIMEOUT = 5
    #: ``Retry-After`` (seconds) of the 503 answered while the database is locked or down.
    DATABASE_RETRY_AFTER = 10
    #: Seconds one database call of a request may take before its connection is closed
    #: and the request answers 503 (PostgreSQL: a server that accepts and never answers;
    #: see :mod:`cms.statement_deadline`). 0: no deadline.
    DATABASE_STATEMENT_DEADLINE = 10.0
    #: Seconds promoting due scheduled articles, which a reader's request does, may wait
    #: for a lock; past it a later request tries again, and the reader is not held up.
    PROMOTION_LOCK_WAIT = 0.05
    #: Seconds one widget may take to render, and all the widgets of one page; a widget
    #: over budget is left out and counted as a failure of its plugin.
    WIDGET_TIME_BUDGET = 1.0
    WIDGET_PAGE_BUDGET = 2.0
    #: Threads per process that render widgets; a widget waiting for one past its
    #: budget is left out (so slow widgets cannot take every thread).
    WIDGET_THREADS = 16
    #: The anonymous page cache in front of Flask (``CMS_PAGE_CACHE=0`` turns it off,
    #: for sites behind their own cache and for benchmarks; the ``page_cache`` setting
    #: of the back office turns it off too).
    PAGE_CACHE = True
    #: Longest life of a cached page, in seconds: a backstop, since every change drops
    #: the pages it affects at once (``CMS_PAGE_CACHE_TTL``).
    PAGE_CACHE_TTL = 300
    #: ``max-age`` (seconds) sent to browsers with pages that have no live widget.
    PAGE_CACHE_BROWSER_MAX_AGE = 60
    #: Query parameters that vary a cached page; any other is left out of its key.
    PAGE_CACHE_QUERY_PARAMS = ("page",)
    #: Seconds between two reads of the page-cache purge log by one process.
    PAGE_CACHE_POLL = 1.0
    #: Without Redis: the cache file shared by the workers of one host (default
    #: ``instance/page_cache.sqlite3``) and the most entries it keeps.
    PAGE_CACHE_FILE: str | None = None
    PAGE_CACHE_MAX_ENTRIES = 10_000
    #: Rendered parts of pages each process keeps for the render path (:mod:`cms.fragments`).
    FRAGMENT_CACHE_SIZE = 1000
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    #: How long "Keep me signed in" lasts; the server-side session ends with it.
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: A sign-in without "Keep me signed in" ends after this long without a request.
    SESSION_IDLE_TIMEOUT = timedelta(hours=12)
    #: Lifetime of a form's CSRF token, in seconds. Four hours, not Flask-WTF's one:
    #: an editor may spend more than an hour writing an article, and an expired form
    #: is shown again with what was typed; a leaked token stays usable for a bounded time.
    WTF_CSRF_TIME_LIMIT = 4 * 3600
    #: CSRFProtect runs from :mod:`cms.security`, which shows expired forms again.
    WTF_CSRF_CHECK_DEFAULT = False
    JSON_SORT_KEYS = False
    SEND_FILE_MAX_AGE_DEFAULT = 3600


def _convert(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    if kind is float:  # seconds: their range is checked with the rest of the settings
        return float(raw)
    return raw


#: Bounds of a widget time budget, in seconds: a render must be possible, and end well
#: before a worker timeout (gunicorn's default: 30 s) would kill the worker.
WIDGET_BUDGET_RANGE = (0.01, 20.0)


def check_widget_budgets(config: Mapping[str, Any]) -> None:
    """Refuse ``WIDGET_TIME_BUDGET`` / ``WIDGET_PAGE_BUDGET`` outside :data:`WIDGET_BUDGET_RANGE`.

    Whatever set them (defaults, ``instance/config.py``, ``CMS_*`` variables,
    a test's mapping). Raises ``RuntimeError`` naming the setting.
    """
    low, high = WIDGET_BUDGET_RANGE
    for key in ("WIDGET_TIME_BUDGET", "WIDGET_PAGE_BUDGET"):
        value = config.get(key)
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or not math.isfinite(number) or not low <= number <= high:
            raise RuntimeError(
                f"{key}={value!r} is not valid: it must be a number of seconds"
                f" from {low} to {high:g}"
            )


def from_environment(environ: os._Environ[str] | dict[str, str] | None = None) -> dict[str, Any]:
    """Return the settings named by ``CMS_*`` environment variables, converted to their types."""
    environ = os.environ if environ is None else environ
    found: dict[str, Any] = {}
    for key, kind in ENV_KEYS.items():
        raw = environ.get(f"CMS_{key}")
        if raw is not None and raw != "":
            try:
                found[key] = _convert(kind, raw)
            except ValueError as exc:
                what = "number" if kind is float else kind.__name__
                raise RuntimeError(f"CMS_{key}={raw!r} is not a valid {what}") from exc
    return found


def validated_site_url(value: object) -> str | None:
    """Return ``CMS_SITE_URL`` normalised by :func:`cms.site_url.parse_site_url`, or ``None``.

    An empty value means unset. A bad value raises :class:`RuntimeError` naming
    the variable and what is wrong, so that the site refuses to start.
    """
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise RuntimeError(f"CMS_SITE_URL={value!r} is not valid: it must be a string")
    try:
        return parse_site_url(value)
    except ValueError as exc:
        raise RuntimeError(f"CMS_SITE_URL={value!r} is not valid: {exc}") from exc


def instance_path() -> Path:
    """Return the instance folder: ``CMS_INSTANCE_DIR`` or ``instance/`` beside the package."""
    configured = os.environ.get("CMS_INSTANCE_DIR")
    return Path(configured).resolve() if configured else PROJECT_ROOT / "instance"


def ensure_secret_key(folder: Path) -> str:
    """Return the site's secret key, generating it into ``folder/secret_key`` the first time."""
    path = folder / "secret_key"
    if path.exists():
        return path.read_text().strip()
    folder.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    return key


def normalise_database_url(url: str) -> str:
    """Make ``postgresql://`` URLs use psycopg 3, as DESIGN.md promises they work as written."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url
