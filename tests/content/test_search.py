"""Search: diacritic- and case-insensitive, prefix words, published only, indexed."""

import unicodedata

import pytest
from sqlalchemy import select, text

from cms.content import filter_articles, public_articles, save_article
from cms.extensions import db


@pytest.fixture
def corpus(app):
    with app.app_context():
        for title, body, status in [
            (
                "Kiểm tra công tác cải cách hành chính",
                "<p>Đoàn kiểm tra làm việc tại huyện.</p>",
                "published",
            ),
            ("Lễ hội hoa ban", "<p>Du khách đổ về Điện Biên.</p>", "published"),
            ("Thông báo tuyển dụng", "<p>Sở Nội vụ thông báo.</p>", "published"),
            ("Bản nháp cải cách", "<p>Chưa xuất bản.</p>", "draft"),
        ]:
            save_article(None, {"title": title, "body_html": body, "status": status})
        db.session.commit()
    return app


def titles_for(app, q):
    with app.app_context():
        query = filter_articles(public_articles(), q=q)
        return [a.title for a in db.session.execute(query).unique().scalars()]


@pytest.mark.parametrize(
    "q",
    [
        "cai cach",
        "CẢI CÁCH",
        "cải cách",
        unicodedata.normalize("NFD", "cải cách"),
        "cai cac",
        "hanh  chinh!",
    ],
)
def test_search_ignores_diacritics_case_and_matches_prefixes(corpus, q):
    assert titles_for(corpus, q) == ["Kiểm tra công tác cải cách hành chính"]


def test_search_finds_words_in_the_body(corpus):
    assert titles_for(corpus, "dien bien") == ["Lễ hội hoa ban"]


def test_all_words_must_match(corpus):
    assert titles_for(corpus, "le hoi tuyen") == []


def test_drafts_are_not_found(corpus):
    assert "Bản nháp cải cách" not in titles_for(corpus, "cai cach")


def test_a_query_without_words_matches_nothing(corpus):
    assert titles_for(corpus, "!!! ???") == []


def test_search_syntax_characters_are_harmless(corpus):
    for q in ['"', "a OR b", "NEAR(x y)", "x:*", "' OR 1=1 --", "*", "^"]:
        assert titles_for(corpus, q) == []


def test_sqlite_search_uses_the_fts_index_not_a_scan(corpus):
    with corpus.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("the FTS5 plan check applies to SQLite")
        query = filter_articles(
            select(db.text("1")).select_from(db.metadata.tables["article"]), q="cai cach"
        )
        compiled = query.compile(db.engine, compile_kwargs={"literal_binds": True})
        plan = db.session.execute(text(f"EXPLAIN QUERY PLAN {compiled}")).all()
        details = " | ".join(str(row[-1]) for row in plan)
    assert "VIRTUAL TABLE INDEX" in details
    assert "SCAN article" not in details.replace("SCAN article_fts", "")


def test_postgres_search_has_its_gin_index(corpus):
    with corpus.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the GIN index exists on PostgreSQL")
        found = db.session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_article_search_text_fts'")
        ).scalar()
    assert found is not None
    assert "gin" in found.lower()
    assert "to_tsvector" in found
