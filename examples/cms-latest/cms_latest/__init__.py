"""Latest news: a box listing the newest published articles.

The smaller example of ``docs/plugins.md``: one cached widget type with a
settings form, hooks that drop the cached box when the articles it may list
change, and a template a theme can override as ``latest/box.html``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange

from cms.content import latest_articles
from cms.content.events import ArticleEvent
from cms.plugins import Plugin, Widget, hookimpl, widget_cache


class LatestForm(FlaskForm):
    """Settings of one placed box."""

    count = IntegerField(_l("How many"), default=5, validators=[NumberRange(1, 20)])


class LatestBox(Widget):
    """``latest.box``: the newest published articles, as links."""

    type = "box"
    title = _l("Latest news")
    template = "latest/box.html"
    settings_form = LatestForm
    default_settings = {"count": 5}
    cache = "static"  # until the articles it may list change: see Hooks below

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """The articles to list."""
        count = max(1, min(20, int(instance.settings.get("count", 5))))
        return {"articles": latest_articles(limit=count)}


def refresh_boxes() -> None:
    """Drop every cached ``latest.box``: each renders again on its next request, in every worker."""
    widget_cache.invalidate(widget_type="latest.box", now=True)


class Hooks:
    """Keep the cached box in step with what readers may see, whoever changed it."""

    @hookimpl
    def article_published(self, article: ArticleEvent) -> None:
        """A new public article leads every box."""
        refresh_boxes()

    @hookimpl
    def article_updated(self, article: ArticleEvent) -> None:
        """A listed article may have a new title."""
        if article.was_public and article.is_public:
            refresh_boxes()

    @hookimpl
    def article_unpublished(self, article: ArticleEvent) -> None:
        """Made a draft or rescheduled: it leaves every box."""
        refresh_boxes()

    @hookimpl
    def article_deleted(self, article: ArticleEvent) -> None:
        """Deleted: it leaves every box (a draft never was in one)."""
        if article.was_public:
            refresh_boxes()


plugin = Plugin(
    name="latest",
    version="1.0.0",
    title=_l("Latest news"),
    description=_l("A box listing the newest articles."),
    widgets=[LatestBox],
    hooks=Hooks(),
)
