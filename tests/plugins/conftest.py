"""A plugins folder with well-behaved, failing and broken test plugins."""

import shutil
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

        class Hooks:
            @hookimpl
            def page_view(self, kind, obj, request):
                SEEN.append("view:" + kind)

            @hookimpl
            def article_footer(self, article):
                return "<p>hello footer</p>"

        plugin = Plugin(name="hello", version="1.2.3", title="Hello", widgets=[Box, PerPage],
                        blueprint=bp, hooks=Hooks())
    """,
    "boom": """
        from cms.plugins import Plugin, Widget, hookimpl

        class Exploding(Widget):
            type = "exploding"
            title = "Exploding"
            template = "boom/exploding.html"
            cache = "live"

            def get_context(self, instance, page):
                raise RuntimeError("widget exploded")

        class Hooks:
            @hookimpl
            def page_view(self, kind, obj, request):
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

TEMPLATES = {
    "hello/templates/hello/box.html": "<p class='hello'>{{ settings.greeting }} ({{ kind }})</p>",
    "hello/templates/hello/perpage.html": "<p class='perpage'>{{ label }}</p>",
    "boom/templates/boom/exploding.html": "never",
}


@pytest.fixture
def plugins_dir(tmp_path):
    folder = tmp_path / "plugins"
    shutil.copytree(
        PROJECT_ROOT / "plugins" / "clock",
        folder / "clock",
        ignore=shutil.ignore_patterns("tests", "__pycache__"),
    )
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
