"""Recording actions in the audit log (the caller commits with its own change)."""

from __future__ import annotations

from typing import Any

from flask import has_request_context, request
from flask_login import current_user

from cms.extensions import db
from cms.logs import escape_controls
from cms.models.audit import AuditEntry


def record(
    action: str, obj: Any = None, summary: str = "", *, user: Any = None, **details: Any
) -> AuditEntry:
    """Add an audit entry for ``action`` on ``obj`` by ``user`` (default: the signed-in user).

    The summary and the email are stored with control and bidi formatting
    characters made visible (:func:`cms.logs.escape_controls`), as log lines
    are: a typed newline or right-to-left override cannot disguise an entry.
    """
    if user is None and has_request_context() and current_user.is_authenticated:
        user = current_user
    entry = AuditEntry(
        action=action,
        object_type=obj.__tablename__ if obj is not None and hasattr(obj, "__tablename__") else "",
        object_id=getattr(obj, "id", None),
        summary=escape_controls(str(summary))[:500],
        details=details,
        user_id=getattr(user, "id", None),
        user_email=escape_controls(getattr(user, "email", "") or "")[:254],
        ip=(request.remote_addr or "")[:45] if has_request_context() else "",
    )
    db.session.add(entry)
    return entry
