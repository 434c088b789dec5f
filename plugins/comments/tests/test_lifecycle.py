"""Comments follow their articles, the demo has some, and emails leave after their retention."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from cms import store
from cms.content import delete_article, latest_articles, set_setting
from cms.demo import build_demo
from cms.extensions import db
from cms.models import Article, WidgetInstance, utcnow
from cms.public.urls import article_url
from plugins.comments.demo import DEMO_COMMENTS
from plugins.comments.models import CommentsComment
from plugins.comments.tests.helpers import BROWSER, rows, send, settings, widget_html


def test_the_demo_has_approved_comments_a_reply_one_pending_and_places_the_block(app, client):
    with app.app_context():
        build_demo()
        set_setting("locale", "vi")
        db.session.commit()
        placed = db.session.execute(
            select(WidgetInstance.theme, WidgetInstance.region).where(
                WidgetInstance.plugin == "comments", WidgetInstance.widget_type == "thread"
            )
        ).all()
        newest = latest_articles(1)[0]
        with app.test_request_context("/"):
            path = article_url(newest)
    assert sorted(placed) == [("default", "article_footer"), ("portal", "article_footer")]
    statuses = [row.status for row in rows(app)]
    assert statuses.count("pending") == 1
    assert statuses.count("approved") == len(DEMO_COMMENTS) - 1
    assert any(row.parent_id for row in rows(app))
    page = client.get(path, headers=BROWSER).text
    block = widget_html(page)
    assert "Thông tin rất hữu ích" in block
    assert "đang chờ kiểm duyệt" not in block
    assert 'data-comment-count="4">4 bình luận</a>' in page
    assert "Mã xác thực" in block


def test_deleting_an_article_deletes_its_comments(
    app, client, thread, article, make_article, quick
):
    other = make_article("Bài còn lại")
    send(client, app, article)
    send(client, app, other, body="Ở bài khác", address="10.0.0.2")
    with app.app_context():
        delete_article(db.session.get(Article, article.id))
        db.session.commit()
    assert [row.body for row in rows(app)] == ["Ở bài khác"]


def test_emails_are_cleared_after_the_retention_period(app, client, thread, article, quick):
    settings(app, retention_days=30, address_interval=0)
    send(client, app, article, email="cu@example.org", body="Cũ")
    with app.app_context():
        db.session.execute(update(CommentsComment).values(created_at=utcnow() - timedelta(days=31)))
        db.session.commit()
        store.get_store().delete("comments:prune")  # the hourly clean-up is due
    send(client, app, article, email="moi@example.org", body="Mới")
    old, new = rows(app)
    assert (old.email, new.email) == (None, "moi@example.org")
    assert old.email_hash is not None  # still erasable by its owner's address
