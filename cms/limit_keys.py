"""Rate-limit keys that name no one: keyed hashes of the client's address or an email.

Flask-Limiter keeps its counters under keys made of a route and a
``key_func``'s value; with its own ``get_remote_address`` those keys would
hold readers' raw addresses, in Redis or the shared store's table, for as
long as the window lasts (and in SQLite's free pages after). The keys here are
HMAC-SHA256 digests with the site's ``SECRET_KEY`` (RFC 2104), cut to 128
bits: one client still has one key, and the store holds no address.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app
from flask_limiter.util import get_remote_address


def keyed(kind: str, value: str) -> str:
    """``"<kind>:<32 hex digits>"``: the keyed hash of ``value`` (app context needed)."""
    secret = current_app.config["SECRET_KEY"]
    key = secret if isinstance(secret, bytes) else str(secret).encode()
    digest = hmac.new(key, f"{kind}\x00{value}".encode("utf-8", "surrogateescape"), hashlib.sha256)
    return f"{kind}:{digest.hexdigest()[:32]}"


def client_key() -> str:
    """The rate-limit key of the request's client address (after ``CMS_PROXY_HOPS``)."""
    return keyed("address", get_remote_address())
