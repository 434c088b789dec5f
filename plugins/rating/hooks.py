"""Keeping votes and the top-rated lists in step with the articles, whoever changes them."""

from __future__ import annotations

from sqlalchemy import delete

from cms.content.events import ArticleEvent
from cms.extensions import db
from cms.plugins import hookimpl, widget_cache
from plugins.rating.models import RatingAddress, RatingTotal, RatingVote
from plugins.rating.voting import recount, totals

#: The cached widget type these hooks keep fresh.
TOP_RATED = "rating.top_rated"


def _drop_top_rated_if_rated(article_id: int) -> None:
    """Drop the cached top-rated lists at once if the article has votes (it may be listed)."""
    if totals(article_id).count:
        widget_cache.invalidate(widget_type=TOP_RATED, now=True)


class Hooks:
    """Lifecycle events (fired by the content services after their commit)."""

    @hookimpl
    def article_created(self, article: ArticleEvent) -> None:
        """An article that ``cms import`` restored brings its votes: count its totals again."""
        recount(article.id)
        db.session.commit()

    @hookimpl
    def article_published(self, article: ArticleEvent) -> None:
        """An article with votes that becomes public again may enter a top-rated list."""
        _drop_top_rated_if_rated(article.id)

    @hookimpl
    def article_updated(self, article: ArticleEvent) -> None:
        """A listed article may have a new title or category."""
        if article.was_public or article.is_public:
            _drop_top_rated_if_rated(article.id)

    @hookimpl
    def article_unpublished(self, article: ArticleEvent) -> None:
        """An article readers can no longer see leaves the top-rated lists."""
        _drop_top_rated_if_rated(article.id)

    @hookimpl
    def article_deleted(self, article: ArticleEvent) -> None:
        """Its votes, totals and address claims go with it (a new article may reuse its id)."""
        rated = totals(article.id).count > 0
        for model in (RatingTotal, RatingVote, RatingAddress):
            db.session.execute(delete(model).where(model.article_id == article.id))
        db.session.commit()
        if rated:
            widget_cache.invalidate(widget_type=TOP_RATED, now=True)
