"""Back-office screens: the page tree (create, edit, order, delete)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from cms.admin import bp, tree
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.admin.taxonomy_forms import PageForm, apply_errors
from cms.audit import record
from cms.content import ordering, save_page
from cms.content.errors import ContentError
from cms.extensions import db
from cms.form_status import form_status
from cms.models import Page

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.pages", _l("Pages"), roles=("admin", "editor"), order=20, section="admin.page")
]


def _rows() -> list[tree.TreeRow]:
    return tree.flatten(db.session.execute(select(Page)).scalars())


def _page(page_id: int) -> Page:
    page = db.session.get(Page, page_id)
    if page is None:
        abort(404)
    return page


@bp.route("/pages")
@role_required("editor")
def pages() -> Any:
    """Every page as an indented tree, with its state and actions."""
    return render_template("admin/pages/index.html", rows=_rows())


@bp.route("/pages/new", methods=["GET", "POST"])
@role_required("editor")
def page_new() -> Any:
    """Create a page; a parent may be given with ``?parent=<id>``."""
    parent = request.args.get("parent", "")
    form = PageForm(data={"parent_id": parent if parent.isdigit() else ""})
    return _edit(None, form)


@bp.route("/pages/<int:page_id>", methods=["GET", "POST"])
@role_required("editor")
def page_edit(page_id: int) -> Any:
    """Edit a page; a new slug keeps the old URL redirecting."""
    page = _page(page_id)
    form = PageForm(
        data={
            "title": page.title,
            "slug": page.slug,
            "summary": page.summary,
            "body_html": page.body_html,
            "parent_id": str(page.parent_id or ""),
            "position": ordering.index_of(page),
            "show_in_menu": page.show_in_menu,
            "status": page.status,
        }
    )
    return _edit(page, form)


def _edit(page: Page | None, form: PageForm) -> Any:
    form.set_parents(_rows(), _("(top level)"), page.id if page is not None else None)
    if form.validate_on_submit():
        data = form.service_data()
        creating = page is None
        old_parent_id = page.parent_id if page is not None else None
        arriving = creating or data["parent_id"] != old_parent_id
        try:
            saved = save_page(
                page, data, author=current_user._get_current_object() if creating else None
            )
            ordering.place(saved, form.position.data, arriving=arriving)
            if arriving and not creating:
                ordering.close_gap(Page, old_parent_id)
        except ContentError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            if creating:
                record("page.create", saved, _("Created page %(title)s", title=saved.title))
                flash(_("Page created."), "success")
            else:
                record("page.update", saved, _("Changed page %(title)s", title=saved.title))
                flash(_("Page saved."), "success")
            db.session.commit()
            return redirect(url_for("admin.pages") + f"#page-{saved.id}")
    status = form_status()
    return render_template("admin/pages/edit.html", form=form, page=page), status


@bp.route("/pages/<int:page_id>/move", methods=["POST"])
@role_required("editor")
def page_move(page_id: int) -> Any:
    """Move a page one place up or down among its siblings (a real button, no script)."""
    page = _page(page_id)
    direction = request.form.get("direction")
    if tree.move_among_siblings(page, direction):
        summary = (
            _("Moved page %(title)s up", title=page.title)
            if direction == "up"
            else _("Moved page %(title)s down", title=page.title)
        )
        record("page.move", page, summary, direction=direction)
        db.session.commit()
    else:
        db.session.rollback()
        flash(_("%(title)s cannot move further.", title=page.title), "info")
    return redirect(url_for("admin.pages") + f"#page-{page.id}")


@bp.route("/pages/<int:page_id>/delete", methods=["POST"])
@role_required("editor")
def page_delete(page_id: int) -> Any:
    """Delete a page; its sub-pages move up to its parent and its old URLs stop working."""
    page = _page(page_id)
    title = page.title
    record("page.delete", page, _("Deleted page %(title)s", title=title))
    lifted = ordering.delete_page(page)
    db.session.commit()
    if lifted:
        flash(
            _(
                "Page %(title)s deleted; its %(num)d sub-page(s) moved up one level.",
                title=title,
                num=len(lifted),
            ),
            "success",
        )
    else:
        flash(_("Page %(title)s deleted.", title=title), "success")
    return redirect(url_for("admin.pages"))
