"""What a page rendered by Flask tells the page cache in front of it.

The middleware puts a :class:`PageRecord` in the WSGI environ of every
request it may store. While Flask renders, the public views, the region
renderer and plugins fill it in:

- whether the answer may be stored (only public pages say so: :func:`record_page`);
- its **cache tags**, which name what it shows (``article:12``, ``lists``...;
  :func:`add_tags`), so that a change drops exactly the pages showing it;
- a **lifetime** bound (:func:`limit_max_age`), for widgets cached for N seconds;
- the **live widgets**, kept as placeholders (:func:`live_placeholder`) and
  rendered per request by the middleware, on a hit as on this first render;
- a veto (:func:`refuse`), for a page that turned out to hold per-visitor state.

Outside such a request these functions do nothing, so code that calls them
works the same with the page cache off, for signed-in users and in tests.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from flask import current_app, has_request_context, request

from cms.i18n import select_locale
from cms.page_view import PageIdentity, Visitor
from cms.themes import active_theme

#: Key of the :class:`PageRecord` in the WSGI environ.
ENVIRON_KEY = "cms.page_cache"
#: Tag carried by every stored page: what every page shows (menus, settings, widgets).
LAYOUT = "layout"
#: Tag carried by every list of articles (home, categories, tags, feeds, sitemap).
LISTS = "lists"


@dataclass
class PageRecord:
    """What Flask learnt about a page while rendering it (see the module docstring)."""

    #: Whether the answer may be stored (set by :func:`record_page`).
    cacheable: bool = False
    #: Why it may not, once something refused it.
    refused: str = ""
    #: Cache tags the page carries.
    tags: set[str] = field(default_factory=set)
    #: Most seconds the entry may live (``None``: the cache's own lifetime).
    max_age: int | None = None
    #: Live widget instance ids, by placeholder, in the order they were placed.
    live: dict[str, int] = field(default_factory=dict)
    #: The page's identity, for the ``page_view`` event and live widgets on hits.
    identity: PageIdentity | None = None
    #: The visitor of this request, whose cookies the middleware sets.
    visitor: Visitor | None = None
    #: Theme and locale the page was rendered in.
    theme: str = ""
    locale: str = ""
    #: Query parameters the page reads (``page`` for paged lists); a request with
    #: any other is answered but not stored.
    query_params: set[str] = field(default_factory=set)
    #: When the page's widget time budget ends (``time.monotonic()``), once a widget started it.
    widget_deadline: float | None = None


def current_record() -> PageRecord | None:
    """The record of the current request, when the page cache may store its answer."""
    if not has_request_context():
        return None
    record = request.environ.get(ENVIRON_KEY)
    return record if isinstance(record, PageRecord) else None


def record_page(identity: PageIdentity, *tags: str, query_params: Iterable[str] = ()) -> None:
    """Mark the current page storable, with its ``identity``, cache ``tags`` and the
    ``query_params`` it reads (``("page",)`` for a paged list)."""
    record = current_record()
    if record is None:
        return
    record.query_params.update(query_params)
    record.cacheable = True
    record.identity = identity
    record.tags.update((LAYOUT, *tags))
    record.theme, record.locale = active_theme(), select_locale()


def add_tags(*tags: str) -> None:
    """Add cache ``tags`` to the current page: invalidating any of them drops it.

    Plugins call this from widgets and views for what their output shows
    (``article:12``, ``rating:article:12``...); :func:`cms.page_cache.invalidate`
    drops the pages carrying a tag. Does nothing outside a storable request.
    """
    record = current_record()
    if record is not None:
        record.tags.update(str(tag) for tag in tags if tag)


def limit_max_age(seconds: int) -> None:
    """Keep the current page at most ``seconds`` in the cache (a widget cached that long)."""
    record = current_record()
    if record is not None:
        seconds = max(1, int(seconds))
        record.max_age = seconds if record.max_age is None else min(record.max_age, seconds)


def spend_budget_until(deadline: float) -> None:
    """Let the live widgets of the current page share its widget time budget (ends at ``deadline``).

    ``deadline`` is a :func:`time.monotonic` time. On a hit, live widgets get
    a page budget of their own.
    """
    record = current_record()
    if record is not None:
        record.widget_deadline = deadline


def refuse(reason: str) -> None:
    """Never store the current page (``reason`` is logged at debug level)."""
    record = current_record()
    if record is not None and not record.refused:
        record.refused = reason or "refused"


def placeholder_marker(instance_id: int) -> str:
    """The placeholder of live widget ``instance_id`` in a stored page.

    An HTML comment with a digest of the site's secret key, so that no text an
    editor or reader writes can pose as one (their HTML is sanitized, comments
    dropped, and they cannot know the digest).
    """
    secret = str(current_app.config.get("SECRET_KEY") or "")
    nonce = hashlib.sha256(f"page-cache-live:{secret}".encode()).hexdigest()[:16]
    return f"<!--cms-live:{nonce}:{int(instance_id)}-->"


def live_placeholder(instance_id: int) -> str | None:
    """The placeholder to render instead of live widget ``instance_id``, or ``None``.

    ``None`` when the current page will not be stored: the widget is then
    rendered in place, as usual.
    """
    record = current_record()
    if record is None or not record.cacheable or record.refused:
        return None
    marker = placeholder_marker(instance_id)
    record.live[marker] = int(instance_id)
    return marker


def visitor_of(record: PageRecord | None, visitor: Any) -> bool:
    """Hand ``visitor`` to the middleware; whether it will set the visitor's cookies itself."""
    if record is None or not record.cacheable or record.refused:
        return False
    record.visitor = visitor
    return True
