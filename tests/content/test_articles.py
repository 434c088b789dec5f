"""Article services: validation, sanitizing, status and scheduling."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from cms.content import ContentError, latest_articles, save_article, save_category
from cms.content.articles import promote_due_articles
from cms.extensions import db
from cms.models import Article, Tag


def test_body_is_sanitized_and_links_made_safe(app):
    with app.app_context():
        article = save_article(
            None,
            {
                "title": "An toàn",
                "body_html": (
                    '<p onclick="x()">Chữ <script>alert(1)</script>'
                    '<a href="javascript:alert(1)">xấu</a> <a href="https://example.org">tốt</a></p>'
                    '<img src="x.png" onerror="alert(1)"><table><tr><td>1</td></tr></table>'
                ),
            },
        )
        body = article.body_html
    assert "<script" not in body
    assert "onclick" not in body
    assert "onerror" not in body
    assert "javascript:" not in body
    assert 'href="https://example.org"' in body
    assert 'rel="noopener noreferrer"' in body
    assert "<table>" in body


def test_decomposed_input_is_stored_as_nfc(app):
    with app.app_context():
        article = save_article(
            None,
            {
                "title": unicodedata.normalize("NFD", "Điện Biên phát triển"),
                "summary": unicodedata.normalize("NFD", "Tóm tắt"),
                "tags": [unicodedata.normalize("NFD", "Cải cách")],
            },
        )
        db.session.commit()
        assert article.title == "Điện Biên phát triển"
        assert article.summary == "Tóm tắt"
        assert [t.name for t in article.tags] == ["Cải cách"]
        assert article.slug == "dien-bien-phat-trien"


def test_tags_are_shared_and_deduplicated(app):
    with app.app_context():
        save_article(None, {"title": "Một", "tags": ["Kinh tế", "kinh tế", "Du lịch"]})
        save_article(None, {"title": "Hai", "tags": ["Kinh tế"]})
        db.session.commit()
        names = sorted(db.session.execute(select(Tag.name)).scalars())
    assert names == ["Du lịch", "Kinh tế"]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "ok", "summary": "x" * 2001}, "summary"),
        ({"title": "ok", "body_html": "x" * 1_000_001}, "body_html"),
        ({"title": "ok", "status": "gone"}, "status"),
        ({"title": "ok", "published_at": "not a date"}, "published_at"),
        ({"title": "ok", "category_id": 999}, "category_id"),
        ({"title": "ok", "category_id": "1"}, "category_id"),
        ({"title": "ok", "tags": "a,b"}, "tags"),
        ({"title": 5}, "title"),
        ({"title": "ok", "colour": "red"}, "colour"),
    ],
)
def test_bad_input_is_refused_with_a_message_per_field(app, data, field):
    with app.app_context():
        with pytest.raises(ContentError) as excinfo:
            save_article(None, data)
        assert field in excinfo.value.errors
        assert excinfo.value.errors[field]
        db.session.rollback()
        assert db.session.execute(select(Article)).first() is None


def test_refused_update_keeps_the_stored_article(app):
    with app.app_context():
        article = save_article(None, {"title": "Giữ nguyên", "body_html": "<p>Nội dung</p>"})
        db.session.commit()
        with pytest.raises(ContentError):
            save_article(article, {"title": "Mới", "status": "bogus"})
        db.session.rollback()
        stored = db.session.get(Article, article.id)
        assert stored.title == "Giữ nguyên"
        assert stored.body_html == "<p>Nội dung</p>"


def test_publishing_without_a_time_publishes_now(app):
    with app.app_context():
        article = save_article(None, {"title": "Ngay", "status": "published"})
        db.session.commit()
        assert article.status == "published"
        assert article.published_at <= datetime.now(UTC)
        assert article.is_public


def test_published_with_a_future_time_is_scheduled(app):
    future = datetime.now(UTC) + timedelta(days=1)
    with app.app_context():
        article = save_article(
            None, {"title": "Sau", "status": "published", "published_at": future.isoformat()}
        )
        db.session.commit()
        assert article.status == "scheduled"
        assert not article.is_public
        assert latest_articles() == []


def test_a_scheduled_article_turns_public_when_its_time_comes_without_any_job(app):
    future = datetime.now(UTC) + timedelta(hours=1)
    with app.app_context():
        article = save_article(
            None, {"title": "Hẹn giờ", "status": "scheduled", "published_at": future}
        )
        db.session.commit()
        assert latest_articles() == []
        # Time passes: nothing runs, yet the article is public.
        db.session.execute(
            update(Article).values(published_at=datetime.now(UTC) - timedelta(seconds=1))
        )
        db.session.commit()
        assert [a.title for a in latest_articles()] == ["Hẹn giờ"]
        assert db.session.get(Article, article.id).status == "scheduled"
        assert promote_due_articles() == 1
        db.session.expire_all()
        assert db.session.get(Article, article.id).status == "published"


def test_drafts_are_never_public(app):
    with app.app_context():
        save_article(None, {"title": "Nháp", "published_at": "2020-01-01T00:00:00Z"})
        db.session.commit()
        assert latest_articles() == []


def test_naive_publish_times_are_taken_as_utc(app):
    with app.app_context():
        article = save_article(
            None, {"title": "Giờ", "status": "published", "published_at": "2020-05-14T03:13:21"}
        )
        db.session.commit()
        db.session.expire_all()
        stored = db.session.get(Article, article.id)
        assert stored.published_at == datetime(2020, 5, 14, 3, 13, 21, tzinfo=UTC)


def test_category_listing_includes_sub_categories(app):
    from cms.content import filter_articles, public_articles

    with app.app_context():
        parent = save_category(None, {"name": "Tin tức"})
        db.session.commit()
        child = save_category(None, {"name": "Tin trong tỉnh", "parent_id": parent.id})
        db.session.commit()
        save_article(None, {"title": "Con", "status": "published", "category_id": child.id})
        save_article(None, {"title": "Cha", "status": "published", "category_id": parent.id})
        db.session.commit()
        query = filter_articles(public_articles(), category=parent)
        titles = {a.title for a in db.session.execute(query).unique().scalars()}
    assert titles == {"Con", "Cha"}


def test_a_category_cannot_be_its_own_ancestor(app):
    with app.app_context():
        parent = save_category(None, {"name": "A"})
        db.session.commit()
        child = save_category(None, {"name": "B", "parent_id": parent.id})
        db.session.commit()
        with pytest.raises(ContentError) as excinfo:
            save_category(parent, {"parent_id": child.id})
        assert "parent_id" in excinfo.value.errors


def test_every_update_keeps_the_previous_version(app):
    from cms.models import ArticleRevision

    with app.app_context():
        article = save_article(None, {"title": "Bản một", "body_html": "<p>Một</p>", "tags": ["A"]})
        db.session.commit()
        assert db.session.execute(select(ArticleRevision)).first() is None
        save_article(article, {"title": "Bản hai", "body_html": "<p>Hai</p>"})
        db.session.commit()
        save_article(article, {"body_html": "<p>Ba</p>"})
        db.session.commit()
        revisions = (
            db.session.execute(select(ArticleRevision).order_by(ArticleRevision.id)).scalars().all()
        )
        assert [(r.title, r.body_html, r.tags) for r in revisions] == [
            ("Bản một", "<p>Một</p>", ["A"]),
            ("Bản hai", "<p>Hai</p>", ["A"]),
        ]
