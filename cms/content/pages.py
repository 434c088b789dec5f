"""Page services: validation, saving, the menu tree and lookups by path.

Each process holds the menu pages between requests, as detached rows, and
reads them again (one query) only when the ``menu`` generation counter moves
(:mod:`cms.generations`), which every write to the ``page`` table does in
its own transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from cms import generations
from cms.content.errors import ContentError
from cms.content.events import page_changed
from cms.content.fields import text_field
from cms.content.slugs import (
    RESERVED_SLUGS,
    forget_slug,
    make_slug,
    remember_old_slug,
    unique_slug,
)
from cms.extensions import db
from cms.models import PAGE_STATUSES, Page, utcnow
from cms.models.content import BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX

#: Columns of the menu pages a process holds: all but the body.
MENU_COLUMNS = tuple(c for c in Page.__table__.columns if c.key != "body_html")


def menu_pages() -> list[Page]:
    """Published top-level pages shown in the menu, in their order.

    Detached rows held by the process, every column but ``body_html`` loaded
    (``parent`` is ``None``, so ``path`` works): read them, never change them.
    """
    return list(generations.held("menu", (generations.MENU,), _read_menu))


def _read_menu() -> tuple[Page, ...]:
    rows = db.session.execute(
        select(*MENU_COLUMNS)
        .where(Page.parent_id.is_(None), Page.show_in_menu.is_(True), Page.status == "published")
        .order_by(Page.position, Page.title, Page.id)
    ).mappings()
    return tuple(generations.detached_row(Page, row, parent=None) for row in rows)


def find_page(slug: str) -> Page | None:
    """The page whose current slug is ``slug``."""
    return db.session.execute(select(Page).where(Page.slug == slug)).scalar()


def save_page(page: Page | None, data: Mapping[str, Any], *, author: Any = None) -> Page:
    """Validate ``data`` and create or update a page; the caller commits.

    After the commit, ``page_created`` or ``page_updated`` fires, then
    ``page_published`` or ``page_unpublished`` when the status moved
    (:mod:`cms.content.events`), and every worker reads the menu again (the
    flush moves the ``menu`` counter); this request at once. Raises
    :class:`ContentError` when a field is bad.
    """
    errors: dict[str, str] = {}
    creating = page is None
    values: dict[str, str] = {}
    for key, limit, label, single in (
        ("title", TITLE_MAX, _("Title"), True),
        ("summary", SUMMARY_MAX, _("Summary"), False),
        ("body_html", BODY_MAX, _("Body"), False),
        ("slug", SLUG_MAX, _("Slug"), True),
    ):
        if data.get(key) is None:
            continue
        value = text_field(
            data, key, errors, label=label, limit=limit, single_line=single, html=key == "body_html"
        )
        if value is not None:
            values[key] = value
    if (creating or "title" in data) and not values.get("title") and "title" not in errors:
        errors["title"] = _("The title is required.")
    status = data.get("status")
    if status is not None and status not in PAGE_STATUSES:
        errors["status"] = _("Status must be one of: %(values)s.", values=", ".join(PAGE_STATUSES))
    parent = None
    if data.get("parent_id") is not None:
        pid = data["parent_id"]
        if isinstance(pid, bool) or not isinstance(pid, int):
            errors["parent_id"] = _("Must be a whole number.")
        else:
            parent = db.session.get(Page, pid)
            if parent is None:
                errors["parent_id"] = _("No such page.")
            elif page is not None and (parent.id == page.id or page in parent.ancestors):
                errors["parent_id"] = _("A page cannot be placed under itself.")
    for key in ("position",):
        if data.get(key) is not None and (
            isinstance(data[key], bool) or not isinstance(data[key], int)
        ):
            errors[key] = _("Must be a whole number.")
    if errors:
        raise ContentError(errors)

    if creating:
        page = Page(author=author, position=0, summary="", body_html="")
    assert page is not None
    page_changed(page, "created" if creating else "updated")
    if "title" in values:
        page.title = values["title"]
    if "summary" in values:
        page.summary = values["summary"]
    if "body_html" in values:
        page.body_html = values["body_html"]  # sanitized by text_field
    if status is not None:
        page.status = status
    elif creating:
        page.status = "published"
    if data.get("position") is not None:
        page.position = data["position"]
    if "show_in_menu" in data:
        page.show_in_menu = bool(data["show_in_menu"])
    wanted = values.get("slug") or (page.title if creating else None)
    if wanted:
        new = make_slug(wanted) or make_slug(page.title) or "page"
        if new != page.slug:
            new = unique_slug(Page, new, kind="page", exclude_id=page.id, reserved=RESERVED_SLUGS)
            if page.slug and page.id is not None:
                remember_old_slug("page", page.slug, page.id)
                forget_slug("page", new)
            page.slug = new
    if "parent_id" in data:  # after the slug queries: a half-built page must not autoflush
        page.parent = parent
    if creating:
        db.session.add(page)
    else:
        page.updated_at = utcnow()
    generations.forget()
    return page
