"""The theme engine: lookup order, escapes, switching, assets, manifests."""

import json
import shutil
from pathlib import Path

import pytest

from cms.config import PROJECT_ROOT
from cms.content import set_setting
from cms.extensions import db
from cms.themes.manifest import ThemeError, discover, load_manifest


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def themes_dir(tmp_path):
    """The bundled themes plus ``child`` (extends default) and ``other``."""
    folder = tmp_path / "themes"
    shutil.copytree(PROJECT_ROOT / "themes", folder)
    write(
        folder / "child" / "theme.json",
        json.dumps({"name": "child", "parent": "default", "regions": ["sidebar"]}),
    )
    write(
        folder / "child" / "templates" / "public" / "error.html",
        '{% extends "!core/public/error.html" %}{% block content %}'
        '<p id="child-error">CHILD</p>{{ super() }}{% endblock %}',
    )
    write(folder / "child" / "templates" / "admin" / "base.html", "HIJACKED")
    write(folder / "child" / "static" / "css" / "extra.css", "body{}")
    write(folder / "other" / "theme.json", json.dumps({"name": "other"}))
    write(
        folder / "other" / "templates" / "public" / "error.html",
        '<p id="other-error">OTHER {{ status }}</p>',
    )
    write(folder / "broken" / "theme.json", "{not json")
    return folder


@pytest.fixture
def app_config(app_config, themes_dir):
    return {**app_config, "THEMES_DIR": str(themes_dir)}


def use_theme(app, name):
    with app.app_context():
        set_setting("theme", name)
        db.session.commit()


def test_broken_manifests_are_skipped(app):
    themes = app.extensions["cms_themes"].themes
    assert {"default", "child", "other"} <= set(themes)
    assert "broken" not in themes


def test_theme_template_overrides_core_and_can_extend_it(app, client):
    use_theme(app, "child")
    html = client.get("/missing").text
    assert 'id="child-error"' in html
    assert "Page not found" in html  # the core template's own block, through super()


def test_switching_theme_takes_effect_at_once(app, client):
    use_theme(app, "child")
    assert 'id="child-error"' in client.get("/missing").text
    use_theme(app, "other")
    html = client.get("/missing").text
    assert 'id="other-error"' in html
    assert "child-error" not in html
    use_theme(app, "default")
    html = client.get("/missing").text
    assert "child-error" not in html
    assert "other-error" not in html


def test_themes_never_provide_admin_templates(app, client):
    with app.test_request_context("/"):
        env = app.extensions["cms_themes"].environment("child")
        source = env.loader.get_source(env, "admin/base.html")[0]
    assert "HIJACKED" not in source
    use_theme(app, "child")
    assert "HIJACKED" not in client.get("/admin/login").text


def test_unknown_active_theme_falls_back_to_default(app, client):
    use_theme(app, "gone")
    assert client.get("/").status_code == 200


def test_asset_urls_carry_a_content_hash_and_are_immutable(app, client):
    use_theme(app, "child")
    html = client.get("/").text
    href = next(part for part in html.split('"') if "/themes/child/static/css/site.css?v=" in part)
    response = client.get(href)
    assert response.status_code == 200  # found in the parent theme
    assert "immutable" in response.headers["Cache-Control"]
    response.close()
    extra = client.get("/themes/child/static/css/extra.css")
    assert extra.status_code == 200
    extra.close()


@pytest.mark.parametrize(
    "url",
    [
        "/themes/child/static/../theme.json",
        "/themes/child/static/%2e%2e/theme.json",
        "/themes/../static/x",
        "/themes/nope/static/css/site.css",
        "/themes/child/static/css/none.css",
    ],
)
def test_static_route_refuses_traversal_and_unknown_files(client, url):
    assert client.get(url).status_code == 404


def test_manifest_validation(tmp_path):
    write(tmp_path / "Bad Name" / "theme.json", "{}")
    with pytest.raises(ThemeError):
        load_manifest(tmp_path / "Bad Name")
    write(tmp_path / "a" / "theme.json", json.dumps({"name": "b"}))
    with pytest.raises(ThemeError, match="names it"):
        load_manifest(tmp_path / "a")
    write(tmp_path / "c" / "theme.json", json.dumps({"parent": "../x"}))
    with pytest.raises(ThemeError, match="parent"):
        load_manifest(tmp_path / "c")
    write(tmp_path / "d" / "theme.json", json.dumps({"regions": "sidebar"}))
    with pytest.raises(ThemeError, match="regions"):
        load_manifest(tmp_path / "d")
    assert discover(tmp_path) == {}


def test_parent_cycles_do_not_hang(tmp_path):
    from cms.themes.engine import ThemeManager

    write(tmp_path / "x" / "theme.json", json.dumps({"parent": "y"}))
    write(tmp_path / "y" / "theme.json", json.dumps({"parent": "x"}))

    class FakeApp:
        config = {"THEMES_DIR": str(tmp_path)}

    manager = ThemeManager(FakeApp())  # type: ignore[arg-type]
    assert [t.name for t in manager.chain("x")] == ["x", "y"]


def test_bundled_default_theme_declares_the_core_regions():
    theme = load_manifest(PROJECT_ROOT / "themes" / "default")
    assert set(theme.regions) >= {"header", "sidebar", "article_footer", "footer"}
