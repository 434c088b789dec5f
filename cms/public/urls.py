"""URLs of public content, built from the URL prefix settings.

Relative by default; with ``external=True`` they are absolute, on ``CMS_SITE_URL``
when it is set (see :mod:`cms.site_url`), never on a request's ``Host`` then.
Canonical public URLs have no trailing slash.
"""

from __future__ import annotations

from flask import url_for

from cms import generations
from cms.content.site import get_setting
from cms.extensions import db
from cms.models import Article, Category, Media, Page, Tag


def article_url(article: Article, external: bool = False) -> str:
    """The public URL of an article: ``/<article prefix>/<slug>``."""
    path = f"{get_setting('article_prefix')}/{article.slug}"
    return url_for("public.resolve", path=path, _external=external)


def category_url(category: Category, external: bool = False, page: int | None = None) -> str:
    """The public URL of a category listing: ``/<category prefix>/<slug>``."""
    path = f"{get_setting('category_prefix')}/{category.slug}"
    if page and page > 1:
        return url_for("public.resolve", path=path, _external=external, page=page)
    return url_for("public.resolve", path=path, _external=external)


def category_feed_url(category: Category, external: bool = False) -> str:
    """The Atom feed of one category."""
    path = f"{get_setting('category_prefix')}/{category.slug}/feed.xml"
    return url_for("public.resolve", path=path, _external=external)


def page_url(page: Page, external: bool = False) -> str:
    """The public URL of a page: its path of slugs from the root."""
    return url_for("public.resolve", path=page.path, _external=external)


def tag_url(tag: Tag, external: bool = False, page: int | None = None) -> str:
    """The listing of articles with a tag: ``/tag/<slug>``."""
    if page and page > 1:
        return url_for("public.tag", slug=tag.slug, _external=external, page=page)
    return url_for("public.tag", slug=tag.slug, _external=external)


def media_url(media: Media | None, external: bool = False) -> str:
    """The URL of a stored media file ('' for none)."""
    if media is None:
        return ""
    return url_for("public.media", filename=media.filename, _external=external)


def logo_url() -> str:
    """URL of the site logo chosen in the settings ('' when none), held per process.

    Read again when the settings or the media library change.
    """

    def load() -> str:
        logo_id = get_setting("logo_id")
        if not isinstance(logo_id, int):
            return ""
        media = db.session.get(Media, logo_id)
        return media_url(media) if media is not None else ""

    return generations.held("logo_url", (generations.SETTINGS, generations.MEDIA), load)


def favicon_url() -> str:
    """URL of the site icon: the image chosen in the settings, else the bundled default.

    Held per process like :func:`logo_url`; ``/favicon.ico`` (which browsers
    ask for on their own) leads to the same file.
    """

    def load() -> str:
        favicon_id = get_setting("favicon_id")
        media = db.session.get(Media, favicon_id) if isinstance(favicon_id, int) else None
        return media_url(media) if media is not None else ""

    chosen = generations.held("favicon_url", (generations.SETTINGS, generations.MEDIA), load)
    return chosen or url_for("static", filename="favicon.ico")


#: Helpers exposed to every template under these names.
TEMPLATE_GLOBALS = {
    "article_url": article_url,
    "category_url": category_url,
    "category_feed_url": category_feed_url,
    "page_url": page_url,
    "tag_url": tag_url,
    "media_url": media_url,
    "logo_url": logo_url,
    "favicon_url": favicon_url,
}
