"""Back-office screens: tags (search, rename, merge, delete)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.admin.taxonomy_forms import MergeForm, TagForm, apply_errors
from cms.audit import record
from cms.content import delete_tag, make_slug, ordering, save_tag
from cms.content.errors import ContentError
from cms.content.taxonomy import find_tag_by_old_slug
from cms.content.text import clean_text
from cms.extensions import db
from cms.form_status import form_status
from cms.models import Tag
from cms.paging import page_or_404

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.tags", _l("Tags"), roles=("admin", "editor"), order=40, section="admin.tag")
]

#: Tags per page of the list.
PER_PAGE = 50
#: Longest search accepted, in characters.
SEARCH_MAX = 100


def _tag(tag_id: int) -> Tag:
    tag = db.session.get(Tag, tag_id)
    if tag is None:
        abort(404)
    return tag


def find_tag_by_name(name: str, *, exclude_id: int | None = None) -> Tag | None:
    """The tag named ``name``, or else whose slug (or old slug) is the slug of ``name``.

    The tag ``exclude_id`` is never returned.
    """
    cleaned = clean_text(name, single_line=True)
    conditions = [Tag.name == cleaned]
    slug = make_slug(cleaned)
    if slug:
        conditions.append(Tag.slug == slug)
    query = select(Tag).where(or_(*conditions))
    if exclude_id is not None:
        query = query.where(Tag.id != exclude_id)
    found = list(db.session.execute(query).scalars())
    exact = [t for t in found if t.name == cleaned]
    candidates = exact or found
    if candidates:
        return candidates[0]
    renamed = find_tag_by_old_slug(slug) if slug else None  # a renamed tag's old name
    return renamed if renamed is not None and renamed.id != exclude_id else None


@bp.route("/tags")
@role_required("editor")
def tags() -> Any:
    """Every tag with its number of articles; search by name and pages of 50."""
    q = clean_text(request.args.get("q", ""), single_line=True)[:SEARCH_MAX]
    query = select(Tag).order_by(Tag.name, Tag.id)
    if q:
        conditions = [Tag.name.icontains(q, autoescape=True)]
        slug = make_slug(q)
        if slug:  # "cai cach" finds "Cải cách"
            conditions.append(Tag.slug.contains(slug, autoescape=True))
        query = query.where(or_(*conditions))
    listing = page_or_404(query, PER_PAGE)
    items, total, page = listing.items, listing.total, listing.page
    return render_template(
        "admin/tags/index.html",
        items=items,
        total=total,
        page=page,
        per_page=PER_PAGE,
        q=q,
        counts=ordering.tag_article_counts([t.id for t in items]),
    )


def _render_edit(
    tag: Tag, form: TagForm, merge: MergeForm, *, status: int = 200, **extra: Any
) -> Any:
    count = ordering.tag_article_counts([tag.id]).get(tag.id, 0)
    return render_template(
        "admin/tags/edit.html", tag=tag, form=form, merge=merge, count=count, **extra
    ), status


@bp.route("/tags/<int:tag_id>", methods=["GET", "POST"])
@role_required("editor")
def tag_edit(tag_id: int) -> Any:
    """Rename a tag. Its slug (and so its address) changes only when edited here."""
    tag = _tag(tag_id)
    form = TagForm(data={"name": tag.name, "slug": tag.slug})
    merge = MergeForm(formdata=None, meta={"csrf": False})
    if not form.validate_on_submit():
        return _render_edit(tag, form, merge, status=form_status())
    old_name = tag.name
    data: dict[str, Any] = {"name": form.name.data or ""}
    slug = (form.slug.data or "").strip()
    if slug:  # an unchanged slug is given back as it is, so it stays; empty follows the name
        data["slug"] = slug
    try:
        save_tag(tag, data)
    except ContentError as exc:
        db.session.rollback()
        apply_errors(form, exc.errors)
        collision = None
        if "name" in exc.errors:
            collision = find_tag_by_name(form.name.data or "", exclude_id=tag.id)
        return _render_edit(tag, form, merge, status=422, collision=collision)
    record("tag.update", tag, _("Renamed tag %(old)s to %(new)s", old=old_name, new=tag.name))
    db.session.commit()
    flash(_("Tag saved."), "success")
    return redirect(url_for("admin.tag_edit", tag_id=tag.id))


@bp.route("/tags/<int:tag_id>/merge", methods=["POST"])
@role_required("editor")
def tag_merge(tag_id: int) -> Any:
    """Merge this tag into another: its articles get the other tag and it is deleted."""
    source = _tag(tag_id)
    merge = MergeForm(meta={"csrf": False})  # CSRFProtect checks every POST already
    form = TagForm(formdata=None, data={"name": source.name, "slug": source.slug})
    if not merge.validate():
        return _render_edit(source, form, merge, status=422)
    target = find_tag_by_name(merge.target.data or "")
    if target is None:
        merge.target.errors = [_("No such tag.")]
        return _render_edit(source, form, merge, status=422)
    name = source.name
    try:
        gained = ordering.merge_tags(source, target)
    except ContentError as exc:
        db.session.rollback()
        apply_errors(merge, exc.errors)
        return _render_edit(source, form, merge, status=422)
    record(
        "tag.merge",
        target,
        _("Merged tag %(source)s into %(target)s", source=name, target=target.name),
        source_id=tag_id,
        articles=gained,
    )
    db.session.commit()
    flash(_("Tag %(source)s merged into %(target)s.", source=name, target=target.name), "success")
    return redirect(url_for("admin.tag_edit", tag_id=target.id))


@bp.route("/tags/<int:tag_id>/delete", methods=["POST"])
@role_required("editor")
def tag_delete(tag_id: int) -> Any:
    """Delete a tag; its articles lose it and its address stops working."""
    tag = _tag(tag_id)
    name = tag.name
    record("tag.delete", tag, _("Deleted tag %(name)s", name=name))
    delete_tag(tag)
    db.session.commit()
    flash(_("Tag %(name)s deleted.", name=name), "success")
    return redirect(url_for("admin.tags"))
