"""A database that is locked, down or has dropped its connections answers 503, never 500."""

from __future__ import annotations

import time

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from cms import testing
from cms.db import DEFAULT_BUSY_TIMEOUT, engine_options
from cms.extensions import db
from cms.models import Article, Category, Tag
from cms.testing import csrf_token_from
from tests.database_locks import write_lock

#: A short busy timeout keeps these tests quick; the default is checked on its own.
BUSY = 0.5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DATABASE_BUSY_TIMEOUT": BUSY, "DATABASE_RETRY_AFTER": 7}


def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def assert_json_503(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == "unavailable"
    assert error["message"]


def assert_themed_503(response):
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert response.mimetype == "text/html"
    assert "<html" in response.text
    assert 'class="site-header"' in response.text  # the theme's layout, not a bare text page
    assert "Service unavailable" in response.text


# -- the default settings ------------------------------------------------------


def test_the_default_busy_timeout_is_a_few_seconds_below_the_worker_timeout(make_app):
    app = make_app(DATABASE_BUSY_TIMEOUT=DEFAULT_BUSY_TIMEOUT)
    assert 1 <= app.config["DATABASE_BUSY_TIMEOUT"] <= 10 < 30


@pytest.mark.parametrize(
    "url",
    [
        "sqlite:////tmp/site/cms.sqlite3",
        "postgresql+psycopg://cms@db.example/cms",
    ],
)
def test_every_database_checks_pooled_connections_and_bounds_waits(url):
    options = engine_options(url, {"DATABASE_BUSY_TIMEOUT": 4})
    # A server may drop a pooled connection; a SQLite file cannot, so it is not pinged.
    assert options["pool_pre_ping"] is not url.startswith("sqlite")
    assert options["pool_timeout"] == 4
    if url.startswith("sqlite"):
        assert options["connect_args"]["timeout"] == 4
    else:
        assert options["connect_args"]["options"] == "-c lock_timeout=4000"
        assert options["connect_args"]["connect_timeout"] == 5
        # a vanished server host ends the statement waiting for it within seconds
        assert options["connect_args"]["keepalives"] == 1
        assert 0 < options["connect_args"]["tcp_user_timeout"] <= 20_000


def test_configured_engine_options_win():
    options = engine_options(
        "sqlite:////tmp/cms.sqlite3",
        {"SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": False, "connect_args": {"timeout": 9}}},
    )
    assert options["pool_pre_ping"] is False
    assert options["connect_args"]["timeout"] == 9


# -- a write lock held elsewhere -------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/v1/articles", {"title": "Locked out", "status": "published"}),
        ("POST", "/api/v1/categories", {"name": "Locked out"}),
        ("POST", "/api/v1/tags", {"name": "locked-out"}),
        ("PATCH", "/api/v1/articles/{id}", {"title": "Changed while locked"}),
        ("DELETE", "/api/v1/articles/{id}", None),
    ],
)
def test_api_writes_answer_503_while_the_database_is_locked(
    app, client, api_token, make_article, database_url, method, path, body
):
    token = api_token("admin")
    article = make_article("Bài viết có sẵn")
    before = {model: count(app, model) for model in (Article, Category, Tag)}
    url = path.format(id=article.id)
    headers = {"Authorization": f"Bearer {token}"}
    with write_lock(database_url):
        started = time.monotonic()
        response = client.open(url, method=method, json=body, headers=headers)
        elapsed = time.monotonic() - started
    assert_json_503(response)
    assert elapsed < BUSY + 3  # gave up after the busy timeout, far from a worker timeout
    assert {model: count(app, model) for model in before} == before
    with app.app_context():
        stored = db.session.get(Article, article.id)
        assert stored is not None
        assert stored.title == "Bài viết có sẵn"
    # Once the lock is gone, the same write works.
    again = client.open(url, method=method, json=body, headers=headers)
    assert again.status_code in (200, 201, 204), again.text


def test_a_back_office_form_answers_a_themed_503_while_locked_and_keeps_nothing(
    app, client, signed_in, database_url
):
    signed_in("admin")
    form = client.get("/admin/categories/new")
    data = {
        "csrf_token": csrf_token_from(form.text),
        "name": "Chuyên mục mới",
        "slug": "",
        "description": "",
        "parent_id": "",
        "position": "",
    }
    with write_lock(database_url):
        started = time.monotonic()
        response = client.post("/admin/categories/new", data=data)
        elapsed = time.monotonic() - started
    assert_themed_503(response)
    assert "nothing was changed" in response.text
    assert elapsed < BUSY + 3
    assert count(app, Category) == 0
    listing = client.get("/admin/categories")
    assert "Category created." not in listing.text  # no success message for a failed save
    saved = client.post("/admin/categories/new", data=data)
    assert saved.status_code == 302
    assert count(app, Category) == 1


def test_reading_never_waits_for_a_write_lock(make_app, make_article, database_url):
    app = make_app(DATABASE_BUSY_TIMEOUT=5.0)
    client = app.test_client()
    article = make_article("Đọc khi đang khóa")
    urls = (f"/news/{article.slug}", "/", "/search?q=khoa", "/feed.xml", "/healthz")
    for url in urls:  # compiles the templates; the first feed records its identity, as `cms init`
        assert client.get(url).status_code == 200
    with write_lock(database_url):
        for url in urls:
            started = time.monotonic()
            response = client.get(url)
            assert response.status_code == 200, url
            assert time.monotonic() - started < 2.5, url  # never waited for the 5 s busy timeout


# -- the database down ---------------------------------------------------------


def _unreachable_url(database_url: str) -> str:
    if database_url.startswith("sqlite"):
        return "sqlite:////nonexistent-folder/for/cms.sqlite3"
    url = make_url(database_url).set(host="127.0.0.1", port=1)
    return url.render_as_string(hide_password=False)


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_every_page_answers_503_while_the_database_cannot_be_reached(
    make_app, database_url, locale
):
    app = make_app(DATABASE_URL=_unreachable_url(database_url), LOCALE=locale)
    client = app.test_client()
    for url in ("/", "/news/mot-bai-viet", "/category/tin-tuc", "/search?q=a", "/admin/login"):
        started = time.monotonic()
        response = client.get(url)
        assert time.monotonic() - started < 10, url
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "7"
        assert 'class="site-header"' in response.text, url
        if locale == "vi":
            assert "Trang web tạm thời không truy cập được" in response.text
            assert "Cổng thông tin điện tử" in response.text  # the configured site name
        else:
            assert "The site is temporarily unavailable" in response.text
    api = client.get("/api/v1/articles")
    assert_json_503(api)
    write = client.post("/api/v1/articles", json={"title": "x"})
    assert write.status_code in (401, 503)  # refused either way, never a 500
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error"}
    assert health.headers["Retry-After"] == "7"


def test_pooled_connections_dropped_by_the_server_are_replaced_without_an_error(
    app, client, make_article, database_url
):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL (CMS_TEST_DATABASE_URL): SQLite has no server to drop them")
    article = make_article("Kết nối bị ngắt")
    for _ in range(3):  # fill the pool
        assert client.get(f"/news/{article.slug}").status_code == 200
    with psycopg.connect(database_url, autocommit=True) as admin:
        killed = admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert killed is not None
    assert killed[0] >= 1
    for url in (f"/news/{article.slug}", "/", "/api/v1/articles", "/healthz"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.text[:200])


def test_postgresql_refusing_connections_answers_503_quickly(make_app, database_url):
    if testing.test_database_url() is None:
        pytest.skip("needs PostgreSQL (CMS_TEST_DATABASE_URL): the SQLite case is tested above")
    app = make_app(DATABASE_URL=_unreachable_url(database_url))
    client = app.test_client()
    started = time.monotonic()
    assert client.get("/").status_code == 503
    assert client.get("/healthz").status_code == 503
    assert time.monotonic() - started < 5


def test_a_view_counted_with_a_short_lock_wait_leaves_writes_their_full_wait(
    app, client, api_token, make_article, database_url
):
    token = api_token("admin")
    article = make_article("Lượt xem không rút ngắn chờ khóa")
    assert client.head(f"/news/{article.slug}").status_code == 200  # compiles the templates
    with write_lock(database_url):
        assert client.get(f"/news/{article.slug}").status_code == 200  # gave up at once
        started = time.monotonic()
        response = client.post(
            "/api/v1/tags", json={"name": "cho-du"}, headers={"Authorization": f"Bearer {token}"}
        )
        elapsed = time.monotonic() - started
    assert_json_503(response)
    assert elapsed >= BUSY * 0.8  # waited the busy timeout, not the view's few milliseconds


def test_back_office_posts_answer_503_while_the_database_cannot_be_reached(make_app, database_url):
    app = make_app(DATABASE_URL=_unreachable_url(database_url))
    client = app.test_client()
    for url, data in (
        ("/admin/login", {"email": "a@example.org", "password": "x"}),  # no CSRF token
        ("/admin/logout", {}),
    ):
        response = client.post(url, data=data)
        assert response.status_code == 503, url
        assert response.headers["Retry-After"] == "7", url


def test_sign_ins_the_database_could_not_answer_do_not_count_as_failed(
    app, client, make_user, database_url
):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "3 per 10 minutes"
    make_user("bientap@example.org")
    token = csrf_token_from(client.get("/admin/login").text)
    data = {"csrf_token": token, "email": "bientap@example.org", "password": testing.TEST_PASSWORD}
    with write_lock(database_url):
        for _attempt in range(4):
            busy = client.post("/admin/login", data=data)
            assert busy.status_code == 503
            assert busy.headers["Retry-After"] == "7"  # the database's, not the limit window's
    signed_in = client.post("/admin/login", data=data)
    assert signed_in.status_code == 302


def test_a_limited_sign_in_says_when_to_try_again(app, client, make_user):
    app.config["LOGIN_LIMIT_PER_ACCOUNT"] = "2 per 10 minutes"
    make_user("bientap@example.org")
    token = csrf_token_from(client.get("/admin/login").text)
    data = {"csrf_token": token, "email": "bientap@example.org", "password": "wrong password"}
    for _attempt in range(2):
        failed = client.post("/admin/login", data=data)
        assert failed.status_code == 422
        assert "Retry-After" not in failed.headers
    limited = client.post("/admin/login", data=data)
    assert limited.status_code == 429
    assert 0 < int(limited.headers["Retry-After"]) <= 600


def test_pooled_sqlite_connections_run_pragma_optimize_now_and_then(app, monkeypatch):
    """SQLite's advice for long-lived connections: PRAGMA optimize every hour or so."""
    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("PRAGMA optimize is SQLite's; PostgreSQL's autovacuum analyzes")
    import cms.db

    seen: list[str] = []
    with app.app_context():
        connection = db.engine.connect()
        connection.connection.dbapi_connection.set_trace_callback(seen.append)
        connection.close()  # checked in within the hour: nothing
        assert not any("optimize" in statement for statement in seen)
        monkeypatch.setattr(cms.db, "OPTIMIZE_EVERY", 0.0)
        connection = db.engine.connect()
        connection.close()
        assert "PRAGMA optimize" in seen


def test_a_read_only_sqlite_database_is_trouble_not_a_bug(tmp_path):
    """A read-only file (a full disk, a mount gone read-only) answers 503, never 500."""
    import sqlite3

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    from cms.db import DOWN, database_trouble

    path = tmp_path / "site.sqlite3"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE t (x INTEGER)")
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true")
    with engine.connect() as connection, pytest.raises(OperationalError) as caught:
        connection.execute(text("INSERT INTO t VALUES (1)"))
    engine.dispose()
    assert database_trouble(caught.value) == DOWN
