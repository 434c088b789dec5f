"""Helpers shared by the rating plugin's tests."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from cms.extensions import db
from cms.plugins import registry

#: A browser's user agent (the test client's own is not a robot's either, but say so).
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120.0"}
#: A robot's.
ROBOT = {"User-Agent": "Googlebot/2.1 (+http://www.google.com/bot.html)"}
#: What a reader's script asks for.
JSON = {**BROWSER, "Accept": "application/json"}


def settings(app: Flask, **values: Any) -> None:
    """Save the rating plugin's settings (the defaults overlaid with ``values``)."""
    with app.app_context():
        plugins = registry()
        plugins.save_settings("rating", {**plugins.settings("rating"), **values})
        db.session.commit()


def token_of(html: str) -> str:
    """The CSRF token of the rating form in ``html``."""
    form = re.search(r"<form class=\"rating__form\".*?</form>", html, re.S)
    assert form is not None, "no rating form in the page"
    found = re.search(r'name="csrf_token" value="([^"]+)"', form.group(0))
    assert found is not None
    return found.group(1)


def visitor_token(app: Flask, client: Any) -> str:
    """A live form's CSRF token for ``client``'s browser, setting its CSRF cookie if needed.

    What a reader gets from any live form of the site (another article's stars, a
    comment form), for a page that shows them no rating form (they may not vote).
    """
    from cms.page_view import Visitor
    from cms.visitor_csrf import COOKIE, token_for

    cookie = client.get_cookie(COOKIE)
    with app.test_request_context("/"):
        visitor = Visitor(cookies={COOKIE: cookie.value} if cookie else {})
        token = token_for(visitor)
    client.set_cookie(COOKIE, visitor.cookies[COOKIE])
    return token


def text_of(html: str) -> str:
    """The visible text of ``html``, tags removed and white space collapsed."""
    without_tags = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", without_tags).strip()


def widget_html(html: str, widget_type: str = "rating.stars") -> str:
    """The HTML of the first widget of ``widget_type`` in a page ("" when absent)."""
    found = re.search(
        rf'<section class="widget[^"]*" data-widget="{re.escape(widget_type)}".*?</section>',
        html,
        re.S,
    )
    return found.group(0) if found else ""


def totals_in_db(app: Flask, article_id: int) -> tuple[int, int, int]:
    """``(vote rows, count, total)`` of an article, read from the tables."""
    from sqlalchemy import func, select

    from plugins.rating.models import RatingTotal, RatingVote

    with app.app_context():
        rows = db.session.execute(
            select(func.count()).where(RatingVote.article_id == article_id)
        ).scalar_one()
        found = db.session.get(RatingTotal, article_id)
        count, total = (found.count, found.total) if found else (0, 0)
        db.session.remove()
    return rows, count, total
