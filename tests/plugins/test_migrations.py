"""A plugin's own tables come from its own Alembic branch.

One test only: the ``notes`` test plugin's model can be declared once per run.
"""

from sqlalchemy import inspect

from cms.extensions import db
from cms.plugins import registry


def tables(app):
    with app.app_context():
        db.engine.dispose()
        return set(inspect(db.engine).get_table_names())


def test_plugin_migrations_run_on_first_enable_and_with_cms_init(notes_plugin, make_app):
    app = make_app()
    assert "notes" in app.extensions["cms_plugins"].plugins
    assert "notes_note" not in tables(app)
    with app.app_context():
        registry().set_enabled("notes", True)
        db.session.commit()
    assert "notes_note" in tables(app)
    with app.app_context():
        registry().set_enabled("notes", True)  # already up to date: nothing happens
        db.session.commit()
    runner = app.test_cli_runner()
    for _ in range(2):  # cms init upgrades every branch and is idempotent
        result = runner.invoke(args=["cms", "init"])
        assert result.exit_code == 0, result.output
    assert "notes_note" in tables(app)
    with app.app_context():
        from alembic.migration import MigrationContext

        with db.engine.connect() as connection:
            heads = set(MigrationContext.configure(connection).get_current_heads())
    assert "notes_0001" in heads
    with app.app_context():
        from flask_migrate import downgrade

        downgrade(revision="notes@base")  # and the branch comes off cleanly
    assert "notes_note" not in tables(app)
