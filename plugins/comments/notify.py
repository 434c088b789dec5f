"""An email to the article's author about a new comment, through the settings' SMTP server.

Optional (setting ``notify_author``, with ``smtp_host``): the message is
written while the comment's request runs (its language, the article's URL)
and sent after it, on a background thread (:func:`cms.background.later`),
with :data:`TIMEOUT` seconds for each step of the SMTP conversation. So a
slow or hanging SMTP server never delays the commenter's answer; a failure is
logged and changes nothing for the commenter. The commenter's email is not in
the message.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask_babel import gettext as _

from cms import background
from cms.public.urls import article_url

if TYPE_CHECKING:
    from cms.models import Article
    from plugins.comments.models import CommentsComment
    from plugins.comments.settings import CommentSettings

log = logging.getLogger(__name__)

#: Seconds the SMTP server may take to answer each step.
TIMEOUT = 5


def message_for(article: Article, comment: CommentsComment, sender: str, to: str) -> EmailMessage:
    """The email telling ``to`` about ``comment`` on ``article``."""
    message = EmailMessage()
    message["Subject"] = _("New comment on “%(title)s”", title=article.title)
    message["From"] = sender
    message["To"] = to
    status = (
        _("It is awaiting moderation.") if comment.status == "pending" else _("It is published.")
    )
    lines = [
        _("%(name)s commented on “%(title)s”:", name=comment.name, title=article.title),
        "",
        comment.body,
        "",
        status,
        article_url(article, external=True),
    ]
    message.set_content("\n".join(lines))
    return message


def send(host: str, port: int, message: EmailMessage, comment_id: int) -> bool:
    """Send ``message`` through ``host``:``port`` now (each step at most :data:`TIMEOUT` s).

    Whether the server took it; a failure (refused, timed out, rejected) is
    logged as a warning, never raised.
    """
    try:
        with smtplib.SMTP(host, port, timeout=TIMEOUT) as server:
            server.send_message(message)
    except (OSError, smtplib.SMTPException):
        log.warning(
            "comments: the email about comment %s could not be sent", comment_id, exc_info=True
        )
        return False
    return True


def notify_author(article: Article, comment: CommentsComment, settings: CommentSettings) -> bool:
    """Queue the email if the settings ask for it and the author has an address; whether queued.

    Returns at once: the message is sent by :func:`send` after the request
    (:func:`cms.background.later`).
    """
    author = article.author
    if not (settings.notify_author and settings.smtp_host and author and author.email):
        return False
    sender = settings.smtp_sender or f"noreply@{settings.smtp_host}"
    message = message_for(article, comment, sender, author.email)
    return background.later(
        f"comments: email about comment {comment.id}",
        send,
        settings.smtp_host,
        settings.smtp_port,
        message,
        comment.id,
    )
