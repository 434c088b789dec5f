"""Sign-in sessions kept on the server, so that signing out ends them for good.

Every sign-in opens a :class:`~cms.models.UserSession` row holding the SHA-256
digest of a random secret. That secret, not the user id, is what Flask-Login
keeps in the session cookie and in the remember-me cookie (``User.get_id``), so
both cookies die with the row: a copied cookie stops working at sign-out, and
ending every row of a user (a password change, a deactivation, a role change)
signs that user out of every browser. This is the server-side session record
Django and Rails keep, used through Flask-Login's "alternative tokens".
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import Flask, current_app, g, has_request_context, request, session
from flask_login import current_user, login_user, logout_user
from sqlalchemy import delete, select, update

from cms.extensions import db, login_manager
from cms.models import User, UserSession, utcnow

log = logging.getLogger(__name__)

#: ``last_seen_at`` (and the idle expiry) is written at most this often per session.
TOUCH_PRECISION = timedelta(minutes=1)
#: Longest cookie secret looked up (the ones :func:`start_session` makes are 43 characters).
TOKEN_MAX = 100


def _duration(key: str, default: timedelta) -> timedelta:
    value = current_app.config.get(key, default)
    return value if isinstance(value, timedelta) else timedelta(seconds=int(value))


def idle_timeout() -> timedelta:
    """How long a session without remember-me lives after its last request.

    The ``SESSION_IDLE_TIMEOUT`` setting (default 12 hours).
    """
    return _duration("SESSION_IDLE_TIMEOUT", timedelta(hours=12))


def remember_duration() -> timedelta:
    """How long a remember-me session lives after sign-in (``REMEMBER_COOKIE_DURATION``)."""
    return _duration("REMEMBER_COOKIE_DURATION", timedelta(days=30))


def _client() -> tuple[str, str]:
    if not has_request_context():
        return "", ""
    agent = (request.user_agent.string or "")[:255]
    return agent, (request.remote_addr or "")[:45]


def start_session(user: User, *, remember: bool = False) -> str:
    """Open a sign-in session for ``user`` and attach it; returns its secret.

    The caller commits. The user's expired sessions are purged on the way.
    """
    token = secrets.token_urlsafe(32)
    now = utcnow()
    agent, address = _client()
    lifetime = remember_duration() if remember else idle_timeout()
    db.session.execute(
        delete(UserSession).where(UserSession.user_id == user.id, UserSession.expires_at <= now)
    )
    row = UserSession(
        user_id=user.id,
        token_hash=UserSession.digest(token),
        remember=remember,
        created_at=now,
        last_seen_at=now,
        expires_at=now + lifetime,
        user_agent=agent,
        ip=address,
    )
    db.session.add(row)
    db.session.flush()
    user.attach_session(token)
    if has_request_context():
        g.user_session_id = row.id
    return token


def _rotate_csrf_secret() -> None:
    """Forget the CSRF secret so forms made before a sign-in or sign-out cannot be replayed."""
    name = current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    session.pop(name, None)
    g.pop(name, None)


def sign_in(user: User, *, remember: bool = False) -> None:
    """Sign ``user`` in in this browser: a new session row, then Flask-Login.

    The CSRF secret is renewed on the way (no form from before the sign-in
    stays valid). The caller commits.
    """
    start_session(user, remember=remember)
    _rotate_csrf_secret()
    login_user(user, remember=remember)


def current_session_id() -> int | None:
    """The id of the :class:`UserSession` this request was signed in through, if any."""
    if not has_request_context():
        return None
    current_user._get_current_object()  # loads the session row when there is one
    return g.get("user_session_id")


def sign_out() -> None:
    """End this browser's session row and drop both cookies (the caller commits)."""
    session_id = current_session_id()
    if session_id is not None:
        db.session.execute(delete(UserSession).where(UserSession.id == session_id))
    g.pop("user_session_id", None)
    logout_user()
    _rotate_csrf_secret()


def end_sessions(user: User, *, keep: int | None = None) -> int:
    """End every session of ``user`` (but ``keep``, a session id); returns how many ended.

    Called by every service that changes a password, a role or whether a user
    is active. The caller commits.
    """
    query = delete(UserSession).where(UserSession.user_id == user.id)
    if keep is not None:
        query = query.where(UserSession.id != keep)
    result = db.session.execute(query)
    ended = int(getattr(result, "rowcount", 0) or 0)
    if ended:
        log.info("ended %d sign-in session(s) of user %s", ended, user.id)
    return ended


def renew_session(user: User) -> None:
    """End every session of the signed-in ``user`` and sign this browser in again.

    Used after a user changes their own password: other browsers are signed
    out, this one keeps working under a new secret (and a new remember-me
    cookie when it had one). The caller commits.
    """
    session_id = current_session_id()
    remember = session_id is not None and bool(
        db.session.execute(
            select(UserSession.remember).where(UserSession.id == session_id)
        ).scalar()
    )
    end_sessions(user)
    sign_in(user, remember=remember)


def sessions_of(user: User) -> list[UserSession]:
    """The unexpired sessions of ``user``, most recently seen first."""
    return list(
        db.session.execute(
            select(UserSession)
            .where(UserSession.user_id == user.id, UserSession.expires_at > utcnow())
            .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
        ).scalars()
    )


def end_session(user: User, session_id: int) -> bool:
    """End one session of ``user``; ``False`` when there is no such session of theirs."""
    result = db.session.execute(
        delete(UserSession).where(UserSession.id == session_id, UserSession.user_id == user.id)
    )
    return bool(getattr(result, "rowcount", 0))


def _touch(row: UserSession, now: datetime) -> None:
    """Record activity at most once a minute; a session without remember-me slides its expiry."""
    values: dict[str, Any] = {"last_seen_at": now}
    if not row.remember:
        values["expires_at"] = now + idle_timeout()
    db.session.execute(
        update(UserSession)
        .where(UserSession.id == row.id, UserSession.last_seen_at < now - TOUCH_PRECISION)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def load_user(token: str) -> User | None:
    """Flask-Login's user loader: the user of the live session whose secret is ``token``.

    ``None`` (anonymous) for an unknown, ended or expired session and for a
    deactivated user; bare user ids, which older cookies held, sign no one in.
    """
    if not token or len(token) > TOKEN_MAX:
        return None
    pending = bool(db.session.new or db.session.dirty or db.session.deleted)
    row = db.session.execute(
        select(UserSession).where(UserSession.token_hash == UserSession.digest(token))
    ).scalar()
    now = utcnow()
    if row is None or row.expires_at <= now or not row.user.is_active:
        return None
    user = row.user
    user.attach_session(token)
    g.user_session_id = row.id
    if not pending and now - row.last_seen_at >= TOUCH_PRECISION:
        _touch(row, now)  # commits: only when this request has written nothing yet
    return user


def _load_early() -> None:
    """Load the back-office user before the view runs, so the once-a-minute write is alone."""
    if request.blueprint == "admin":
        current_user._get_current_object()


def init_app(app: Flask) -> None:
    """Make Flask-Login load users through their sessions."""
    login_manager.user_loader(load_user)
    app.before_request(_load_early)
