"""Live widgets that proved fast render in the request's thread, under a watchdog."""

from __future__ import annotations

import threading
import time

import pytest

from cms.plugins.inline import InlineRenders
from cms.plugins.widgets import RegionRenderer
from tests.plugins.helpers import place

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def test_a_type_renders_inline_only_after_proving_fast_in_a_row():
    renders = InlineRenders(proven_after=3, fast_share=0.25)
    for _ in range(2):
        renders.pooled("a.live", 0.01, 1.0, ok=True)
    assert not renders.may_inline("a.live")
    renders.pooled("a.live", 0.5, 1.0, ok=True)  # within budget, but not fast
    renders.pooled("a.live", 0.01, 1.0, ok=True)
    renders.pooled("a.live", 0.01, 1.0, ok=True)
    assert not renders.may_inline("a.live")
    renders.pooled("a.live", 0.01, 1.0, ok=True)
    assert renders.may_inline("a.live")
    assert not renders.may_inline("b.other")
    renders.pooled("a.live", 0.01, 1.0, ok=False)
    assert not renders.may_inline("a.live")


def test_the_watchdog_reports_a_render_still_running_past_its_budget():
    renders = InlineRenders(proven_after=1, tick=0.02)
    renders.pooled("a.live", 0.0, 1.0, ok=True)
    reported = threading.Event()
    with renders.watched("a.live", 0.05, reported.set):
        # Still inside the render: the watchdog has already told.
        assert reported.wait(2.0)
    assert not renders.may_inline("a.live")


def test_a_late_or_failing_inline_render_goes_back_to_the_pool():
    renders = InlineRenders(proven_after=1, tick=10.0)  # the watchdog will not look in time
    renders.pooled("a.live", 0.0, 1.0, ok=True)
    calls = []
    with renders.watched("a.live", 0.01, lambda: calls.append("late")):
        time.sleep(0.03)
    assert calls == ["late"]
    assert not renders.may_inline("a.live")
    renders.pooled("a.live", 0.0, 1.0, ok=True)
    with pytest.raises(RuntimeError), renders.watched("a.live", 1.0, lambda: None):
        raise RuntimeError("widget bug")
    assert not renders.may_inline("a.live")


def test_a_proven_live_widget_still_renders_per_visitor_on_cached_pages(app, client, make_article):
    article = make_article("Khối sống chạy tại chỗ")
    place(app, "hello", "echo")
    renderer = next(
        r for r in app.extensions["cms_region_renderers"] if isinstance(r, RegionRenderer)
    )
    url = f"/news/{article.slug}"
    for n in range(renderer.inline.proven_after + 3):
        client.set_cookie("x", f"reader-{n}")
        response = client.get(url, headers=BROWSER)
        assert f"x=reader-{n} kind=article" in response.text
    assert renderer.inline.may_inline("hello.echo")
    assert response.headers.get("X-Page-Cache") == "hit"
    assert any(c.startswith("hello_seen=") for c in response.headers.getlist("Set-Cookie"))
