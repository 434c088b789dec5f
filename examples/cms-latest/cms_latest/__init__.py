"""Latest news: a box listing the newest published articles.

The example plugin of ``docs/plugins.md``: one widget type with a settings
form, a hook that invalidates the cached box, and a template a theme can
override as ``latest/box.html``.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms.validators import NumberRange

from cms.content import latest_articles
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
    cache = "static"  # until an article is published: see Hooks below

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """The articles to list."""
        count = max(1, min(20, int(instance.settings.get("count", 5))))
        return {"articles": latest_articles(limit=count)}


class Hooks:
    """Keep the cached box in step with the content."""

    @hookimpl
    def article_published(self, article: Any) -> None:
        """A new article: every ``latest.box`` must render again."""
        widget_cache.invalidate(widget_type="latest.box", now=True)


plugin = Plugin(
    name="latest",
    version="1.0.0",
    title=_l("Latest news"),
    description=_l("A box listing the newest articles."),
    widgets=[LatestBox],
    hooks=Hooks(),
)
