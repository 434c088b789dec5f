"""Search folds compatibility forms, ranks exact matches first and honours quoted phrases."""

import unicodedata
from datetime import UTC, datetime, timedelta

import pytest
from flask_migrate import downgrade, upgrade
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select, update

from cms.content import filter_articles, public_articles, save_article
from cms.content import search as search_module
from cms.content.search import parse_query, query_terms, refold_articles
from cms.content.text import fold, fold_case
from cms.extensions import db
from cms.models import Article

COVID = "Phòng chống ＣＯＶＩＤ-19 năm ２０２４"


def found(app, q):
    """Titles of the public articles that ``q`` finds, in the order given."""
    with app.app_context():
        query = filter_articles(public_articles(), q=q)
        return [a.title for a in db.session.execute(query).unique().scalars()]


def add(app, title, body="", *, days_ago=0, status="published"):
    """Save an article published ``days_ago`` days ago; returns its id."""
    when = datetime.now(UTC) - timedelta(days=days_ago, minutes=1)
    with app.app_context():
        article = save_article(
            None,
            {
                "title": title,
                "body_html": body or f"<p>{title}</p>",
                "status": status,
                "published_at": when,
            },
        )
        db.session.commit()
        return article.id


# Folding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("written", "folded"),
    [
        (COVID, "phong chong covid 19 nam 2024"),
        ("ﬁnance ﬂow ﬀ", "finance flow ff"),
        ("Diện tích 25 m² – H₂O", "dien tich 25 m2 h2o"),
        ("Mục ① và ⑫, ⒜", "muc 1 va 12 a"),
        ("Hà\u00a0Nội\u2003và\u3000Huế\u202fxưa", "ha noi va hue xua"),
        ("Sở Nội\u00advụ, Điện\u200bBiên\ufeff", "so noivu dienbien"),
        ("ĐIỆN BIÊN Đoàn đội", "dien bien doan doi"),
        ("Straße ΣΊΣΥΦΟΣ", "strasse σισυφοσ"),
        ("ㄱㅏ 가", "가 가"),
        ("ｶﾞｲﾄﾞ ガイド", "ガイド ガイド"),
        ("ﻻ ﺑﺴﻢ", "لا بسم"),
        ("Ⅻ ㎏ ℡", "xii kg tel"),
        (unicodedata.normalize("NFD", "Cải cách hành chính"), "cai cach hanh chinh"),
    ],
)
def test_fold_undoes_compatibility_forms_case_and_diacritics(written, folded):
    assert fold(written) == folded


def test_fold_keeps_the_marks_other_scripts_spell_with():
    assert fold("กุ้ง नमस्ते") == "กุ้ง नमस्ते"


def test_fold_case_keeps_diacritics():
    assert fold_case("CẢI CÁCH ＨÀNH ﬁnance Đội") == "cải cách hành finance đội"


@given(st.text())
def test_folding_is_stable_and_fold_case_is_its_first_step(value):
    folded = fold(value)
    assert fold(folded) == folded
    assert fold_case(fold_case(value)) == fold_case(value)
    assert fold(fold_case(value)) == folded
    assert folded == " ".join(folded.split())
    assert all(unicodedata.category(ch)[0] in "LNM" for ch in folded.replace(" ", ""))


# Finding ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "body", "queries"),
    [
        (COVID, "<p>Kinh phí: ﬁnance</p>", ["covid", "2024", "finance", "COVID-19", "ＣＯＶＩＤ"]),
        ("Lễ hội ｈｏａ ｂａｎ", "<p>Tây Bắc</p>", ["hoa ban", "HOA", "ｈｏａ ｂａｎ"]),
        ("Mực nước ①② mét", "<p>x</p>", ["12 met", "muc nuoc"]),
        ("Mùa thu", "<p>Hà\u00a0Nội&nbsp;xưa</p>", ['"ha noi xua"', "ha noi"]),
        ("Sở Nội\u00advụ", "<p>x</p>", ["noivu", "sở nội\u00advụ"]),
        ("Tin tức", "<p>Đường\u2002sắt ＴＰ．ＨＣＭ</p>", ["duong sat", "tp hcm"]),
        ("Diễn đàn", "<p>ㄱㅏ</p>", ["가"]),
    ],
)
def test_compatibility_forms_are_found_and_find(app, title, body, queries):
    add(app, title, body)
    add(app, "Bài khác", "<p>không liên quan</p>")
    for q in queries:
        assert found(app, q) == [title], q


def test_plain_query_finds_fullwidth_text_and_the_reverse(app):
    add(app, "ＢＡＯ ＣＡＯ quý ３")
    add(app, "Report quy 3")
    assert sorted(found(app, "bao cao quy 3")) == ["ＢＡＯ ＣＡＯ quý ３"]
    assert found(app, "ｒｅｐｏｒｔ") == ["Report quy 3"]


# Ranking ------------------------------------------------------------------


def test_folded_phrase_ranks_above_the_same_words_apart(app):
    add(app, "Cải cách thủ tục", days_ago=5)
    add(app, "Hướng dẫn cách cài đặt", days_ago=0)
    assert found(app, "cai cach") == ["Cải cách thủ tục", "Hướng dẫn cách cài đặt"]


def test_rank_tiers_accented_phrase_then_words_then_folded_phrase_then_words(app):
    add(app, "Cài cách mới", days_ago=4)  # folded phrase only
    add(app, "Cách làm và cải tiến", days_ago=6)  # accented words, other order
    add(app, "Bàn về cải cách", days_ago=8)  # exact accented phrase, oldest
    add(app, "Cái cặp, cách dùng", days_ago=0)  # folded words apart, newest
    assert found(app, "cải cách") == [
        "Bàn về cải cách",
        "Cách làm và cải tiến",
        "Cài cách mới",
        "Cái cặp, cách dùng",
    ]


def test_unaccented_query_prefers_text_typed_without_accents(app):
    add(app, "Cải cách", days_ago=0)
    add(app, "Cai cach (khong dau)", days_ago=3)
    assert found(app, "cai cach") == ["Cai cach (khong dau)", "Cải cách"]


def test_newest_first_within_a_tier(app):
    for days in (3, 1, 2):
        add(app, f"Cải cách {days}", days_ago=days)
    assert found(app, "cải cách") == ["Cải cách 1", "Cải cách 2", "Cải cách 3"]


def test_matches_beyond_the_ranked_few_follow_newest_first(app, monkeypatch):
    add(app, "Cái cặp, cách dùng 0", days_ago=0)  # folded words apart
    add(app, "Cái cặp, cách dùng 1", days_ago=1)
    add(app, "Cách làm và cải tiến 2", days_ago=2)  # accented words
    add(app, "Cách làm và cải tiến 3", days_ago=3)
    ranked = found(app, "cải cách")
    assert ranked[:2] == ["Cách làm và cải tiến 2", "Cách làm và cải tiến 3"]
    monkeypatch.setattr(search_module, "RANKED_CANDIDATES", 2)
    assert found(app, "cải cách") == [
        "Cái cặp, cách dùng 0",
        "Cái cặp, cách dùng 1",
        "Cách làm và cải tiến 2",
        "Cách làm và cải tiến 3",
    ]


@pytest.mark.parametrize(("sample_size", "walk_cost"), [(2000, 2.0), (1, 0.0), (1, 1e9)])
def test_every_way_of_searching_gives_the_same_results(app, monkeypatch, sample_size, walk_cost):
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", sample_size)  # held, or the database:
    monkeypatch.setattr(search_module, "WALK_COST", walk_cost)  # newest first, or the index
    add(app, "Hướng dẫn cách cài đặt", days_ago=0)
    add(app, "Cải cách thủ tục", days_ago=5)
    add(app, "Bản nháp cải cách", status="draft")
    assert found(app, "cai cach") == ["Cải cách thủ tục", "Hướng dẫn cách cài đặt"]
    assert found(app, '"cai cach"') == ["Cải cách thủ tục"]
    assert found(app, "xyz") == []


def test_ranking_reads_the_body_as_well(app):
    add(app, "Tin một", "<p>Bàn về <b>cải cách</b> hành chính</p>", days_ago=5)
    add(app, "Tin hai", "<p>cách cài</p>", days_ago=0)
    assert found(app, "cải cách") == ["Tin một", "Tin hai"]


# Quoted phrases -----------------------------------------------------------


@pytest.fixture
def phrases(app):
    add(app, "Kiểm tra công tác cải cách hành chính", days_ago=3)
    add(app, "Hành chính công và cải cách thể chế", days_ago=1)
    add(app, "Cai cach hanh chinh (bản không dấu)", days_ago=2)
    return app


@pytest.mark.parametrize(
    "q",
    [
        '"cải cách hành chính"',
        '"cai cach hanh chinh"',
        "“Cải cách hành chính”",
        "„cải cách hành chính“",
        "«cải cách hành chính»",
        "＂cải cách hành chính＂",
        '"cải   cách, hành-chính"',
    ],
)
def test_a_quoted_query_matches_the_phrase_only(phrases, q):
    assert sorted(found(phrases, q)) == [
        "Cai cach hanh chinh (bản không dấu)",
        "Kiểm tra công tác cải cách hành chính",
    ]


def test_unquoted_words_match_anywhere(phrases):
    assert len(found(phrases, "cải cách hành chính")) == 3


def test_phrase_words_are_whole_words(phrases):
    assert found(phrases, '"cai cac hanh"') == []
    assert found(phrases, '"hanh chinh cong"') == ["Hành chính công và cải cách thể chế"]


def test_phrase_and_words_together(phrases):
    assert found(phrases, '"cải cách" kiem') == ["Kiểm tra công tác cải cách hành chính"]
    assert found(phrases, 'the "cai cach"') == ["Hành chính công và cải cách thể chế"]


def test_an_unclosed_quote_runs_to_the_end(phrases):
    assert found(phrases, 'kiem "cach hanh chinh cong') == []
    assert found(phrases, 'kiem "cai cach hanh chinh') == ["Kiểm tra công tác cải cách hành chính"]


def test_parse_query_splits_words_and_phrases():
    parsed = parse_query('Kiểm "CẢI cách"  tra “ｈà nội”')
    assert parsed.words == ("kiem", "tra")
    assert parsed.phrases == (("cai", "cach"), ("ha", "noi"))
    assert parsed.accented == ("kiểm", "cải", "cách", "tra", "hà", "nội")
    assert query_terms('Kiểm "CẢI cách"') == ["kiem", "cai", "cach"]


def test_parse_query_keeps_at_most_max_terms():
    parsed = parse_query('"' + " ".join(f"w{i}" for i in range(30)) + '" x')
    assert len(parsed.terms) == search_module.MAX_TERMS
    assert parsed.words == ()


@pytest.mark.parametrize(
    "q",
    ['"', '""', '" "', "“”", "'", "\\", "a:*", "(a", "a & b", "!a", "a <-> b", "NEAR(a b)",
     "a*", "^a", "-a", "a OR b", "x\x00y", "'a' | 'b'", '"a" "b"', "\u202eabc", "a" * 300],
)  # fmt: skip
def test_query_syntax_of_either_engine_is_harmless(phrases, q):
    assert found(phrases, q) == []


# Every search path --------------------------------------------------------


def test_public_search_page_finds_compatibility_forms(app, client):
    add(app, COVID, "<p>ﬁnance</p>")
    for q in ("covid", "2024", "finance", '"covid 19"'):
        html = client.get("/search", query_string={"q": q}).text
        assert "ＣＯＶＩＤ" in html, q


def test_api_search_folds_and_ranks_the_same_way(app, client):
    add(app, COVID, "<p>ﬁnance</p>")
    add(app, "Hướng dẫn cách cài đặt", days_ago=0)
    add(app, "Cải cách thủ tục", days_ago=5)
    body = client.get("/api/v1/articles", query_string={"q": "finance"}).get_json()
    assert [a["title"] for a in body["items"]] == [COVID]
    body = client.get("/api/v1/articles", query_string={"q": "cai cach"}).get_json()
    assert [a["title"] for a in body["items"]] == ["Cải cách thủ tục", "Hướng dẫn cách cài đặt"]
    assert body["total"] == 2
    body = client.get("/api/v1/articles", query_string={"q": '"cai cach"'}).get_json()
    assert [a["title"] for a in body["items"]] == ["Cải cách thủ tục"]


def test_back_office_search_folds_compatibility_forms(app, client, signed_in):
    add(app, COVID, "<p>ﬁnance</p>", status="draft")
    add(app, "Tin khác", "<p>khác</p>", status="draft")
    signed_in("editor")
    html = client.get("/admin/articles", query_string={"q": "finance"}).text
    assert "ＣＯＶＩＤ" in html
    assert "Tin khác" not in html


def test_search_pages_through_ranked_results(app, client):
    for days in range(25):
        add(app, f"Cách cài {days}", days_ago=days)
    add(app, "Cải cách", days_ago=40)
    first = client.get("/api/v1/articles", query_string={"q": "cai cach", "per_page": 10})
    second = client.get(
        "/api/v1/articles", query_string={"q": "cai cach", "per_page": 10, "page": 3}
    )
    titles = [a["title"] for a in first.get_json()["items"]]
    assert titles[0] == "Cải cách"
    assert len(second.get_json()["items"]) == 6
    seen = titles + [a["title"] for a in second.get_json()["items"]]
    assert len(set(seen)) == len(seen)


# Index --------------------------------------------------------------------


def test_refolding_repairs_rows_folded_the_old_way(app):
    article_id = add(app, COVID, "<p>ﬁnance</p>")
    with app.app_context():
        db.session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(search_text="phong chong ｃｏｖｉｄ 19 nam ２０２４ ﬁnance")
        )
        db.session.commit()
    assert found(app, "covid") == []
    with app.app_context(), db.engine.begin() as connection:
        assert refold_articles(connection, batch_size=1) == 1
        assert refold_articles(connection) == 0
    for q in ("covid", "2024", "finance"):
        assert found(app, q) == [COVID]


def test_refolding_is_not_an_edit(app):
    article_id = add(app, COVID, "<p>ﬁnance</p>")
    edited = datetime(2024, 5, 14, 3, 13, tzinfo=UTC)
    with app.app_context():
        db.session.execute(
            update(Article)
            .where(Article.id == article_id)
            .values(search_text="stale", updated_at=edited)
        )
        db.session.commit()
    with app.app_context(), db.engine.begin() as connection:
        assert refold_articles(connection) == 1
    with app.app_context():
        assert db.session.get(Article, article_id).updated_at == edited


def test_the_migration_refolds_stored_articles(app):
    article_id = add(app, COVID, "<p>ﬁnance</p>")
    with app.app_context():
        db.session.execute(
            update(Article).where(Article.id == article_id).values(search_text="stale")
        )
        db.session.commit()
        db.session.remove()
        downgrade(revision="0004_search_folding-1")
        upgrade(revision="heads")
        db.engine.dispose()
        stored = db.session.execute(
            select(Article.search_text).where(Article.id == article_id)
        ).scalar()
    assert stored == "phong chong covid 19 nam 2024 finance"
    assert found(app, "finance") == [COVID]
