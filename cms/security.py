"""Security headers on every response, and trusting exactly ``CMS_PROXY_HOPS`` proxies."""

from __future__ import annotations

from flask import Flask, Response, has_request_context, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

#: Content Security Policy of public pages: no inline script, no third-party origins.
PUBLIC_CSP = (
    "default-src 'self'; img-src 'self' data: https:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'self'"
)
#: The back office may not be framed at all.
ADMIN_CSP = PUBLIC_CSP.replace("frame-ancestors 'self'", "frame-ancestors 'none'")


def add_security_headers(response: Response) -> Response:
    """Add CSP, nosniff, referrer policy and framing rules unless a view set its own."""
    headers = response.headers
    admin = request.path.startswith("/admin")
    headers.setdefault("Content-Security-Policy", ADMIN_CSP if admin else PUBLIC_CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY" if admin else "SAMEORIGIN")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if request.is_secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def init_app(app: Flask) -> None:
    """Install the header hook, the HTTPS-aware session cookie and, if configured, ProxyFix."""
    app.after_request(add_security_headers)
    hops = int(app.config.get("PROXY_HOPS") or 0)
    if hops > 0:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )

    app.session_interface = HttpsAwareSessionInterface()


class HttpsAwareSessionInterface(SecureCookieSessionInterface):
    """The signed-cookie session, marked ``Secure`` whenever the request came over HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        """Secure when configured so, or when this request is HTTPS."""
        return bool(app.config["SESSION_COOKIE_SECURE"]) or (
            has_request_context() and request.is_secure
        )


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
