"""Article revisions: listing, comparing with the current version, and restoring.

:func:`cms.content.save_article` keeps an :class:`ArticleRevision` of the
previous state on every update; a revision row therefore holds a version as it
was *before* the save made at ``created_at`` by ``saved_by``. Restoring goes
through ``save_article`` too, so a restore is itself a revision and can be undone.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from cms.content.articles import save_article
from cms.content.media import media_name, visible_text
from cms.content.taxonomy import current_tag_names
from cms.extensions import db
from cms.i18n import datetime_
from cms.models import Article, ArticleRevision, Category, Media, User

#: Fields a restore brings back. The status, publish time and address (slug) stay as
#: they are: restoring old text must neither unpublish nor republish an article, nor
#: move its URL.
RESTORED_FIELDS = ("title", "summary", "body_html", "category_id", "image_id", "tags")

#: Lines of unchanged context around each change in a text diff.
CONTEXT_LINES = 2
#: How alike (0-1) a removed and an added line must be to show their changed words.
PAIR_RATIO = 0.5

_BLOCK_END = re.compile(
    r"(</(?:p|h[1-6]|li|ul|ol|blockquote|pre|table|thead|tbody|tfoot|tr|figure|figcaption"
    r"|div|dl|dt|dd|caption)>|<br\s*/?>|<hr\s*/?>)",
    re.IGNORECASE,
)
_TAGS = re.compile(r"<[^>]*>")
_WORDS = re.compile(r"\s+|[^\s<>]+|<[^>]*>|[<>]")


@dataclass
class RevisionEntry:
    """One row of an article's history: a past version and the saves around it."""

    #: The stored version.
    revision: ArticleRevision
    #: When this version was saved (the previous save, or the article's creation).
    saved_at: datetime | None
    #: Who saved this version, when known.
    saved_by: User | None
    #: When a later save replaced it.
    replaced_at: datetime
    #: Who replaced it.
    replaced_by: User | None


@dataclass
class Segment:
    """A piece of a diff line: ``same``, ``del`` or ``add`` text."""

    kind: str
    text: str


@dataclass
class DiffLine:
    """One line of a unified diff: ``context``, ``del``, ``add`` or ``gap`` (skipped lines)."""

    kind: str
    segments: list[Segment] = field(default_factory=list)


@dataclass
class FieldChange:
    """How one field differs between a revision and the current version."""

    #: Field name, e.g. ``body_html``.
    name: str
    #: Translated label.
    label: str
    #: The revision's value, as shown.
    before: str
    #: The current value, as shown.
    after: str
    #: Whether the two differ.
    changed: bool
    #: Whether the value is long text, shown as a line diff.
    multiline: bool = False
    #: The line diff of long text (empty for short values).
    lines: list[DiffLine] = field(default_factory=list)


def article_revisions(
    article: Article, *, page: int = 1, per_page: int = 50
) -> tuple[list[RevisionEntry], int]:
    """One page of an article's revisions, newest first, and how many there are in all."""
    base = select(ArticleRevision).where(ArticleRevision.article_id == article.id)
    total = db.session.execute(
        select(func.count())
        .select_from(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
    ).scalar_one()
    rows = list(
        db.session.execute(
            base.order_by(ArticleRevision.created_at.desc(), ArticleRevision.id.desc())
            .limit(per_page + 1)
            .offset((page - 1) * per_page)
        ).scalars()
    )
    entries = []
    for index, revision in enumerate(rows[:per_page]):
        older = rows[index + 1] if index + 1 < len(rows) else None
        if older is not None:
            saved_at, saved_by = older.created_at, older.saved_by
        else:  # the oldest version: the article as created
            saved_at, saved_by = article.created_at, article.author
        entries.append(
            RevisionEntry(
                revision=revision,
                saved_at=saved_at,
                saved_by=saved_by,
                replaced_at=revision.created_at,
                replaced_by=revision.saved_by,
            )
        )
    return entries, total


def latest_revision(article: Article) -> ArticleRevision | None:
    """The most recent revision of ``article`` (the version its last save replaced)."""
    return db.session.execute(
        select(ArticleRevision)
        .where(ArticleRevision.article_id == article.id)
        .order_by(ArticleRevision.created_at.desc(), ArticleRevision.id.desc())
        .limit(1)
    ).scalar()


def find_revision(article: Article, revision_id: int) -> ArticleRevision | None:
    """The revision ``revision_id`` if it belongs to ``article``."""
    if not 0 < revision_id < 2**31:  # beyond any id a table can hold
        return None
    revision = db.session.get(ArticleRevision, revision_id)
    if revision is None or revision.article_id != article.id:
        return None
    return revision


def revision_data(revision: ArticleRevision) -> dict[str, Any]:
    """The :func:`save_article` fields that restore ``revision`` (see :data:`RESTORED_FIELDS`).

    A category or image deleted since is left out (the article keeps no such
    reference); :func:`missing_references` names them. Tags are given by the
    names the revision kept; a tag renamed since is found again by its old
    name (:func:`~cms.content.taxonomy.tags_from_names`), never duplicated.
    """
    data: dict[str, Any] = {
        "title": revision.title,
        "summary": revision.summary or "",
        "body_html": revision.body_html or "",
        "tags": [str(name) for name in (revision.tags or [])],
        "category_id": None,
        "image_id": None,
    }
    if _exists(Category, revision.category_id):
        data["category_id"] = revision.category_id
    if _exists(Media, revision.image_id):
        data["image_id"] = revision.image_id
    return data


def missing_references(revision: ArticleRevision) -> list[str]:
    """What the revision refers to that no longer exists (translated field names)."""
    missing = []
    if revision.category_id is not None and not _exists(Category, revision.category_id):
        missing.append(_("Category"))
    if revision.image_id is not None and not _exists(Media, revision.image_id):
        missing.append(_("Featured image"))
    return missing


def _exists(model: Any, row_id: int | None) -> bool:
    return row_id is not None and db.session.get(model, row_id) is not None


def restore_revision(
    article: Article, revision: ArticleRevision, *, saved_by: User | None = None
) -> Article:
    """Bring back a revision's text, category, image and tags; the caller commits.

    The save keeps the version being replaced as a new revision, so the restore
    itself can be undone. Raises :class:`~cms.content.ContentError` like any save.
    """
    if revision.article_id != article.id:
        raise ValueError("the revision belongs to another article")
    return save_article(article, revision_data(revision), saved_by=saved_by)


def article_state(article: Article) -> tuple[Any, ...]:
    """What a revision keeps of an article, to tell whether a save changed anything."""
    return (
        article.title,
        article.slug,
        article.summary or "",
        article.body_html or "",
        article.status,
        article.published_at,
        article.category.id if article.category is not None else None,
        article.image.id if article.image is not None else None,
        tuple(t.name for t in article.tags),
    )


def compare(revision: ArticleRevision, article: Article) -> list[FieldChange]:
    """Each field of ``revision`` beside the article's current value, with line diffs."""

    def when(value: datetime | None) -> str:
        return datetime_(value) if value else "—"

    def short(name: str, label: str, before: str, after: str) -> FieldChange:
        return FieldChange(name, label, before, after, before != after)

    def long(name: str, label: str, before: str, after: str) -> FieldChange:
        old_lines, new_lines = text_lines(before), text_lines(after)
        changed = old_lines != new_lines
        lines = diff_lines(old_lines, new_lines) if changed else []
        return FieldChange(name, label, before, after, changed, multiline=True, lines=lines)

    return [
        short("title", _("Title"), revision.title, article.title),
        long("summary", _("Summary"), revision.summary or "", article.summary or ""),
        long("body_html", _("Body"), revision.body_html or "", article.body_html or ""),
        short("status", _("Status"), _status_label(revision.status), _status_label(article.status)),
        short(
            "published_at",
            _("Publish time"),
            when(revision.published_at),
            when(article.published_at),
        ),
        short(
            "tags",
            _("Tags"),
            ", ".join(sorted(current_tag_names([str(n) for n in revision.tags or []]))) or "—",
            ", ".join(sorted(t.name for t in article.tags)) or "—",
        ),
        short(
            "category_id",
            _("Category"),
            _category_name(revision.category_id),
            _category_name(article.category_id),
        ),
        short(
            "image_id",
            _("Featured image"),
            _media_name(revision.image_id),
            _media_name(article.image_id),
        ),
        short("slug", _("Address (slug)"), revision.slug, article.slug),
    ]


def text_lines(text: str) -> list[str]:
    """Split text or HTML into the lines a diff compares: one per block element or line."""
    broken = _BLOCK_END.sub(lambda m: m.group(1) + "\n", text or "")
    return [line.strip() for line in broken.splitlines() if line.strip()]


def diff_lines(
    old: Sequence[str], new: Sequence[str], context: int = CONTEXT_LINES
) -> list[DiffLine]:
    """A unified diff of two line lists; replaced lines also mark the words that changed."""
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    result: list[DiffLine] = []
    shown_to = 0  # lines of ``old`` up to here are shown or were never skipped
    for group in matcher.get_grouped_opcodes(context):
        if group[0][1] > shown_to:
            result.append(DiffLine("gap"))
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                result.extend(DiffLine("context", [Segment("same", line)]) for line in old[i1:i2])
            elif tag == "delete":
                result.extend(DiffLine("del", [Segment("del", line)]) for line in old[i1:i2])
            elif tag == "insert":
                result.extend(DiffLine("add", [Segment("add", line)]) for line in new[j1:j2])
            else:
                result.extend(_replaced(old[i1:i2], new[j1:j2]))
        shown_to = group[-1][2]
    if result and shown_to < len(old):
        result.append(DiffLine("gap"))
    return result


def _replaced(old: Sequence[str], new: Sequence[str]) -> list[DiffLine]:
    """Replaced lines: removed ones, then added ones; similar pairs mark their changed words."""
    pairs: dict[int, int] = {}  # old index -> new index
    start = 0
    for i, before in enumerate(old):
        for j in range(start, len(new)):  # the first alike line after the last pair
            if _alike(before, new[j]):
                pairs[i] = j
                start = j + 1
                break
    paired_new = {j: i for i, j in pairs.items()}
    removed = [
        _word_diff(line, new[pairs[i]])[0]
        if i in pairs
        else DiffLine("del", [Segment("del", line)])
        for i, line in enumerate(old)
    ]
    added = [
        _word_diff(old[paired_new[j]], line)[1]
        if j in paired_new
        else DiffLine("add", [Segment("add", line)])
        for j, line in enumerate(new)
    ]
    return removed + added


def _alike(before: str, after: str) -> bool:
    """Whether two lines read alike (markup aside) enough to be one line edited."""
    a, b = _TAGS.sub("", before), _TAGS.sub("", after)
    return difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() >= PAIR_RATIO


def _word_diff(before: str, after: str) -> tuple[DiffLine, DiffLine]:
    old_words, new_words = _WORDS.findall(before), _WORDS.findall(after)
    matcher = difflib.SequenceMatcher(None, old_words, new_words, autojunk=False)
    minus: list[Segment] = []
    plus: list[Segment] = []
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            same = "".join(old_words[i1:i2])
            minus.append(Segment("same", same))
            plus.append(Segment("same", same))
            continue
        if i2 > i1:
            minus.append(Segment("del", "".join(old_words[i1:i2])))
        if j2 > j1:
            plus.append(Segment("add", "".join(new_words[j1:j2])))
    return DiffLine("del", minus), DiffLine("add", plus)


def _status_label(status: str) -> str:
    labels = {"draft": _("Draft"), "published": _("Published"), "scheduled": _("Scheduled")}
    return labels.get(status, status)


def _category_name(category_id: int | None) -> str:
    if category_id is None:
        return "—"
    category = db.session.get(Category, category_id)
    return category.name if category else _("(deleted category)")


def _media_name(media_id: int | None) -> str:
    if media_id is None:
        return "—"
    media = db.session.get(Media, media_id)
    if media is None:
        return _("(deleted image)")
    return visible_text(media.alt) or media_name(media)
