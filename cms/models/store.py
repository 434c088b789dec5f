"""Tables of the shared store (:mod:`cms.store`) when no Redis is configured.

Times are seconds since the Unix epoch (UTC), as floats, so that the database
and Redis backends compare expiry the same way.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model


class StoreCounter(Model):
    """An atomic counter; ``expires_at`` set: it restarts from zero after that time."""

    __tablename__ = "store_counter"

    #: The counter's name (plugins use ``<plugin>:...``).
    key: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    #: The current value.
    value: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    #: Seconds since the epoch after which the value counts as zero; None: never.
    expires_at: Mapped[float | None] = mapped_column(sa.Float)


class StorePresence(Model):
    """One member of a presence set, present until ``expires_at``."""

    __tablename__ = "store_presence"
    __table_args__ = (sa.Index("ix_store_presence_set_expires", "set_name", "expires_at"),)

    #: The set's name, e.g. ``stats:online``.
    set_name: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    #: The member, e.g. a hashed visitor id.
    member: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    #: Seconds since the epoch until which the member counts as present.
    expires_at: Mapped[float] = mapped_column(sa.Float)


class StoreToken(Model):
    """A single-use token and the value it stands for, valid until ``expires_at``."""

    __tablename__ = "store_token"
    __table_args__ = (sa.Index("ix_store_token_expires_at", "expires_at"),)

    #: Who issued the token, e.g. ``comments:captcha``.
    namespace: Mapped[str] = mapped_column(sa.String(100), primary_key=True)
    #: The token itself (random, from the issuer).
    token: Mapped[str] = mapped_column(sa.String(255), primary_key=True)
    #: What the token stands for (e.g. a captcha answer); never sent to the client.
    value: Mapped[str] = mapped_column(sa.Text, default="")
    #: Seconds since the epoch after which the token is refused.
    expires_at: Mapped[float] = mapped_column(sa.Float)
