"""Votes follow their articles (deletion, export and import), the demo, and pruning."""

from __future__ import annotations

import time
from datetime import timedelta

from sqlalchemy import func, select, update

from cms.content import latest_articles, set_setting
from cms.demo import build_demo
from cms.extensions import db
from cms.models import WidgetInstance, utcnow
from cms.public.urls import article_url
from plugins.rating import voting
from plugins.rating.demo import DEMO_VOTES
from plugins.rating.models import RatingAddress, RatingTotal, RatingVote
from plugins.rating.tests.helpers import BROWSER, text_of, totals_in_db, widget_html


def vote(app, article, stars, address):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = address
    answer = client.post(
        f"/api/v1/articles/{article.id}/rating", json={"stars": stars}, headers=BROWSER
    )
    assert answer.status_code == 200, answer.get_json()


def test_deleting_an_article_deletes_its_votes(app, api_client, make_article):
    doomed = make_article("Sẽ bị xoá")
    vote(app, doomed, 5, "198.51.100.1")
    vote(app, doomed, 2, "198.51.100.2")
    assert api_client("editor").delete(f"/api/v1/articles/{doomed.id}").status_code == 204
    assert totals_in_db(app, doomed.id) == (0, 0, 0)
    with app.app_context():
        assert db.session.execute(select(RatingAddress)).first() is None
    again = make_article("Bài mới")  # SQLite may give it the deleted article's id
    answer = app.test_client().get(f"/api/v1/articles/{again.id}/rating")
    assert answer.get_json() == {"count": 0, "average": 0.0}


def test_votes_survive_an_export_and_an_import_into_an_empty_site(
    app, runner, make_article, tmp_path
):
    article = make_article("Được mang sang máy mới")
    for index, stars in enumerate((5, 4, 4)):
        vote(app, article, stars, f"198.51.100.{index + 1}")
    archive = tmp_path / "site.zip"
    result = runner.invoke(args=["cms", "export", str(archive)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    assert app.test_client().get(f"/api/v1/articles/{article.id}/rating").status_code == 404
    result = runner.invoke(args=["cms", "import", str(archive)])
    assert result.exit_code == 0, result.output
    assert totals_in_db(app, article.id) == (3, 3, 13)
    answer = app.test_client().get(f"/api/v1/articles/{article.id}/rating")
    assert answer.get_json() == {"count": 3, "average": 4.33}


def test_an_import_recounts_totals_from_the_votes(app, make_article):
    """``article_created`` (what ``cms import`` fires) sets the totals from the rows."""
    article = make_article("Tổng bị lệch")
    vote(app, article, 5, "198.51.100.1")
    with app.app_context():
        db.session.execute(update(RatingTotal).values(count=99, total=1))
        db.session.commit()
        from cms.plugins import registry

        event = type("Event", (), {"id": article.id})()
        registry().call("article_created", article=event)
    assert totals_in_db(app, article.id) == (1, 1, 5)


def test_the_demo_gives_some_articles_votes_and_places_the_stars(app, client):
    with app.app_context():
        build_demo()
        set_setting("locale", "vi")
        db.session.commit()
        rated = db.session.execute(select(func.count()).select_from(RatingTotal)).scalar_one()
        votes = db.session.execute(select(func.count()).select_from(RatingVote)).scalar_one()
        placed = db.session.execute(
            select(WidgetInstance.theme, WidgetInstance.region, WidgetInstance.visibility).where(
                WidgetInstance.plugin == "rating", WidgetInstance.widget_type == "stars"
            )
        ).all()
        newest = latest_articles(1)[0]
        with app.test_request_context("/"):
            path = article_url(newest)
    assert rated == len(DEMO_VOTES)
    assert votes == sum(len(v) for v in DEMO_VOTES)
    assert sorted(placed) == [
        ("default", "article_footer", "articles"),
        ("portal", "article_footer", "articles"),
    ]
    page = client.get(path, headers=BROWSER).text
    assert "Đánh giá: lượt đánh giá: 12, trung bình: 4,3" in text_of(widget_html(page))


def test_prune_deletes_only_expired_address_claims(app, runner, make_article):
    article = make_article("Dọn dẹp")
    vote(app, article, 4, "198.51.100.1")
    vote(app, article, 4, "198.51.100.2")
    with app.app_context():
        db.session.execute(
            update(RatingAddress)
            .where(
                RatingAddress.address_key
                == select(RatingAddress.address_key).limit(1).scalar_subquery()
            )
            .values(voted_at=utcnow() - timedelta(hours=25))
        )
        db.session.commit()
    result = runner.invoke(args=["rating", "prune"])
    assert result.exit_code == 0, result.output
    assert "Deleted 1 expired address claims." in result.output
    with app.app_context():
        left = db.session.execute(select(func.count()).select_from(RatingAddress)).scalar_one()
    assert left == 1
    assert totals_in_db(app, article.id) == (2, 2, 8)  # votes are kept


def test_the_first_vote_of_a_period_deletes_the_expired_claims(app, make_article, monkeypatch):
    monkeypatch.setattr(voting, "PRUNE_EVERY", 1)
    article = make_article("Dọn dẹp tự động")
    vote(app, article, 4, "198.51.100.1")
    with app.app_context():
        db.session.execute(update(RatingAddress).values(voted_at=utcnow() - timedelta(hours=25)))
        db.session.commit()
    time.sleep(1.05)  # a new period of the shared store's
    vote(app, article, 5, "198.51.100.2")
    with app.app_context():
        left = db.session.execute(select(func.count()).select_from(RatingAddress)).scalar_one()
    assert left == 1  # the new claim; the expired one is gone without any command
    assert totals_in_db(app, article.id) == (2, 2, 9)
