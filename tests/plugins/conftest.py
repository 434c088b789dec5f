"""A plugins folder with well-behaved, failing and broken test plugins."""

import sys
import textwrap

import pytest

from cms.config import PROJECT_ROOT

TEST_PLUGINS = {
    "hello": """
        from flask import Blueprint
        from cms.plugins import Plugin, Widget, hookimpl

        bp = Blueprint("hello", __name__, url_prefix="/hello")
        SEEN = []
        META = ["first meta"]

        @bp.route("/ping")
        def ping():
            return "pong"

        class Box(Widget):
            type = "box"
            title = "Hello box"
            template = "hello/box.html"
            default_settings = {"greeting": "Xin chào"}

            def get_context(self, instance, page):
                SEEN.append(page.get("kind"))
                return {"kind": page.get("kind")}

        class PerPage(Widget):
            type = "perpage"
            title = "Per page"
            template = "hello/perpage.html"
            per_page = True

            def get_context(self, instance, page):
                article = page.get("article")
                return {"label": article.title if article else "-"}

        class Echo(Widget):
            # Live: echoes the visitor's cookie "x" and asks for a cookie of its own.
            type = "echo"
            title = "Echo"
            template = "hello/echo.html"
            cache = "live"
            default_settings = {"cookie": "hello_seen"}

            def live_context(self, instance, page, visitor):
                SEEN.append("live:" + page.kind)
                visitor.set_cookie(instance.settings.get("cookie", "hello_seen"), page.kind,
                                   max_age=3600)
                return {"x": visitor.cookies.get("x", "-"), "robot": visitor.is_crawler}

        class Hooks:
            @hookimpl
            def page_view(self, page, visitor):
                SEEN.append("view:" + page.kind)

            @hookimpl
            def article_footer(self, article):
                return "<p>hello footer</p>"

            @hookimpl
            def article_meta(self, article):
                return f'<span class="hello-meta">{META[0]}</span>'

            @hookimpl
            def admin_menu(self):
                from cms.admin.menu import MenuItem
                return [MenuItem("hello.ping", "Hello admin", order=99)]

        plugin = Plugin(name="hello", version="1.2.3", title="Hello",
                        widgets=[Box, PerPage, Echo], blueprint=bp, hooks=Hooks())
    """,
    "boom": """
        from cms.plugins import Plugin, Widget, hookimpl

        class Exploding(Widget):
            type = "exploding"
            title = "Exploding"
            template = "boom/exploding.html"
            cache = "live"

            def live_context(self, instance, page, visitor):
                raise RuntimeError("widget exploded")

        class Hooks:
            @hookimpl
            def page_view(self, page, visitor):
                raise RuntimeError("hook exploded")

        plugin = Plugin(name="boom", title="Boom", widgets=[Exploding], hooks=Hooks())
    """,
    "brokenimport": """
        raise ImportError("cannot import this plugin")
    """,
    "wrongname": """
        from cms.plugins import Plugin
        plugin = Plugin(name="othername")
    """,
    "noplugin": """
        VALUE = 1
    """,
    "optin": """
        from cms.plugins import Plugin
        plugin = Plugin(name="optin", title="Opt-in", enabled_by_default=False)
    """,
}

NOTES_MODELS = """
from sqlalchemy.orm import Mapped, mapped_column
import sqlalchemy as sa
from cms.extensions import Model


class NotesNote(Model):
    __tablename__ = "notes_note"
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str] = mapped_column(sa.String(200))
"""

NOTES_MIGRATION = '''
"""Notes: the notes table."""
import sqlalchemy as sa
from alembic import op

revision = "notes_0001"
down_revision = None
branch_labels = ("notes",)
depends_on = "0003_plugins"


def upgrade():
    op.create_table(
        "notes_note",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notes_note")),
    )


def downgrade():
    op.drop_table("notes_note")
'''

TEMPLATES = {
    "hello/templates/hello/box.html": (
        "{% if settings.greeting %}<p class='hello'>{{ settings.greeting }} ({{ kind }})</p>"
        "{% endif %}\n  "
    ),
    "hello/templates/hello/perpage.html": "<p class='perpage'>{{ label }}</p>",
    "hello/templates/hello/echo.html": (
        "<p class='echo'>x={{ x }} kind={{ page.kind }} path={{ page.path }}"
        " id={{ page.object_id }} from={{ visitor.address }} robot={{ robot }}"
        " greeting={{ settings.cookie }} {{ _('Search') }}</p>"
    ),
    "boom/templates/boom/exploding.html": "never",
}

#: A plugin with its own table and migration, placed in the folder only by ``notes_plugin``.
NOTES = {
    "notes/__init__.py": (
        "from cms.plugins import Plugin\n"
        "plugin = Plugin(name='notes', title='Notes', models=['plugins.notes.models'],"
        " enabled_by_default=False)\n"
    ),
    "notes/models.py": NOTES_MODELS,
    "notes/migrations/notes_0001.py": NOTES_MIGRATION,
}


@pytest.fixture
def plugins_dir(tmp_path):
    """A plugins folder: the test plugins, and links to the bundled ones.

    Links, not copies: a bundled plugin's module is then the checkout's, imported once
    per run (its models must not be defined twice), and every test database, migrated
    with every bundled plugin's branch, has no revision its app does not know.
    """
    folder = tmp_path / "plugins"
    folder.mkdir()
    for bundled in sorted((PROJECT_ROOT / "plugins").iterdir()):
        if (bundled / "__init__.py").is_file():
            (folder / bundled.name).symlink_to(bundled, target_is_directory=True)
    for name, source in TEST_PLUGINS.items():
        (folder / name).mkdir(parents=True)
        (folder / name / "__init__.py").write_text(textwrap.dedent(source))
    for path, text in TEMPLATES.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text)
    yield folder
    for name in TEST_PLUGINS:
        sys.modules.pop(f"plugins.{name}", None)


@pytest.fixture
def app_config(app_config, plugins_dir):
    return {**app_config, "PLUGINS_DIR": str(plugins_dir), "PLUGIN_PAUSE_ERRORS": 3}


@pytest.fixture
def notes_plugin(plugins_dir):
    """Add the ``notes`` plugin (with a model and a migration) to the plugins folder."""
    for path, text in NOTES.items():
        target = plugins_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    yield plugins_dir
    from cms.extensions import db

    table = db.metadata.tables.get("notes_note")
    if table is not None:
        db.metadata.remove(table)
    for name in [m for m in sys.modules if m == "plugins.notes" or m.startswith("plugins.notes.")]:
        sys.modules.pop(name)
