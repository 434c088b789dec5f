"""Sanitizing of rich text that editors and readers supply, with nh3.

Besides the tag and attribute allow-lists, two rules hold for every stored
fragment: it holds no character XML forbids (entities such as ``&#16;`` are
decoded by the sanitizer, so the text is cleaned after it as well as before),
and its images come from this site (a relative URL, or the site's own host)
or from a host listed in the ``IMAGE_HOSTS`` setting; an image from anywhere
else could track readers, and the public Content Security Policy would block it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import nh3
from flask import current_app, has_app_context, has_request_context, request

from cms.content.text import clean_text
from cms.models.types import strip_forbidden_references

#: Tags an article body may use.
ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "col", "colgroup",
    "dd", "del", "div", "dl", "dt", "em", "figcaption", "figure", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small",
    "span", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "u", "ul",
}  # fmt: skip

#: Attributes allowed per tag (``*`` for all tags).
ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height", "loading"},
    "td": {"colspan", "rowspan", "headers"},
    "th": {"colspan", "rowspan", "scope", "headers"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed", "type"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "del": {"cite", "datetime"},
    "ins": {"cite", "datetime"},
}

#: URL schemes allowed in links and image sources (relative URLs are always allowed).
ALLOWED_SCHEMES = {"http", "https", "mailto", "tel"}

#: One entry of ``IMAGE_HOSTS``: a host name, optionally ``*.`` for its sub-domains.
_LABEL = r"[a-z0-9](?:[a-z0-9-]*[a-z0-9])?"
IMAGE_HOST_RE = re.compile(rf"^(\*\.)?{_LABEL}(?:\.{_LABEL})*$")
#: What browsers drop from a URL before reading it (WHATWG URL): tabs and line breaks
#: anywhere, C0 controls and spaces at both ends.
_URL_NOISE = re.compile(r"[\t\n\r]")
_URL_TRIM = "".join(map(chr, range(0x21)))


def parse_image_hosts(value: str | Iterable[str] | None) -> tuple[str, ...]:
    """The ``IMAGE_HOSTS`` setting as lower-case host names (``*.example.org`` allowed).

    Takes a comma- or space-separated string (``CMS_IMAGE_HOSTS``) or a list
    (``instance/config.py``); an entry given as a URL keeps its host only.
    Raises :class:`ValueError` naming an entry that is not a host name.
    """
    return _parse_image_hosts(value if value is None or isinstance(value, str) else tuple(value))


@lru_cache(maxsize=32)
def _parse_image_hosts(value: str | tuple[str, ...] | None) -> tuple[str, ...]:
    if not value:
        return ()
    entries = value.replace(",", " ").split() if isinstance(value, str) else value
    hosts = []
    for entry in entries:
        text = entry.strip().lower()
        if "//" in text:
            text = text.split("//", 1)[1]
        text = text.split("/", 1)[0].rsplit("@", 1)[-1]
        text = re.sub(r":\d+$", "", text).rstrip(".")
        if not text:
            continue
        if not IMAGE_HOST_RE.match(text):
            raise ValueError(f"IMAGE_HOSTS: {entry!r} is not a host name")
        hosts.append(text)
    return tuple(dict.fromkeys(hosts))


def image_hosts() -> tuple[str, ...]:
    """The hosts, besides the site's own, that images in stored HTML may come from."""
    if not has_app_context():
        return ()
    return parse_image_hosts(current_app.config.get("IMAGE_HOSTS"))


def _own_netloc() -> str | None:
    """The site's own ``host[:port]``: from ``SITE_URL``, else the request's (development)."""
    if has_app_context():
        site_url = current_app.config.get("SITE_URL")
        if site_url:
            return urlsplit(site_url).netloc.lower()
    if has_request_context():
        return request.host.lower()
    return None


def image_source_allowed(src: str, hosts: Iterable[str] | None = None) -> bool:
    """Whether an ``<img src>`` may be stored: this site's, or from an allowed host.

    Relative URLs (``/media/...``) are this site's. Absolute and
    protocol-relative ones (``//host/...``, and ``/\\host`` which browsers read
    the same way) need the site's own host or one of ``hosts`` (default: the
    ``IMAGE_HOSTS`` setting; ``*.example.org`` matches its sub-domains).
    """
    url = _URL_NOISE.sub("", src).strip(_URL_TRIM).replace("\\", "/")
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    if not parts.scheme and not url.startswith("//"):
        return True
    if parts.scheme and parts.scheme.lower() not in ("http", "https"):
        return False
    netloc = parts.netloc.lower().rsplit("@", 1)[-1]
    if not netloc:
        return False  # "https:host/x": browsers may read the host from the path
    if netloc == _own_netloc():
        return True
    try:
        host = (parts.hostname or "").rstrip(".")
    except ValueError:
        return False
    for allowed in image_hosts() if hosts is None else hosts:
        if allowed.startswith("*."):
            if host.endswith(allowed[1:]):
                return True
        elif host == allowed:
            return True
    return False


def own_image_path(src: str) -> str | None:
    """For an absolute URL on this site's own host: the same URL without scheme and host.

    Images of this site are stored as paths (``/media/...``), so that they keep
    meaning this site whatever host a request named (without ``CMS_SITE_URL``
    the own host is the request's) and after the site moves. ``None`` for
    relative URLs and other hosts.
    """
    url = _URL_NOISE.sub("", src).strip(_URL_TRIM).replace("\\", "/")
    if not url.startswith("//") and "://" not in url:
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.netloc.lower().rsplit("@", 1)[-1] != _own_netloc():
        return None
    path = "/" + parts.path.lstrip("/")  # never "//host" again
    return path + (f"?{parts.query}" if parts.query else "")


def _cleaner(dropped: list[str]) -> Any:
    hosts = image_hosts()

    def attribute_filter(element: str, attribute: str, value: str) -> str | None:
        if element == "img" and attribute == "src":
            if not image_source_allowed(value, hosts):
                dropped.append(value)
                return None
            return own_image_path(value) or value
        return value

    return attribute_filter


def sanitize_html_report(html: str) -> tuple[str, list[str]]:
    """Sanitize ``html`` (see :func:`sanitize_html`); also return the image sources dropped."""
    dropped: list[str] = []
    cleaned = nh3.clean(
        strip_forbidden_references(clean_text(html), html=True),
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_cleaner(dropped),
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )
    return clean_text(cleaned), dropped


def sanitize_html(html: str) -> str:
    """Return ``html`` with only the article allow-list left; links get ``rel=noopener``.

    The result is NFC and holds no character XML forbids, whether typed raw or
    as a character reference (``&#16;``, ``&#x0;``: dropped, where HTML would
    turn some into U+FFFD); an ``<img>`` whose source is not allowed
    (:func:`image_source_allowed`) loses its ``src``, leaving its ``alt`` text.
    """
    return sanitize_html_report(html)[0]


def foreign_images(html: str) -> list[str]:
    """The image sources of ``html`` that sanitizing would drop (in order, repeats kept)."""
    return sanitize_html_report(html)[1]
