"""Bench data: fill a site quickly with many articles and recorded page views.

``cms bench-data`` (see :func:`fill`) adds, with bulk inserts in batches of one
transaction each, ``N`` articles (default 100,000) spread over the site's
categories and tags (12 categories with sub-categories and 200 tags are created
first when the site has none), with Vietnamese-looking titles, summaries and
bodies drawn from the words of the demo portal (:mod:`cms.demo.articles`) by
their frequency there, so full-text search meets both common words (``và``,
``tỉnh``) and rare ones (numbers, the tail of the vocabulary). Publication times
are spread over five years; about 1 % are drafts and 0.5 % scheduled. Each
article gets 1 to 4 tags, popular tags more often.

The search data is what :func:`cms.content.save_article` stores:
``search_text`` is :func:`cms.content.search.search_text_for` of the title,
summary and body text (computed word by word, which gives the same string for
text made of whole words, spaces and punctuation); the FTS5 table (SQLite) and
the GIN expression index (PostgreSQL) follow by themselves, as for any insert.

Then ``M`` page views (default 1,000,000) are added to the articles' view
counters of the plugin that counts them (hook ``article_views_restored``),
recent articles getting more. Running it again adds more; slugs stay unique.
Finally the database statistics are refreshed (:func:`analyze`), so the query
planner sees the new size. For load benchmarks, never for a real site.
"""

from __future__ import annotations

import bisect
import itertools
import logging
import random
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from sqlalchemy import Connection, func, insert, select, text
from sqlalchemy.engine import Engine

from cms import generations
from cms.content.slugs import make_slug
from cms.content.taxonomy import save_category, tags_from_names
from cms.content.text import fold, fold_case, html_to_text
from cms.demo.articles import ARTICLES
from cms.extensions import db
from cms.models import Article, Category, SlugHistory, Tag, User, article_tag, utcnow
from cms.plugins.registry import registry

log = logging.getLogger(__name__)

#: Articles made by default.
DEFAULT_ARTICLES = 100_000
#: Page views recorded by default.
DEFAULT_VIEWS = 1_000_000
#: Rows inserted per transaction.
BATCH_SIZE = 2_000
#: Counters written per store call.
VIEW_BATCH = 5_000
#: How far back publication times go.
SPAN = timedelta(days=5 * 365)
#: Share of drafts and of scheduled articles among those made.
DRAFT_SHARE = 0.01
SCHEDULED_SHARE = 0.005
#: SQLite page cache while filling, in KiB (the default 2 MiB makes each batch slower).
SQLITE_CACHE_KIB = 256 * 1024
#: Tags made when the site has none.
TAG_COUNT = 200

#: Categories made when the site has none: (name, sub-category names).
CATEGORIES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Tin tức - Sự kiện", ("Tin trong tỉnh", "Tin trong nước", "Tin quốc tế")),
    ("Chính trị", ("Hoạt động lãnh đạo", "Xây dựng Đảng")),
    ("Kinh tế", ("Nông nghiệp", "Công nghiệp", "Thương mại - Dịch vụ")),
    ("Văn hóa - Xã hội", ("Văn hóa", "Thể thao", "Du lịch")),
    ("Giáo dục", ("Mầm non", "Phổ thông", "Đại học - Nghề nghiệp")),
    ("Y tế", ("Phòng chống dịch bệnh", "Bảo hiểm y tế")),
    ("Cải cách hành chính", ("Thủ tục hành chính", "Chính quyền số")),
    ("Quốc phòng - An ninh", ("Quân sự địa phương", "Trật tự an toàn giao thông")),
    ("Tài nguyên - Môi trường", ("Đất đai", "Biến đổi khí hậu")),
    ("Khoa học - Công nghệ", ("Chuyển đổi số", "Sở hữu trí tuệ")),
    ("Pháp luật", ("Văn bản mới", "Phổ biến pháp luật")),
    ("Thông báo", ()),
)


@dataclass
class BenchReport:
    """What :func:`fill` made."""

    #: Articles inserted, drafts and scheduled ones included.
    articles: int = 0
    #: Of which drafts.
    drafts: int = 0
    #: Of which scheduled (in the future).
    scheduled: int = 0
    #: Categories and tags created (0 when the site had some).
    categories_created: int = 0
    tags_created: int = 0
    #: Rows of ``article_tag`` inserted.
    tag_links: int = 0
    #: Page views added, and over how many articles.
    views: int = 0
    viewed_articles: int = 0
    #: Wall-clock seconds.
    seconds: float = 0.0

    def line(self) -> str:
        """One line saying what was made."""
        return (
            f"Made {self.articles} articles ({self.drafts} drafts, {self.scheduled} scheduled), "
            f"{self.tag_links} tag links, {self.categories_created} new categories, "
            f"{self.tags_created} new tags, {self.views} views over {self.viewed_articles} "
            f"articles in {self.seconds:.1f} s."
        )


@dataclass
class Vocabulary:
    """Words to write with, and their folded (search) forms.

    ``words`` are case-folded tokens (:func:`cms.content.text.fold_case`), each one
    word for the search index; ``weights`` are cumulative, for :func:`random.choices`.
    """

    #: The words, most frequent first.
    words: list[str]
    #: Cumulative weights of ``words``.
    cumulative: list[float]
    #: Folded form of each word, by word.
    folded: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> Vocabulary:
        """The words of ``texts`` with their frequencies there."""
        counts: Counter[str] = Counter()
        for value in texts:
            counts.update(word for word in fold_case(value).split() if not word.isdigit())
        ranked = counts.most_common()
        words = [word for word, _count in ranked]
        cumulative = list(itertools.accumulate(count for _word, count in ranked))
        return cls(words, [float(c) for c in cumulative], {w: fold(w) for w in words})


def demo_vocabulary() -> Vocabulary:
    """The vocabulary of the demo portal's articles."""
    texts: list[str] = []
    for item in ARTICLES:
        texts += [item.title, item.summary, html_to_text(item.body)]
    return Vocabulary.from_texts(texts)


class ArticleText(NamedTuple):
    """One generated article: what is shown and what the search index gets."""

    #: The title (no full stop).
    title: str
    #: One or two sentences.
    summary: str
    #: Paragraphs (``<p>``) of sentences.
    body_html: str
    #: :func:`cms.content.search.search_text_for` of the three.
    search_text: str
    #: How many words the title has.
    title_words: int


class Writer:
    """Makes article texts from a :class:`Vocabulary` with a seeded random source."""

    def __init__(self, vocabulary: Vocabulary, rng: random.Random) -> None:
        #: The words.
        self.vocabulary = vocabulary
        #: The random source.
        self.rng = rng
        self._stream: list[str] = []
        self._folded: list[str] = []
        self._at = 0

    def _take(self, count: int) -> tuple[list[str], list[str]]:
        """``count`` words drawn by frequency and their folded forms (fresh lists)."""
        if self._at + count > len(self._stream):
            vocabulary = self.vocabulary
            self._stream = self.rng.choices(
                vocabulary.words, cum_weights=vocabulary.cumulative, k=max(count, 500_000)
            )
            self._folded = [vocabulary.folded[word] for word in self._stream]
            self._at = 0
        start, self._at = self._at, self._at + count
        return self._stream[start : self._at], self._folded[start : self._at]

    def article(self) -> ArticleText:
        """A title, a summary, an HTML body and the article's ``search_text``.

        Sentences are runs of words, the first capitalised, ended by a full
        stop; about one article in two holds a number (a rare word).
        """
        rng = self.rng
        summary_count = rng.randint(1, 2)
        paragraphs = [rng.randint(2, 3) for _ in range(rng.randint(2, 5))]
        sizes = [rng.randint(6, 14)]
        sizes += [rng.randint(12, 24) for _ in range(summary_count)]
        sizes += [rng.randint(8, 18) for _ in range(sum(paragraphs))]
        words, folded = self._take(sum(sizes))
        if rng.random() < 0.5:
            at = rng.randrange(len(words))
            words[at] = folded[at] = str(rng.randrange(1, 100_000))
        sentences = []
        at = 0
        for size in sizes:
            first = words[at]
            words[at] = first[:1].upper() + first[1:]
            sentences.append(" ".join(words[at : at + size]))
            at += size
        title = sentences[0]
        summary = ". ".join(sentences[1 : 1 + summary_count]) + "."
        body, at = [], 1 + summary_count
        for count in paragraphs:
            body.append("<p>" + ". ".join(sentences[at : at + count]) + ".</p>")
            at += count
        return ArticleText(title, summary, "\n".join(body), " ".join(folded), sizes[0])


def slug_base(folded_words: Iterable[str], limit: int = 60) -> str:
    """A slug stem from a title's folded words, cut at a word boundary within ``limit``."""
    out: list[str] = []
    size = 0
    for word in folded_words:
        if size + len(word) + 1 > limit and out:
            break
        out.append(word)
        size += len(word) + 1
    return "-".join(out) or "bai-viet"


def fill(
    articles: int = DEFAULT_ARTICLES,
    views: int = DEFAULT_VIEWS,
    *,
    seed: int | None = None,
    batch_size: int = BATCH_SIZE,
    now: datetime | None = None,
) -> BenchReport:
    """Add ``articles`` articles and ``views`` page views to the site; return what was made.

    Needs an app context on a migrated database. Each batch of ``batch_size``
    articles (and their tag links) is one transaction; a failure leaves the
    batches already committed. ``seed`` makes the texts, times and choices
    repeatable. Raises :class:`ValueError` for a negative number.
    """
    if articles < 0 or views < 0 or batch_size < 1:
        raise ValueError("articles, views and batch size must not be negative")
    started = time.perf_counter()
    rng = random.Random(seed)  # noqa: S311 (bench content, nothing secret)
    now = now or utcnow()
    report = BenchReport()
    category_ids, tag_ids = _taxonomy(report)
    writer = Writer(demo_vocabulary(), rng)
    author_id = db.session.execute(select(func.min(User.id))).scalar()
    db.session.commit()
    engine = db.engine
    times = sorted(now - SPAN * rng.random() ** 1.3 for _ in range(articles))  # more recent ones
    first = (db.session.execute(select(func.max(Article.id))).scalar() or 0) + 1
    db.session.commit()
    tag_pick = _zipf_picker(len(tag_ids), rng)
    for offset in range(0, articles, batch_size):
        chunk = times[offset : offset + batch_size]
        rows = [
            _article_row(writer, rng, when, now, first + offset + i, category_ids, author_id)
            for i, when in enumerate(chunk)
        ]
        report.drafts += sum(1 for row in rows if row["status"] == "draft")
        report.scheduled += sum(1 for row in rows if row["status"] == "scheduled")
        with engine.begin() as conn:
            if conn.dialect.name == "sqlite":  # indexes and the FTS5 table outgrow the default
                conn.execute(text(f"PRAGMA cache_size = -{SQLITE_CACHE_KIB}"))
            _free_slugs(conn, rows)
            conn.execute(insert(Article), rows)
            ids = list(  # slugs are unique: one read finds the new rows' ids
                conn.execute(
                    select(Article.id).where(Article.slug.in_([row["slug"] for row in rows]))
                ).scalars()
            )
            links = [
                {"article_id": article_id, "tag_id": tag_ids[index]}
                for article_id in ids
                for index in sorted({tag_pick() for _ in range(rng.randint(1, 4))})
            ]
            if links:
                conn.execute(insert(article_tag), links)
        report.articles += len(ids)
        report.tag_links += len(links)
        log.info("bench data: %d of %d articles", report.articles, articles)
    with engine.begin() as conn:  # written past the session: tell every process's fragments
        generations.bump(generations.ARTICLES, connection=conn)
    if views:
        report.views, report.viewed_articles = add_views(views, now, rng)
    analyze(engine, vacuum=True)
    report.seconds = time.perf_counter() - started
    return report


def _article_row(
    writer: Writer,
    rng: random.Random,
    when: datetime,
    now: datetime,
    number: int,
    category_ids: Sequence[int],
    author_id: int | None,
) -> dict[str, Any]:
    made = writer.article()
    share = rng.random()
    status = "published"
    published_at: datetime | None = when
    if share < DRAFT_SHARE:
        status, published_at = "draft", None
    elif share < DRAFT_SHARE + SCHEDULED_SHARE:
        status, published_at = "scheduled", now + timedelta(days=60) * rng.random()
    title_words = made.search_text.split(maxsplit=made.title_words)[: made.title_words]
    slug = f"{slug_base(title_words)}-{number}"
    return {
        "title": made.title,
        "slug": slug,
        "summary": made.summary,
        "body_html": made.body_html,
        "search_text": made.search_text,
        "status": status,
        "published_at": published_at,
        "created_at": when if when < now else now,
        "updated_at": when if when < now else now,
        "category_id": rng.choice(category_ids) if category_ids else None,
        "author_id": author_id,
        "image_id": None,
    }


def _free_slugs(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Give each row a slug no article has or had (``-2``, ``-3``... as the services do)."""
    wanted = {row["slug"] for row in rows}
    while True:
        taken = set(
            conn.execute(select(Article.slug).where(Article.slug.in_(wanted))).scalars()
        ) | set(
            conn.execute(
                select(SlugHistory.slug).where(
                    SlugHistory.kind == "article", SlugHistory.slug.in_(wanted)
                )
            ).scalars()
        )
        if not taken:
            return
        wanted = set()
        for row in rows:
            if row["slug"] in taken:
                row["slug"] = f"{row['slug']}-{random.randrange(2, 10_000)}"  # noqa: S311
                wanted.add(row["slug"])


def _zipf_picker(size: int, rng: random.Random) -> Any:
    """A function giving indexes below ``size``, index ``k`` with weight ``1 / (k + 1)``."""
    cumulative = list(itertools.accumulate(1.0 / (k + 1) for k in range(size)))
    total = cumulative[-1] if cumulative else 0.0

    def pick() -> int:
        return min(bisect.bisect(cumulative, rng.random() * total), size - 1)

    return pick


def _taxonomy(report: BenchReport) -> tuple[list[int], list[int]]:
    """The ids of the site's categories and tags, made first when there are none."""
    category_ids = list(db.session.execute(select(Category.id).order_by(Category.id)).scalars())
    if not category_ids:
        for position, (name, children) in enumerate(CATEGORIES, start=1):
            parent = save_category(None, {"name": name, "position": position})
            db.session.flush()
            category_ids.append(parent.id)
            for child_position, child in enumerate(children, start=1):
                made = save_category(
                    None, {"name": child, "position": child_position, "parent_id": parent.id}
                )
                db.session.flush()
                category_ids.append(made.id)
        report.categories_created = len(category_ids)
    tag_ids = list(db.session.execute(select(Tag.id).order_by(Tag.id)).scalars())
    if not tag_ids:
        tags = tags_from_names(_tag_names(TAG_COUNT))
        db.session.flush()
        tag_ids = [tag.id for tag in tags]
        report.tags_created = len(tag_ids)
    db.session.commit()
    return category_ids, tag_ids


def _tag_names(count: int) -> list[str]:
    """``count`` tag names with distinct slugs: pairs of frequent demo words, capitalised."""
    words = demo_vocabulary().words[:100]
    names: dict[str, str] = {}
    for first, second in itertools.product(words, repeat=2):
        if first != second:
            name = f"{first[:1].upper()}{first[1:]} {second}"
            names.setdefault(make_slug(name), name)
        if len(names) == count:
            break
    return list(names.values())


def add_views(views: int, now: datetime, rng: random.Random) -> tuple[int, int]:
    """Add ``views`` page views over the public articles, recent ones more.

    Returns how many views were added and over how many articles (0, 0 when
    no installed plugin counts views).

    Article ``k`` days old weighs ``1 / (k + 2)``; the total is exact. The
    counts go to whoever counts views (hook ``article_views_restored``), in
    batches of :data:`VIEW_BATCH` articles.
    """
    rows = db.session.execute(
        select(Article.id, Article.published_at).where(
            Article.status.in_(("published", "scheduled")), Article.published_at <= now
        )
    ).all()
    db.session.commit()
    if not rows:
        return 0, 0
    weights = [
        1.0 / ((now - (published or now)).total_seconds() / 86_400 + 2) for _id, published in rows
    ]
    scale = views / sum(weights)
    counts = [int(w * scale) for w in weights]
    for index in rng.choices(range(len(rows)), weights=weights, k=views - sum(counts)):
        counts[index] += 1
    amounts = {int(row[0]): n for row, n in zip(rows, counts, strict=True) if n}
    plugins = registry()
    if not plugins.pm.hook.article_views_restored.get_hookimpls():
        return 0, 0
    for batch in _batches(sorted(amounts.items()), VIEW_BATCH):
        plugins.call("article_views_restored", installed=True, counts=dict(batch), replace=False)
    return sum(amounts.values()), len(amounts)


def _batches(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def analyze(target: Engine | None = None, *, vacuum: bool = False) -> None:
    """Refresh the query planner's statistics: ``ANALYZE`` (and SQLite's ``PRAGMA optimize``).

    ``cms init`` runs it after migrating and :func:`fill` after adding rows, so
    the planner knows the tables' sizes and the indexes' selectivity
    (https://www.sqlite.org/lang_analyze.html, PostgreSQL's "ANALYZE").
    ``vacuum``: on PostgreSQL, ``VACUUM (ANALYZE)`` instead, which also marks
    the new rows all-visible, so that lists are read from their indexes alone
    (index-only scans) at once rather than after autovacuum's next round.
    Runs on ``target`` (default: the app's engine), outside any transaction.
    """
    engine = db.engine if target is None else target
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE)" if vacuum else "ANALYZE"))
        return
    with engine.begin() as conn:
        conn.execute(text("ANALYZE"))
        if engine.dialect.name == "sqlite":
            conn.execute(text("PRAGMA optimize"))
