"""The rating's widget types: the stars under an article (live) and a top-rated list (cached)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import NumberRange

from cms.admin.numbers import WholeNumberField, coerce_id
from cms.content import all_categories
from cms.content.taxonomy import categories
from cms.models import utcnow
from cms.page_view import PageIdentity, Visitor
from cms.plugins import Widget
from plugins.rating.display import as_display
from plugins.rating.voters import Voter, current_settings
from plugins.rating.voting import top_rated, visitor_state

#: Short-lived cookie carrying the outcome of a form vote to the page it returns to:
#: ``<article id>.<code>``. A cached page cannot hold a flashed message; the live widget
#: reads this cookie, shows the message and clears it.
MESSAGE_COOKIE = "rating_msg"
#: Seconds the message cookie lives (the redirect is followed at once).
MESSAGE_MAX_AGE = 60
#: Outcome codes the message cookie may carry.
MESSAGE_CODES = ("thanks",)


def message_cookie(article_id: int, code: str) -> str:
    """The :data:`MESSAGE_COOKIE` value telling article ``article_id``'s widget about ``code``."""
    return f"{article_id}.{code}"


class Stars(Widget):
    """``rating.stars``: the stars, the count and the average of the article shown, and the vote.

    Live: the numbers change with every vote and "you have already rated" differs
    per visitor, so it is rendered for every request, also on a page served from
    the page cache; the rest of the page stays cached. The form posts to
    ``/rating/<article id>`` with a visitor-bound CSRF token (``csrf_token()``)
    and works without JavaScript; ``rating.js`` sends it without a reload.
    """

    type = "stars"
    title = _l("Star rating")
    template = "rating/stars.html"
    #: Per visitor (already voted, the form's token): rendered for every request, never shared.
    cache = "live"

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """The article's totals and this visitor's state, plus a message left by a form vote.

        ``{}`` on a page that shows no article (the template then renders nothing).
        """
        if page.kind != "article" or page.object_id is None:
            return {}
        article_id = page.object_id
        found, state = visitor_state(article_id, Voter.of(visitor), current_settings())
        message = None
        raw = visitor.cookies.get(MESSAGE_COOKIE)
        if raw:
            shown, _dot, code = raw.partition(".")
            if shown == str(article_id):
                visitor.set_cookie(MESSAGE_COOKIE, "", max_age=0)
                if code in MESSAGE_CODES:
                    message = _("Thank you for rating this article!")
        return {
            "article_id": article_id,
            "rating": as_display(found),
            "state": state,
            "message": message,
            "sign_in_url": url_for("admin.login", next=page.path),
        }


def _whole(value: Any, low: int, high: int, default: int) -> int:
    """``value`` as an int clamped to ``[low, high]``; ``default`` if it is not a whole number."""
    if isinstance(value, bool) or (isinstance(value, str) and not value.isascii()):
        return default
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(low, min(high, number))


class TopRatedForm(FlaskForm):
    """Settings of one top-rated list: its length, a category and a time window."""

    count = WholeNumberField(_l("How many"), default=5, validators=[NumberRange(1, 20)])
    category = SelectField(_l("Category"), coerce=coerce_id, default=0)
    days = WholeNumberField(
        _l("Published within the last (days)"),
        default=0,
        validators=[NumberRange(0, 3650)],
        description=_l("0: at any time."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """The form, with every category to choose from (and "All categories")."""
        super().__init__(*args, **kwargs)
        self.category.choices = [SelectChoice(0, _("All categories"))] + [
            SelectChoice(c.id, c.name) for c in all_categories()
        ]


class TopRated(Widget):
    """``rating.top_rated``: the best rated public articles, by Bayesian average.

    Ranked by :func:`plugins.rating.voting.bayesian_score` (IMDb's weighted
    rating), so that one 5-star vote does not beat two hundred 4-star votes;
    optionally within a category (and its sub-categories) and among articles
    published in the last ``days`` days. Cached for ten minutes: a vote moves a
    ranking slowly, and invalidating on every vote would drop every page that
    shows the list. Articles leaving or changing drop it at once (the hooks).
    """

    type = "top_rated"
    title = _l("Top rated articles")
    template = "rating/top_rated.html"
    settings_form = TopRatedForm
    default_settings = {"count": 5, "category": 0, "days": 0}
    #: Seconds the list is kept (or until an article in it changes).
    cache = 600

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """``items``: ``[{"article": Article, "rating": display dict}]``, best first."""
        settings = instance.settings
        count = _whole(settings.get("count"), 1, 20, 5)
        category = _whole(settings.get("category"), 0, 2**31 - 1, 0)
        days = _whole(settings.get("days"), 0, 3650, 0)
        ids = categories().ids_under(category) if category else []
        since = utcnow() - timedelta(days=days) if days else None
        rows = top_rated(count, ids, since)
        return {"items": [{"article": article, "rating": as_display(t)} for article, t in rows]}
