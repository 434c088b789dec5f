"""Back office: the audit log (who changed what, when, from where), newest first."""

from __future__ import annotations

from typing import Any

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.content import paginate
from cms.extensions import db
from cms.models import AuditEntry, User

#: Menu entries of these screens.
MENU = [
    MenuItem("admin.audit_log", _l("Audit log"), roles=("admin",), order=90, section="admin.audit")
]

#: Entries per page.
PER_PAGE = 50
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
    value = request.args.get(name, "").strip()
    return int(value) if value.isdigit() else None


@bp.route("/audit-log")
@role_required("admin")
def audit_log() -> Any:
    """The audit log, filtered by ``user`` (an id) and ``action`` (a prefix), 50 per page."""
    user_id = _int_arg("user")
    action = request.args.get("action", "").strip().lower()[:ACTION_MAX]
    page = max(_int_arg("page") or 1, 1)
    entries, total = paginate(audit_query(user_id, action), page, PER_PAGE)
    users = db.session.execute(select(User).order_by(User.email)).scalars().all()
    return render_template(
        "admin/audit_log.html",
        entries=entries,
        total=total,
        page=page,
        pages=max((total + PER_PAGE - 1) // PER_PAGE, 1),
        users=users,
        user_id=user_id,
        action=action,
        suggestions=ACTION_SUGGESTIONS,
    )
