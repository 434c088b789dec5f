"""``comments.thread``: an article's approved comments and the form to add one (a live block)."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from cms.page_view import PageIdentity, Visitor
from cms.plugins import Widget
from plugins.comments.forms import new_form
from plugins.comments.listing import thread
from plugins.comments.settings import current_settings

#: Short-lived cookie telling the block what became of a comment sent by the form:
#: ``<article id>.<status>`` (a cached page cannot hold a flashed message).
MESSAGE_COOKIE = "comments_msg"
#: Seconds it lives (the redirect is followed at once).
MESSAGE_MAX_AGE = 60


def sent_message(cookie: str | None, article_id: int) -> str | None:
    """The message for a comment the reader just sent on this article, from the cookie."""
    shown, _dot, status = (cookie or "").partition(".")
    if shown != str(article_id):
        return None
    if status == "approved":
        return _("Thank you! Your comment is published.")
    if status == "pending":
        return _("Thank you! Your comment is awaiting moderation.")
    return None


class Thread(Widget):
    """The comments under an article, oldest first, with replies, and the comment form.

    Live: each visitor gets a challenge of their own (its id and image URL),
    a form token bound to their browser and the fill-time stamp, also on a
    page served from the page cache; a new approved comment shows at once.
    Writes nothing per view: a challenge is signed, not stored.
    """

    type = "thread"
    title = _l("Comments")
    template = "comments/thread.html"
    #: Per visitor (the challenge, the form token): rendered for every request.
    cache = "live"

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """The first page of comments and a fresh form; ``{}`` where no article is shown."""
        if page.kind != "article" or page.object_id is None:
            return {}
        article_id = page.object_id
        settings = current_settings()
        message = None
        if visitor.cookies.get(MESSAGE_COOKIE):
            message = sent_message(visitor.cookies.get(MESSAGE_COOKIE), article_id)
            visitor.set_cookie(MESSAGE_COOKIE, "", max_age=0)
        return {
            "article_id": article_id,
            "thread": thread(article_id, 1, settings.per_page, exact=False),
            "form": new_form(article_id, visitor.address, settings),
            "options": settings,
            "sent": message,
        }
