"""Live widgets: rendered per request from the page's identity and the visitor, never cached.

The ``hello.echo`` test widget (tests/plugins/conftest.py) echoes the visitor's
cookie ``x`` and what it gets of the page, and asks for a cookie of its own.
"""

from __future__ import annotations

import pytest
from werkzeug.test import EnvironBuilder

from cms.content import save_category
from cms.extensions import db
from cms.page_view import PageIdentity, Visitor
from cms.plugins import registry
from cms.plugins.widgets import PlacedWidget, is_visible, render_live
from tests.plugins.helpers import module, place

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def echo_of(html: str, widget_id: int) -> str:
    """The text of the echo widget ``widget_id`` in ``html``."""
    start = html.index(f'data-widget-id="{widget_id}"')
    start = html.index("<p class='echo'>", start) + len("<p class='echo'>")
    return html[start : html.index("</p>", start)]


def test_a_live_widget_gets_the_page_identity_and_the_visitor(app, client, make_article):
    article = make_article("Bài có widget sống")
    wid = place(app, "hello", "echo")
    client.set_cookie("x", "from-the-reader")
    response = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert response.status_code == 200
    text = echo_of(response.text, wid)
    assert "x=from-the-reader kind=article" in text
    assert f"path=/news/{article.slug} id={article.id} from=127.0.0.1 robot=False" in text
    assert "greeting=hello_seen Search" in text  # default settings and translations
    # The cookie the widget asked for is on the answer.
    cookies = response.headers.getlist("Set-Cookie")
    assert any(c.startswith("hello_seen=article;") and "Max-Age=3600" in c for c in cookies)


def test_a_live_widget_renders_for_every_request_and_sees_robots(app, client):
    wid = place(app, "hello", "echo")
    seen = module("hello").SEEN
    seen.clear()
    client.set_cookie("x", "one")
    assert "x=one kind=home path=/ id=None" in echo_of(client.get("/", headers=BROWSER).text, wid)
    client.set_cookie("x", "two")
    robot = {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}
    text = echo_of(client.get("/", headers=robot).text, wid)
    assert "x=two" in text  # not the first answer, from a cache
    assert "robot=True" in text
    assert seen.count("live:home") == 2


def test_on_an_error_page_a_live_widget_gets_kind_other(app, client):
    wid = place(app, "hello", "echo")
    response = client.get("/khong-co-trang-nay")
    assert response.status_code == 404
    assert "kind=other path=/khong-co-trang-nay id=None" in echo_of(response.text, wid)


def _environ(app, path, **headers):
    builder = EnvironBuilder(path=path, headers=headers, base_url="http://localhost/")
    try:
        return builder.get_environ()
    finally:
        builder.close()


def test_render_live_fills_a_widget_from_a_bare_environ(app):
    """What the page cache does on a hit: no view ran, no ``g.cms_page``, no ORM object."""
    wid = place(app, "hello", "echo", settings={"cookie": "seen_here"}, title="Vọng lại")
    environ = _environ(app, "/news/bai-da-luu", Cookie="x=cached-reader", **BROWSER)
    page = PageIdentity("article", 7, "/news/bai-da-luu", 200, 3)
    visitor = Visitor.from_environ(environ)
    with app.request_context(environ):
        html = render_live(wid, page, visitor, theme="default", locale="vi")
    assert html.startswith(
        f'<section class="widget widget--hello-echo" data-widget="hello.echo" '
        f'data-widget-id="{wid}"'
    )
    assert "Vọng lại" in html
    text = echo_of(html, wid)
    assert "x=cached-reader kind=article path=/news/bai-da-luu id=7" in text
    assert "Tìm kiếm" in text  # the locale asked for, not the site's (en in tests)
    assert [(c.name, c.value, c.max_age) for c in visitor.new_cookies] == [
        ("seen_here", "article", 3600)
    ]
    assert visitor.cookies["seen_here"] == "article"


def test_render_live_applies_the_visibility_rule_from_the_identity(app):
    with app.app_context():
        category = save_category(None, {"name": "Thời sự"})
        db.session.commit()
        category_id = category.id
    only_articles = place(app, "hello", "echo", visibility="articles")
    only_category = place(app, "hello", "echo", visibility="categories", category_ids=[category_id])
    visitor = Visitor(address="203.0.113.9", user_agent=BROWSER["User-Agent"])
    home = PageIdentity("home", None, "/")
    article = PageIdentity("article", 5, "/news/x", 200, category_id)
    elsewhere = PageIdentity("article", 6, "/news/y", 200, category_id + 1)
    listing = PageIdentity("category", category_id, "/category/thoi-su", 200, category_id)
    with app.request_context(_environ(app, "/")):
        assert render_live(only_articles, home, visitor, theme="default", locale="en") == ""
        assert "from=203.0.113.9" in render_live(
            only_articles, article, visitor, theme="default", locale="en"
        )
        assert render_live(only_category, elsewhere, visitor, theme="default", locale="en") == ""
        for page in (article, listing):
            assert render_live(only_category, page, visitor, theme="default", locale="en")


def test_render_live_leaves_out_what_it_cannot_fill(app):
    box = place(app, "hello", "box")  # cached, not live
    echo = place(app, "hello", "echo")
    visitor = Visitor()
    page = PageIdentity("home")
    with app.request_context(_environ(app, "/")):
        assert render_live(999_999, page, visitor, theme="default", locale="en") == ""
        assert render_live(box, page, visitor, theme="default", locale="en") == ""
        registry().set_enabled("hello", False)
        db.session.commit()
        assert render_live(echo, page, visitor, theme="default", locale="en") == ""
    assert visitor.new_cookies == []


def test_a_raising_live_widget_is_left_out_and_counted(app, client, caplog):
    bad = place(app, "boom", "exploding")
    good = place(app, "hello", "echo", position=1)
    with app.request_context(_environ(app, "/")):
        html = render_live(bad, PageIdentity("home"), Visitor(), theme="default", locale="en")
        assert html == ""
        assert registry().failures("boom") == 1
    assert f"widget {bad} (boom.exploding) failed to render" in caplog.text
    response = client.get("/")
    assert response.status_code == 200
    assert f'data-widget-id="{bad}"' not in response.text
    assert f'data-widget-id="{good}"' in response.text


def test_a_placed_widget_may_be_passed_instead_of_its_id(app):
    placed = PlacedWidget(id=41, plugin="hello", widget_type="echo", title="", settings={})
    with app.request_context(_environ(app, "/trang/gioi-thieu")):
        html = render_live(
            placed, PageIdentity("page", 2, "/trang/gioi-thieu"), Visitor(), theme="default",
            locale="en",
        )  # fmt: skip
    assert 'data-widget-id="41"' in html
    assert "kind=page path=/trang/gioi-thieu id=2" in html


@pytest.mark.parametrize(
    ("visibility", "page", "shown"),
    [
        ("all", PageIdentity("other", path="/x"), True),
        ("articles", PageIdentity("article", 1, category_id=4), True),
        ("articles", PageIdentity("page", 1), False),
        ("pages", PageIdentity("page", 1), True),
        ("pages", PageIdentity("home"), False),
        ("categories", PageIdentity("article", 1, category_id=4), True),
        ("categories", PageIdentity("article", 1, category_id=5), False),
        ("categories", PageIdentity("article", 1), False),
        ("categories", PageIdentity("category", 4, category_id=4), True),
        ("categories", PageIdentity("tag", 4, category_id=4), False),
        ("nonsense", PageIdentity("home"), False),
    ],
)
def test_visibility_rules_read_only_the_identity(visibility, page, shown):
    placed = PlacedWidget(
        id=1, plugin="p", widget_type="w", title="", settings={}, visibility=visibility,
        category_ids=(4,),
    )  # fmt: skip
    assert is_visible(placed, page) is shown
