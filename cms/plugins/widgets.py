"""Rendering widget instances into theme regions, isolated and cached.

Each instance renders inside one element carrying ``data-widget`` and
``data-widget-id``. A widget that raises is logged with its id and left out;
the page still renders. HTML is cached per instance according to the widget
type's policy and dropped when a generation counter it depends on moves: the
``widgets`` counter (placement or settings changed), the instance's own, its
type's and its plugin's (which plugins bump through :data:`widget_cache`).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, g
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from cms import generations
from cms.extensions import cache, db
from cms.models import WidgetInstance
from cms.plugins.base import Widget

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PlacedWidget:
    """A widget instance as the renderer keeps it between requests (no database session)."""

    #: Instance id (``data-widget-id``).
    id: int
    plugin: str
    widget_type: str
    title: str
    settings: dict[str, Any] = field(hash=False)
    visibility: str = "all"
    category_ids: tuple[int, ...] = ()

    @property
    def full_type(self) -> str:
        """``<plugin>.<widget type>``."""
        return f"{self.plugin}.{self.widget_type}"


class WidgetCache:
    """Invalidation of cached widget HTML; plugins call it when what a widget shows changes."""

    def invalidate(
        self,
        *,
        instance_id: int | None = None,
        widget_type: str | None = None,
        plugin: str | None = None,
        connection: Any = None,
        now: bool = False,
    ) -> None:
        """Drop cached HTML of one instance, every instance of a type (``plugin.type``) or a plugin.

        The counters move in the caller's transaction (or ``connection``'s), so
        every worker stops using the old HTML as soon as the change commits.
        ``now=True`` commits them in a transaction of their own, for hooks that
        run after the change was committed.
        """
        keys = []
        if instance_id is not None:
            keys.append(f"widget:{instance_id}")
        if widget_type is not None:
            keys.append(f"widget-type:{widget_type}")
        if plugin is not None:
            keys.append(f"widget-plugin:{plugin}")
        if keys and now:
            with db.engine.begin() as own:
                generations.bump(*keys, connection=own)
            g.pop("cms_generations", None)
        elif keys:
            generations.bump(*keys, connection=connection)

    def key(
        self,
        placed: PlacedWidget,
        widget: type[Widget],
        page: dict[str, Any],
        theme: str,
        locale: str,
    ) -> str:
        """The cache key of ``placed`` rendered on ``page``."""
        numbers = generations.current()
        parts = [
            str(numbers.get(generations.WIDGETS, 0)),
            str(numbers.get(f"widget:{placed.id}", 0)),
            str(numbers.get(f"widget-type:{placed.full_type}", 0)),
            str(numbers.get(f"widget-plugin:{placed.plugin}", 0)),
            theme,
            locale,
        ]
        if widget.per_page:
            parts.append(page_key(page))
        return f"cms-widget:{placed.id}:" + ":".join(parts)


#: The widget cache API plugins use.
widget_cache = WidgetCache()


def page_key(page: dict[str, Any]) -> str:
    """Identify the page a widget shows on: ``article:12``, ``category:3``, ``home``..."""
    kind = page.get("kind", "other")
    obj = page.get(kind)
    return f"{kind}:{getattr(obj, 'id', '')}"


class RegionRenderer:
    """Renders the widget instances of a region for the active theme."""

    def __init__(self) -> None:
        self._placements: dict[tuple[str, str], tuple[int, list[PlacedWidget]]] = {}
        self._lock = threading.Lock()

    def placements(self, theme: str, region: str) -> list[PlacedWidget]:
        """The instances placed in ``region`` of ``theme``, in order (cached per generation)."""
        generation = generations.value(generations.WIDGETS)
        cached = self._placements.get((theme, region))
        if cached is not None and cached[0] == generation:
            return cached[1]
        try:
            rows = db.session.execute(
                select(WidgetInstance)
                .where(WidgetInstance.theme == theme, WidgetInstance.region == region)
                .order_by(WidgetInstance.position, WidgetInstance.id)
            ).scalars()
            placed = [
                PlacedWidget(
                    id=r.id,
                    plugin=r.plugin,
                    widget_type=r.widget_type,
                    title=r.title or "",
                    settings=dict(r.settings or {}),
                    visibility=r.visibility,
                    category_ids=tuple(int(i) for i in (r.category_ids or [])),
                )
                for r in rows
            ]
        except SQLAlchemyError:  # before `cms init`
            db.session.rollback()
            placed = []
        with self._lock:
            self._placements[(theme, region)] = (generation, placed)
        return placed

    def __call__(self, region: str, context: dict[str, Any]) -> str:
        """Render every visible instance of ``region``; failures are left out."""
        from cms.plugins.registry import registry
        from cms.themes import active_theme

        plugins = registry()
        theme = active_theme()
        page = {**(g.get("cms_page") or {}), **context}
        parts = []
        for placed in self.placements(theme, region):
            if not plugins.is_enabled(placed.plugin) or not is_visible(placed, page):
                continue
            widget = plugins.widget_class(placed.plugin, placed.widget_type)
            if widget is None:
                continue
            html = self.render_one(placed, widget, page, theme)
            if html:
                parts.append(html)
        return "".join(parts)

    def render_one(
        self, placed: PlacedWidget, widget: type[Widget], page: dict[str, Any], theme: str
    ) -> str:
        """One instance's wrapped HTML, from the cache when its policy allows."""
        from cms.i18n import select_locale

        key = None
        if widget.cache != "live":
            key = widget_cache.key(placed, widget, page, theme, select_locale())
            hit = cache.get(key)
            if hit is not None:
                return hit
        try:
            html = wrap(placed, self.render_body(placed, widget, page, theme))
        except Exception:  # isolate the failing widget: the page renders without it
            log.exception("widget %s (%s) failed to render", placed.id, placed.full_type)
            from cms.plugins.registry import registry

            registry().record_failure(placed.plugin, f"widget {placed.id} ({placed.full_type})")
            return ""
        if key is not None:
            timeout = 0 if widget.cache == "static" else int(widget.cache)
            cache.set(key, html, timeout=timeout)
        return html

    def render_body(
        self, placed: PlacedWidget, widget: type[Widget], page: dict[str, Any], theme: str
    ) -> str:
        """One instance's inner HTML (unwrapped, uncached); raises what the widget raises."""
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        env = app.extensions["cms_themes"].environment(theme)
        settings = {**widget.default_settings, **placed.settings}
        context = {"instance": placed, "settings": settings, "page": page}
        context.update(widget().get_context(placed, page) or {})
        app.update_template_context(context)
        return env.get_template(widget.template).render(context)


def is_visible(placed: PlacedWidget, page: dict[str, Any]) -> bool:
    """Whether ``placed`` shows on ``page`` according to its visibility rule."""
    kind = page.get("kind")
    if placed.visibility == "all":
        return True
    if placed.visibility == "articles":
        return kind == "article"
    if placed.visibility == "pages":
        return kind == "page"
    if placed.visibility == "categories":
        if kind == "article":
            category_id = getattr(page.get("article"), "category_id", None)
        elif kind == "category":
            category_id = getattr(page.get("category"), "id", None)
        else:
            return False
        return category_id in placed.category_ids
    return False


def wrap(placed: PlacedWidget, body: str) -> str:
    """Wrap a widget's HTML in the element themes and tests find it by."""
    plugin, kind = escape(placed.plugin), escape(placed.widget_type)
    title = ""
    labelled = ""
    if placed.title:
        title = Markup('<h2 class="widget__title" id="widget-{0}-title">{1}</h2>').format(
            placed.id, placed.title
        )
        labelled = Markup(' aria-labelledby="widget-{0}-title"').format(placed.id)
    # body is the widget template's output, autoescaped by Jinja.
    return str(
        Markup(
            '<section class="widget widget--{0}-{1}" data-widget="{0}.{1}" data-widget-id="{2}"{3}>'
            "{4}{5}</section>"
        ).format(plugin, kind, placed.id, labelled, title, Markup(body))  # noqa: S704
    )
