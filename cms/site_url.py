"""The site's own address: every absolute URL, the Host check and canonical redirects.

With ``CMS_SITE_URL`` set (DESIGN.md section 4), every absolute URL the
application builds (``url_for(..., _external=True)``: feeds, sitemap, canonical
and OpenGraph links, API ``Location``, routing redirects) starts with that
value, and a request naming another host (``Host`` or, behind trusted
proxies, ``X-Forwarded-Host``) is refused with 400, ``/healthz`` excepted, so
a request's host never reaches a URL, a header or a cached page. Without it
(development) the request's host is used, once it is a valid one
(:func:`is_valid_host`; any other is refused with 400 too).
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Collection
from typing import Any
from urllib.parse import quote, unquote, unquote_to_bytes, urlsplit

from flask import Flask, Request, abort, current_app, has_request_context, redirect, request
from werkzeug.routing import MapAdapter
from werkzeug.wrappers import Response as BaseResponse

log = logging.getLogger(__name__)

#: Paths answered whatever the request's host: load balancers call them by address.
HOST_EXEMPT_PATHS = frozenset({"/healthz"})
#: Ports that browsers leave out of URLs; a host with one of them equals the bare host.
DEFAULT_PORTS = frozenset({80, 443})
#: One DNS label (RFC 1123): letters, digits and inner hyphens, 1 to 63 characters.
_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$")
#: Characters left as they are in a query string copied into a redirect (RFC 3986
#: ``query``: unreserved, sub-delims, ``:@/?`` and existing percent-escapes).
_QUERY_SAFE = "-._~!$&'()*+,;=:@/?%"
#: Characters Werkzeug leaves unquoted in a path (``PathConverter.to_url``).
PATH_SAFE = "!$&'()*+,/:;=@"


def parse_site_url(raw: str) -> str:
    """Validate a site URL and return it as ``scheme://host[:port]``, lower case.

    The value must be an absolute ``http`` or ``https`` URL naming a host (a DNS
    name, an IDN, which is stored in its ASCII form, or an IP address), with an
    optional port and no user, path (a lone ``/`` is allowed), query or fragment
    (RFC 3986 section 3). Raises :class:`ValueError` saying what is wrong.
    """
    text = raw.strip()
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError as exc:
        raise ValueError(f"it is not a URL ({exc})") from exc
    if parts.scheme.lower() not in ("http", "https"):
        raise ValueError("it must start with http:// or https://")
    if not parts.hostname:
        raise ValueError("it must name a host, as in https://news.example.org")
    if parts.username is not None or parts.password is not None:
        raise ValueError("it must not hold a user name or password")
    if parts.path not in ("", "/"):
        raise ValueError("it must not have a path: the site is served from the root")
    if parts.query or parts.fragment or "?" in text or "#" in text:
        raise ValueError("it must not have a query string or a fragment")
    host = _ascii_host(parts.hostname)
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port not in DEFAULT_PORTS:
        netloc = f"{netloc}:{port}"
    return f"{parts.scheme.lower()}://{netloc}"


def _ascii_host(hostname: str) -> str:
    """The ASCII form of a host name or IP literal; :class:`ValueError` if it is not one."""
    if ":" in hostname:  # an IPv6 literal; urlsplit checked the brackets
        if not re.fullmatch(r"[0-9a-f:.]+", hostname):
            raise ValueError(f"{hostname!r} is not a valid IPv6 address")
        return hostname
    try:
        host = hostname.rstrip(".").encode("idna").decode("ascii").lower()
    except UnicodeError as exc:
        raise ValueError(f"{hostname!r} is not a valid host name") from exc
    if not host or len(host) > 253 or not all(_LABEL.match(label) for label in host.split(".")):
        raise ValueError(f"{hostname!r} is not a valid host name")
    return host


def _host_and_port(netloc: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of a ``Host`` value, the port ``None`` when default; ``None`` if invalid."""
    if not netloc or any(ch in netloc for ch in "/?#@\\") or not netloc.isprintable():
        return None
    try:
        parts = urlsplit(f"//{netloc}")
        port = parts.port
        host = _ascii_host(parts.hostname or "")
    except ValueError:
        return None
    return host, (None if port in DEFAULT_PORTS else port)


def is_valid_host(host: str) -> bool:
    """Whether ``host``, a request's host as Werkzeug reads it, names a host URLs can use.

    ``host`` is :attr:`flask.Request.host` (or :func:`werkzeug.wsgi.get_host`):
    the ``Host`` header (``X-Forwarded-Host`` behind trusted proxies), a default
    port left out, and ``""`` when the value is empty or holds a character no
    host holds (a space, ``/``, a control character...). Valid: a DNS name (an
    IDN in the ASCII form browsers send), an IPv4 address or a bracketed IPv6
    address, with an optional port (RFC 9110 section 7.2, RFC 3986 section
    3.2.2). RFC 9112 section 3.2: a request with an invalid ``Host`` gets 400.
    """
    return bool(host) and _host_and_port(host) is not None


def is_site_host(host: str, site_url: str) -> bool:
    """Whether a request's ``Host`` value names the site of ``site_url``.

    Case, a trailing dot and a default port (80, 443) do not matter; any other
    port must be the site's own.
    """
    wanted = _host_and_port(urlsplit(site_url).netloc)
    return wanted is not None and _host_and_port(host) == wanted


def site_root() -> str:
    """The absolute root every URL of the site starts with, without a trailing slash.

    ``CMS_SITE_URL`` when set; otherwise (development) the current request's
    scheme and host. Outside a request without the setting, raises
    :class:`RuntimeError`.
    """
    configured = current_app.config.get("SITE_URL")
    if configured:
        return str(configured)
    if not has_request_context():
        raise RuntimeError("CMS_SITE_URL is not set and there is no request to take a host from")
    return f"{request.scheme}://{request.host}"


class SiteFlask(Flask):
    """Flask whose absolute URLs use ``CMS_SITE_URL`` when it is set.

    Every absolute URL goes through the URL adapter built here, so overriding
    :meth:`create_url_adapter` is the one place that decides their scheme and
    host; relative URLs and routing are unchanged.
    """

    def create_url_adapter(self, request: Request | None) -> MapAdapter | None:
        """The request's (or the app's) URL adapter, building on the site's scheme and host."""
        adapter = super().create_url_adapter(request)
        site = self.config.get("SITE_URL")
        if adapter is not None and site:  # made for every app context: the page cache's too
            adapter.url_scheme, adapter.server_name = _scheme_and_netloc(site)
        return adapter


@functools.lru_cache(maxsize=8)
def _scheme_and_netloc(site: str) -> tuple[str, str]:
    """``(scheme, netloc)`` of a site URL, split once per value (a pure function)."""
    parts = urlsplit(site)
    return parts.scheme, parts.netloc


def refuse_foreign_host() -> None:
    """Answer 400 to a request for another host than ``CMS_SITE_URL``'s (``/healthz`` excepted).

    Without ``CMS_SITE_URL``, to a request whose host is not valid
    (:func:`is_valid_host`): absolute URLs are built on it. The answer is the
    localized error page (JSON under ``/api/``) of :func:`cms.errors.handle_http_error`.
    """
    if request.path in HOST_EXEMPT_PATHS:
        return
    site = current_app.config.get("SITE_URL")
    if site:
        if not is_site_host(request.host, site):
            log.warning("refused a request for host %r (the site is %s)", request.host, site)
            abort(400)
    elif not is_valid_host(request.host):
        log.warning("refused a request for the invalid host %r", request.headers.get("Host"))
        abort(400)


def collapse_leading_slashes() -> BaseResponse | None:
    """301 from ``//news/x`` (or ``/%2Fnews/x``) to ``/news/x``, query string kept.

    Werkzeug reads any run of leading slashes as one (``request.path``), so
    without this every URL answers under a second spelling. A path that would
    start with ``/\\`` once collapsed is left alone: browsers read that as
    another host.
    """
    raw = request.environ.get("PATH_INFO") or "/"
    if not raw.startswith("//") or request.method not in ("GET", "HEAD"):
        return None
    if request.path.startswith("/\\"):
        return None
    return redirect(quote(request.path, safe=PATH_SAFE) + query_suffix(), 301)


def query_suffix(without: Collection[str] = ()) -> str:
    """The current request's query string as ``?...`` (escaped) or ``''``, for redirects.

    Parameters named in ``without`` are left out, every other one is kept as
    it was sent (order, repeats and encoding included).
    """
    raw = request.query_string
    if raw and without:
        dropped = {name.encode() for name in without}
        raw = b"&".join(
            part
            for part in raw.split(b"&")
            if unquote_to_bytes(part.split(b"=", 1)[0].replace(b"+", b" ")) not in dropped
        )
    return f"?{quote(raw, safe=_QUERY_SAFE)}" if raw else ""


def is_current(url: str) -> bool:
    """Whether ``url`` (as :func:`flask.url_for` builds it) names the path being requested."""
    return unquote(urlsplit(url).path) == request.script_root + request.path


def redirect_keeping_query(
    url: str, code: int = 301, *, without: Collection[str] = ()
) -> BaseResponse:
    """Redirect to ``url``, one of our own URLs, with the request's query string kept.

    The ``Location`` is ``url`` (a path of this site, never a request's host)
    plus the original query string, escaped, less the parameters named in
    ``without``: no open redirect.
    """
    return redirect(urlsplit(url).path + query_suffix(without), code)


def init_app(app: Flask) -> None:
    """Set how URLs are built outside requests and install the Host check, first of all hooks."""
    site = app.config.get("SITE_URL")
    if site:
        parts = urlsplit(site)
        app.config["SERVER_NAME"] = parts.netloc
        app.config["PREFERRED_URL_SCHEME"] = parts.scheme
    hooks: list[Any] = app.before_request_funcs.setdefault(None, [])
    hooks.insert(0, refuse_foreign_host)
    hooks.insert(1, collapse_leading_slashes)
