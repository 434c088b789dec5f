"""Counting votes: one per voter per article, exact with any number of workers and hosts.

What makes it exact (DESIGN.md section 5, "Correct under concurrency"):

- a vote is a row of ``rating_vote``, unique per ``(article_id, voter_key)``:
  of two concurrent votes with the same key the database keeps one and refuses
  the other (``IntegrityError``), whatever worker or host sent them;
- an address that voted is claimed in ``rating_address`` by one upsert that
  only takes the row back when its window has passed
  (``INSERT ... ON CONFLICT DO UPDATE ... WHERE voted_at <= :cutoff RETURNING``):
  of concurrent claims exactly one gets a row back;
- the aggregates of ``rating_total`` change by one upsert
  (``count = count + 1, total = total + :stars``), never read-modify-write;
- the three happen in one transaction, in that order in every request (no
  deadlock), and a refusal rolls everything back: nothing is counted or stored.

The per-address rate limit counts in the shared store (:func:`cms.store.hit`),
so every worker and host agrees. It counts votes: a vote refused as already
cast (by the voter or from the address) gives its hit back
(:func:`cms.store.unhit`), so repeated clicks on an article already rated
never use up the address's quota for other articles. Only SQLite and PostgreSQL are supported, as by
the rest of the site (their ``INSERT ... ON CONFLICT`` and ``RETURNING``).
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import delete, exists, func, literal, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from cms import store
from cms.content import public_filter
from cms.extensions import db
from cms.models import Article, utcnow
from plugins.rating.models import RatingAddress, RatingTotal, RatingVote
from plugins.rating.voters import (
    RatingSettings,
    Voter,
    address_key,
    address_voter_key,
    cookie_voter_key,
    current_settings,
    new_voter_cookie,
    user_voter_key,
)

#: Fewest and most stars of a vote.
STARS_MIN, STARS_MAX = 1, 5
#: The Bayesian average's prior: ``PRIOR_VOTES`` imaginary votes of ``PRIOR_MEAN`` stars.
log = logging.getLogger(__name__)

PRIOR_VOTES = 10
#: Seconds between two deletions of expired address claims: the first vote of each such
#: period, in any worker or host, runs one after its own commit.
PRUNE_EVERY = 3600
PRIOR_MEAN = 3.0

#: HTTP status of each refusal.
STATUS = {
    "invalid": 422,
    "crawler": 403,
    "sign_in": 401,
    "rate_limited": 429,
    "already_voted": 409,
    "address_voted": 409,
}


@dataclass(frozen=True)
class Totals:
    """An article's aggregates: ``count`` votes adding up to ``total`` stars."""

    #: Number of votes.
    count: int = 0
    #: Sum of their stars.
    total: int = 0

    @property
    def average(self) -> float:
        """The mean number of stars (0.0 without votes)."""
        return self.total / self.count if self.count else 0.0

    def as_json(self) -> dict[str, Any]:
        """``{"count": int, "average": float}``, the average rounded to two decimals."""
        return {"count": self.count, "average": round(self.average, 2)}


@dataclass(frozen=True)
class Cast:
    """An accepted vote: the article's new totals, and a voter cookie to set (if one was made)."""

    #: The totals including this vote.
    totals: Totals
    #: A new :data:`plugins.rating.voters.VOTER_COOKIE` value the answer must set, or None.
    new_cookie: str | None = None


class VoteRefused(Exception):
    """A vote that was not counted: ``code`` (a key of :data:`STATUS`), ``status``, ``message``.

    ``message`` is in the reader's language; ``retry_after`` (seconds) is set for
    ``rate_limited``.
    """

    def __init__(self, code: str, message: str, retry_after: int | None = None) -> None:
        super().__init__(message)
        #: Machine-readable reason.
        self.code = code
        #: HTTP status of the refusal.
        self.status = STATUS[code]
        #: What the reader is told.
        self.message = message
        #: Seconds to wait before trying again (rate limit only).
        self.retry_after = retry_after


def refusal(code: str, retry_after: int | None = None) -> VoteRefused:
    """The :class:`VoteRefused` for ``code``, with its message in the active locale."""
    messages = {
        "invalid": _("Choose from 1 to 5 stars."),
        "crawler": _("Ratings from automated programs are not accepted."),
        "sign_in": _("Sign in to rate articles."),
        "rate_limited": _(
            "Too many ratings were sent from your network. Please try again in a few minutes."
        ),
        "already_voted": _("You have already rated this article."),
        "address_voted": _(
            "This article was rated from your network a short while ago. Please try again later."
        ),
    }
    return VoteRefused(code, messages[code], retry_after)


def parse_stars(value: Any) -> int:
    """A number of stars from a form field or JSON: 1 to 5, else :class:`VoteRefused` ``invalid``.

    Accepts an int (not a bool) or the exact text ``"1"`` to ``"5"``; ``"3.0"``,
    ``" 3"``, ``"٣"`` and the like are refused.
    """
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value in {"1", "2", "3", "4", "5"}:
        number = int(value)
    else:
        raise refusal("invalid")
    if not STARS_MIN <= number <= STARS_MAX:
        raise refusal("invalid")
    return number


def _insert(model: type[Any]) -> Any:
    """``INSERT`` of ``model`` with ``ON CONFLICT`` support for the session's database."""
    dialect = db.session.get_bind().dialect.name
    module: Any = postgresql if dialect == "postgresql" else sqlite
    if dialect not in ("postgresql", "sqlite"):
        raise RuntimeError(f"the rating plugin supports SQLite and PostgreSQL, not {dialect}")
    return module.insert(model)


def totals(article_id: int) -> Totals:
    """The totals of one article (zeros without votes)."""
    return totals_many([article_id]).get(article_id, Totals())


def totals_many(article_ids: Iterable[int]) -> dict[int, Totals]:
    """``{article id: Totals}`` of the articles that have votes, in one query."""
    ids = sorted({int(i) for i in article_ids})
    if not ids:
        return {}
    rows = db.session.execute(
        select(RatingTotal.article_id, RatingTotal.count, RatingTotal.total).where(
            RatingTotal.article_id.in_(ids)
        )
    )
    return {int(row[0]): Totals(int(row[1]), int(row[2])) for row in rows}


def retry_after(window: int) -> int:
    """Seconds until the current fixed window of ``window`` seconds ends (:func:`cms.store.hit`)."""
    return max(1, math.ceil(window - time.time() % window))


def cast_vote(
    article_id: int, stars: int, voter: Voter, settings: RatingSettings | None = None
) -> Cast:
    """Count ``stars`` from ``voter`` for (public) article ``article_id``, and commit.

    Refusals raise :class:`VoteRefused` having stored and counted nothing (a
    refused vote takes no share of the address's rate limit): ``invalid``
    stars, a ``crawler``, ``sign_in`` (rule ``user`` without a signed-in
    voter), ``rate_limited`` (more than the settings' votes per window from
    the address), ``already_voted`` (the voter key voted) and
    ``address_voted`` (the address voted within its window). The caller
    checks that the article is public.
    """
    settings = settings or current_settings()
    stars = parse_stars(stars)
    if voter.is_crawler:
        raise refusal("crawler")
    if settings.rule == "user" and voter.user_id is None:
        raise refusal("sign_in")
    address = address_key(voter.address)
    rate_key, hit_at = f"rating:rate:{address}", time.time()
    if not store.hit(rate_key, settings.rate_limit, settings.rate_window, hit_at):
        raise refusal("rate_limited", retry_after(settings.rate_window))
    now = utcnow()
    new_cookie = None
    if settings.rule == "user":
        assert voter.user_id is not None
        key = user_voter_key(voter.user_id)
    elif settings.uses_cookie:
        cookie = voter.cookie
        if cookie is None:
            cookie = new_cookie = new_voter_cookie()
        key = cookie_voter_key(cookie)
    else:
        key = address_voter_key(voter.address, now.isoformat())
    session = db.session
    try:
        session.execute(
            _insert(RatingVote).values(
                article_id=article_id, voter_key=key, stars=stars, created_at=now
            )
        )
    except IntegrityError:
        session.rollback()
        store.unhit(rate_key, settings.rate_window, hit_at)
        raise refusal("already_voted") from None
    if settings.uses_address and not _claim_address(
        article_id, address, now, settings.address_window
    ):
        session.rollback()
        store.unhit(rate_key, settings.rate_window, hit_at)
        raise refusal("address_voted")
    count, total = _add_to_total(article_id, stars)
    session.commit()
    if settings.uses_address:
        prune_when_due(settings)
    return Cast(Totals(count, total), new_cookie)


def prune_when_due(settings: RatingSettings) -> None:
    """Delete the expired address claims, at most once per :data:`PRUNE_EVERY` seconds.

    The period is the shared store's (every worker and host agrees), so no
    cron job is needed (``cms rating prune`` does the same at once). Never
    raises: a busy or unreachable database is logged, and a later period
    tries again.
    """
    if not store.hit("rating:prune", 1, PRUNE_EVERY):
        return
    try:
        removed = prune_addresses(settings)
        db.session.commit()
    except SQLAlchemyError as exc:
        db.session.rollback()
        log.warning("expired rating address claims not deleted: %s", exc)
        return
    if removed:
        log.info("deleted %d expired rating address claims", removed)


def _claim_address(article_id: int, address: str, now: datetime, window: int) -> bool:
    """Record that ``address`` voted now; False if it voted within ``window`` seconds (atomic)."""
    cutoff = now - timedelta(seconds=window)
    statement = (
        _insert(RatingAddress)
        .values(article_id=article_id, address_key=address, voted_at=now)
        .on_conflict_do_update(
            index_elements=[RatingAddress.article_id, RatingAddress.address_key],
            set_={"voted_at": now},
            where=RatingAddress.voted_at <= cutoff,
        )
        .returning(RatingAddress.article_id)
    )
    return db.session.execute(statement).first() is not None


def _add_to_total(article_id: int, stars: int) -> tuple[int, int]:
    """Add one vote of ``stars`` to the article's totals (one upsert); the new count and total."""
    statement = (
        _insert(RatingTotal)
        .values(article_id=article_id, count=1, total=stars)
        .on_conflict_do_update(
            index_elements=[RatingTotal.article_id],
            set_={"count": RatingTotal.count + 1, "total": RatingTotal.total + stars},
        )
        .returning(RatingTotal.count, RatingTotal.total)
    )
    row = db.session.execute(statement).one()
    return int(row[0]), int(row[1])


def visitor_state(
    article_id: int, voter: Voter, settings: RatingSettings | None = None
) -> tuple[Totals, str]:
    """The article's totals and what ``voter`` may do, in one query.

    The state is ``"open"`` (may vote), ``"voted"`` (the voter key voted),
    ``"address_voted"`` (the address voted within the window) or ``"sign_in"``
    (rule ``user``, anonymous).
    """
    settings = settings or current_settings()
    key = None
    if settings.rule == "user":
        key = user_voter_key(voter.user_id) if voter.user_id is not None else None
    elif settings.uses_cookie and voter.cookie is not None:
        key = cookie_voter_key(voter.cookie)
    where_total = RatingTotal.article_id == article_id
    columns: list[Any] = [
        select(RatingTotal.count).where(where_total).scalar_subquery(),
        select(RatingTotal.total).where(where_total).scalar_subquery(),
    ]
    columns.append(
        exists().where(RatingVote.article_id == article_id, RatingVote.voter_key == key)
        if key is not None
        else literal(False)
    )
    if settings.uses_address:
        cutoff = utcnow() - timedelta(seconds=settings.address_window)
        columns.append(
            exists().where(
                RatingAddress.article_id == article_id,
                RatingAddress.address_key == address_key(voter.address),
                RatingAddress.voted_at > cutoff,
            )
        )
    else:
        columns.append(literal(False))
    count, total, voted, address_voted = db.session.execute(select(*columns)).one()
    found = Totals(int(count or 0), int(total or 0))
    if settings.rule == "user" and voter.user_id is None:
        return found, "sign_in"
    if voted:
        return found, "voted"
    if address_voted:
        return found, "address_voted"
    return found, "open"


def reset_votes(article_id: int) -> Totals:
    """Delete an article's votes, totals and address claims; the totals removed. Caller commits.

    The totals row goes first: a vote in progress holds it (its last step), so
    the reset waits for that vote to commit and then deletes it too; a vote
    that has not reached it yet commits afterwards and is counted alone.
    Either way the totals match the rows kept.
    """
    before = totals(article_id)
    db.session.execute(delete(RatingTotal).where(RatingTotal.article_id == article_id))
    db.session.execute(delete(RatingVote).where(RatingVote.article_id == article_id))
    db.session.execute(delete(RatingAddress).where(RatingAddress.article_id == article_id))
    return before


def recount(article_id: int) -> Totals:
    """Set an article's totals from its vote rows (after ``cms import``); caller commits."""
    count, total = db.session.execute(
        select(func.count(), func.coalesce(func.sum(RatingVote.stars), 0)).where(
            RatingVote.article_id == article_id
        )
    ).one()
    found = Totals(int(count), int(total))
    if not found.count:
        if totals(article_id).count:  # totals without votes: a new article reusing an id
            db.session.execute(delete(RatingTotal).where(RatingTotal.article_id == article_id))
        return found
    db.session.execute(
        _insert(RatingTotal)
        .values(article_id=article_id, count=found.count, total=found.total)
        .on_conflict_do_update(
            index_elements=[RatingTotal.article_id],
            set_={"count": found.count, "total": found.total},
        )
    )
    return found


def prune_addresses(settings: RatingSettings | None = None) -> int:
    """Delete address claims older than the address window; how many. Caller commits.

    They no longer refuse anything; keeping them would only keep hashes longer.
    """
    settings = settings or current_settings()
    cutoff = utcnow() - timedelta(seconds=settings.address_window)
    result = db.session.execute(delete(RatingAddress).where(RatingAddress.voted_at <= cutoff))
    return int(getattr(result, "rowcount", 0) or 0)


def bayesian_score() -> Any:
    """SQL of the Bayesian average of an article's stars, for ranking.

    ``(C * m + total) / (C + count)``: the mean of the article's votes and of
    ``C`` = :data:`PRIOR_VOTES` imaginary votes of ``m`` = :data:`PRIOR_MEAN`
    stars. It is IMDb's "weighted rating" ``WR = (v / (v + m)) * R + (m / (v +
    m)) * C`` of its Top 250 (IMDb Help, "How do you calculate the rank of
    movies and TV shows on the Top Rated Movies and Top Rated TV Show lists?"),
    written as one fraction; see also Wikipedia, "Bayesian average". The prior
    mean is the scale's midpoint, 3 stars, rather than the site's mean: with
    the site's mean near 4, one 5-star vote (3.18 here) would outrank two
    hundred 4-star votes (3.95 here).
    """
    numerator = sa.cast(PRIOR_VOTES * PRIOR_MEAN + RatingTotal.total, sa.Float)
    return numerator / sa.cast(PRIOR_VOTES + RatingTotal.count, sa.Float)


def score_of(found: Totals) -> float:
    """:func:`bayesian_score` of one article's totals, in Python."""
    return (PRIOR_VOTES * PRIOR_MEAN + found.total) / (PRIOR_VOTES + found.count)


def top_rated(
    limit: int, category_ids: Sequence[int] = (), since: datetime | None = None
) -> list[tuple[Article, Totals]]:
    """The public articles with votes, best :func:`bayesian_score` first, at most ``limit``.

    ``category_ids``: only articles in these categories (none: every one);
    ``since``: only articles published at or after it. Ties: more votes, then newer.
    """
    score = bayesian_score()
    query = (
        select(Article, RatingTotal.count, RatingTotal.total)
        .join(RatingTotal, RatingTotal.article_id == Article.id)
        .where(public_filter(), RatingTotal.count > 0)
    )
    if category_ids:
        query = query.where(Article.category_id.in_(list(category_ids)))
    if since is not None:
        query = query.where(Article.published_at >= since)
    query = query.order_by(
        score.desc(), RatingTotal.count.desc(), Article.published_at.desc(), Article.id.desc()
    ).limit(limit)
    return [(row[0], Totals(row[1], row[2])) for row in db.session.execute(query)]
