"""The rollup into daily tables, the back-office report, its chart and its CSV."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select

from cms import background, store
from cms.extensions import db
from plugins.stats import keys, rollup
from plugins.stats.models import StatsArticleDaily, StatsDaily, StatsReferrerDaily
from plugins.stats.report import neutralised
from plugins.stats.tests.conftest import browser


def daily(app):
    with app.app_context():
        return {
            row.day: (row.visits, row.page_views, row.crawler_hits)
            for row in db.session.execute(select(StatsDaily)).scalars()
        }


def test_the_rollup_writes_absolute_values_and_keeps_the_larger(app):
    with app.app_context():
        today = keys.today()
        store.incr(keys.day_key(keys.VISITS_DAY, today), 4)
        store.incr(keys.day_key(keys.PAGE_VIEWS_DAY, today), 9)
        store.incr(keys.day_key(keys.CRAWLER_DAY, today), 3)
        store.incr(keys.day_key(keys.ARTICLE_DAY, today) + ":12", 7)
        store.incr(keys.day_key(keys.REFERRER_DAY, today) + ":zalo.me", 2)
        rollup.roll_up([today])
        rollup.roll_up([today])  # again: the same absolute values, nothing added
        store.get_store().delete_prefix("stats:")  # a store that lost its counts...
        rollup.roll_up([today])  # ...never lowers what the tables hold
        assert db.session.get(StatsArticleDaily, (today, 12)).views == 7
        assert db.session.get(StatsReferrerDaily, (today, "zalo.me")).views == 2
    assert daily(app) == {today: (4, 9, 3)}


def test_page_views_start_one_rollup_a_minute(app, article):
    for number in range(3):
        app.test_client().get(f"/news/{article.slug}", headers=browser(number))
    store.flush_all()
    assert background.wait(10)
    with app.app_context():
        claimed = store.get("stats:rollup")
    assert claimed >= 1  # one claim for the minute, site-wide
    app.test_client().get("/", headers=browser(9))  # within the minute: no second rollup
    store.flush_all()
    with app.app_context():
        rollup.roll_up([keys.today()])
        assert db.session.get(StatsArticleDaily, (keys.today(), article.id)).views == 3


def test_prune_keeps_the_daily_rows(app, runner):
    with app.app_context():
        old = keys.today() - timedelta(days=400)
        store.incr(keys.day_key(keys.VISITS_DAY, old), 5)
        rollup.roll_up([old])
    assert runner.invoke(args=["stats", "prune"]).exit_code == 0
    with app.app_context():
        assert store.get(keys.day_key(keys.VISITS_DAY, old)) == 0  # raw counter pruned
    assert daily(app)[old] == (5, 0, 0)  # the day's row stays


def test_the_report_shows_a_chart_and_escaped_top_lists(app, client, make_article, signed_in):
    hostile = make_article("<script>alert('x')</script> Tin nóng")
    for number in range(3):
        app.test_client().get(
            f"/news/{hostile.slug}",
            headers={**browser(number), "Referer": "https://baomoi.example.com/tin?a=<b>"},
        )
    app.test_client().get("/", headers={"User-Agent": "Googlebot/2.1"})
    store.flush_all()
    assert client.get("/admin/plugins/stats/").status_code in (302, 303)  # signed out
    signed_in("editor")
    page = client.get("/admin/plugins/stats/?days=90")
    assert page.status_code == 200
    html = page.text
    assert "<svg" in html
    assert 'data-series="visits"' in html
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; Tin nóng" in html
    assert "baomoi.example.com" in html
    assert "<b>" not in html
    assert 'data-total="page_views">3<' in html
    assert 'data-total="crawlers">25' in html  # 1 crawler hit of 4 pages


def test_the_csv_neutralises_formula_cells(app, client, make_article, signed_in):
    formula = make_article('=HYPERLINK("http://evil.example","bấm")')
    app.test_client().get(f"/news/{formula.slug}", headers=browser(1))
    store.flush_all()
    signed_in("editor")
    answer = client.get("/admin/plugins/stats/export.csv?days=30")
    assert answer.status_code == 200
    assert answer.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(answer.text)))
    titles = [row[1] for row in rows if row and row[0] == str(formula.id)]
    assert titles == ['\'=HYPERLINK("http://evil.example","bấm")']
    for start in "=+-@":
        assert neutralised(f"{start}1+1") == f"'{start}1+1"
    assert neutralised("Tin nóng") == "Tin nóng"
