"""Users of the back office and their API tokens."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from cms.extensions import Model
from cms.models.types import UTCDateTime, utcnow

#: Roles, most powerful first.
ROLES = ("admin", "editor", "author")

#: How passwords are hashed (werkzeug's scrypt, its default cost: N=2**15, r=8, p=1).
PASSWORD_METHOD = "scrypt"  # noqa: S105 (a hash algorithm's name, not a password)


def _dummy_hash() -> str:
    """A hash of a random password, made like every real one (same algorithm and cost)."""
    return generate_password_hash(secrets.token_urlsafe(32), method=PASSWORD_METHOD)


#: Checked instead of a real hash when an account is unknown, deactivated or without a
#: password, so that every failed sign-in costs the same time (OWASP Authentication
#: Cheat Sheet, "Authentication Responses": no account enumeration through timing).
DUMMY_PASSWORD_HASH = _dummy_hash()


def verify_password(user: User | None, password: str) -> bool:
    """Whether ``user`` may sign in with ``password``; one hash check on every path.

    An unknown (``None``) or deactivated user, or one without a password, is
    checked against :data:`DUMMY_PASSWORD_HASH` and refused, so the answer takes
    as long as for a real account with a wrong password.
    """
    usable = user is not None and user.is_active and bool(user.password_hash)
    stored = user.password_hash if usable and user is not None else DUMMY_PASSWORD_HASH
    matches = check_password_hash(stored, password)
    return usable and matches


class User(UserMixin, Model):
    """A person who signs in to the back office: admin, editor or author."""

    __tablename__ = "user"
    __table_args__ = (
        sa.CheckConstraint("role IN ('admin', 'editor', 'author')", name="role_valid"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(255), default="")
    role: Mapped[str] = mapped_column(sa.String(20), default="author")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    tokens: Mapped[list[ApiToken]] = relationship(
        back_populates="user", cascade="all, delete-orphan"
    )
    sessions: Mapped[list[UserSession]] = relationship(
        back_populates="user", cascade="all, delete-orphan", passive_deletes=True
    )

    @property
    def is_active(self) -> bool:  # Flask-Login reads this
        """Deactivated users cannot sign in or use their tokens."""
        return bool(self.active)

    @property
    def display_name(self) -> str:
        """The name shown to readers: the user's name, or the part of the email before ``@``."""
        return self.name or self.email.split("@", 1)[0]

    def set_password(self, password: str) -> None:
        """Store a salted scrypt hash of ``password``.

        This does not end the user's sign-in sessions: the services that change
        passwords (:mod:`cms.admin.users`, :mod:`cms.admin.auth`) do.
        """
        self.password_hash = generate_password_hash(password, method=PASSWORD_METHOD)

    def check_password(self, password: str) -> bool:
        """Whether ``password`` matches the stored hash (always one hash check)."""
        stored = self.password_hash or DUMMY_PASSWORD_HASH
        return check_password_hash(stored, password) and bool(self.password_hash)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember-me cookie.

        It is the secret of the sign-in session (a :class:`UserSession`) this
        object was loaded through, never the bare user id, so that ending the
        session row invalidates every copy of both cookies (Flask-Login's
        "alternative tokens"). A user not loaded through a session gives ``""``,
        which signs no one in.
        """
        return getattr(self, "_session_token", None) or ""

    def attach_session(self, token: str) -> None:
        """Remember that this object stands for the sign-in session of ``token``."""
        self._session_token = token

    def can(self, *roles: str) -> bool:
        """Whether the user holds one of ``roles`` (admins hold every role)."""
        return self.role == "admin" or self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.email}>"


class ApiToken(Model):
    """A bearer token for the JSON API; only its SHA-256 digest is stored."""

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(sa.String(120), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship(back_populates="tokens")

    @staticmethod
    def digest(token: str) -> str:
        """The SHA-256 hex digest under which a token is stored."""
        return hashlib.sha256(token.encode()).hexdigest()

    @classmethod
    def issue(cls, user: User, name: str = "") -> tuple[ApiToken, str]:
        """Create a token for ``user``; returns the row and the secret, shown only once."""
        secret = "cms_" + secrets.token_urlsafe(32)
        row = cls(user=user, name=name, token_hash=cls.digest(secret), prefix=secret[:12])
        return row, secret


class UserSession(Model):
    """A signed-in browser: one row per sign-in, ended at sign-out or by the rules.

    The cookie holds a random secret; only its SHA-256 digest is stored, like
    :class:`ApiToken`. A password change, a deactivation or a role change ends
    every row of the user (:func:`cms.sessions.end_sessions`).
    """

    __tablename__ = "user_session"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id", ondelete="CASCADE"), index=True)
    #: SHA-256 hex digest of the secret kept in the cookies.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Whether the browser asked to stay signed in (a remember-me cookie exists).
    remember: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Last request seen, written at most once a minute.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: After this moment the session no longer signs anyone in.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    user_agent: Mapped[str] = mapped_column(sa.String(255), default="")
    ip: Mapped[str] = mapped_column(sa.String(45), default="")

    user: Mapped[User] = relationship(back_populates="sessions")

    @staticmethod
    def digest(token: str) -> str:
        """The SHA-256 hex digest under which a session secret is stored."""
        return hashlib.sha256(token.encode()).hexdigest()
