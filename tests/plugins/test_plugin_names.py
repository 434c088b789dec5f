"""A plugin's one name is checked at load; its migrations must be applied before it runs."""

import sys
import textwrap

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.plugins import registry
from cms.testing import AuthActions

MIGRATION = '''
"""{name}: its first table."""
import sqlalchemy as sa
from alembic import op

revision = "{name}_0001"
down_revision = None
branch_labels = {labels}
depends_on = "0003_plugins"


def upgrade():
    op.create_table(
        "{name}_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_{name}_entry")),
    )


def downgrade():
    op.drop_table("{name}_entry")
'''

PROBES = {
    "badtpl/__init__.py": "from cms.plugins import Plugin\nplugin = Plugin(name='badtpl')\n",
    "badtpl/templates/other/box.html": "<p>misplaced</p>",
    "badbp/__init__.py": (
        "from flask import Blueprint\n"
        "from cms.plugins import Plugin\n"
        "plugin = Plugin(name='badbp', blueprint=Blueprint('other', __name__))\n"
    ),
    "badbranch/__init__.py": "from cms.plugins import Plugin\nplugin = Plugin(name='badbranch')\n",
    "badbranch/migrations/badbranch_0001.py": MIGRATION.format(
        name="badbranch", labels="('other',)"
    ),
    "nolabel/__init__.py": "from cms.plugins import Plugin\nplugin = Plugin(name='nolabel')\n",
    "nolabel/migrations/nolabel_0001.py": MIGRATION.format(name="nolabel", labels="None"),
    "nolive/__init__.py": """
        from cms.plugins import Plugin, Widget

        class Ticker(Widget):
            type = "ticker"
            template = "nolive/ticker.html"
            cache = "live"

            def get_context(self, instance, page):
                return {"article": page.get("article")}

        plugin = Plugin(name="nolive", widgets=[Ticker])
    """,
    "badcache/__init__.py": """
        from cms.plugins import Plugin, Widget

        class Box(Widget):
            type = "box"
            template = "badcache/box.html"
            cache = 0

        plugin = Plugin(name="badcache", widgets=[Box])
    """,
    "twice/__init__.py": """
        from cms.plugins import Plugin, Widget

        class One(Widget):
            type = "box"
            template = "twice/one.html"

        class Two(Widget):
            type = "box"
            template = "twice/two.html"

        plugin = Plugin(name="twice", widgets=[One, Two])
    """,
}
#: Test plugins of PROBES, refused at load.
PROBE_NAMES = ("badtpl", "badbp", "badbranch", "nolabel", "nolive", "badcache", "twice")


def add_files(folder, files):
    for path, text in files.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))


@pytest.fixture
def plugins_dir(plugins_dir):
    add_files(plugins_dir, PROBES)
    yield plugins_dir
    for name in PROBE_NAMES:
        sys.modules.pop(f"plugins.{name}", None)


def forget(package):
    for name in [m for m in sys.modules if m == package or m.startswith(f"{package}.")]:
        sys.modules.pop(name)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("badtpl", "its templates must sit in templates/badtpl/, found templates/other"),
        ("badbp", "its blueprint is named 'other', expected 'badbp'"),
        ("badbranch", "has the branch label 'other', expected 'badbranch'"),
        ("nolabel", "its first migration nolabel_0001.py needs branch_labels = ('nolabel',)"),
        (
            "nolive",
            'widget nolive.ticker (Ticker) is live (cache = "live") but does not define'
            " live_context(instance, page, visitor)",
        ),
        ("badcache", 'cache must be "static", "live" or a positive number of seconds, not 0'),
        ("twice", "widget type twice.box is declared twice"),
    ],
)
def test_a_name_out_of_line_is_refused_with_a_clear_message(app, client, runner, name, message):
    found = app.extensions["cms_plugins"]
    assert name not in found.plugins
    assert message in found.broken[name]
    assert client.get("/").status_code == 200  # the site keeps running
    assert "clock" in found.plugins
    listed = runner.invoke(args=["cms", "plugins", "list"]).output
    assert f"{name:12} {'':8} broken" in listed
    assert message in listed


def test_a_table_outside_the_prefix_is_refused(plugins_dir, make_app):
    add_files(
        plugins_dir,
        {
            "badtable/__init__.py": (
                "from cms.plugins import Plugin\n"
                "plugin = Plugin(name='badtable', models=['plugins.badtable.models'])\n"
            ),
            "badtable/models.py": """
                import sqlalchemy as sa
                from sqlalchemy.orm import Mapped, mapped_column
                from cms.extensions import Model


                class BadTableThing(Model):
                    __tablename__ = "things"
                    id: Mapped[int] = mapped_column(primary_key=True)
                    label: Mapped[str] = mapped_column(sa.String(20))
            """,
        },
    )
    try:
        app = make_app()
        found = app.extensions["cms_plugins"]
        assert "badtable" not in found.plugins
        assert (
            "its table 'things' does not start with the plugin's prefix 'badtable_'"
            in (found.broken["badtable"])
        )
        assert "things" not in db.metadata.tables  # never reaches a migration
        assert app.test_client().get("/").status_code == 200
    finally:
        table = db.metadata.tables.get("things")
        if table is not None:
            db.metadata.remove(table)
        forget("plugins.badtable")


def test_a_plugin_is_held_until_cms_init_applies_its_migrations(plugins_dir, make_app, make_user):
    add_files(
        plugins_dir,
        {
            "ledger/__init__.py": """
                from flask import Blueprint
                from cms.plugins import Plugin

                bp = Blueprint("ledger", __name__, url_prefix="/ledger")


                @bp.route("/")
                def home():
                    return "ledger open"


                plugin = Plugin(name="ledger", blueprint=bp, models=["plugins.ledger.models"])
            """,
            "ledger/models.py": """
                from sqlalchemy.orm import Mapped, mapped_column
                from cms.extensions import Model


                class LedgerEntry(Model):
                    __tablename__ = "ledger_entry"
                    id: Mapped[int] = mapped_column(primary_key=True)
            """,
            "ledger/migrations/ledger_0001.py": MIGRATION.format(
                name="ledger", labels="('ledger',)"
            ),
        },
    )
    try:
        app = make_app(PLUGIN_PENDING_RECHECK=0)
        client = app.test_client()
        with app.app_context():
            state = registry().states()["ledger"]
            assert state.enabled
            assert not state.active
            assert "run `cms init`" in state.held
        assert client.get("/ledger/").status_code == 404
        runner = app.test_cli_runner()
        assert (
            "held (its database migrations are not applied"
            in runner.invoke(args=["cms", "plugins", "list"]).output
        )
        with app.app_context():
            set_setting("locale", "vi")
            db.session.commit()
        make_user(email="boss@example.org", role="admin")
        assert AuthActions(client).login("boss@example.org").status_code == 302
        assert "Tạm giữ, chưa hoạt động" in client.get("/admin/plugins").text
        result = runner.invoke(args=["cms", "init"])
        assert result.exit_code == 0, result.output
        assert client.get("/ledger/").text == "ledger open"
        with app.app_context():
            assert registry().states()["ledger"].held == ""
    finally:
        table = db.metadata.tables.get("ledger_entry")
        if table is not None:
            db.metadata.remove(table)
        forget("plugins.ledger")
