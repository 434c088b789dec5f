"""Full-text search over articles: SQLite FTS5, PostgreSQL tsvector, folded text on both.

Titles, summaries and bodies are folded (lower case, no diacritics) into
``article.search_text``; queries are folded the same way, so ``cai cach`` finds
``Cải cách``. SQLite keeps an external-content FTS5 table in step by triggers;
PostgreSQL uses a GIN index on ``to_tsvector('simple', search_text)``. Both
are created by the core migration. Each word of the query matches as a prefix.
"""

from __future__ import annotations

from sqlalchemy import Select, func, literal_column, select, text

from cms.content.text import fold
from cms.extensions import db
from cms.models import Article

#: Longest query, in words, that is searched (the rest is ignored).
MAX_TERMS = 12


def query_terms(q: str) -> list[str]:
    """The folded words of a search query, at most :data:`MAX_TERMS`."""
    return fold(q).split()[:MAX_TERMS]


def matching(query: Select, q: str) -> Select | None:
    """Narrow ``query`` (which selects from ``Article``) to articles matching ``q``.

    Returns ``None`` when ``q`` has no searchable word. The result is ordered
    by relevance, newest first among equals.
    """
    terms = query_terms(q)
    if not terms:
        return None
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        expr = " ".join(f'"{t}"*' for t in terms)
        fts = (
            select(literal_column("rowid").label("rowid"), literal_column("rank").label("rank"))
            .select_from(text("article_fts"))
            .where(text("article_fts MATCH :fts_query").bindparams(fts_query=expr))
            .subquery("fts")
        )
        return query.join(fts, fts.c.rowid == Article.id).order_by(
            fts.c.rank, Article.published_at.desc()
        )
    if dialect == "postgresql":
        tsquery = func.to_tsquery("simple", " & ".join(f"{t}:*" for t in terms))
        vector = func.to_tsvector("simple", Article.search_text)
        return query.where(vector.op("@@")(tsquery)).order_by(
            func.ts_rank(vector, tsquery).desc(), Article.published_at.desc()
        )
    condition = [Article.search_text.contains(t, autoescape=True) for t in terms]
    return query.where(*condition).order_by(Article.published_at.desc())


def search_text_for(title: str, summary: str, body_text: str) -> str:
    """The folded text stored in ``article.search_text``."""
    return fold(" ".join((title, summary, body_text)))
