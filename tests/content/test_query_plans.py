"""Public lists, their counts and searches read indexes, never a whole table, on a filled site.

Every statement that the home page's latest list, a category with its
sub-categories, a tag, a deep page and a search run is captured and handed to
the database's planner: SQLite's ``EXPLAIN QUERY PLAN`` must not ``SCAN
article`` (nor sort a listing's rows), PostgreSQL's ``EXPLAIN`` must not hold a
``Seq Scan on article``. The site is filled with ``cms bench-data``'s bulk
inserts and analysed, so the planner chooses as it would on a real site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from flask import current_app
from sqlalchemy import select, text

from cms import bench_data
from cms.content import filter_articles, latest_articles, public_articles, public_filter
from cms.content import search as search_module
from cms.extensions import cache, db
from cms.models import Article, Category, Tag, article_tag
from cms.paging import last_page, paginate
from cms.testing import statements_run

#: Articles made for the planner to see a real table.
ARTICLES = 2_500
#: SQLite: a full pass over the article table (``SCAN article_fts`` is the FTS5 index).
SQLITE_TABLE_SCAN = re.compile(r"\bSCAN article\b(?!_)")
#: PostgreSQL: a full pass over the article table.
PG_TABLE_SCAN = re.compile(r"Seq Scan on article\b(?!_)")
#: A statement reading the article table (not only its tag links).
READS_ARTICLES = re.compile(r"\bFROM article\b(?!_)|\bJOIN article\b(?!_)")
#: The ways a search finds matches (see tests/content/test_search.py); the process
#: holds a small share of the articles, as it does of 100,000.
WAYS = {"held": (50, 2.0), "newest first": (1, 0.0), "index": (1, 1e9)}


@pytest.fixture
def filled(app):
    """A site of :data:`ARTICLES` articles over 12 categories and 200 tags, analysed."""
    with app.app_context():
        bench_data.fill(ARTICLES, 0, seed=11)
    return app


def plan_of(statement: str, parameters: Any) -> str:
    """The planner's plan of ``statement`` with ``parameters``, as one string."""
    connection = db.session.connection()
    if connection.dialect.name == "sqlite":
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        return " | ".join(str(row[-1]) for row in rows)
    rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
    return "\n".join(str(row[0]) for row in rows)


def article_plans(run: Callable[[], Any]) -> list[tuple[str, str]]:
    """(SQL, plan) of each statement ``run`` makes that reads the article table."""
    cache.clear()  # counts are counted, not taken from the cache
    db.session.expire_all()
    with statements_run(current_app) as seen:
        run()
    return [
        (statement, plan_of(statement, parameters))
        for statement, parameters in seen
        if READS_ARTICLES.search(statement)
    ]


def assert_no_table_scan(plans: list[tuple[str, str]]) -> None:
    assert plans, "no statement read the article table"
    for statement, plan in plans:
        scan = SQLITE_TABLE_SCAN if db.engine.dialect.name == "sqlite" else PG_TABLE_SCAN
        assert not scan.search(plan), f"{statement}\n\n{plan}"


def assert_read_in_index_order(plans: list[tuple[str, str]]) -> None:
    """The statement choosing a page's articles reads an index holding all it needs.

    Newest first, never sorting the public articles; only the articles of a few
    small categories may be sorted, read from their own index.
    """
    pages = [
        (statement, plan)
        for statement, plan in plans
        if statement.startswith("SELECT article.id \nFROM article") and "LIMIT" in statement
    ]
    assert pages, "no statement chose the page's articles"
    sqlite = db.engine.dialect.name == "sqlite"
    for statement, plan in pages:
        sorted_ = "TEMP B-TREE" in plan if sqlite else "Sort" in plan
        assert not sorted_ or "ix_article_category_newest" in plan, f"{statement}\n\n{plan}"
        covering = "COVERING INDEX" if sqlite else "Index Only Scan"
        assert covering in plan, f"{statement}\n\n{plan}"


def listed(query: Any, page: int = 1, per_page: int = 10) -> Callable[[], Any]:
    return lambda: paginate(query, page, per_page)


@pytest.fixture(params=["analysed", "without statistics"])
def planned(request, filled):
    """The filled site, with its statistics, or (SQLite) as one grown since ``cms init``."""
    if request.param == "without statistics":
        with filled.app_context():
            if db.engine.dialect.name != "sqlite":
                pytest.skip("PostgreSQL's autovacuum keeps statistics current")
            db.session.execute(text("DELETE FROM sqlite_stat1"))
            db.session.commit()
            db.session.remove()
            db.engine.dispose()  # statistics are read when a connection opens
    return filled


def test_lists_and_their_counts_read_indexes(planned):
    filled = planned
    with filled.app_context():
        top = db.session.execute(
            select(Category).where(Category.parent_id.is_(None)).order_by(Category.id)
        ).scalar()
        leaf = db.session.execute(
            select(Category).where(Category.parent_id.is_not(None)).order_by(Category.id)
        ).scalar()
        busy = db.session.execute(
            select(Tag).join(article_tag).group_by(Tag.id).order_by(db.func.count().desc())
        ).scalar()
        assert top is not None
        assert leaf is not None
        assert busy is not None
        lists = {
            "latest": (public_articles(), None),
            "category with sub-categories": (
                filter_articles(public_articles(), category=top),
                top,
            ),
            "sub-category": (filter_articles(public_articles(), category=leaf), leaf),
            "tag": (filter_articles(public_articles(), tag=busy), busy),
        }
        assert_no_table_scan(article_plans(lambda: latest_articles(11)))
        for label, (query, _owner) in lists.items():
            query = filter_articles(query) if label == "latest" else query
            first = article_plans(listed(query))
            assert_no_table_scan(first)
            assert_read_in_index_order(first)
            total = paginate(query, 1, 10)[1]
            assert total > 10, label
            deep = article_plans(listed(query, page=last_page(total, 10)))
            assert_no_table_scan(deep)
            assert_read_in_index_order(deep)


@pytest.mark.parametrize("way", list(WAYS))
def test_searches_read_indexes(planned, monkeypatch, way):
    filled = planned
    sample_size, walk_cost = WAYS[way]
    monkeypatch.setattr(search_module, "SAMPLE_SIZE", sample_size)
    monkeypatch.setattr(search_module, "WALK_COST", walk_cost)
    with filled.app_context():
        vocabulary = bench_data.demo_vocabulary().words
        common, rare = vocabulary[0], vocabulary[len(vocabulary) // 2]
        for q in (common, rare, f"{common} {rare}", f'"{common} {vocabulary[1]}"', "zzzz"):

            def search(q: str = q) -> Any:
                return paginate(filter_articles(public_articles(), q=q), 1, 10)

            plans = article_plans(search)
            if way == "held" and not plans:
                continue  # found among the articles the process holds: no statement
            assert_no_table_scan(plans)


# Counts: once per change of what lists show, never per request -------------------


def counts_run(run: Callable[[], Any]) -> int:
    """How many ``count(`` statements ``run`` makes."""
    with statements_run(current_app) as seen:
        run()
    return sum(1 for statement, _parameters in seen if "count(" in statement.lower())


def test_a_list_is_counted_once_until_articles_change(app, make_article, make_category):
    news = make_category("Tin tức")
    for number in range(3):
        make_article(f"Tin số {number}", category_id=news.id, tags=["Lễ hội"])
    with app.app_context():
        category = db.session.get(Category, news.id)

        def page() -> Any:
            return paginate(filter_articles(public_articles(), category=category), 1, 2)

        assert page()[1] == 3
        assert counts_run(page) == 0  # from the cache
    make_article("Tin mới", category_id=news.id)
    with app.app_context():
        category = db.session.get(Category, news.id)
        assert paginate(filter_articles(public_articles(), category=category), 1, 2)[1] == 4


def test_any_write_to_the_articles_renews_the_counts(app, make_article):
    first = make_article("Tin một")
    make_article("Tin hai")
    with app.app_context():
        assert paginate(filter_articles(public_articles()), 1, 10)[1] == 2
        with db.engine.begin() as connection:  # not through the content services
            connection.execute(
                text("UPDATE article SET status = 'draft' WHERE id = :id"), {"id": first.id}
            )
        db.session.remove()
        assert paginate(filter_articles(public_articles()), 1, 10)[1] == 1


def test_a_scheduled_article_is_counted_once_its_time_has_come(app, make_article):
    make_article("Tin đã đăng")
    now = datetime.now(UTC)
    make_article("Tin hẹn giờ", status="scheduled", published_at=(now + timedelta(days=1)))
    with app.app_context():

        def count_at(moment: datetime) -> int:
            query = select(Article).where(public_filter(moment)).order_by(Article.id)
            return paginate(filter_articles(query), 1, 10)[1]

        assert count_at(now) == 1
        assert count_at(now + timedelta(hours=1)) == 1  # the same cached count
        assert count_at(now + timedelta(days=2)) == 2
