"""Search: diacritic- and case-insensitive, prefix words, published only, indexed."""

import unicodedata

import pytest
from sqlalchemy import text

from cms.content import filter_articles, public_articles, save_article
from cms.content import search as search_module
from cms.extensions import db

#: The ways a search finds matches: in the articles each process holds, or in the
#: database newest first, or through the full-text index (see cms.content.search).
WAYS = {"held": (2000, 2.0), "newest first": (1, 0.0), "index": (1, 1e9)}


@pytest.fixture(params=list(WAYS))
def way(request, monkeypatch):
    """Search one of the ways: each must give the same results."""
    sample_size, walk_cost = WAYS[request.param]
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", sample_size)
    monkeypatch.setattr(search_module, "WALK_COST", walk_cost)
    return request.param


@pytest.fixture
def corpus(app, way):
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


def test_postgres_search_has_its_gin_index(corpus):
    with corpus.app_context():
        if db.engine.dialect.name != "postgresql":
            pytest.skip("the GIN index exists on PostgreSQL")
        found = db.session.execute(
            text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_article_search_text_fts'")
        ).scalar()
        source, cost = db.session.execute(
            text("SELECT prosrc, procost FROM pg_proc WHERE proname = 'cms_search_vector'")
        ).one()
    assert found is not None
    assert "gin" in found.lower()
    assert "cms_search_vector(search_text)" in found
    assert "to_tsvector('simple'" in source
    assert cost >= 1000  # the planner reads the index rather than computing every row's vector
