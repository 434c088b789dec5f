"""Keeping the related lists: index one article, update the lists it touches, rebuild all.

The plugin's tables (:mod:`plugins.related.models`) hold, for every public
article, its folded text and term vector (``related_document``), an inverted
index from each term, category and tag to the articles holding it
(``related_posting``), how many articles hold each term (``related_frequency``)
and its list of related articles, the best :data:`STORED` (``related_link``).

**Cost.** When an article is published, edited, unpublished or deleted, the
lifecycle hooks call :func:`refresh` or :func:`forget`, which read a bounded
number of rows whatever the size of the site: the article's candidates are
the newest :data:`PER_STRUCTURE` articles of its category and of each of its
tags and the newest :data:`PER_TERM` holding each of its :data:`SEARCH_TERMS`
strongest terms (one ``UNION ALL`` of key-range reads of the inverted index),
the best :data:`SCORED` of them by the partial score those rows give are
scored exactly from their stored vectors, and only the lists of those
candidates and of the articles whose lists hold it are read and rewritten.
No body is read, no table scanned; a page view reads one list by its key.

**Lists stay right.** A stored list is always the exact best ``len(list)``
of its article's related articles (:data:`STORED` at most, pages show up to
:data:`SHOWN`). The score is symmetric (:func:`plugins.related.terms.score`),
so the articles whose lists a new article enters are among its own
candidates: it enters each that is complete or whose last entry it beats
(:func:`entered`). An article whose score in a list changed (edited) or that
left it (made private, deleted) moves or leaves (:func:`moved`); the list
is computed again from its own candidates only when it may have left out an
article that now belongs in it and would show fewer than :data:`SHOWN`.

**Concurrency.** Every change runs in one transaction that first takes the
plugin's lock (PostgreSQL: a transaction-level advisory lock; SQLite:
``BEGIN IMMEDIATE``, the database's write lock), so two workers publishing at
once update overlapping lists one after the other, each reading what the
other committed.

Vectors keep the weights of the moment an article was indexed; ``cms related
rebuild`` (:func:`rebuild`) weighs every article again with the frequencies of
the whole site.
"""

from __future__ import annotations

import functools
import hashlib
import heapq
import json
import logging
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from typing import Any, TypeVar, cast

from sqlalchemy import (
    Connection,
    Integer,
    Table,
    bindparam,
    delete,
    func,
    insert,
    select,
    union_all,
    update,
)
from sqlalchemy.dialects import postgresql, sqlite

from cms.content import public_filter
from cms.extensions import db
from cms.models import Article, article_tag, visible_now
from plugins.related.models import RelatedDocument, RelatedFrequency, RelatedLink, RelatedPosting
from plugins.related.terms import (
    CATEGORY_WEIGHT,
    MAX_SHARED_TAGS,
    TAG_WEIGHT,
    TEXT_WEIGHT,
    VERSION,
    Doc,
    document_terms,
    folded_text,
    rank_key,
    score,
    strongest,
    structural_terms,
    term_counts,
    weigh,
)

log = logging.getLogger(__name__)

T = TypeVar("T")

#: The most related articles a page or the API lists (the ``count`` setting's limit).
SHOWN = 20
#: Entries kept per list: :data:`SHOWN` and a few more, so that an article leaving a
#: list seldom makes it be computed again (only once it holds fewer than :data:`SHOWN`).
STORED = 25
#: Postings read per strong term of an article when looking for its candidates.
PER_TERM = 40
#: Postings read for its category and for each of its tags.
PER_STRUCTURE = 100
#: Its strongest terms that look for candidates.
SEARCH_TERMS = 24
#: Its tags that look for candidates.
SEARCH_TAGS = 10
#: Candidates scored exactly (the best by the partial score of the postings read).
SCORED = 100
#: Articles per transaction in :func:`rebuild`.
BATCH = 500
#: Parameters per ``IN (...)`` list.
CHUNK = 500
#: The frequency table's row counting the indexed articles (no term has a ``#``).
DOCUMENTS = "#documents"
#: PostgreSQL advisory lock key of the plugin ("related" in ASCII, as a 64-bit number).
LOCK_KEY = int.from_bytes(b"related", "big")

DOC = cast(Table, RelatedDocument.__table__)
POSTING = cast(Table, RelatedPosting.__table__)
FREQUENCY = cast(Table, RelatedFrequency.__table__)
LINK = cast(Table, RelatedLink.__table__)


@dataclass(frozen=True)
class Entry:
    """One entry of a list: the related article, its score and publication time."""

    related_id: int
    score: float
    published_at: datetime

    @property
    def key(self) -> tuple[float, float, int]:
        """Sort key, best first (:func:`plugins.related.terms.rank_key`)."""
        return rank_key(self.score, self.published_at, self.related_id)


@dataclass
class Outcome:
    """What a change did: the articles whose lists changed or show a changed article."""

    #: Ids of the articles whose list changed.
    lists: set[int] = field(default_factory=set)
    #: Ids of the articles whose list holds one that changed how it shows (title, link,
    #: date, image).
    shown: set[int] = field(default_factory=set)
    #: Every list changed (a rebuild): no page's list can be trusted.
    everything: bool = False

    def __bool__(self) -> bool:
        return bool(self.lists) or bool(self.shown) or self.everything

    @property
    def pages(self) -> set[int]:
        """Ids of the articles whose page shows another list now."""
        return self.lists | self.shown


@dataclass(frozen=True)
class Source:
    """An article as the core stores it: what indexing needs, read by id."""

    id: int
    title: str
    summary: str
    slug: str
    status: str
    published_at: datetime | None
    category_id: int | None
    image_id: int | None
    tags: tuple[int, ...]

    @property
    def is_public(self) -> bool:
        """Readers may see it now (as :attr:`cms.models.Article.is_public` says)."""
        return visible_now(self.status, self.published_at)


@dataclass(frozen=True)
class Prepared:
    """An article's folded texts and fingerprints, before it is weighed."""

    source: Source
    title_text: str
    summary_text: str
    fingerprint: str
    shown: str

    @property
    def terms(self) -> set[str]:
        """Every term of its title and summary (as the frequencies count them)."""
        return document_terms(self.title_text, self.summary_text)


def _digest(*parts: Any) -> str:
    text = json.dumps(parts, ensure_ascii=False, default=str)
    return hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()


def prepare(source: Source) -> Prepared:
    """Fold ``source``'s title and summary and take its fingerprints."""
    title_text, summary_text = folded_text(source.title), folded_text(source.summary)
    published = source.published_at.isoformat() if source.published_at else ""
    fingerprint = _digest(
        VERSION, title_text, summary_text, source.category_id, sorted(source.tags), published
    )
    shown = _digest(source.title, source.slug, published, source.image_id)
    return Prepared(source, title_text, summary_text, fingerprint, shown)


def _chunks(values: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


# -- the lock ---------------------------------------------------------------------------------


def lock(conn: Connection) -> None:
    """Take the plugin's lock for the rest of ``conn``'s transaction (call it first).

    PostgreSQL: ``pg_advisory_xact_lock``, waiting at most the site's lock
    timeout; SQLite: ``BEGIN IMMEDIATE``, the database's write lock, waiting
    at most its busy timeout (so call it before anything else in the
    transaction). Raises what the database raises when the wait is over.
    """
    if conn.dialect.name == "postgresql":
        conn.execute(select(func.pg_advisory_xact_lock(LOCK_KEY)))
    elif conn.dialect.name == "sqlite":
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def maintain(change: Callable[[Connection], T]) -> T:
    """Run ``change(conn)`` in a transaction of its own holding the plugin's lock; its result."""
    with db.engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            lock(conn)  # BEGIN IMMEDIATE is the transaction's start
            try:
                result = change(conn)
            except BaseException:
                conn.rollback()
                raise
            conn.commit()
            return result
        with conn.begin():
            lock(conn)
            return change(conn)


# -- reading ----------------------------------------------------------------------------------


def read_sources(conn: Connection, ids: Sequence[int]) -> dict[int, Source]:
    """The articles ``ids`` as the core stores them (missing ids left out), tags included."""
    found: dict[int, Source] = {}
    tags: dict[int, list[int]] = {}
    for chunk in _chunks(list(ids)):
        for article_id, tag_id in conn.execute(
            select(article_tag.c.article_id, article_tag.c.tag_id).where(
                article_tag.c.article_id.in_(chunk)
            )
        ):
            tags.setdefault(article_id, []).append(tag_id)
        rows = conn.execute(
            select(
                Article.id, Article.title, Article.summary, Article.slug, Article.status,
                Article.published_at, Article.category_id, Article.image_id,
            ).where(Article.id.in_(chunk))
        )  # fmt: skip
        for row in rows:
            found[row.id] = Source(
                id=row.id,
                title=row.title or "",
                summary=row.summary or "",
                slug=row.slug,
                status=row.status,
                published_at=row.published_at,
                category_id=row.category_id,
                image_id=row.image_id,
                tags=tuple(sorted(tags.get(row.id, []))),
            )
    return found


def _doc(row: Any) -> Doc:
    return Doc(
        id=row.article_id,
        category_id=row.category_id,
        tags=frozenset(int(t) for t in (row.tags or [])),
        published_at=row.published_at,
        vector={str(k): float(v) for k, v in (row.vector or {}).items()},
    )


def documents(conn: Connection, ids: Iterable[int]) -> dict[int, Any]:
    """The ``related_document`` rows of ``ids`` that exist, by article id."""
    found: dict[int, Any] = {}
    for chunk in _chunks(sorted(set(ids))):
        for row in conn.execute(select(DOC).where(DOC.c.article_id.in_(chunk))):
            found[row.article_id] = row
    return found


def docs(
    conn: Connection, ids: Iterable[int], known: dict[int, Doc] | None = None
) -> dict[int, Doc]:
    """The indexed articles ``ids`` as :class:`~plugins.related.terms.Doc`, by id.

    Reads only what ranking needs (not the texts). ``known`` holds docs read
    before in the same transaction (:func:`rebuild` shares it over a batch):
    they are taken from it, and what is read is added to it.
    """
    known = {} if known is None else known
    wanted = sorted(set(ids))
    found = {i: known[i] for i in wanted if i in known}
    missing = [i for i in wanted if i not in known]
    columns = (DOC.c.article_id, DOC.c.category_id, DOC.c.tags, DOC.c.published_at, DOC.c.vector)
    for chunk in _chunks(missing):
        for row in conn.execute(select(*columns).where(DOC.c.article_id.in_(chunk))):
            found[row.article_id] = known[row.article_id] = _doc(row)
    return found


def read_lists(conn: Connection, owners: Iterable[int]) -> dict[int, list[Entry]]:
    """The stored lists of ``owners`` (best first); an owner without one is left out."""
    found: dict[int, list[Entry]] = {}
    for chunk in _chunks(sorted(set(owners))):
        rows = conn.execute(
            select(LINK.c.article_id, LINK.c.related_id, LINK.c.score, LINK.c.published_at)
            .where(LINK.c.article_id.in_(chunk))
            .order_by(LINK.c.article_id, LINK.c.rank)
        )
        for row in rows:
            found.setdefault(row.article_id, []).append(
                Entry(row.related_id, row.score, row.published_at)
            )
    return found


def holders(conn: Connection, article_id: int) -> set[int]:
    """The articles whose lists hold ``article_id`` (through ``ix_related_link_related_id``)."""
    query = select(LINK.c.article_id).where(LINK.c.related_id == article_id)
    return set(conn.execute(query).scalars())


def frequencies(conn: Connection, terms: Iterable[int | str]) -> dict[str, int]:
    """How many indexed articles hold each of ``terms`` (absent terms left out)."""
    found: dict[str, int] = {}
    for chunk in _chunks(sorted({str(t) for t in terms})):
        query = select(FREQUENCY.c.term, FREQUENCY.c.documents).where(FREQUENCY.c.term.in_(chunk))
        found.update((term, int(count)) for term, count in conn.execute(query))
    return found


def document_count(conn: Connection) -> int:
    """How many articles are indexed (kept in the frequency table, never counted)."""
    return frequencies(conn, [DOCUMENTS]).get(DOCUMENTS, 0)


# -- writing ----------------------------------------------------------------------------------


def _upsert(conn: Connection) -> Any:
    if conn.dialect.name == "postgresql":
        return postgresql.insert(FREQUENCY)
    return sqlite.insert(FREQUENCY)


def change_frequencies(conn: Connection, deltas: Mapping[str, int]) -> None:
    """Add ``deltas`` (term -> +n or -n) to the frequencies; terms that fall to 0 go."""
    gained = [{"term": t, "documents": n} for t, n in sorted(deltas.items()) if n > 0]
    lost = sorted(t for t, n in deltas.items() if n < 0)
    if gained:
        statement = _upsert(conn)
        statement = statement.on_conflict_do_update(
            index_elements=[FREQUENCY.c.term],
            set_={"documents": FREQUENCY.c.documents + statement.excluded.documents},
        )
        conn.execute(statement, gained)
    if lost:
        conn.execute(
            update(FREQUENCY)
            .where(FREQUENCY.c.term == bindparam("t"))
            .values(documents=FREQUENCY.c.documents + bindparam("n")),
            [{"t": t, "n": deltas[t]} for t in lost],
        )
        for chunk in _chunks(lost):
            conn.execute(
                delete(FREQUENCY).where(FREQUENCY.c.term.in_(chunk), FREQUENCY.c.documents <= 0)
            )


def _postings(doc: Doc) -> list[dict[str, Any]]:
    rows = [{"t": t, "a": doc.id, "w": 0.0} for t in structural_terms(doc.category_id, doc.tags)]
    rows += [{"t": t, "a": doc.id, "w": w} for t, w in sorted(doc.vector.items())]
    return rows


def _add_postings(conn: Connection, new: Sequence[Doc]) -> None:
    rows = [
        {"term": p["t"], "article_id": p["a"], "weight": p["w"]} for d in new for p in _postings(d)
    ]
    if rows:
        conn.execute(insert(POSTING), rows)


def _remove_postings(conn: Connection, old: Sequence[Doc]) -> None:
    rows = [p for d in old for p in _postings(d)]
    if rows:
        conn.execute(
            delete(POSTING).where(
                POSTING.c.term == bindparam("t"), POSTING.c.article_id == bindparam("a")
            ),
            rows,
        )


def write_lists(conn: Connection, lists: Mapping[int, Sequence[Entry]]) -> None:
    """Replace the stored lists of the owners in ``lists`` (an empty one removes it)."""
    owners = sorted(lists)
    for chunk in _chunks(owners):
        conn.execute(delete(LINK).where(LINK.c.article_id.in_(chunk)))
    rows = [
        {
            "article_id": owner,
            "rank": rank,
            "related_id": entry.related_id,
            "score": entry.score,
            "published_at": entry.published_at,
        }
        for owner in owners
        for rank, entry in enumerate(lists[owner][:STORED])
    ]
    if rows:
        conn.execute(insert(LINK), rows)


def _document_row(prepared: Prepared, vector: Mapping[str, float]) -> dict[str, Any]:
    source = prepared.source
    return {
        "article_id": source.id,
        "category_id": source.category_id,
        "tags": list(source.tags),
        "published_at": source.published_at,
        "title_text": prepared.title_text,
        "summary_text": prepared.summary_text,
        "vector": dict(vector),
        "fingerprint": prepared.fingerprint,
        "shown": prepared.shown,
    }


def _as_doc(prepared: Prepared, vector: Mapping[str, float]) -> Doc:
    source = prepared.source
    assert source.published_at is not None  # public articles have a time
    return Doc(source.id, source.category_id, frozenset(source.tags), source.published_at, vector)


def _unindex(conn: Connection, rows: Sequence[Any]) -> dict[str, int]:
    """Take the documents ``rows`` out of the inverted index and the table.

    Returns the frequency changes their terms make (applied by the caller).
    """
    deltas: Counter[str] = Counter({DOCUMENTS: -len(rows)})
    for row in rows:
        for term in document_terms(row.title_text, row.summary_text):
            deltas[term] -= 1
    _remove_postings(conn, [_doc(row) for row in rows])
    for chunk in _chunks([row.article_id for row in rows]):
        conn.execute(delete(DOC).where(DOC.c.article_id.in_(chunk)))
    return dict(deltas)


# -- ranking ----------------------------------------------------------------------------------


@functools.cache
def _candidate_query(structure: int, text: int) -> Any:
    """The ``UNION ALL`` reading the newest postings of ``structure`` + ``text`` terms.

    Built once per shape; the terms and limits are bound parameters ``t<i>``
    and ``n<i>``, so the database and SQLAlchemy reuse its plan and its SQL.
    """
    parts = []
    for i in range(structure + text):
        newest = (
            select(POSTING.c.article_id, POSTING.c.term, POSTING.c.weight)
            .where(POSTING.c.term == bindparam(f"t{i}"), POSTING.c.article_id != bindparam("x"))
            .order_by(POSTING.c.article_id.desc())
            .limit(bindparam(f"n{i}", type_=Integer))
            .subquery()
        )
        parts.append(select(newest.c.article_id, newest.c.term, newest.c.weight))
    return parts[0] if len(parts) == 1 else union_all(*parts)


def _partial_scores(conn: Connection, doc: Doc) -> dict[int, float]:
    """Candidates of ``doc`` from bounded reads of the inverted index, with partial scores."""
    structure = structural_terms(doc.category_id, sorted(doc.tags)[:SEARCH_TAGS])
    strong = [t for t, _ in sorted(doc.vector.items(), key=lambda i: (-i[1], i[0]))]
    strong = strong[:SEARCH_TERMS]
    if not structure and not strong:
        return {}
    values: dict[str, Any] = {"x": doc.id}
    for i, term in enumerate([*structure, *strong]):
        values[f"t{i}"] = term
        values[f"n{i}"] = PER_STRUCTURE if i < len(structure) else PER_TERM
    category: set[int] = set()
    tags: Counter[int] = Counter()
    text: Counter[int] = Counter()
    vector = doc.vector
    rows = conn.execute(_candidate_query(len(structure), len(strong)), values).all()
    for article_id, term, weight in rows:
        if term.startswith("c:"):
            category.add(article_id)
        elif term.startswith("t:"):
            tags[article_id] += 1
        else:
            text[article_id] += vector.get(term, 0.0) * weight
    found = category | set(tags) | set(text)
    return {
        i: CATEGORY_WEIGHT * (i in category)
        + TAG_WEIGHT * min(tags[i], MAX_SHARED_TAGS)
        + TEXT_WEIGHT * min(1.0, text[i])
        for i in found
    }


def ranked(conn: Connection, doc: Doc, known: dict[int, Doc] | None = None) -> list[Entry]:
    """Every candidate of ``doc`` scored exactly, related ones only, best first.

    Candidates: see :func:`_partial_scores`; the best :data:`SCORED` of them
    are scored from their stored vectors (:func:`plugins.related.terms.score`).
    """
    partial = _partial_scores(conn, doc)
    best = [i for i, _ in heapq.nlargest(SCORED, partial.items(), key=lambda item: item[::-1])]
    entries = []
    for other in docs(conn, best, known).values():
        value = score(doc, other)
        if value > 0.0:
            entries.append(Entry(other.id, value, other.published_at))
    entries.sort(key=lambda e: e.key)
    return entries


def _sorted(entries: Iterable[Entry]) -> list[Entry]:
    return sorted(entries, key=lambda e: e.key)[:STORED]


# -- changes ----------------------------------------------------------------------------------


def refresh(conn: Connection, article_id: int) -> Outcome:
    """Bring article ``article_id`` and the lists it touches up to date (lock held by the caller).

    A public article is (re)indexed and its list computed when what ranks it
    changed (its fingerprint); the lists it enters, leaves or moves in are
    updated. One that readers cannot see (a draft, scheduled for later,
    deleted) is forgotten (:func:`forget`). Nothing to do when nothing that
    ranks or shows it changed.
    """
    source = read_sources(conn, [article_id]).get(article_id)
    old_row = documents(conn, [article_id]).get(article_id)
    if source is None or not source.is_public:
        return forget(conn, article_id) if old_row is not None else Outcome()
    prepared = prepare(source)
    if old_row is not None and old_row.fingerprint == prepared.fingerprint:
        if old_row.shown == prepared.shown:
            return Outcome()
        conn.execute(update(DOC).where(DOC.c.article_id == article_id).values(shown=prepared.shown))
        return Outcome(shown=holders(conn, article_id) - {article_id})
    deltas: Counter[str] = Counter()
    if old_row is not None:
        deltas.update(_unindex(conn, [old_row]))
    terms = prepared.terms
    found = frequencies(conn, [*terms, DOCUMENTS])
    total = found.get(DOCUMENTS, 0) + deltas.get(DOCUMENTS, 0) + 1  # it included
    counted = {t: found.get(t, 0) + deltas.get(t, 0) + 1 for t in terms}
    vector = strongest(
        weigh(term_counts(prepared.title_text, prepared.summary_text), counted, total)
    )
    for term in [*terms, DOCUMENTS]:
        deltas[term] += 1
    conn.execute(insert(DOC), [_document_row(prepared, vector)])
    doc = _as_doc(prepared, vector)
    _add_postings(conn, [doc])
    change_frequencies(conn, deltas)
    outcome = _place(conn, doc)
    if old_row is not None and old_row.shown != prepared.shown:
        outcome.shown = holders(conn, article_id) - {article_id}
    return outcome


def moved(current: Sequence[Entry], article_id: int, now: Entry | None) -> list[Entry] | None:
    """``current`` with ``article_id`` moved to ``now`` (or out, ``None`` or score 0).

    A stored list is always the exact best ``len(list)`` of its candidates: what
    it leaves out ranks below its last entry. So a list shorter than
    :data:`SHOWN` holds every related article (it is complete), and a longer
    one may have left some out. Returns the new list, or ``None`` when the
    list must be computed again: a possibly incomplete list that would fall
    below :data:`SHOWN` entries.
    """
    others = [e for e in current if e.related_id != article_id]
    related = now is not None and now.score > 0.0
    if len(current) < SHOWN:  # complete: every related article is in it
        return _sorted([*others, now] if related and now is not None else others)
    if related and now is not None and (not others or now.key <= others[-1].key):
        return _sorted([*others, now])  # ranks above everything left out
    if len(others) >= SHOWN:
        return others  # still the exact best of the rest; where it now ranks is unknown
    return None


def entered(current: Sequence[Entry], now: Entry) -> list[Entry] | None:
    """``current`` with a new related article ``now`` in it, or ``None`` if it does not enter.

    It enters a complete list (shorter than :data:`SHOWN`) anyway, a longer one
    only ahead of its last entry (what such a list left out ranks below that).
    """
    if now.score <= 0.0:
        return None
    if len(current) < SHOWN or now.key < current[-1].key:
        return _sorted([*current, now])
    return None


def _place(conn: Connection, doc: Doc) -> Outcome:
    """Compute ``doc``'s list, and put it into (or move it within) the lists of others."""
    outcome = Outcome()
    candidates = ranked(conn, doc)
    score_of = {entry.related_id: entry.score for entry in candidates}
    listing = holders(conn, doc.id) - {doc.id}
    stored = read_lists(conn, {doc.id, *listing, *score_of})
    changed: dict[int, list[Entry]] = {}
    own = candidates[:STORED]
    if own != stored.get(doc.id, []):
        changed[doc.id] = own
    missing = [owner for owner in listing if owner not in score_of]
    for owner, other in docs(conn, missing).items():
        score_of[owner] = score(doc, other)
    again: list[int] = []
    for owner in listing:  # lists holding it: it moved up, down, or out
        now = Entry(doc.id, score_of.get(owner, 0.0), doc.published_at)
        result = moved(stored.get(owner, []), doc.id, now)
        if result is None:
            again.append(owner)  # someone left out may now belong in it
        else:
            changed[owner] = result
    for owner, value in score_of.items():  # lists it may enter
        if owner in listing or owner == doc.id:
            continue
        result = entered(stored.get(owner, []), Entry(doc.id, value, doc.published_at))
        if result is not None:
            changed[owner] = result
    for owner, other in docs(conn, again).items():
        changed[owner] = ranked(conn, other)[:STORED]
    for owner in again:
        changed.setdefault(owner, [])  # not indexed (any more): its list goes
    changed = {o: e for o, e in changed.items() if e != stored.get(o, [])}
    write_lists(conn, changed)
    outcome.lists.update(changed)
    return outcome


def forget(conn: Connection, article_id: int) -> Outcome:
    """Take article ``article_id`` out of the index and of every list (lock held by the caller).

    Its own list goes; a list that held it loses it, and is computed again
    only when it might have left out an article that now belongs in it
    (:func:`moved`).
    """
    outcome = Outcome()
    old_row = documents(conn, [article_id]).get(article_id)
    if old_row is not None:
        change_frequencies(conn, _unindex(conn, [old_row]))
    listing = holders(conn, article_id) - {article_id}
    stored = read_lists(conn, {article_id, *listing})
    changed: dict[int, list[Entry]] = {}
    if article_id in stored:
        changed[article_id] = []
    again = []
    for owner in listing:
        result = moved(stored.get(owner, []), article_id, None)
        if result is None:
            again.append(owner)
        else:
            changed[owner] = result
    for owner, other in docs(conn, again).items():
        changed[owner] = ranked(conn, other)[:STORED]
    for owner in again:
        changed.setdefault(owner, [])  # not indexed any more: its list goes too
    write_lists(conn, changed)
    outcome.lists.update(changed)
    return outcome


# -- everything -------------------------------------------------------------------------------


#: Runs one step of :func:`rebuild` in a transaction and returns its result.
Runner = Callable[[Callable[[Connection], Any]], Any]


def public_ids(conn: Connection) -> list[int]:
    """Ids of every article readers may see now, in id order (the listing index's columns)."""
    return list(
        conn.execute(select(Article.id).where(public_filter()).order_by(Article.id)).scalars()
    )


def rebuild(run: Runner, progress: Callable[[str], None] | None = None) -> int:
    """Index every public article again and compute every list; how many articles are indexed.

    ``run(step)`` calls ``step(conn)`` in a transaction holding the plugin's
    lock (:func:`maintain`), or in the caller's own transaction (the demo).
    First the text of every public article is read and the frequencies of
    its terms counted over the whole site; then, :data:`BATCH` articles per
    transaction, each is read again, weighed with them and indexed again
    (articles no longer public leave the index); then every list is computed
    again, article by article of each category. Each step is short, so
    publishing goes on meanwhile and its lists follow. Memory: the
    frequencies and one id per article.
    """
    say = progress or (lambda _line: None)
    ids: list[int] = run(public_ids)
    totals: Counter[str] = Counter()
    sections: dict[int, int] = {}
    for chunk in _chunks(ids, BATCH):
        sources: dict[int, Source] = run(partial(read_sources, ids=chunk))
        for source in sources.values():
            if source.is_public:
                totals.update(prepare(source).terms)
                sections[source.id] = source.category_id or 0
    count = len(sections)
    say(f"Read {count} public articles.")
    indexed: list[int] = run(_indexed_ids)
    for chunk in _chunks(sorted(set(indexed) - set(sections)), BATCH):
        run(partial(_drop, ids=chunk))
    for chunk in _chunks(sorted(sections), BATCH):
        run(partial(_reindex, ids=chunk, totals=totals, count=count))
    say(f"Indexed {count} articles.")
    by_section = sorted(sections, key=lambda i: (sections[i], i))
    for number, chunk in enumerate(_chunks(by_section, BATCH)):  # a batch shares candidates
        run(partial(_relist, ids=chunk))
        if (number + 1) % 20 == 0:
            say(f"Listed {min(count, (number + 1) * BATCH)} articles.")
    run(_drop_orphan_lists)
    return count


def _indexed_ids(conn: Connection) -> list[int]:
    return list(conn.execute(select(DOC.c.article_id).order_by(DOC.c.article_id)).scalars())


def _drop(conn: Connection, ids: Sequence[int]) -> None:
    """Take the documents ``ids`` out of the index (their lists are dropped at the end)."""
    rows = list(documents(conn, ids).values())
    if rows:
        change_frequencies(conn, _unindex(conn, rows))


def _reindex(conn: Connection, ids: Sequence[int], totals: Mapping[str, int], count: int) -> None:
    """Index the articles ``ids`` again, weighed with the frequencies ``totals`` of ``count``.

    Each is read again here, under the lock: one that is no longer public
    only leaves the index.
    """
    old = list(documents(conn, ids).values())
    deltas: Counter[str] = Counter(_unindex(conn, old)) if old else Counter()
    rows, new = [], []
    for source in read_sources(conn, ids).values():
        if not source.is_public:
            continue
        item = prepare(source)
        vector = strongest(weigh(term_counts(item.title_text, item.summary_text), totals, count))
        rows.append(_document_row(item, vector))
        new.append(_as_doc(item, vector))
        for term in [*item.terms, DOCUMENTS]:
            deltas[term] += 1
    if rows:
        conn.execute(insert(DOC), rows)
    _add_postings(conn, new)
    change_frequencies(conn, {t: n for t, n in deltas.items() if n})


def _relist(conn: Connection, ids: Sequence[int]) -> None:
    """Compute the lists of ``ids`` from their candidates (docs read once for the batch)."""
    known: dict[int, Doc] = {}
    lists = {doc.id: ranked(conn, doc, known)[:STORED] for doc in docs(conn, ids, known).values()}
    current = read_lists(conn, lists)
    write_lists(conn, {o: e for o, e in lists.items() if e != current.get(o, [])})


def _drop_orphan_lists(conn: Connection) -> None:
    """Lists of articles that are not indexed (any more) go."""
    indexed = select(DOC.c.article_id)
    conn.execute(delete(LINK).where(LINK.c.article_id.not_in(indexed)))


# -- reading lists for pages --------------------------------------------------------------------


def list_query(article_id: int, limit: int) -> Any:
    """``SELECT`` of the public articles of ``article_id``'s list, best first, at most ``limit``.

    The list is read first, by its key ``(article_id, rank)`` (a subquery with
    its own ``LIMIT``, which no planner turns inside out), then each article
    by its key; readers' visibility is checked again here, so an article that
    became private without an event never shows.
    """
    entries = (
        select(LINK.c.related_id, LINK.c.rank)
        .where(LINK.c.article_id == article_id)
        .order_by(LINK.c.rank)
        .limit(STORED)
        .subquery("related_list")
    )
    return (
        select(Article)
        .join(entries, entries.c.related_id == Article.id)
        .where(public_filter())
        .order_by(entries.c.rank)
        .limit(limit)
    )
