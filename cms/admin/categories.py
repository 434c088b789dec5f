"""Back-office screens: the category tree (create, edit, order, delete)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from wtforms import SelectChoice

from cms.admin import bp, tree
from cms.admin.menu import MenuItem
from cms.admin.numbers import parse_id
from cms.admin.permissions import role_required
from cms.admin.taxonomy_forms import CategoryDeleteForm, CategoryForm, apply_errors
from cms.audit import record
from cms.content import ordering, save_category
from cms.content.errors import ContentError
from cms.extensions import db
from cms.form_status import form_status
from cms.models import Category

#: Menu entries of these screens.
MENU = [
    MenuItem(
        "admin.categories",
        _l("Categories"),
        roles=("admin", "editor"),
        order=30,
        section="admin.categor",
    )
]


def _rows() -> list[tree.TreeRow]:
    return tree.flatten(db.session.execute(select(Category)).scalars())


def _category(category_id: int) -> Category:
    category = db.session.get(Category, category_id)
    if category is None:
        abort(404)
    return category


@bp.route("/categories")
@role_required("editor")
def categories() -> Any:
    """Every category as an indented tree, with how many articles each holds."""
    return render_template(
        "admin/categories/index.html",
        rows=_rows(),
        counts=ordering.article_counts_by_category(),
    )


@bp.route("/categories/new", methods=["GET", "POST"])
@role_required("editor")
def category_new() -> Any:
    """Create a category; a parent may be given with ``?parent=<id>``."""
    parent = request.args.get("parent", "")
    form = CategoryForm(data={"parent_id": parent if parent.isdigit() else ""})
    return _edit(None, form)


@bp.route("/categories/<int:category_id>", methods=["GET", "POST"])
@role_required("editor")
def category_edit(category_id: int) -> Any:
    """Edit a category; a new slug keeps the old URL redirecting."""
    category = _category(category_id)
    form = CategoryForm(
        data={
            "name": category.name,
            "slug": category.slug,
            "description": category.description,
            "parent_id": str(category.parent_id or ""),
            "position": ordering.index_of(category),
            "show_on_home": category.show_on_home,
        }
    )
    return _edit(category, form)


def _edit(category: Category | None, form: CategoryForm) -> Any:
    form.set_parents(_rows(), _("(top level)"), category.id if category is not None else None)
    if form.validate_on_submit():
        data = form.service_data()
        creating = category is None
        old_parent_id = category.parent_id if category is not None else None
        arriving = creating or data["parent_id"] != old_parent_id
        try:
            saved = save_category(category, data)
            ordering.place(saved, form.position.data, arriving=arriving)
            if arriving and not creating:
                ordering.close_gap(Category, old_parent_id)
        except ContentError as exc:
            db.session.rollback()
            apply_errors(form, exc.errors)
        else:
            if creating:
                record("category.create", saved, _("Created category %(name)s", name=saved.name))
                flash(_("Category created."), "success")
            else:
                record("category.update", saved, _("Changed category %(name)s", name=saved.name))
                flash(_("Category saved."), "success")
            db.session.commit()
            return redirect(url_for("admin.categories") + f"#category-{saved.id}")
    status = form_status()
    count = ordering.article_count(category) if category is not None else 0
    return render_template(
        "admin/categories/edit.html", form=form, category=category, count=count
    ), status


@bp.route("/categories/<int:category_id>/move", methods=["POST"])
@role_required("editor")
def category_move(category_id: int) -> Any:
    """Move a category one place up or down among its siblings."""
    category = _category(category_id)
    direction = request.form.get("direction")
    if tree.move_among_siblings(category, direction):
        summary = (
            _("Moved category %(name)s up", name=category.name)
            if direction == "up"
            else _("Moved category %(name)s down", name=category.name)
        )
        record("category.move", category, summary, direction=direction)
        db.session.commit()
    else:
        db.session.rollback()
        flash(_("%(title)s cannot move further.", title=category.name), "info")
    return redirect(url_for("admin.categories") + f"#category-{category.id}")


@bp.route("/categories/<int:category_id>/delete", methods=["GET", "POST"])
@role_required("editor")
def category_delete(category_id: int) -> Any:
    """Delete a category, or say why not and offer to move its articles elsewhere first.

    Its sub-categories move up to its parent; its old URLs stop working.
    """
    category = _category(category_id)
    form = CategoryDeleteForm()
    form.move_to.choices = [
        SelectChoice("", _("Choose a category")),
        *tree.node_choices(_rows(), exclude={category.id}),
    ]
    count = ordering.article_count(category)
    if form.validate_on_submit():
        target = None
        raw = (form.move_to.data or "").strip()
        if raw:
            found = parse_id(raw)
            target = db.session.get(Category, found) if found is not None else None
            if target is None or target.id == category.id:
                form.move_to.errors = [_("No such category.")]
        if not form.move_to.errors:
            name = category.name
            try:
                moved = ordering.delete_category(category, move_articles_to=target)
            except ContentError as exc:
                db.session.rollback()
                apply_errors(form, exc.errors)
            else:
                record(
                    "category.delete",
                    category,
                    _("Deleted category %(name)s", name=name),
                    moved_articles=moved,
                    moved_to=target.id if target is not None else None,
                )
                db.session.commit()
                if moved and target is not None:
                    flash(
                        _(
                            "%(num)d article(s) moved to %(target)s; category %(name)s deleted.",
                            num=moved,
                            target=target.name,
                            name=name,
                        ),
                        "success",
                    )
                else:
                    flash(_("Category %(name)s deleted.", name=name), "success")
                return redirect(url_for("admin.categories"))
        count = ordering.article_count(category)
    status = form_status()
    return render_template(
        "admin/categories/delete.html", form=form, category=category, count=count
    ), status
