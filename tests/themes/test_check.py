"""``cms themes check`` on the bundled themes and on broken ones."""

import json
import shutil

import pytest

from cms.config import PROJECT_ROOT
from cms.themes.check import check_theme


@pytest.mark.parametrize("name", ["default", "portal"])
def test_bundled_themes_pass_the_check(runner, name):
    result = runner.invoke(args=["cms", "themes", "check", name])
    assert result.exit_code == 0, result.output
    assert f"Theme {name} is fine." in result.output


def test_every_bundled_widget_was_checked(app):
    plugins = app.extensions["cms_plugins"].plugins
    assert "clock" in plugins
    assert check_theme(app, "portal") == []


@pytest.fixture
def broken_themes(tmp_path):
    folder = tmp_path / "themes"
    shutil.copytree(PROJECT_ROOT / "themes", folder)
    lazy = folder / "lazy"
    (lazy / "templates" / "public").mkdir(parents=True)
    (lazy / "theme.json").write_text(
        json.dumps({"parent": "default", "regions": ["sidebar", "banner"]})
    )
    bad = folder / "bad"
    (bad / "templates" / "public").mkdir(parents=True)
    (bad / "theme.json").write_text(json.dumps({"regions": ["sidebar"]}))
    (bad / "templates" / "public" / "home.html").write_text("{% if %}")
    orphan = folder / "orphan"
    orphan.mkdir()
    (orphan / "theme.json").write_text(json.dumps({"parent": "missing", "regions": ["sidebar"]}))
    return folder


@pytest.fixture
def app_config(app_config, request):
    if "broken_themes" in request.fixturenames:
        return {**app_config, "THEMES_DIR": str(request.getfixturevalue("broken_themes"))}
    return app_config


def test_a_region_the_layout_never_renders_is_reported(app, broken_themes):
    problems = check_theme(app, "lazy")
    assert problems == ["region 'banner' is declared but the layout never renders it"]


def test_a_template_that_does_not_compile_is_reported(app, broken_themes):
    problems = check_theme(app, "bad")
    assert any(p.startswith("template public/home.html") for p in problems)


def test_a_missing_parent_is_reported(app, broken_themes):
    assert "parent theme 'missing' is not installed" in check_theme(app, "orphan")


def test_the_command_fails_with_the_problems(runner, broken_themes):
    result = runner.invoke(args=["cms", "themes", "check", "lazy"])
    assert result.exit_code == 1
    assert "never renders it" in result.output


@pytest.mark.parametrize("name", ["nope", "../default"])
def test_unknown_names_exit_2(runner, name):
    assert runner.invoke(args=["cms", "themes", "check", name]).exit_code == 2
