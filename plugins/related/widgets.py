"""The ``related.articles`` widget, its settings, and the plugin's site-wide settings form."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from sqlalchemy.orm import defer, lazyload
from wtforms import BooleanField
from wtforms.validators import InputRequired, NumberRange

from cms.admin.numbers import WholeNumberField
from cms.extensions import db
from cms.models import Article, Media
from cms.page_view import PageIdentity, current_page
from cms.plugins import Widget, registry
from cms.plugins.widgets import identity_of
from plugins.related.index import SHOWN, list_query

#: The plugin's name, its widget's full type.
NAME = "related"
WIDGET_TYPE = f"{NAME}.articles"
#: Related articles listed when no admin chose a number.
DEFAULT_COUNT = 5
#: Longest side of a thumbnail (the ``thumbnail`` variant of an upload), in pixels.
THUMBNAIL = 320


class RelatedSettingsForm(FlaskForm):
    """The plugin's settings (back office, Plugins, Related articles: Settings)."""

    count = WholeNumberField(
        _l("Related articles listed"),
        default=DEFAULT_COUNT,
        validators=[
            InputRequired(_l("Enter how many related articles to list, from 1 to 20.")),
            NumberRange(1, SHOWN, _l("Enter how many related articles to list, from 1 to 20.")),
        ],
        description=_l("Under each article and in the API, at most this many."),
    )


class ArticlesForm(FlaskForm):
    """Settings of one placed list."""

    show_dates = BooleanField(_l("Show publication dates"), default=True)
    show_thumbnails = BooleanField(_l("Show thumbnails"), default=False)


def listed_count() -> int:
    """How many related articles to list: the ``count`` setting, within 1 and :data:`SHOWN`."""
    value = registry().settings(NAME).get("count", DEFAULT_COUNT)
    if isinstance(value, bool) or not isinstance(value, int):
        return DEFAULT_COUNT
    return max(1, min(SHOWN, value))


def related_articles(article_id: int, limit: int | None = None) -> list[Article]:
    """The public articles of ``article_id``'s list, best first, as lists show them.

    One statement: the list by its key, each article by its key with its image
    (bodies, search text, author and category are not read); at most ``limit``
    (default :func:`listed_count`).
    """
    query = list_query(article_id, listed_count() if limit is None else limit).options(
        defer(Article.body_html),
        defer(Article.search_text),
        lazyload(Article.author),
        lazyload(Article.category),
    )
    return list(db.session.execute(query).unique().scalars())


def thumbnail(media: Media | None) -> dict[str, Any] | None:
    """``{"url", "width", "height"}`` of ``media``'s thumbnail variant (the file itself if none)."""
    if media is None:
        return None
    variants = media.variants or {}
    width, height = int(media.width or 0), int(media.height or 0)
    scale = min(1.0, THUMBNAIL / max(width, height, 1))
    return {
        "url": url_for("public.media", filename=variants.get("thumbnail") or media.filename),
        "width": max(1, round(width * scale)) if width else None,
        "height": max(1, round(height * scale)) if height else None,
    }


class RelatedArticles(Widget):
    """``related.articles``: the articles related to the one shown ("Tin liên quan").

    Cached per page until its list changes (the lifecycle hooks invalidate
    it); shows nothing on pages that are not articles.
    """

    type = "articles"
    title = _l("Related articles")
    template = "related/articles.html"
    settings_form = ArticlesForm
    default_settings = {"show_dates": True, "show_thumbnails": False}
    cache = "static"
    per_page = True

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """The list of the article shown, with thumbnails when the instance asks for them.

        The article's id comes from the page's identity, so the article itself
        is never loaded for this.
        """
        identity: PageIdentity = current_page() or identity_of(page)
        if identity.kind != "article" or identity.object_id is None:
            return {"items": []}
        thumbs = bool(instance.settings.get("show_thumbnails"))
        items = [
            {
                "article": article,
                "thumbnail": thumbnail(article.image) if thumbs else None,
            }
            for article in related_articles(identity.object_id)
        ]
        return {"items": items}
