"""Rendering widget instances into theme regions, isolated and cached.

Each instance renders inside one element carrying ``data-widget`` and
``data-widget-id``. A widget that raises is logged with its id and left out;
the page still renders. Widgets render in a bounded pool of threads
(:class:`WidgetPool`) with a time budget each (``WIDGET_TIME_BUDGET``) and per
page (``WIDGET_PAGE_BUDGET``): one over budget is left out and counted as a
failure of its plugin, like one that raises, so a plugin that keeps being slow
is paused. HTML is cached per instance according to the widget
type's policy and dropped when a generation counter it depends on moves: the
``widgets`` counter (placement or settings changed), the instance's own, its
type's and its plugin's (which plugins bump through :data:`widget_cache`).

Live widgets (``cache = "live"``) are never cached: they render for every
request from the page's :class:`~cms.page_view.PageIdentity` and the
:class:`~cms.page_view.Visitor` (:meth:`~cms.plugins.base.Widget.live_context`),
never from ORM objects, so the page cache can fill them into a cached page with
:func:`render_live`, within the same time budget.
"""

from __future__ import annotations

import logging
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field, replace
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask.ctx import RequestContext
from flask_babel import force_locale
from markupsafe import Markup, escape
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from cms import generations, page_cache, shared_cache
from cms.db import database_trouble
from cms.extensions import db
from cms.i18n import select_locale
from cms.models import WidgetInstance
from cms.page_cache.invalidation import purge_on_commit
from cms.page_cache.tags import generation_tags
from cms.page_view import PAGE_KINDS, PageIdentity, Visitor, current_page, current_visitor
from cms.plugins.base import LIVE_SHARED_MAX, Widget
from cms.plugins.inline import InlineRenders
from cms.plugins.registry import registry
from cms.themes import active_theme
from cms.visitor_csrf import csrf_token, live_render

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
        pages: Iterable[str | PageIdentity] | None = None,
        connection: Any = None,
        now: bool = False,
    ) -> None:
        """Drop cached HTML of one instance, every instance of a type (``plugin.type``) or a plugin.

        ``pages`` narrows a ``widget_type`` invalidation to the pages named
        (:func:`page_key`: ``"article:12"``, or their :class:`PageIdentity`),
        for a type whose HTML differs per page (:attr:`Widget.per_page`): a
        related list that changed on three articles drops those three stored
        pages, never every article page. ``pages`` empty: nothing changed.
        Raises ``ValueError`` when ``pages`` comes without ``widget_type``.

        The counters move, and the stored pages' purge is logged, in the
        caller's transaction (or ``connection``'s), so every worker stops using
        the old HTML as soon as the change commits. ``now=True`` commits them
        in a transaction of their own, for hooks that run after the change was
        committed.
        """
        if pages is not None:
            if widget_type is None or instance_id is not None or plugin is not None:
                raise ValueError("pages narrows a widget_type invalidation, and nothing else")
            self._invalidate_pages(widget_type, pages, connection=connection, now=now)
            return
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
            cache = page_cache.get_page_cache()
            if cache is not None:  # committed: every worker drops the pages at once
                cache.apply(generation_tags(keys))
        elif keys:
            generations.bump(*keys, connection=connection)

    def _invalidate_pages(
        self, widget_type: str, pages: Iterable[str | PageIdentity], *, connection: Any, now: bool
    ) -> None:
        """The ``pages`` part of :meth:`invalidate`.

        Every worker renders the type's HTML again at its next miss (the
        ``widget-pages:<type>`` counter is in the keys of per-page types, and
        costs no stored page); the stored pages dropped are only those carrying
        ``widget-type:<type>@<page key>`` (:func:`page_tags_of`).
        """
        tags = {
            f"widget-type:{widget_type}@{page if isinstance(page, str) else page.key}"
            for page in pages
        }
        if not tags:
            return
        counter = f"{PAGES_COUNTER}{widget_type}"
        if now:
            with db.engine.begin() as own:
                generations.bump(counter, connection=own)
            g.pop("cms_generations", None)
            page_cache.invalidate(*tags)  # logged for other hosts, applied here at once
        else:
            generations.bump(counter, connection=connection)
            purge_on_commit(tags, connection)

    def key(
        self,
        placed: PlacedWidget,
        widget: type[Widget],
        page: PageIdentity | Mapping[str, Any],
        theme: str,
        locale: str,
    ) -> str:
        """The cache key of ``placed`` rendered on ``page`` (its identity, or the page dict)."""
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
            parts.append(str(numbers.get(f"{PAGES_COUNTER}{placed.full_type}", 0)))
            parts.append(page_key(page))
        return f"cms-widget:{placed.id}:" + ":".join(parts)


#: The widget cache API plugins use.
widget_cache = WidgetCache()

#: Prefix of the generation counter of a per-page type's HTML on some pages
#: (:meth:`WidgetCache.invalidate` with ``pages``); it drops no stored page by itself.
PAGES_COUNTER = "widget-pages:"


def page_tags_of(placed: PlacedWidget, widget: type[Widget], page: PageIdentity) -> list[str]:
    """The page cache's tags of a page showing ``placed`` (a cached, not a live, widget).

    Its instance's, its type's and its plugin's; for a per-page type
    (:attr:`Widget.per_page`) also ``widget-type:<type>@<page key>``, which
    :meth:`WidgetCache.invalidate` with ``pages`` drops.
    """
    tags = [
        f"widget:{placed.id}",
        f"widget-type:{placed.full_type}",
        f"widget-plugin:{placed.plugin}",
    ]
    if widget.per_page:
        tags.append(f"widget-type:{placed.full_type}@{page.key}")
    return tags


def page_key(page: PageIdentity | Mapping[str, Any]) -> str:
    """Identify the page a widget shows on: ``article:12``, ``category:3``, ``home:``...

    ``page`` is a :class:`PageIdentity` (its :attr:`~PageIdentity.key`) or a page
    dict as :meth:`Widget.get_context` gets it.
    """
    if isinstance(page, PageIdentity):
        return page.key
    return identity_of(page).key


def identity_of(page: Mapping[str, Any] | None, path: str | None = None) -> PageIdentity:
    """The :class:`PageIdentity` of a page dict (``{"kind": "article", "article": obj}``).

    A kind that is no public page's (``None``, ``"preview"``...) becomes
    ``"other"``. ``path`` defaults to the current request's (``"/"`` outside one).
    """
    page = page or {}
    kind = page.get("kind")
    if kind not in PAGE_KINDS:
        kind = "other"
    obj = page.get(kind)
    object_id = getattr(obj, "id", None)
    if kind == "article":
        category_id = getattr(obj, "category_id", None)
    elif kind == "category":
        category_id = object_id
    else:
        category_id = None
    if path is None:
        path = request.path if has_request_context() else "/"
    return PageIdentity(
        kind,
        object_id if isinstance(object_id, int) else None,
        path,
        200,
        category_id if isinstance(category_id, int) else None,
    )


def page_identity() -> PageIdentity:
    """The identity of the page the current request renders.

    What the public view set (:func:`cms.page_view.current_page`); else made from
    ``g.cms_page`` (a preview, the theme check); else, for pages that are not
    public pages (an error page, the back office), kind ``"other"`` and the path.
    """
    identity = current_page()
    if identity is not None:
        return identity
    return identity_of(g.get("cms_page"))


def request_visitor() -> Visitor:
    """The visitor of the current request (:func:`current_visitor`); a blank one outside one."""
    return current_visitor() if has_request_context() else Visitor()


#: Request-scoped values (in ``flask.g``) a widget thread starts with, so that it
#: does not read again what the request already read: settings, generation
#: counters, theme, locale, the page shown and the user Flask-Login loaded.
SHARED_G_KEYS = (
    "cms_settings",
    "cms_generations",
    "cms_theme",
    "cms_locale",
    "cms_page",
    "cms_page_identity",
    "cms_visitor",
    "_login_user",
)


#: Most live HTML pieces a process shares at once (:meth:`RegionRenderer.shared_live`).
SHARED_LIVE_MAX = 10_000
#: Seconds an idle widget thread waits for work before it ends.
IDLE_SECONDS = 30.0


class WidgetPool:
    """A bounded set of daemon threads that render widgets, so a slow one can be left behind.

    Python cannot interrupt a running function: a render over its budget keeps
    its thread until it returns. At most ``size`` renders run at once; a render
    that finds no free thread in time is not started, so slow widgets cannot
    take every thread of a process. Threads start when work finds none idle
    and end after :data:`IDLE_SECONDS` without work; a forked process starts
    afresh.
    """

    def __init__(self, size: int) -> None:
        #: Most renders running at once.
        self.size = max(1, int(size))
        self._lock = threading.Lock()
        self._reset()

    def _reset(self) -> None:
        self._pid = os.getpid()
        self._slots = threading.BoundedSemaphore(self.size)
        self._tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]] = queue.SimpleQueue()
        self._running = 0  # tasks submitted and not finished
        self._threads = 0  # threads alive

    @property
    def running(self) -> int:
        """How many renders are running or waiting for a thread (late ones included)."""
        return self._running

    @property
    def threads(self) -> int:
        """How many threads are alive."""
        return self._threads

    def submit(self, task: Callable[[], Any], wait: float) -> Future[Any] | None:
        """Run ``task`` in a free thread; ``None`` when none became free within ``wait`` seconds."""
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._reset()
        slots = self._slots
        if not slots.acquire(timeout=max(0.0, wait)):
            return None
        future: Future[Any] = Future()
        with self._lock:
            self._running += 1
            self._tasks.put((task, future))
            if self._running > self._threads:  # no idle thread for this task: start one
                self._threads += 1
                threading.Thread(
                    target=self._work,
                    args=(self._tasks, slots),
                    name=f"widget-{self._threads}",
                    daemon=True,
                ).start()
        return future

    def _work(
        self,
        tasks: queue.SimpleQueue[tuple[Callable[[], Any], Future[Any]]],
        slots: threading.BoundedSemaphore,
    ) -> None:
        while True:
            try:
                task, future = tasks.get(timeout=IDLE_SECONDS)
            except queue.Empty:
                with self._lock:
                    if tasks.empty():
                        self._threads -= 1
                        return
                continue
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = task()
                    except BaseException as exc:  # handed to whoever waits for the result
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
            finally:
                with self._lock:
                    self._running -= 1
                slots.release()


def _log_late(placed: PlacedWidget) -> Callable[[Future[Any]], None]:
    """A callback logging how a render that ran over its budget ended."""

    def done(future: Future[Any]) -> None:
        error = future.exception()
        if error is not None:
            log.warning(
                "widget %s (%s) failed after its time budget: %r",
                placed.id,
                placed.full_type,
                error,
            )
        else:
            log.info("widget %s (%s) finished after its time budget", placed.id, placed.full_type)

    return done


class RegionRenderer:
    """Renders the widget instances of a region for the active theme."""

    def __init__(self) -> None:
        self._placements: dict[tuple[str, str], tuple[int, list[PlacedWidget]]] = {}
        self._by_id: tuple[int, dict[int, PlacedWidget | None]] = (-1, {})
        self._lock = threading.Lock()
        self._pool: WidgetPool | None = None
        #: Which live widget types render in the request's thread (they proved fast).
        self.inline = InlineRenders()
        #: Live HTML shared by every reader for a moment (``Widget.live_max_age``):
        #: key -> (expiry on the monotonic clock, HTML).
        self._shared: dict[tuple[Any, ...], tuple[float, str]] = {}

    def pool(self) -> WidgetPool:
        """The threads widgets render in (``WIDGET_THREADS`` of them), made on first use."""
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = WidgetPool(int(current_app.config.get("WIDGET_THREADS", 16)))
        return self._pool

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
            placed = [_placed(r) for r in rows]
        except SQLAlchemyError:  # before `cms init`, or the database is out of reach
            db.session.rollback()
            return []  # not kept: read again on the next request
        with self._lock:
            self._placements[(theme, region)] = (generation, placed)
        return placed

    def placed(self, instance_id: int) -> PlacedWidget | None:
        """Widget instance ``instance_id`` (``None`` if there is none), cached per generation.

        Raises :class:`sqlalchemy.exc.SQLAlchemyError` when the database fails.
        """
        generation = generations.value(generations.WIDGETS)
        known, found = self._by_id
        if known == generation and instance_id in found:
            return found[instance_id]
        row = db.session.get(WidgetInstance, instance_id)
        placed = _placed(row) if row is not None else None
        with self._lock:
            if self._by_id[0] != generation:
                self._by_id = (generation, {})
            self._by_id[1][instance_id] = placed
        return placed

    def __call__(self, region: str, context: dict[str, Any]) -> str:
        """Render every visible instance of ``region``; failures are left out."""
        theme = active_theme()
        placements = self.placements(theme, region)
        if not placements:
            return ""
        plugins = registry()
        page = {**(g.get("cms_page") or {}), **context}
        identity = page_identity()
        parts = []
        for placed in placements:
            if not plugins.is_enabled(placed.plugin) or not is_visible(placed, identity):
                continue
            widget = plugins.widget_class(placed.plugin, placed.widget_type)
            if widget is None:
                continue
            if widget.cache == "live":
                marker = page_cache.live_placeholder(placed.id)
                if marker is not None:  # the page cache renders it, for this reader and every other
                    parts.append(marker)
                    continue
                # As on a page-cache hit: from the identity alone, shared while fresh.
                html = self.render_live(
                    placed, identity, request_visitor(), theme=theme, locale=select_locale()
                )
            else:
                html = self.render_one(placed, widget, page, theme, identity=identity)
            if html:
                parts.append(html)
        return "".join(parts)

    def render_live(
        self,
        instance: int | PlacedWidget,
        page: PageIdentity,
        visitor: Visitor,
        *,
        theme: str,
        locale: str,
    ) -> str:
        """Live instance ``instance`` for ``page`` and ``visitor``; see :func:`render_live`."""
        instance_id = instance if isinstance(instance, int) else instance.id
        shared = self.shared_live(instance_id, page, theme=theme, locale=locale)
        if shared is not None:
            return shared
        try:
            placed = instance if isinstance(instance, PlacedWidget) else self.placed(instance)
        except SQLAlchemyError:
            db.session.rollback()
            log.warning("widget %s left out: its placement cannot be read", instance)
            return ""
        if placed is None:
            log.warning("widget %s left out: no such widget instance", instance)
            return ""
        plugins = registry()
        if not plugins.is_enabled(placed.plugin) or not is_visible(placed, page):
            return ""
        widget = plugins.widget_class(placed.plugin, placed.widget_type)
        if widget is None:
            return ""
        if widget.cache != "live":
            log.warning(
                "widget %s (%s) left out: it is not live, so it cannot be filled in per request",
                placed.id,
                placed.full_type,
            )
            return ""
        cookies = len(visitor.new_cookies)
        html = self.render_one(
            placed, widget, {}, theme, identity=page, visitor=visitor, locale=locale
        )
        max_age = min(float(widget.live_max_age or 0), LIVE_SHARED_MAX)
        if html and max_age > 0 and len(visitor.new_cookies) == cookies:
            key = self._shared_key(placed.id, page, theme, locale)
            if len(self._shared) > SHARED_LIVE_MAX:
                self._shared.clear()
            self._shared[key] = (time.monotonic() + max_age, html)
        return html

    def _shared_key(
        self, instance_id: int, page: PageIdentity, theme: str, locale: str
    ) -> tuple[Any, ...]:
        numbers = generations.current()
        return (
            instance_id,
            numbers.get(generations.WIDGETS, 0),
            numbers.get(generations.PLUGINS, 0),
            page.key,
            theme,
            locale,
        )

    def shared_live(
        self, instance_id: int, page: PageIdentity, *, theme: str, locale: str
    ) -> str | None:
        """The HTML of live instance ``instance_id`` on ``page`` if it is shared and fresh.

        Only widgets with ``live_max_age`` are kept, for at most that long, per
        instance, page, theme, locale, widget placement and plugin states.
        Needs an app context, not a request. ``None``: render it.
        """
        found = self._shared.get(self._shared_key(instance_id, page, theme, locale))
        if found is None or found[0] <= time.monotonic():
            return None
        return found[1]

    def render_one(
        self,
        placed: PlacedWidget,
        widget: type[Widget],
        page: dict[str, Any],
        theme: str,
        *,
        identity: PageIdentity | None = None,
        visitor: Visitor | None = None,
        locale: str | None = None,
    ) -> str:
        """One instance's wrapped HTML, from the cache when its policy allows.

        ``page`` is the page dict :meth:`Widget.get_context` gets; ``identity``
        the page's :class:`PageIdentity` (default: :func:`page_identity`), which
        live widgets and per-page cache keys use; ``visitor`` the
        :class:`Visitor` live widgets get (default: the current request's);
        ``locale`` the locale to render in (default: the site's).

        A miss renders in a thread of :meth:`pool` within the widget's time
        budget; one over budget is left out and counted as a failure of its
        plugin (its render goes on in the background, and its HTML is cached
        when it ends, if its policy allows). Raises nothing.
        """
        identity = identity if identity is not None else page_identity()
        locale = locale or select_locale()
        live = widget.cache == "live"
        if live and visitor is None:
            visitor = request_visitor()
        key = None
        if not live:
            page_cache.add_tags(*page_tags_of(placed, widget, identity))
            if widget.cache != "static":
                page_cache.limit_max_age(int(widget.cache))
            key = widget_cache.key(placed, widget, identity, theme, locale)
            hit = shared_cache.get(key)  # the cache down: rendered
            if hit is not None:
                return str(hit)
        budget = self._budget()
        if budget <= 0:
            log.warning(
                "widget %s (%s) left out: the page's widget time budget is spent",
                placed.id,
                placed.full_type,
            )
            page_cache.refuse(f"widget {placed.id} left out")
            return ""
        started = time.monotonic()
        deadline = started + budget
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        render = Render(placed, widget, page, theme, identity, visitor, locale)
        if live and self.inline.may_inline(placed.full_type) and has_request_context():
            return self._render_inline(app, render, budget)
        future = self.pool().submit(self._task(app, render, key), wait=budget)
        if future is None:
            log.warning(
                "widget %s (%s) left out: every widget thread is busy", placed.id, placed.full_type
            )
            page_cache.refuse(f"widget {placed.id} left out")
            return ""
        try:
            html = str(future.result(timeout=max(0.0, deadline - time.monotonic())))
        except FutureTimeout:
            log.warning(
                "widget %s (%s) left out: over its time budget of %.2f s",
                placed.id,
                placed.full_type,
                budget,
            )
            future.add_done_callback(_log_late(placed))
            self._failed(placed, f"widget {placed.id} ({placed.full_type}), over its time budget")
            page_cache.refuse(f"widget {placed.id} over its time budget")
            return ""
        except Exception as exc:  # isolate the failing widget: the page renders without it
            log.exception("widget %s (%s) failed to render", placed.id, placed.full_type)
            if database_trouble(exc) is None:  # the database's fault is not the plugin's
                self._failed(placed, f"widget {placed.id} ({placed.full_type})")
            page_cache.refuse(f"widget {placed.id} failed")
            if live:
                self.inline.pooled(placed.full_type, time.monotonic() - started, budget, ok=False)
            return ""
        if live:
            self.inline.pooled(placed.full_type, time.monotonic() - started, budget, ok=True)
        return html

    def _render_inline(self, app: Flask, render: Render, budget: float) -> str:
        """A live widget that proved fast, rendered in this thread (:mod:`cms.plugins.inline`)."""
        placed = render.placed

        def overrun() -> None:
            log.warning(
                "widget %s (%s) ran over its time budget of %.2f s in the request's thread",
                placed.id,
                placed.full_type,
                budget,
            )
            with app.app_context():
                self._failed(placed, f"widget {placed.id} ({placed.full_type}), over its budget")

        try:
            with self.inline.watched(placed.full_type, budget, overrun):
                g.cms_page_identity = render.identity
                if render.visitor is not None:
                    g.cms_visitor = render.visitor
                with force_locale(render.locale):
                    return wrap(placed, self.render_body(**render.arguments()))
        except Exception as exc:  # isolate the failing widget: the page renders without it
            log.exception("widget %s (%s) failed to render", placed.id, placed.full_type)
            if database_trouble(exc) is None:
                self._failed(placed, f"widget {placed.id} ({placed.full_type})")
            return ""

    def _budget(self) -> float:
        """Seconds the next widget of this request may take (its own and the page's budget)."""
        config = current_app.config
        now = time.monotonic()
        deadline = g.get("cms_widget_deadline")
        if deadline is None:
            deadline = now + float(config.get("WIDGET_PAGE_BUDGET", 2.0))
            g.cms_widget_deadline = deadline
            page_cache.spend_budget_until(deadline)  # its live widgets share the page's budget
        return min(float(config.get("WIDGET_TIME_BUDGET", 1.0)), deadline - now)

    def _task(self, app: Flask, render: Render, key: str | None) -> Callable[[], str]:
        """A render to run in a widget thread, in a copy of the current request's context.

        The thread gets its own request and app context (so its own database
        session, closed when it ends), starting with :data:`SHARED_G_KEYS`, the
        theme, the locale, the page's identity and the visitor; it shares the
        request's Flask session, so a CSRF token a widget's form asks for
        reaches the response's cookie.
        """
        shared = {name: g.get(name) for name in SHARED_G_KEYS if name in g}
        environ = dict(request.environ) if has_request_context() else None
        cookie_session = session._get_current_object() if environ is not None else None  # type: ignore[attr-defined]

        def run() -> str:
            context: Any = (
                RequestContext(app, environ, session=cookie_session)
                if environ is not None
                else app.app_context()
            )
            with context:
                for name, value in shared.items():
                    setattr(g, name, value)
                g.cms_theme, g.cms_locale = render.theme, render.locale
                g.cms_page_identity = render.identity
                if render.visitor is not None:
                    g.cms_visitor = render.visitor
                with force_locale(render.locale):
                    html = wrap(render.placed, self.render_body(**render.arguments()))
                if key is not None:
                    policy = render.widget.cache
                    shared_cache.put(key, html, 0 if policy == "static" else int(policy))
                return html

        return run

    def _failed(self, placed: PlacedWidget, what: str) -> None:
        registry().record_failure(placed.plugin, what)

    def render_body(
        self,
        placed: PlacedWidget,
        widget: type[Widget],
        page: dict[str, Any],
        theme: str,
        *,
        identity: PageIdentity | None = None,
        visitor: Visitor | None = None,
    ) -> str:
        """One instance's inner HTML (unwrapped, uncached); raises what the widget raises.

        A cached widget gets ``page`` (the page dict) in :meth:`Widget.get_context`
        and its template; a live one gets ``identity`` (default: made from
        ``page``) and ``visitor`` (default: the current request's) in
        :meth:`Widget.live_context`, and its template gets them as ``page`` and
        ``visitor``.
        """
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        env = app.extensions["cms_themes"].environment(theme)
        settings = {**widget.default_settings, **placed.settings}
        instance = replace(placed, settings=settings)
        context: dict[str, Any]
        if widget.cache == "live":
            identity = identity if identity is not None else identity_of(page)
            visitor = visitor if visitor is not None else request_visitor()
            context = {"instance": instance, "settings": settings, "page": identity}
            context["visitor"] = visitor
            # A form's token bound to the visitor's cookie: no session, so cached pages stay so.
            context["csrf_token"] = csrf_token
            context.update(widget().live_context(instance, identity, visitor) or {})
            app.update_template_context(context)
            with live_render(visitor):
                return env.get_template(widget.template).render(context)
        context = {"instance": instance, "settings": settings, "page": page}
        context.update(widget().get_context(instance, page) or {})
        app.update_template_context(context)
        return env.get_template(widget.template).render(context)


@dataclass(frozen=True)
class Render:
    """What one widget render needs, handed to its thread."""

    placed: PlacedWidget
    widget: type[Widget]
    #: The page dict cached widgets get.
    page: dict[str, Any]
    theme: str
    identity: PageIdentity
    #: The visitor live widgets get (``None`` for cached widgets).
    visitor: Visitor | None
    locale: str

    def arguments(self) -> dict[str, Any]:
        """Keyword arguments of :meth:`RegionRenderer.render_body`."""
        return {
            "placed": self.placed,
            "widget": self.widget,
            "page": self.page,
            "theme": self.theme,
            "identity": self.identity,
            "visitor": self.visitor,
        }


def _placed(row: WidgetInstance) -> PlacedWidget:
    """The renderer's copy of a widget instance row."""
    return PlacedWidget(
        id=row.id,
        plugin=row.plugin,
        widget_type=row.widget_type,
        title=row.title or "",
        settings=dict(row.settings or {}),
        visibility=row.visibility,
        category_ids=tuple(int(i) for i in (row.category_ids or [])),
    )


def render_live(
    instance: int | PlacedWidget,
    page: PageIdentity,
    visitor: Visitor,
    *,
    theme: str,
    locale: str,
) -> str:
    """The wrapped HTML of live widget instance ``instance`` for one request, or ``""``.

    What the page cache calls on a hit to fill a live widget's placeholder:
    ``instance`` is the instance id (or a :class:`PlacedWidget`), ``page`` the
    cached page's identity, ``visitor`` the request's facts, ``theme`` and
    ``locale`` those the page was rendered in. It needs an app context and,
    for ``url_for`` and CSRF tokens, a request context, which may be made
    from a bare WSGI environ (``app.request_context(environ)``); it never
    reads ``g.cms_page``. Cookies the widget asks for are appended to
    ``visitor.new_cookies``; the caller adds them to the answer
    (:meth:`Visitor.apply_cookies`).

    ``""`` (logged) when the instance does not exist, its plugin is not
    active, its visibility rule hides it on ``page``, it is not live, it raises
    or it runs over its time budget (the last two count as failures of its
    plugin). Raises nothing.
    """
    renderers = current_app.extensions.get("cms_region_renderers", [])
    renderer = next((r for r in renderers if isinstance(r, RegionRenderer)), None)
    if renderer is None:  # the plugin engine is not set up on this app
        return ""
    return renderer.render_live(instance, page, visitor, theme=theme, locale=locale)


def shared_live(instance_id: int, page: PageIdentity, *, theme: str, locale: str) -> str | None:
    """Live instance ``instance_id``'s HTML on ``page`` when it is shared by every reader and fresh.

    What the page cache tries before making a request context for the live
    step (see :meth:`RegionRenderer.shared_live`); ``None``: render it with
    :func:`render_live`. Needs an app context.
    """
    renderers = current_app.extensions.get("cms_region_renderers", [])
    renderer = next((r for r in renderers if isinstance(r, RegionRenderer)), None)
    if renderer is None:
        return None
    return renderer.shared_live(instance_id, page, theme=theme, locale=locale)


def is_visible(placed: PlacedWidget, page: PageIdentity) -> bool:
    """Whether ``placed`` shows on ``page`` according to its visibility rule.

    Reads only the identity's ``kind`` and ``category_id`` (the article's
    category, or the listed category), so live rendering needs no ORM object.
    """
    if placed.visibility == "all":
        return True
    if placed.visibility == "articles":
        return page.kind == "article"
    if placed.visibility == "pages":
        return page.kind == "page"
    if placed.visibility == "categories":
        if page.kind not in ("article", "category"):
            return False
        return page.category_id is not None and page.category_id in placed.category_ids
    return False


def wrap(placed: PlacedWidget, body: str) -> str:
    """Wrap a widget's HTML in the element themes and tests find it by.

    A widget with nothing to show (its template rendered only whitespace: no
    related article, an empty group) is left out whole, title included, as
    Drupal leaves out a block whose content is empty: no heading over nothing.
    """
    if not body.strip():
        return ""
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
