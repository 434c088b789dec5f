"""What readers see: an article's approved comments, oldest first, as threads, by pages.

A page holds ``per_page`` top-level comments and every approved reply under
them (two indexed queries). A reply whose parent is not approved is not
shown.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime

from markupsafe import Markup
from sqlalchemy import func, select

from cms.extensions import db
from plugins.comments.models import CommentsComment
from plugins.comments.text import as_html


@dataclass
class Node:
    """One approved comment as shown, with its shown replies (oldest first)."""

    id: int
    parent_id: int | None
    depth: int
    name: str
    body: str
    created_at: datetime
    replies: list[Node] = field(default_factory=list)

    @property
    def html(self) -> Markup:
        """The text as escaped HTML with links and line breaks."""
        return as_html(self.body)

    def as_json(self) -> dict[str, object]:
        """The API's object (no email, no address): ``id, parent_id, name, body, created_at``."""
        return {
            "id": self.id,
            "parent_id": self.parent_id,
            "name": self.name,
            "body": self.body,
            "created_at": self.created_at.isoformat(),
        }


@dataclass(frozen=True)
class Thread:
    """A page of comments: ``nodes`` (top level, with replies), the page, pages and counts."""

    nodes: list[Node]
    page: int
    pages: int
    total_top: int

    def flat(self) -> list[Node]:
        """Every comment of the page, each before its replies."""
        out: list[Node] = []

        def walk(nodes: list[Node]) -> None:
            for node in nodes:
                out.append(node)
                walk(node.replies)

        walk(self.nodes)
        return out


def _node(row: CommentsComment) -> Node:
    return Node(row.id, row.parent_id, row.depth, row.name, row.body, row.created_at)


def thread(article_id: int, page: int, per_page: int, exact: bool = True) -> Thread:
    """Page ``page`` (from 1) of the article's approved comments; a page past the end is empty.

    As :func:`cms.paging.paginate` does for every core list, an exact thread
    counts first and never sends the database an offset past the last
    comment: the API answers a page past the end with an empty list (as the
    core API's lists do), the HTML list with 404 (as the core's listings do).

    ``exact=False`` (the live block, on every page view) counts nothing: it
    reads one comment more than a page to know whether another page exists
    (``pages`` is then ``page`` or ``page + 1``, ``total_top`` -1).
    """
    approved = (CommentsComment.article_id == article_id, CommentsComment.status == "approved")
    top = (*approved, CommentsComment.parent_id.is_(None))
    if exact:
        total = int(db.session.execute(select(func.count()).where(*top)).scalar_one())
        pages = max(1, math.ceil(total / per_page))
        if page > pages:
            return Thread([], page, pages, total)
    roots = list(
        db.session.execute(
            select(CommentsComment)
            .where(*top)
            .order_by(CommentsComment.id)
            .offset((page - 1) * per_page)
            .limit(per_page + 1)
        ).scalars()
    )
    more, roots = len(roots) > per_page, roots[:per_page]
    if not exact:
        total, pages = -1, page + 1 if more else page
    nodes = {row.id: _node(row) for row in roots}
    if roots:
        replies = db.session.execute(
            select(CommentsComment)
            .where(*approved, CommentsComment.root_id.in_(list(nodes)), CommentsComment.depth > 0)
            .order_by(CommentsComment.depth, CommentsComment.id)
        ).scalars()
        for row in replies:
            parent = nodes.get(row.parent_id or 0)
            if parent is not None:
                nodes[row.id] = _node(row)
                parent.replies.append(nodes[row.id])
    return Thread([nodes[row.id] for row in roots], page, pages, total)
