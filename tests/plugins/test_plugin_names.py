"""A plugin's one name is checked at load; its migrations must be applied before it runs."""

import sys
import textwrap

import pytest

from cms.content import set_setting
from cms.extensions import db
from cms.plugins import registry
from cms.plugins.discovery import discover
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
    "badrole/__init__.py": """
        from cms.plugins import AdminView, Plugin

        def board():
            return "board"

        plugin = Plugin(name="badrole", admin_views=[AdminView("/", board, role="reader")])
    """,
}
#: Test plugins of PROBES, refused at load.
PROBE_NAMES = ("badtpl", "badbp", "badbranch", "nolabel", "nolive", "badcache", "twice", "badrole")


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
        (
            "badrole",
            "its admin view '/' has an unknown role 'reader' ('admin', 'editor' or 'author')",
        ),
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


def install(site, project, version, entry_points, package, source):
    """A distribution ``project`` in ``site``: its package and ``[cms.plugins]`` entry points."""
    (site / package).mkdir(parents=True)
    (site / package / "__init__.py").write_text(textwrap.dedent(source))
    info = site / f"{project.replace('-', '_')}-{version}.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {project}\nVersion: {version}\n")
    lines = "".join(f"{name} = {package}\n" for name in entry_points)
    (info / "entry_points.txt").write_text(f"[cms.plugins]\n{lines}")


#: A package that records being imported: a refused name must import nothing.
IMPOSTOR = """
    import os
    from pathlib import Path
    from cms.plugins import Plugin

    Path(os.environ["CMS_TEST_IMPORTED"], __name__).touch()
    plugin = Plugin(name="{name}", version="{version}", title="{title}")
"""


@pytest.fixture
def site(tmp_path, monkeypatch):
    """An empty site-packages folder on ``sys.path``; what it imported is in ``imported``."""
    folder = tmp_path / "site-packages"
    folder.mkdir()
    imported = tmp_path / "imported"
    imported.mkdir()
    monkeypatch.setenv("CMS_TEST_IMPORTED", str(imported))
    monkeypatch.syspath_prepend(str(folder))
    packages = set(sys.modules)
    yield folder
    for name in set(sys.modules) - packages:
        if name.startswith("cms_"):
            sys.modules.pop(name)


def test_two_packages_with_one_plugin_name_are_both_refused(site, make_app, runner):
    install(site, "cms-dupea", "1.0", ["helpful"], "cms_dupea",
            IMPOSTOR.format(name="helpful", version="1.0", title="Helpful"))  # fmt: skip
    install(site, "cms-dupeb", "2.5", ["helpful"], "cms_dupeb",
            IMPOSTOR.format(name="helpful", version="9.9", title="Impostor"))  # fmt: skip
    app = make_app()
    found = app.extensions["cms_plugins"]
    assert "helpful" not in found.plugins
    message = found.broken["helpful"]
    assert "the name 'helpful' is provided twice" in message
    assert "pip package cms-dupea 1.0 (helpful = cms_dupea)" in message
    assert "pip package cms-dupeb 2.5 (helpful = cms_dupeb)" in message
    assert "neither is loaded" in message
    assert not list((site.parent / "imported").iterdir())  # neither package was imported
    assert "cms_dupea" not in sys.modules
    assert "cms_dupeb" not in sys.modules
    client = app.test_client()
    assert client.get("/").status_code == 200  # the site keeps running
    assert "clock" in found.plugins
    listed = app.test_cli_runner().invoke(args=["cms", "plugins", "list"]).output
    assert f"{'helpful':12} {'':8} broken" in listed
    assert "pip package cms-dupeb 2.5" in listed
    result = app.test_cli_runner().invoke(args=["cms", "plugins", "enable", "helpful"])
    assert result.exit_code == 2
    assert "broken" in result.output


def test_a_package_taking_a_bundled_plugins_name_refuses_both(site, make_app):
    install(site, "cms-fakeclock", "6.6", ["clock"], "cms_fakeclock",
            IMPOSTOR.format(name="clock", version="6.6", title="Fake clock"))  # fmt: skip
    app = make_app()
    found = app.extensions["cms_plugins"]
    assert "clock" not in found.plugins
    assert "bundled plugins/clock" in found.broken["clock"]
    assert "pip package cms-fakeclock 6.6 (clock = cms_fakeclock)" in found.broken["clock"]
    assert not list((site.parent / "imported").iterdir())
    client = app.test_client()
    assert client.get("/").status_code == 200
    assert client.get("/plugins/clock/static/clock.js").status_code == 404
    assert "hello" in found.plugins


def test_one_distribution_on_two_path_entries_is_no_clash(site, make_app, tmp_path, monkeypatch):
    """The same distribution seen twice on ``sys.path`` (a user site and a venv) loads once."""
    install(site, "cms-solo", "1.0", ["solo"], "cms_solo",
            IMPOSTOR.format(name="solo", version="1.0", title="Solo"))  # fmt: skip
    other = tmp_path / "user-site"
    install(other, "cms-solo", "0.9", ["solo"], "cms_solo",
            IMPOSTOR.format(name="solo", version="0.9", title="Solo"))  # fmt: skip
    monkeypatch.syspath_prepend(str(other))
    found = make_app().extensions["cms_plugins"]
    assert "solo" not in found.broken
    assert found.plugins["solo"].version == "0.9"  # the first on the path, as Python imports it


def test_plugins_load_in_the_order_of_their_names(site, plugins_dir):
    install(site, "cms-aardvark", "1.0", ["aardvark"], "cms_aardvark",
            IMPOSTOR.format(name="aardvark", version="1.0", title="A"))  # fmt: skip
    names = [name for name, _load in discover(plugins_dir)]
    assert names == sorted(names)
    assert names[0] == "aardvark"  # an installed package among the bundled ones
    assert {"clock", "hello", "boom"} <= set(names)


#: Two plugins declaring the same API field and the same path: "alpha" wins either way.
CLASHING = """
    from cms.plugins import ApiField, ApiRoute, Plugin

    def score(article_id):
        return {{"by": "{name}"}}

    plugin = Plugin(
        name="{name}",
        api=[ApiRoute("/api/v1/articles/<int:article_id>/score", score)],
        api_fields=[ApiField("score", {{"type": "string"}}, lambda article: "{name}")],
    )
"""


@pytest.mark.parametrize(("bundled", "installed"), [("zeta", "alpha"), ("alpha", "zeta")])
def test_clashes_go_the_same_way_whatever_the_install_order(
    site, make_app, plugins_dir, make_article, bundled, installed
):
    add_files(plugins_dir, {f"{bundled}/__init__.py": CLASHING.format(name=bundled)})
    install(site, f"cms-{installed}", "1.0", [installed], f"cms_{installed}",
            CLASHING.format(name=installed))  # fmt: skip
    try:
        app = make_app()
        found = app.extensions["cms_plugins"]
        assert "alpha" in found.plugins
        assert "zeta" not in found.plugins
        assert "clashes with /api/v1/articles/<int:article_id>/score" in found.broken["zeta"]
        assert "alpha_api" in found.broken["zeta"]
        article = make_article("Bão số 3")
        client = app.test_client()
        assert client.get(f"/api/v1/articles/{article.id}/score").get_json() == {"by": "alpha"}
        assert client.get(f"/api/v1/articles/{article.id}").get_json()["score"] == "alpha"
    finally:
        sys.modules.pop(f"plugins.{bundled}", None)


def test_a_field_clash_names_the_plugin_that_holds_the_field(site, make_app, plugins_dir):
    add_files(
        plugins_dir,
        {
            "tally/__init__.py": """
                from cms.plugins import ApiField, Plugin
                plugin = Plugin(name="tally", api_fields=[
                    ApiField("tally_views", {"type": "integer"}, lambda article: 1)])
            """,
            "zcount/__init__.py": """
                from cms.plugins import ApiField, Plugin
                plugin = Plugin(name="zcount", api_fields=[
                    ApiField("tally_views", {"type": "integer"}, lambda article: 2)])
            """,
        },
    )
    try:
        found = make_app().extensions["cms_plugins"]
        assert "tally" in found.plugins
        assert (
            "API field Article.tally_views is already taken by plugin 'tally'"
            in found.broken["zcount"]
        )
    finally:
        for name in ("tally", "zcount"):
            sys.modules.pop(f"plugins.{name}", None)
