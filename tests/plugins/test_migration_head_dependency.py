"""A plugin migration may depend on the core's newest revision: ``cms init`` stays idempotent.

Alembic moves the row of a head that a new revision ``depends_on`` to that revision, as
for a down revision; the core, which reads its own rows only, must still see its head.
"""

import sys
import textwrap

import pytest
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from cms.extensions import db
from cms.plugins.checks import CORE_VERSIONS, heads, read_revisions

MIGRATION = '''
"""Pins: its one table, on top of the core's newest revision."""
import sqlalchemy as sa
from alembic import op

revision = "pins_0001"
down_revision = None
branch_labels = ("pins",)
depends_on = {head!r}


def upgrade():
    op.create_table("pins_pin", sa.Column("id", sa.Integer(), primary_key=True))


def downgrade():
    op.drop_table("pins_pin")
'''


@pytest.fixture
def plugins_dir(plugins_dir):
    (head,) = heads(read_revisions(CORE_VERSIONS))
    folder = plugins_dir / "pins"
    (folder / "migrations").mkdir(parents=True)
    (folder / "__init__.py").write_text(
        "from cms.plugins import Plugin\nplugin = Plugin(name='pins', title='Pins')\n"
    )
    (folder / "migrations" / "pins_0001.py").write_text(
        textwrap.dedent(MIGRATION).format(head=head)
    )
    yield plugins_dir
    sys.modules.pop("plugins.pins", None)


def versions(app):
    with app.app_context(), db.engine.connect() as connection:
        return set(MigrationContext.configure(connection).get_current_heads())


def test_cms_init_twice_with_a_plugin_on_the_core_head(app):
    runner = app.test_cli_runner()
    outputs = []
    for _ in range(3):  # the second and third runs find everything done
        result = runner.invoke(args=["cms", "init"])
        assert result.exit_code == 0, result.output
        outputs.append(result.output)
    assert "Nothing to do" in outputs[2], outputs[2]
    # Alembic keeps the plugin's row alone: it stands for the core's head it depends on
    assert "pins_0001" in versions(app)
    assert not heads(read_revisions(CORE_VERSIONS)) & versions(app)
    with app.app_context():
        db.engine.dispose()
        assert "pins_pin" in inspect(db.engine).get_table_names()
    with app.app_context():
        from flask_migrate import downgrade

        downgrade(revision="pins@base")  # the branch still comes off cleanly
    assert "pins_0001" not in versions(app)
    assert heads(read_revisions(CORE_VERSIONS)) <= versions(app)
