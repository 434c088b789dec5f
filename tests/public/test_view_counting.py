"""What counts as an article view, and what a view touches."""

from __future__ import annotations

import time

import pytest
from flask import request

from cms.content.articles import pending_views, record_view
from cms.extensions import db
from cms.models import Article
from tests.database_locks import write_lock


def stored(app, article_id):
    with app.app_context():
        article = db.session.get(Article, article_id)
        return article.views, article.updated_at


def test_a_get_answered_200_counts_once(app, client, make_article):
    article = make_article("Tin được đọc")
    for expected in (1, 2, 3):
        assert client.get(f"/news/{article.slug}").status_code == 200
        assert stored(app, article.id)[0] == expected


def test_head_requests_are_not_views(app, client, make_article):
    article = make_article("Chỉ xem tiêu đề")
    for _ in range(5):
        response = client.head(f"/news/{article.slug}")
        assert response.status_code == 200
    assert stored(app, article.id)[0] == 0


@pytest.mark.parametrize(
    "agent",
    [
        "",
        "curl/8.5.0",
        "Wget/1.21",
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "facebookexternalhit/1.1 Preview",
    ],
)
def test_crawlers_are_not_counted(app, client, make_article, agent):
    article = make_article("Tin cho máy tìm kiếm")
    response = client.get(f"/news/{article.slug}", headers={"User-Agent": agent})
    assert response.status_code == 200
    assert stored(app, article.id)[0] == 0


def test_redirects_and_missing_articles_are_not_counted(app, client, make_article):
    from cms.content import save_article

    article = make_article("Tên cũ")
    with app.app_context():
        save_article(db.session.get(Article, article.id), {"slug": "ten-moi"})
        db.session.commit()
    old = client.get(f"/news/{article.slug}?utm_source=zalo")
    assert old.status_code == 301
    assert client.get("/news/khong-co-bai-nay").status_code == 404
    draft = make_article("Bản nháp", status="draft")
    assert client.get(f"/news/{draft.slug}").status_code == 404
    assert stored(app, article.id)[0] == 0
    assert stored(app, draft.id)[0] == 0


def test_an_answer_turned_into_304_by_a_later_layer_is_not_counted(app, make_article):
    """A cache layer answering ``304 Not Modified`` after the view ran: no view."""
    article = make_article("Đã có trong bộ nhớ đệm")

    @app.after_request
    def not_modified(response):
        if request.headers.get("If-None-Match") == '"cached"':
            response.status_code = 304
            response.set_data(b"")
        return response

    client = app.test_client()
    cached = client.get(f"/news/{article.slug}", headers={"If-None-Match": '"cached"'})
    assert cached.status_code == 304
    assert stored(app, article.id)[0] == 0
    assert client.get(f"/news/{article.slug}").status_code == 200
    assert stored(app, article.id)[0] == 1


def test_a_view_never_changes_updated_at(app, client, make_article):
    article = make_article("Không phải là sửa bài")
    _, before = stored(app, article.id)
    time.sleep(0.01)
    for _ in range(3):
        assert client.get(f"/news/{article.slug}").status_code == 200
    with app.app_context():
        record_view(article.id)
    views, after = stored(app, article.id)
    assert views == 4
    assert after == before


def test_a_view_during_a_write_lock_neither_waits_nor_is_lost(make_app, make_article, database_url):
    app = make_app(DATABASE_BUSY_TIMEOUT=5.0)
    article = make_article("Đọc trong lúc khóa ghi")
    client = app.test_client()
    _, before = stored(app, article.id)
    assert client.head(f"/news/{article.slug}").status_code == 200  # compiles the templates
    with write_lock(database_url):
        for _ in range(2):
            started = time.monotonic()
            assert client.get(f"/news/{article.slug}").status_code == 200
            assert time.monotonic() - started < 2.5  # far under the 5 s busy timeout
        with app.app_context():
            assert pending_views().total() == 2
    assert stored(app, article.id)[0] == 0
    # The next view stores itself and the ones kept while the database was locked.
    assert client.get(f"/news/{article.slug}").status_code == 200
    views, after = stored(app, article.id)
    assert views == 3
    assert after == before
    with app.app_context():
        assert pending_views().total() == 0


def test_views_kept_for_later_are_stored_in_one_transaction_per_flush(
    app, make_article, database_url
):
    first = make_article("Bài một")
    second = make_article("Bài hai")
    with app.app_context():
        with write_lock(database_url):
            assert record_view(first.id) is False
            assert record_view(second.id) is False
            assert record_view(first.id) is False
        assert record_view(second.id) is True
    assert stored(app, first.id)[0] == 2
    assert stored(app, second.id)[0] == 2
