"""What a link's URL may be: an absolute ``http`` or ``https`` address, nothing else.

:func:`check_url` is the one gate: the back-office form, the services and the
demo all go through it, and ``/links/go/<id>`` redirects only to what it let
into the table, so the site never becomes an open redirect. It refuses, each
with its own message, what a browser could run or misread: other schemes
(``javascript:``, ``data:``, ``vbscript:``, ``file:``, ``mailto:``...),
addresses without ``//host``, credentials (``https://bank.vn@evil.example``),
white space, control and invisible formatting characters (bidi overrides,
zero-width spaces), backslashes (which browsers read as ``/``), bad ports and
host names that are not valid (IDNA) domain names or IP addresses. The rules
follow the WHATWG URL Standard's "valid URL string" and RFC 3986.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from urllib.parse import urlsplit

from flask_babel import gettext as _

from plugins.links.models import URL_MAX

#: The schemes a link may use.
SCHEMES = ("http", "https")
#: A URL scheme (RFC 3986, section 3.1).
_SCHEME = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*")
#: One label of an ASCII (IDNA-encoded) host name.
_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")
#: Longest host name (RFC 1035), in ASCII characters.
_HOST_MAX = 253


class UrlError(ValueError):
    """A refused URL; ``str(error)`` is the message for the webmaster, in their language."""


def _example() -> str:
    return str(_("Enter a full address, for example https://lamson.example.vn."))


def _malformed() -> UrlError:
    return UrlError(_("This is not a valid web address.") + " " + _example())


def _hidden_character(value: str) -> bool:
    """Whether ``value`` holds white space, a control or an invisible formatting character."""
    return any(ch.isspace() or unicodedata.category(ch) in ("Cc", "Cf", "Zl", "Zp") for ch in value)


def _valid_host(host: str) -> bool:
    """Whether ``host`` (lower case, brackets removed) is an IP address or a dotted domain name."""
    if ":" in host:  # only an IPv6 literal may hold a colon
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return False
        return True
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = ascii_host.rstrip(".").split(".")
    if len(ascii_host) > _HOST_MAX or len(labels) < 2:
        return False
    return all(_LABEL.fullmatch(label) for label in labels)


def check_url(raw: str | None) -> str:
    """The URL to store for ``raw``: trimmed, its scheme in lower case.

    Raises :class:`UrlError` (a translated message) for an empty, over-long
    (more than :data:`~plugins.links.models.URL_MAX` characters), malformed or
    non-web address; see the module docstring for the rules.
    """
    value = (raw or "").strip()
    if not value:
        raise UrlError(_("Enter the website's address.") + " " + _example())
    if len(value) > URL_MAX:
        raise UrlError(_("The address is too long (at most %(max)d characters).", max=URL_MAX))
    scheme, colon, rest = value.partition(":")
    if colon and _SCHEME.fullmatch(scheme) and scheme.lower() not in SCHEMES:
        raise UrlError(
            _("Only web addresses starting with http:// or https:// are allowed.")
            + " "
            + _example()
        )
    if _hidden_character(value) or "\\" in value:
        raise UrlError(
            _("The address holds spaces or invisible characters; type it again.") + " " + _example()
        )
    if not colon or not _SCHEME.fullmatch(scheme) or not rest.startswith("//"):
        raise _malformed()
    try:
        parts = urlsplit(value)
        port = parts.port
    except ValueError:
        raise _malformed() from None
    if "@" in parts.netloc:
        raise UrlError(_("The address must not hold a user name or password."))
    host = parts.hostname or ""
    if not host or not _valid_host(host) or port == 0:
        raise _malformed()
    return scheme.lower() + ":" + rest
