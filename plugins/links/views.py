"""The public routes: ``/links/go/<id>`` and the jump menu's ``/links/go?id=<id>``.

The first redirects, the second answers a page that opens the website at once
(:func:`leave`: a redirect after a form is blocked by the site's CSP). Both
lead only to the stored URL of an active link in an active group,
whatever else the request says (every other query parameter is ignored), so
the site is no open redirect; an unknown, malformed or inactive id is a 404
page and a missing choice a 400 page, each saying why in the reader's language.
Every ``GET`` that redirects counts one click in the shared store, robots
included: a redirect cannot tell a reader from a link checker, and leaving
out whatever ``crawlerdetect`` flags would drop scripted clients and headless
browsers too. The answer carries ``X-Robots-Tag: noindex, nofollow``.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Blueprint, make_response, redirect, request
from flask_babel import gettext as _

from cms.themes import render
from plugins.links import services

bp = Blueprint("links", __name__)

#: An id as the jump form sends it: digits only, at most 10 of them.
_ID = re.compile(r"[0-9]{1,10}")


def _refusal(status: int, title: str, message: str) -> Any:
    return render("public/error.html", status=status, title=title, message=message), status


def _not_found() -> Any:
    return _refusal(
        404,
        _("Link not found"),
        _("This link does not exist or is no longer shown. Choose another website from the list."),
    )


def jump(link_id: int | None) -> Any:
    """Redirect (302) to the stored URL of link ``link_id`` and count the click; else a 404 page.

    The answer is never cached (``no-store``), so every click reaches the
    site and is counted, and carries ``Referrer-Policy: no-referrer`` (the
    site's page is not named to the other site, as ``rel="noreferrer"`` does
    for links) and ``X-Robots-Tag: noindex``. ``HEAD`` redirects without counting.
    """
    link = services.public_link(link_id)
    if link is None:
        return _not_found()
    if request.method == "GET":
        services.count_click(link.id)
    response = redirect(link.url, 302)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/links/go/<int(max=2147483647):link_id>")
def go(link_id: int) -> Any:
    """A link of the list or logo display, or the jump menu with JavaScript."""
    return jump(link_id)


@bp.get("/links/go")
def go_form() -> Any:
    """The jump menu without JavaScript: ``?id=<link id>``; an empty choice is a 400 page."""
    raw = request.args.get("id", "").strip()
    if not raw:
        return _refusal(
            400,
            _("No website chosen"),
            _("Choose a website from the list first, then press Go."),
        )
    if not _ID.fullmatch(raw):
        return _not_found()
    return leave(int(raw))


def leave(link_id: int) -> Any:
    """The jump form's answer: a page that opens link ``link_id``'s website at once; else 404.

    Not a redirect: the site's Content Security Policy has ``form-action
    'self'``, and browsers apply it to every redirect that follows a form
    submission (CSP Level 3, section 6.4.3), so a 302 to another site would be
    blocked. The page opens the website by an instant ``<meta http-equiv=refresh>``
    (WCAG technique H76), which is a navigation of its own, and shows the link
    for a browser that does not follow it. Counts the click like :func:`jump`
    and carries the same headers (``no-store``, no referrer, ``noindex``).
    """
    link = services.public_link(link_id)
    if link is None:
        return _not_found()
    if request.method == "GET":
        services.count_click(link.id)
    response = make_response(render("links/leaving.html", link=link))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response
