"""Cheap at scale: the page reads one list by its key, a publication reads a bounded part."""

import time

import pytest
from sqlalchemy import event

from cms.content import save_article
from cms.extensions import db
from cms.models import Article
from cms.public import views
from cms.testing import BROWSER, render_counted, statements_run
from plugins.related import index
from plugins.related.tests.conftest import hours_ago
from plugins.related.tests.helpers import page_titles

#: The issue's budget for the article page (warm per-process caches, no page cache).
ARTICLE_PAGE_LIMIT = 5


@pytest.fixture
def app_config(app_config):
    """The page cache off: the rendering path is counted."""
    return {**app_config, "PAGE_CACHE": False}


@pytest.fixture
def portal(app, related, make_category, make_article):
    """24 articles in 4 categories sharing 5 tags; one in the middle of them, shown."""
    sections = [make_category(f"Chuyên mục {n}") for n in range(4)]
    tags = ["cải cách", "đầu tư", "giáo dục", "y tế", "nông nghiệp"]
    made = []
    for n in range(24):
        made.append(
            make_article(
                f"Tin số {n} về {tags[n % 5]} của tỉnh",
                category_id=sections[n % 4].id,
                tags=[tags[n % 5], tags[(n * 3 + 1) % 5]],
                published_at=hours_ago(3 * n + 1),
            )
        )
    return made[17]


def test_the_article_page_stays_within_its_statement_budget(app, client, portal):
    page, statements = render_counted(app, client, f"/news/{portal.slug}")
    assert len(statements) <= ARTICLE_PAGE_LIMIT, [s for s, _ in statements]
    assert 'data-widget="related.articles"' in page
    assert len(page_titles(client, portal.slug)) == 5
    assert not [s for s, _ in statements if "related_link" in s]  # the widget's cached HTML


def test_a_changed_list_is_read_again_with_one_statement(app, client, portal, make_article):
    url = f"/news/{portal.slug}"
    render_counted(app, client, url)
    with app.app_context():
        shown = db.session.get(Article, portal.id)
        category_id, tags = shown.category_id, [tag.name for tag in shown.tags]
    fresh = make_article(f"{portal.title} (bổ sung)", category_id=category_id, tags=tags)
    views._last_promotion = time.monotonic()
    with statements_run(app) as statements:
        page = client.get(url, headers=BROWSER).get_data(as_text=True)
    reads = [s for s, _ in statements if "related_link" in s]
    assert len(reads) == 1, reads
    assert "related_link.article_id =" in " ".join(reads[0].split())
    assert "body_html" not in reads[0]  # lists never read bodies
    assert fresh.title in page


def explain(conn, statement, parameters):
    """The query plan of ``statement`` as one string (SQLite or PostgreSQL)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return "\n".join(str(row[-1]) for row in rows)
    conn.exec_driver_sql("ANALYZE")  # the planner's statistics, as `cms init` leaves them
    conn.exec_driver_sql("SET enable_seqscan = off")  # an index that can serve is then chosen
    rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    return "\n".join(str(row[0]) for row in rows)


def test_the_page_looks_its_list_up_by_index(app, client, portal, make_article):
    with statements_run(app) as statements:
        assert page_titles(client, portal.slug)
    lookup = [(s, p) for s, p in statements if "related_link" in s]
    assert len(lookup) == 1
    with app.app_context(), db.engine.connect() as conn:
        plan = explain(conn, *lookup[0])
    if conn.dialect.name == "sqlite":
        assert "SEARCH related_link USING" in plan, plan
        assert "(article_id=?)" in plan, plan
        assert "SCAN related_link" not in plan, plan
        assert "SEARCH article USING INTEGER PRIMARY KEY" in plan, plan
    else:
        assert "Index Cond: (article_id = " in plan, plan
        assert "pk_related_link" in plan, plan
        assert "Index Scan using pk_article on article" in plan, plan
        assert "Seq Scan on related_link" not in plan, plan
        assert "Seq Scan on article" not in plan, plan


def test_the_lists_holding_an_article_are_found_by_index(app, portal):
    with app.app_context(), db.engine.connect() as conn:
        captured = []

        def record(_conn, _cursor, statement, parameters, *args):
            captured.append((statement, parameters))

        event.listen(conn, "before_cursor_execute", record)
        assert index.holders(conn, portal.id)
        event.remove(conn, "before_cursor_execute", record)
        plan = explain(conn, *captured[0])
        if conn.dialect.name == "sqlite":
            assert "USING COVERING INDEX ix_related_link_related_id" in plan, plan
        else:
            assert "ix_related_link_related_id" in plan, plan


#: Two groups of articles that share nothing: a section, a tag, sibling titles, a new title.
GROUPS = {
    "roads": ("Giao thông", "Hạ tầng", "Đường tỉnh {n} thông xe", "Khánh thành cầu mới"),
    "health": ("Y tế", "Tiêm chủng", "Bệnh viện số {n} khai trương", "Phòng chống sốt xuất huyết"),
}


def publication_statements(app, make_category, make_article, unrelated, group="roads"):
    """Statements on the plugin's tables run by publishing one article on a site."""
    section_name, tag, sibling, title = GROUPS[group]
    for n in range(unrelated):  # articles sharing no category, tag or word with it
        lone = make_category(f"Chuyên mục {group} {n}")
        make_article(f"Tin lẻ {group} {n}", category_id=lone.id)
    section = make_category(section_name)
    for n in range(8):
        make_article(sibling.format(n=n), category_id=section.id, tags=[tag])
    draft = make_article(title, category_id=section.id, tags=[tag], status="draft")
    with statements_run(app) as statements, app.app_context():
        save_article(db.session.get(Article, draft.id), {"status": "published"})
        db.session.commit()
    return [" ".join(s.split()) for s, _ in statements if "related_" in s]


def test_a_publication_reads_a_bounded_part_of_the_site(app, related, make_category, make_article):
    mine = publication_statements(app, make_category, make_article, unrelated=30)
    assert mine
    for statement in mine:
        assert "body_html" not in statement
        if statement.startswith("SELECT") and "FROM related_posting" in statement:
            assert "LIMIT" in statement, statement  # newest first, a bounded range per term
        if statement.startswith("SELECT") and "FROM related_document" in statement:
            assert "related_document.article_id IN" in statement, statement
        if statement.startswith("SELECT") and "FROM related_link" in statement:
            assert "WHERE related_link." in statement, statement
    assert not [s for s in mine if s.startswith("SELECT") and "WHERE" not in s]  # no scan


def test_a_publication_costs_the_same_whatever_the_size_of_the_site(
    app, related, make_category, make_article
):
    small = publication_statements(app, make_category, make_article, 5, "roads")
    large = publication_statements(app, make_category, make_article, 80, "health")
    assert len(large) == len(small), (small, large)
