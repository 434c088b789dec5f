"""Article services: validation, saving, visibility and listings. Views and plugins call these."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import Select, delete, exists, false, select, union_all, update
from sqlalchemy.orm import selectinload

from cms.content.errors import ContentError
from cms.content.events import ArticleEvent, article_changed, article_facts_changed
from cms.content.fields import text_field
from cms.content.listings import ARTICLES, public_condition, read_in_index, walk_newest_first
from cms.content.search import matching, search_text_for
from cms.content.slugs import forget_slug, make_slug, remember_old_slug, unique_slug
from cms.content.taxonomy import categories, tags_from_names
from cms.content.text import html_to_text
from cms.extensions import db
from cms.generations import ARTICLES as ARTICLES_COUNTER
from cms.generations import CATEGORIES as CATEGORIES_COUNTER
from cms.generations import detached_row
from cms.models import (
    ARTICLE_STATUSES,
    Article,
    ArticleRevision,
    Category,
    Media,
    SlugHistory,
    Tag,
    User,
    article_tag,
    utcnow,
)
from cms.models.content import BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX
from cms.page_cache.tags import CHANGED_IDS
from cms.paging import paginate as paginate  # re-exported with the content services
from cms.paging import with_listing

log = logging.getLogger(__name__)

#: Fields :func:`save_article` accepts.
ARTICLE_FIELDS = (
    "title", "slug", "summary", "body_html", "status", "published_at", "category_id",
    "tags", "image_id", "author_id",
)  # fmt: skip


def public_filter(now: datetime | None = None) -> Any:
    """SQL condition for articles readers may see: published or scheduled, time come.

    See :func:`cms.content.listings.public_condition` (index-friendly SQL).
    """
    return public_condition(now)


def public_articles() -> Select:
    """A query of public articles, newest first.

    Category, author and image come in the same query, the tags in one more
    (``selectinload``): templates and serializers never load them one by one.
    """
    return (
        select(Article)
        .where(public_filter())
        .order_by(Article.published_at.desc(), Article.id.desc())
        .options(selectinload(Article.tags))
    )


def latest_articles(
    limit: int = 10, category: Category | None = None, exclude_id: int | None = None
) -> list[Article]:
    """The newest public articles, optionally in one category (not its children)."""
    query = public_articles()
    if category is not None:
        query = query.where(Article.category_id == category.id)
    if exclude_id is not None:
        query = query.where(Article.id != exclude_id)
    return list(db.session.execute(query.limit(limit)).unique().scalars())


def filter_articles(
    query: Select,
    *,
    category: Category | None = None,
    tag: Tag | None = None,
    q: str | None = None,
) -> Select:
    """Narrow an article query by category (with sub-categories), tag and search words.

    ``query`` selects :class:`Article`. A ``q`` without any searchable word matches
    nothing. :func:`cms.paging.paginate` counts the result once per content change
    and reads a page by deferred join (:class:`cms.content.listings.ArticleListing`);
    with ``q``, the result holds the ranked matches of
    :func:`cms.content.search.matching` (at most :data:`cms.content.search.SEARCH_LIMIT`),
    paged in their order.
    """
    if category is not None:
        ids = category_and_descendant_ids(category)
        column: Any = Article.category_id
        if len(ids) > 1 and walk_newest_first(query.where(column.in_(ids))):
            column = read_in_index(column)  # SQLite: the newest-first index, not the categories'
        query = query.where(column.in_(ids))
    if tag is not None:
        tagged = exists().where(
            article_tag.c.article_id == Article.id, article_tag.c.tag_id == tag.id
        )
        query = query.where(tagged)
    if q is not None:
        searched = matching(query.order_by(None), q)
        return query.where(false()) if searched is None else searched
    return with_listing(query, ARTICLES)


def category_and_descendant_ids(category: Category) -> list[int]:
    """The id of ``category`` and of every category below it (from the tree the process holds)."""
    return categories().ids_under(category.id)


def find_article(slug: str) -> Article | None:
    """The article whose current slug is ``slug`` (public or not).

    Two queries: category, author and image come with it, its tags right after
    (``selectinload``; a join with the tags would make SQLite build the whole
    article-tag join at 100,000 articles).
    """
    query = select(Article).where(Article.slug == slug).options(selectinload(Article.tags))
    return db.session.execute(query).unique().scalar()


#: The columns :func:`article_stamp` reads: what routing and the page's identity need.
STAMP_COLUMNS = ("id", "slug", "status", "published_at", "category_id", "author_id")


def article_stamp(slug: str, *, kept: Callable[..., Any] | None = None) -> Article | None:
    """The article whose current slug is ``slug``, with :data:`STAMP_COLUMNS` only.

    A detached row: enough for ``is_public``, its URL and its page's identity;
    reading any other attribute raises
    :class:`sqlalchemy.orm.exc.DetachedInstanceError` instead of querying.
    :func:`find_article` gives the whole article. ``kept`` may keep the
    columns between requests (:func:`cms.fragments.kept`, called as
    ``kept(name, vary, counters, load)``); else one query.
    """
    if kept is None:
        return _stamp(slug)
    # Categories too: deleting one empties its articles' category in the database alone.
    counters = (ARTICLES_COUNTER, CATEGORIES_COUNTER)
    return kept("article-stamp", slug, counters, lambda: _stamp(slug))  # type: ignore[no-any-return]


def _stamp(slug: str) -> Article | None:
    """The detached row of :data:`STAMP_COLUMNS` of the article of ``slug``.

    It belongs to no session, so it may be kept between requests and shared
    by threads (nothing writes to it).
    """
    columns = [getattr(Article, name) for name in STAMP_COLUMNS]
    row = db.session.execute(select(*columns).where(Article.slug == slug)).first()
    return None if row is None else detached_row(Article, row._asdict())


def promote_due_articles() -> int:
    """Mark scheduled articles whose time has come as published; returns how many.

    Visibility never waits for this (see :func:`public_filter`): it only keeps
    the stored status honest for lists and the back office.
    """
    due = select(
        Article.id, Article.slug, Article.title, Article.category_id, Article.published_at
    ).where(Article.status == "scheduled", Article.published_at <= utcnow())
    rows = list(db.session.execute(due))
    if not rows:
        return 0
    ids = [row.id for row in rows]
    promoted = set(
        db.session.execute(
            update(Article)
            .where(Article.id.in_(ids), Article.status == "scheduled")
            .values(status="published")
            .returning(Article.id)
            .execution_options(synchronize_session=False, **{CHANGED_IDS: ids})
        ).scalars()
    )  # another worker may have promoted some: each is told once, by whoever did it
    for row in (r for r in rows if r.id in promoted):
        # Readers could already see it (visibility follows the time), but plugins
        # learn of the publication now: ``article_published`` after this commit.
        facts = ArticleEvent(
            id=row.id,
            slug=row.slug,
            title=row.title,
            status="published",
            category_id=row.category_id,
            published_at=row.published_at,
            was_public=False,
            is_public=True,
        )
        article_facts_changed(facts, "updated")
    db.session.commit()
    return len(promoted)


def parse_datetime(value: Any) -> datetime:
    """Parse an ISO 8601 date-time; a value without zone is taken as UTC."""
    if isinstance(value, datetime):
        parsed = value
    elif isinstance(value, str):
        parsed = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    else:
        raise ValueError("not a date-time")
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    try:  # stored as UTC: a time near year 1 or 9999 may not exist there
        return parsed.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("date-time out of range") from exc


def save_article(
    article: Article | None,
    data: Mapping[str, Any],
    *,
    author: User | None = None,
    saved_by: User | None = None,
) -> Article:
    """Validate ``data`` and create or update an article; the caller commits.

    After the commit, ``article_created`` or ``article_updated`` fires, then
    ``article_published`` or ``article_unpublished`` when visibility changed
    (:mod:`cms.content.events`).

    Text is normalised to NFC, the body sanitized, the slug made from the
    title when not given (kept when the title changes later), and the old slug
    remembered when it changes. An update first keeps the previous version as
    an :class:`ArticleRevision` (``saved_by`` is who made the save). Raises
    :class:`ContentError` and changes nothing when any field is bad.
    """
    errors: dict[str, str] = {}
    creating = article is None
    unknown = sorted(set(data) - set(ARTICLE_FIELDS))
    if unknown:
        errors[unknown[0]] = _("Unknown field: %(name)s.", name=unknown[0])

    title = text_field(data, "title", errors, limit=TITLE_MAX, label=_("Title"))
    if title is not None and not title or creating and "title" not in data:
        errors["title"] = _("The title is required.")
    summary = text_field(
        data, "summary", errors, single_line=False, limit=SUMMARY_MAX, label=_("Summary")
    )
    body = text_field(data, "body_html", errors, html=True, limit=BODY_MAX, label=_("Body"))
    slug_in = text_field(data, "slug", errors, limit=SLUG_MAX, label=_("Slug"))

    status = data.get("status", None if not creating else "draft")
    if status is not None and status not in ARTICLE_STATUSES:
        errors["status"] = _(
            "Status must be one of: %(values)s.", values=", ".join(ARTICLE_STATUSES)
        )
    published_at: datetime | None = None
    if data.get("published_at") not in (None, ""):
        try:
            published_at = parse_datetime(data["published_at"])
        except (ValueError, TypeError):
            errors["published_at"] = _("The publish time is not a valid date and time.")

    category = _lookup(data, "category_id", Category, errors, _("No such category."))
    image = _lookup(data, "image_id", Media, errors, _("No such image."))
    owner = _lookup(data, "author_id", User, errors, _("No such user."))
    tags: list[Tag] | None = None
    if "tags" in data:
        names = data["tags"]
        if names is None:
            names = []
        if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
            errors["tags"] = _("Tags must be a list of names.")
        elif len(names) > 50:
            errors["tags"] = _("An article can have at most 50 tags.")
        else:
            try:
                tags = tags_from_names(names)
            except ContentError as exc:
                errors.update(exc.errors)

    if errors:
        raise ContentError(errors)

    if creating:
        article = Article(author=author)
        article_changed(article, "created")
    else:
        assert article is not None
        article_changed(article, "updated")
        snapshot_revision(article, saved_by)
    assert article is not None
    if title is not None:
        article.title = title
    if summary is not None:
        article.summary = summary
    if body is not None:
        article.body_html = body  # sanitized by text_field
    if "category_id" in data:
        article.category = category
    if "image_id" in data:
        article.image = image
    if "author_id" in data:
        article.author = owner
    if tags is not None:
        article.tags = tags

    _apply_status(article, status, published_at, "published_at" in data)
    _apply_slug(article, slug_in, creating)
    article.search_text = search_text_for(
        article.title, article.summary or "", html_to_text(article.body_html or "")
    )
    if creating:
        db.session.add(article)
    else:
        article.updated_at = utcnow()
    return article


def _lookup(
    data: Mapping[str, Any], key: str, model: Any, errors: dict[str, str], message: str
) -> Any:
    if data.get(key) is None:
        return None
    value = data[key]
    if isinstance(value, bool) or not isinstance(value, int):
        errors[key] = _("Must be a whole number.")
        return None
    row = db.session.get(model, value)
    if row is None:
        errors[key] = message
    return row


def _apply_status(
    article: Article, status: str | None, published_at: datetime | None, time_given: bool
) -> None:
    if time_given:
        article.published_at = published_at
    if status is not None:
        article.status = status
    now = utcnow()
    if article.status in ("published", "scheduled"):
        if article.published_at is None:
            article.published_at = now
        article.status = "scheduled" if article.published_at > now else "published"


def _apply_slug(article: Article, wanted: str | None, creating: bool) -> None:
    if wanted:
        new = make_slug(wanted, max_length=SLUG_MAX - 8) or make_slug(article.title)
    elif creating or not article.slug:
        new = make_slug(article.title)
    else:
        return
    if new == article.slug:
        return
    new = unique_slug(Article, new, kind="article", exclude_id=article.id)
    if article.slug and article.id is not None:
        remember_old_slug("article", article.slug, article.id)
        forget_slug("article", new)
    article.slug = new


def delete_article(article: Article) -> None:
    """Delete an article (its slug history goes with it); the caller commits.

    ``article_deleted`` fires after the commit (:mod:`cms.content.events`).
    """
    article_changed(article, "deleted")
    db.session.execute(
        delete(SlugHistory).where(
            SlugHistory.kind == "article", SlugHistory.object_id == article.id
        )
    )
    db.session.delete(article)


def category_blocks(
    tops: Sequence[Category], per_block: int = 5
) -> list[tuple[Category, list[Article]]]:
    """The newest ``per_block`` public articles of each of ``tops``, sub-categories included.

    For the front page: two queries whatever the number of categories (a
    ``UNION ALL`` of one newest-first ``LIMIT`` per category, each able to
    use the listing index, then the articles with their tags). Returns
    ``(category, articles)`` pairs in the order of ``tops``, articles newest
    first; a category without public articles is left out.
    """
    if not tops or per_block < 1:
        return []
    tree = categories()
    block_of: dict[int, int] = {}
    newest = []
    for top in tops:
        ids = tree.ids_under(top.id)
        block_of.update((i, top.id) for i in ids if i not in block_of)
        part = (
            select(Article.id)
            .where(public_filter(), Article.category_id.in_(ids))
            .order_by(Article.published_at.desc(), Article.id.desc())
            .limit(per_block)
            .subquery()
        )
        newest.append(select(part.c.id))  # SQLite wants LIMIT inside a subquery
    query = public_articles().where(Article.id.in_(union_all(*newest).scalar_subquery()))
    found: dict[int, list[Article]] = {top.id: [] for top in tops}
    for article in db.session.execute(query).unique().scalars():
        block = block_of.get(article.category_id or 0)
        if block is not None and len(found[block]) < per_block:
            found[block].append(article)
    return [(top, found[top.id]) for top in tops if found[top.id]]


def snapshot_revision(article: Article, saved_by: User | None = None) -> ArticleRevision:
    """Keep the article's current state as a revision (before a save changes it)."""
    revision = ArticleRevision(
        article_id=article.id,
        saved_by_id=saved_by.id if saved_by is not None else None,
        title=article.title,
        slug=article.slug,
        summary=article.summary or "",
        body_html=article.body_html or "",
        status=article.status,
        published_at=article.published_at,
        category_id=article.category_id,
        image_id=article.image_id,
        tags=[t.name for t in article.tags],
    )
    db.session.add(revision)
    return revision
