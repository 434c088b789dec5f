"""Back-office screens (editors): the moderation queue, editing a comment, erasing a commenter.

- ``/admin/plugins/comments/?status=pending|approved|spam``: comments newest
  first, 50 a page, with approve / spam / delete per comment and in bulk
  (one form, POST ``/moderate``); its menu entry shows the pending count.
- ``/admin/plugins/comments/<id>/edit``: name, text and status.
- ``/admin/plugins/comments/erase``: everything sent with one email
  deleted in one action, recorded in the audit log (its count, not the email).
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from cms.admin.user_forms import is_email
from cms.audit import record
from cms.extensions import db
from cms.models import Article
from cms.paging import last_page, page_or_404
from plugins.comments.models import STATUSES, CommentsComment
from plugins.comments.moderation import (
    EditRefused,
    comments_of_email,
    delete_comments,
    edit,
    set_status,
)
from plugins.comments.text import as_html

#: Comments per page of the queue.
PER_PAGE = 50
#: Bulk and single actions of the queue: action -> the status it gives (delete: None).
ACTIONS = {"approve": "approved", "spam": "spam", "pending": "pending", "delete": None}


def _status_arg() -> str:
    status = request.args.get("status", "pending")
    if status not in STATUSES:
        abort(404)
    return status


def queue() -> str:
    """The comments of one status, newest first."""
    status = _status_arg()
    query = (
        select(CommentsComment)
        .where(CommentsComment.status == status)
        .order_by(CommentsComment.id.desc())
    )
    listing = page_or_404(query, PER_PAGE)
    ids = {c.article_id for c in listing.items}
    titles: dict[int, str] = {}
    if ids:
        rows = db.session.execute(select(Article.id, Article.title).where(Article.id.in_(ids)))
        titles = {int(row.id): str(row.title) for row in rows}
    return render_template(
        "comments/admin/queue.html",
        status=status,
        comments=listing.items,
        total=listing.total,
        page=listing.page,
        pages=last_page(listing.total, PER_PAGE),
        titles=titles,
        as_html=as_html,
    )


def _ids(values: list[str]) -> list[int]:
    return [int(v) for v in values if v.isascii() and v.isdigit() and len(v) <= 10]


def moderate() -> Any:
    """POST of the queue: ``one=<action>:<id>`` for one comment, else ``action`` on ``ids``."""
    back = url_for("comments_admin.queue", status=request.form.get("status", "pending"))
    one = request.form.get("one", "")
    if one:
        action, _colon, raw = one.partition(":")
        ids = _ids([raw])
    else:
        action, ids = request.form.get("action", ""), _ids(request.form.getlist("ids"))
    if action not in ACTIONS or not ids:
        flash(_("Choose comments and an action."), "error")
        return redirect(back)
    if action == "delete":
        count = delete_comments(ids)
        flash(ngettext("%(num)d comment deleted.", "%(num)d comments deleted.", count), "success")
        return redirect(back)
    rows = db.session.execute(select(CommentsComment).where(CommentsComment.id.in_(ids))).scalars()
    count = set_status(list(rows), str(ACTIONS[action]))
    flash(ngettext("%(num)d comment changed.", "%(num)d comments changed.", count), "success")
    return redirect(back)


def edit_comment(comment_id: int) -> Any:
    """Edit a comment's name, text and status (GET the form, POST to save)."""
    comment = db.session.get(CommentsComment, comment_id)
    if comment is None:
        abort(404)
    errors: dict[str, str] = {}
    if request.method == "POST":
        name, body = request.form.get("name", ""), request.form.get("body", "")
        status = request.form.get("status", comment.status)
        if status not in STATUSES:
            errors["status"] = _("Choose a status.")
        if not errors:
            try:
                edit(comment, name, body)
            except EditRefused as refused:
                errors.update(refused.errors)
        if not errors:
            set_status([comment], status)
            flash(_("The comment was saved."), "success")
            return redirect(url_for("comments_admin.queue", status=comment.status))
        comment.name, comment.body = name, body  # shown again as typed, never saved
        db.session.expunge(comment)
    article = db.session.get(Article, comment.article_id)
    return render_template(
        "comments/admin/edit.html", comment=comment, article=article, errors=errors
    ), (422 if errors else 200)


def erase() -> Any:
    """Delete every comment sent with one email (a confirmation, then the deletion), audited."""
    email = request.form.get("email", "").strip()
    found: list[int] | None = None
    error = ""
    if request.method == "POST":
        if not is_email(email):
            error = _("This is not a valid email address.")
        else:
            found = comments_of_email(email)
            if request.form.get("confirm") == "yes":
                record(
                    "comments.erase",
                    None,
                    _("Erased the %(num)d comments sent with one email address", num=len(found)),
                    count=len(found),
                )
                count = delete_comments(found) if found else 0
                if not found:
                    db.session.commit()
                flash(
                    ngettext("%(num)d comment erased.", "%(num)d comments erased.", count),
                    "success",
                )
                return redirect(url_for("comments_admin.erase"))
    return render_template("comments/admin/erase.html", email=email, found=found, error=error)
