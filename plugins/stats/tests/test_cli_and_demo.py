"""``cms stats flush|prune|show`` and what ``cms demo`` sets up."""

from __future__ import annotations

from datetime import timedelta

from cms import store
from cms.extensions import db
from cms.models import WidgetInstance
from plugins.stats import keys
from plugins.stats.tests.conftest import browser


def test_show_prints_the_numbers(app, runner, article):
    for number in range(2):
        app.test_client().get(f"/news/{article.slug}", headers=browser(number))
    assert runner.invoke(args=["stats", "flush"]).exit_code == 0
    result = runner.invoke(args=["stats", "show"])
    assert result.exit_code == 0, result.output
    assert "total: 2" in result.output
    assert "online: 2" in result.output
    assert "page views today: 2" in result.output


def test_prune_deletes_old_detail_and_keeps_recent(app, runner):
    with app.app_context():
        today = keys.today()
        old = keys.day_key(keys.ARTICLE_DAY, today - timedelta(days=400)) + ":7"
        recent = keys.day_key(keys.ARTICLE_DAY, today - timedelta(days=3)) + ":7"
        store.incr(old, 5)
        store.incr(recent, 2)
    result = runner.invoke(args=["stats", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 " in result.output
    with app.app_context():
        assert store.get_many([old, recent]) == {old: 0, recent: 2}


def test_the_demo_places_the_block_in_both_themes_with_a_portal_sized_total(app, runner):
    result = runner.invoke(args=["cms", "demo"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        placed = db.session.query(WidgetInstance).filter_by(plugin="stats").all()
        assert {(w.theme, w.region) for w in placed} == {
            ("default", "sidebar"),
            ("portal", "sidebar"),
        }
    html = app.test_client().get("/", headers={"User-Agent": "curl/8.5.0"}).text
    assert 'data-widget="stats.stats"' in html
    assert "2.194.300" in html or "2,194,300" in html
