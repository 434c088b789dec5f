"""Reading lists back, as readers and clients see them, and as they ought to be."""

from __future__ import annotations

import html
import re
from typing import Any

from sqlalchemy import select

from cms.extensions import db
from cms.testing import BROWSER
from plugins.related import index
from plugins.related.models import RelatedLink
from plugins.related.terms import score

_WIDGET = re.compile(r'<section[^>]*data-widget="related\.articles"[^>]*>(.*?)</section>', re.S)
_LINK = re.compile(r'<a class="related-list__link" href="([^"]*)">(.*?)</a>', re.S)


def widget_html(page: str) -> str | None:
    """The inside of the ``related.articles`` widget of ``page``, ``None`` when absent."""
    found = _WIDGET.search(page)
    return found.group(1) if found else None


def widget_titles(page: str) -> list[str]:
    """Titles listed by the widget of ``page``, in order, unescaped."""
    inside = widget_html(page) or ""
    return [html.unescape(title) for _, title in _LINK.findall(inside)]


def page_titles(client: Any, slug: str) -> list[str]:
    """Titles the article page of ``slug`` lists (fails unless the page answers 200)."""
    response = client.get(f"/news/{slug}", headers=BROWSER)
    assert response.status_code == 200, response.status_code
    return widget_titles(response.get_data(as_text=True))


def api_titles(client: Any, article_id: int) -> list[str]:
    """Titles ``GET /api/v1/articles/<id>/related`` answers, in order."""
    response = client.get(f"/api/v1/articles/{article_id}/related")
    assert response.status_code == 200, response.get_data(as_text=True)
    return [item["title"] for item in response.get_json()["items"]]


def stored_lists(app: Any) -> dict[int, list[int]]:
    """Every stored list: article id -> related ids in rank order."""
    with app.app_context():
        rows = db.session.execute(
            select(RelatedLink.article_id, RelatedLink.related_id).order_by(
                RelatedLink.article_id, RelatedLink.rank
            )
        )
        found: dict[int, list[int]] = {}
        for owner, related_id in rows:
            found.setdefault(owner, []).append(related_id)
        return found


def brute_force_lists(app: Any) -> dict[int, list[int]]:
    """Every list as it ought to be: each indexed article scored against every other."""
    with app.app_context(), db.engine.connect() as conn:
        everything = index.docs(conn, conn.execute(select(index.DOC.c.article_id)).scalars())
    lists = {}
    for doc in everything.values():
        entries = [
            index.Entry(other.id, score(doc, other), other.published_at)
            for other in everything.values()
            if other.id != doc.id
        ]
        best = sorted((e for e in entries if e.score > 0), key=lambda e: e.key)[: index.STORED]
        if best:
            lists[doc.id] = [e.related_id for e in best]
    return lists


def wrong_lists(app: Any) -> dict[int, tuple[list[int], list[int]]]:
    """Stored lists that are not what they ought to be: ``{article: (stored, expected)}``.

    A stored list must be the best ``len(list)`` of its article's related
    articles, and hold at least :data:`~plugins.related.index.SHOWN` of them
    (or all, when fewer): incremental changes may leave it shorter than a
    list computed from scratch, never wrong.
    """
    stored, expected = stored_lists(app), brute_force_lists(app)
    wrong = {}
    for owner in set(stored) | set(expected):
        have, want = stored.get(owner, []), expected.get(owner, [])
        if have != want[: len(have)] or len(have) < min(len(want), index.SHOWN):
            wrong[owner] = (have, want)
    return wrong
