"""Slugs: Vietnamese transliteration, uniqueness, stability and history."""

import pytest

from cms.content import ContentError, find_article, make_slug, save_article, save_page
from cms.content.slugs import lookup_old_slug
from cms.extensions import db


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Cải cách hành chính", "cai-cach-hanh-chinh"),
        ("Điện Biên", "dien-bien"),
        ("Tỷ lệ văn bản điện tử đạt 100%", "ty-le-van-ban-dien-tu-dat-100"),
        ("  Hội nghị   tổng kết!!! ", "hoi-nghi-tong-ket"),
    ],
)
def test_make_slug_transliterates_vietnamese(title, slug):
    assert make_slug(title) == slug


def test_duplicate_titles_get_distinct_slugs(app):
    with app.app_context():
        slugs = []
        for _ in range(3):
            article = save_article(None, {"title": "Cải cách hành chính"})
            db.session.commit()
            slugs.append(article.slug)
    assert slugs == ["cai-cach-hanh-chinh", "cai-cach-hanh-chinh-2", "cai-cach-hanh-chinh-3"]


def test_slug_is_kept_when_the_title_changes(app):
    with app.app_context():
        article = save_article(None, {"title": "Tiêu đề cũ"})
        db.session.commit()
        save_article(article, {"title": "Tiêu đề hoàn toàn mới"})
        db.session.commit()
        assert article.slug == "tieu-de-cu"


def test_changing_the_slug_records_the_old_one(app):
    with app.app_context():
        article = save_article(None, {"title": "Bài viết"})
        db.session.commit()
        save_article(article, {"slug": "Bài viết mới"})
        db.session.commit()
        assert article.slug == "bai-viet-moi"
        assert lookup_old_slug("article", "bai-viet") == article.id


def test_an_old_slug_is_not_given_to_another_article(app):
    with app.app_context():
        first = save_article(None, {"title": "Lễ hội"})
        db.session.commit()
        save_article(first, {"slug": "le-hoi-mua-xuan"})
        db.session.commit()
        second = save_article(None, {"title": "Lễ hội"})
        db.session.commit()
        assert second.slug == "le-hoi-2"


def test_taking_back_an_old_slug_drops_it_from_history(app):
    with app.app_context():
        article = save_article(None, {"title": "Một"})
        db.session.commit()
        save_article(article, {"slug": "hai"})
        db.session.commit()
        save_article(article, {"slug": "mot"})
        db.session.commit()
        assert article.slug == "mot"
        assert lookup_old_slug("article", "mot") is None
        assert lookup_old_slug("article", "hai") == article.id
        assert find_article("mot").id == article.id


def test_page_slugs_avoid_reserved_route_names(app):
    with app.app_context():
        page = save_page(None, {"title": "Admin"})
        search = save_page(None, {"title": "Search"})
        db.session.commit()
        assert page.slug == "admin-2"
        assert search.slug == "search-2"


def test_a_title_without_letters_still_gets_a_slug(app):
    with app.app_context():
        article = save_article(None, {"title": "!!!"})
        db.session.commit()
        assert article.slug == "item"


def test_bad_input_changes_nothing(app):
    with app.app_context():
        with pytest.raises(ContentError) as excinfo:
            save_article(None, {"title": "x" * 301})
        assert "title" in excinfo.value.errors
        db.session.rollback()
        assert find_article("x" * 80) is None
