"""Sample votes for ``cms demo``: some demo articles have ratings, so the portal shows numbers."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from cms.content import public_filter
from cms.extensions import db
from cms.models import Article, utcnow
from plugins.rating.models import RatingVote
from plugins.rating.voters import keyed_hash
from plugins.rating.voting import recount

#: Stars of the votes given to the newest public articles, newest first. The first is
#: the reference page's "lượt đánh giá: 12, trung bình: 4,3" (52 stars from 12 votes).
DEMO_VOTES: list[list[int]] = [
    [5, 5, 5, 5, 5, 5, 4, 4, 4, 4, 3, 3],
    [5, 4, 4, 4, 3],
    [5, 5, 5, 4, 4, 4, 4, 5, 3, 5, 4, 5, 4, 4, 5, 5, 4, 3, 5, 4],
    [3, 4, 2, 3],
    [5],
    [4, 4, 5, 3, 4, 4, 5, 4],
]


def demo() -> None:
    """Add :data:`DEMO_VOTES` to the newest public articles, in the demo's transaction.

    Voter keys are ``d:`` and a keyed hash (they stand for no real browser, so
    no reader is kept from voting); the totals are set from the rows. Never commits.
    """
    newest = (
        select(Article.id)
        .where(public_filter())
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(len(DEMO_VOTES))
    )
    ids = list(db.session.execute(newest).scalars())
    now = utcnow()
    for article_id, stars_list in zip(ids, DEMO_VOTES, strict=False):  # fewer articles: fewer
        for index, stars in enumerate(stars_list):
            db.session.add(
                RatingVote(
                    article_id=article_id,
                    voter_key="d:" + keyed_hash("demo", f"{article_id}:{index}"),
                    stars=stars,
                    created_at=now - timedelta(minutes=7 * (len(stars_list) - index)),
                )
            )
        db.session.flush()
        recount(article_id)
