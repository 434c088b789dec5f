"""What the hot path of a cache hit keeps per process, with the test plugins of conftest.py.

The body made with shared live widgets is reused only for the very same
HTML; the names of the active plugins, which every hook call needs, only
while the plugin states are unchanged.
"""

from __future__ import annotations

import pytest

from cms.extensions import db
from cms.page_view import PageIdentity, Visitor
from cms.plugins import registry
from cms.plugins import widgets as widget_module
from tests.plugins.helpers import module, place

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def test_a_hit_shows_the_shared_live_html_of_the_moment(app, client, make_article, monkeypatch):
    """Shared live HTML that changes (it expired, was rendered again) changes the page."""
    article = make_article("Khối dùng chung")
    place(app, "hello", "echo")
    url = f"/news/{article.slug}"
    for _ in range(4):  # the test plugin "boom" fails on every page until it is paused,
        client.get(url, headers=BROWSER)  # which moves the plugin states (pages dropped)
    assert client.get(url, headers=BROWSER).headers["X-Page-Cache"] == "hit"
    shown: list[str] = []

    def shared_live(instance_id: int, page: PageIdentity, *, theme: str, locale: str) -> str:
        return shown[-1]

    monkeypatch.setattr(widget_module, "shared_live", shared_live)
    for html in ("<p>one</p>", "<p>two</p>", "<p>two</p>", "<p>one</p>"):
        shown.append(html)
        answer = client.get(url, headers=BROWSER)
        assert answer.headers["X-Page-Cache"] == "hit"
        assert html in answer.text
        other = "<p>two</p>" if html == "<p>one</p>" else "<p>one</p>"
        assert other not in answer.text


@pytest.mark.parametrize("enabled_between", [False, True])
def test_a_hook_call_follows_the_plugin_states_of_the_moment(app, enabled_between):
    """The active names kept between calls are worked out again when a plugin is switched."""
    seen = module("hello").SEEN
    page = PageIdentity("home", None, "/")
    with app.app_context():
        plugins = registry()
        plugins.set_enabled("hello", not enabled_between)
        db.session.commit()
    with app.app_context():
        seen.clear()
        registry().call("page_view", page=page, visitor=Visitor())
        assert ("view:home" in seen) is not enabled_between
    with app.app_context():
        registry().set_enabled("hello", enabled_between)
        db.session.commit()
    with app.app_context():
        seen.clear()
        registry().call("page_view", page=page, visitor=Visitor())
        registry().call("page_view", page=page, visitor=Visitor())
        assert seen.count("view:home") == (2 if enabled_between else 0)
