"""Full-text search over articles: SQLite FTS5, PostgreSQL tsvector, folded text on both.

Titles, summaries and bodies are folded (:func:`cms.content.text.fold`:
compatibility forms, case and diacritics) into ``article.search_text``;
queries are folded the same way, so ``cai cach`` finds ``Cải cách`` and
``covid 2024`` finds ``ＣＯＶＩＤ ２０２４``. SQLite keeps an external-content
FTS5 table in step by triggers; PostgreSQL uses a GIN index on
``to_tsvector('simple', search_text)``. Both are created by the core
migration. Each word of the query matches as a prefix; words in double
quotes (``"cải cách hành chính"``) match only as that phrase: those whole
words, consecutive and in that order.

Matches are found by the index alone. A bounded number of them (see
:func:`candidate_tiers`) are then ranked in tiers, see :data:`TIERS`; newest
first within a tier, and the remaining matches after them, newest first.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    bindparam,
    case,
    func,
    literal_column,
    select,
    text,
)
from sqlalchemy import update as sa_update

from cms.content.text import fold, fold_case, html_to_text
from cms.extensions import db
from cms.models import Article

#: Longest query, in words, that is searched (the rest is ignored).
MAX_TERMS = 12

#: How many matches are ranked by how exactly they match the query: this many of
#: the newest that hold the whole query as a phrase, and as many of the newest.
RANKED_CANDIDATES = 100

#: How much of an article's body (characters of HTML) is read to rank it.
RANK_BODY_CHARS = 20_000

#: The ranking tiers, best first: the query's words with its diacritics, in its
#: order; the same words in any order; the folded words in the query's order;
#: the folded words anywhere (what every match has).
TIERS = ("accented phrase", "accented words", "folded phrase", "folded words")

#: Quotation marks that open or close a phrase (ASCII, typographic, guillemets).
_QUOTES = re.compile('["\u201c\u201d\u201e\u00ab\u00bb]')
_UNCLOSED_TAG = re.compile(r"<[^>]*\Z")
#: The text search configuration, written into the SQL (not bound) so that the
#: expression always matches the one of the GIN index, whatever plan is cached.
_PG_CONFIG: ColumnElement[Any] = literal_column("'simple'::regconfig")


@dataclass(frozen=True)
class SearchQuery:
    """A search query, parsed and folded.

    ``words`` match as prefixes anywhere; each of ``phrases`` matches its
    whole words consecutively and in order. ``accented`` holds every word of
    the query (phrases included, in the order typed) folded by
    :func:`cms.content.text.fold_case`, for ranking.
    """

    #: Folded words outside quotes, each matched as a prefix.
    words: tuple[str, ...]
    #: Folded quoted phrases, each a tuple of whole words.
    phrases: tuple[tuple[str, ...], ...]
    #: Every word of the query with its diacritics (case folded), in order.
    accented: tuple[str, ...]

    @property
    def terms(self) -> list[str]:
        """Every folded word of the query, in the order typed."""
        return list(fold(" ".join(self.accented)).split())

    def __bool__(self) -> bool:
        return bool(self.words or self.phrases)


def parse_query(q: str) -> SearchQuery:
    """Parse ``q`` into prefix words and quoted phrases, at most :data:`MAX_TERMS` words.

    Text between a pair of quotation marks (``"``, ``“ ”``, ``„ “``, ``« »``,
    fullwidth ``＂``) is a phrase; an unclosed quotation runs to the end.
    Everything else, punctuation and search-engine syntax included, only
    separates words. Never raises.
    """
    parts = _QUOTES.split(unicodedata.normalize("NFKC", q))
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    accented: list[str] = []
    budget = MAX_TERMS
    for index, part in enumerate(parts):
        exact = fold_case(part).split()[:budget]
        if not exact:
            continue
        budget -= len(exact)
        accented.extend(exact)
        folded = fold(" ".join(exact)).split()
        if index % 2:
            phrases.append(tuple(folded))
        else:
            words.extend(folded)
    return SearchQuery(tuple(words), tuple(phrases), tuple(accented))


def query_terms(q: str) -> list[str]:
    """The folded words of a search query, at most :data:`MAX_TERMS`."""
    return parse_query(q).terms


def fts5_expression(parsed: SearchQuery) -> str:
    """The SQLite FTS5 MATCH expression for ``parsed``: ``"cai"* "hanh chinh"``.

    Folded words hold only letters, digits and marks, so quoting them is enough
    to keep FTS5 operators (``OR``, ``NEAR``, ``:``, ``^``) out of the query.
    """
    items = [f'"{word}"*' for word in parsed.words]
    items += ['"' + " ".join(phrase) + '"' for phrase in parsed.phrases]
    return " ".join(items)


def tsquery_expression(parsed: SearchQuery) -> str:
    """The PostgreSQL ``to_tsquery`` text for ``parsed``: ``'cai':* & ('hanh' <-> 'chinh')``."""
    items = [f"'{word}':*" for word in parsed.words]
    items += ["(" + " <-> ".join(f"'{word}'" for word in phrase) + ")" for phrase in parsed.phrases]
    return " & ".join(items)


def matching(query: Select, q: str) -> Select | None:
    """Narrow ``query`` (which selects from ``Article``) to articles matching ``q``.

    Returns ``None`` when ``q`` has no searchable word. The result is ordered
    by :data:`TIERS` for the ranked candidates (see :func:`candidate_tiers`),
    newest first within a tier, then the other matches, newest first.
    """
    parsed = parse_query(q)
    if not parsed:
        return None
    narrowed = _narrow(query, parsed)
    tiers = candidate_tiers(query, parsed)
    if not tiers:
        return narrowed.order_by(*_NEWEST)
    return narrowed.order_by(case(tiers, value=Article.id, else_=len(TIERS)), *_NEWEST)


#: Newest first, then the highest id: the order within a tier.
_NEWEST = (Article.published_at.desc().nulls_last(), Article.id.desc())

#: Up to this many index matches, SQLite looks the matching articles up by key;
#: beyond it, it checks the articles that ``query`` selects against the matches.
FEW_MATCHES = 1000


def _narrow(query: Select, parsed: SearchQuery) -> Select:
    """``query`` narrowed to the articles the search index matches for ``parsed``."""
    dialect = db.session.get_bind().dialect.name
    if dialect == "sqlite":
        matches: Select = (
            select(literal_column("rowid"))
            .select_from(text("article_fts"))
            .where(
                text("article_fts MATCH :fts_query").bindparams(fts_query=fts5_expression(parsed))
            )
        )
        probe = select(func.count()).select_from(matches.limit(FEW_MATCHES).subquery())
        if db.session.execute(probe).scalar_one() < FEW_MATCHES:
            # Materialized, the few matches are found once and looked up by key;
            # inlined, SQLite may walk every article and probe the index for each.
            fts = matches.cte("fts").prefix_with("MATERIALIZED")
            return query.join(fts, fts.c.rowid == Article.id)
        return query.where(Article.id.in_(matches))
    if dialect == "postgresql":
        tsquery = func.to_tsquery(_PG_CONFIG, tsquery_expression(parsed))
        vector = func.to_tsvector(_PG_CONFIG, Article.search_text)
        return query.where(vector.op("@@")(tsquery))
    conditions = [Article.search_text.contains(t, autoescape=True) for t in parsed.terms]
    return query.where(*conditions)


def candidate_tiers(query: Select, parsed: SearchQuery) -> dict[int, int]:
    """The tier (index in :data:`TIERS`) of the matches that are ranked, by article id.

    Ranked are the newest :data:`RANKED_CANDIDATES` matches of the query and,
    on SQLite, whose FTS5 index holds word positions, as many of the newest
    matches of the whole query typed as one phrase (the only ones that can
    reach the phrase tiers). Each step is an index lookup with a limit; only
    the candidates' texts are read, at most :data:`RANK_BODY_CHARS` of each.
    """
    phrase = SearchQuery((), (tuple(parsed.terms),), parsed.accented)
    steps = [phrase, parsed]
    if db.session.get_bind().dialect.name == "postgresql":
        # Its GIN index holds no word positions: a phrase is checked by
        # recomputing the text vector of every row with the words.
        steps = [parsed]
    ids: dict[int, None] = {}
    for each in steps:
        newest = _narrow(query, each).with_only_columns(Article.id).order_by(*_NEWEST)
        ids.update(dict.fromkeys(db.session.execute(newest.limit(RANKED_CANDIDATES)).scalars()))
    if not ids:
        return {}
    texts = select(
        Article.id,
        Article.title,
        Article.summary,
        func.substr(Article.body_html, 1, RANK_BODY_CHARS),
    ).where(Article.id.in_(list(ids)))
    return {
        row[0]: match_tier(parsed, (row[1], row[2] or "", _body_text(row[3])))
        for row in db.session.execute(texts)
    }


def _body_text(body_html: str | None) -> str:
    """The text of a body's leading part (a tag cut in two is dropped)."""
    return html_to_text(_UNCLOSED_TAG.sub("", body_html or ""))


def match_tier(parsed: SearchQuery, texts: Iterable[str]) -> int:
    """How exactly ``texts`` (title, summary, body text) match ``parsed``: a :data:`TIERS` index.

    Phrases and words are compared as whole words; every matching article is
    at least in the last tier, as its folded words begin with the query's.
    """
    accented = " ".join(fold_case(t) for t in texts)
    padded = f" {accented} "
    if f" {' '.join(parsed.accented)} " in padded:
        return 0
    if set(parsed.accented) <= set(accented.split()):
        return 1
    if f" {' '.join(parsed.terms)} " in f" {fold(accented)} ":
        return 2
    return 3


def search_text_for(title: str, summary: str, body_text: str) -> str:
    """The folded text stored in ``article.search_text``."""
    return fold(" ".join((title, summary, body_text)))


def refold_articles(connection: Connection, batch_size: int = 500) -> int:
    """Recompute ``article.search_text`` of every article with the current folding.

    Runs in batches of ``batch_size`` rows by id, on a plain connection (the
    migration that follows a change of :func:`cms.content.text.fold` calls
    it); the search index follows through its triggers (SQLite) or its
    expression index (PostgreSQL). Returns how many rows were rewritten.
    """
    update = (
        sa_update(Article)
        .where(Article.id == bindparam("row_id"))
        .values(search_text=bindparam("folded"), updated_at=Article.updated_at)  # not an edit
    )
    last, changed = 0, 0
    while True:
        rows = connection.execute(
            select(
                Article.id, Article.title, Article.summary, Article.body_html, Article.search_text
            )
            .where(Article.id > last)
            .order_by(Article.id)
            .limit(batch_size)
        ).all()
        if not rows:
            return changed
        params = []
        for row in rows:
            folded = search_text_for(row[1] or "", row[2] or "", html_to_text(row[3] or ""))
            if folded != row[4]:
                params.append({"row_id": row[0], "folded": folded})
        if params:
            connection.execute(update, params)
            changed += len(params)
        last = rows[-1][0]
