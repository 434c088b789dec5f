"""The back-office screens of the links plugin, under ``/admin/plugins/links/``.

One screen lists the groups with their links (drag to reorder, or the Up and
Down buttons, which work by keyboard and without JavaScript), with each
link's click count; forms create and edit groups and links. Every change is
a ``POST`` with the site's CSRF token, is audited, flashes what happened and
redirects; every refusal says why next to the field and stores nothing.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from cms.audit import record
from cms.extensions import db
from cms.form_status import form_status
from cms.models import Media
from plugins.links import services
from plugins.links.forms import GroupForm, LinkForm, as_id
from plugins.links.models import Link, LinkGroup
from plugins.links.services import LinkError

#: How many of the newest media items the logo picker offers (the current logo always).
LOGO_CHOICES = 300


def _index(anchor: str = "") -> Any:
    return redirect(url_for("links_admin.index") + (f"#{anchor}" if anchor else ""))


def _group_or_404(group_id: int) -> LinkGroup:
    group = services.get_group(group_id)
    if group is None:
        abort(404)
    return group


def _link_or_404(link_id: int) -> Link:
    link = services.get_link(link_id)
    if link is None:
        abort(404)
    return link


def _offset() -> int:
    offset = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if offset is None:
        abort(400, description=_("Choose Up or Down."))
    return offset


def _show_errors(form: Any, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


def index() -> str:
    """Every group with its links, their state and click counts (from the shared store)."""
    groups = services.all_groups()
    links = [link for group in groups for link in group.links]
    counts = services.click_counts(link.id for link in links)
    logos = {link.id: services.logo_of(link) for link in links}
    return render_template("links/admin/index.html", groups=groups, counts=counts, logos=logos)


def group_new() -> Any:
    """A new group, placed last."""
    return _group_form(None)


def group_edit(group_id: int) -> Any:
    """Rename a group, or show or hide it."""
    return _group_form(_group_or_404(group_id))


def _group_form(group: LinkGroup | None) -> Any:
    form = GroupForm(obj=group)
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved = services.save_group(
                group, title=form.title.data, active=form.active.data, commit=False
            )
        except LinkError as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
        else:
            action = "links.group.create" if group is None else "links.group.update"
            record(action, saved, _("Link group “%(title)s” saved", title=saved.title))
            db.session.commit()
            flash(_("The group “%(title)s” was saved.", title=saved.title), "success")
            return _index(f"group-{saved.id}")
    return render_template("links/admin/group.html", form=form, group=group), form_status()


def group_delete(group_id: int) -> Any:
    """Delete a group with its links (the form asks first)."""
    group = _group_or_404(group_id)
    title = group.title
    record("links.group.delete", group, _("Link group “%(title)s” deleted", title=title))
    count = services.delete_group(group)
    message = ngettext(
        "The group “%(title)s” and its %(num)d link were deleted.",
        "The group “%(title)s” and its %(num)d links were deleted.",
        count,
        title=title,
    )
    flash(message, "success")
    return _index()


def group_move(group_id: int) -> Any:
    """Move a group up or down (the keyboard and no-JavaScript way)."""
    group = _group_or_404(group_id)
    offset = _offset()
    if services.move_group(group, offset, commit=False):
        up, down = _("Link group “%(title)s” moved up"), _("Link group “%(title)s” moved down")
        summary = (up if offset < 0 else down) % {"title": group.title}
        record("links.group.move", group, summary, position=group.position)
        db.session.commit()
    return _index(f"group-{group.id}")


def _media_choices(current: int | None) -> list[Media]:
    query = select(Media).order_by(Media.created_at.desc(), Media.id.desc()).limit(LOGO_CHOICES)
    rows = list(db.session.execute(query).scalars())
    if current is not None and all(m.id != current for m in rows):
        chosen = db.session.get(Media, current)
        if chosen is not None:
            rows.insert(0, chosen)
    return rows


def link_new() -> Any:
    """A new link, last in its group (``?group=<id>`` picks the group)."""
    return _link_form(None)


def link_edit(link_id: int) -> Any:
    """Edit a link: group, title, address, logo, shown or not."""
    return _link_form(_link_or_404(link_id))


def _link_form(link: Link | None) -> Any:
    groups = list(
        db.session.execute(select(LinkGroup).order_by(LinkGroup.position, LinkGroup.id)).scalars()
    )
    if not groups:
        flash(_("Create a group first: every link belongs to a group."), "error")
        return redirect(url_for("links_admin.group_new"))
    data = None
    if link is not None:
        data = {
            "group": str(link.group_id),
            "title": link.title,
            "url": link.url,
            "logo": str(link.logo_id or ""),
            "active": link.active,
        }
    elif request.method == "GET":
        data = {"group": request.args.get("group", ""), "active": True}
    form = LinkForm(data=data)
    form.set_choices(groups, _media_choices(link.logo_id if link is not None else None))
    if request.method == "POST" and form.validate_on_submit():
        try:
            saved = services.save_link(
                link,
                group_id=as_id(form.group.data),
                title=form.title.data,
                url=form.url.data,
                logo_id=as_id(form.logo.data),
                active=form.active.data,
                commit=False,
            )
        except LinkError as exc:
            db.session.rollback()
            _show_errors(form, exc.errors)
        else:
            action = "links.link.create" if link is None else "links.link.update"
            record(action, saved, _("Link “%(title)s” saved", title=saved.title), url=saved.url)
            db.session.commit()
            flash(_("The link “%(title)s” was saved.", title=saved.title), "success")
            return _index(f"link-{saved.id}")
    logo = None
    if link is not None and link.logo is not None:
        logo = services.logo_of(link)
    return (
        render_template("links/admin/link.html", form=form, link=link, logo=logo),
        form_status(),
    )


def link_delete(link_id: int) -> Any:
    """Delete a link and its click count (the form asks first)."""
    link = _link_or_404(link_id)
    title, group_id = link.title, link.group_id
    record("links.link.delete", link, _("Link “%(title)s” deleted", title=title), url=link.url)
    services.delete_link(link)
    flash(_("The link “%(title)s” was deleted.", title=title), "success")
    return _index(f"group-{group_id}")


def link_move(link_id: int) -> Any:
    """Move a link up or down within its group (the keyboard and no-JavaScript way)."""
    link = _link_or_404(link_id)
    offset = _offset()
    if services.move_link(link, offset, commit=False):
        up, down = _("Link “%(title)s” moved up"), _("Link “%(title)s” moved down")
        summary = (up if offset < 0 else down) % {"title": link.title}
        record("links.link.move", link, summary, group=link.group_id, position=link.position)
        db.session.commit()
    return _index(f"link-{link.id}")


def _json_error(message: str, status: int = 400) -> Any:
    return jsonify(error={"code": "invalid", "message": message}), status


def reorder() -> Any:
    """Save a group's order after a drag: ``{"group": id, "ids": [link ids in order]}``."""
    data = request.get_json(silent=True)
    if not isinstance(data, dict) or not isinstance(data.get("ids"), list):
        return _json_error(_("Send the group's link ids in their new order."))
    group = services.get_group(data.get("group"))
    if group is None:
        return _json_error(_("This group does not exist or has been deleted."), 404)
    ids = data["ids"]
    if not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
        return _json_error(_("The order must list every link of the group once."))
    try:
        changed = services.reorder_links(group, ids, commit=False)
    except LinkError as exc:
        db.session.rollback()
        return _json_error(exc.errors["ids"])
    if changed:
        summary = _("Links of the group “%(title)s” reordered", title=group.title)
        record("links.group.reorder", group, summary, ids=ids)
    db.session.commit()
    return jsonify(ok=True, ids=ids)
