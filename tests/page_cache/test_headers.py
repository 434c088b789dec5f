"""The page cache: the caching headers of cached pages, for browsers and shared caches.

Uses a plugin of its own, ``revvisitor``, whose ``page_view`` gives each new
visitor a cookie (as a visit counter or a one-vote-per-visitor rule does).
"""

from __future__ import annotations

import sys
import textwrap
import time

import pytest

from cms.page_cache import middleware
from tests.page_cache.helpers import BROWSER, Clock, state

VISITOR_PLUGIN = """
    import secrets

    from cms.plugins import Plugin, hookimpl

    class Hooks:
        @hookimpl
        def page_view(self, page, visitor):
            if "rv_id" not in visitor.cookies:
                visitor.set_cookie("rv_id", secrets.token_hex(8), max_age=3600)

    plugin = Plugin(name="revvisitor", title="Visitor id", hooks=Hooks(),
                    enabled_by_default=True)
"""


@pytest.fixture
def app_config(app_config, tmp_path):
    folder = tmp_path / "plugins" / "revvisitor"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text(textwrap.dedent(VISITOR_PLUGIN))
    yield {**app_config, "PLUGINS_DIR": str(folder.parent)}
    sys.modules.pop("plugins.revvisitor", None)


def test_an_answer_setting_a_visitor_cookie_is_not_public(client, make_article):
    """A page without live widgets is sent ``Cache-Control: public, max-age=60`` even
    when the answer sets a cookie of this visitor. Set-Cookie does not stop a
    shared cache from storing an answer (RFC 9111 section 7.3): a proxy or CDN
    in front would hand one visitor's id to everyone. Such answers must be
    ``private`` (or ``no-cache="Set-Cookie"``).
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    for expected in ("miss", "hit"):
        reader = client.application.test_client()  # a new visitor, without the cookie
        answer = reader.get(url, headers=BROWSER)
        assert state(answer) == expected
        cookies = answer.headers.getlist("Set-Cookie")
        assert any(cookie.startswith("rv_id=") for cookie in cookies)
        assert "public" not in answer.headers.get("Cache-Control", ""), cookies


@pytest.fixture
def cached(client, make_article, monkeypatch):
    """The second answer for an article's page (a hit, without live widgets), a second later.

    ``Last-Modified`` is sent once the second the page was stored in is over.
    """
    clock = Clock(time.time())
    monkeypatch.setattr(middleware, "time", clock)
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url)
    clock.now += 1.0
    answer = client.get(url)
    assert state(answer) == "hit"
    return url, answer


def test_if_modified_since_gets_a_304(client, cached):
    """Pages without live widgets send ``Last-Modified`` "for 304s", but a request with
    ``If-Modified-Since`` alone (no ``If-None-Match``) always gets the whole page
    (RFC 9110 13.1.3 and 13.2.2: evaluate it when ``If-None-Match`` is absent).
    """
    url, answer = cached
    since = client.get(url, headers={"If-Modified-Since": answer.headers["Last-Modified"]})
    assert since.status_code == 304


def test_a_weak_if_none_match_gets_a_304(client, cached):
    """``If-None-Match`` uses the weak comparison (RFC 9110 13.1.2): ``W/"<etag>"``, as
    proxies that compress answers send it back, matches the page's ``"<etag>"``.
    """
    url, answer = cached
    weak = client.get(url, headers={"If-None-Match": "W/" + answer.headers["ETag"]})
    assert weak.status_code == 304
