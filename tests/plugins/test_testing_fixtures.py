"""The fixtures ``cms.testing`` gives plugin authors do what docs/plugins.md says."""

import sys
import textwrap

import pytest

from cms.content import ContentError
from cms.plugins import PluginError, registry

#: A plugin that writes down the lifecycle events it hears, in order.
ECHO = """
    from cms.plugins import Plugin, hookimpl

    HEARD = []


    class Hooks:
        @hookimpl
        def article_created(self, article):
            HEARD.append(("created", article.title))

        @hookimpl
        def article_published(self, article):
            HEARD.append(("published", article.title))


    plugin = Plugin(name="echo", title="Echo", hooks=Hooks())
"""


@pytest.fixture
def plugins_dir(plugins_dir):
    (plugins_dir / "echo").mkdir()
    (plugins_dir / "echo" / "__init__.py").write_text(textwrap.dedent(ECHO))
    yield plugins_dir
    sys.modules.pop("plugins.echo", None)


def test_make_article_fires_the_events_once_after_the_commit(app, make_article):
    heard = sys.modules["plugins.echo"].HEARD
    heard.clear()
    make_article("Tin nóng")
    make_article("Bản nháp", status="draft")
    assert heard == [("created", "Tin nóng"), ("published", "Tin nóng"), ("created", "Bản nháp")]


def test_enable_plugin_enables_and_returns_the_plugin(app, enable_plugin):
    with app.app_context():
        assert not registry().is_enabled("optin")  # disabled by default
    plugin = enable_plugin("optin")
    assert plugin.name == "optin"
    with app.app_context():
        assert registry().is_enabled("optin")


def test_enable_plugin_says_why_a_plugin_cannot_be_enabled(enable_plugin):
    with pytest.raises(PluginError, match="is broken: .*declares the name 'othername'"):
        enable_plugin("wrongname")
    with pytest.raises(PluginError, match="no plugin named 'nowhere'"):
        enable_plugin("nowhere")


def test_place_widget_places_an_instance_that_the_page_shows(app, client, place_widget):
    first = place_widget("hello.box", greeting="Chào bạn")
    second = place_widget("hello.box", title="", visibility="articles")
    assert (first.type, first.theme, first.region) == ("hello.box", "default", "sidebar")
    assert first.settings == {"greeting": "Chào bạn"}
    assert second.settings == {"greeting": "Xin chào"}  # the widget's defaults
    html = client.get("/").text
    assert f'data-widget="hello.box" data-widget-id="{first.id}"' in html
    assert "Chào bạn (home)" in html
    assert f'data-widget-id="{second.id}"' not in html  # articles only


def test_place_widget_refuses_what_the_back_office_refuses(place_widget):
    with pytest.raises(ContentError) as refused:
        place_widget("hello.box", region="nowhere")
    assert "region" in refused.value.errors
    with pytest.raises(ContentError) as refused:
        place_widget("hello.nothing")
    assert "widget_type" in refused.value.errors


def test_api_client_sends_a_token_of_the_role(api_client):
    editor = api_client("editor")
    assert editor.token
    response = editor.post("/api/v1/categories", json={"name": "Thể thao"})
    assert response.status_code == 201, response.text
    assert response.get_json()["name"] == "Thể thao"
    assert api_client("author").post("/api/v1/categories", json={"name": "X"}).status_code == 403
    anonymous = api_client(None)
    assert anonymous.token is None
    assert anonymous.post("/api/v1/categories", json={"name": "Y"}).status_code == 401
    assert anonymous.get("/api/v1/categories").get_json()["total"] == 1
    assert api_client("editor").token != editor.token  # a user and a token per call
