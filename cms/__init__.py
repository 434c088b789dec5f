"""Portal CMS: a lightweight CMS for news portals, with plugin widgets.

The factory imports the modules it wires together when it runs, not here:
they import this package, and ``import cms.models`` (a script, a plugin, a
test) must not load the whole site with it.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

__version__ = "0.1.0"

log = logging.getLogger(__name__)


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the application: configuration, extensions, themes, blueprints, CLI."""
    from cms import config as settings
    from cms import converters
    from cms.site_url import SiteFlask

    instance = settings.instance_path()
    app = SiteFlask(__name__, instance_path=str(instance), instance_relative_config=True)
    app.json.sort_keys = False  # type: ignore[attr-defined]  # objects keep their documented order
    converters.install(app)  # before any route is added
    configure_settings(app, config)
    configure_logging(app)
    configure_site_url(app)
    configure_extensions(app)
    configure_i18n(app)
    configure_themes(app)
    configure_blueprints(app)
    configure_plugins(app)
    configure_security(app)
    configure_page_cache(app)
    configure_proxies(app)
    configure_cli(app)
    return app


def configure_settings(app: Flask, overrides: Mapping[str, Any] | None) -> None:
    """Defaults, then ``instance/config.py``, then ``CMS_*`` variables, then ``overrides``."""
    from cms import config as settings

    app.config.from_object(settings.Defaults)
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(settings.from_environment())
    if overrides:
        app.config.update(overrides)
    app.config["SITE_URL"] = settings.validated_site_url(app.config.get("SITE_URL"))
    settings.check_widget_budgets(app.config)

    instance = Path(app.instance_path)
    instance.mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = settings.ensure_secret_key(instance)
    url = app.config.get("DATABASE_URL") or f"sqlite:///{instance / 'cms.sqlite3'}"
    app.config["SQLALCHEMY_DATABASE_URI"] = settings.normalise_database_url(url)
    from cms.db import engine_options

    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = engine_options(
        app.config["SQLALCHEMY_DATABASE_URI"], app.config
    )
    app.config["MEDIA_DIR"] = app.config.get("MEDIA_DIR") or str(instance / "media")
    app.config["BABEL_DEFAULT_LOCALE"] = app.config["LOCALE"]
    app.config["BABEL_DEFAULT_TIMEZONE"] = app.config["TIMEZONE"]
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(Path(__file__).parent / "translations")
    if app.config.get("CAPTCHA_TEST_ANSWER") and not app.config.get("TESTING"):
        log.warning("CMS_CAPTCHA_TEST_ANSWER is ignored outside testing mode (CMS_TESTING=1)")
        app.config["CAPTCHA_TEST_ANSWER"] = None


def configure_logging(app: Flask) -> None:
    """Log lines escape control characters (a typed newline cannot forge a line)."""
    from cms import logs

    logs.init_app(app)


def configure_site_url(app: Flask) -> None:
    """Absolute URLs from ``CMS_SITE_URL`` and the Host check, before any other request hook."""
    from cms import site_url

    site_url.init_app(app)


def configure_extensions(app: Flask) -> None:
    """Bind the extensions of :mod:`cms.extensions` to ``app``."""
    from cms import (
        models,  # noqa: F401  (register the tables on the metadata)
        statement_deadline,
        store,
        visitor_csrf,
    )
    from cms import sessions as user_sessions
    from cms.db import configure_engine
    from cms.extensions import cache, csrf, db, limiter, login_manager, migrate
    from cms.models.types import install_storage_guard

    db.init_app(app)
    migrate.init_app(
        app, db, directory=str(Path(__file__).parent / "migrations"), render_as_batch=True
    )
    csrf.init_app(app)
    visitor_csrf.init_app(app)
    login_manager.init_app(app)
    redis_url = app.config.get("REDIS_URL")
    timeout = float(app.config.get("STORE_REDIS_TIMEOUT", 0.3))
    cache_config = (
        {
            "CACHE_TYPE": "RedisCache",
            "CACHE_REDIS_URL": redis_url,
            "CACHE_KEY_PREFIX": "cms:",
            # A Redis that stops answering costs a page this long, never a worker.
            "CACHE_OPTIONS": {"socket_timeout": timeout, "socket_connect_timeout": timeout},
        }
        if redis_url
        else {"CACHE_TYPE": "SimpleCache"}
    )
    for key, value in cache_config.items():
        app.config.setdefault(key, value)
    cache.init_app(app)
    # Rate limits live in the shared store (Redis, else the database): every worker agrees.
    app.config.setdefault("RATELIMIT_STORAGE_URI", "cms+store://")
    limiter.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        statement_deadline.install(app, db.engine)
        install_storage_guard(db.engine)
        store.init_app(app)
    user_sessions.init_app(app)  # Flask-Login loads users through their server-side sessions


def configure_i18n(app: Flask) -> None:
    """Flask-Babel with the site locale and time zone, plus locale-aware template filters."""
    from cms import form_messages, i18n

    i18n.init_app(app)
    form_messages.init_app(app)  # WTForms' own messages in the site's language


def configure_themes(app: Flask) -> None:
    """The theme engine: per-theme Jinja environments and theme static files."""
    from cms.themes import init_app

    init_app(app)


def configure_plugins(app: Flask) -> None:
    """Load the plugins (after the core's routes, so a plugin cannot shadow them)."""
    from cms import page_view, plugins

    plugins.init_app(app)
    page_view.init_app(app)  # the page_view event after every public page


def configure_blueprints(app: Flask) -> None:
    """Register the back office, the API and the public site."""
    from cms import admin
    from cms.api import bp as api_bp
    from cms.public import bp as public_bp

    admin.init_app(app)
    app.register_blueprint(api_bp)
    app.register_blueprint(public_bp)


def configure_security(app: Flask) -> None:
    """Security headers, trusted-proxy handling, error pages and the request input guard."""
    from cms import errors, inputs, security

    security.init_app(app)
    errors.init_app(app)
    inputs.init_app(app)


def configure_page_cache(app: Flask) -> None:
    """The anonymous page cache in front of Flask (unless ``CMS_PAGE_CACHE=0``)."""
    from cms import page_cache

    page_cache.init_app(app)


def configure_proxies(app: Flask) -> None:
    """Trust ``CMS_PROXY_HOPS`` proxies, outermost, so every layer sees the client."""
    from cms import security

    security.trust_proxies(app)


def configure_cli(app: Flask) -> None:
    """Add the ``cms`` command group to ``flask``."""
    from cms.cli import cms_group

    app.cli.add_command(cms_group)
