"""Pytest fixtures shared by the core's and the plugins' tests (``pytest_plugins``).

The database is SQLite by default; ``CMS_TEST_DATABASE_URL`` selects another
one (the suite runs again on PostgreSQL that way) and ``CMS_TEST_REDIS_URL``
a Redis server. The schema is built once per run by the real migrations; each
test then gets a fresh copy (SQLite) or emptied tables (PostgreSQL), and the
shared store's buffered writes are flushed when its app is torn down, so no
counter of one test reaches the next.

For plugin authors: :func:`enable_plugin` (a plugin enabled, its migrations
applied), :func:`place_widget` (an instance placed in a region),
:func:`api_client` (requests carrying a bearer token of a role) and
:func:`make_article`, which goes through the content services, so that plugins
hear the lifecycle events after the commit exactly as in production.
"""

from __future__ import annotations

import itertools
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import create_engine, event, inspect, text

from cms import background, create_app, store
from cms.config import PROJECT_ROOT, normalise_database_url
from cms.content import save_article, save_category
from cms.extensions import db
from cms.models import ApiToken, User
from cms.plugins import registry
from cms.plugins.placement import add_instance
from cms.public import views
from cms.themes import active_theme

#: Environment variable naming the database the suite runs on (default: SQLite files).
DATABASE_ENV = "CMS_TEST_DATABASE_URL"
#: Environment variable naming the Redis server tests may use.
REDIS_ENV = "CMS_TEST_REDIS_URL"

#: The password of users made by :func:`make_user` unless a test picks another.
TEST_PASSWORD = "correct horse battery"  # noqa: S105 (a known test password)

#: A desktop browser's User-Agent: requests without one count as a crawler's.
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
#: Names (prefixes) of threads whose statements are no request's: the shared store's
#: buffered writes, and jobs of :mod:`cms.background` (e.g. a plugin's periodic rollup).
BACKGROUND_THREADS = ("cms-store-flush", "background-")

#: Configuration every test app gets.
BASE_TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "LOCALE": "en",
    "REDIS_URL": None,
    "SERVER_NAME": None,
    # A loaded test machine can stall a thread for a second: widgets are not left out
    # for that (tests of the budgets set their own).
    "WIDGET_TIME_BUDGET": 5.0,
    "WIDGET_PAGE_BUDGET": 10.0,
}


def test_database_url() -> str | None:
    """The non-SQLite database selected for this run, if any."""
    return os.environ.get(DATABASE_ENV) or None


def _reachable(url: str) -> str | None:
    try:
        engine = create_engine(normalise_database_url(url))
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:  # any connection failure makes the database unusable
        return f"{type(exc).__name__}: {exc}".splitlines()[0]
    return None


def _migrate(url: str, instance: Path) -> None:
    previous = os.environ.get("CMS_INSTANCE_DIR")
    os.environ["CMS_INSTANCE_DIR"] = str(instance)
    try:
        app = create_app(
            {**BASE_TEST_CONFIG, "DATABASE_URL": url, "MEDIA_DIR": str(instance / "media")}
        )
        with app.app_context():
            from flask_migrate import upgrade

            upgrade(revision="heads")
            db.engine.dispose()
    finally:
        if previous is None:
            os.environ.pop("CMS_INSTANCE_DIR", None)
        else:
            os.environ["CMS_INSTANCE_DIR"] = previous


def _reset_postgres(url: str) -> None:
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Build the schema once per run with the real migrations."""
    instance = tmp_path_factory.mktemp("template-instance")
    url = test_database_url()
    if url is None:
        path = instance / "template.sqlite3"
        _migrate(f"sqlite:///{path}", instance)
        return {"kind": "sqlite", "path": path}
    problem = _reachable(url)
    if problem:
        pytest.skip(f"{DATABASE_ENV} is set but the database cannot be reached ({problem})")
    if not url.startswith(("postgresql", "postgres")):
        pytest.skip(f"{DATABASE_ENV}: only SQLite and PostgreSQL are supported")
    _reset_postgres(url)
    _migrate(url, instance)
    engine = create_engine(normalise_database_url(url))
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        versions = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
    engine.dispose()
    return {"kind": "postgresql", "url": url, "tables": tables, "versions": versions}


def _empty_postgres(url: str, template_tables: set[str], versions: set[str]) -> None:
    """Back to the migrated template: tables and Alembic heads a test added dropped, rows gone."""
    engine = create_engine(normalise_database_url(url))
    with engine.begin() as conn:
        extra = [t for t in inspect(conn).get_table_names() if t not in template_tables]
        if extra:  # a test plugin's own migration ran (``cms init``, a first enable)
            conn.execute(text("DROP TABLE " + ", ".join(f'"{t}"' for t in extra) + " CASCADE"))
        current = set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())
        for version in current - versions:
            conn.execute(text("DELETE FROM alembic_version WHERE version_num = :v"), {"v": version})
        restore = text("INSERT INTO alembic_version (version_num) VALUES (:v)")
        for version in versions - current:  # a row Alembic moved to a test plugin's revision
            conn.execute(restore, {"v": version})
        tables = [t for t in inspect(conn).get_table_names() if t != "alembic_version"]
        if tables:
            quoted = ", ".join(f'"{t}"' for t in tables)
            conn.execute(text(f"TRUNCATE TABLE {quoted} RESTART IDENTITY CASCADE"))
    engine.dispose()


@pytest.fixture
def database_url(database_template: dict[str, Any], tmp_path: Path) -> Iterator[str]:
    """A migrated, empty database for one test."""
    if database_template["kind"] == "sqlite":
        path = tmp_path / "cms.sqlite3"
        shutil.copyfile(database_template["path"], path)
        yield f"sqlite:///{path}"
        return
    url = database_template["url"]
    yield url
    _empty_postgres(url, database_template["tables"], database_template["versions"])


@pytest.fixture
def redis_url() -> str:
    """The Redis server of ``CMS_TEST_REDIS_URL``; the test is skipped without one."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        pytest.skip(f"needs Redis: set {REDIS_ENV} (e.g. redis://127.0.0.1:6379/15)")
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2)
        client.flushdb()
    except redis.RedisError as exc:
        pytest.skip(f"Redis at {url} cannot be reached: {exc}")
    return url


@pytest.fixture
def app_config(database_url: str, tmp_path: Path) -> dict[str, Any]:
    """The configuration of the ``app`` fixture; override it to change settings."""
    return {
        **BASE_TEST_CONFIG,
        "DATABASE_URL": database_url,
        "MEDIA_DIR": str(tmp_path / "media"),
        # The PostgreSQL pass runs with Redis too: caches and rate limits then live there.
        "REDIS_URL": _fresh_redis(),
    }


def _fresh_redis() -> str | None:
    """``CMS_TEST_REDIS_URL`` with its database emptied, or ``None`` when unset or unreachable."""
    url = os.environ.get(REDIS_ENV)
    if not url:
        return None
    import redis

    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).flushdb()
    except redis.RedisError:
        return None
    return url


@pytest.fixture
def app(
    app_config: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[Flask]:
    """An application on a fresh database, with an instance folder of its own."""
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path / "instance"))
    application = create_app(app_config)
    Path(application.config["MEDIA_DIR"]).mkdir(parents=True, exist_ok=True)
    yield application
    _tear_down(application)


def _tear_down(application: Flask) -> None:
    """Let background jobs end, write the store's buffer (never into the next test), disconnect.

    A job still writing (a plugin's rollup after a page) would otherwise hold
    locks while the next test empties the database.
    """
    background.wait(10)
    store.flush_all()
    with application.app_context():
        store.get_store().close()  # its flush thread must not outlive the engine
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def make_app(app_config: dict[str, Any]) -> Iterator[Callable[..., Flask]]:
    """Build more apps on the test database (another worker, other settings); disposed after."""
    made: list[Flask] = []

    def factory(**overrides: Any) -> Flask:
        application = create_app({**app_config, **overrides})
        made.append(application)
        return application

    yield factory
    for application in made:
        _tear_down(application)


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    """A test client of ``app``."""
    return app.test_client()


@pytest.fixture
def runner(app: Flask) -> FlaskCliRunner:
    """A CLI runner of ``app``."""
    return app.test_cli_runner()


@pytest.fixture
def make_user(app: Flask) -> Callable[..., Any]:
    """Create a user: ``make_user("a@example.org", role="editor", password="...")``."""

    def factory(
        email: str = "editor@example.org",
        role: str = "editor",
        password: str = TEST_PASSWORD,
        name: str = "",
    ) -> User:
        with app.app_context():
            user = User(email=email, role=role, name=name)
            user.set_password(password)
            db.session.add(user)
            db.session.commit()
            db.session.refresh(user)
            db.session.expunge(user)
            return user

    return factory


@pytest.fixture
def make_article(app: Flask) -> Callable[..., Any]:
    """Create an article through the content services; returns its ``id``, ``slug``, ``title``.

    ``make_article("Tin", status="draft", category_id=3)``: the fields of
    :func:`cms.content.save_article` (default: published now). It commits, so
    the active plugins hear ``article_created`` (and ``article_published``)
    after the commit, exactly as when an editor saves in the back office.
    """

    def factory(title: str = "Tin tức", **fields: Any) -> Any:
        fields.setdefault("status", "published")
        fields.setdefault("body_html", f"<p>{title}</p>")
        with app.app_context():
            article = save_article(None, {"title": title, **fields})
            db.session.commit()
            return type(
                "ArticleRef", (), {"id": article.id, "slug": article.slug, "title": article.title}
            )

    return factory


@pytest.fixture
def make_category(app: Flask) -> Callable[..., Any]:
    """Create a category; returns an object with its ``id``, ``slug`` and ``name``."""

    def factory(name: str = "Tin tức", **fields: Any) -> Any:
        with app.app_context():
            category = save_category(None, {"name": name, **fields})
            db.session.commit()
            return type(
                "CategoryRef", (), {"id": category.id, "slug": category.slug, "name": category.name}
            )

    return factory


@pytest.fixture
def api_token(app: Flask, make_user: Callable[..., Any]) -> Callable[..., str]:
    """Issue an API token for a new user of the given role: ``api_token("admin")``."""

    def factory(role: str = "admin", email: str | None = None) -> str:
        user = make_user(email=email or f"{role}-token@example.org", role=role)
        with app.app_context():
            row, secret = ApiToken.issue(db.session.get_one(User, user.id), name="test")
            db.session.add(row)
            db.session.commit()
            return secret

    return factory


@pytest.fixture
def enable_plugin(app: Flask) -> Callable[[str], Any]:
    """Enable a loaded plugin and apply its migrations (as ``cms plugins enable``); returns it.

    ``enable_plugin("helpful")`` -> the :class:`cms.plugins.Plugin`. The
    plugin's tables exist afterwards, in the test database only (they are
    dropped with the test's database). Raises :class:`cms.plugins.PluginError`
    for a plugin that is not loaded (the message says why when it is broken),
    and ``AssertionError`` if the plugin is still not active (paused or held).
    """

    def factory(name: str) -> Any:
        with app.app_context():
            plugins = registry()
            plugins.set_enabled(name, True)
            db.session.commit()
            state = plugins.states()[name]
            assert state.active, f"plugin {name} is not active: {state}"
            return plugins.require(name)

    return factory


@dataclass(frozen=True)
class WidgetRef:
    """A placed widget instance, as :func:`place_widget` returns it (no database session)."""

    #: The instance id (``data-widget-id`` in the page).
    id: int
    #: ``plugin.type``.
    type: str
    #: The theme it is placed in.
    theme: str
    #: The region it is placed in.
    region: str
    #: Its settings as stored: the widget's defaults overlaid with those given.
    settings: dict[str, Any] = field(hash=False)


@pytest.fixture
def place_widget(app: Flask) -> Callable[..., WidgetRef]:
    """Place a widget instance last in a region, through the back office's placement service.

    ``place_widget("helpful.box", region="article_footer", title="", visibility="articles",
    count=5)``: ``theme`` defaults to the active theme, ``title`` to the widget type's
    (``""`` for none), ``visibility`` to ``"all"``; other keywords are the instance's
    settings. Raises :class:`cms.content.ContentError` for an unknown type, theme or
    region, as the back office would refuse them. Every worker sees it at once.
    """

    def factory(
        widget_type: str,
        region: str = "sidebar",
        theme: str | None = None,
        title: str | None = None,
        visibility: str = "all",
        category_ids: tuple[int, ...] = (),
        **settings: Any,
    ) -> WidgetRef:
        with app.test_request_context("/"):
            instance = add_instance(
                theme or active_theme(),
                region,
                widget_type,
                title=title,
                settings=settings,
                visibility=visibility,
                category_ids=category_ids,
            )
            db.session.commit()
            return WidgetRef(
                instance.id,
                f"{instance.plugin}.{instance.widget_type}",
                instance.theme,
                instance.region,
                dict(instance.settings),
            )

    return factory


class ApiClient:
    """A test client for the JSON API whose requests carry ``Authorization: Bearer <token>``.

    ``get``, ``post``, ``put``, ``patch`` and ``delete`` take the URL, ``json=``
    (sent as ``application/json``) and the test client's other arguments; they
    return the test client's response (``.status_code``, ``.get_json()``).
    Without a token (``token=None``) the requests are anonymous.
    """

    def __init__(self, client: FlaskClient, token: str | None) -> None:
        #: The underlying Flask test client.
        self.client = client
        #: The bearer token sent, or ``None``.
        self.token = token

    def request(self, method: str, url: str, **kwargs: Any) -> Any:
        """Send one request with the token (a caller's ``Authorization`` header wins)."""
        headers = dict(kwargs.pop("headers", None) or {})
        if self.token is not None:
            headers.setdefault("Authorization", f"Bearer {self.token}")
        return self.client.open(url, method=method, headers=headers, **kwargs)

    def get(self, url: str, **kwargs: Any) -> Any:
        """``GET url``."""
        return self.request("GET", url, **kwargs)

    def post(self, url: str, **kwargs: Any) -> Any:
        """``POST url`` (``json=`` for the body)."""
        return self.request("POST", url, **kwargs)

    def put(self, url: str, **kwargs: Any) -> Any:
        """``PUT url`` (``json=`` for the body)."""
        return self.request("PUT", url, **kwargs)

    def patch(self, url: str, **kwargs: Any) -> Any:
        """``PATCH url`` (``json=`` for the body)."""
        return self.request("PATCH", url, **kwargs)

    def delete(self, url: str, **kwargs: Any) -> Any:
        """``DELETE url``."""
        return self.request("DELETE", url, **kwargs)


@pytest.fixture
def api_client(app: Flask, api_token: Callable[..., str]) -> Callable[..., ApiClient]:
    """An :class:`ApiClient` with a token of a new user of ``role``: ``api_client("editor")``.

    ``api_client(None)`` is anonymous (no ``Authorization`` header). Each call
    makes its own user and token.
    """
    made = itertools.count(1)

    def factory(role: str | None = "editor") -> ApiClient:
        if role is None:
            return ApiClient(app.test_client(), None)
        token = api_token(role, email=f"{role}-api-{next(made)}@example.org")
        return ApiClient(app.test_client(), token)

    return factory


def csrf_token_from(html: str) -> str:
    """The CSRF token of the first form in ``html``."""
    import re

    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    if match is None:
        raise AssertionError("no CSRF token in the page")
    return match.group(1)


class AuthActions:
    """Sign in and out through the real forms, CSRF tokens included."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def login(self, email: str, password: str = TEST_PASSWORD, **extra: Any) -> Any:
        """Post the sign-in form; returns the response (not followed)."""
        page = self.client.get("/admin/login")
        data = {"email": email, "password": password, "csrf_token": csrf_token_from(page.text)}
        data.update(extra)
        return self.client.post("/admin/login", data=data)

    def logout(self) -> Any:
        """Post the sign-out form from the dashboard."""
        page = self.client.get("/admin/")
        return self.client.post("/admin/logout", data={"csrf_token": csrf_token_from(page.text)})

    def post(
        self,
        url: str,
        data: dict[str, Any] | None = None,
        form_url: str | None = None,
        **kwargs: Any,
    ) -> Any:
        """POST to ``url`` with the CSRF token taken from ``form_url`` (default: ``url``)."""
        page = self.client.get(form_url or url)
        payload = {"csrf_token": csrf_token_from(page.text), **(data or {})}
        return self.client.post(url, data=payload, **kwargs)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    """Sign-in helpers bound to ``client``."""
    return AuthActions(client)


@pytest.fixture
def signed_in(make_user: Callable[..., Any], auth: AuthActions) -> Callable[[str], Any]:
    """Create a user of a role and sign them in: ``signed_in("editor")`` returns the user."""

    def factory(role: str = "editor", email: str | None = None) -> Any:
        user = make_user(email=email or f"{role}@example.org", role=role)
        response = auth.login(user.email)
        assert response.status_code == 302, "sign-in failed"
        return user

    return factory


#: Debian's Chromium, which the browser tests drive (Playwright's own download is not used).
CHROMIUM = "/usr/bin/chromium"
#: axe-core's script, installed by ``make install`` (``npm ci``).
AXE_SCRIPT = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
#: The axe-core rule sets themes and widgets are held to: WCAG 2.1 A and AA, best practice.
AXE_RULES = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice")


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` on a free local port in a thread; yields its base URL."""
    import threading

    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()  # the port is free again, no connection waits in its backlog
        thread.join(timeout=5)


@dataclass
class GunicornSite:
    """A site served by ``gunicorn`` in its own process group (see :func:`gunicorn_site`)."""

    #: ``http://127.0.0.1:<port>``.
    base: str
    #: The server's combined output.
    log: Path
    process: subprocess.Popen[bytes] = field(repr=False)

    def stop(self) -> None:
        """Stop every worker (SIGTERM, then SIGKILL after 10 s)."""
        if self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn_site(database_url: str, tmp_path: Path) -> Iterator[Callable[..., GunicornSite]]:
    """Start real ``gunicorn`` sites on the test database, to test what workers share.

    ``start(workers=2, redis_url=None, env=None, ready="/healthz")`` serves
    ``cms:create_app()`` with ``workers`` sync workers on a free port, configured
    only by ``CMS_*`` variables (the test database, an instance folder in
    ``tmp_path``, ``redis_url`` as ``CMS_REDIS_URL``, then ``env``, e.g.
    ``PYTHONPATH`` of a plugin installed with ``pip --target``), waits up to 30 s
    for ``ready`` to answer 200 and returns a :class:`GunicornSite`. Every site
    started is stopped at teardown. Fails the test with the server's log when it
    does not start.
    """
    started: list[GunicornSite] = []

    def start(
        workers: int = 2,
        redis_url: str | None = None,
        env: dict[str, str] | None = None,
        ready: str = "/healthz",
    ) -> GunicornSite:
        port = _free_port()
        variables = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("CMS_") or key in {DATABASE_ENV, REDIS_ENV}
        }
        variables.update(
            CMS_DATABASE_URL=database_url,
            CMS_SECRET_KEY="gunicorn-test-secret-key",  # noqa: S106 (a test key)
            CMS_INSTANCE_DIR=str(tmp_path / "instance"),
            CMS_MEDIA_DIR=str(tmp_path / "media"),
            CMS_LOCALE="en",
            CMS_WIDGET_TIME_BUDGET=str(BASE_TEST_CONFIG["WIDGET_TIME_BUDGET"]),
            CMS_WIDGET_PAGE_BUDGET=str(BASE_TEST_CONFIG["WIDGET_PAGE_BUDGET"]),
        )
        if redis_url:
            variables["CMS_REDIS_URL"] = redis_url
        variables.update(env or {})
        log = tmp_path / f"gunicorn-{port}.log"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [str(gunicorn), "-w", str(workers), "-b", f"127.0.0.1:{port}"]
        with log.open("w") as out:
            process = subprocess.Popen(  # noqa: S603 (our own server, fixed arguments)
                [*command, "cms:create_app()"],
                env=variables,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        site = GunicornSite(f"http://127.0.0.1:{port}", log, process)
        started.append(site)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail("gunicorn stopped: " + log.read_text())
            try:
                with urllib.request.urlopen(site.base + ready, timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return site
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        pytest.fail("gunicorn did not start: " + log.read_text())

    yield start
    for site in started:
        site.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Headless Chromium driven by Playwright; skipped when Chromium is not installed."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh browser page (own cookies) for one test."""
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh")
    tab = context.new_page()
    yield tab
    context.close()


@pytest.fixture
def axe_page(browser: Any) -> Iterator[Any]:
    """A fresh page whose context lets axe-core's script in despite the site's CSP.

    For :func:`axe_check` only: a test of the CSP itself uses :func:`page`.
    """
    context = browser.new_context(locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", bypass_csp=True)
    tab = context.new_page()
    yield tab
    context.close()


def _thread_stacks() -> str:
    """Where every thread of this process is now, as ``faulthandler`` would print it."""
    frames = sys._current_frames()
    parts = []
    for thread in threading.enumerate():
        frame = frames.get(thread.ident or -1)
        if frame is not None:
            stack = "".join(traceback.format_stack(frame))
            parts.append(f"--- thread {thread.name} ---\n{stack}")
    return "\n".join(parts)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test that failed on a timeout gets the stacks of every thread in its report.

    A browser or a server thread that waited too long (Playwright's
    ``TimeoutError``, ``subprocess.TimeoutExpired``) is then found where it
    waited, while it still waits.
    """
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    excinfo = call.excinfo
    if report.failed and excinfo is not None and "Timeout" in excinfo.typename:
        report.sections.append(("threads at the timeout", _thread_stacks()))


@contextmanager
def statements_run(app: Flask) -> Iterator[list[tuple[str, Any]]]:
    """The SQL statements ``(sql, parameters)`` run on ``app``'s engine inside the block.

    Statements of :data:`BACKGROUND_THREADS` are left out. For statement
    budgets and query plans (``EXPLAIN`` the statements caught).
    """
    statements: list[tuple[str, Any]] = []

    def record(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_args: Any) -> None:
        if not threading.current_thread().name.startswith(BACKGROUND_THREADS):
            statements.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", record)


def render_counted(app: Flask, client: FlaskClient, url: str) -> tuple[str, list[tuple[str, Any]]]:
    """The HTML of ``url`` rendered a second time, and the statements that render ran.

    The first request warms the per-process caches; the second is counted
    (:func:`statements_run`). Periodic page tasks (promoting due scheduled
    articles) are put off, as they are no part of rendering the page. Fails
    the test unless both answer 200. Run it with the page cache off.
    """
    assert client.get(url, headers=BROWSER).status_code == 200
    views._last_promotion = time.monotonic()
    with statements_run(app) as statements:
        response = client.get(url, headers=BROWSER)
    assert response.status_code == 200
    return response.get_data(as_text=True), statements


def axe_check(page: Any, include: str | None = None) -> tuple[list[dict[str, Any]], int]:
    """axe-core's serious and critical violations on the page loaded in ``page``.

    ``include`` is a CSS selector limiting the check to a part (a widget);
    ``None`` checks the whole document. Returns the violations (``id``,
    ``impact`` and the first three ``nodes``' targets) and how many rules
    passed, so a check that examined nothing can be told apart. The page's
    context needs ``bypass_csp=True`` (the site's CSP refuses inline
    scripts). Skips the test when axe-core is not installed.
    """
    if not AXE_SCRIPT.is_file():
        pytest.skip("axe-core is not installed (make install runs npm ci)")
    page.add_script_tag(content=AXE_SCRIPT.read_text(encoding="utf-8"))
    result = page.evaluate(
        "async ([include, rules]) => await axe.run("
        "include ? {include: [include]} : document, {runOnly: rules})",
        [include, list(AXE_RULES)],
    )
    found = [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:3]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]
    return found, len(result["passes"])
