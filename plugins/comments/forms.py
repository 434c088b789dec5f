"""The comment form as shown: its values, its errors, a fresh challenge and the fill-time stamp.

The same partial (``comments/_form.html``) renders it in the live block and on
the page that shows it again after a refusal or a "new image", so what the
reader typed and the messages next to the fields come back exactly.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from flask import current_app
from itsdangerous import BadData, URLSafeTimedSerializer

from plugins.comments.captcha import Challenge, new_challenge
from plugins.comments.settings import CommentSettings

#: Form field names (the API uses the same, plus ``captcha_id`` and ``captcha_answer``).
FIELDS = ("name", "email", "body", "parent_id")
#: The honeypot's name: a field people never see, which robots fill.
HONEYPOT = "website"
_STARTED_SALT = "comments-form-started"


@dataclass
class CommentForm:
    """What the form shows: ``values`` typed, ``errors`` per field, a ``challenge``, a stamp."""

    article_id: int
    challenge: Challenge
    started: str
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: The refusal's general message (e.g. the rate limit), shown above the fields.
    message: str = ""


def _stamps() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(str(current_app.secret_key), salt=_STARTED_SALT)


def started_stamp(article_id: int) -> str:
    """A signed stamp of now, for the article's form (when the reader got the form)."""
    return str(_stamps().dumps(article_id))


def seconds_open(stamp: str | None, article_id: int) -> float | None:
    """Seconds since ``stamp`` was made for this article; ``None`` if it is not a valid one."""
    if not stamp or len(stamp) > 200:
        return None
    try:
        value, made = _stamps().loads(stamp, return_timestamp=True)
    except BadData:
        return None
    if value != article_id:
        return None
    return time.time() - made.timestamp()


def new_form(
    article_id: int,
    address: str,
    settings: CommentSettings,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    started: str | None = None,
) -> CommentForm:
    """A form for the article with a fresh challenge; ``started`` kept when given (a refusal)."""
    return CommentForm(
        article_id=article_id,
        challenge=new_challenge(address, settings),
        started=started or started_stamp(article_id),
        values=dict(values or {}),
        errors=dict(errors or {}),
        message=message,
    )
