"""Accepting a comment: the checks every way in shares (the widget's form and the API).

:func:`submit` checks the fields, the captcha, the rate limits and repeats,
decides the status (the moderation setting, too many links) and stores the
comment; a refusal raises :class:`Refused` having stored nothing. The form's
own defences (honeypot, fill time) are checked by its view before.
"""

from __future__ import annotations

import logging
import math
import time
from dataclasses import dataclass, field
from datetime import timedelta

from flask_babel import gettext as _
from sqlalchemy import exists, or_, select, update

from cms import generations, page_cache, store
from cms.admin.user_forms import is_email
from cms.extensions import db
from cms.models import Article, utcnow
from plugins.comments import captcha
from plugins.comments.models import BODY_MAX, NAME_MAX, CommentsComment
from plugins.comments.notify import notify_author
from plugins.comments.privacy import address_hash, email_hash
from plugins.comments.settings import CommentSettings
from plugins.comments.text import clean_body, clean_line, count_links

log = logging.getLogger(__name__)

#: Seconds between two deletions of emails past their retention, in any worker or host.
PRUNE_EVERY = 3600
#: Seconds within which the same text from the same address or name is a repeat.
REPEAT_WINDOW = 24 * 3600


@dataclass(frozen=True)
class Draft:
    """What a commenter sent, as typed (cleaned by :func:`submit`)."""

    name: str
    email: str
    body: str
    parent_id: int | None = None


class Refused(Exception):
    """A comment that was not stored: ``code``, HTTP ``status``, a ``message`` in the reader's
    language, the messages per field (``fields``) and, for rate limits, ``retry_after`` seconds."""

    def __init__(
        self,
        code: str,
        status: int,
        message: str,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        #: ``invalid``, ``rate_limited``, ``duplicate``, ``too_fast``, ``refused``.
        self.code = code
        #: 422, 429, 409...
        self.status = status
        #: What the reader is told.
        self.message = message
        #: Field name -> message shown next to it.
        self.fields: dict[str, str] = fields or {}
        #: Seconds to wait (rate limits).
        self.retry_after = retry_after


@dataclass
class Outcome:
    """A stored comment: its ``id`` and ``status``."""

    id: int
    status: str
    warnings: list[str] = field(default_factory=list)


def captcha_wrong() -> str:
    """The message of a wrong, expired, reused or missing captcha (the reference page's words)."""
    return _("The verification code is incorrect.")


def _retry_after(window: int) -> int:
    return max(1, math.ceil(window - time.time() % window))


def parent_of(
    article_id: int, parent_id: int | None, settings: CommentSettings
) -> CommentsComment | None:
    """The approved comment of the article a reply answers; ``Refused`` if it cannot be answered."""
    if parent_id is None:
        return None
    parent = db.session.get(CommentsComment, parent_id)
    if parent is None or parent.article_id != article_id or parent.status != "approved":
        raise Refused(
            "invalid",
            422,
            _("This comment cannot be answered."),
            {"parent_id": _("This comment cannot be answered.")},
        )
    if parent.depth >= settings.max_depth:
        message = _("Replies to this comment are not possible.")
        raise Refused("invalid", 422, message, {"parent_id": message})
    return parent


def check_fields(draft: Draft) -> tuple[str, str, str, dict[str, str]]:
    """``(name, email, body, errors)``: the cleaned fields and a message per bad one."""
    name, email, body = clean_line(draft.name), clean_line(draft.email), clean_body(draft.body)
    errors: dict[str, str] = {}
    if not name:
        errors["name"] = _("Please give your name.")
    elif len(name) > NAME_MAX:
        errors["name"] = _("Use at most %(max)d characters.", max=NAME_MAX)
    if email and not is_email(email):
        errors["email"] = _("This is not a valid email address.")
    if not body:
        errors["body"] = _("Please write your comment.")
    elif len(body) > BODY_MAX:
        errors["body"] = _("Use at most %(max)d characters.", max=BODY_MAX)
    return name, email, body, errors


def take_rate_limits(
    article_id: int, address_key: str, settings: CommentSettings, now: float | None = None
) -> list[tuple[str, int]]:
    """Count one comment against every limit (per address, per article); the hits taken.

    Each limit is one atomic :func:`cms.store.hit` in the shared store (Redis,
    or the database: an ``INSERT ... ON CONFLICT DO UPDATE ... RETURNING``),
    so of many requests at once, on any worker, exactly as many pass as the
    limit allows. A comment refused afterwards (a repeat, a failed write)
    gives its hits back with :func:`give_back`, so only stored comments use
    up a limit. Raises :class:`Refused` (429, ``rate_limited``) when a limit
    is reached, having given back every hit of this attempt. ``now``: seconds
    since the epoch (default: the clock), the same for :func:`give_back`.
    """
    now = time.time() if now is None else now
    limits = [
        (f"comments:interval:{address_key}", 1, settings.address_interval),
        (f"comments:hour:{address_key}", settings.address_per_hour, 3600),
        (f"comments:article:{article_id}", settings.article_per_hour, 3600),
    ]
    taken: list[tuple[str, int]] = []
    for key, limit, window in limits:
        if not (limit and window):
            continue
        allowed = store.hit(key, limit, window, now)
        taken.append((key, window))
        if not allowed:
            give_back(taken, now)
            raise Refused(
                "rate_limited",
                429,
                _("You are sending comments too quickly. Please wait a little and try again."),
                retry_after=_retry_after(window),
            )
    return taken


def give_back(taken: list[tuple[str, int]], now: float) -> None:
    """Take back the hits ``(key, window)`` counted at ``now`` by :func:`take_rate_limits`."""
    for key, window in taken:
        store.unhit(key, window, now)


def _is_repeat(article_id: int, name: str, body: str, address_key: str) -> bool:
    since = utcnow() - timedelta(seconds=REPEAT_WINDOW)
    return bool(
        db.session.execute(
            select(
                exists().where(
                    CommentsComment.article_id == article_id,
                    CommentsComment.body == body,
                    CommentsComment.created_at >= since,
                    or_(CommentsComment.address_hash == address_key, CommentsComment.name == name),
                )
            )
        ).scalar()
    )


def _is_returning(mail_key: str | None) -> bool:
    if mail_key is None:
        return False
    query = exists().where(
        CommentsComment.email_hash == mail_key, CommentsComment.status == "approved"
    )
    return bool(db.session.execute(select(query)).scalar())


def submit(
    article: Article,
    draft: Draft,
    address: str,
    captcha_id: str | None,
    captcha_answer: str | None,
    settings: CommentSettings,
) -> Outcome:
    """Check and store a comment on the public ``article`` from a visitor at ``address``.

    Raises :class:`Refused` (nothing stored): ``invalid`` (422: a field, the
    reply, or the captcha, which is burnt by any attempt), ``rate_limited``
    (429), ``duplicate`` (409). The comment is ``approved`` or ``pending`` by
    the moderation setting; more links than ``max_links`` make it pending.
    Commits; an approved comment purges the article's cached page.
    """
    name, email, body, errors = check_fields(draft)
    if not captcha.check(captcha_id, captcha_answer, address, settings):
        errors["captcha_answer"] = captcha_wrong()
    parent = None
    if not errors:
        try:
            parent = parent_of(article.id, draft.parent_id, settings)
        except Refused as exc:
            errors.update(exc.fields)
    if errors:
        raise Refused(
            "invalid", 422, _("Your comment was not sent: see the marked fields."), errors
        )
    address_key = address_hash(address)
    now = time.time()
    taken = take_rate_limits(article.id, address_key, settings, now)
    try:
        comment = _store(article, parent, name, email, body, address_key, settings)
    except Exception:  # a repeat, or the write failed: nothing stored, the hits given back
        db.session.rollback()
        give_back(taken, now)
        raise
    outcome = Outcome(comment.id, comment.status)
    if comment.status == "approved":
        page_cache.invalidate(f"article:{article.id}")
    notify_author(article, comment, settings)
    prune_emails(settings)
    return outcome


def _store(
    article: Article,
    parent: CommentsComment | None,
    name: str,
    email: str,
    body: str,
    address_key: str,
    settings: CommentSettings,
) -> CommentsComment:
    """Store the checked comment and commit; :class:`Refused` (409) for a repeat."""
    if _is_repeat(article.id, name, body, address_key):
        raise Refused(
            "duplicate",
            409,
            _("You have already sent this comment."),
            {"body": _("You have already sent this comment.")},
        )
    mail_key = email_hash(email) if email else None
    status = "pending"
    if settings.moderation == "approved" or (
        settings.moderation == "returning" and _is_returning(mail_key)
    ):
        status = "approved"
    if count_links(body) > settings.max_links:
        status = "pending"
    comment = CommentsComment(
        article_id=article.id,
        parent_id=parent.id if parent else None,
        root_id=parent.root_id if parent else None,
        depth=parent.depth + 1 if parent else 0,
        name=name,
        email=email or None,
        email_hash=mail_key,
        body=body,
        status=status,
        address_hash=address_key,
    )
    db.session.add(comment)
    db.session.flush()
    if comment.root_id is None:
        comment.root_id = comment.id
    if status == "approved":
        generations.bump(generations.ARTICLE_META)
    db.session.commit()
    return comment


def prune_emails(settings: CommentSettings) -> None:
    """Clear the emails older than the retention setting (at most once per hour, site-wide)."""
    if store.incr("comments:prune", ttl_seconds=PRUNE_EVERY) != 1:
        return
    cutoff = utcnow() - timedelta(days=settings.retention_days)
    db.session.execute(
        update(CommentsComment)
        .where(CommentsComment.created_at < cutoff, CommentsComment.email.is_not(None))
        .values(email=None)
    )
    db.session.commit()
