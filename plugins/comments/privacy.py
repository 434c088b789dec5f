"""Keyed hashes: how the plugin recognises an address or an email without keeping it.

HMAC-SHA256 under a key derived from the site's secret key with a purpose of
its own, so a copy of the table without the secret cannot be matched against
known addresses or emails, and no other part of the site shares these hashes.
"""

from __future__ import annotations

import hashlib
import hmac

from flask import current_app

#: What the derived key is for (domain separation from other uses of the secret key).
_PURPOSE = b"cms plugin comments: keyed hashes v1"


def secret() -> bytes:
    """The plugin's key: HMAC-SHA256 of its purpose under the site's secret key.

    Raises ``RuntimeError`` when the site has no secret key (``create_app`` always sets one).
    """
    raw = current_app.secret_key
    if not raw:
        raise RuntimeError("the site has no secret key")
    key = raw if isinstance(raw, bytes) else str(raw).encode("utf-8")
    return hmac.new(key, _PURPOSE, hashlib.sha256).digest()


def keyed(kind: str, value: str) -> str:
    """64 hex digits: HMAC-SHA256 of ``kind`` and ``value`` under :func:`secret`."""
    return hmac.new(secret(), f"{kind}\x00{value}".encode("utf-8", "replace"), "sha256").hexdigest()


def address_hash(address: str) -> str:
    """The stored form of a client address."""
    return keyed("address", address)


def email_hash(email: str) -> str:
    """The stored form of an email, the same whatever its case (``A@x.org`` = ``a@x.org``)."""
    return keyed("email", email.strip().casefold())
