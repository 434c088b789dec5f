"""The count in the article's meta line, and comments leaving with their article."""

from __future__ import annotations

from typing import Any

from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import delete

from cms import generations
from cms.content.events import ArticleEvent
from cms.extensions import db
from cms.i18n import number
from cms.plugins import hookimpl
from plugins.comments.models import CommentsComment
from plugins.comments.moderation import approved_count

_META = Markup('<a class="article__comments" href="#comments" data-comment-count="{0}">{1}</a>')


class Hooks:
    """Hooks of the comments plugin (called while it is active)."""

    @hookimpl
    def article_meta(self, article: Any) -> str | None:
        """ "3 comments" in the meta line, linking to them; nothing without approved comments."""
        count = approved_count(int(article.id))
        if not count:
            return None
        text = ngettext("%(count)s comment", "%(count)s comments", count, count=number(count))
        return str(_META.format(count, text))

    @hookimpl
    def article_deleted(self, article: ArticleEvent) -> None:
        """Its comments go with it (a new article may get its id on SQLite)."""
        db.session.execute(delete(CommentsComment).where(CommentsComment.article_id == article.id))
        generations.bump(generations.ARTICLE_META)
        db.session.commit()
