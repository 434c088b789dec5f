"""What the ``page_view`` event and live widgets get: the page's identity and the visitor's facts.

Neither holds an ORM object nor the Flask request: the page cache, in front of
Flask, builds both from a WSGI environ and calls the same plugin code as a
rendered page does. Shapes:

- :class:`PageIdentity`: ``kind`` (``home``, ``article``, ``page``,
  ``category``, ``tag``, ``search``, ``other``), ``object_id`` (the article's,
  page's, category's or tag's id, else ``None``), ``path`` (the request path),
  ``status`` (the answer's HTTP status) and ``category_id`` (the article's
  category, or the category listed; for visibility rules).
- :class:`Visitor`: ``address`` (the client address after ``CMS_PROXY_HOPS``
  proxies, from ``REMOTE_ADDR`` once :class:`werkzeug.middleware.proxy_fix.ProxyFix`
  ran), ``user_agent``, ``method``, ``cookies``, ``referrer``, ``no_tracking``
  (``DNT: 1`` or ``Sec-GPC: 1``), ``user_id`` (a signed-in user's
  id; never set on a page served from the page cache, which serves anonymous
  readers only) and the cookies plugins ask to set (:meth:`Visitor.set_cookie`),
  which the engine adds to the answer.

The ``page_view`` hook (:mod:`cms.plugins.spec`) gets both. :func:`init_app`
fires it after every public page Flask answers, with the answer's final status;
the page cache, answering in front of Flask, calls :func:`page_served` the same way.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from crawlerdetect import CrawlerDetect
from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user
from werkzeug.http import dump_cookie, parse_cookie
from werkzeug.wrappers import Response

log = logging.getLogger(__name__)

#: Page kinds a :class:`PageIdentity` may have.
PAGE_KINDS = ("home", "article", "page", "category", "tag", "search", "other")
#: Distinct user agents whose crawler verdict a process remembers.
CRAWLER_CACHE_SIZE = 4096
#: Longest user agent looked at; longer ones are cut (a verdict on 500 characters is enough).
USER_AGENT_MAX = 500
#: Longest client address kept (an IPv6 address with a zone fits).
ADDRESS_MAX = 100
#: Longest HTTP method kept.
METHOD_MAX = 20
#: Longest ``Referer`` kept (enough for a host name and a path).
REFERRER_MAX = 500

_detector = CrawlerDetect()
_detector_lock = threading.Lock()


@functools.lru_cache(maxsize=CRAWLER_CACHE_SIZE)
def is_crawler(user_agent: str) -> bool:
    """Whether ``user_agent`` is a robot's (an empty one counts as a robot).

    Uses ``crawlerdetect`` (the Python port of the PHP CrawlerDetect list of
    about 1,500 robot signatures); the verdict is remembered per agent in the
    process (a pure function of the string: nothing shared between workers is
    kept here), since a fresh check costs a fraction of a millisecond.
    """
    agent = (user_agent or "").strip()[:USER_AGENT_MAX]
    if not agent:
        return True
    with _detector_lock:  # the detector keeps its last matches on itself
        return bool(_detector.isCrawler(agent))


def _header_bytes(value: Any) -> bytes | None:
    """The bytes of a WSGI header value (latin-1 text per PEP 3333), or None if it has none."""
    if isinstance(value, bytes):
        return value
    if not isinstance(value, str):
        return None
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:  # a server that decoded it already
        return value.encode("utf-8", "replace")


def environ_text(value: Any) -> str:
    """A WSGI header value as text: its bytes read as UTF-8, U+FFFD for bytes that are not.

    ``None`` and values that are neither text nor bytes give ``""``. Never raises.
    """
    if type(value) is str and value.isascii():  # most values: their bytes are their text
        return value
    data = _header_bytes(value)
    return "" if data is None else data.decode("utf-8", "replace")


def readable_cookies(header: Any) -> dict[str, str]:
    """The cookies of a WSGI ``HTTP_COOKIE`` value, name -> value (the first of a repeated name).

    A cookie whose bytes are not UTF-8 is left out, the others kept; ``None`` or
    an odd value gives no cookies. Never raises (Werkzeug's ``parse_cookie``
    raises :class:`UnicodeDecodeError` for the whole header).
    """
    data = _header_bytes(header)
    if not data:
        return {}
    kept: list[bytes] = []
    for part in data.split(b";"):
        try:
            part.decode("utf-8")
        except UnicodeDecodeError:
            continue
        kept.append(part)
    # parse_cookie reads a str as WSGI gives it: latin-1 standing for the bytes.
    return dict(parse_cookie(b";".join(kept).decode("latin-1")))


@dataclass(frozen=True)
class PageIdentity:
    """Which public page was served, in plain values (see the module docstring)."""

    #: One of :data:`PAGE_KINDS`.
    kind: str
    #: Id of the article, page, category or tag shown, else ``None``.
    object_id: int | None = None
    #: The request path, e.g. ``/news/cai-cach-hanh-chinh``.
    path: str = "/"
    #: HTTP status of the answer (200, 304, 404...).
    status: int = 200
    #: The article's category id, or the listed category's, else ``None``.
    category_id: int | None = None

    @property
    def key(self) -> str:
        """``kind:id`` (``article:12``, ``home:``): identifies the page for caches."""
        return f"{self.kind}:{'' if self.object_id is None else self.object_id}"

    def with_status(self, status: int) -> PageIdentity:
        """A copy carrying the answer's final ``status``."""
        return PageIdentity(self.kind, self.object_id, self.path, int(status), self.category_id)


@dataclass(frozen=True)
class NewCookie:
    """A cookie a plugin asked to set on the answer (arguments of ``Response.set_cookie``)."""

    name: str
    value: str
    max_age: int | None = None
    path: str = "/"
    httponly: bool = True
    samesite: str = "Lax"


@dataclass
class Visitor:
    """The facts of the visitor's request (see the module docstring); no Flask objects."""

    #: Client address after ``CMS_PROXY_HOPS`` trusted proxies (``""`` if unknown).
    address: str = ""
    #: The ``User-Agent`` header (``""`` if absent).
    user_agent: str = ""
    #: HTTP method (``GET``, ``HEAD``...).
    method: str = "GET"
    #: The request's cookies, name -> value.
    cookies: Mapping[str, str] = field(default_factory=dict)
    #: A signed-in user's id; ``None`` for anonymous readers (and on page-cache hits).
    user_id: int | None = None
    #: Whether the request came over HTTPS (after trusted proxies).
    secure: bool = False
    #: The ``Referer`` header, cut to :data:`REFERRER_MAX` characters (``""`` if absent).
    referrer: str = ""
    #: Whether the browser asks not to be tracked (``DNT: 1`` or ``Sec-GPC: 1``).
    no_tracking: bool = False
    #: Cookies plugins asked to set, in order; the engine adds them to the answer.
    new_cookies: list[NewCookie] = field(default_factory=list)

    @property
    def is_crawler(self) -> bool:
        """Whether the user agent is a robot's (:func:`is_crawler`)."""
        return is_crawler(self.user_agent)

    def set_cookie(
        self,
        name: str,
        value: str,
        *,
        max_age: int | None = None,
        path: str = "/",
        httponly: bool = True,
        samesite: str = "Lax",
    ) -> None:
        """Ask for a cookie on the answer (also on a page-cache hit); ``max_age`` in seconds.

        The value is visible to later calls in this request through :attr:`cookies`.
        The cookie is ``Secure`` when the request came over HTTPS. Asked again for the
        same name and path (three live forms on a page), the last call wins: the
        answer sets it once (:meth:`cookie_headers`).
        """
        self.new_cookies.append(NewCookie(name, value, max_age, path, httponly, samesite))
        self.cookies = {**self.cookies, name: value}

    @classmethod
    def from_environ(cls, environ: Mapping[str, Any], user_id: int | None = None) -> Visitor:
        """The facts of a WSGI request (after ``ProxyFix``), without making a Flask request.

        Never raises, whatever ``environ`` holds: the page cache calls it before
        Flask's input checks (:mod:`cms.inputs`) have refused anything. Header
        values are read as UTF-8 (their bytes, which WSGI gives as latin-1), with
        bytes that are not UTF-8 replaced by U+FFFD; a cookie whose bytes are not
        UTF-8 is left out, the others kept. Missing or odd values give the
        defaults (``""``, ``GET``, no cookies).
        """
        try:
            return cls(
                address=environ_text(environ.get("REMOTE_ADDR"))[:ADDRESS_MAX],
                user_agent=environ_text(environ.get("HTTP_USER_AGENT"))[:USER_AGENT_MAX],
                method=(environ_text(environ.get("REQUEST_METHOD")) or "GET").upper()[:METHOD_MAX],
                cookies=readable_cookies(environ.get("HTTP_COOKIE")),
                user_id=user_id,
                secure=environ.get("wsgi.url_scheme") == "https",
                referrer=environ_text(environ.get("HTTP_REFERER"))[:REFERRER_MAX],
                no_tracking="1"
                in (
                    environ_text(environ.get("HTTP_DNT")).strip(),
                    environ_text(environ.get("HTTP_SEC_GPC")).strip(),
                ),
            )
        except Exception:  # an environ that is not a mapping of plain values
            log.warning("unreadable request facts; an anonymous visitor is used", exc_info=True)
            return cls(user_id=user_id)

    def cookie_headers(self) -> list[str]:
        """The ``Set-Cookie`` header values of the cookies asked for, in order.

        One per name and path, the last asked for (RFC 6265 section 4.1.1: a
        server should not send two ``Set-Cookie`` fields for the same cookie).
        """
        last = {(cookie.name, cookie.path): cookie for cookie in self.new_cookies}
        return [
            dump_cookie(
                cookie.name,
                cookie.value,
                max_age=cookie.max_age,
                path=cookie.path,
                httponly=cookie.httponly,
                samesite=cookie.samesite,
                secure=self.secure,
            )
            for cookie in last.values()
        ]

    def apply_cookies(self, response: Any) -> None:
        """Add the cookies asked for to a Werkzeug ``response``."""
        for value in self.cookie_headers():
            response.headers.add("Set-Cookie", value)


def current_visitor() -> Visitor:
    """The :class:`Visitor` of the current Flask request (one per request, kept in ``g``)."""
    visitor = g.get("cms_visitor")
    if visitor is None:
        user_id = None
        if has_request_context() and getattr(current_user, "is_authenticated", False):
            user_id = getattr(current_user, "id", None)  # get_id() is the session's secret
        visitor = Visitor.from_environ(request.environ, user_id=user_id)
        g.cms_visitor = visitor
    return visitor


def current_page() -> PageIdentity | None:
    """The :class:`PageIdentity` of the public page the current request renders, if any."""
    return g.get("cms_page_identity")


def page_served(page: PageIdentity, visitor: Visitor) -> None:
    """Fire the ``page_view`` hook: ``page`` (with its final status) was answered to ``visitor``.

    Called by :func:`init_app`'s handler for pages Flask renders, and by the page
    cache on a hit. Needs an app context (the site whose plugins hear it). Never
    raises: a failing implementation is logged and counted against its plugin
    by the registry, and anything else going wrong is logged, so the page is
    always answered. Cookies the implementations ask for are in
    ``visitor.new_cookies`` afterwards (:meth:`Visitor.apply_cookies`).
    """
    try:
        # Through app.extensions: the plugin engine imports this module, not the other way.
        current_app.extensions["cms_plugins"].call("page_view", page=page, visitor=visitor)
    except Exception:  # the page is answered whatever a listener does
        log.exception("the page_view event failed for %s", page.path)


def _after_page(response: Response) -> Response:
    """Fire ``page_view`` for a public page with the answer's status; add cookies asked for."""
    try:
        page = current_page()
        if page is not None:
            page_served(page.with_status(response.status_code), current_visitor())
        visitor: Visitor | None = g.get("cms_visitor")
        if visitor is not None and _handed_to_page_cache(visitor):
            return response  # the page cache sets its cookies after the live widgets ran
        if visitor is not None and visitor.new_cookies:  # from page_view or a live widget
            visitor.apply_cookies(response)
    except Exception:  # the answer goes out whatever happened here
        log.exception("after the page %s: the page_view event or its cookies failed", request.path)
    return response


def _handed_to_page_cache(visitor: Visitor) -> bool:
    """Whether the page cache in front of Flask takes ``visitor`` (and sets its cookies)."""
    from cms.page_cache.record import current_record, visitor_of  # it imports this module

    return visitor_of(current_record(), visitor)


def init_app(app: Flask) -> None:
    """Fire ``page_view`` once per public page ``app`` answers, and set the cookies asked for.

    The handler runs after the response is built (``after_request``); handlers
    registered later (security headers, a test's) run before it, so the status
    it reports is the one sent (a 304 made by a later layer included).
    """
    app.after_request(_after_page)
