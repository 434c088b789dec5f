"""The comments plugin's settings: defaults, bounds, and the checked values the code reads.

An admin edits them in the back office (Plugins, Comments: Settings); every
worker reads them again once they are saved (the ``plugins`` generation).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from cms import generations
from cms.plugins import registry

#: What happens to a new comment: waits for an editor, is shown at once, or is shown at
#: once when its email already has an approved comment ("returning commenters").
MODERATION = ("pending", "approved", "returning")
#: Accessible alternatives to the image: a text question in the site's language, or none.
ALTERNATIVES = ("question", "none")

#: Every setting before an admin saves any.
DEFAULT_SETTINGS: dict[str, Any] = {
    "moderation": "pending",
    "max_depth": 1,
    "per_page": 50,
    "captcha_length": 5,
    "captcha_width": 200,
    "captcha_height": 70,
    "captcha_alternative": "question",
    "min_fill_seconds": 3,
    "address_interval": 15,
    "address_per_hour": 10,
    "article_per_hour": 60,
    "max_links": 2,
    "retention_days": 180,
    "notify_author": False,
    "smtp_host": "",
    "smtp_port": 25,
    "smtp_sender": "",
}

#: ``name: (lowest, highest)`` of the numeric settings; the settings form uses the same.
BOUNDS: dict[str, tuple[int, int]] = {
    "max_depth": (0, 5),
    "per_page": (5, 200),
    "captcha_length": (4, 6),
    "captcha_width": (120, 400),
    "captcha_height": (40, 150),
    "min_fill_seconds": (0, 60),
    "address_interval": (0, 3600),
    "address_per_hour": (0, 10_000),
    "article_per_hour": (0, 100_000),
    "max_links": (0, 50),
    "retention_days": (1, 3650),
    "smtp_port": (1, 65535),
}


@dataclass(frozen=True)
class CommentSettings:
    """The settings, each made valid (see :data:`DEFAULT_SETTINGS` for their meaning)."""

    #: One of :data:`MODERATION`.
    moderation: str
    #: Deepest reply level: 0 no replies, 1 replies to comments (default), up to 5.
    max_depth: int
    #: Top-level comments per page of the list.
    per_page: int
    #: Characters of the captcha image (4 to 6).
    captcha_length: int
    #: Size of the captcha image, in pixels.
    captcha_width: int
    captcha_height: int
    #: One of :data:`ALTERNATIVES`.
    captcha_alternative: str
    #: Seconds the HTML form must have been open before it is sent (0: no check).
    min_fill_seconds: int
    #: Seconds between two comments from one address (0: no limit).
    address_interval: int
    #: Comments one address may send per hour (0: no limit).
    address_per_hour: int
    #: Comments one article may receive per hour (0: no limit).
    article_per_hour: int
    #: More links than this in a comment send it to moderation.
    max_links: int
    #: Days an email is kept with its comment.
    retention_days: int
    #: Whether the article's author gets an email about each new comment.
    notify_author: bool
    #: SMTP server of those emails (empty: none are sent).
    smtp_host: str
    #: Its port.
    smtp_port: int
    #: The sender address of those emails.
    smtp_sender: str


def _bounded(name: str, value: Any) -> int:
    low, high = BOUNDS[name]
    if isinstance(value, bool) or not isinstance(value, int | str):
        return int(DEFAULT_SETTINGS[name])
    if isinstance(value, str) and not value.isascii():  # int() would read "٣" too
        return int(DEFAULT_SETTINGS[name])
    try:
        number = int(value)
    except ValueError:
        return int(DEFAULT_SETTINGS[name])
    return max(low, min(high, number))


def checked_settings(stored: dict[str, Any]) -> CommentSettings:
    """``stored`` (defaults overlaid with an admin's values) made valid: unknown choices fall
    back to the defaults, numbers are clamped to :data:`BOUNDS`."""
    values = {**DEFAULT_SETTINGS, **stored}
    numbers = {name: _bounded(name, values.get(name)) for name in BOUNDS}
    moderation = values.get("moderation")
    alternative = values.get("captcha_alternative")
    return CommentSettings(
        moderation=moderation if moderation in MODERATION else "pending",
        captcha_alternative=alternative if alternative in ALTERNATIVES else "question",
        notify_author=values.get("notify_author") is True,
        smtp_host=str(values.get("smtp_host") or "")[:255],
        smtp_sender=str(values.get("smtp_sender") or "")[:254],
        **numbers,
    )


def current_settings() -> CommentSettings:
    """The plugin settings, held by the process until an admin saves new ones."""
    return generations.held(
        "comments:settings",
        (generations.PLUGINS,),
        lambda: checked_settings(registry().settings("comments")),
    )
