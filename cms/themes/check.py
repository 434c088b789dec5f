"""``cms themes check NAME``: is a theme complete and does every region render every widget?"""

from __future__ import annotations

from typing import Any

from flask import Flask, g
from jinja2 import TemplateError

from cms.models import Article, utcnow
from cms.plugins.registry import registry
from cms.plugins.widgets import PlacedWidget, RegionRenderer
from cms.themes import render
from cms.themes.engine import ThemeManager

#: Templates every theme must be able to render (its own copy, a parent's or the core's).
REQUIRED_TEMPLATES = (
    "public/base.html",
    "public/home.html",
    "public/category.html",
    "public/article.html",
    "public/page.html",
    "public/search.html",
    "public/tag.html",
    "public/error.html",
    "public/feed.xml",
    "public/sitemap.xml",
)


def check_theme(app: Flask, name: str) -> list[str]:
    """Return the problems of theme ``name`` (an empty list means it is fine).

    Checks the manifest and its parent chain, that every required template
    resolves and compiles, that the layout renders every region the manifest
    declares, and that every widget type of every loaded plugin renders in
    every region without error.
    """
    themes: ThemeManager = app.extensions["cms_themes"]
    if name not in themes.themes:
        return [f"no theme named {name!r}"]
    problems: list[str] = []
    theme = themes.themes[name]
    if theme.parent and theme.parent not in themes.themes:
        problems.append(f"parent theme {theme.parent!r} is not installed")
    if not theme.regions:
        problems.append("theme.json declares no regions")
    env = themes.environment(name)
    for template in REQUIRED_TEMPLATES:
        try:
            env.get_template(template)
        except TemplateError as exc:
            problems.append(f"template {template}: {exc}")
    if problems:
        return problems
    with app.test_request_context("/"):
        g.cms_theme = name
        problems += _check_layout_regions(app, theme.regions)
        problems += _check_widgets(app, name, theme.regions)
    return problems


def _sample_article() -> Any:
    now = utcnow()
    return Article(
        id=0, title="Kiểm tra giao diện", slug="kiem-tra-giao-dien", summary="Tóm tắt",
        body_html="<p>Nội dung</p>", status="published", published_at=now, created_at=now,
        updated_at=now,
    )  # fmt: skip


def _check_layout_regions(app: Flask, regions: tuple[str, ...]) -> list[str]:
    asked: list[str] = []

    def recorder(region: str, context: dict[str, Any]) -> str:
        asked.append(region)
        return ""

    renderers = app.extensions["cms_region_renderers"]
    renderers.append(recorder)
    try:
        article = _sample_article()
        g.cms_page = {"kind": "article", "article": article}
        render("public/article.html", article=article, related=[])
    except Exception as exc:  # report any rendering failure as a problem
        return [f"public/article.html does not render: {type(exc).__name__}: {exc}"]
    finally:
        renderers.remove(recorder)
    return [
        f"region {r!r} is declared but the layout never renders it"
        for r in regions
        if r not in asked
    ]


def _check_widgets(app: Flask, theme: str, regions: tuple[str, ...]) -> list[str]:
    problems = []
    renderer = RegionRenderer()
    article = _sample_article()
    page = {"kind": "article", "article": article}
    for plugin_name, plugin in sorted(registry().plugins.items()):
        for widget in plugin.widgets:
            for region in regions:
                placed = PlacedWidget(
                    id=0,
                    plugin=plugin_name,
                    widget_type=widget.type,
                    title=str(widget.title),
                    settings=dict(widget.default_settings),
                )
                try:
                    renderer.render_body(placed, widget, {**page, "region": region}, theme)
                except Exception as exc:  # report, do not stop: the check lists every problem
                    problems.append(
                        f"widget {plugin_name}.{widget.type} fails in region {region}: "
                        f"{type(exc).__name__}: {exc}"
                    )
    return problems
