"""The page_view event: who hears it, with which facts, on rendered pages and cache hits."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from cms.content import save_page
from cms.extensions import db
from cms.models import Article
from cms.page_view import PageIdentity, Visitor
from cms.plugins.spec import hookimpl
from cms.store import get

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"}
#: Every worker reads a counted view within this many seconds.
VISIBLE_WITHIN = 2.0


def views(app, article_id):
    """The article's views as ``app`` reads them: the counter the ``stats`` plugin keeps."""
    with app.app_context():
        return get(f"views:article:{article_id}")


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
    (cookie,) = [c for c in response.headers.getlist("Set-Cookie") if c.startswith("seen=")]
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
    assert ("seen", "yes") in [(c.name, c.value) for c in visitor.new_cookies]
    assert views(app, article.id) == 1
