"""The plugin's tables: term vectors, an inverted index, term frequencies and the lists.

Only public articles are indexed. Everything here is derived from the core's
articles (``cms related rebuild`` makes it again from them); the lifecycle
hooks keep it current (:mod:`plugins.related.index`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from cms.extensions import Model
from cms.models import UTCDateTime
from plugins.related.terms import TERM_COLUMN


class RelatedDocument(Model):
    """One indexed (public) article: its folded text, its term vector and its fingerprints."""

    __tablename__ = "related_document"

    #: The article's id (no foreign key: the hooks remove the row with the article).
    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: Its category's id, or ``None``.
    category_id: Mapped[int | None] = mapped_column(sa.Integer)
    #: Ids of its tags, sorted.
    tags: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    #: When it was published (UTC).
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Its title, folded, one phrase per line (:func:`plugins.related.terms.folded_text`).
    title_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Its summary, folded likewise: with the title, every term it counts in the frequencies.
    summary_text: Mapped[str] = mapped_column(sa.Text, default="")
    #: Its strongest terms and their TF-IDF weights (a unit vector's part).
    vector: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Hash of what ranks it (text, category, tags, date): unchanged means nothing to do.
    fingerprint: Mapped[str] = mapped_column(sa.String(40), default="")
    #: Hash of what lists show of it (title, slug, date, image): changed means lists to redraw.
    shown: Mapped[str] = mapped_column(sa.String(40), default="")


class RelatedPosting(Model):
    """The inverted index: an article holding a term (a word, ``c:<category>``, ``t:<tag>``).

    Read newest article first per term (its key is ``(term, article_id)``), so a
    new article's candidates come from a bounded range of each of its terms.
    """

    __tablename__ = "related_posting"

    #: A folded syllable or pair of syllables, ``c:<id>`` or ``t:<id>``.
    term: Mapped[str] = mapped_column(sa.String(TERM_COLUMN), primary_key=True)
    #: The article holding it.
    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: The term's weight in the article's vector (0 for category and tags).
    weight: Mapped[float] = mapped_column(sa.Float, default=0.0)


class RelatedFrequency(Model):
    """How many indexed articles hold a term (its document frequency, for the IDF)."""

    __tablename__ = "related_frequency"

    #: A folded syllable or pair of syllables.
    term: Mapped[str] = mapped_column(sa.String(TERM_COLUMN), primary_key=True)
    #: Indexed articles whose title or summary holds it.
    documents: Mapped[int] = mapped_column(sa.Integer, default=0)


class RelatedLink(Model):
    """One entry of an article's list: ``related_id`` at ``rank`` (0 first) under ``article_id``.

    The page reads a list by its key ``(article_id, rank)``; the index on
    ``related_id`` finds the lists an article is in when it changes or goes.
    """

    __tablename__ = "related_link"
    __table_args__ = (sa.Index("ix_related_link_related_id", "related_id", "article_id"),)

    #: The article whose list this is.
    article_id: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: Position in the list, 0 first.
    rank: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    #: The related article.
    related_id: Mapped[int] = mapped_column(sa.Integer)
    #: How related (:func:`plugins.related.terms.score`).
    score: Mapped[float] = mapped_column(sa.Float)
    #: The related article's publication time: the tie-break among equal scores.
    published_at: Mapped[datetime] = mapped_column(UTCDateTime)
