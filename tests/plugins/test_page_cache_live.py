"""Live widgets on cached pages: rendered per visitor on every hit, never stored in the cache.

Uses the test plugins of tests/plugins/conftest.py: ``hello.echo`` (live: echoes the
visitor's cookie ``x`` and sets a cookie), ``hello.box`` (cached), ``boom.exploding``
(raises), and ``liveform`` below (a live form with a CSRF token).
"""

from __future__ import annotations

import textwrap

import pytest

from cms import page_cache
from cms.plugins.widgets import widget_cache
from tests.plugins.helpers import module, place

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}

LIVE_FORM = """
    from cms.plugins import Plugin, Widget

    class Form(Widget):
        type = "form"
        title = "Live form"
        template = "liveform/form.html"
        cache = "live"

        def live_context(self, instance, page, visitor):
            return {}

    RENDERS = []

    class Shared(Widget):
        type = "shared"
        title = "Shared"
        template = "liveform/shared.html"
        cache = "live"
        live_max_age = 1.0

        def live_context(self, instance, page, visitor):
            RENDERS.append(page.path)
            return {"n": len(RENDERS)}

    class Broken(Widget):
        type = "broken"
        title = "Broken"
        template = "liveform/form.html"

        def get_context(self, instance, page):
            raise RuntimeError("a cached widget failed")

    plugin = Plugin(name="liveform", title="Live form", widgets=[Form, Shared, Broken],
                    enabled_by_default=True)
"""


@pytest.fixture
def plugins_dir(plugins_dir):
    folder = plugins_dir / "liveform"
    (folder / "templates" / "liveform").mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(LIVE_FORM))
    (folder / "templates" / "liveform" / "form.html").write_text(
        '<form method="post"><input type="hidden" name="csrf_token" value="{{ csrf_token() }}">'
        "</form>"
    )
    (folder / "templates" / "liveform" / "shared.html").write_text(
        "<p class='shared'>n={{ n }}</p>"
    )
    return plugins_dir


def state(response) -> str | None:
    return response.headers.get("X-Page-Cache")


def echo_of(html: str) -> str:
    start = html.index("<p class='echo'>") + len("<p class='echo'>")
    return html[start : html.index("</p>", start)]


def stored_pages(app) -> list[bytes]:
    """Every entry body the cache holds (SQLite file or Redis)."""
    backend = page_cache.get_page_cache(app).backend
    if hasattr(backend, "client"):
        keys = list(backend.client.scan_iter(match=f"{backend.prefix}page:*"))
        return [backend.client.get(key) or b"" for key in keys]
    connection = backend._connect()
    return [bytes(row[0]) for row in connection.execute("SELECT data FROM entry")]


def test_a_live_widget_is_rendered_for_each_visitor_on_a_hit(app, client, make_article):
    article = make_article("Bài có khối sống")
    place(app, "hello", "echo")
    url = f"/news/{article.slug}"
    client.set_cookie("x", "first-reader")
    first = client.get(url, headers=BROWSER)
    assert state(first) == "miss"
    assert "x=first-reader kind=article" in echo_of(first.text)
    client.set_cookie("x", "second-reader")
    second = client.get(url, headers=BROWSER)
    assert state(second) == "hit"
    assert "x=second-reader kind=article" in echo_of(second.text)
    assert f"path={url} id={article.id}" in echo_of(second.text)
    # The cookie the widget asks for is set on hits too; the stored page holds no visitor.
    assert any(c.startswith("hello_seen=article;") for c in second.headers.getlist("Set-Cookie"))
    stored = b"".join(stored_pages(app))
    assert b"first-reader" not in stored
    assert b"<p class='echo'>" not in stored
    assert b"cms-live:" in stored


def test_a_page_with_live_widgets_is_revalidated_every_time(app, client, make_article):
    article = make_article("Luôn hỏi lại")
    place(app, "hello", "echo")
    url = f"/news/{article.slug}"
    client.get(url)
    response = client.get(url)
    # no-cache, and private: the echo widget sets a cookie (RFC 9111 section 7.3)
    assert response.headers["Cache-Control"] == "no-cache, private"
    assert "ETag" not in response.headers
    assert client.get(url, headers={"If-None-Match": "*"}).status_code == 200


def test_page_view_runs_on_hits_and_the_live_step_sees_its_cookie(app, client, make_article):
    article = make_article("Đếm cả khi lấy từ bộ đệm")
    place(app, "hello", "echo")
    seen = module("hello").SEEN
    seen.clear()
    for _ in range(3):
        client.get(f"/news/{article.slug}", headers=BROWSER)
    assert seen.count("view:article") == 3
    assert seen.count("live:article") == 3


def test_each_visitor_gets_a_csrf_token_of_their_own_and_none_is_stored(app, client, make_article):
    article = make_article("Biểu mẫu trên trang đã lưu")
    place(app, "liveform", "form")
    url = f"/news/{article.slug}"
    tokens = []
    for _ in range(3):
        reader = app.test_client()
        response = reader.get(url, headers=BROWSER)
        assert response.status_code == 200
        marker = 'name="csrf_token" value="'
        start = response.text.index(marker) + len(marker)
        tokens.append(response.text[start : response.text.index('"', start)])
        cookies = response.headers.getlist("Set-Cookie")
        assert not any(c.startswith("session=") for c in cookies)  # bound to a cookie instead
        assert any(c.startswith("cms_csrf=") for c in cookies)
    assert len(set(tokens)) == 3
    # No session: the page cache still answers this reader (None: Flask, for a session).
    assert state(reader.get(url, headers=BROWSER)) is not None
    stored = b"".join(stored_pages(app))
    assert stored  # the page is cached, without any token
    assert not any(token.encode() in stored for token in tokens)


def test_a_page_missing_a_failed_widget_is_not_stored(app, client, make_article):
    article = make_article("Một khối bị lỗi")
    place(app, "liveform", "broken")
    url = f"/news/{article.slug}"
    first = client.get(url)
    assert (first.status_code, state(first)) == (200, "miss")
    assert state(client.get(url)) == "miss"


def test_invalidating_a_cached_widget_drops_the_pages_showing_it(app, client, make_article):
    article = make_article("Khối được lưu")
    box = place(app, "hello", "box")
    url = f"/news/{article.slug}"
    client.get(url)
    assert state(client.get(url)) == "hit"
    with app.app_context():
        widget_cache.invalidate(instance_id=box, now=True)
    assert state(client.get(url)) == "miss"


def perpage_of(html: str) -> str:
    start = html.index("<p class='perpage'>") + len("<p class='perpage'>")
    return html[start : html.index("</p>", start)]


@pytest.fixture
def quiet(app):
    """The ``boom`` test plugin off: three of its page_view errors would pause it, a purge."""
    from cms.extensions import db
    from cms.plugins import registry

    with app.app_context():
        registry().set_enabled("boom", False)
        db.session.commit()


def retitle(app, article_id: int, title: str) -> None:
    """A change that the per-page widget shows and that no invalidation of it follows."""
    from cms.extensions import db
    from cms.models import Article

    with app.app_context():
        db.session.get(Article, article_id).title = title
        db.session.commit()  # drops the article's page, never the widget's HTML


def test_a_per_page_widget_invalidated_on_some_pages_leaves_the_others_stored(
    app, client, quiet, make_article
):
    first, second = make_article("Trang một"), make_article("Trang hai")
    place(app, "hello", "perpage")
    urls = [f"/news/{first.slug}", f"/news/{second.slug}"]
    for url in urls:
        assert state(client.get(url)) == "miss"
        assert state(client.get(url)) == "hit"
    retitle(app, first.id, "Trang một (sửa)")
    assert perpage_of(client.get(urls[0]).text) == "Trang một"  # its HTML kept
    with app.app_context():
        widget_cache.invalidate(
            widget_type="hello.perpage", pages=[f"article:{first.id}"], now=True
        )
    again = client.get(urls[0])
    assert (state(again), perpage_of(again.text)) == ("miss", "Trang một (sửa)")
    assert state(client.get(urls[1])) == "hit"


def test_a_per_page_invalidation_follows_the_transaction_it_is_part_of(app, client, make_article):
    from cms.extensions import db

    article = make_article("Theo giao dịch")
    place(app, "hello", "perpage")
    url = f"/news/{article.slug}"
    client.get(url)
    with app.app_context():
        widget_cache.invalidate(widget_type="hello.perpage", pages=[f"article:{article.id}"])
        db.session.rollback()
    assert state(client.get(url)) == "hit"  # rolled back: nothing dropped
    retitle(app, article.id, "Theo giao dịch (sửa)")
    client.get(url)
    with app.app_context():
        widget_cache.invalidate(widget_type="hello.perpage", pages=[f"article:{article.id}"])
        db.session.commit()
    again = client.get(url)
    assert (state(again), perpage_of(again.text)) == ("miss", "Theo giao dịch (sửa)")


@pytest.mark.parametrize("other", [{"instance_id": 1}, {"plugin": "hello"}, {}])
def test_pages_narrow_a_widget_type_invalidation_only(app, other):
    with app.app_context(), pytest.raises(ValueError, match="widget_type"):
        widget_cache.invalidate(pages=["article:1"], **other)


def test_disabling_a_plugin_drops_its_widgets_from_cached_pages(app, client, make_article):
    article = make_article("Tắt plugin")
    place(app, "hello", "box")
    url = f"/news/{article.slug}"
    client.get(url)
    assert "class='hello'" in client.get(url).text
    from cms.extensions import db
    from cms.plugins import registry

    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    response = client.get(url)
    assert state(response) == "miss"
    assert "class='hello'" not in response.text


@pytest.mark.parametrize("cached", [True, False], ids=["page cache", "rendered by Flask"])
def test_a_live_widget_the_same_for_every_reader_is_shared_for_its_max_age(
    app, make_app, make_article, cached
):
    import re
    import time

    article = make_article("Khối dùng chung")
    place(app, "liveform", "shared")
    url = f"/news/{article.slug}"
    # Without the page cache, Flask renders the page each time; the live widget is shared alike.
    client = (app if cached else make_app(PAGE_CACHE=False)).test_client()

    def shown() -> int:
        return int(re.search(r"n=(\d+)", client.get(url, headers=BROWSER).text).group(1))

    for _ in range(4):  # the test plugin "boom" fails on every page until it is paused,
        shown()  # which moves the plugin states (and so renews shared HTML once)
    time.sleep(1.1)
    first = shown()
    assert [shown() for _ in range(3)] == [first] * 3  # hits within the second: one render
    time.sleep(1.1)
    assert shown() > first
    assert "cms-live" not in client.get(url, headers=BROWSER).text


def test_a_live_form_is_filled_in_when_a_widget_after_it_fails(app, client, make_article):
    """A page refused from storage (a widget failed) still has its live parts filled in."""
    article = make_article("Khối lỗi sau biểu mẫu")
    place(app, "liveform", "form", region="header")
    place(app, "liveform", "broken", region="sidebar")
    answer = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert answer.status_code == 200
    assert state(answer) == "miss"
    assert 'name="csrf_token"' in answer.text
    assert "cms-live:" not in answer.text
    assert answer.headers["Cache-Control"].startswith("no-cache")
    # The statistics plugin (on by default) gives a first visitor a cookie: never shared.
    assert "stats_vid=" in answer.headers["Set-Cookie"]
    assert answer.headers["Cache-Control"] == "no-cache, private"
    assert "ETag" not in answer.headers
