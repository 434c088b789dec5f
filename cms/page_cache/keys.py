"""Which requests the page cache may answer, and the key of each.

A request is looked up only when it is anonymous and harmless: ``GET`` or
``HEAD``, no ``Authorization`` header, neither the session cookie nor the
remember-me cookie, a path outside the back office, the API and static files,
a valid host and (with ``CMS_SITE_URL``) the site's own host. Everything else
goes straight to Flask.

The key (a SHA-256 digest) covers the deploy version (code, plugins, themes:
:func:`deploy_version`), the scheme, the canonical host, the path, the
normalised query, the locale and the theme. The query keeps only the
parameters listed in ``PAGE_CACHE_QUERY_PARAMS`` (default ``page``), sorted,
each value at most :data:`VALUE_MAX` characters, so ``?utm_source=...`` or a
random parameter finds the same entry and cannot create new ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import parse_qsl, urlencode, urlsplit

from werkzeug.wsgi import get_host

from cms.page_view import environ_text, readable_cookies
from cms.site_url import is_site_host, is_valid_host

#: Path prefixes never looked up: the back office, the API, files, health checks, search.
EXCLUDED_PREFIXES = (
    "/admin",
    "/api/",
    "/static/",
    "/themes/",  # theme and plugin static files: Flask sends them, with their own caching
    "/plugins/",
    "/healthz",
    "/search",
    "/media/",
    "/favicon",
)
#: Longest path looked up.
PATH_MAX = 1000
#: Longest query string looked up (longer ones go to Flask).
QUERY_MAX = 2000
#: Longest value kept of a query parameter that varies the page.
VALUE_MAX = 100
#: Longest Host header looked up.
HOST_MAX = 255
#: Distinct ``(Host, site URL)`` pairs whose answer a process remembers (:func:`_request_host`).
HOST_MEMO_SIZE = 256

#: ``(the request's host as Werkzeug reads it, site URL)`` -> the key's host, or ``None`` (refused).
#: A pure function of the pair, so nothing another worker may change is kept here.
_hosts: dict[tuple[str, str | None], str | None] = {}


@dataclass(frozen=True)
class CacheRequest:
    """A request the page cache may answer (see the module docstring)."""

    method: str
    scheme: str
    #: The request's host, lower case, as Flask builds URLs on it (a default port left out).
    host: str
    #: Where the site is mounted (``SCRIPT_NAME``, e.g. from ``X-Forwarded-Prefix``).
    root: str
    path: str
    #: The query the page is cached under (``page=2``), possibly empty.
    query: str
    #: Whether the request's query held nothing but :attr:`query` (only then is a miss stored).
    clean_query: bool

    def query_names(self) -> set[str]:
        """The names of the parameters in :attr:`query`."""
        return {name for name, _value in parse_qsl(self.query, keep_blank_values=True)}

    def key(self, version: str, locale: str, theme: str) -> str:
        """The entry key for this request on a site in ``locale`` with ``theme``."""
        raw = "\x1f".join(
            [version, self.scheme, self.host, self.root, self.path, self.query, locale, theme]
        ).encode("utf-8", "surrogateescape")
        return hashlib.sha256(raw).hexdigest()


def cache_request(
    environ: Mapping[str, Any],
    *,
    cookie_names: Iterable[str],
    query_params: Iterable[str],
    site_url: str | None,
) -> CacheRequest | None:
    """The :class:`CacheRequest` of a WSGI ``environ``, or ``None`` when it must go to Flask.

    ``cookie_names`` are the cookies that mean a signed-in user (session,
    remember-me); ``query_params`` the parameters that vary a page;
    ``site_url`` the site's canonical URL (``CMS_SITE_URL``), if set. Never raises.
    """
    try:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD") or environ.get("HTTP_AUTHORIZATION"):
            return None
        path = environ.get("PATH_INFO") or "/"
        if (
            not isinstance(path, str)
            or len(path) > PATH_MAX
            or path.startswith(("//", "/\\"))
            or path.startswith(EXCLUDED_PREFIXES)
        ):
            return None
        if "HTTP_COOKIE" in environ:
            cookies = readable_cookies(environ.get("HTTP_COOKIE"))
            if any(name in cookies for name in cookie_names):
                return None
        host = _request_host(environ, site_url)
        if host is None:
            return None
        raw_query = environ_text(environ.get("QUERY_STRING"))
        if len(raw_query) > QUERY_MAX or "%00" in raw_query or "\x00" in raw_query:
            return None  # Flask refuses NUL bytes (cms.inputs): so must the cache
        root = environ.get("SCRIPT_NAME") or ""
        if not isinstance(root, str) or len(root) > PATH_MAX:
            return None
        query, clean = normalised_query(raw_query, query_params)
        scheme = "https" if environ.get("wsgi.url_scheme") == "https" else "http"
        return CacheRequest(method, scheme, host, root, path, query, clean)
    except Exception:  # an odd environ: Flask answers it (and refuses what it must)
        return None


def _request_host(environ: Mapping[str, Any], site_url: str | None) -> str | None:
    """The host the key uses: the site's when ``site_url`` is set (other hosts: ``None``).

    Without ``site_url``, the request's host, lower case; ``None`` when it is
    not valid (:func:`cms.site_url.is_valid_host`). The host is Werkzeug's
    reading of the request (:func:`werkzeug.wsgi.get_host`, as
    :attr:`flask.Request.host`): the ``Host`` header, else (HTTP/1.0) the
    server's address, a default port left out, ``""`` when empty or malformed.
    So the cache looks up exactly the hosts Flask answers
    (:func:`cms.site_url.refuse_foreign_host` refuses the others with 400),
    under the host Flask builds the page's absolute URLs on.

    The answer depends on nothing but that host and ``site_url``, so it is
    remembered for the last :data:`HOST_MEMO_SIZE` distinct pairs: the URL
    parsing and IDNA encoding run once per host, not once per request.
    """
    if "wsgi.url_scheme" not in environ:  # PEP 3333 requires it; Flask's request says http
        environ = {**environ, "wsgi.url_scheme": "http"}
    value = get_host(cast("dict[str, Any]", environ))
    if not value or len(value) > HOST_MAX:  # refused: not remembered
        return None
    pair = (value, site_url)
    try:
        return _hosts[pair]
    except KeyError:
        pass
    host = _host_of(value, site_url)
    if len(_hosts) >= HOST_MEMO_SIZE:  # many hosts (a scan): start afresh, stay bounded
        _hosts.clear()
    _hosts[pair] = host
    return host


def _host_of(value: str, site_url: str | None) -> str | None:
    """:func:`_request_host` for Werkzeug's reading ``value`` of the request's host."""
    if not is_valid_host(value):
        return None
    if site_url:  # every URL is built on the site's host, whatever the request said
        return urlsplit(site_url).netloc.lower() if is_site_host(value, site_url) else None
    return value.lower()  # Flask builds the page's absolute URLs from it


def normalised_query(raw: str, params: Iterable[str]) -> tuple[str, bool]:
    """``(query, clean)``: the parameters of ``raw`` named in ``params``, sorted, values bounded.

    ``clean`` is ``False`` when ``raw`` held anything else (another parameter,
    a repeated one, a value longer than :data:`VALUE_MAX`), so a page rendered
    for it is not stored; an over-long value is in the query as its digest, so
    that it never finds the entry of another value (or of none). A ``page``
    value is kept as the number it spells (``page=007`` and ``page=7`` are one
    entry).
    """
    if not raw:  # most requests: nothing to parse
        return "", True
    wanted = set(params)
    kept: dict[str, str] = {}
    clean = True
    for name, value in parse_qsl(raw, keep_blank_values=True):
        if name not in wanted or name in kept:
            clean = False
            continue
        if len(value) > VALUE_MAX:  # never stored, but never another value's entry either
            clean = False
            value = "~" + hashlib.sha256(value.encode("utf-8", "surrogateescape")).hexdigest()
        elif name == "page" and value.isdigit() and value.isascii():
            value = str(int(value))
        kept[name] = value
    return urlencode(sorted(kept.items())), clean


def deploy_version(cms_version: str, folders: Iterable[str | Path]) -> str:
    """A digest that changes with the code, the plugins' and themes' files.

    Made once per process at start from ``cms_version`` and the path, size and
    modification time of every file under ``folders`` (the core's templates and
    static files, each plugin's folder, the themes' folder). A deploy or a
    theme edit thus never serves pages that point at old assets.
    """
    digest = hashlib.sha256(cms_version.encode())
    for folder in sorted({str(f) for f in folders}):
        root = Path(folder)
        if not root.is_dir():
            continue
        for path in sorted(root.rglob("*")):
            try:
                stat = path.stat()
            except OSError:
                continue
            if path.is_file() and "__pycache__" not in path.parts:
                digest.update(f"{path}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]
