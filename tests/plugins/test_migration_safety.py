"""No plugin's migrations can wedge the site: ``cms init``, enabling and the API keep working.

Each test writes small plugins (a package and a ``migrations/`` folder, no
models) into the test's plugins folder, then builds apps on the test database.
"""

import shutil
import sys

import pytest
from flask_migrate import downgrade
from sqlalchemy import inspect, text

from cms.extensions import db
from cms.plugins import PluginError, registry
from cms.plugins.migrations import core_heads
from cms.testing import AuthActions

MIGRATION = """
import sqlalchemy as sa
from alembic import op

revision = {revision!r}
down_revision = {down!r}
branch_labels = {labels!r}
depends_on = {depends!r}


def upgrade():
{body}


def downgrade():
    pass
"""

CREATE = '    op.create_table("{table}", sa.Column("id", sa.Integer(), primary_key=True))'
FAIL = '    op.execute("SELECT * FROM no_such_table_xyz")'


@pytest.fixture
def add_plugin(plugins_dir):
    """Write plugin ``name`` with one migration ``<name>_0001`` whose body is given."""
    added = []

    def factory(
        name, body=None, *, revision=None, down=None, depends="0006_shared_store", enabled=True
    ):
        root = plugins_dir / name
        if root.exists():
            shutil.rmtree(root)
        (root / "migrations").mkdir(parents=True)
        (root / "__init__.py").write_text(
            "from cms.plugins import Plugin\n"
            f"plugin = Plugin(name={name!r}, title={name!r}, enabled_by_default={enabled})\n"
        )
        source = MIGRATION.format(
            revision=revision or f"{name}_0001",
            down=down,
            labels=(name,) if down is None else None,
            depends=depends,
            body=body or CREATE.format(table=f"{name}_t"),
        )
        (root / "migrations" / f"{name}_0001.py").write_text(source)
        sys.modules.pop(f"plugins.{name}", None)
        added.append(name)
        return root

    yield factory
    for name in added:
        sys.modules.pop(f"plugins.{name}", None)


def versions(app):
    with app.app_context(), db.engine.connect() as conn:
        return set(conn.execute(text("SELECT version_num FROM alembic_version")).scalars())


def tables(app):
    with app.app_context():
        db.engine.dispose()
        return set(inspect(db.engine).get_table_names())


def columns(app, table):
    with app.app_context():
        db.engine.dispose()
        return {c["name"] for c in inspect(db.engine).get_columns(table)}


def cms(app, *args):
    return app.test_cli_runner().invoke(args=["cms", *args])


def heads(app):
    with app.app_context():
        return core_heads()


def to_fresh_site(app):
    """Downgrade everything: the database is as before a first ``cms init``."""
    with app.app_context():
        downgrade(revision="base")
        db.engine.dispose()
    assert versions(app) == set()
    assert "article" not in tables(app)


# -- 1. revisions that name what does not exist --------------------------------------------


def test_a_migration_naming_an_unknown_revision_is_refused_at_load(add_plugin, make_app):
    add_plugin("baddep", depends="9999_nope")
    add_plugin("baddown", down="nope_0000", depends=None)
    add_plugin("corecopy", revision="0001_core")
    add_plugin("twina", revision="twin_0001")
    add_plugin("twinb", revision="twin_0001")
    add_plugin("okmig")
    app = make_app()
    broken = app.extensions["cms_plugins"].broken
    assert "revision 'baddep_0001'" in broken["baddep"]
    assert "depends_on '9999_nope'" in broken["baddep"]
    assert "down_revision 'nope_0000'" in broken["baddown"]
    assert "neither one of its own revisions nor a core revision" in broken["baddown"]
    assert "core's revision id '0001_core'" in broken["corecopy"]
    assert "'twin_0001' of plugin twina" in broken["twinb"]
    assert "twina" in app.extensions["cms_plugins"].plugins

    result = cms(app, "init")
    assert result.exit_code == 0, result.output
    assert "Applied the migrations of plugin okmig: okmig_0001." in result.stdout
    assert {"okmig_0001", "twin_0001"} <= versions(app)
    assert "baddep_t" not in tables(app)
    listed = cms(app, "plugins", "list")
    assert "broken" in listed.output
    assert "9999_nope" in listed.output
    for action in ("disable", "enable"):
        result = cms(app, "plugins", action, "okmig")
        assert result.exit_code == 0, result.output


# -- 2. a failing migration --------------------------------------------------------------


def test_a_failing_plugin_migration_is_rolled_back_and_holds_only_its_plugin(add_plugin, make_app):
    add_plugin("failmig", CREATE.format(table="failmig_t") + "\n" + FAIL)
    add_plugin("okmig")
    app = make_app()
    to_fresh_site(app)
    for _ in range(2):  # and again: nothing of the failed run was left behind
        result = cms(app, "init")
        assert result.exit_code == 1
        errors = result.stderr.strip().splitlines()
        assert len(errors) == 1, result.stderr
        assert errors[0].startswith("Error: plugin failmig stays held, its migrations failed:")
        assert "no_such_table_xyz" in errors[0]
        assert "already exists" not in result.output
        assert heads(app) <= versions(app)  # the core is complete
        assert "okmig_0001" in versions(app)
        assert "failmig_0001" not in versions(app)
        assert "okmig_t" in tables(app)
        assert "failmig_t" not in tables(app)  # rolled back, on SQLite too
        assert "views" not in columns(app, "article")

    other = make_app()  # another worker learns why from the database
    with other.app_context():
        state = registry().states()["failmig"]
        assert not state.active
        assert "no_such_table_xyz" in state.held
        assert registry().states()["okmig"].active
    listed = cms(other, "plugins", "list")
    assert "held" in listed.output
    assert "no_such_table_xyz" in listed.output
    result = cms(other, "plugins", "enable", "failmig")
    assert result.exit_code != 0
    assert "the migrations of plugin failmig failed" in result.output
    assert cms(other, "plugins", "enable", "okmig").exit_code == 0

    add_plugin("failmig")  # fixed: its migration now works
    fixed = make_app()
    result = cms(fixed, "init")
    assert result.exit_code == 0, result.output
    assert "Applied the migrations of plugin failmig: failmig_0001." in result.stdout
    with fixed.app_context():
        assert registry().states()["failmig"].active


def test_a_failing_migration_answers_json_and_a_flash_not_a_500(
    add_plugin, make_app, api_token, make_user
):
    add_plugin("failmig", FAIL, enabled=False)
    add_plugin("okmig", enabled=False)
    site = make_app()
    headers = {"Authorization": f"Bearer {api_token('admin')}"}
    api = site.test_client()
    answer = api.patch("/api/v1/plugins/failmig", json={"enabled": True}, headers=headers)
    assert answer.status_code == 409
    error = answer.get_json()["error"]
    assert error["code"] == "plugin_migration_failed"
    assert "no_such_table_xyz" in error["message"]
    answer = api.patch("/api/v1/plugins/okmig", json={"enabled": True}, headers=headers)
    assert answer.status_code == 200, answer.get_data(as_text=True)
    assert answer.get_json()["state"] == "enabled"
    with site.app_context():
        assert registry().states()["failmig"].enabled is False  # nothing was changed

    admin = AuthActions(site.test_client())
    assert admin.login(make_user(email="boss@example.org", role="admin").email).status_code == 302
    page = admin.post(
        "/admin/plugins/failmig/state",
        {"action": "enable"},
        form_url="/admin/plugins",
        follow_redirects=True,
    )
    assert page.status_code == 200
    assert "Plugin failmig cannot be enabled" in page.text
    assert "no_such_table_xyz" in page.text
    with site.app_context():
        assert registry().states()["failmig"].enabled is False


# -- 3. an uninstalled plugin ------------------------------------------------------------


def test_an_uninstalled_plugins_revisions_are_set_aside(
    add_plugin, make_app, plugins_dir, tmp_path, api_token
):
    add_plugin("gone")
    first = make_app()
    assert cms(first, "init").exit_code == 0
    assert "gone_0001" in versions(first)

    shutil.move(plugins_dir / "gone", tmp_path / "gone")  # pip uninstall
    sys.modules.pop("plugins.gone", None)
    add_plugin("late", enabled=False)
    app = make_app()
    assert "gone" not in app.extensions["cms_plugins"].plugins
    result = cms(app, "init")
    assert result.exit_code == 0, result.output
    notices = [line for line in result.stderr.splitlines() if line.startswith("Notice:")]
    assert len(notices) == 1
    assert "plugin gone is not installed; its tables gone_t are kept" in notices[0]
    assert "Applied the migrations of plugin late: late_0001." in result.stdout
    assert "gone_0001" in versions(app)
    assert "gone_t" in tables(app)

    token = api_token("admin")
    headers = {"Authorization": f"Bearer {token}"}
    answer = app.test_client().patch(
        "/api/v1/plugins/late", json={"enabled": False}, headers=headers
    )
    assert answer.status_code == 200, answer.get_data(as_text=True)
    result = cms(app, "plugins", "enable", "late")
    assert result.exit_code == 0, result.output
    assert "gone_0001" in versions(app)  # put back after every run

    shutil.move(tmp_path / "gone", plugins_dir / "gone")  # installed again
    back = make_app()
    with back.app_context():
        assert registry().states()["gone"].active
    result = cms(back, "init")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Nothing to do: the database is up to date."
    assert result.stderr == ""


# -- 4. tables outside the plugin's prefix -----------------------------------------------


@pytest.mark.parametrize(
    ("body", "said"),
    [
        (CREATE.format(table="evil_outside"), "created the table 'evil_outside'"),
        (
            '    op.add_column("article", sa.Column("evil", sa.Integer()))',
            "changed the columns of the table 'article'",
        ),
        ('    op.drop_table("audit_entry")', "dropped the table 'audit_entry'"),
    ],
)
def test_a_migration_touching_tables_outside_its_prefix_is_rolled_back(
    add_plugin, make_app, body, said
):
    add_plugin("evilmig", CREATE.format(table="evilmig_own") + "\n" + body)
    app = make_app()
    before = {t: columns(app, t) for t in ("article", "audit_entry")}
    result = cms(app, "init")
    assert result.exit_code == 1
    assert said in result.stderr
    assert "outside its prefix 'evilmig_'" in result.stderr
    found = tables(app)
    assert "evil_outside" not in found
    assert "evilmig_own" not in found
    assert {t: columns(app, t) for t in before} == before
    assert "evilmig_0001" not in versions(app)
    with app.app_context():
        assert said in registry().states()["evilmig"].held
        with pytest.raises(PluginError, match="outside its prefix"):
            registry().set_enabled("evilmig", True)


# -- 5. what cms init says ---------------------------------------------------------------


def test_cms_init_says_what_it_did(add_plugin, make_app):
    app = make_app()
    head = ", ".join(sorted(heads(app)))
    to_fresh_site(app)
    result = cms(app, "init")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == f"Created the database (core at {head})."
    result = cms(app, "init")
    assert result.stdout.strip() == "Nothing to do: the database is up to date."

    add_plugin("okmig")
    app = make_app()
    with app.app_context():
        downgrade(revision="0008_media_uploader_index")
        db.engine.dispose()
    result = cms(app, "init")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == f"Upgraded the core from 0008_media_uploader_index to {head}."
    assert "Applied the migrations of plugin okmig: okmig_0001." in lines
    # bundled plugins whose branch depends on a newer core revision came down with it
    assert all(line.startswith("Applied the migrations of plugin ") for line in lines[1:])
