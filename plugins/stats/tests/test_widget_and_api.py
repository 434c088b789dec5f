"""The "Thống kê truy cập" block (live behind the page cache), the API, and the plugin off."""

from __future__ import annotations

import re
import time

from cms.content import set_setting
from cms.extensions import db
from cms.plugins import registry
from cms.store import flush_all
from cms.testing import BROWSER
from plugins.stats.tests.conftest import browser


def shown(html: str) -> dict[str, str]:
    """``{stat: text}`` of the block in a page."""
    return dict(re.findall(r'data-stat="(\w+)">([^<]*)<', html))


def set_offset(app, offset: int, **more) -> None:
    with app.app_context():
        registry().save_settings("stats", {"offset": offset, **more})
        db.session.commit()


def test_the_block_counts_live_behind_the_page_cache(app, article, block):
    first = app.test_client().get(f"/news/{article.slug}", headers=browser(1))
    assert first.status_code == 200
    assert f'data-widget="stats.stats" data-widget-id="{block.id}"' in first.text
    flush_all()  # visits are buffered up to a second on the database (every worker: 2 s)
    time.sleep(1.1)  # past the second the block's numbers may be shared for
    second = app.test_client().get(f"/news/{article.slug}", headers=browser(2))
    assert second.headers.get("X-Page-Cache") == "hit"
    second_total = int(shown(second.text)["total"])
    assert second_total in (1, 2)  # the first reader (and this one, when Redis counted it at once)
    flush_all()
    time.sleep(1.1)  # past the second the block's numbers may be shared for
    third = app.test_client().get(f"/news/{article.slug}", headers=browser(3))
    assert third.headers.get("X-Page-Cache") == "hit"
    assert int(shown(third.text)["total"]) == second_total + 1  # moved, on a cache hit
    assert "stats_vid" not in app.test_client().get(f"/news/{article.slug}").text


def test_views_are_counted_on_page_cache_hits(app, article):
    for number in range(4):
        answer = app.test_client().get(f"/news/{article.slug}", headers=browser(number))
        assert answer.status_code == 200
    assert answer.headers.get("X-Page-Cache") == "hit"
    assert app.test_client().get(f"/api/v1/articles/{article.id}").json["views"] == 4


def test_a_cache_hit_sets_the_visitor_cookie_but_never_caches_it(app, article):
    app.test_client().get(f"/news/{article.slug}", headers=browser(1))
    hit = app.test_client().get(f"/news/{article.slug}", headers=browser(2))
    assert hit.headers.get("X-Page-Cache") == "hit"
    cookies = [h for h in hit.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    other = app.test_client().get(f"/news/{article.slug}", headers=browser(3))
    theirs = [h for h in other.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    assert len(cookies) == len(theirs) == 1
    assert cookies != theirs  # each reader gets their own, not a copy from the cache


def test_numbers_follow_the_locale_and_the_offset(app, client, article, block):
    set_offset(app, 2_194_300)
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    for number in range(87):
        app.test_client().get(f"/news/{article.slug}", headers=browser(number))
    flush_all()
    html = client.get("/", headers={"User-Agent": "curl/8.5.0"}).text  # a robot: not counted
    assert shown(html)["total"] == "2.194.387"  # 87 readers, with the offset
    assert "Thống kê" in html
    assert "Online" in html


def test_the_block_can_show_yesterday_and_this_month(app, client, place_widget):
    place_widget("stats.stats", region="sidebar", show_yesterday=True, show_month=True)
    html = client.get("/", headers=BROWSER).text
    assert set(shown(html)) == {"total", "today", "yesterday", "month", "online"}


def test_the_api_answers_total_today_online(app, client, article):
    set_offset(app, 1000)
    for number in range(3):
        app.test_client().get(f"/news/{article.slug}", headers=browser(number))
    flush_all()
    answer = client.get("/api/v1/stats")
    assert answer.status_code == 200
    assert answer.json == {"total": 1003, "today": 3, "online": 3}


def test_the_api_is_documented(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/api/v1/stats"]["get"]
    schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
    assert set(schema["required"]) == {"total", "today", "online"}
    views = document["components"]["schemas"]["Article"]["properties"]["views"]
    assert "null" in views["type"]


def test_while_disabled_views_are_null_and_nothing_is_counted(app, client, article, block):
    client.get(f"/news/{article.slug}", headers=BROWSER)
    with app.app_context():
        registry().set_enabled("stats", False)
        db.session.commit()
    assert client.get(f"/api/v1/articles/{article.id}").json["views"] is None
    items = client.get("/api/v1/articles").json["items"]
    assert [item["views"] for item in items] == [None]
    assert client.get("/api/v1/stats").status_code == 404
    page = client.get(f"/news/{article.slug}", headers=browser(5))
    assert 'data-widget="stats.stats"' not in page.text
    assert not [h for h in page.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    with app.app_context():
        registry().set_enabled("stats", True)
        db.session.commit()
    assert client.get(f"/api/v1/articles/{article.id}").json["views"] == 1  # kept, not counted
