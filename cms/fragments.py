"""Fragment caches: rendered parts of public pages, held by each process, keyed by what they show.

The render path for what the page cache does not answer (signed-in editors,
a page cache turned off, the first view after a change) renders a page from
parts; the costly ones (an article's body and head, the navigation) are
kept here between requests. A fragment's key holds everything its HTML
depends on: its name and ``vary`` (the row it shows...), the values of the
generation counters (:mod:`cms.generations`) of the data it reads, the
locale, the theme and the request's URL root (absolute links). The counters
are read from the database once per request, so a process never serves a
fragment another worker's change made stale: the change moved a counter,
the key changed, and the old entry ages out of the bounded store (least
recently used first, ``FRAGMENT_CACHE_SIZE`` entries per process).

A context that changed counters it has not committed (an editor's request
saving an article) renders its fragments without keeping them, as
:func:`cms.generations.held` does.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Any, TypeVar

from flask import current_app, g, has_app_context, has_request_context, request
from flask_babel import get_locale
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from cms import generations
from cms.extensions import db
from cms.themes import active_theme

T = TypeVar("T")

#: ``app.extensions`` key of the process's :class:`FragmentStore`.
EXTENSION_KEY = "cms_fragments"
#: ``flask.g`` key of :func:`_context_key`'s value.
_CONTEXT_KEY = "cms_fragment_context"
#: Entries kept per process when ``FRAGMENT_CACHE_SIZE`` is not set.
DEFAULT_SIZE = 1000


class FragmentStore:
    """A bounded mapping, least recently used out first, safe for the threads of one process."""

    def __init__(self, size: int) -> None:
        #: The most entries kept (0: nothing is kept).
        self.size = max(0, int(size))
        self._entries: OrderedDict[Hashable, Any] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Any | None:
        """The value kept under ``key``, or ``None``."""
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key``, dropping the least recently used beyond :attr:`size`."""
        if self.size == 0 or value is None:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


def store() -> FragmentStore:
    """The current application's fragment store (created on first use)."""
    extensions = current_app.extensions
    found = extensions.get(EXTENSION_KEY)
    if found is None:
        size = current_app.config.get("FRAGMENT_CACHE_SIZE", DEFAULT_SIZE)
        found = extensions.setdefault(EXTENSION_KEY, FragmentStore(size))
    return found


def kept(name: str, vary: Hashable, counters: Iterable[str], load: Callable[[], T]) -> T:
    """``load()``'s value for ``name`` and ``vary``, kept while ``counters`` stay put.

    The store under :func:`cached`, for plain values that do not depend on
    the locale, the theme or the request's host (an article's routing
    columns). ``load`` must return plain values or detached rows
    (:func:`cms.generations.detached_row`), never rows bound to a session;
    ``None`` is never kept. Outside an app context, and in a context
    with uncommitted changes, ``load()`` is called and its value not kept.
    """
    if not has_app_context() or not _may_keep():
        return load()
    numbers = generations.current()
    if generations.unknown():  # no counters to key by: render, keep nothing
        return load()
    key = (name, vary, tuple([numbers.get(counter, 0) for counter in counters]))
    values = store()
    found = values.get(key)
    if found is not None:
        return found  # type: ignore[no-any-return]
    value = load()
    if _may_keep():  # ``load`` may have flushed changes of this context
        values.put(key, value)
    return value


def cached(name: str, vary: Hashable, counters: Iterable[str], render: Callable[[], T]) -> T:
    """``render()``'s value for fragment ``name`` of ``vary``, kept while ``counters`` stay put.

    ``counters`` are the generation counters of everything the fragment
    reads; ``render`` must return plain values (strings, tuples...), never
    rows bound to a session. The key also holds the locale, the theme and
    the request's URL root. Outside an app context, and in a context with
    uncommitted changes, the fragment is rendered and not kept.
    """
    if not has_app_context():
        return render()
    return kept(name, (vary, _context_key()), counters, render)


def _context_key() -> tuple[str, str, str]:
    """The locale, the theme and the URL root of this context, worked out once per context."""
    found = g.get(_CONTEXT_KEY)
    if found is None:
        root = request.url_root if has_request_context() else ""
        found = (str(get_locale() or ""), active_theme(), root)
        setattr(g, _CONTEXT_KEY, found)
    return found  # type: ignore[no-any-return]


def _may_keep() -> bool:
    """Whether this context's fragments may be kept: nothing it changed is pending."""
    if generations.moved():
        return False
    session = db.session()
    if not session.identity_map:  # nothing loaded: nothing changed or deleted (the usual page)
        return not session.new
    return not (session.new or session.dirty or session.deleted)


#: The generation counters of what the layout's fragments show: the site's name and
#: contact details, the category tree, the menu pages, the logo.
LAYOUT_COUNTERS = (
    generations.SETTINGS,
    generations.CATEGORIES,
    generations.MENU,
    generations.MEDIA,
)


@pass_context
def layout_fragment(context: Context, template: str, *vary: Hashable) -> Markup:
    """Template global: ``template`` rendered with the caller's context, kept per ``vary``.

    For the parts of a theme's layout that show only settings, categories,
    menu pages and the logo (the navigation, the footer); ``vary`` holds what
    else the part depends on (the page the navigation marks as current).
    Usage: ``{{ layout_fragment("public/_nav.html", request.endpoint, category_id) }}``.
    """
    environment = context.environment

    def render() -> Markup:
        # The output of an autoescaping template, as an include would insert it.
        html = environment.get_template(template).render(context.get_all())
        return Markup(html)  # noqa: S704

    return cached(template, vary, LAYOUT_COUNTERS, render)
