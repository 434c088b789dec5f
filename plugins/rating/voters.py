"""Who a voter is, and the rule that allows one vote each: keyed hashes and the plugin settings.

Nothing identifying is stored in clear: the voter's cookie, address and user id
become HMAC-SHA256 digests under a key derived from the site's secret key
(:func:`derived_key`), so the vote log and the tables show only hashes, and a
copy of the database without the secret key cannot be matched against known
addresses. The client address is the one the engine gives
(:attr:`cms.page_view.Visitor.address`: ``REMOTE_ADDR`` after ``CMS_PROXY_HOPS``
trusted proxies); ``X-Forwarded-For`` is never read here.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from flask import current_app

from cms import generations
from cms.page_view import Visitor
from cms.plugins import registry

#: The one-vote rules: a browser (its cookie), an address, either (refused when the
#: browser or the address has voted), or a signed-in user.
RULES = ("cookie", "ip", "cookie+ip", "user")
#: Plugin settings before an admin saves any. ``address_hours``: how long an address
#: that voted may not vote again on the same article (Drupal VotingAPI's anonymous
#: vote window, 24 hours by default); ``rate_limit`` votes per ``rate_minutes`` per address.
DEFAULT_SETTINGS: dict[str, Any] = {
    "rule": "cookie+ip",
    "address_hours": 24,
    "rate_limit": 30,
    "rate_minutes": 10,
}
#: Bounds of the numeric settings (the settings form uses the same).
ADDRESS_HOURS = (1, 24 * 365)
RATE_LIMIT = (1, 100_000)
RATE_MINUTES = (1, 24 * 60)

#: The cookie naming a browser for the ``cookie`` rules: random, HttpOnly, a year long.
VOTER_COOKIE = "rating_voter"
VOTER_COOKIE_MAX_AGE = 365 * 24 * 3600
_VOTER_COOKIE_RE = re.compile(r"[A-Za-z0-9_-]{32}")

#: What the derived key is for (domain separation from other uses of the secret key).
_KEY_PURPOSE = b"cms plugin rating: voter keys v1"


@dataclass(frozen=True)
class RatingSettings:
    """The plugin settings, checked: ``rule`` one of :data:`RULES`, windows in seconds."""

    #: One of :data:`RULES`.
    rule: str
    #: Seconds an address that voted on an article may not vote on it again.
    address_window: int
    #: Votes one address may send per :attr:`rate_window` seconds.
    rate_limit: int
    #: Seconds of the rate limit's window.
    rate_window: int

    @property
    def uses_cookie(self) -> bool:
        """Whether the browser's cookie names the voter (``cookie``, ``cookie+ip``)."""
        return self.rule in ("cookie", "cookie+ip")

    @property
    def uses_address(self) -> bool:
        """Whether an address may vote once per window (``ip``, ``cookie+ip``)."""
        return self.rule in ("ip", "cookie+ip")


def _bounded(value: Any, bounds: tuple[int, int], default: int) -> int:
    """``value`` as an int within ``bounds``; ``default`` when it is not a whole number.

    Text must be ASCII digits: ``int()`` would also read ``"٣"`` or ``"３"``.
    """
    if isinstance(value, bool) or not isinstance(value, int | str):
        return default
    if isinstance(value, str) and not value.isascii():
        return default
    try:
        number = int(value)
    except ValueError:
        return default
    return max(bounds[0], min(bounds[1], number))


def checked_settings(stored: dict[str, Any]) -> RatingSettings:
    """The settings in ``stored`` (defaults overlaid with an admin's), each value made valid.

    An unknown rule falls back to ``cookie+ip``; numbers are clamped to their bounds.
    """
    rule = stored.get("rule")
    return RatingSettings(
        rule=rule if rule in RULES else str(DEFAULT_SETTINGS["rule"]),
        address_window=3600 * _bounded(stored.get("address_hours"), ADDRESS_HOURS, 24),
        rate_limit=_bounded(stored.get("rate_limit"), RATE_LIMIT, 30),
        rate_window=60 * _bounded(stored.get("rate_minutes"), RATE_MINUTES, 10),
    )


def current_settings() -> RatingSettings:
    """The plugin settings, held by the process until an admin saves new ones.

    Saving plugin settings bumps the ``plugins`` generation counter, so every
    worker reads them again at its next request (:func:`cms.generations.held`).
    """
    return generations.held(
        "rating:settings",
        (generations.PLUGINS,),
        lambda: checked_settings(registry().settings("rating")),
    )


def derived_key() -> bytes:
    """The HMAC key of voter hashes: HMAC-SHA256 of a fixed purpose under the site's secret key."""
    secret = current_app.secret_key
    if not secret:  # create_app always sets one
        raise RuntimeError("the site has no secret key")
    raw = secret if isinstance(secret, bytes) else str(secret).encode("utf-8")
    return hmac.new(raw, _KEY_PURPOSE, hashlib.sha256).digest()


def keyed_hash(kind: str, value: str) -> str:
    """HMAC-SHA256 (64 hex digits) of ``kind`` and ``value`` under :func:`derived_key`."""
    message = f"{kind}\x00{value}".encode("utf-8", "replace")
    return hmac.new(derived_key(), message, hashlib.sha256).hexdigest()


def address_key(address: str) -> str:
    """The stored form of a client address (an HMAC; never the address itself)."""
    return keyed_hash("address", address)


def cookie_voter_key(cookie: str) -> str:
    """The voter key of a browser: ``c:`` and the HMAC of its :data:`VOTER_COOKIE`."""
    return "c:" + keyed_hash("cookie", cookie)


def user_voter_key(user_id: int) -> str:
    """The voter key of a signed-in user: ``u:`` and the HMAC of their id."""
    return "u:" + keyed_hash("user", str(user_id))


def address_voter_key(address: str, moment: str) -> str:
    """The voter key of a vote allowed by its address alone (rule ``ip``).

    ``moment`` (the claim's time) makes it unique per window, so an address may
    vote again once the window has passed; the address claim
    (:class:`plugins.rating.models.RatingAddress`) is what refuses a second vote.
    """
    return "a:" + keyed_hash("address-vote", f"{address}\x00{moment}")


def valid_voter_cookie(value: str | None) -> str | None:
    """``value`` if it is a well-formed :data:`VOTER_COOKIE` (32 URL-safe characters), else None."""
    if value and _VOTER_COOKIE_RE.fullmatch(value):
        return value
    return None


def new_voter_cookie() -> str:
    """A fresh random :data:`VOTER_COOKIE` value (24 random bytes, URL-safe)."""
    return secrets.token_urlsafe(24)


@dataclass(frozen=True)
class Voter:
    """The facts about one voter that the rules look at, from a :class:`Visitor`."""

    #: Client address after ``CMS_PROXY_HOPS`` proxies (``""`` if unknown).
    address: str
    #: The browser's well-formed :data:`VOTER_COOKIE`, if it sent one.
    cookie: str | None
    #: The signed-in user (back office session, or the API token's user).
    user_id: int | None
    #: Whether the user agent is a robot's (an empty one counts as a robot).
    is_crawler: bool

    @classmethod
    def of(cls, visitor: Visitor, user_id: int | None = None) -> Voter:
        """The voter behind ``visitor``; ``user_id`` overrides the visitor's (API tokens)."""
        return cls(
            address=visitor.address,
            cookie=valid_voter_cookie(visitor.cookies.get(VOTER_COOKIE)),
            user_id=user_id if user_id is not None else visitor.user_id,
            is_crawler=visitor.is_crawler,
        )
