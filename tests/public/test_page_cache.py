"""The anonymous page cache: what it answers, what it never mixes, and when pages go stale.

Requests go through the test client, which calls the whole WSGI stack, page
cache middleware included; ``X-Page-Cache`` says ``hit`` or ``miss``. The
cache is a SQLite file of the test's instance folder, or Redis on the
PostgreSQL+Redis pass.
"""

from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from cms import page_cache, store
from cms.content import save_article, set_setting
from cms.extensions import db
from cms.models import Article, PageCachePurge
from cms.page_cache import middleware
from tests.page_cache.helpers import Clock

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36"}


def state(response) -> str | None:
    """``hit``, ``miss`` or ``None`` (the cache did not take part)."""
    return response.headers.get("X-Page-Cache")


@pytest.fixture
def article(make_article):
    return make_article("Khánh thành cầu Suối Ngọc")


def test_an_anonymous_page_is_rendered_once_then_served_from_the_cache(client, article):
    url = f"/news/{article.slug}"
    first = client.get(url, headers=BROWSER)
    second = client.get(url, headers=BROWSER)
    assert (first.status_code, state(first)) == (200, "miss")
    assert (second.status_code, state(second)) == (200, "hit")
    assert second.text == first.text
    assert article.title in second.text


def core_cookies(response):
    """The cookies an answer sets, but the statistics plugin's first-party visitor cookie."""
    return [c for c in response.headers.getlist("Set-Cookie") if not c.startswith("stats_vid=")]


def test_anonymous_answers_vary_on_no_cookie_and_set_none(client, article):
    for _ in range(2):
        response = client.get(f"/news/{article.slug}", headers=BROWSER)
        assert core_cookies(response) == []  # the stats plugin's visitor cookie is its own
        assert "cookie" not in response.headers.get("Vary", "").lower()


def test_a_page_without_live_blocks_can_be_revalidated(client, article, monkeypatch):
    clock = Clock(time.time())
    monkeypatch.setattr(middleware, "time", clock)  # Last-Modified once its second is over
    url = f"/news/{article.slug}"
    client.get(url)
    clock.now += 1.0
    response = client.get(url)
    assert response.headers["Cache-Control"].startswith("public, max-age=")
    etag = response.headers["ETag"]
    assert response.headers["Last-Modified"]
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.data == b""
    other = client.get(url, headers={"If-None-Match": '"something-else"'})
    assert other.status_code == 200


def test_every_view_is_counted_also_from_the_cache(app, client, article):
    for _ in range(5):
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    client.get(f"/news/{article.slug}", headers={"User-Agent": "Googlebot/2.1"})
    client.head(f"/news/{article.slug}", headers=BROWSER)
    store.flush_all()
    answer = client.get(f"/api/v1/articles/{article.id}")
    assert answer.json["views"] == 5


def test_head_is_answered_from_the_cache_without_a_body(client, article):
    url = f"/news/{article.slug}"
    client.get(url)
    response = client.head(url)
    assert (response.status_code, state(response)) == (200, "hit")
    assert response.data == b""


def test_signed_in_editors_never_get_nor_leave_a_cached_page(client, signed_in, article):
    url = f"/news/{article.slug}"
    signed_in("editor")
    first = client.get(url)
    assert first.status_code == 200
    assert state(first) is None
    assert state(client.get(url)) is None
    client.delete_cookie("session")
    client.delete_cookie("remember_token")
    assert state(client.get(url)) == "miss"  # the editor's page was not stored


def test_a_signed_in_page_varies_on_the_session_cookie(client, signed_in, article):
    signed_in("editor")
    response = client.get(f"/news/{article.slug}")
    assert response.status_code == 200
    assert "cookie" in response.headers.get("Vary", "").lower()


def test_requests_with_credentials_or_other_methods_bypass_the_cache(client, article):
    url = f"/news/{article.slug}"
    client.get(url)
    assert state(client.get(url, headers={"Authorization": "Bearer nothing"})) is None
    assert state(client.post(url)) is None
    assert state(client.get(url)) == "hit"


def test_unknown_query_parameters_share_the_entry_and_create_none(app, client, article):
    url = f"/news/{article.slug}"
    assert state(client.get(url)) == "miss"
    assert state(client.get(url + "?utm_source=facebook&fbclid=abc")) == "hit"
    for n in range(5):
        assert state(client.get(f"{url}?random{n}={'x' * 300}")) == "hit"
    # The home page has no pages: a page number there is sent to the page without it.
    for _ in range(2):
        moved = client.get("/?page=1")
        assert (moved.status_code, moved.headers["Location"]) == (301, "/")


def test_the_cache_key_never_mixes_hosts(client, article):
    url = f"/news/{article.slug}"
    one = client.get(url, base_url="http://one.example")
    two = client.get(url, base_url="http://two.example")
    assert state(one) == state(two) == "miss"
    assert "one.example" in one.text
    assert "one.example" not in two.text


def test_a_site_url_host_answers_and_other_hosts_are_refused(make_app, article):
    app = make_app(SITE_URL="https://portal.example")
    client = app.test_client()
    url = f"/news/{article.slug}"
    assert client.get(url, base_url="https://portal.example").status_code == 200
    assert state(client.get(url, base_url="https://portal.example")) == "hit"
    assert client.get(url, base_url="https://evil.example").status_code == 400


def test_unpublishing_drops_the_page_at_once(app, client, article):
    url = f"/news/{article.slug}"
    client.get(url)
    assert "Khánh thành" in client.get("/").text
    assert state(client.get(url)) == "hit"
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    assert client.get(url).status_code == 404
    assert "Khánh thành" not in client.get("/").text


def test_editing_drops_the_article_and_the_lists_but_not_unrelated_pages(
    app, client, article, make_article
):
    other = make_article("Một bài khác")
    url, other_url = f"/news/{article.slug}", f"/news/{other.slug}"
    for path in (url, other_url, "/"):
        client.get(path)
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"title": "Cầu Suối Ngọc thông xe"})
        db.session.commit()
    edited = client.get(url)
    assert state(edited) == "miss"
    assert "Cầu Suối Ngọc thông xe" in edited.text
    assert "Cầu Suối Ngọc thông xe" in client.get("/").text
    assert state(client.get(other_url)) == "hit"  # another category's article


def test_a_setting_change_drops_every_page(app, client, article):
    client.get(f"/news/{article.slug}")
    with app.app_context():
        set_setting("site_name", "Cổng thông tin tỉnh Mới")
        db.session.commit()
    response = client.get(f"/news/{article.slug}")
    assert state(response) == "miss"
    assert "Cổng thông tin tỉnh Mới" in response.text


def test_changes_are_logged_in_the_database_for_other_hosts(app, article):
    with app.app_context():
        rows = db.session.execute(select(PageCachePurge.tags)).scalars().all()
    assert any(f"article:{article.id}" in tags.split() for tags in rows)


def test_a_host_with_its_own_cache_follows_another_hosts_change(
    make_app, article, tmp_path, client
):
    """Two hosts without Redis: each its own cache file, one database."""
    other = make_app(PAGE_CACHE_FILE=str(tmp_path / "other-host.sqlite3"), PAGE_CACHE_POLL=0)
    there = other.test_client()
    url = f"/news/{article.slug}"
    there.get(url)
    if state(there.get(url)) != "hit":
        pytest.skip("this pass shares one cache (Redis): nothing to follow")
    # The change is made on this host (the ``app`` fixture), not on the other one.
    with client.application.app_context():
        save_article(db.session.get(Article, article.id), {"status": "draft"})
        db.session.commit()
    assert there.get(url).status_code == 404


def test_cms_page_cache_0_turns_it_off(make_app, article):
    client = make_app(PAGE_CACHE=False).test_client()
    for _ in range(2):
        response = client.get(f"/news/{article.slug}")
        assert response.status_code == 200
        assert state(response) is None


def test_the_page_cache_setting_turns_it_off_and_on(app, client, article):
    url = f"/news/{article.slug}"
    client.get(url)
    with app.app_context():
        set_setting("page_cache", False)
        db.session.commit()
    assert state(client.get(url)) is None
    with app.app_context():
        set_setting("page_cache", True)
        db.session.commit()
    assert state(client.get(url)) == "miss"


def test_cache_clear_drops_everything(app, client, runner, article):
    client.get(f"/news/{article.slug}")
    result = runner.invoke(args=["cms", "cache", "clear"])
    assert result.exit_code == 0, result.output
    assert "Page cache cleared" in result.output
    assert state(client.get(f"/news/{article.slug}")) == "miss"


def test_the_back_office_button_clears_the_cache(app, client, signed_in, article):
    anonymous = app.test_client()
    anonymous.get(f"/news/{article.slug}")
    signed_in("admin")
    screen = client.get("/admin/settings")
    assert "Clear the page cache" in screen.text
    from cms.testing import csrf_token_from

    token = csrf_token_from(screen.text)
    response = client.post(
        "/admin/settings/page-cache/clear", data={"csrf_token": token}, follow_redirects=True
    )
    assert "The page cache was cleared" in response.text
    assert state(anonymous.get(f"/news/{article.slug}")) == "miss"


def test_search_and_errors_are_never_stored(client, article):
    assert state(client.get("/search?q=cau")) is None
    assert client.get("/khong-co").status_code == 404
    assert state(client.get("/khong-co")) is None


@pytest.mark.parametrize("where", ["file", "redis"])
def test_an_unreachable_cache_only_costs_speed(make_app, article, tmp_path, where):
    if where == "file":
        blocked = tmp_path / "not-a-folder"
        blocked.write_text("a file where the cache folder should be")
        settings = {"REDIS_URL": None, "PAGE_CACHE_FILE": str(blocked / "cache.sqlite3")}
    else:  # nothing listens on port 1: every connection is refused at once
        settings = {"REDIS_URL": "redis://127.0.0.1:1/0"}
    client = make_app(**settings).test_client()
    for _ in range(2):
        response = client.get(f"/news/{article.slug}")
        assert response.status_code == 200
        assert "Khánh thành" in response.text
        assert state(response) is None


def test_a_deploy_changes_every_key(app, tmp_path):
    from cms.page_cache.keys import deploy_version

    folder = tmp_path / "theme"
    folder.mkdir()
    (folder / "style.css").write_text("a{}")
    before = deploy_version("1.0", [folder])
    assert deploy_version("1.0", [folder]) == before
    (folder / "style.css").write_text("a{color:red}")
    assert deploy_version("1.0", [folder]) != before
    assert deploy_version("1.1", [folder]) != deploy_version("1.0", [folder])


def test_a_page_rendered_while_an_invalidation_happened_is_not_stored(app):
    cache = page_cache.get_page_cache(app)
    backend = cache.backend
    epoch = backend.epoch()
    backend.invalidate(["article:1"])
    assert backend.put("k", b"stale", ["article:1"], 60, epoch) is False
    assert backend.get("k") is None
    assert backend.put("k", b"fresh", ["article:1"], 60, backend.epoch()) is True
    assert backend.get("k") == b"fresh"
    backend.invalidate(["article:2"])
    assert backend.get("k") == b"fresh"  # another tag
    backend.invalidate(["article:1"])
    assert backend.get("k") is None


def test_deleting_drops_the_page_and_publishing_lists_at_once(app, client, article, make_article):
    from cms.content import delete_article

    url = f"/news/{article.slug}"
    client.get(url)
    client.get("/")
    with app.app_context():
        delete_article(db.session.get(Article, article.id))
        db.session.commit()
    assert client.get(url).status_code == 404
    fresh = make_article("Tin mới đăng lên trang chủ")
    assert fresh.title in client.get("/").text


def test_a_scheduled_article_appears_once_promoted(app, client, make_article):
    import time
    from datetime import UTC, datetime, timedelta

    from cms.public import views

    soon = datetime.now(UTC) + timedelta(seconds=3)
    scheduled = make_article("Tin hẹn giờ", status="scheduled", published_at=soon)
    before = client.get("/").text
    if datetime.now(UTC) < soon:  # answered before its time (unless the machine stalled 3 s)
        assert scheduled.title not in before
    time.sleep(max(0.0, (soon - datetime.now(UTC)).total_seconds()) + 0.2)
    views._last_promotion = 0.0  # the next poll promotes, as one does every 30 s
    deadline = time.monotonic() + 5  # the poll thread's, about a second from now
    while scheduled.title not in client.get("/").text:
        assert time.monotonic() < deadline, "the promoted article never showed on the home page"
        time.sleep(0.1)


def test_without_the_cache_anonymous_answers_do_not_vary_on_cookies_either(make_app, article):
    client = make_app(PAGE_CACHE=False).test_client()
    response = client.get(f"/news/{article.slug}")
    assert "cookie" not in response.headers.get("Vary", "").lower()
    assert core_cookies(response) == []
