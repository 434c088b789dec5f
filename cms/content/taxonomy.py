"""Categories and tags: validation, saving and lookups.

The public site reads categories from :func:`categories`: the whole tree,
held by each process as detached rows and read again (one query) only when
the ``categories`` generation counter moves (:mod:`cms.generations`), which
every write to the ``category`` table does in its own transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import delete, select, update
from sqlalchemy.orm.attributes import set_committed_value

from cms import generations
from cms.content.errors import ContentError
from cms.content.events import term_deleting
from cms.content.slugs import (
    forget_slug,
    history_owner,
    lookup_old_slug,
    make_slug,
    remember_old_slug,
    unique_slug,
)
from cms.content.text import clean_text
from cms.extensions import db
from cms.models import Article, Category, SlugHistory, Tag, article_tag
from cms.models.content import NAME_MAX, SLUG_MAX


@dataclass(frozen=True)
class CategoryTree:
    """Every category as detached rows, with ``parent`` and ``children`` loaded.

    Held by the process and shared by its threads: read it, never change it.
    Siblings are in their order (position, then name).
    """

    #: Top-level categories, in order.
    roots: tuple[Category, ...]
    #: Category id -> category.
    by_id: Mapping[int, Category]
    #: Current slug -> category.
    by_slug: Mapping[str, Category]

    def ids_under(self, category_id: int) -> list[int]:
        """``category_id`` and the ids of every category below it, the category first.

        An id the tree does not know gives ``[category_id]``.
        """
        ids, seen = [category_id], {category_id}
        node = self.by_id.get(category_id)
        frontier = [node] if node is not None else []
        while frontier:
            children = [c for n in frontier for c in n.children if c.id not in seen]
            seen.update(c.id for c in children)
            ids.extend(c.id for c in children)
            frontier = children
        return ids


def categories() -> CategoryTree:
    """The category tree this process holds (read again when a category changed)."""
    return generations.held("categories", (generations.CATEGORIES,), _read_tree)


def _read_tree() -> CategoryTree:
    """Every category in one query, made into detached rows linked to each other."""
    table = Category.__table__
    rows = db.session.execute(
        select(table).order_by(table.c.position, table.c.name, table.c.id)
    ).mappings()
    nodes = [generations.detached_row(Category, row) for row in rows]
    by_id = {node.id: node for node in nodes}
    children: dict[int | None, list[Category]] = defaultdict(list)
    for node in nodes:
        parent_id = node.parent_id if node.parent_id in by_id else None
        children[parent_id].append(node)
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        set_committed_value(node, "parent", parent)
        set_committed_value(node, "children", children.get(node.id, []))
    return CategoryTree(
        roots=tuple(children[None]),
        by_id=by_id,
        by_slug={node.slug: node for node in nodes},
    )


def category_tree() -> list[Category]:
    """Top-level categories in their order, each with ``children`` (and theirs) loaded.

    Detached rows held by the process (:func:`categories`): read them, never change them.
    """
    return list(categories().roots)


def public_category(slug: str) -> Category | None:
    """The category whose current slug is ``slug``, from the tree the process holds.

    A detached row with ``parent`` and ``children`` loaded; use
    :func:`find_category` for a row to change.
    """
    return categories().by_slug.get(slug)


def all_categories() -> list[Category]:
    """Every category, by position then name (rows of the session, for the back office)."""
    return list(
        db.session.execute(select(Category).order_by(Category.position, Category.name)).scalars()
    )


def find_category(slug: str) -> Category | None:
    """The category whose current slug is ``slug`` (a row of the session)."""
    return db.session.execute(select(Category).where(Category.slug == slug)).scalar()


def save_category(category: Category | None, data: Mapping[str, Any]) -> Category:
    """Validate ``data`` and create or update a category; the caller commits.

    Every worker reads the category tree again once the change is committed
    (its flush moves the ``categories`` counter); this request at once.
    """
    errors: dict[str, str] = {}
    creating = category is None
    name = data.get("name")
    if name is not None or creating:
        if not isinstance(name, str) or not clean_text(name, single_line=True):
            errors["name"] = _("The name is required.")
        elif len(clean_text(name, single_line=True)) > NAME_MAX:
            errors["name"] = _(
                "%(field)s is too long (at most %(limit)d characters).",
                field=_("Name"),
                limit=NAME_MAX,
            )
    description = data.get("description")
    if description is not None and not isinstance(description, str):
        errors["description"] = _("%(field)s must be text.", field=_("Description"))
    slug = data.get("slug")
    if slug is not None and (not isinstance(slug, str) or len(slug) > SLUG_MAX):
        errors["slug"] = _("The slug must be text of at most %(limit)d characters.", limit=SLUG_MAX)
    parent = None
    if data.get("parent_id") is not None:
        parent_id = data["parent_id"]
        if isinstance(parent_id, bool) or not isinstance(parent_id, int):
            errors["parent_id"] = _("Must be a whole number.")
        else:
            parent = db.session.get(Category, parent_id)
            if parent is None:
                errors["parent_id"] = _("No such category.")
            elif category is not None and _is_descendant(parent, category):
                errors["parent_id"] = _("A category cannot be placed under itself.")
    position = data.get("position")
    if position is not None and (isinstance(position, bool) or not isinstance(position, int)):
        errors["position"] = _("Must be a whole number.")
    if errors:
        raise ContentError(errors)

    if creating:
        category = Category(description="", position=0)
    assert category is not None
    if isinstance(name, str):
        category.name = clean_text(name, single_line=True)
    if isinstance(description, str):
        category.description = clean_text(description)
    if isinstance(position, int):
        category.position = position
    if "show_on_home" in data:
        category.show_on_home = bool(data["show_on_home"])
    wanted = (make_slug(slug) if slug else "") or (make_slug(category.name) if creating else "")
    if creating and not wanted:  # a name without letters or digits still needs a slug
        wanted = "category"
    if wanted and wanted != category.slug:
        new = unique_slug(Category, wanted, kind="category", exclude_id=category.id)
        if category.slug and category.id is not None:
            remember_old_slug("category", category.slug, category.id)
            forget_slug("category", new)
        category.slug = new
    if "parent_id" in data:  # after the slug queries: a half-built category must not autoflush
        category.parent = parent
    if creating:
        db.session.add(category)
    generations.forget()
    return category


def _is_descendant(node: Category | None, ancestor: Category) -> bool:
    seen = set()
    while node is not None and node.id not in seen:
        if node.id == ancestor.id:
            return True
        seen.add(node.id)
        node = node.parent
    return False


def tags_from_names(names: list[str]) -> list[Tag]:
    """Return the tags named ``names``, creating missing ones; duplicates are dropped.

    A name is matched, in this order, to the tag whose slug is the name's slug,
    the tag of that exact name, then the tag that had that slug before it was
    renamed or merged (slug history), so an old name brings back the renamed
    tag and never creates a second tag on its old address. Only a name that
    matches none of these makes a new tag. Raises :class:`ContentError` (key
    ``tags``) for a name too long or without a letter or digit.
    """
    wanted = _wanted_tags(names)
    if not wanted:
        return []
    found = _existing_tags(wanted)
    result: list[Tag] = []
    for slug, name in wanted.items():
        tag = found.get(slug)
        if tag is None:
            tag = Tag(name=name, slug=slug)
            db.session.add(tag)
            found[slug] = tag
        if tag not in result:  # two old names of one tag give it once
            result.append(tag)
    return result


def current_tag_names(names: list[str]) -> list[str]:
    """The names ``names`` stand for today (a renamed tag's new name), creating nothing.

    Names that match no tag are kept as they are; duplicates are dropped.
    """
    try:
        wanted = _wanted_tags(names)
    except ContentError:
        return [clean_text(n, single_line=True) for n in names]
    found = _existing_tags(wanted)
    result: list[str] = []
    for slug, name in wanted.items():
        current = found[slug].name if slug in found else name
        if current not in result:
            result.append(current)
    return result


def _wanted_tags(names: list[str]) -> dict[str, str]:
    """Slug -> name of the non-empty names, in their order, the first name of a slug winning."""
    wanted: dict[str, str] = {}
    for raw in names:
        name = clean_text(raw, single_line=True)
        if not name:
            continue
        if len(name) > NAME_MAX:
            raise ContentError(
                {"tags": _("A tag is too long (at most %(limit)d characters).", limit=NAME_MAX)}
            )
        slug = make_slug(name)
        if not slug:
            raise ContentError({"tags": _("A tag needs at least one letter or digit.")})
        wanted.setdefault(slug, name)
    return wanted


def _existing_tags(wanted: Mapping[str, str]) -> dict[str, Tag]:
    """Slug -> the existing tag that ``wanted``'s name of that slug stands for."""
    if not wanted:
        return {}
    by_slug = {
        t.slug: t
        for t in db.session.execute(select(Tag).where(Tag.slug.in_(list(wanted)))).scalars()
    }
    missing = [slug for slug in wanted if slug not in by_slug]
    if not missing:
        return by_slug
    names = [wanted[slug] for slug in missing]
    by_name = {
        t.name: t for t in db.session.execute(select(Tag).where(Tag.name.in_(names))).scalars()
    }
    result = dict(by_slug)
    for slug in missing:
        tag = by_name.get(wanted[slug])
        if tag is None:
            owner = history_owner(Tag, "tag", slug)
            tag = db.session.get(Tag, owner) if owner is not None else None
        if tag is not None:
            result[slug] = tag
    return result


def find_tag_by_old_slug(slug: str) -> Tag | None:
    """The existing tag that had ``slug`` before a rename or a merge, if any."""
    owner = lookup_old_slug("tag", slug)
    return db.session.get(Tag, owner) if owner is not None else None


def find_tag(slug: str) -> Tag | None:
    """The tag whose slug is ``slug``."""
    return db.session.execute(select(Tag).where(Tag.slug == slug)).scalar()


def save_tag(tag: Tag | None, data: Mapping[str, Any]) -> Tag:
    """Validate ``data`` (``name``, ``slug``) and create or rename a tag; the caller commits.

    The slug follows the name unless one is given. Two tags may not share a
    name or a slug, nor names that make the same slug (:func:`tags_from_names`
    would take them for one tag).
    """
    errors: dict[str, str] = {}
    creating = tag is None
    unknown = sorted(set(data) - {"name", "slug"})
    if unknown:
        errors[unknown[0]] = _("Unknown field: %(name)s.", name=unknown[0])
    name: str | None = None
    if "name" in data or creating:
        raw = data.get("name")
        name = clean_text(raw, single_line=True) if isinstance(raw, str) else ""
        if not name:
            errors["name"] = _("The name is required.")
        elif len(name) > NAME_MAX:
            errors["name"] = _(
                "%(field)s is too long (at most %(limit)d characters).",
                field=_("Name"),
                limit=NAME_MAX,
            )
        elif not make_slug(name):
            errors["name"] = _("A tag needs at least one letter or digit.")
    slug: str | None = None
    if data.get("slug") not in (None, ""):
        raw_slug = data["slug"]
        if not isinstance(raw_slug, str) or len(raw_slug) > SLUG_MAX:
            errors["slug"] = _(
                "The slug must be text of at most %(limit)d characters.", limit=SLUG_MAX
            )
        else:
            slug = make_slug(raw_slug)
            if not slug:
                errors["slug"] = _("A slug needs at least one letter or digit.")
    if errors:
        raise ContentError(errors)

    if slug is None and name is not None:
        slug = make_slug(name)
    exclude = tag.id if tag is not None else None
    if name is not None and _tag_taken((Tag.name == name) | (Tag.slug == make_slug(name)), exclude):
        errors["name"] = _("A tag with this name already exists.")
    elif name is not None and (renamed := _old_owner(make_slug(name), exclude)) is not None:
        errors["name"] = _(
            "The tag %(name)s was called this before, and its old address leads there. "
            "Use that tag, or choose another name.",
            name=renamed.name,
        )
    if slug is not None and "slug" not in errors:
        if _tag_taken(Tag.slug == slug, exclude):
            errors["slug"] = _("Another tag already uses this slug.")
        elif (renamed := _old_owner(slug, exclude)) is not None:
            errors["slug"] = _(
                "This slug was the address of the tag %(name)s, and it still leads there.",
                name=renamed.name,
            )
    if errors:
        raise ContentError(errors)

    if creating:
        tag = Tag()
        db.session.add(tag)
    assert tag is not None
    if name is not None:
        tag.name = name
    if slug is not None and slug != tag.slug:
        old, tag.slug = tag.slug, slug
        if old and tag.id is not None:  # the old address keeps answering, with a 301
            remember_old_slug("tag", old, tag.id)
            forget_slug("tag", slug)
    return tag


def _old_owner(slug: str, exclude_id: int | None) -> Tag | None:
    """The other existing tag whose slug history holds ``slug``."""
    owner = history_owner(Tag, "tag", slug)
    if owner is None or owner == exclude_id:
        return None
    return db.session.get(Tag, owner)


def _tag_taken(condition: Any, exclude_id: int | None) -> bool:
    query = select(Tag.id).where(condition)
    if exclude_id is not None:
        query = query.where(Tag.id != exclude_id)
    return db.session.execute(query.limit(1)).first() is not None


def delete_tag(tag: Tag) -> None:
    """Delete a tag; articles lose it (the association rows go with it). The caller commits.

    Plugins hear ``tag_deleted`` once it has, with the articles that had it.
    """
    term_deleting(tag)
    db.session.execute(delete(article_tag).where(article_tag.c.tag_id == tag.id))
    db.session.execute(
        delete(SlugHistory).where(SlugHistory.kind == "tag", SlugHistory.object_id == tag.id)
    )
    db.session.delete(tag)


def delete_category(category: Category) -> None:
    """Delete a category; its articles and sub-categories are kept, without it.

    Its old slugs are forgotten, so they may be used again. The caller commits;
    every worker reads the category tree again once it has, and plugins hear
    ``category_deleted`` with the articles that lost it.
    """
    term_deleting(category)
    generations.forget()
    db.session.execute(
        update(Article)
        .where(Article.category_id == category.id)
        .values(category_id=None)
        .execution_options(synchronize_session=False)
    )
    for child in list(category.children):
        child.parent = None
    db.session.execute(
        delete(SlugHistory).where(
            SlugHistory.kind == "category", SlugHistory.object_id == category.id
        )
    )
    db.session.delete(category)
