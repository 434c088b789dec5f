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
