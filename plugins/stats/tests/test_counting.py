"""Visits, visitors and page views: what counts, who is one visitor, and bad input."""

from __future__ import annotations

import re
import threading
from datetime import UTC, datetime

import pytest
import time_machine

from cms import store
from cms.extensions import db
from cms.page_view import Visitor
from cms.plugins import registry
from cms.testing import BROWSER
from plugins.stats import identity, keys
from plugins.stats.tests.conftest import browser, totals


def page_views_today(app) -> int:
    store.flush_all()
    with app.app_context():
        return store.get(keys.day_key(keys.PAGE_VIEWS_DAY, keys.today()))


def stats_cookie(response) -> str | None:
    for header in response.headers.getlist("Set-Cookie"):
        if header.startswith(identity.COOKIE + "="):
            return header.split(";", 1)[0].split("=", 1)[1]
    return None


def test_a_reader_is_one_visit_and_each_page_a_view(app, client, article):
    for path in ("/", f"/news/{article.slug}", f"/news/{article.slug}", "/search?q=tin"):
        assert client.get(path, headers=BROWSER).status_code == 200
    found = totals(app)
    assert (found.total, found.today, found.online) == (1, 1, 1)
    assert page_views_today(app) == 4


def test_the_cookie_carries_the_first_hashed_id(app, article):
    first = app.test_client()
    answer = first.get(f"/news/{article.slug}", headers=BROWSER)
    value = stats_cookie(answer)
    assert value is not None
    (header,) = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    assert "HttpOnly" in header
    assert "SameSite=Lax" in header
    with app.test_request_context("/"):
        first_id = identity.hashed_id(
            Visitor(address="127.0.0.1", user_agent=BROWSER["User-Agent"]), keys.today()
        )
        assert identity.cookie_id(value) == first_id  # the first request's id, signed
    # The same browser comes back from another network (another address): still one visitor.
    again = app.test_client()
    again.set_cookie(identity.COOKIE, value)
    moved = {**BROWSER, "X-Forwarded-For": "203.0.113.9"}
    assert (
        again.get("/", headers=moved, environ_base={"REMOTE_ADDR": "198.51.100.4"}).status_code
        == 200
    )
    assert stats_cookie(again.get("/", headers=BROWSER)) is None  # a valid cookie is kept
    found = totals(app)
    assert (found.total, found.online) == (1, 1)


def test_a_forged_cookie_is_ignored_and_replaced(app, article):
    client = app.test_client()
    client.set_cookie(identity.COOKIE, "A" * 22 + "." + "B" * 22)
    answer = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert answer.status_code == 200
    new = stats_cookie(answer)
    assert new is not None
    assert new != "A" * 22 + "." + "B" * 22


def test_many_forged_cookies_from_one_browser_make_one_visitor(app, article):
    client = app.test_client()
    for number in range(40):
        client.set_cookie(identity.COOKIE, f"{number:022d}.{'x' * 22}")
        assert client.get(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    found = totals(app)
    assert (found.total, found.online) == (1, 1)
    with app.app_context():
        assert len(store.counters(keys.SEEN)) == 1  # bounded: one presence per visitor


@pytest.mark.parametrize(
    "agent",
    ["", "curl/8.5.0", "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"],
)
def test_crawlers_are_neither_visits_nor_views(app, client, article, agent):
    assert client.get(f"/news/{article.slug}", headers={"User-Agent": agent}).status_code == 200
    found = totals(app)
    assert (found.total, found.online) == (0, 0)
    assert page_views_today(app) == 0
    assert stats_cookie(client.get("/", headers={"User-Agent": agent})) is None
    with app.app_context():
        assert store.get(keys.day_key(keys.CRAWLER_DAY, keys.today())) == 2


def test_head_api_missing_pages_and_redirects_are_not_views(app, client, article):
    assert client.head(f"/news/{article.slug}", headers=BROWSER).status_code == 200
    assert client.get("/api/v1/articles", headers=BROWSER).status_code == 200
    assert client.get("/news/khong-co-bai-nay", headers=BROWSER).status_code == 404
    assert client.get("/khong-co-trang-nay", headers=BROWSER).status_code == 404
    assert client.get("/feed.xml", headers=BROWSER).status_code == 200
    assert client.get("/admin/login", headers=BROWSER).status_code == 200
    assert page_views_today(app) == 0
    assert totals(app).total == 0


@pytest.mark.parametrize("header", [{"DNT": "1"}, {"Sec-GPC": "1"}])
def test_do_not_track_gets_no_cookie_and_no_visitor_but_the_view_counts(
    app, client, article, header
):
    answer = client.get(f"/news/{article.slug}", headers={**BROWSER, **header})
    assert answer.status_code == 200
    assert stats_cookie(answer) is None
    found = totals(app)
    assert (found.total, found.online) == (0, 0)
    assert page_views_today(app) == 1


def test_do_not_track_is_counted_when_the_setting_says_so(app, client, article):
    with app.app_context():
        registry().save_settings("stats", {"honour_dnt": False})
        db.session.commit()
    answer = client.get(f"/news/{article.slug}", headers={**BROWSER, "DNT": "1"})
    assert stats_cookie(answer) is not None
    assert totals(app).total == 1


HOSTILE = "<script>alert(1)</script>"


@pytest.mark.parametrize(
    "headers",
    [
        {"User-Agent": "Mozilla/5.0 " + "A" * 8000},
        {"User-Agent": f"Mozilla/5.0 {HOSTILE}", "Referer": f"https://evil.example/{HOSTILE}"},
        {"User-Agent": BROWSER["User-Agent"], "Referer": "javascript:" + HOSTILE},
        {"User-Agent": BROWSER["User-Agent"], "Referer": "\xff\xfe garbage \x01" * 300},
        {"User-Agent": BROWSER["User-Agent"], "Referer": "http://[::1"},
        {"User-Agent": BROWSER["User-Agent"], "X-Forwarded-For": "1.2.3.4, " * 800},
        {"User-Agent": BROWSER["User-Agent"], "Cookie": "stats_vid=" + "Z" * 8000},
        {"User-Agent": BROWSER["User-Agent"], "Cookie": f"stats_vid={HOSTILE}; x=\xff"},
        {"User-Agent": BROWSER["User-Agent"], "DNT": "\xff" * 100, "Sec-GPC": "yes"},
    ],
)
def test_hostile_headers_never_fail_a_page(app, client, article, block, headers):
    answer = client.get(f"/news/{article.slug}", headers=headers)
    assert answer.status_code in (200, 400)  # bytes that are not UTF-8: refused by the core
    assert HOSTILE not in answer.text
    assert client.get("/api/v1/stats").status_code == 200
    with app.app_context():
        referrers = store.counters(keys.REFERRER_DAY)
    assert all(re.fullmatch(r"stats:ref:\d{4}-\d\d-\d\d:[a-z0-9.-]+", key) for key in referrers)


def test_other_sites_referrers_are_kept_by_host_name_only(make_app, article):
    app = make_app(SITE_URL="https://tinhbinhnguyen.example.vn")
    client = app.test_client()
    for referrer in (
        "https://www.Google.com.vn/search?q=th%E1%BB%91ng+k%C3%AA",
        "https://www.google.com.vn/",
        "https://tinhbinhnguyen.example.vn/",  # the site's own pages are no referrer
        "http://user:pass@zalo.me:8080/x",
    ):
        assert (
            client.get(
                f"/news/{article.slug}", headers={**BROWSER, "Referer": referrer}
            ).status_code
            == 200
        )
    store.flush_all()
    with app.app_context():
        day = keys.day_key(keys.REFERRER_DAY, keys.today())
        assert store.counters(keys.REFERRER_DAY) == {
            f"{day}:www.google.com.vn": 2,
            f"{day}:zalo.me": 1,
        }


def test_a_visitor_back_after_thirty_minutes_is_a_new_visit(make_app):
    """On the database store, whose expiry follows the (travelling) clock; Redis keeps its own."""
    app = make_app(REDIS_URL=None)
    client = app.test_client()
    start = datetime(2026, 12, 3, 3, 0, tzinfo=UTC)  # 10:00 in Hà Nội
    with time_machine.travel(start, tick=False):
        assert client.get("/", headers=BROWSER).status_code == 200
        store.flush_all()
    with time_machine.travel(start.replace(minute=29), tick=False):
        client.get("/", headers=BROWSER)  # within 30 minutes: the same visit
        store.flush_all()
    with time_machine.travel(start.replace(hour=4), tick=False):
        client.get("/", headers=BROWSER)  # 31 minutes after the last page: a new visit
        store.flush_all()
        assert (totals(app).total, totals(app).today) == (2, 2)


def test_today_starts_at_midnight_in_the_site_time_zone(app, article):
    before = datetime(2026, 11, 30, 16, 50, tzinfo=UTC)  # 23:50 on 30 November in Hà Nội
    after = datetime(2026, 11, 30, 17, 5, tzinfo=UTC)  # 00:05 on 1 December there, not in UTC
    with time_machine.travel(before, tick=False):
        for number in range(3):
            answer = app.test_client().get("/", headers=browser(number))
            assert answer.status_code == 200
        found = totals(app)
        assert (found.total, found.today) == (3, 3)
    with time_machine.travel(after, tick=False):
        assert totals(app).today == 0  # a new day in the site's zone
        assert totals(app).yesterday == 3
        app.test_client().get("/", headers=browser(99))
        found = totals(app)
        assert (found.total, found.today, found.month) == (4, 1, 1)
        with app.app_context():
            assert keys.today().isoformat() == "2026-12-01"


def test_concurrent_readers_are_counted_exactly(app, article):
    readers, pages = 12, 8
    errors: list[BaseException] = []
    barrier = threading.Barrier(readers)

    def read(number):
        try:
            client = app.test_client()
            barrier.wait(timeout=10)
            for _ in range(pages):
                assert (
                    client.get(f"/news/{article.slug}", headers=browser(number)).status_code == 200
                )
        except BaseException as exc:  # reported below
            errors.append(exc)

    pool = [threading.Thread(target=read, args=(n,)) for n in range(readers)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=120)
    assert not errors
    found = totals(app)
    assert (found.total, found.today, found.online) == (readers, readers, readers)
    assert page_views_today(app) == readers * pages
    assert app.test_client().get(f"/api/v1/articles/{article.id}").json["views"] == readers * pages
