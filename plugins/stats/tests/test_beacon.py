"""Beacon mode: pages carry a script that calls /stats/hit, which applies the same rules."""

from __future__ import annotations

import re

import pytest

from cms import store
from cms.extensions import db
from cms.plugins import registry
from cms.testing import BROWSER
from plugins.stats.tests.conftest import browser, totals


@pytest.fixture
def beacon_mode(app):
    with app.app_context():
        registry().save_settings("stats", {"mode": "beacon"})
        db.session.commit()


def hit_url(html: str) -> str:
    found = re.search(r'<script src="[^"]*stats-beacon\.js[^"]*" data-hit="([^"]+)" defer>', html)
    assert found, "no beacon script in the page"
    return found.group(1).replace("&amp;", "&")


def article_views(app, client, article_id):
    store.flush_all()
    return client.get(f"/api/v1/articles/{article_id}").json["views"]


def test_in_beacon_mode_the_page_counts_nothing_and_the_beacon_counts(
    app, client, article, block, beacon_mode
):
    page = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert page.status_code == 200
    assert not [h for h in page.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    assert article_views(app, client, article.id) == 0
    url = hit_url(page.text)
    assert url == f"/stats/hit?kind=article&id={article.id}"
    answer = client.get(url, headers=BROWSER)
    assert answer.status_code == 204
    assert answer.headers["Cache-Control"] == "no-store"
    assert [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    assert article_views(app, client, article.id) == 1
    assert totals(app).total == 1


def test_the_beacon_applies_the_same_rules(app, client, article, beacon_mode):
    url = f"/stats/hit?kind=article&id={article.id}"
    assert client.head(url, headers=BROWSER).status_code == 204
    assert client.get(url, headers={"User-Agent": "Googlebot/2.1"}).status_code == 204
    assert article_views(app, client, article.id) == 0
    answer = client.get(url, headers={**BROWSER, "DNT": "1"})
    assert not [h for h in answer.headers.getlist("Set-Cookie") if h.startswith("stats_vid=")]
    assert article_views(app, client, article.id) == 1
    assert totals(app).total == 0


@pytest.mark.parametrize(
    "query",
    ["kind=article&id=999999", "kind=article&id=99999999999999", "kind=<script>", "id=-1", ""],
)
def test_a_forged_beacon_makes_no_junk_keys(app, client, beacon_mode, query):
    assert client.get(f"/stats/hit?{query}", headers=browser(1)).status_code == 204
    store.flush_all()
    with app.app_context():
        assert store.counters("views:article:") == {}
        assert store.counters("stats:av:") == {}


def test_in_server_mode_the_beacon_counts_nothing(app, client, article, block):
    page = client.get(f"/news/{article.slug}", headers=BROWSER)
    assert "stats-beacon.js" not in page.text
    beacon = client.get(f"/stats/hit?kind=article&id={article.id}", headers=BROWSER)
    assert beacon.status_code == 204
    assert article_views(app, client, article.id) == 1  # the page's own view only


def test_the_beacon_script_is_a_static_file_and_the_page_has_no_inline_script(
    app, client, place_widget, beacon_mode
):
    place_widget("stats.beacon", region="footer", title="")
    html = client.get("/", headers=BROWSER).text
    url = hit_url(html)
    assert url == "/stats/hit?kind=home"
    with client.get("/plugins/stats/static/stats-beacon.js") as script:
        assert script.status_code == 200
        assert "fetch" in script.text
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>[^<]*stats/hit", html)  # nothing inline
