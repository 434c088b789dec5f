"""The page cache: what a cache key leaves out, and how many keys a reader can make.

Each test names a request a hostile reader can send; what the cache stores
for it must never reach other readers, and must not grow without bound.
"""

from __future__ import annotations

from pathlib import Path

import cms
from tests.page_cache.helpers import BROWSER, state, stored_entries


def test_a_forwarded_prefix_never_reaches_other_readers(make_app, make_article):
    """Behind ``CMS_PROXY_HOPS=1`` without ``CMS_SITE_URL``, ``X-Forwarded-Prefix`` is trusted.

    The README's nginx configuration passes a client's ``X-Forwarded-Prefix``
    through, so any reader can set it; Flask then builds every link under
    that prefix. The key leaves ``SCRIPT_NAME`` out, so the poisoned page is
    served to every later reader.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    client = make_app(PROXY_HOPS=1).test_client()
    url = f"/news/{article.slug}"
    poisoned = client.get(url, headers={**BROWSER, "X-Forwarded-Prefix": "/evil"})
    assert poisoned.status_code == 200
    assert 'href="/evil/' in poisoned.text  # what ProxyFix makes of it, for this request
    reader = client.get(url, headers=BROWSER)
    assert reader.status_code == 200
    assert "/evil/" not in reader.text, f"X-Page-Cache: {state(reader)}"


def test_a_host_with_another_port_never_reaches_readers_of_the_plain_host(client, make_article):
    """Without ``CMS_SITE_URL``, ``Host: portal.example:443`` over HTTP shares the key of
    ``portal.example``: the key drops ports 80 and 443 whatever the scheme (and a
    trailing dot), while Flask builds canonical, OpenGraph and feed URLs from
    the ``Host`` as sent. Every reader then gets ``http://portal.example:443/...``.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    url = f"/news/{article.slug}"
    client.get(url, base_url="http://portal.example:443", headers=BROWSER)
    reader = client.get(url, base_url="http://portal.example", headers=BROWSER)
    assert reader.status_code == 200
    assert "portal.example:443" not in reader.text, f"X-Page-Cache: {state(reader)}"
    client.get("/", base_url="http://portal.example.", headers=BROWSER)
    home = client.get("/", base_url="http://portal.example", headers=BROWSER)
    assert "portal.example./" not in home.text, f"X-Page-Cache: {state(home)}"


def test_page_numbers_on_pages_without_pages_create_no_entries(app, client, make_article):
    """``?page=N`` is kept in the key, so the front page, articles, pages, the feed
    and the sitemap (not paginated) redirect to their URL without it, keeping the
    other parameters: every number would otherwise be rendered afresh.
    """
    article = make_article("Khánh thành cầu Suối Ngọc")
    paths = ("/", f"/news/{article.slug}", "/feed.xml", "/sitemap.xml")
    for _ in range(2):  # the first feed records the site's identity: a setting, every page dropped
        for path in paths:
            client.get(path, headers=BROWSER)
    before = stored_entries(app)
    assert before == 4
    for n in range(10):
        for path in paths:
            moved = client.get(
                f"{path}?page={1000 + n}&utm_source=tin%20t%E1%BB%A9c", headers=BROWSER
            )
            assert moved.status_code == 301, path
            assert moved.headers["Location"] == f"{path}?utm_source=tin%20t%E1%BB%A9c"
            assert client.get(f"{path}?page=x{n}", headers=BROWSER).headers["Location"] == path
    assert stored_entries(app) == before
    assert (
        state(client.get(f"/news/{article.slug}?page=2", follow_redirects=True, headers=BROWSER))
        == "hit"
    )


def test_a_deploy_of_the_core_code_changes_every_key(app):
    """The deploy version covers templates, static files, plugins and themes, and
    the core's version string, but not the core's Python code: a deploy that
    changes how a view renders (same ``__version__``) keeps serving the pages
    rendered by the old code, from Redis or the cache file, until they expire.
    """
    from cms.page_cache import _folders

    folders = [Path(folder).resolve() for folder in _folders(app)]
    views = Path(cms.__file__).parent.resolve() / "public" / "views.py"
    assert any(views.is_relative_to(folder) for folder in folders), folders


def test_an_over_long_page_number_never_finds_page_one(
    client, make_app, make_category, make_article
):
    category = make_category("Kinh tế")
    for number in range(3):
        make_article(f"Tin kinh tế {number}", category_id=category.id)
    url = f"/category/{category.slug}"
    assert client.get(url, headers=BROWSER).status_code == 200
    assert state(client.get(url, headers=BROWSER)) == "hit"
    asked = f"{url}?page={'9' * 150}"
    flask_alone = make_app(PAGE_CACHE=False).test_client().get(asked, headers=BROWSER)
    answer = client.get(asked, headers=BROWSER)
    assert answer.status_code == flask_alone.status_code != 200
    assert state(answer) != "hit"


def test_theme_and_plugin_static_files_never_go_through_the_cache(client):
    asset = client.get("/themes/default/static/css/site.css")
    assert asset.status_code == 200
    assert state(asset) is None
    asset.close()  # a file response: its file is closed with it
    missing = client.get("/plugins/clock/static/nothing.js")
    assert state(missing) is None
