"""Who a visitor is: a first-party cookie, joined to a keyed hash before it exists.

A visitor id is 22 URL-safe characters. A reader's first page has no cookie:
the id is then an HMAC of the client address and user agent under a key
derived from the site's secret key and the day (:func:`daily_key`), so no raw
address is stored and the ids of two days cannot be linked. That same id goes
into the cookie ``stats_vid`` (``<id>.<signature>``, signed with another key
derived from the secret key), so the reader's first request and the later
ones are one visitor. A cookie whose signature does not match is ignored (a
new id is made). The cookie is set through :meth:`cms.page_view.Visitor.set_cookie`
(also on page-cache hits; it is never stored in the cached page).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from datetime import date

from flask import current_app

from cms.page_view import Visitor

#: The cookie naming a browser: ``<id>.<signature>``, HttpOnly, a year long.
COOKIE = "stats_vid"
COOKIE_MAX_AGE = 365 * 24 * 3600
#: Characters of an id and of a signature.
ID_SIZE = 22
_COOKIE_RE = re.compile(r"([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{22})")


def _secret() -> bytes:
    secret = current_app.secret_key
    if not secret:  # create_app always sets one
        raise RuntimeError("the site has no secret key")
    return secret if isinstance(secret, bytes) else str(secret).encode("utf-8")


def _digest(key: bytes, message: str) -> str:
    """The first 22 URL-safe base64 characters of HMAC-SHA256(``key``, ``message``)."""
    raw = hmac.new(key, message.encode("utf-8", "replace"), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(raw).decode("ascii")[:ID_SIZE]


def cookie_key() -> bytes:
    """The key that signs visitor cookies (derived from the site's secret key)."""
    return hmac.new(_secret(), b"cms plugin stats: cookie v1", hashlib.sha256).digest()


def daily_key(day: date) -> bytes:
    """The key of visitor hashes on ``day`` (derived from the secret key; a new one each day)."""
    purpose = f"cms plugin stats: visitor hash v1 {day.isoformat()}".encode()
    return hmac.new(_secret(), purpose, hashlib.sha256).digest()


def hashed_id(visitor: Visitor, day: date) -> str:
    """The id of a visitor without a cookie: a keyed hash of address and user agent."""
    return _digest(daily_key(day), f"{visitor.address}\x00{visitor.user_agent}")


def signed(visitor_id: str) -> str:
    """The cookie value of ``visitor_id``: ``<id>.<signature>``."""
    return f"{visitor_id}.{_digest(cookie_key(), visitor_id)}"


def cookie_id(value: str | None) -> str | None:
    """The visitor id in a cookie value, or ``None`` when it is absent, malformed or forged."""
    if not value or len(value) != 2 * ID_SIZE + 1:
        return None
    found = _COOKIE_RE.fullmatch(value)
    if found is None:
        return None
    expected = _digest(cookie_key(), found.group(1))
    return found.group(1) if hmac.compare_digest(expected, found.group(2)) else None


def visitor_id(visitor: Visitor, day: date, *, set_cookie: bool = True) -> str:
    """The visitor's id: their cookie's, else the keyed hash (then put in a new cookie).

    ``set_cookie=False`` (a reader who asked not to be tracked) never sets one.
    """
    known = cookie_id(visitor.cookies.get(COOKIE))
    if known is not None:
        return known
    new = hashed_id(visitor, day)
    if set_cookie:
        visitor.set_cookie(COOKIE, signed(new), max_age=COOKIE_MAX_AGE)
    return new
