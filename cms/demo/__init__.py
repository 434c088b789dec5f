"""The demo portal built by ``cms demo``: the news site of a fictional Vietnamese province.

:func:`build_demo` fills an empty site, in one transaction and through the
same content services the back office uses, with the portal of "tỉnh Lâm
Sơn": site settings, an editor, a tree of categories, dated and tagged
articles with generated illustrations, and a few pages. The texts live in
:mod:`cms.demo.site` and :mod:`cms.demo.articles`, the pictures are drawn by
:mod:`cms.demo.images`.
"""

from __future__ import annotations

import logging
import secrets
import zlib
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select

from cms.content import get_setting, make_slug, save_article, save_category, save_page, set_setting
from cms.content.errors import ContentError
from cms.content.media import delete_media_file, store_image
from cms.demo.articles import ARTICLES
from cms.demo.images import render
from cms.demo.site import CATEGORIES, EDITOR, PAGES, SETTINGS
from cms.extensions import db
from cms.models import Article, Category, Media, Page, Setting, User, utcnow
from cms.plugins import placement, registry
from cms.themes import manager

log = logging.getLogger(__name__)

#: Setting stored when the demo is built; its presence alone keeps the demo from running again.
MARKER = "demo_portal"

#: Version of the demo content, stored in the marker.
VERSION = 1


@dataclass(frozen=True)
class DemoWidget:
    """A widget the demo places in each theme that has the region, when its plugin is installed."""

    #: ``plugin.type``.
    full_type: str
    #: Theme name -> region.
    regions: dict[str, str]
    #: The instance title ("" for none; the widget's own heading shows).
    title: str = ""
    #: Where it shows (:data:`cms.models.VISIBILITY`).
    visibility: str = "all"
    #: Settings of the instance (the widget's defaults for the rest).
    settings: dict[str, Any] = field(default_factory=dict)


_UNDER_ARTICLE = {"default": "article_footer", "portal": "article_footer"}
_SIDE = {"default": "sidebar", "portal": "sidebar"}
#: The portal's left column holds the links, as on the reference page; the default theme
#: has one sidebar.
_LEFT = {"default": "sidebar", "portal": "sidebar_left"}

#: The blocks of the reference page, in its order: the date line in the header; under
#: the article the rating, related news, then the comments; website links beside it (the
#: portal's left column); the access statistics and the best rated articles in the right one.
WIDGETS: list[DemoWidget] = [
    DemoWidget("clock.dateline", {"default": "header", "portal": "header"}),
    DemoWidget("rating.stars", _UNDER_ARTICLE, visibility="articles"),
    DemoWidget("related.articles", _UNDER_ARTICLE, "Tin liên quan", visibility="articles"),
    DemoWidget("comments.thread", _UNDER_ARTICLE, visibility="articles"),
    DemoWidget("links.links", _LEFT, "Liên kết website", settings={"display": "jump"}),
    DemoWidget("stats.stats", _SIDE, "Thống kê truy cập"),
    DemoWidget("rating.top_rated", _SIDE, "Được đánh giá cao"),
]

#: Published articles are never dated later than this before the build.
NEWEST = timedelta(minutes=10)


def site_has_content() -> bool:
    """Whether the site already has an article, a page or a category, or was given the demo."""
    for column in (Article.id, Page.id, Category.id):
        if db.session.execute(select(column).limit(1)).first() is not None:
            return True
    return db.session.get(Setting, MARKER) is not None


def build_demo() -> str:
    """Create the demo content; returns a summary, or '' when the site already had content.

    Everything is committed at once; on any error nothing is kept, the image
    files written so far included.
    """
    if site_has_content():
        log.info("the site already has content: the demo portal was not built")
        return ""
    builder = _Builder()
    try:
        builder.build()
        db.session.commit()
    except BaseException:
        db.session.rollback()
        for media in builder.media:
            delete_media_file(media)
        raise
    summary = builder.summary()
    log.info("demo portal built: %s", summary)
    return summary


@dataclass
class _Builder:
    """Builds the demo in the current session, remembering what it made."""

    now: datetime = field(default_factory=utcnow)
    media: list[Media] = field(default_factory=list)
    categories: dict[str, Category] = field(default_factory=dict)
    pages: dict[str, Page] = field(default_factory=dict)
    articles: list[Article] = field(default_factory=list)
    editor: User | None = None

    def build(self) -> None:
        """Settings, the editor, categories, articles (with images) and pages."""
        set_setting(MARKER, {"version": VERSION, "built_at": self.now.isoformat()})
        db.session.flush()  # a second `cms demo` running at the same time fails here
        for key, value in SETTINGS.items():
            set_setting(key, value)
        self.editor = self._editor()
        self._categories()
        self._articles()
        self._pages()
        self._widgets()
        self._plugin_demos()

    # --- parts ----------------------------------------------------------------------------

    def _widgets(self) -> None:
        """Place every bundled widget that is installed in sensible regions of both themes."""
        plugins = registry()
        for widget in WIDGETS:
            plugin, _dot, kind = widget.full_type.partition(".")
            if plugins.widget_class(plugin, kind) is None:
                continue
            for theme, region in widget.regions.items():
                if theme not in manager().themes:
                    continue
                try:
                    placement.add_instance(
                        theme,
                        region,
                        widget.full_type,
                        title=widget.title,
                        settings=dict(widget.settings) or None,
                        visibility=widget.visibility,
                    )
                except ContentError:
                    log.warning("could not place %s in %s/%s", widget.full_type, theme, region)

    def _plugin_demos(self) -> None:
        """Let every active plugin add its sample data (:attr:`cms.plugins.Plugin.demo`).

        Each runs in a savepoint: a plugin whose demo fails is logged and
        leaves nothing, and the rest of the demo is kept.
        """
        plugins = registry()
        for name, plugin in plugins.plugins.items():
            if plugin.demo is None or not plugins.is_enabled(name):
                continue
            try:
                with db.session.begin_nested():
                    plugin.demo()
            except Exception:  # one plugin's demo never spoils the site's
                log.exception("plugin %s: its demo data could not be added", name)

    def _editor(self) -> User:
        """The editor who signs the articles (an existing account with that email is reused)."""
        user = db.session.execute(select(User).where(User.email == EDITOR["email"])).scalar()
        if user is None:
            user = User(email=EDITOR["email"], name=EDITOR["name"], role=EDITOR["role"])
            # Nobody knows this password: the webmaster sets one to use the account.
            user.set_password(secrets.token_urlsafe(24))
            db.session.add(user)
            db.session.flush()
        return user

    def _categories(self) -> None:
        for item in CATEGORIES:
            parent = self.categories[item.parent] if item.parent else None
            category = save_category(
                None,
                {
                    "name": item.name,
                    "description": item.description,
                    "position": item.position,
                    "parent_id": parent.id if parent is not None else None,
                },
            )
            db.session.flush()
            self.categories[item.key] = category

    def _articles(self) -> None:
        scenes = {c.key: c.scenes for c in CATEGORIES}
        for index, item in enumerate(ARTICLES):
            category = self.categories[item.category]
            seed = zlib.crc32(item.title.encode("utf-8"))
            scene = item.scene
            if scene is None:
                choices = scenes[item.category]
                scene = choices[seed % len(choices)]
            title = self._fill(item.title)
            data: dict[str, object] = {
                "title": title,
                "summary": self._fill(item.summary),
                "body_html": self._fill(item.body),
                "status": item.status,
                "category_id": category.id,
                "tags": list(item.tags),
                "image_id": self._image(scene, seed, title, category) if scene else None,
            }
            if item.status != "draft":
                data["published_at"] = self._published_at(item.days_ago, item.time, index)
            self.articles.append(save_article(None, data, author=self.editor))
        db.session.flush()

    def _image(self, scene: str, seed: int, title: str, category: Category) -> int:
        """Draw and store one illustration; returns its media id."""
        picture, alt = render(scene, seed, caption=f"{category.name} · {SETTINGS['site_name']}")
        media = store_image(
            picture,
            original_name=f"minh-hoa-{make_slug(title, max_length=60)}.jpg",
            alt=alt,
            uploaded_by=self.editor,
        )
        self.media.append(media)
        db.session.flush()
        return media.id

    def _pages(self) -> None:
        """The pages, then their bodies (which link to one another, so come second)."""
        for item in PAGES:
            parent = self.pages[item.parent] if item.parent else None
            page = save_page(
                None,
                {
                    "title": item.title,
                    "summary": item.summary,
                    "status": "published",
                    "position": item.position,
                    "show_in_menu": item.show_in_menu,
                    "parent_id": parent.id if parent is not None else None,
                },
                author=self.editor,
            )
            db.session.flush()
            self.pages[item.key] = page
        for item in PAGES:
            save_page(self.pages[item.key], {"body_html": self._links(self._fill(item.body))})

    # --- helpers --------------------------------------------------------------------------

    def _zone(self) -> ZoneInfo:
        try:
            return ZoneInfo(str(get_setting("timezone") or "Asia/Ho_Chi_Minh"))
        except (ZoneInfoNotFoundError, ValueError):
            return ZoneInfo("Asia/Ho_Chi_Minh")

    def _published_at(self, days_ago: int, at: str, index: int) -> datetime:
        """``days_ago`` days before the build, at local time ``at``; past ones never too recent."""
        zone = self._zone()
        day = self.now.astimezone(zone).date() - timedelta(days=days_ago)
        hour, minute = (int(part) for part in at.split(":"))
        when = datetime.combine(day, time(hour, minute), tzinfo=zone)
        if days_ago >= 0:  # keep it in the past, a little older for each article
            when = min(when, self.now - NEWEST - timedelta(minutes=7 * index))
        return when

    def _fill(self, text: str) -> str:
        """Put the current, previous and next year into ``text``."""
        year = self.now.astimezone(self._zone()).year
        for key, value in (("{year}", year), ("{last_year}", year - 1), ("{next_year}", year + 1)):
            text = text.replace(key, str(value))
        return text.strip()

    def _links(self, html: str) -> str:
        """Replace ``[cat:KEY]`` and ``[page:KEY]`` by the URLs of categories and pages."""
        prefix = get_setting("category_prefix")
        for key, category in self.categories.items():
            html = html.replace(f"[cat:{key}]", f"/{prefix}/{category.slug}")
        for key, page in self.pages.items():
            html = html.replace(f"[page:{key}]", f"/{page.path}")
        return html

    def summary(self) -> str:
        """What was made, e.g. ``8 categories, 36 articles, 5 pages, 33 images``."""
        return (
            f"{len(self.categories)} categories, {len(self.articles)} articles, "
            f"{len(self.pages)} pages, {len(self.media)} images"
        )
