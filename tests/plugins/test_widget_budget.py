"""Widgets render within a time budget: a slow one is left out, counted, and its plugin paused."""

from __future__ import annotations

import sys
import textwrap
import threading
import time

import pytest
from werkzeug.test import EnvironBuilder

from cms import visitor_csrf
from cms.extensions import db
from cms.models import PluginState
from cms.page_view import PageIdentity, Visitor
from cms.plugins import registry, widgets
from cms.plugins.widgets import render_live
from cms.testing import csrf_token_from
from tests.plugins.helpers import module, place

#: A plugin whose widgets are slow on purpose: ``sleepy`` (live) blocks until the test
#: releases it (at most 30 s), ``late`` takes ``delay`` seconds and may be cached,
#: ``where`` (cached per page) shows what it sees of the request, ``form`` (live) holds
#: a form with a CSRF token and shows what it gets of the page and the visitor.
SLOW_PLUGIN = """
    import threading
    import time

    from flask import g, request
    from cms.plugins import Plugin, Widget

    RELEASE = threading.Event()
    STARTED = []

    class Sleepy(Widget):
        type = "sleepy"
        title = "Sleepy"
        template = "slow/sleepy.html"
        cache = "live"

        def live_context(self, instance, page, visitor):
            STARTED.append(time.monotonic())
            RELEASE.wait(30)
            return {}

    class Late(Widget):
        type = "late"
        title = "Late"
        template = "slow/late.html"
        cache = "static"
        default_settings = {"delay": 0.6}

        def get_context(self, instance, page):
            time.sleep(float(instance.settings.get("delay", 0.6)))
            return {"made_at": time.monotonic()}

    class Where(Widget):
        type = "where"
        title = "Where"
        template = "slow/where.html"
        per_page = True

        def get_context(self, instance, page):
            return {"path": request.path, "kind": page.get("kind"), "theme": g.get("cms_theme")}

    class Form(Widget):
        type = "form"
        title = "Form"
        template = "slow/form.html"
        cache = "live"

        def live_context(self, instance, page, visitor):
            return {"seen": f"{page.kind} {page.path} {visitor.method}"}

    plugin = Plugin(name="slow", title="Slow", widgets=[Sleepy, Late, Where, Form])
"""

TEMPLATES = {
    "sleepy.html": "<p class='sleepy'>finally awake</p>",
    "late.html": "<p class='late'>late but here</p>",
    "where.html": "<p class='where'>{{ path }} {{ kind }} {{ theme }} {{ _('Search') }}</p>",
    "form.html": (
        "<form class='live-form' method='post'><p>{{ seen }} {{ _('Search') }}</p>"
        '<input type="hidden" name="csrf_token" value="{{ csrf_token() }}"></form>'
    ),
}

BUDGET = 0.3


@pytest.fixture
def plugins_dir(plugins_dir):
    folder = plugins_dir / "slow"
    (folder / "templates" / "slow").mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(SLOW_PLUGIN))
    for name, text in TEMPLATES.items():
        (folder / "templates" / "slow" / name).write_text(text)
    yield plugins_dir
    sys.modules.pop("plugins.slow", None)


@pytest.fixture
def app_config(app_config):
    # Rendered by Flask every time, in page order (with the page cache, live widgets
    # render after the rest: tests/public/test_page_cache_live.py covers that order).
    return {
        **app_config,
        "WIDGET_TIME_BUDGET": BUDGET,
        "WIDGET_PAGE_BUDGET": 1.0,
        "PAGE_CACHE": False,
    }


@pytest.fixture
def slow(app):
    """The slow plugin's module; its sleeping widgets are woken up when the test ends."""
    loaded = module("slow")
    yield loaded
    loaded.RELEASE.set()
    renderer = app.extensions["cms_region_renderers"][-1]
    deadline = time.monotonic() + 10
    with app.app_context():
        while renderer.pool().running and time.monotonic() < deadline:
            time.sleep(0.02)


def timed_get(client, url):
    started = time.monotonic()
    response = client.get(url)
    return response, time.monotonic() - started


def test_a_slow_widget_is_left_out_and_the_page_answers_quickly(
    app, client, slow, make_article, caplog
):
    article = make_article("Trang có widget chậm")
    sleepy = place(app, "slow", "sleepy", position=0)
    good = place(app, "hello", "box", position=1)
    response, elapsed = timed_get(client, f"/news/{article.slug}")
    assert response.status_code == 200
    assert elapsed < 5  # not the widget's 30 s (its budget is far under 1 s; 2.3 s seen loaded)
    assert f'data-widget-id="{sleepy}"' not in response.text
    assert "finally awake" not in response.text
    assert f'data-widget-id="{good}"' in response.text
    assert f"widget {sleepy} (slow.sleepy) left out: over its time budget" in caplog.text
    assert len(slow.STARTED) == 1


def test_render_live_keeps_to_the_time_budget_on_a_cached_page(app, slow, caplog):
    """The page cache's path: a slow live widget is left out, counted, and the page not held."""
    sleepy = place(app, "slow", "sleepy")
    builder = EnvironBuilder(path="/news/da-luu", headers={"User-Agent": "Mozilla/5.0"})
    environ = builder.get_environ()
    builder.close()
    with app.request_context(environ):
        started = time.monotonic()
        html = render_live(
            sleepy, PageIdentity("article", 1, "/news/da-luu"), Visitor.from_environ(environ),
            theme="default", locale="en",
        )  # fmt: skip
        assert html == ""
        assert time.monotonic() - started < 2
        assert registry().failures("slow") == 1
    assert f"widget {sleepy} (slow.sleepy) left out: over its time budget" in caplog.text


def test_a_plugin_that_keeps_being_slow_is_paused_with_the_reason_shown(
    app, client, slow, make_article, signed_in
):
    article = make_article("Chậm mãi")
    sleepy = place(app, "slow", "sleepy")
    for _ in range(3):  # PLUGIN_PAUSE_ERRORS in these tests
        response, elapsed = timed_get(client, f"/news/{article.slug}")
        assert response.status_code == 200
        assert elapsed < 10  # the widget sleeps 30 s: the page does not wait for it
    with app.test_request_context("/"):
        state = registry().states()["slow"]
        assert state.paused_at is not None
        assert "time budget" in state.paused_reason
        assert f"widget {sleepy} (slow.sleepy)" in state.paused_reason
        assert not registry().is_enabled("slow")
    # Paused: the widget is not even started any more.
    response = client.get(f"/news/{article.slug}")
    assert response.status_code == 200
    assert f'data-widget-id="{sleepy}"' not in response.text
    assert len(slow.STARTED) == 3
    signed_in("admin")
    screen = client.get("/admin/plugins")
    assert "Paused automatically" in screen.text
    assert "time budget" in screen.text


def test_the_page_budget_bounds_all_widgets_together(app, client, slow, make_article, caplog):
    app.config.update(WIDGET_TIME_BUDGET=0.4, WIDGET_PAGE_BUDGET=0.5)
    article = make_article("Nhiều widget chậm")
    assert client.get(f"/news/{article.slug}").status_code == 200  # templates compiled
    first = place(app, "slow", "sleepy", position=0)
    second = place(app, "slow", "sleepy", position=1, region="footer")
    good = place(app, "hello", "box", position=2, region="footer")
    response, elapsed = timed_get(client, f"/news/{article.slug}")
    assert response.status_code == 200
    assert elapsed < 2.5  # about the page budget, not the widgets' 30 s
    for widget_id in (first, second, good):
        assert f'data-widget-id="{widget_id}"' not in response.text
    assert f"widget {good} (hello.box) left out: the page's widget time budget is spent" in (
        caplog.text
    )
    with app.app_context():
        row = db.session.get(PluginState, "hello")
        assert row is None or row.paused_at is None  # not its fault


def test_when_every_widget_thread_is_taken_widgets_are_skipped_not_queued(
    app, client, slow, make_article, caplog
):
    app.config.update(WIDGET_THREADS=1)
    article = make_article("Hết luồng")
    place(app, "slow", "sleepy", position=0)
    good = place(app, "hello", "box", position=1)
    first, _ = timed_get(client, f"/news/{article.slug}")
    assert first.status_code == 200
    # The sleepy render still holds the only thread: the box cannot start.
    second, elapsed = timed_get(client, f"/news/{article.slug}")
    assert second.status_code == 200
    assert elapsed < 2
    assert f'data-widget-id="{good}"' not in second.text
    assert "every widget thread is busy" in caplog.text
    slow.RELEASE.set()
    renderer = app.extensions["cms_region_renderers"][-1]
    deadline = time.monotonic() + 5
    with app.app_context():
        while renderer.pool().running and time.monotonic() < deadline:
            time.sleep(0.02)
        assert renderer.pool().running == 0
    third = client.get(f"/news/{article.slug}")
    assert f'data-widget-id="{good}"' in third.text
    with app.app_context():
        row = db.session.get(PluginState, "hello")
        assert row is None or row.paused_at is None


def test_a_slow_cacheable_widget_is_shown_from_the_cache_once_it_finished(
    app, client, slow, make_article
):
    article = make_article("Chậm nhưng lưu được")
    assert client.get(f"/news/{article.slug}").status_code == 200  # templates compiled
    late = place(app, "slow", "late", settings={"delay": 2.0})
    first, elapsed = timed_get(client, f"/news/{article.slug}")
    assert elapsed < 2.0
    assert f'data-widget-id="{late}"' not in first.text
    # The render goes on in the background and caches its HTML: the next page shows it.
    renderer = app.extensions["cms_region_renderers"][-1]
    deadline = time.monotonic() + 10
    with app.app_context():
        while renderer.pool().running and time.monotonic() < deadline:
            time.sleep(0.05)
    second = client.get(f"/news/{article.slug}")
    assert f'data-widget-id="{late}"' in second.text
    assert "late but here" in second.text


def test_widgets_in_their_threads_see_the_request_the_page_and_the_locale(
    make_app, make_article, slow
):
    app = make_app(LOCALE="vi")
    article = make_article("Widget thấy gì")
    where = place(app, "slow", "where")
    form = place(app, "slow", "form", position=1)
    client = app.test_client()
    response = client.get(f"/news/{article.slug}?x=1")
    assert response.status_code == 200
    assert f'data-widget-id="{where}"' in response.text
    assert f"/news/{article.slug} article default Tìm kiếm" in response.text
    assert f'data-widget-id="{form}"' in response.text
    assert f"article /news/{article.slug} GET Tìm kiếm" in response.text
    # The live form's CSRF token was made in the widget's thread, bound to the
    # visitor's cookie: the cookie reaches the answer, and the token matches it.
    token = csrf_token_from(response.text.split(f'data-widget-id="{form}"', 1)[1])
    cookie = client.get_cookie(visitor_csrf.COOKIE)
    assert cookie is not None
    with app.test_request_context(f"/news/{article.slug}"):
        assert visitor_csrf.is_valid(token, {visitor_csrf.COOKIE: cookie.value})
        assert not visitor_csrf.is_valid(token, {visitor_csrf.COOKIE: "B" * 43})


def test_the_pool_is_bounded_and_its_idle_threads_end(monkeypatch):
    monkeypatch.setattr(widgets, "IDLE_SECONDS", 0.1)
    pool = widgets.WidgetPool(2)
    release = threading.Event()
    first = pool.submit(lambda: release.wait(5), wait=0.1)
    second = pool.submit(lambda: release.wait(5), wait=0.1)
    assert first is not None
    assert second is not None
    started = time.monotonic()
    assert pool.submit(lambda: "never", wait=0.2) is None  # full: not queued behind them
    assert 0.15 < time.monotonic() - started < 2
    assert pool.threads == 2
    release.set()
    assert first.result(timeout=2) is True
    assert second.result(timeout=2) is True
    third = pool.submit(lambda: "reused", wait=0.1)
    assert third is not None
    assert third.result(timeout=2) == "reused"
    assert pool.threads <= 2
    deadline = time.monotonic() + 3
    while pool.threads and time.monotonic() < deadline:
        time.sleep(0.02)
    assert pool.threads == 0
    assert pool.running == 0
    fourth = pool.submit(lambda: "again", wait=0.1)  # a new thread starts for new work
    assert fourth is not None
    assert fourth.result(timeout=2) == "again"
