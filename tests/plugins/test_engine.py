"""The plugin engine: discovery, state across workers, hooks, isolation, pausing."""

import time

import pytest

from cms import generations, page_cache
from cms.extensions import db
from cms.plugins import PluginError, registry
from tests.plugins.helpers import module, place

BROWSER = {"User-Agent": "Mozilla/5.0 Chrome/120"}


def test_discovery_loads_good_plugins_and_records_broken_ones(app):
    plugins = app.extensions["cms_plugins"]
    assert {"clock", "hello", "boom", "optin"} <= set(plugins.plugins)
    assert "cannot import this plugin" in plugins.broken["brokenimport"]
    assert "othername" in plugins.broken["wrongname"]
    assert "exports no" in plugins.broken["noplugin"]


def test_safe_mode_loads_no_plugin(make_app):
    app = make_app(SAFE_MODE=True)
    assert app.extensions["cms_plugins"].plugins == {}


def test_plugins_are_enabled_by_default_unless_they_opt_out(app):
    with app.test_request_context("/"):
        assert registry().is_enabled("hello")
        assert not registry().is_enabled("optin")
        assert not registry().is_enabled("brokenimport")


def test_a_disabled_plugin_routes_answer_404(app, client):
    assert client.get("/hello/ping").text == "pong"
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert client.get("/hello/ping").status_code == 404
    with app.app_context():
        registry().set_enabled("hello", True)
        db.session.commit()
    assert client.get("/hello/ping").status_code == 200


def test_enable_and_disable_reach_every_worker_at_once(app, make_app):
    """Two app instances on one database stand for two gunicorn workers."""
    other = make_app()
    first, second = app.test_client(), other.test_client()
    place(app, "hello", "box", title="Hộp")
    assert 'data-widget="hello.box"' in first.get("/").text
    assert 'data-widget="hello.box"' in second.get("/").text
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert 'data-widget="hello.box"' not in second.get("/").text
    assert second.get("/hello/ping").status_code == 404
    with other.app_context():
        registry().set_enabled("hello", True)
        db.session.commit()
    assert first.get("/hello/ping").status_code == 200


def test_unknown_and_bad_names_are_refused(app):
    with app.app_context():
        for name in ["nope", "../clock", "Clock", "", "brokenimport"]:
            with pytest.raises(PluginError):
                registry().set_enabled(name, True)
        with pytest.raises(PluginError):
            registry().set_enabled("hello", "yes")


def test_hooks_reach_active_plugins_only_and_errors_are_isolated(app, client):
    seen = module("hello").SEEN
    seen.clear()
    client.get("/", headers=BROWSER)
    assert "view:home" in seen  # boom's hook raised, hello's still ran
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    seen.clear()
    client.get("/", headers=BROWSER)
    assert "view:home" not in seen


def test_call_hook_collects_results(app):
    with app.test_request_context("/"):
        assert registry().call("article_footer", article=None) == ["<p>hello footer</p>"]


def test_a_failing_widget_is_left_out_and_the_page_still_renders(app, client, caplog):
    good = place(app, "hello", "box", position=1)
    bad = place(app, "boom", "exploding", position=0)
    response = client.get("/")
    assert response.status_code == 200
    assert f'data-widget-id="{good}"' in response.text
    assert f'data-widget-id="{bad}"' not in response.text
    assert f"widget {bad} (boom.exploding) failed" in caplog.text


def test_a_plugin_that_keeps_failing_is_paused_and_can_be_resumed(app, client):
    place(app, "boom", "exploding")
    for _ in range(2):
        client.get("/")
    with app.test_request_context("/"):
        state = registry().states()["boom"]
        assert state.paused_at is not None
        assert "errors within" in state.paused_reason
        assert not registry().is_enabled("boom")
    with app.app_context():
        registry().set_enabled("boom", True)
        db.session.commit()
    with app.test_request_context("/"):
        assert registry().is_enabled("boom")
        assert registry().states()["boom"].paused_at is None


def test_plugin_static_files_follow_the_plugin_state(app, client):
    response = client.get("/plugins/clock/static/clock.js")
    assert response.status_code == 200
    response.close()
    assert client.get("/plugins/clock/static/../__init__.py").status_code == 404
    assert client.get("/plugins/nope/static/x.js").status_code == 404
    with app.app_context():
        registry().set_enabled("clock", False)
        db.session.commit()
    assert client.get("/plugins/clock/static/clock.js").status_code == 404


def test_entry_point_plugins_are_discovered(monkeypatch, tmp_path, make_app):
    import importlib.metadata
    import sys
    import types

    package = types.ModuleType("thirdparty_demo")
    package.__file__ = str(tmp_path / "thirdparty_demo" / "__init__.py")
    from cms.plugins import Plugin

    package.plugin = Plugin(name="thirdparty", version="2.0.0", title="Third party")
    monkeypatch.setitem(sys.modules, "thirdparty_demo", package)
    ep = importlib.metadata.EntryPoint(
        name="thirdparty", value="thirdparty_demo", group="cms.plugins"
    )
    monkeypatch.setattr(
        "cms.plugins.discovery.entry_points", lambda group: [ep] if group == "cms.plugins" else []
    )
    app = make_app()
    assert app.extensions["cms_plugins"].plugins["thirdparty"].version == "2.0.0"


def test_cli_lists_enables_and_disables(runner, app):
    listed = runner.invoke(args=["cms", "plugins", "list"])
    assert listed.exit_code == 0
    assert "hello" in listed.output
    assert "brokenimport" in listed.output
    assert "broken" in listed.output
    assert runner.invoke(args=["cms", "plugins", "disable", "hello"]).exit_code == 0
    with app.test_request_context("/"):
        assert not registry().is_enabled("hello")
    assert runner.invoke(args=["cms", "plugins", "enable", "hello"]).exit_code == 0
    with app.test_request_context("/"):
        assert registry().is_enabled("hello")


@pytest.mark.parametrize("name", ["nope", "../x", "brokenimport"])
def test_cli_refuses_bad_names_with_status_2(runner, name):
    result = runner.invoke(args=["cms", "plugins", "enable", name])
    assert result.exit_code == 2
    assert "plugin" in result.output


def test_active_plugins_add_back_office_menu_entries(app, signed_in, client):
    signed_in("admin")
    assert "Hello admin" in client.get("/admin/").text
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert "Hello admin" not in client.get("/admin/").text


def test_article_footer_html_of_active_plugins_is_shown(app, client, make_article):
    article = make_article("Có chân bài")
    assert "<p>hello footer</p>" in client.get(f"/news/{article.slug}").text
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert "hello footer" not in client.get(f"/news/{article.slug}").text


def test_article_meta_html_is_kept_with_the_article_until_the_plugin_bumps_its_counter(
    app, client, make_article
):
    meta = module("hello").META
    article = make_article("Có dòng thông tin")
    url = f"/news/{article.slug}"
    assert '· <span class="hello-meta">first meta</span>' in client.get(url).text
    meta[0] = "second meta"
    with app.app_context():
        page_cache.invalidate(f"article:{article.id}")
    assert "first meta" in client.get(url).text  # the article's parts are kept
    with app.app_context():
        generations.bump(generations.ARTICLE_META)
        db.session.commit()
        page_cache.invalidate(f"article:{article.id}")
    assert '<span class="hello-meta">second meta</span>' in client.get(url).text
    with app.app_context():
        registry().set_enabled("hello", False)
        db.session.commit()
    assert "hello-meta" not in client.get(url).text
    meta[0] = "first meta"


def test_failures_of_every_worker_add_up_to_pause_a_plugin(app, make_app):
    """Two apps on one database stand for two workers: the errors count in the shared store.

    With a count per process, two failures in each of two workers would never reach
    the limit of three (PLUGIN_PAUSE_ERRORS in these tests).
    """
    other = make_app()
    place(app, "boom", "exploding")
    first, second = app.test_client(), other.test_client()
    with app.app_context():
        registry().record_failure("boom", "hook test")
        registry().record_failure("boom", "hook test")
    with other.app_context():
        assert registry().failures("boom") == 2  # what the first worker counted
    with other.test_request_context("/"):
        assert registry().is_enabled("boom")
    response = second.get("/")  # boom's widget and its page_view hook fail in the other worker
    assert response.status_code == 200
    assert 'data-widget="boom.exploding"' not in response.text
    with app.test_request_context("/"):
        state = registry().states()["boom"]
        assert state.paused_at is not None
        assert "errors within 5 minutes" in state.paused_reason
        assert registry().failures("boom") == 0  # a pause starts the count afresh
    assert first.get("/").status_code == 200
    with app.app_context():
        registry().set_enabled("boom", True)
        db.session.commit()
        registry().record_failure("boom", "hook test")
        registry().record_failure("boom", "hook test")
    with other.test_request_context("/"):
        assert registry().is_enabled("boom")  # resumed, and two new errors are below three
        assert registry().failures("boom") == 2
        registry().set_enabled("boom", False)
        db.session.commit()
        assert registry().failures("boom") == 0  # enabling or disabling resets it too


def test_failures_are_forgotten_after_the_window(app, make_app):
    other = make_app(PLUGIN_PAUSE_WINDOW=0.2)
    with other.app_context():
        registry().record_failure("boom", "hook test")
        registry().record_failure("boom", "hook test")
        assert registry().failures("boom") == 2
    time.sleep(0.3)
    with other.test_request_context("/"):
        registry().record_failure("boom", "hook test")  # the first of a new window
        assert registry().failures("boom") == 1
        assert registry().is_enabled("boom")


def test_a_store_failure_never_breaks_a_page(app, client, monkeypatch, caplog):
    from sqlalchemy.exc import OperationalError

    from cms.store import Store

    def broken(self, *args, **kwargs):
        raise OperationalError("INSERT", {}, Exception("disk I/O error"))

    place(app, "boom", "exploding")
    monkeypatch.setattr(Store, "incr", broken)
    response = client.get("/")
    assert response.status_code == 200
    assert "could not count an error of plugin boom" in caplog.text
