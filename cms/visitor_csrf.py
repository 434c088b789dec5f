"""CSRF tokens that need no session, for the forms of live widgets on cached pages.

Flask-WTF keeps a form's CSRF secret in the Flask session, so a form would
start a session for every reader who sees it, and a reader with a session
cookie is never answered from the page cache. A live widget's form gets a
token bound to the visitor's browser instead: the "signed double-submit
cookie" of OWASP's Cross-Site Request Forgery Prevention Cheat Sheet. The
live step sets an ``HttpOnly``, ``SameSite=Lax`` cookie (:data:`COOKIE`)
holding a random secret; the form carries a digest of that secret, signed
with the site's key and a timestamp (itsdangerous, as Flask-WTF's own
tokens). A page of another site can neither read the cookie nor sign a
digest, so it cannot forge the form; a token expires like Flask-WTF's
(``WTF_CSRF_TIME_LIMIT``).

:func:`token_for` makes the token in the live step (live widget templates
get it as ``csrf_token()``); :func:`cms.security.check_csrf` accepts a
request whose token matches its cookie, before asking Flask-WTF.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from flask import Flask, current_app, g
from flask_wtf.csrf import generate_csrf
from itsdangerous import BadData, URLSafeTimedSerializer

from cms.page_view import Visitor

#: The cookie holding the visitor's secret.
COOKIE = "cms_csrf"
#: Its lifetime in seconds (renewed whenever a live form is shown).
COOKIE_MAX_AGE = 14 * 24 * 3600
#: Namespace of the signatures (never valid as a Flask-WTF token, nor the reverse).
SALT = "cms-visitor-csrf"
#: ``flask.g`` key: the visitor whose live widgets are being rendered.
_LIVE_VISITOR = "cms_live_visitor"
#: Length of a valid secret (``secrets.token_urlsafe(32)``).
SECRET_LENGTH = 43


def token_for(visitor: Visitor) -> str:
    """A form token for ``visitor``; sets (or renews) their :data:`COOKIE`.

    Renewing the cookie also keeps the live HTML that holds the token from
    being shared with other readers (:attr:`cms.plugins.Widget.live_max_age`
    shares only renders that set no cookie). A signed-in visitor
    (``visitor.user_id`` set) gets Flask-WTF's session-bound token instead,
    the only kind :func:`cms.security.check_csrf` accepts from a signed-in
    user; their pages never come from the page cache and carry their session
    already. Needs a request context for them, an app context otherwise.
    """
    secret = visitor.cookies.get(COOKIE, "")
    if not _well_formed(secret):
        secret = secrets.token_urlsafe(32)
    visitor.set_cookie(COOKIE, secret, max_age=COOKIE_MAX_AGE, httponly=True, samesite="Lax")
    if visitor.user_id is not None:
        return str(generate_csrf())
    return str(_serializer().dumps(_digest(secret)))


@contextmanager
def live_render(visitor: Visitor) -> Iterator[None]:
    """Within this block, ``csrf_token()`` in templates gives :func:`token_for` ``visitor``.

    For the live step, whose templates must never put a session's token in a
    page: the template global answers so wherever the template calls it, in a
    macro imported without context too.
    """
    previous = g.get(_LIVE_VISITOR)
    setattr(g, _LIVE_VISITOR, visitor)
    try:
        yield
    finally:
        setattr(g, _LIVE_VISITOR, previous)


def csrf_token() -> str:
    """Template global ``csrf_token()``: the visitor's token in the live step, else Flask-WTF's."""
    visitor = g.get(_LIVE_VISITOR)
    return token_for(visitor) if visitor is not None else str(generate_csrf())


def init_app(app: Flask) -> None:
    """Make ``csrf_token()`` in templates :func:`csrf_token` (after Flask-WTF's ``init_app``).

    Flask-WTF offers its own as a template global and through a context
    processor, which wins wherever Flask's context is added (``render_template``,
    :func:`cms.themes.render`): both are replaced.
    """
    app.jinja_env.globals["csrf_token"] = csrf_token
    app.context_processor(lambda: {"csrf_token": csrf_token})


def is_valid(token: str | None, cookies: Mapping[str, str]) -> bool:
    """Whether ``token`` was made by :func:`token_for` for the browser sending ``cookies``.

    ``False`` for a missing, malformed, foreign, expired or tampered token.
    Needs an app context.
    """
    secret = cookies.get(COOKIE, "")
    if not token or not _well_formed(secret):
        return False
    limit = current_app.config.get("WTF_CSRF_TIME_LIMIT", 3600)
    try:
        signed = _serializer().loads(token, max_age=limit)
    except BadData:
        return False
    return isinstance(signed, str) and hmac.compare_digest(signed, _digest(secret))


def _serializer() -> URLSafeTimedSerializer:
    key = current_app.secret_key
    if not key:  # create_app always sets one (generated into instance/ when not configured)
        raise RuntimeError("the site has no secret key")
    return URLSafeTimedSerializer(key, salt=SALT)


def _digest(secret: str) -> str:
    """What the form carries of the secret: its SHA-256 (the cookie alone holds the secret)."""
    return hashlib.sha256(secret.encode("ascii")).hexdigest()


def _well_formed(secret: str) -> bool:
    return (
        len(secret) == SECRET_LENGTH
        and secret.isascii()
        and all(ch.isalnum() or ch in "-_" for ch in secret)
    )
