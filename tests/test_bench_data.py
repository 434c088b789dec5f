"""``cms bench-data``: many articles and views, fast, with the search data the app would store."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select, text

from cms import bench_data
from cms.content import (
    filter_articles,
    public_articles,
    save_article,
    save_category,
    tags_from_names,
)
from cms.content.search import search_text_for
from cms.content.text import html_to_text
from cms.extensions import db
from cms.models import Article, Category, Tag, article_tag
from cms.paging import paginate
from plugins.stats.counting import views_of


def test_fills_an_empty_site_with_categories_tags_articles_and_views(app):
    with app.app_context():
        report = bench_data.fill(300, 2_000, seed=7)
        assert report.articles == 300
        assert report.categories_created == sum(1 + len(c) for _n, c in bench_data.CATEGORIES)
        assert report.tags_created == bench_data.TAG_COUNT
        assert db.session.scalar(select(func.count()).select_from(Tag)) == bench_data.TAG_COUNT
        tops = db.session.scalar(
            select(func.count()).select_from(Category).where(Category.parent_id.is_(None))
        )
        assert tops == len(bench_data.CATEGORIES)
        rows = db.session.execute(
            select(Article.id, Article.slug, Article.status, Article.published_at)
        ).all()
        assert len(rows) == 300
        assert len({row.slug for row in rows}) == 300
        assert {row.status for row in rows} <= {"draft", "published", "scheduled"}
        now = datetime.now(UTC)
        for row in rows:
            if row.status == "published":
                assert row.published_at <= now
            if row.status == "scheduled":
                assert row.published_at > now
        links = db.session.execute(
            select(article_tag.c.article_id, func.count()).group_by(article_tag.c.article_id)
        ).all()
        assert len(links) == 300
        assert {count for _id, count in links} <= {1, 2, 3, 4}
        assert report.tag_links == sum(count for _id, count in links)
        views = views_of(row.id for row in rows)
        assert sum(views.values()) == report.views == 2_000


def test_search_data_is_what_saving_the_article_stores(app):
    with app.app_context():
        bench_data.fill(120, 0, seed=3)
        articles = db.session.execute(select(Article)).scalars().all()
        for article in articles:
            expected = search_text_for(
                article.title, article.summary, html_to_text(article.body_html)
            )
            assert article.search_text == expected, article.id
        article = next(a for a in articles if a.status == "published")
        rare = max(article.search_text.split(), key=len)
        found = paginate(filter_articles(public_articles(), q=rare), 1, 100)[0]
        assert article.id in {a.id for a in found}


def test_a_second_run_adds_more_and_keeps_slugs_unique(app):
    with app.app_context():
        bench_data.fill(80, 0, seed=1)
        again = bench_data.fill(80, 100, seed=1)  # the same texts: the same titles
        assert again.categories_created == again.tags_created == 0
        slugs = db.session.execute(select(Article.slug)).scalars().all()
        assert len(slugs) == 160
        assert len(set(slugs)) == 160


def test_a_slug_taken_by_the_site_is_never_reused(app, monkeypatch):
    monkeypatch.setattr(bench_data, "slug_base", lambda _words: "tin")
    with app.app_context():
        for number in range(2, 7):  # ids 1-5; the next run numbers from 6
            save_article(None, {"title": "Tin", "slug": f"tin-{number}", "status": "published"})
        db.session.commit()
        bench_data.fill(5, 0, seed=4)
        slugs = db.session.execute(select(Article.slug)).scalars().all()
    assert len(slugs) == len(set(slugs)) == 10
    assert "tin-7" in slugs


def test_uses_the_categories_and_tags_the_site_has(app):
    with app.app_context():
        news = save_category(None, {"name": "Tin tức"})
        tags_from_names(["Lễ hội", "Du lịch"])
        db.session.commit()
        report = bench_data.fill(40, 0, seed=2)
        assert report.categories_created == report.tags_created == 0
        categories = set(db.session.execute(select(Article.category_id)).scalars())
        assert categories == {news.id}
        assert db.session.scalar(select(func.count()).select_from(Tag)) == 2


def test_statistics_are_refreshed(app):
    with app.app_context():
        bench_data.fill(30, 0, seed=5)
        if db.engine.dialect.name == "sqlite":
            analysed = db.session.scalar(
                text("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'article'")
            )
            assert analysed > 0
        else:
            last = db.session.scalar(
                text(
                    "SELECT coalesce(last_analyze, last_autoanalyze) FROM pg_stat_user_tables "
                    "WHERE relname = 'article'"
                )
            )
            assert last is not None


def test_the_command_prints_one_line(app, runner):
    result = runner.invoke(args=["cms", "bench-data", "--articles", "25", "--views", "50"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("Made 25 articles")
    assert "50 views" in lines[0]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Article)) == 25


def test_the_command_refuses_a_negative_number(runner):
    result = runner.invoke(args=["cms", "bench-data", "--articles", "-1"])
    assert result.exit_code != 0
    assert "-1" in result.output
