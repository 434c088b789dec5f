"""Article views counted by the stats plugin from the page_view event, in the shared store."""

from __future__ import annotations

import re
import time

import pytest
from flask import request
from sqlalchemy import event, select

from cms import background
from cms.content import save_article
from cms.extensions import db
from cms.models import Article
from cms.page_view import PageIdentity, Visitor
from cms.plugins.spec import hookimpl
from cms.store import flush_all
from plugins.stats.counting import views_of
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
    background.wait(10)  # the statistics rollup the views started reads counters too
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
