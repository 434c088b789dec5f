"""Ordering and removing nodes of the page and category trees, and merging tags.

Siblings (the nodes sharing a parent) are kept numbered ``0..n-1`` by every
function here, so that the public menu and the back-office lists agree on the
order. Each function changes the session only; the caller commits, so a move
or a delete is one transaction. Sibling rows are locked (``FOR UPDATE``, where
the database supports it) while they are renumbered, so two editors moving
pages at once cannot interleave their renumbering.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from flask_babel import gettext as _
from sqlalchemy import and_, delete, func, insert, literal, select, update

from cms.content.errors import ContentError
from cms.content.events import page_changed, term_deleting
from cms.content.slugs import remember_old_slug
from cms.extensions import db
from cms.models import Article, Category, Page, SlugHistory, Tag, article_tag

#: A node of one of the ordered trees.
Node = TypeVar("Node", Page, Category)

#: Kind names of :class:`SlugHistory` rows, per model.
_KINDS = {Page: "page", Category: "category"}


def _label_column(model: type[Page] | type[Category]) -> Any:
    return Page.title if model is Page else Category.name


def siblings(model: type[Node], parent_id: int | None, *, lock: bool = True) -> list[Node]:
    """The nodes of ``model`` under ``parent_id`` (``None``: the top level), in order.

    With ``lock``, the rows stay locked for update until the transaction ends.
    """
    condition = model.parent_id.is_(None) if parent_id is None else model.parent_id == parent_id
    query = select(model).where(condition).order_by(model.position, _label_column(model), model.id)
    if lock:
        query = query.with_for_update()
    return list(db.session.execute(query).scalars())


def renumber(nodes: Sequence[Page | Category]) -> None:
    """Give ``nodes`` the positions ``0..n-1`` in the order they come."""
    for index, node in enumerate(nodes):
        if node.position != index:
            node.position = index


def index_of(node: Node) -> int:
    """Where ``node`` stands among its siblings, counting from 0."""
    for index, other in enumerate(siblings(type(node), node.parent_id, lock=False)):
        if other.id == node.id:
            return index
    return 0


def move(node: Node, offset: int) -> bool:
    """Move ``node`` ``offset`` places among its siblings (``-1``: up, ``1``: down).

    Every sibling is renumbered ``0..n-1``. Returns ``False``, changing nothing,
    when the node is already first (or last) and cannot go further.
    """
    nodes = siblings(type(node), node.parent_id)
    index = next((i for i, other in enumerate(nodes) if other.id == node.id), None)
    if index is None:
        return False
    target = index + offset
    if target < 0 or target >= len(nodes) or offset == 0:
        return False
    nodes.insert(target, nodes.pop(index))
    renumber(nodes)
    return True


def place(node: Node, index: int | None = None, *, arriving: bool = False) -> None:
    """Put ``node`` at ``index`` among its siblings and renumber them ``0..n-1``.

    ``index=None`` keeps the node's place, or puts it last when it is
    ``arriving`` (just created, or just moved under another parent; then
    call :func:`close_gap` on the parent it left). An index past the end
    means last.
    """
    db.session.flush()  # the node must be in the database, under its new parent
    current = siblings(type(node), node.parent_id)
    nodes = [other for other in current if other.id != node.id]
    if index is None:
        index = len(nodes)
        if not arriving:
            index = next((i for i, other in enumerate(current) if other.id == node.id), index)
    nodes.insert(max(0, min(index, len(nodes))), node)
    renumber(nodes)


def close_gap(model: type[Node], parent_id: int | None) -> None:
    """Renumber the children of ``parent_id`` ``0..n-1`` after one of them left."""
    renumber(siblings(model, parent_id))


def _lift_children(node: Node) -> list[Node]:
    """Move the children of ``node`` to its parent, where ``node`` stood, in their order."""
    model = type(node)
    children = siblings(model, node.id)
    around = siblings(model, node.parent_id)
    index = next((i for i, other in enumerate(around) if other.id == node.id), len(around))
    around = [other for other in around if other.id != node.id]
    for child in children:
        child.parent = node.parent
    around[index:index] = children
    renumber(around)
    db.session.flush()  # the children have left before their parent goes...
    db.session.expire(node, ["children"])  # ...so deleting it leaves them alone
    return list(children)


def _forget_history(node: Page | Category) -> None:
    db.session.execute(
        delete(SlugHistory).where(
            SlugHistory.kind == _KINDS[type(node)], SlugHistory.object_id == node.id
        )
    )


def delete_page(page: Page) -> list[Page]:
    """Delete ``page``; its sub-pages move up to its parent, taking its place in the order.

    The page's old slugs are forgotten (its old URLs answer 404 and may be used
    again). Returns the pages that moved up. The caller commits; ``page_deleted``
    fires after the commit (:mod:`cms.content.events`).
    """
    page_changed(page, "deleted")
    children = _lift_children(page)
    _forget_history(page)
    db.session.delete(page)
    return children


def article_count(category: Category) -> int:
    """How many articles, of any status, are filed directly in ``category``."""
    query = select(func.count()).select_from(Article).where(Article.category_id == category.id)
    return db.session.execute(query).scalar_one()


def article_counts_by_category() -> dict[int, int]:
    """Category id -> how many articles (of any status) are filed directly in it."""
    query = (
        select(Article.category_id, func.count())
        .where(Article.category_id.is_not(None))
        .group_by(Article.category_id)
    )
    return {cid: count for cid, count in db.session.execute(query).all() if cid is not None}


def delete_category(category: Category, move_articles_to: Category | None = None) -> int:
    """Delete ``category``; its sub-categories move up to its parent.

    A category that still holds articles is refused (:class:`ContentError` on
    ``move_to``) unless ``move_articles_to`` names another category: its
    articles are moved there first, in the same transaction. Old slugs are
    forgotten. Returns how many articles moved. The caller commits; plugins
    then hear ``category_deleted`` with the articles it held.
    """
    if move_articles_to is not None and move_articles_to.id == category.id:
        raise ContentError({"move_to": _("Choose another category than the one being deleted.")})
    count = article_count(category)
    if count and move_articles_to is None:
        raise ContentError(
            {
                "move_to": _(
                    "%(name)s still holds %(num)d article(s); move them to another category "
                    "before deleting it.",
                    name=category.name,
                    num=count,
                )
            }
        )
    term_deleting(category)  # plugins hear it after the commit, with the articles moved
    moved = 0
    if move_articles_to is not None:
        result = db.session.execute(
            update(Article)
            .where(Article.category_id == category.id)
            .values(category_id=move_articles_to.id)
            .execution_options(synchronize_session=False)
        )
        moved = result.rowcount or 0  # type: ignore[attr-defined]
    _lift_children(category)
    _forget_history(category)
    db.session.delete(category)
    return moved


def tag_article_counts(tag_ids: Sequence[int]) -> dict[int, int]:
    """Tag id -> how many articles carry it, for the tags ``tag_ids``."""
    if not tag_ids:
        return {}
    query = (
        select(article_tag.c.tag_id, func.count())
        .where(article_tag.c.tag_id.in_(list(tag_ids)))
        .group_by(article_tag.c.tag_id)
    )
    return dict(db.session.execute(query).all())


def merge_tags(source: Tag, target: Tag) -> int:
    """Give the articles of ``source`` the tag ``target`` instead, then delete ``source``.

    Returns how many articles gained ``target`` (those that had both keep one).
    The caller commits; plugins then hear ``tag_deleted`` for ``source``.
    """
    if source.id == target.id:
        raise ContentError({"target": _("A tag cannot be merged into itself.")})
    already = select(article_tag.c.article_id).where(article_tag.c.tag_id == target.id)
    gaining = select(article_tag.c.article_id, literal(target.id)).where(
        and_(article_tag.c.tag_id == source.id, article_tag.c.article_id.not_in(already))
    )
    count = db.session.execute(select(func.count()).select_from(gaining.subquery())).scalar_one()
    term_deleting(source)  # plugins hear tag_deleted after the commit, with its articles
    db.session.execute(insert(article_tag).from_select(["article_id", "tag_id"], gaining))
    db.session.execute(delete(article_tag).where(article_tag.c.tag_id == source.id))
    # The merged tag's addresses, old ones included, now lead to the target (301).
    db.session.execute(
        update(SlugHistory)
        .where(SlugHistory.kind == "tag", SlugHistory.object_id == source.id)
        .values(object_id=target.id)
    )
    remember_old_slug("tag", source.slug, target.id)
    db.session.delete(source)
    return count
