"""The page cache: WSGI middleware in front of Flask, answering anonymous readers from storage.

A hit never builds Flask's request machinery (routing, sessions, view
functions, templates): the middleware reads the entry, runs the per-page
side effects (the ``page_view`` event, due scheduled articles, through the
same functions Flask's path calls), renders the page's live widgets for this
visitor (:func:`cms.plugins.widgets.render_live`) into their placeholders,
and answers. A miss goes to Flask with a :class:`~cms.page_cache.record.PageRecord`
in the environ, and the answer is stored when Flask marked it storable,
with status 200 to a ``GET``, no cookie set and nothing refused.

Headers: no ``Vary: Cookie`` and never a cookie of the stored page; a page
without live widgets gets ``Cache-Control: public, max-age=N``, an ``ETag``
and, once the second it was stored in is over, ``Last-Modified`` (and a
``304`` for a matching ``If-None-Match`` or ``If-Modified-Since``); a
page with live widgets gets ``Cache-Control: no-cache`` and no validator, so
that nothing freezes its live parts. ``X-Page-Cache`` says ``hit`` or ``miss``.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, g, session
from werkzeug.http import parse_date, parse_etags, unquote_etag

from cms.extensions import db
from cms.inputs import passes_without_a_form
from cms.page_cache.applied_mark import applied_mark
from cms.page_cache.backends import EVERYTHING, CacheUnavailable, PageBackend
from cms.page_cache.entry import Entry, make_entry
from cms.page_cache.keys import CacheRequest, cache_request
from cms.page_cache.purge_log import PurgeLog
from cms.page_cache.record import ENVIRON_KEY, LAYOUT, PageRecord
from cms.page_view import Visitor, page_served

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

#: Decoded entries a process keeps, each beside the stored bytes it was read from.
ENTRY_MEMO_SIZE = 128


@dataclass(frozen=True)
class SiteState:
    """What every key of the site shares, read once and kept until a ``layout`` purge."""

    enabled: bool
    locale: str
    theme: str


@dataclass
class Captured:
    """Flask's answer to a miss, read whole (pages are small)."""

    status: str = "500 INTERNAL SERVER ERROR"
    headers: list[tuple[str, str]] | None = None
    exc_info: Any = None

    @property
    def code(self) -> int:
        """The numeric status."""
        try:
            return int(self.status.split(" ", 1)[0])
        except ValueError:
            return 500


class PageCache:
    """The page cache of one site: WSGI middleware around ``wsgi_app`` (see the module docstring).

    ``ttl`` is the longest life of an entry in seconds (a backstop: changes
    invalidate entries at once), ``browser_max_age`` the ``max-age`` sent for
    pages without live widgets, ``query_params`` the query parameters that vary
    a page, ``version`` the deploy version in every key.
    """

    def __init__(
        self,
        app: Flask,
        wsgi_app: WSGIApp,
        backend: PageBackend,
        *,
        ttl: int,
        browser_max_age: int,
        query_params: Iterable[str],
        version: str,
        poll_interval: float = 1.0,
        retry: float = 5.0,
        site_state: Callable[[], SiteState],
    ) -> None:
        self.app = app
        self.wsgi_app = wsgi_app
        self.backend = backend
        self.ttl = max(1, int(ttl))
        self.browser_max_age = max(0, int(browser_max_age))
        self.query_params = tuple(query_params)
        self.version = version
        self.retry = float(retry)
        self.load_site_state = site_state
        self._state: SiteState | None = None
        self._generations: tuple[float, dict[str, int]] | None = None
        self._down_until = 0.0
        self._down = False
        self._lock = threading.Lock()
        #: key -> (stored bytes, the :class:`Entry` they hold): the last entries read.
        self._entries: dict[str, tuple[bytes, Entry]] = {}
        #: id of an entry -> (the entry, shared HTML of its live widgets, the body they make).
        self._filled: dict[int, tuple[Entry, list[str | None], bytes]] = {}
        self._entries_lock = threading.Lock()
        config = app.config
        self._cookie_names = (
            str(config.get("SESSION_COOKIE_NAME") or "session"),
            str(config.get("REMEMBER_COOKIE_NAME") or "remember_token"),
        )
        #: Stands for the site state while the poll thread reads it (the cache is off meanwhile).
        self._loading = SiteState(enabled=False, locale="", theme="")

        def forget(tags: set[str]) -> None:  # purges another process applied to the store
            if tags & {LAYOUT, EVERYTHING}:
                self._state = None
                self._entries, self._filled = {}, {}

        def after_poll() -> None:  # in the poll thread: no request waits for the database
            load_state()
            self._page_tasks()

        def load_state() -> None:
            if self._state is not None:
                return
            self._state = loading = self._loading
            try:
                state: SiteState | None = self.load_site_state()
            except Exception:  # the database is down: the next poll tries again
                log.debug("page cache: the site state cannot be read", exc_info=True)
                state = None
            if self._state is loading:  # else a purge dropped it meanwhile: read again
                self._state = state

        #: The poll thread's reader: the purge rows of other processes and the generation
        #: counters, read about every ``poll_interval`` seconds (:class:`PurgeLog`).
        self.purge_log = PurgeLog(
            self.apply,
            poll_interval,
            replay=self.ttl,
            mark=applied_mark(app.instance_path, backend),
            forget=forget,
            after_poll=after_poll,
            store_identity=backend.identity,
        )

    # -- invalidation ------------------------------------------------------------

    def apply(self, tags: Iterable[str]) -> bool:
        """Drop the entries carrying any of ``tags`` now; whether the cache took it.

        A ``layout`` or ``*`` purge also forgets the site state (locale, theme,
        whether the cache is on), read again by the next poll (:class:`PurgeLog`).
        """
        names = set(tags)
        if not names:
            return True
        if names & {LAYOUT, EVERYTHING}:
            self._state = None
            self._generations = None
            self._entries, self._filled = {}, {}  # most are dropped: free their memory
        try:
            self.backend.invalidate(names)
        except CacheUnavailable as exc:
            self._unavailable(exc)
            return False
        return True

    def forget_generations(self) -> None:
        """Read the generation counters again on the next request (one moved in this process)."""
        self._generations = None

    def clear(self) -> int:
        """Drop every entry; how many. Raises :class:`CacheUnavailable` when the cache fails."""
        self._state = None
        self._entries, self._filled = {}, {}
        return self.backend.clear()

    def _unavailable(self, exc: Exception) -> None:
        with self._lock:
            self._down_until = time.monotonic() + self.retry
            first, self._down = not self._down, True
        if first:
            log.warning("the page cache is unreachable (%s); pages are rendered meanwhile", exc)

    def _available(self) -> bool:
        if self._down and time.monotonic() >= self._down_until:
            with self._lock:
                self._down = False
            log.warning("the page cache answers again")
        return not self._down

    # -- requests ----------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Answer ``environ`` from the cache, or through Flask (storing what it may)."""
        request = cache_request(
            environ,
            cookie_names=self._cookie_names,
            query_params=self.query_params,
            site_url=self.app.config.get("SITE_URL"),
        )
        if request is None or not self._available() or not passes_without_a_form(environ):
            return self.wsgi_app(environ, start_response)  # Flask refuses what it must
        with self.app.app_context():
            looked = self._look_up(request)
            if looked is not None and looked[1] is not None:
                return self._hit(looked[1], environ, start_response, request)
        if looked is None:
            return self.wsgi_app(environ, start_response)
        key, _entry, epoch = looked
        return self._miss(environ, start_response, request, key, epoch)

    def _look_up(self, request: CacheRequest) -> tuple[str, Entry | None, int] | None:
        """``(key, entry or None, epoch)``; ``None`` when the request must go to Flask untouched.

        Reads nothing from the database itself: the purge log, the counters
        and the site state come from the poll thread (:class:`PurgeLog`),
        which also runs the site's periodic tasks (promoting due scheduled
        articles). While no recent poll succeeded (the database fails or
        does not answer), nothing is served from the cache: a stored page
        could outlive a change made meanwhile on another host (an unpublish),
        and Flask answers 503.
        """
        if not self._use_generations():  # no recent poll: the database fails or hangs
            return None
        if self.purge_log.behind:  # a purge the cache refused: nothing it holds is trusted
            return None
        state = self._state
        if state is None or not state.enabled:  # unreadable (Flask answers 503), or being read
            return None
        key = request.key(self.version, state.locale, state.theme)
        try:
            data = self.backend.get(key)
            if data is not None:
                try:
                    return key, self._entry(key, data), 0
                except ValueError:
                    log.warning("page cache: dropped an unreadable entry for %s", request.path)
            return key, None, self.backend.epoch()
        except CacheUnavailable as exc:
            self._unavailable(exc)
            return None

    def _hit(
        self,
        entry: Entry,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        request: CacheRequest,
    ) -> Iterable[bytes]:
        visitor = Visitor.from_environ(environ)
        now = time.time()
        not_modified = _not_modified(entry, environ, now)
        status = 304 if not_modified else entry.status
        body = entry.body
        page = entry.identity
        page_served(page if page.status == status else page.with_status(status), visitor)
        if entry.live and request.method == "GET":
            body, session_cookies = self._fill(entry, environ, visitor)
        else:
            session_cookies = []
        headers = list(entry.headers) if status == 200 else []
        if request.scheme == "https":  # as cms.security adds it to every HTTPS answer
            headers.append(("Strict-Transport-Security", "max-age=31536000"))
        cookies = visitor.cookie_headers() + session_cookies
        headers += self._cache_headers(entry, private=bool(cookies), now=now)
        headers += [("Set-Cookie", value) for value in cookies]
        headers.append(("X-Page-Cache", "hit"))
        return self._answer(
            start_response, status, headers, body, request.method, head_length=not entry.live
        )

    def _miss(
        self,
        environ: dict[str, Any],
        start_response: Callable[..., Any],
        request: CacheRequest,
        key: str,
        epoch: int,
    ) -> Iterable[bytes]:
        record = PageRecord()
        environ[ENVIRON_KEY] = record
        captured = Captured()

        def capture(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            captured.status, captured.headers, captured.exc_info = status, headers, exc_info
            return lambda data: None  # nothing writes through it: Flask returns its body

        result = self.wsgi_app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        headers = list(captured.headers or [])
        if not record.cacheable or record.refused:
            if record.refused:
                log.debug("page cache: %s not stored: %s", request.path, record.refused)
            if record.visitor is None and not (record.cacheable and record.live):
                # nothing to fill, no cookie left to set: as Flask said
                if record.cacheable:
                    headers.append(("X-Page-Cache", "miss"))
                start_response(captured.status, headers, captured.exc_info)
                return [body]
        sets_cookie = any(name.lower() == "set-cookie" for name, _ in headers)
        storable = (
            record.cacheable
            and not record.refused
            and captured.code == 200
            and request.method == "GET"
            and request.clean_query
            and request.query_names() <= record.query_params
            and not sets_cookie
            and record.identity is not None
        )
        entry = None  # also for a refused page: its live widgets are filled all the same
        if record.identity is not None and record.cacheable:
            entry = make_entry(
                captured.code,
                headers,
                body,
                record.live,
                record.identity,
                theme=record.theme,
                locale=record.locale,
                created=time.time(),
            )
        if storable and entry is not None:
            ttl = self.ttl if record.max_age is None else min(self.ttl, record.max_age)
            try:
                self.backend.put(key, entry.dumps(), record.tags, ttl, epoch)
            except CacheUnavailable as exc:
                self._unavailable(exc)
        visitor = record.visitor or Visitor.from_environ(environ)
        session_cookies: list[str] = []
        if entry is not None and entry.live and request.method == "GET":
            with self.app.app_context():
                body, session_cookies = self._fill(entry, environ, visitor, record.widget_deadline)
        kept = [
            (n, v)
            for n, v in headers
            if n.lower() not in ("content-length", "vary", "cache-control", "etag", "last-modified")
            or (n.lower() == "vary" and entry is None)
        ]
        cookies = visitor.cookie_headers() + session_cookies
        if entry is not None and captured.code == 200 and not sets_cookie:
            # A HEAD's body is empty and a refused page incomplete: no validators of them.
            whole = request.method == "GET" and not record.refused
            kept += self._cache_headers(
                entry, private=bool(cookies), validators=whole, now=time.time()
            )
        elif sets_cookie or cookies:
            # An answer setting a visitor's cookie: no shared cache may keep it (RFC 9111
            # section 7.3), and the browser asks again (its live parts are per request).
            kept.append(("Cache-Control", "no-cache, private"))
        kept += [("Set-Cookie", value) for value in cookies]
        kept.append(("X-Page-Cache", "miss"))
        code = captured.code
        return self._answer(start_response, code, kept, body, request.method, captured.status)

    # -- pieces --------------------------------------------------------------------

    def _entry(self, key: str, data: bytes) -> Entry:
        """The :class:`Entry` of ``data``, stored under ``key``; raises :class:`ValueError`.

        The store stays the only source of truth: the entry decoded last time
        is reused only when the store gave exactly the same bytes, so a
        changed, dropped or replaced entry (by any worker) is decoded afresh.
        """
        known = self._entries.get(key)
        if known is not None and known[0] == data:
            return known[1]
        entry = Entry.loads(data)
        with self._entries_lock:
            _keep(self._entries, key, (data, entry))
        return entry

    def _shared_body(self, entry: Entry, pieces: list[str | None]) -> bytes:
        """:meth:`_join` of ``entry`` and ``pieces`` (none ``None``), kept for the same pieces.

        Live widgets shared by every reader give the same HTML until it
        expires: the body made of it last time is reused while it does.
        """
        known = self._filled.get(id(entry))
        if known is not None and known[0] is entry and known[1] == pieces:
            return known[2]
        body = self._join(entry, [str(html) for html in pieces])
        with self._entries_lock:
            _keep(self._filled, id(entry), (entry, pieces, body))
        return body

    def _use_generations(self) -> bool:
        """Give this context the counters the poll thread read last (app context); whether it could.

        A hit reads nothing from the database: :class:`PurgeLog` reads the
        counters (plugin states, widget placement) with the purge log every
        ``PAGE_CACHE_POLL`` seconds, in a thread. After this process moved a
        counter, or a purge dropped the site state, only a poll begun since
        will do (read your writes): the request waits for it, at most
        ``purge_log.wait`` seconds. ``False`` when no recent poll succeeded
        (the database fails or does not answer): the request goes to Flask.
        """
        known = self._generations
        since = time.monotonic() if known is None or self._state is None else 0.0
        snapshot = self.purge_log.view(db.engine, since)
        if snapshot is None:
            return False
        g.cms_generations = snapshot.counters
        if self._generations is known:  # else a counter moved meanwhile: the next request waits
            self._generations = (snapshot.started, snapshot.counters)
        return True

    def _page_tasks(self) -> None:
        """Run the periodic tasks the site registered (due scheduled articles); never raises.

        In the poll thread, after each successful poll: every process that
        serves pages runs them about once a second, and no cache hit waits
        for their database work. Each task keeps its own pace (promotion
        runs every ``PROMOTE_EVERY`` seconds).
        """
        with self.app.app_context():
            for task in self.app.extensions.get("cms_page_tasks", ()):
                try:
                    task()
                except Exception:  # the poll goes on whatever a task does
                    log.exception("page cache: a periodic task failed")

    def _fill(
        self,
        entry: Entry,
        environ: dict[str, Any],
        visitor: Visitor,
        deadline: float | None = None,
    ) -> tuple[bytes, list[str]]:
        """The body with each live widget rendered for ``visitor``, and session cookies to set.

        ``deadline`` is when the page's widget time budget ends, if Flask's
        render already started it (a miss); else live widgets get a budget of their own.
        """
        # cms.plugins.widgets imports this package: imported here to break the cycle
        from cms.plugins.widgets import render_live, shared_live

        shared = [
            shared_live(instance_id, entry.identity, theme=entry.theme, locale=entry.locale)
            for _start, _end, instance_id in entry.live
        ]
        if None not in shared:  # nothing to render: no request needed
            return self._shared_body(entry, shared), []
        cookies: list[str] = []
        with self.app.request_context(environ):
            g.cms_theme, g.cms_locale = entry.theme, entry.locale  # as the page was rendered
            if deadline is not None:
                g.cms_widget_deadline = deadline
            pieces = [
                render_live(
                    instance_id, entry.identity, visitor, theme=entry.theme, locale=entry.locale
                )
                for _start, _end, instance_id in entry.live
            ]
            if session.modified:  # a live form asked for a CSRF token: keep it in the session
                response = Response()
                self.app.session_interface.save_session(self.app, session, response)
                cookies = response.headers.getlist("Set-Cookie")
        return self._join(entry, pieces), cookies

    @staticmethod
    def _join(entry: Entry, pieces: list[str]) -> bytes:
        """``entry``'s body with its placeholders replaced by ``pieces``, in order."""
        parts: list[bytes] = []
        position = 0
        for (start, end, _instance_id), html in zip(entry.live, pieces, strict=True):
            parts.append(entry.body[position:start])
            parts.append(html.encode("utf-8"))
            position = end
        parts.append(entry.body[position:])
        return b"".join(parts)

    def _cache_headers(
        self, entry: Entry, *, private: bool = False, validators: bool = True, now: float
    ) -> list[tuple[str, str]]:
        """``Cache-Control`` and validators; ``private`` for an answer that sets a cookie.

        A shared cache may store an answer with ``Set-Cookie`` unless told
        otherwise (RFC 9111 section 7.3): such answers are ``private``.
        Without ``validators`` (an answer that is not the whole stored page),
        a page without live widgets may not be kept either: ``no-cache``.
        ``Last-Modified`` (whole seconds) goes only with an answer sent in a
        later second than ``entry`` was created (``now``: Unix seconds, the
        answer's ``Date``): within that second another version may follow it
        under the same date (RFC 9110 section 8.8.2.2: a weak validator).
        """
        scope = "private" if private else "public"
        if entry.live or not validators:
            return [("Cache-Control", "no-cache, private" if private else "no-cache")]
        headers = [
            ("Cache-Control", f"{scope}, max-age={self.browser_max_age}"),
            ("ETag", entry.etag),
        ]
        if int(entry.created) < int(now):
            headers.append(("Last-Modified", entry.last_modified))
        return headers

    @staticmethod
    def _answer(
        start_response: Callable[..., Any],
        code: int,
        headers: list[tuple[str, str]],
        body: bytes,
        method: str,
        status_line: str | None = None,
        *,
        head_length: bool = False,
    ) -> Iterator[bytes] | list[bytes]:
        """Start the answer; ``head_length``: ``body`` is a GET's, so a HEAD gives its size."""
        if code == 304:
            start_response("304 NOT MODIFIED", headers)
            return []
        if method != "HEAD" or head_length:
            headers.append(("Content-Length", str(len(body))))
        start_response(status_line or _STATUS_LINES.get(code) or f"{code} OK", headers)
        return [] if method == "HEAD" else [body]


_STATUS_LINES = {200: "200 OK"}


def _keep(memo: dict[Any, Any], key: Any, value: Any) -> None:
    """Put ``value`` in ``memo`` under ``key``, dropping the oldest beyond :data:`ENTRY_MEMO_SIZE`.

    The caller holds the lock of ``memo``'s writers.
    """
    if key not in memo and len(memo) >= ENTRY_MEMO_SIZE:
        del memo[next(iter(memo))]
    memo[key] = value


def _not_modified(entry: Entry, environ: dict[str, Any], now: float) -> bool:
    """Whether a conditional request may be answered 304 (RFC 9110 section 13.2.2).

    Never for a page with live widgets. ``If-None-Match`` (weak comparison)
    wins over ``If-Modified-Since`` (second precision), which counts only
    where :meth:`PageCache._cache_headers` sends ``Last-Modified``: for an
    entry created in an earlier second than ``now`` (Unix seconds), so that a
    version created later in the same second is never taken for an earlier
    one (RFC 9110 section 8.8.2.2). A date after ``now`` (a clock ahead)
    proves nothing and is ignored, as RFC 2616 section 14.25 said.
    """
    if entry.live:
        return False
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        return parse_etags(if_none_match).contains_weak(unquote_etag(entry.etag)[0] or "")
    since = parse_date(environ.get("HTTP_IF_MODIFIED_SINCE"))
    if since is None or since.timestamp() > now or int(entry.created) >= int(now):
        return False
    return int(entry.created) <= since.timestamp()
