"""An email to the article's author about a new comment, through the settings' SMTP server.

Optional (setting ``notify_author``, with ``smtp_host``): sent after the
comment is stored, with a short timeout; a failure is logged and changes
nothing for the commenter. The commenter's email is not in the message.
"""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage
from typing import TYPE_CHECKING

from flask_babel import gettext as _

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


def notify_author(article: Article, comment: CommentsComment, settings: CommentSettings) -> bool:
    """Send the email if the settings ask for it and the author has an address; whether sent."""
    author = article.author
    if not (settings.notify_author and settings.smtp_host and author and author.email):
        return False
    sender = settings.smtp_sender or f"noreply@{settings.smtp_host}"
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=TIMEOUT) as server:
            server.send_message(message_for(article, comment, sender, author.email))
    except (OSError, smtplib.SMTPException):
        log.warning(
            "comments: the email about comment %s could not be sent", comment.id, exc_info=True
        )
        return False
    return True
