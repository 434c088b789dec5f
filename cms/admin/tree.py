"""Helpers shared by the page and category trees of the back office.

Each screen loads all its nodes in one query and hands them here: the tree is
built in memory from ``parent_id``, so a list costs one query however deep it is.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from typing import Any, NamedTuple

from flask import abort
from wtforms import SelectChoice

from cms.content import ordering

#: Indentation put before an option's label per level of depth in a parent select.
INDENT = "\u2014 "


class TreeRow(NamedTuple):
    """One node of a flattened tree, with what a list needs to draw it."""

    #: The page or category.
    node: Any
    #: 0 for the top level, 1 for its children, ...
    depth: int
    #: Whether the node comes first among its siblings (it cannot move up).
    first: bool
    #: Whether the node comes last among its siblings (it cannot move down).
    last: bool


def label_of(node: Any) -> str:
    """What a node is called: a page's title or a category's name."""
    return str(getattr(node, "title", None) or getattr(node, "name", None) or "")


def _default_key(node: Any) -> tuple[Any, ...]:
    return (node.position, label_of(node), node.id)


def flatten(nodes: Iterable[Any], key: Callable[[Any], Any] = _default_key) -> list[TreeRow]:
    """Order ``nodes`` depth first, each followed by its children, sorted by ``key``.

    ``nodes`` is every node of the tree (each with ``id`` and ``parent_id``). A
    node whose parent is missing, or that sits in a cycle, is shown at the top
    level rather than lost.
    """
    items = list(nodes)
    ids = {n.id for n in items}
    children: dict[int | None, list[Any]] = {}
    for node in items:
        parent = node.parent_id if node.parent_id in ids else None
        children.setdefault(parent, []).append(node)
    for group in children.values():
        group.sort(key=key)
    rows: list[TreeRow] = []
    seen: set[int] = set()

    def walk(group: list[Any], depth: int) -> None:
        group = [n for n in group if n.id not in seen]
        for index, node in enumerate(group):
            seen.add(node.id)
            rows.append(TreeRow(node, depth, index == 0, index == len(group) - 1))
            walk(children.get(node.id, []), depth + 1)

    walk(children.get(None, []), 0)
    stranded = sorted((n for n in items if n.id not in seen), key=key)
    while stranded:  # a cycle: nobody reaches it from the top level
        walk([stranded[0]], 0)
        stranded = [n for n in stranded if n.id not in seen]
    return rows


def subtree_ids(rows: list[TreeRow], node_id: int | None) -> set[int]:
    """The id of ``node_id`` and of every node below it, read from flattened ``rows``."""
    found: set[int] = set()
    depth: int | None = None
    for row in rows:
        if depth is not None:
            if row.depth <= depth:
                break
            found.add(row.node.id)
        elif row.node.id == node_id:
            depth = row.depth
            found.add(row.node.id)
    return found


def node_choices(rows: list[TreeRow], *, exclude: Collection[int] = ()) -> list[SelectChoice]:
    """Options of a select naming nodes, labels indented by depth, ``exclude`` left out."""
    choices = []
    for row in rows:
        if row.node.id in exclude:
            continue
        choices.append(SelectChoice(str(row.node.id), INDENT * row.depth + label_of(row.node)))
    return choices


def parent_choices(
    rows: list[TreeRow], none_label: Any, *, exclude_id: int | None = None
) -> list[SelectChoice]:
    """Options of a parent select: the top level, then every node.

    The node ``exclude_id`` and its descendants are left out, since a node
    cannot go under itself. Labels are indented by depth.
    """
    excluded = subtree_ids(rows, exclude_id) if exclude_id is not None else set()
    return [SelectChoice("", str(none_label)), *node_choices(rows, exclude=excluded)]


def direction_offset(value: str | None) -> int:
    """``"up"`` -> -1, ``"down"`` -> 1; anything else is a bad request (400)."""
    offset = {"up": -1, "down": 1}.get(value or "")
    if offset is None:
        abort(400)
    return offset


def move_among_siblings(node: Any, direction: str | None) -> bool:
    """Move ``node`` one place up or down among its siblings, renumbering them ``0..n-1``.

    ``direction`` comes from the form (``up`` or ``down``; else 400). Returns
    ``False`` when the node was already at that end. The caller commits.
    """
    return ordering.move(node, direction_offset(direction))
