"""Back office: the audit log (who changed what, when, from where), newest first."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.extensions import db
from cms.models import AuditEntry, User
from cms.paging import last_page, page_or_404, parse_positive

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.audit_log", _l("Audit log"), roles=("admin",), order=90, section="admin.audit")
]

#: Entries per page.
PER_PAGE = 50
#: Largest user id looked up (ids are 32-bit integers in every supported database).
MAX_ID = 2**31 - 1
#: Longest action prefix accepted in the filter.
ACTION_MAX = 60
#: Action families suggested by the filter (any prefix works).
ACTION_SUGGESTIONS = (
    "article.",
    "category.",
    "media.",
    "page.",
    "plugin.",
    "settings.",
    "tag.",
    "theme.",
    "token.",
    "user.",
    "widget.",
)


def audit_query(user_id: int | None = None, action: str = "") -> Select:
    """Audit entries, newest first, of one user and/or whose action starts with ``action``."""
    query = select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if user_id is not None:
        query = query.where(AuditEntry.user_id == user_id)
    if action:
        query = query.where(AuditEntry.action.startswith(action, autoescape=True))
    return query


def _int_arg(name: str) -> int | None:
    return parse_positive(request.args.get(name, "").strip(), MAX_ID)


@bp.route("/audit-log")
@role_required("admin")
def audit_log() -> Any:
    """The audit log, filtered by ``user`` (an id) and ``action`` (a prefix), 50 per page."""
    user_id = _int_arg("user")
    action = request.args.get("action", "").strip().lower()[:ACTION_MAX]
    listing = page_or_404(audit_query(user_id, action), PER_PAGE)
    entries, total, page = listing.items, listing.total, listing.page
    users = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template(
        "admin/audit_log.html",
        entries=entries,
        total=total,
        page=page,
        pages=last_page(total, PER_PAGE),
        users=users,
        user_id=user_id,
        action=action,
        suggestions=ACTION_SUGGESTIONS,
    )
