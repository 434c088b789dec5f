"""The rating plugin's tables: votes, per-article totals and address claims.

- :class:`RatingVote`: one row per accepted vote, unique per
  ``(article_id, voter_key)``; the voter key is a keyed hash (never a raw
  address, cookie or user id), see :mod:`plugins.rating.voters`.
- :class:`RatingTotal`: the aggregates readers see (``count`` votes adding up
  to ``total`` stars), changed only by atomic upserts
  (``count = count + 1, total = total + :stars``), never read-modify-write.
- :class:`RatingAddress`: when an address (its keyed hash) last voted on an
  article, for the rules that refuse a second vote from the same address
  within the address window.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model
from cms.models import UTCDateTime, utcnow

#: Length of a voter key: a kind prefix (``c:``, ``a:``, ``u:``, ``d:``) and 64 hex digits.
VOTER_KEY_MAX = 80
#: Length of an address key: 64 hex digits of an HMAC-SHA256.
ADDRESS_KEY_MAX = 64


class RatingVote(Model):
    """One accepted vote: ``stars`` (1 to 5) given to ``article_id`` by ``voter_key``."""

    __tablename__ = "rating_vote"
    __table_args__ = (sa.UniqueConstraint("article_id", "voter_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    #: The article voted on (no foreign key: the plugin's hooks delete votes with articles).
    article_id: Mapped[int] = mapped_column(sa.Integer)
    #: Who voted, as a keyed hash with a kind prefix (:func:`plugins.rating.voters.voter_key`).
    voter_key: Mapped[str] = mapped_column(sa.String(VOTER_KEY_MAX))
    #: 1 to 5.
    stars: Mapped[int] = mapped_column(sa.SmallInteger)
    #: When the vote was accepted (UTC).
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class RatingTotal(Model):
    """The aggregates of one article's votes: ``count`` votes adding up to ``total`` stars."""

    __tablename__ = "rating_total"

    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: Number of votes.
    count: Mapped[int] = mapped_column(sa.Integer, default=0)
    #: Sum of their stars.
    total: Mapped[int] = mapped_column(sa.Integer, default=0)


class RatingAddress(Model):
    """When an address (keyed hash) last had a vote accepted for an article (UTC)."""

    __tablename__ = "rating_address"

    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: HMAC-SHA256 of the client address (:func:`plugins.rating.voters.address_key`).
    address_key: Mapped[str] = mapped_column(sa.String(ADDRESS_KEY_MAX), primary_key=True)
    #: The last accepted vote from that address on that article.
    voted_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
