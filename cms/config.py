"""Configuration: defaults, then ``instance/config.py``, then ``CMS_*`` variables, then tests."""

from __future__ import annotations

import logging
import os
import secrets
from pathlib import Path
from typing import Any

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
    "PROXY_HOPS": int,
    "TESTING": bool,
    "SAFE_MODE": bool,
    "CAPTCHA_TEST_ANSWER": str,
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
    PROXY_HOPS = 0
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
    #: Largest JSON body the API accepts.
    API_MAX_JSON_BYTES = 4 * 1024 * 1024  # a 1,000,000-character Vietnamese body fits

    #: Failed sign-ins allowed per client address, and per account (Flask-Limiter syntax).
    LOGIN_LIMIT_PER_ADDRESS = "20 per 10 minutes"
    LOGIN_LIMIT_PER_ACCOUNT = "5 per 10 minutes"
    RATELIMIT_KEY_PREFIX = "cms-limit"
    RATELIMIT_SWALLOW_ERRORS = True  # Redis down: limits fall back, pages keep working
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = True

    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None
    JSON_SORT_KEYS = False
    SEND_FILE_MAX_AGE_DEFAULT = 3600


def _convert(kind: type, raw: str) -> Any:
    if kind is bool:
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if kind is int:
        return int(raw)
    return raw


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
                raise RuntimeError(f"CMS_{key}={raw!r} is not a valid {kind.__name__}") from exc
    return found


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
