"""Telling plugins about content changes, after they are committed."""

from __future__ import annotations

from flask import current_app

from cms.models import Article


def article_committed(article: Article, *, created: bool, was_public: bool) -> None:
    """Call ``article_saved``, and ``article_published`` when the article just became public.

    Call it right after the commit that stored the change.
    """
    if "cms_plugins" not in current_app.extensions:
        return
    from cms.plugins import call_hook

    call_hook("article_saved", article=article, created=created)
    if article.is_public and not was_public:
        call_hook("article_published", article=article)
