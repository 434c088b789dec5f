"""Security headers on every response, and trusting exactly ``CMS_PROXY_HOPS`` proxies."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from flask import (
    Flask,
    Response,
    after_this_request,
    current_app,
    flash,
    g,
    has_request_context,
    request,
)
from flask.sessions import SecureCookieSessionInterface
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.csrf import CSRFError, same_origin
from werkzeug.middleware.proxy_fix import ProxyFix

from cms import visitor_csrf
from cms.content.sanitize import image_hosts, parse_image_hosts
from cms.extensions import csrf, limiter

#: Content Security Policy of public pages: no inline script, no third-party origins
#: (images from the hosts of the ``IMAGE_HOSTS`` setting are added: :func:`with_image_hosts`).
PUBLIC_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
#: The back office may not be framed at all.
ADMIN_CSP = PUBLIC_CSP.replace("frame-ancestors 'self'", "frame-ancestors 'none'")


def add_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, referrer policy and framing rules unless a view set its own."""
    headers = response.headers
    admin = request.path.startswith("/admin")
    wanted = [
        ("Content-Security-Policy", with_image_hosts(ADMIN_CSP if admin else PUBLIC_CSP)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY" if admin else "SAMEORIGIN"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=()"),
    ]
    if request.is_secure:
        wanted.append(("Strict-Transport-Security", "max-age=31536000"))
    # One pass over the headers: a lookup of a missing name costs an exception each.
    present = {name.lower() for name, _value in headers}
    headers.extend([(name, value) for name, value in wanted if name.lower() not in present])
    return response


def with_image_hosts(csp: str) -> str:
    """``csp`` whose ``img-src`` also allows the hosts of the ``IMAGE_HOSTS`` setting."""
    hosts = image_hosts()
    if not hosts:
        return csp
    return csp.replace("img-src 'self' data:", "img-src 'self' data: " + " ".join(hosts), 1)


def reads_without_limits() -> bool:
    """Flask-Limiter request filter: ``True`` for a public read when no default limit is set.

    The public blueprint's pages carry no limit of their own; without
    ``RATELIMIT_DEFAULT`` or ``RATELIMIT_APPLICATION`` nothing could limit
    them, so Flask-Limiter skips resolving limits for them (about 70 µs a page).
    Writes and every other blueprint go through its checks as before.
    """
    if request.method not in ("GET", "HEAD") or request.blueprint != "public":
        return False
    config = current_app.config
    return not (config.get("RATELIMIT_DEFAULT") or config.get("RATELIMIT_APPLICATION"))


limiter.request_filter(reads_without_limits)  # once per process: the limiter is shared


def init_app(app: Flask) -> None:
    """Install the header hook, the CSRF check, HTTPS-only cookies and, if configured, ProxyFix."""
    parse_image_hosts(app.config.get("IMAGE_HOSTS"))  # a bad entry fails at start, not per page
    app.after_request(add_security_headers)
    app.before_request(check_csrf)
    app.extensions.setdefault("cms.form_pages", set(FORM_PAGES))  # plugins may come first
    # Inside ProxyFix (:func:`trust_proxies`), so that X-Forwarded-Proto from a trusted
    # proxy counts as HTTPS.
    app.wsgi_app = SecureCookiesOverHttps(app.wsgi_app)  # type: ignore[method-assign]
    app.session_interface = HttpsAwareSessionInterface()


def trust_proxies(app: Flask) -> None:
    """Trust exactly ``CMS_PROXY_HOPS`` proxies: the outermost WSGI middleware, installed last.

    Everything inside it (the page cache, Flask) sees the client's address,
    scheme and host as the trusted proxies gave them.
    """
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        # CMS_SITE_URL has no path: the site is served from the root, whatever a proxy says.
        prefix_hops = 0 if app.config.get("SITE_URL") else hops
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=prefix_hops
        )


class SecureCookiesOverHttps:
    """WSGI middleware: every cookie set in answer to an HTTPS request is marked ``Secure``.

    Flask's session cookie, Flask-Login's remember-me cookie and any cookie a
    view or plugin sets are covered alike, whatever their own settings say;
    over plain HTTP (development) nothing is changed. RFC 6265 section 4.1.2.5:
    a cookie without ``Secure`` would also be sent over plain HTTP.
    """

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        """Wrap ``wsgi_app``."""
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        """Run the wrapped application, adding ``Secure`` to its cookies over HTTPS."""
        if environ.get("wsgi.url_scheme") != "https":
            return self.wsgi_app(environ, start_response)

        def secure_start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Any:
            headers = [
                (name, secure_cookie(value) if name.lower() == "set-cookie" else value)
                for name, value in headers
            ]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, secure_start_response)


def secure_cookie(header: str) -> str:
    """A ``Set-Cookie`` header value with the ``Secure`` attribute, added when missing."""
    attributes = (part.strip().lower() for part in header.split(";")[1:])
    if "secure" in attributes:
        return header
    return header + "; Secure"


#: Back-office form pages: each validates its FlaskForm (whose own CSRF check fails
#: in the same way) before doing anything, so a stale token there shows the form
#: again with what was typed instead of answering 400. Plugins add theirs with
#: :func:`register_form_page`.
FORM_PAGES = frozenset(
    {
        "admin.login",
        "admin.password",
        "admin.article_new",
        "admin.article_edit",
        "admin.page_new",
        "admin.page_edit",
        "admin.category_new",
        "admin.category_edit",
        "admin.category_delete",
        "admin.tag_edit",
        "admin.media",
        "admin.media_edit",
        "admin.settings",
        "admin.plugin_settings",
        "admin.widget_edit",
        "admin.user_new",
        "admin.user_edit",
        "admin.user_password",
        "admin.user_tokens",
        "admin.tokens",
    }
)

#: Flask-WTF's reasons for refusing a token that was good once: the form is stale, not forged.
STALE_TOKEN_REASONS = frozenset(
    {
        "The CSRF token has expired.",
        "The CSRF session token is missing.",
        "The CSRF tokens do not match.",
    }
)

#: Methods whose requests carry a CSRF token (Flask-WTF's ``WTF_CSRF_METHODS``).
CSRF_METHODS = ("POST", "PUT", "PATCH", "DELETE")
#: Bodies whose fields are read for a token (others use the headers).
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
#: What a reader is told about a stale form.
FORM_EXPIRED = _l("The form expired, please submit it again.")


def register_form_page(app: Flask, endpoint: str) -> None:
    """Show ``endpoint``'s form again when its CSRF token is stale.

    Only for a view that validates a FlaskForm (``validate_on_submit``) before
    it changes anything: the form's own CSRF check then refuses the stale token,
    or for one that checks ``g.csrf_stale`` itself. A plugin's ``setup`` may call
    it: plugins load before :func:`init_app`.
    """
    app.extensions.setdefault("cms.form_pages", set(FORM_PAGES)).add(endpoint)


def _shown_again(response: Response) -> Response:
    """A form shown again because it expired answers 200: nothing was wrong with it."""
    if response.status_code == 422:
        response.status_code = 200
    return response


def check_csrf() -> None:
    """Flask-WTF's CSRF check of every POST, PUT, PATCH and DELETE (``before_request``).

    A stale token (expired, or its session ended) on a form page of
    :data:`FORM_PAGES` lets the view run: its form refuses the token, so nothing
    is saved, and shows again with what was typed and :data:`FORM_EXPIRED`.
    Any other failure raises :class:`CSRFError` (a 400 saying the same).
    """
    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED", True):
        return
    if _visitor_form():
        return  # an anonymous reader's live form, bound to this browser's cookie (no session)
    try:
        csrf.protect(apply_exemptions=True)
    except CSRFError as exc:
        pages = current_app.extensions.get("cms.form_pages", FORM_PAGES)
        if exc.description not in STALE_TOKEN_REASONS or request.endpoint not in pages:
            raise
        g.csrf_stale = True
        flash(str(FORM_EXPIRED), "error")
        after_this_request(_shown_again)


def _visitor_form() -> bool:
    """Whether the request is an anonymous reader's form with a valid visitor token.

    Only for readers nobody signed in: the cookie a visitor token is bound to
    can be planted by a page of a sibling host, so such a token proves nothing
    about a signed-in user, whose forms keep Flask-WTF's session-bound tokens.
    Over HTTPS the ``Referer`` must be this site, as Flask-WTF requires
    (``WTF_CSRF_SSL_STRICT``).
    """
    config = current_app.config
    if request.method not in config.get("WTF_CSRF_METHODS", CSRF_METHODS):
        return False
    if getattr(current_user, "is_authenticated", False):
        return False
    if request.is_secure and config.get("WTF_CSRF_SSL_STRICT", True):
        referrer = request.referrer
        if not referrer or not same_origin(referrer, f"https://{request.host}/"):
            return False
    return visitor_csrf.is_valid(_submitted_token(), request.cookies)


def _submitted_token() -> str | None:
    """The CSRF token of the request: its form field, else one of Flask-WTF's headers."""
    config = current_app.config
    field_name = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    token = request.form.get(field_name) if request.mimetype in FORM_TYPES else None
    if token:
        return str(token)
    for header in config.get("WTF_CSRF_HEADERS", ("X-CSRFToken", "X-CSRF-Token")):
        if request.headers.get(header):
            return request.headers[header]
    return None


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request is HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )

    def save_session(self, app: Flask, session: Any, response: Response) -> None:  # type: ignore[override]
        """Save as Flask does, without ``Vary: Cookie`` on answers that no session shaped.

        Flask adds ``Vary: Cookie`` whenever the session was looked at, and
        Flask-Login looks at it for every reader. An answer to a request that
        carried no session cookie and left the session empty is the same for
        every reader without one, so it need not vary on cookies (which would
        split every shared cache by unrelated cookies, such as analytics').
        """
        had_cookie = has_request_context() and self.get_cookie_name(app) in request.cookies
        if not had_cookie and not session and not session.modified:
            return  # no cookie to set or delete, and nothing to vary on
        super().save_session(app, session, response)


def safe_next(target: str | None, fallback: str) -> str:
    """Return ``target`` if it is a path on this site, else ``fallback`` (no open redirects).

    Only plain absolute paths are accepted: no scheme, no host, no ``//`` or
    ``/\\`` prefix that browsers read as another host, no control characters.
    """
    from urllib.parse import urlsplit

    if not target or not target.startswith("/") or target.startswith(("//", "/\\")):
        return fallback
    if any(ord(ch) < 32 or ch == "\\" for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
