"""The page_view event, and the article views counted from it in the shared store."""

from __future__ import annotations

import re
import time

import pytest
from flask import request
from sqlalchemy import event, select

from cms.content import save_article, save_page
from cms.content.view_counts import LISTENER_NAME, views_of
from cms.extensions import db
from cms.models import Article
from cms.page_view import PageIdentity, Visitor
from cms.plugins.spec import hookimpl
from cms.store import flush_all
from tests.database_locks import write_lock

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
#: Every worker reads a counted view within this many seconds.
VISIBLE_WITHIN = 2.0


def views(app, article_id):
    """The article's views as ``app`` reads them (its own unwritten views included)."""
    with app.app_context():
        return views_of([article_id])[article_id]


def updated_at(app, article_id):
    with app.app_context():
        return db.session.execute(
            select(Article.updated_at).where(Article.id == article_id)
        ).scalar_one()


def eventually(read, expected, within=VISIBLE_WITHIN):
    """Poll ``read()`` until it gives ``expected`` or ``within`` seconds pass; the last value."""
    deadline = time.monotonic() + within
    value = read()
    while value != expected and time.monotonic() < deadline:
        time.sleep(0.05)
        value = read()
    return value


class Recorder:
    """A ``page_view`` listener registered like the core's; keeps what it was given."""

    def __init__(self, cookie=None, fail=False):
        self.seen: list[tuple[PageIdentity, Visitor]] = []
        self.cookie = cookie
        self.fail = fail

    @hookimpl
    def page_view(self, page, visitor):
        self.seen.append((page, visitor))
        if self.cookie:
            visitor.set_cookie(*self.cookie, max_age=3600)
        if self.fail:
            raise RuntimeError("listener broke")


@pytest.fixture
def recorder(app):
    def listen(**options):
        found = Recorder(**options)
        app.extensions["cms_plugins"].pm.register(found, name=f"tests.recorder.{id(found)}")
        return found

    return listen


# -- what counts as a view ---------------------------------------------------------------


def test_a_get_answered_200_counts_once(app, client, make_article):
    article = make_article("Tin được đọc")
    for expected in (1, 2, 3):
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
        assert views(app, article.id) == expected


def test_the_api_shows_the_count_and_the_page_does_not(app, client, make_article):
    article = make_article("Tin có lượt xem")
    for _ in range(2):
        client.get(f"/news/{article.slug}", headers=BROWSER)
    assert client.get(f"/api/v1/articles/{article.id}").json["views"] == 2
    page = client.get(f"/news/{article.slug}", headers=BROWSER).text
    # A page that may be cached never shows a count it would freeze.
    assert "article__views" not in page
    assert client.get(f"/api/v1/articles/{article.id}").json["views"] == 3


def test_head_requests_are_not_views(app, client, make_article):
    article = make_article("Chỉ xem tiêu đề")
    for _ in range(5):
        assert client.head(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert views(app, article.id) == 0


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "curl/8.5.0",
        "Wget/1.21",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; bingbot/2.0)",
    ],
)
def test_crawlers_are_not_counted(app, client, make_article, agent):
    article = make_article("Tin cho máy tìm kiếm")
    response = client.get(f"/news/{article.slug}", headers={"User-Agent": agent})
    assert response.status_code == 200
    assert views(app, article.id) == 0
    assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert views(app, article.id) == 1  # a person's view still counts


def test_redirects_missing_and_draft_articles_are_not_counted(app, client, make_article):
    article = make_article("Tên cũ")
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"slug": "ten-moi"})
        db.session.commit()
    old = client.get(f"/news/{article.slug}?utm_source=zalo", headers=BROWSER)
    assert old.status_code == 301
    assert client.get("/news/khong-co-bai-nay", headers=BROWSER).status_code == 404
    draft = make_article("Bản nháp", status="draft")
    assert client.get(f"/news/{draft.slug}", headers=BROWSER).status_code == 404
    assert views(app, article.id) == 0
    assert views(app, draft.id) == 0
    assert client.get("/news/ten-moi", headers=BROWSER).status_code == 200
    assert views(app, article.id) == 1


def test_an_answer_turned_into_304_by_a_later_layer_is_not_counted(app, make_article, recorder):
    """A cache layer answering ``304 Not Modified`` after the view ran: no view."""
    article = make_article("Đã có trong bộ nhớ đệm")

    @app.after_request
    def not_modified(response):
        if request.headers.get("If-None-Match") == '"cached"':
            response.status_code = 304
            response.set_data(b"")
        return response

    heard = recorder()
    client = app.test_client()
    headers = {**BROWSER, "If-None-Match": '"cached"'}
    assert client.get(f"/news/{article.slug}", headers=headers).status_code == 304
    assert views(app, article.id) == 0
    assert [page.status for page, _ in heard.seen] == [304]  # the event had the final status
    assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert views(app, article.id) == 1


# -- what a view touches -------------------------------------------------------------------


def test_a_view_writes_nothing_to_the_articles_table(app, client, make_article):
    article = make_article("Không phải là sửa bài")
    before = updated_at(app, article.id)
    client.head(f"/news/{article.slug}", headers=BROWSER)  # templates compiled, scheduler run
    writes = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if re.match(r'\s*(UPDATE|INSERT\s+INTO|DELETE\s+FROM)\s+"?article"?[\s(]', statement, re.I):
            writes.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        time.sleep(0.01)
        for _ in range(3):
            assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
        flush_all()  # the buffered counts are written too, while we listen
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert writes == []
    assert updated_at(app, article.id) == before
    assert views(app, article.id) == 3


def test_a_view_during_a_write_lock_neither_waits_nor_is_lost(make_app, make_article, database_url):
    app = make_app(DATABASE_BUSY_TIMEOUT=5.0)
    other = make_app()
    article = make_article("Đọc trong lúc khóa ghi")
    client = app.test_client()
    assert client.head(f"/news/{article.slug}").status_code == 200  # compiles the templates
    with write_lock(database_url):
        for _ in range(2):
            started = time.monotonic()
            assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
            assert time.monotonic() - started < 2.5  # far under the 5 s busy timeout
        assert views(app, article.id) == 2  # the worker that counted sees its own at once
    assert eventually(lambda: views(other, article.id), 2) == 2


# -- every worker sees the views -------------------------------------------------------------


def test_views_reach_another_worker_within_two_seconds(app, client, make_app, make_article):
    article = make_article("Đọc ở tiến trình khác")
    other = make_app()
    for _ in range(4):
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert eventually(lambda: views(other, article.id), 4) == 4
    with other.app_context():
        answer = other.test_client().get(f"/api/v1/articles/{article.id}")
    assert answer.json["views"] == 4


def test_with_redis_another_worker_sees_views_at_once(make_app, make_article, redis_url):
    article = make_article("Đọc với Redis")
    writer, reader = make_app(REDIS_URL=redis_url), make_app(REDIS_URL=redis_url)
    client = writer.test_client()
    for expected in (1, 2, 3):
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
        assert views(reader, article.id) == expected


def test_with_redis_down_views_are_counted_in_the_database(make_app, make_article):
    article = make_article("Đọc khi Redis hỏng")
    down = make_app(REDIS_URL="redis://127.0.0.1:1/0", STORE_REDIS_TIMEOUT=0.2)
    without_redis = make_app(REDIS_URL=None)
    client = down.test_client()
    for _ in range(3):
        started = time.monotonic()
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
        assert time.monotonic() - started < 2
    assert views(down, article.id) == 3
    assert eventually(lambda: views(without_redis, article.id), 3) == 3


def test_an_api_list_reads_its_views_in_one_round_trip(make_app, make_article):
    app = make_app(REDIS_URL=None)  # the store in the database: its reads are SQL we can see
    client = app.test_client()
    articles = [make_article(f"Bài số {n}") for n in range(5)]
    for n, article in enumerate(articles):
        for _ in range(n):
            client.get(f"/news/{article.slug}", headers=BROWSER)
    reads = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if "store_counter" in statement and statement.lstrip().upper().startswith("SELECT"):
            reads.append(statement)

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        body = client.get("/api/v1/articles?per_page=10").json
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(reads) == 1
    counted = {item["id"]: item["views"] for item in body["items"]}
    assert counted == {article.id: n for n, article in enumerate(articles)}


def test_views_of_reads_unknown_articles_as_zero(app):
    with app.app_context():
        assert views_of([]) == {}
        assert views_of([41, 42, 41]) == {41: 0, 42: 0}


# -- the page_view event ---------------------------------------------------------------------


def test_the_event_gets_each_public_page_identity_and_the_visitor(
    app, client, make_article, make_category, recorder
):
    category = make_category("Cải cách hành chính")
    article = make_article("Tin có chuyên mục", category_id=category.id, tags=["Địa phương"])
    with app.app_context():
        page = save_page(None, {"title": "Giới thiệu", "status": "published"})
        db.session.commit()
        page_id = page.id
    heard = recorder()
    client.set_cookie("reader", "r-1")
    pages = {
        "/": ("home", None, None),
        f"/news/{article.slug}": ("article", article.id, category.id),
        "/gioi-thieu": ("page", page_id, None),
        f"/category/{category.slug}": ("category", category.id, category.id),
        "/search?q=tin": ("search", None, None),
    }
    for path in pages:
        assert client.get(path, headers=BROWSER).status_code == 200, path
    tag = client.get("/tag/dia-phuong", headers=BROWSER)
    assert tag.status_code == 200
    assert len(heard.seen) == len(pages) + 1  # once per page
    for (path, (kind, object_id, category_id)), (page, visitor) in zip(
        pages.items(), heard.seen, strict=False
    ):
        assert isinstance(page, PageIdentity)
        assert (page.kind, page.object_id, page.category_id) == (kind, object_id, category_id)
        assert page.path == path.split("?")[0]
        assert page.status == 200
        assert isinstance(visitor, Visitor)
        assert visitor.address == "127.0.0.1"
        assert visitor.user_agent == BROWSER["User-Agent"]
        assert visitor.method == "GET"
        assert visitor.cookies.get("reader") == "r-1"
        assert visitor.user_id is None
        assert visitor.is_crawler is False
    tag_page = heard.seen[-1][0]
    assert (tag_page.kind, tag_page.path) == ("tag", "/tag/dia-phuong")
    assert tag_page.object_id is not None


def test_the_event_has_the_method_crawler_and_signed_in_user(
    app, client, make_article, recorder, signed_in
):
    article = make_article("Tin cho người đăng nhập")
    heard = recorder()
    client.head(f"/news/{article.slug}", headers={"User-Agent": "curl/8.5.0"})
    client.environ_base["HTTP_USER_AGENT"] = BROWSER["User-Agent"]  # sessions keep their agent
    user = signed_in("editor")
    client.get(f"/news/{article.slug}")
    (head_page, head_visitor), (page, visitor) = [s for s in heard.seen if s[0].kind == "article"]
    assert (head_visitor.method, head_visitor.is_crawler) == ("HEAD", True)
    assert head_page.status == 200
    assert visitor.user_id == user.id
    assert views(app, article.id) == 1


def test_the_visitor_address_is_the_one_after_the_trusted_proxies(make_app, make_article):
    article = make_article("Tin qua máy chủ trung gian")
    app = make_app(PROXY_HOPS=1)
    heard = Recorder()
    app.extensions["cms_plugins"].pm.register(heard, name="tests.proxy-recorder")
    headers = {**BROWSER, "X-Forwarded-For": "198.51.100.1, 203.0.113.7"}
    assert app.test_client().get(f"/news/{article.slug}", headers=headers).status_code == 200
    assert heard.seen[0][1].address == "203.0.113.7"


def test_pages_that_are_not_public_pages_fire_no_event(app, client, make_article, recorder):
    make_article("Tin trong nguồn tin")
    heard = recorder()
    for path in ("/feed.xml", "/sitemap.xml", "/robots.txt", "/healthz", "/khong-co-trang-nay"):
        client.get(path, headers=BROWSER)
    client.get("/api/v1/articles", headers=BROWSER)
    assert heard.seen == []


def test_a_listener_may_set_a_cookie_on_the_answer(app, client, make_article, recorder):
    article = make_article("Tin đặt cookie")
    recorder(cookie=("seen", "yes"))
    response = client.get(f"/news/{article.slug}", headers=BROWSER)
    cookie = response.headers.get("Set-Cookie", "")
    assert cookie.startswith("seen=yes;")
    assert "HttpOnly" in cookie
    assert "Max-Age=3600" in cookie
    assert "SameSite=Lax" in cookie


def test_a_failing_listener_never_fails_the_page(app, client, make_article, recorder):
    article = make_article("Tin vẫn hiện")
    recorder(fail=True)
    after = recorder()
    response = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert response.status_code == 200
    assert "Tin vẫn hiện" in response.text
    assert len(after.seen) == 1  # the others still hear it
    assert views(app, article.id) == 1


def test_the_counter_is_no_plugin_and_counts_in_safe_mode(
    make_app, make_article, api_token, runner
):
    article = make_article("Tin ở chế độ an toàn")
    safe = make_app(SAFE_MODE=True)
    assert safe.test_client().get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert views(safe, article.id) == 1
    token = api_token("admin")
    answer = safe.test_client().get("/api/v1/plugins", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    assert not [item for item in answer.json["items"] if "view" in item["name"]]
    listed = runner.invoke(args=["cms", "plugins", "list"])
    assert listed.exit_code == 0
    assert LISTENER_NAME not in listed.output
    assert "view_counts" not in listed.output


def test_the_back_office_does_not_list_the_counter(app, client, signed_in):
    signed_in("admin")
    screen = client.get("/admin/plugins")
    assert screen.status_code == 200
    assert "view_counts" not in screen.text
    assert LISTENER_NAME not in screen.text


def test_page_served_counts_outside_flask_like_a_page_cache_hit(app, make_article, recorder):
    """The page cache answers before Flask: it builds the facts from the WSGI environ."""
    from werkzeug.test import EnvironBuilder

    from cms.page_view import page_served

    article = make_article("Tin từ bộ nhớ đệm")
    heard = recorder(cookie=("seen", "yes"))
    environ = EnvironBuilder(
        path=f"/news/{article.slug}", headers={**BROWSER, "Cookie": "reader=r-2"}
    ).get_environ()
    visitor = Visitor.from_environ(environ)
    page = PageIdentity("article", article.id, f"/news/{article.slug}", 200, None)
    with app.app_context():  # no request context, as on a cache hit
        page_served(page, visitor)
    assert heard.seen == [(page, visitor)]
    assert visitor.cookies["reader"] == "r-2"
    assert [(c.name, c.value) for c in visitor.new_cookies] == [("seen", "yes")]
    assert views(app, article.id) == 1
