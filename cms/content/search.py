"""Full-text search over articles: SQLite FTS5, PostgreSQL tsvector, folded text on both.

Titles, summaries and bodies are folded (:func:`cms.content.text.fold`:
compatibility forms, case and diacritics) into ``article.search_text``, its
words separated by single spaces; queries are folded the same way, so
``cai cach`` finds ``Cải cách`` and ``covid 2024`` finds ``ＣＯＶＩＤ ２０２４``.
SQLite keeps an external-content FTS5 table in step by triggers; PostgreSQL
uses a GIN index on ``cms_search_vector(search_text)``, which is
``to_tsvector('simple', search_text)`` with its true cost declared (migration
``0010_listing_indexes``), so that the planner reads the index rather than
computing the vector of every row. Each word of the query matches as a prefix of a word;
words in double quotes (``"cải cách hành chính"``) match only as that phrase:
those whole words, consecutive and in that order.

A search costs about the same on a site of 100 or 100,000 articles, whatever
the query:

- It lists at most :data:`SEARCH_LIMIT` matches: the newest ones (by
  publication time); its count is their number.
- Each process holds the folded text of the newest :data:`SAMPLE_SIZE` public
  articles (:class:`Sample`, renewed when the ``listings`` generation moves,
  see :mod:`cms.content.listings`). A public search looks there first: a
  common word finds its newest matches without the database.
- The rest is looked for in the database, among older articles, one of two
  ways chosen by the query's frequency in the sample (:func:`choose_plan`):
  newest first through the listing index, testing each article's folded text
  (a common query: few articles read per match, at most :data:`WALK_LIMIT`
  read), or through the full-text index (a rare one: only its matches read).
  No plan evaluates the full-text match once per article (the slow
  ``to_tsvector`` of every row), and none sorts every match of a common word.

Ranking: the newest :data:`RANKED_CANDIDATES` matches, and as many of the
newest that hold the whole query as one folded phrase, are ranked in tiers,
see :data:`TIERS`; newest first within a tier, and the remaining matches after
them, newest first.
"""

from __future__ import annotations

import functools
import re
import threading
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from flask import current_app
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    bindparam,
    case,
    func,
    literal,
    literal_column,
    select,
    text,
)
from sqlalchemy import update as sa_update
from sqlalchemy.orm import aliased

from cms.content import listings
from cms.content.text import fold, fold_case, html_to_text
from cms.extensions import db
from cms.models import Article, utcnow
from cms.paging import with_known_order

#: Longest query, in words, that is searched (the rest is ignored).
MAX_TERMS = 12

#: Most matches a search lists (the newest ones).
SEARCH_LIMIT = 500

#: How many matches are ranked by how exactly they match the query: this many of
#: the newest, and as many of the newest that hold the whole query as a phrase.
RANKED_CANDIDATES = 20

#: How much of an article's body (characters of HTML) is read to rank it.
RANK_BODY_CHARS = 2_000

#: How many of the newest public articles each process holds for searching.
SAMPLE_SIZE = 2_000

#: Most articles a newest-first search reads in the database.
WALK_LIMIT = 5_000

#: A query matching more than this share of the articles is never looked up in the
#: full-text index (its long list of matches costs more than the bounded walk).
INDEX_SHARE = 0.2

#: What reading one article newest first costs (index, row, text test), as a
#: multiple of reading one full-text index match (its row, by key).
WALK_COST = 2.0

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
#: Newest first, then the highest id: the order of matches.
_NEWEST = (Article.published_at.desc().nulls_last(), Article.id.desc())


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


class Needles(NamedTuple):
    """What a query looks for in an article's padded folded text (``" " + search_text + " "``)."""

    #: Every condition: ``" word"`` (a word beginning there) or ``" a b "`` (a phrase).
    all: tuple[str, ...]
    #: The whole query as one folded phrase, ``" a b c "``: ranked first.
    whole: str
    #: What the full-text index looks up: words (as prefixes) of two letters or
    #: more (a one-letter prefix begins too many indexed words), and phrases.
    words: tuple[str, ...]
    phrases: tuple[tuple[str, ...], ...]


def needles_for(parsed: SearchQuery) -> Needles:
    """The :class:`Needles` of ``parsed`` (a word that begins another one of it is implied)."""
    words = [
        w
        for w in dict.fromkeys(parsed.words)
        if not any(o != w and o.startswith(w) for o in parsed.words)
    ]
    phrases = tuple(dict.fromkeys(parsed.phrases))
    conditions = [f" {word}" for word in words]
    conditions += [" " + " ".join(phrase) + " " for phrase in phrases]
    whole = " " + " ".join(parsed.terms) + " "
    indexed = tuple(word for word in words if len(word) > 1)
    return Needles(tuple(dict.fromkeys(conditions)), whole, indexed, phrases)


class Match(NamedTuple):
    """One article a search found."""

    id: int
    published_at: datetime | None
    #: Whether it holds the whole query as one folded phrase.
    phrase: bool


class SampleRow(NamedTuple):
    """One article of a :class:`Sample`."""

    id: int
    published_at: datetime
    #: ``" " + search_text + " "``.
    text: str


@dataclass(frozen=True)
class Sample:
    """The newest public articles, newest first, with their padded folded text."""

    #: The articles.
    rows: tuple[SampleRow, ...]
    #: Whether they are every public article.
    complete: bool
    #: When an article not yet public becomes public (the sample is stale then), if ever.
    until: datetime | None

    def matches(self, needles: Needles) -> list[Match]:
        """The sample's articles that hold ``needles``, newest first."""
        rows: Sequence[SampleRow] = self.rows
        for needle in needles.all:  # one tight pass per needle, on fewer rows each time
            rows = [row for row in rows if needle in row.text]
        whole = needles.whole
        return [Match(row.id, row.published_at, whole in row.text) for row in rows]


_SAMPLE_KEY = "cms_search_sample"
_sample_lock = threading.Lock()


def current_sample() -> Sample:
    """The newest :data:`SAMPLE_SIZE` public articles, held by this process until they change.

    Read again when the ``listings`` generation moves (an article or a tag
    link changed anywhere) and when a scheduled article's time comes.
    """
    generation = listings.listings_generation()
    now = utcnow()
    held = current_app.extensions.get(_SAMPLE_KEY)
    if (
        held is not None
        and held[0] == generation
        and (held[1].until is None or now < held[1].until)
    ):
        return held[1]
    rows = db.session.execute(
        select(Article.id, Article.published_at, Article.search_text)
        .where(listings.public_condition(now))
        .order_by(Article.published_at.desc(), Article.id.desc())
        .limit(SAMPLE_SIZE)
    ).all()
    sample = Sample(
        tuple(SampleRow(row[0], row[1], f" {row[2] or ''} ") for row in rows if row[1] is not None),
        complete=len(rows) < SAMPLE_SIZE,
        until=listings.next_public_time(now),
    )
    with _sample_lock:
        current_app.extensions[_SAMPLE_KEY] = (generation, sample)
    return sample


class Plan(NamedTuple):
    """How the database is searched: newest first, or through the full-text index."""

    #: Whether the full-text index finds the matches (else newest first).
    use_index: bool


def choose_plan(needles: Needles, sample: Sample, hits: int, wanted: int, total: int) -> Plan:
    """The cheaper way to find ``wanted`` more matches among ``total`` articles.

    ``hits``: how many of the sample's articles match; their share ``d`` of the
    sample estimates the query's share of all articles. Newest first reads
    about ``wanted / d`` articles (at most :data:`WALK_LIMIT`), each at
    :data:`WALK_COST`. The index reads the articles it finds: those holding
    every word it can look up (:func:`index_needles`), their share of the
    sample times ``total``; it is never used for more than
    :data:`INDEX_SHARE` of the articles, nor without a word to look up.
    """
    size = max(len(sample.rows), 1)
    walk = min(wanted * size / max(hits, 0.5), WALK_LIMIT) * WALK_COST
    looked_up = index_needles(needles)
    if not looked_up:
        return Plan(use_index=False)
    found: Sequence[SampleRow] = sample.rows
    for needle in looked_up:
        found = [row for row in found if needle in row.text]
    share = max(len(found), 0.5) / size
    return Plan(use_index=share <= INDEX_SHARE and share * total < walk)


def index_needles(needles: Needles) -> list[str]:
    """The conditions the full-text index checks, as needles (see :func:`_fts_matches`).

    SQLite's FTS5 checks the words of two letters or more and the phrases;
    PostgreSQL's GIN index the same words and each word of the phrases.
    """
    found = [f" {word}" for word in needles.words]
    if db.session.get_bind().dialect.name == "sqlite":
        return found + [" " + " ".join(phrase) + " " for phrase in needles.phrases]
    return found + [f" {word} " for phrase in needles.phrases for word in dict.fromkeys(phrase)]


def find_matches(query: Select, parsed: SearchQuery) -> list[Match]:
    """The newest :data:`SEARCH_LIMIT` articles of ``query`` that match ``parsed``, newest first."""
    needles = needles_for(parsed)
    sample = current_sample()
    public = listings.is_public_query(query)
    held = sample.matches(needles)
    found: list[Match] = []
    older: tuple[datetime, int] | None = None
    if public:
        found = held
        if len(found) >= SEARCH_LIMIT or sample.complete:
            return found[:SEARCH_LIMIT]
        if sample.rows:
            older = (sample.rows[-1].published_at, sample.rows[-1].id)
    wanted = SEARCH_LIMIT - len(found)
    total = len(sample.rows) if sample.complete else listings.public_total()
    plan = choose_plan(needles, sample, len(held), wanted, total)
    statement = _database_search(query, needles, plan, older, wanted, public)
    found += [Match(row[0], row[1], bool(row[2])) for row in db.session.execute(statement)]
    return found[:SEARCH_LIMIT]


def _padded() -> ColumnElement[str]:
    return literal(" ").concat(Article.search_text).concat(" ")


def _holds(value: ColumnElement[str], needle: str) -> ColumnElement[bool]:
    """SQL: ``value`` holds ``needle`` (no pattern characters: a plain substring test)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.strpos(value, needle) > 0
    return func.instr(value, needle) > 0


def _newest(
    public: bool, published: Any = Article.published_at, key: Any = Article.id
) -> tuple[Any, Any]:
    """Newest first: public articles all have a time (index order); others' empty ones last."""
    if public:
        return published.desc(), key.desc()
    return published.desc().nulls_last(), key.desc()


def _database_search(
    query: Select,
    needles: Needles,
    plan: Plan,
    older: tuple[datetime, int] | None,
    wanted: int,
    public: bool,
) -> Select:
    """The statement giving ``(id, published_at, phrase)`` of ``wanted`` more matches.

    ``older``: only articles older than that ``(published_at, id)``. See :class:`Plan`.
    """
    padded = _padded()
    conditions = [_holds(padded, needle) for needle in needles.all]
    base = query.order_by(None)
    if older is not None:
        moment, last = older
        base = base.where(
            Article.published_at <= moment, (Article.published_at < moment) | (Article.id < last)
        )
    phrase = _holds(padded, needles.whole).label("phrase")
    if not plan.use_index:  # newest first, each article's text tested
        # The test reads each walked article by key (no plan joins the whole
        # table), and the walk stops at the ``wanted``-th match.
        row = aliased(Article)
        padded_row = literal(" ").concat(row.search_text).concat(" ")
        test = (
            select(
                case(
                    (
                        and_(*[_holds(padded_row, needle) for needle in needles.all]),
                        case((_holds(padded_row, needles.whole), 2), else_=1),
                    ),
                    else_=0,
                )
            )
            .where(row.id == Article.id)
            .scalar_subquery()
        )
        edge = (  # the newest-first walk stops at the WALK_LIMIT-th article
            base.with_only_columns(Article.published_at)
            .order_by(*_newest(public))
            .offset(WALK_LIMIT)
            .limit(1)
            .scalar_subquery()
        )
        return (
            base.with_only_columns(Article.id, Article.published_at, test > 1)
            .where(test > 0, edge.is_(None) | (Article.published_at >= edge))
            .order_by(*_newest(public))
            .limit(wanted)
        )
    found: Select = base.with_only_columns(Article.id, Article.published_at, phrase)
    if db.session.get_bind().dialect.name == "sqlite":
        matches = _fts_matches(needles)
        found = found.join(matches, matches.c.id == Article.id)
    else:
        found = found.where(Article.id == func.any(_gin_matches(needles)))
    return found.where(*conditions).order_by(*_newest(public)).limit(wanted)


def _fts_matches(needles: Needles) -> Any:
    """SQLite: a materialized CTE of the ids whose folded text holds the words and phrases.

    FTS5 finds them in its index (phrases too: it holds word positions); the
    articles are then looked up by key.
    """
    items = [f'"{word}"*' for word in needles.words]
    items += ['"' + " ".join(phrase) + '"' for phrase in needles.phrases]
    found: Select = (
        select(literal_column("rowid").label("id"))
        .select_from(text("article_fts"))
        .where(text("article_fts MATCH :fts_query").bindparams(fts_query=" ".join(items)))
    )
    return found.cte("matches").prefix_with("MATERIALIZED")


def _gin_matches(needles: Needles) -> Any:
    """PostgreSQL: ``ARRAY(SELECT id ...)`` of the articles holding the words and phrase words.

    The GIN index finds them (a phrase is left to the text test: checking it
    there would compute each candidate's text vector); compared with
    ``id = ANY(...)``, the articles are looked up by key whatever the planner
    thinks of the array's size, never by joining the whole table.
    """
    items = [f"'{word}':*" for word in needles.words]
    items += [f"'{word}'" for phrase in needles.phrases for word in dict.fromkeys(phrase)]
    tsquery = func.to_tsquery(_PG_CONFIG, " & ".join(items))
    indexed = aliased(Article)
    vector = func.cms_search_vector(indexed.search_text)
    return func.array(select(indexed.id).where(vector.op("@@")(tsquery)).scalar_subquery())


def matching(query: Select, q: str) -> Select | None:
    """Narrow ``query`` (which selects from ``Article``) to articles matching ``q``.

    Returns ``None`` when ``q`` has no searchable word. The result holds the
    newest :data:`SEARCH_LIMIT` matches (:func:`find_matches`), ordered by
    :data:`TIERS` for the ranked candidates (see :func:`rank`), newest first
    within a tier, then the other matches, newest first. It carries that order
    for :func:`cms.paging.paginate`, with the ranked candidates already loaded.
    """
    parsed = parse_query(q)
    if not parsed:
        return None
    query = query.order_by(None)
    found = find_matches(query, parsed)
    tiers, loaded = rank(query, parsed, found)
    ordered = sorted(found, key=lambda match: tiers.get(match.id, len(TIERS)))  # stable: newest
    public = listings.is_public_query(query)
    result = query.where(Article.id.in_([match.id for match in found]))
    if tiers:
        result = result.order_by(case(tiers, value=Article.id, else_=len(TIERS)))
    result = result.order_by(*_newest(public))
    ids = [match.id for match in ordered]
    return with_known_order(result, listings.ARTICLES, ids, loaded)


def rank(
    query: Select, parsed: SearchQuery, found: Sequence[Match]
) -> tuple[dict[int, int], dict[int, Any]]:
    """The tier (index in :data:`TIERS`) of the ranked candidates, and their rows, by id.

    Ranked are the newest :data:`RANKED_CANDIDATES` of ``found`` and as many
    of the newest that hold the whole query as a folded phrase (the only ones
    that can reach the phrase tiers). Their rows are read with ``query`` (its
    loader options apply); at most :data:`RANK_BODY_CHARS` of each body is read.
    """
    ids = [match.id for match in found[:RANKED_CANDIDATES]]
    ids += [match.id for match in found if match.phrase][:RANKED_CANDIDATES]
    ids = list(dict.fromkeys(ids))
    if not ids:
        return {}, {}
    loaded: dict[int, Any] = {}
    described = query.column_descriptions
    if len(described) == 1 and described[0]["expr"] is Article:  # the rows, kept for the page
        rows = db.session.execute(listings.ARTICLES.rows(ids)).unique().scalars()
        loaded = {row.id: row for row in rows}
        texts = [
            (row.id, row.title, row.summary, row.body_html, row.search_text)
            for row in loaded.values()
        ]
    else:
        texts = list(
            db.session.execute(
                select(
                    Article.id,
                    Article.title,
                    Article.summary,
                    func.substr(Article.body_html, 1, RANK_BODY_CHARS),
                    Article.search_text,
                ).where(Article.id.in_(ids))
            ).tuples()
        )
    tiers = {
        key: match_tier(
            parsed,
            (title, summary or "", _body_text((body or "")[:RANK_BODY_CHARS])),
            folded or "",
        )
        for key, title, summary, body, folded in texts
    }
    return tiers, loaded


def _body_text(body_html: str | None) -> str:
    """The text of a body's leading part (a tag cut in two is dropped)."""
    return html_to_text(_UNCLOSED_TAG.sub("", body_html or ""))


def match_tier(parsed: SearchQuery, texts: Iterable[str], folded: str | None = None) -> int:
    """How exactly ``texts`` (title, summary, body text) match ``parsed``: a :data:`TIERS` index.

    Phrases and words are compared as whole words; every matching article is
    at least in the last tier, as its folded words begin with the query's.
    ``folded``: the article's ``search_text``, for the folded-phrase tier (by
    default the folded ``texts``).
    """
    accented = " ".join(fold_words(t) for t in texts)
    padded = f" {accented} "
    if f" {' '.join(parsed.accented)} " in padded:
        return 0
    if set(parsed.accented) <= set(accented.split()):
        return 1
    if folded is None:
        folded = fold(accented)
    if f" {' '.join(parsed.terms)} " in f" {folded} ":
        return 2
    return 3


def fold_words(value: str) -> str:
    """:func:`cms.content.text.fold_case` of ``value``, word by word with a cache (same result).

    ``fold_case`` treats every white space as a word boundary, so it can fold
    each run between white spaces on its own; a site's texts repeat the same
    few thousand words, whose folded forms this process keeps.
    """
    return " ".join(folded for folded in map(_fold_piece, value.split()) if folded)


@functools.lru_cache(maxsize=32_768)
def _fold_piece(piece: str) -> str:
    return fold_case(piece)


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
