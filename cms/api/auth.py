"""Bearer-token authentication and the API's permission rules.

A request may carry ``Authorization: Bearer TOKEN``; the token is looked up by
its SHA-256 digest (:meth:`ApiToken.digest`). Revoked tokens and tokens of
deactivated users are refused with a 401, as are malformed headers: a client
that sends credentials learns when they are wrong instead of silently reading
as an anonymous visitor. Plugins with API routes use the same helpers.
"""

from __future__ import annotations

from datetime import timedelta

from flask import g, request
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from cms.admin.permissions import can_edit_article, can_manage_content
from cms.api.errors import forbidden, unauthorized
from cms.extensions import db
from cms.models import ApiToken, Article, User, utcnow

#: ``last_used_at`` is written at most this often per token.
LAST_USED_PRECISION = timedelta(minutes=1)
#: Longest token accepted (the ones :meth:`ApiToken.issue` makes are 47 characters).
TOKEN_MAX = 200


def authenticate() -> None:
    """Resolve the request's bearer token into ``g.api_user`` (``None`` when anonymous).

    Installed as a ``before_request`` of the API blueprint.
    """
    g.api_user = None
    header = request.headers.get("Authorization")
    if header is None:
        return
    scheme, _sep, secret = header.strip().partition(" ")
    secret = secret.strip()
    if scheme.lower() != "bearer" or not secret or len(secret) > TOKEN_MAX:
        raise unauthorized(_("The Authorization header must be: Bearer TOKEN."))
    token = db.session.execute(
        select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(secret))
    ).scalar()
    if token is None or token.revoked_at is not None or not token.user.is_active:
        raise unauthorized(_("This API token is not valid, or has been revoked."))
    _touch(token)
    g.api_user = token.user


def _touch(token: ApiToken) -> None:
    now = utcnow()
    if token.last_used_at is not None and now - token.last_used_at < LAST_USED_PRECISION:
        return
    # One conditional UPDATE: concurrent requests of the same token write it once.
    db.session.execute(
        update(ApiToken)
        .where(
            ApiToken.id == token.id,
            or_(ApiToken.last_used_at.is_(None), ApiToken.last_used_at < now - LAST_USED_PRECISION),
        )
        .values(last_used_at=now)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()


def current_user() -> User | None:
    """The user whose token authenticated this request, or ``None``."""
    return g.get("api_user")


def require_user() -> User:
    """The authenticated user; a 401 asking for a token without one."""
    user = current_user()
    if user is None:
        raise unauthorized()
    return user


def require_editor() -> User:
    """An editor or admin (pages, categories, tags); 401 without a token, else 403."""
    user = require_user()
    if not can_manage_content(user):
        raise forbidden(_("Only editors and administrators may change this."))
    return user


def is_editor(user: User | None) -> bool:
    """Whether ``user`` may see and change all content."""
    return user is not None and can_manage_content(user)


def can_read_article(user: User | None, article: Article) -> bool:
    """Public articles for everyone; the others for those who may edit them."""
    return article.is_public or (user is not None and can_edit_article(user, article))


def require_article_editor(user: User, article: Article) -> None:
    """A 403 unless ``user`` may change ``article`` (authors: their own only)."""
    if not can_edit_article(user, article):
        raise forbidden(_("Authors may only change their own articles."))
