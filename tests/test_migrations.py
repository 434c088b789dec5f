"""The migrations build exactly the schema the models describe, and run both ways."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect

from cms.db import include_object
from cms.extensions import db


def test_models_and_migrations_agree(app):
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection,
            opts={"include_object": include_object, "compare_type": True, "render_as_batch": True},
        )
        diff = compare_metadata(context, db.metadata)
    assert diff == []


def test_downgrade_then_upgrade(app):
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
        tables = set(inspect(db.engine).get_table_names())
        assert "article" not in tables
        upgrade(revision="heads")
        db.engine.dispose()
        assert "article" in set(inspect(db.engine).get_table_names())


def test_article_views_move_to_the_shared_store_and_back(app, make_article):
    from sqlalchemy import text

    from cms.store import get_store
    from plugins.stats.counting import views_of
    from plugins.stats.keys import article_views as view_key

    read, unread = make_article("Bài được đọc", tags=["CCHC"]), make_article("Bài chưa đọc")
    with app.app_context():
        downgrade(revision="0006_shared_store")
        db.engine.dispose()
        with db.engine.begin() as conn:
            conn.execute(text("UPDATE article SET views = 42 WHERE id = :id"), {"id": read.id})
        get_store().incr(view_key(read.id), 3)  # counted by the new code before `cms init`

        upgrade(revision="heads")
        db.engine.dispose()
        assert "views" not in {c["name"] for c in inspect(db.engine).get_columns("article")}
        get_store().handover()  # with Redis: the database's counts join Redis's
        assert views_of([read.id, unread.id]) == {read.id: 45, unread.id: 0}
        with db.engine.connect() as conn:  # the article's rows and search index are intact
            assert conn.execute(text("SELECT count(*) FROM article_tag")).scalar() == 1
        from cms.content import filter_articles, public_articles

        found = db.session.execute(filter_articles(public_articles(), q="được đọc")).scalars()
        assert [a.id for a in found] == [read.id]
        db.session.remove()

        downgrade(revision="0006_shared_store")
        db.engine.dispose()
        with db.engine.connect() as conn:
            back = dict(conn.execute(text("SELECT id, views FROM article")).all())
            left = conn.execute(
                text("SELECT count(*) FROM store_counter WHERE \"key\" LIKE 'views:%'")
            ).scalar()
        assert back == {read.id: 45, unread.id: 0}
        assert left == 0
        assert get_store().get(view_key(read.id)) == 0
        upgrade(revision="heads")
        db.engine.dispose()
        get_store().handover()
        assert views_of([read.id]) == {read.id: 45}
