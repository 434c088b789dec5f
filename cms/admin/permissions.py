"""Who may do what in the back office and the API."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort
from flask_login import current_user, login_required

from cms.models import Article, User

F = TypeVar("F", bound=Callable[..., Any])


def role_required(*roles: str) -> Callable[[F], F]:
    """Require a signed-in user holding one of ``roles`` (admins hold all); else 403."""

    def decorator(view: F) -> F:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_user.can(*roles):
                abort(403)
            return view(*args, **kwargs)

        return wrapped  # type: ignore[return-value]

    return decorator


def can_edit_article(user: User, article: Article) -> bool:
    """Editors and admins edit every article; authors their own."""
    return user.can("editor") or (article.author_id is not None and article.author_id == user.id)


def can_publish_article(user: User, article: Article) -> bool:
    """Editors publish any article; authors publish their own."""
    return can_edit_article(user, article)


def can_manage_content(user: User) -> bool:
    """Pages, categories, tags and moderation: editors and admins."""
    return user.can("editor")
