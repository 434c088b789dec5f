"""The rating's routes: the widget's form, the JSON API and the back-office screens.

- ``POST /rating/<article id>`` (blueprint ``rating``): the widget's form. The
  site checks its CSRF token before the view runs (a visitor-bound token for
  anonymous readers, :mod:`cms.visitor_csrf`). Without JavaScript it answers
  ``303 See Other`` back to the article, leaving the outcome in a short-lived
  cookie that the live widget shows (a cached page holds no flashed message);
  a refusal is a themed page with the reason and its status. Asked for JSON
  (``Accept: application/json``, what ``rating.js`` sends) it answers the new
  numbers, or ``{"error": {"code", "message"}}`` with the same statuses.
- ``GET|POST /api/v1/articles/<id>/rating`` (:data:`API_ROUTES`): ``{"count",
  "average"}``; the body ``{"stars": 1..5}``, JSON only.
- ``/admin/plugins/rating/``: the vote log (editors), and resetting an
  article's votes (editors; a confirmation page, then a POST, audited).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from cms.api import auth as api_auth
from cms.api.errors import ApiError, invalid, not_found, unauthorized
from cms.audit import record
from cms.content import public_filter
from cms.errors import caller_wants_json, json_error
from cms.extensions import db
from cms.i18n import number
from cms.models import Article
from cms.page_view import Visitor, current_visitor
from cms.paging import PAGE_MAX, last_page, page_or_404, parse_positive
from cms.plugins import widget_cache
from cms.public.urls import article_url
from cms.themes import render
from plugins.rating.display import as_display, average_text, summary
from plugins.rating.models import RatingVote
from plugins.rating.voters import VOTER_COOKIE, VOTER_COOKIE_MAX_AGE, Voter
from plugins.rating.voting import (
    Totals,
    VoteRefused,
    cast_vote,
    parse_stars,
    reset_votes,
    totals,
    totals_many,
)
from plugins.rating.widgets import MESSAGE_COOKIE, MESSAGE_MAX_AGE, message_cookie

bp = Blueprint("rating", __name__)

#: Votes per page of the back-office log.
PER_PAGE = 50


def public_article(article_id: int) -> Article | None:
    """The article if readers may see it (published, its time come), else None."""
    return db.session.execute(
        select(Article).where(Article.id == article_id, public_filter())
    ).scalar()


def _set_voter_cookie(response: BaseResponse, value: str | None) -> None:
    """Give the browser its new voter cookie (the ``cookie`` rules), if a vote made one."""
    if value:
        response.set_cookie(
            VOTER_COOKIE, value, max_age=VOTER_COOKIE_MAX_AGE, httponly=True, samesite="Lax"
        )


@bp.post("/rating/<int(max=2147483647):article_id>")
def vote(article_id: int) -> Any:
    """The widget's form: ``stars`` (1 to 5) for a public article; see the module docstring."""
    wants_json = caller_wants_json()  # the widget's script asks for JSON
    article = public_article(article_id)
    if article is None:
        if wants_json:
            return json_error(404, _("This article does not exist or is not published."))
        abort(404)
    try:
        stars = parse_stars(request.form.get("stars"))
        cast = cast_vote(article.id, stars, Voter.of(current_visitor()))
    except VoteRefused as exc:
        return _refused(exc, article, wants_json)
    thanks = _("Thank you for rating this article!")
    response: BaseResponse
    if wants_json:
        response = jsonify({**as_display(cast.totals), "message": thanks})
    else:
        response = redirect(f"{article_url(article)}#rating-{article.id}", 303)
        response.set_cookie(
            MESSAGE_COOKIE,
            message_cookie(article.id, "thanks"),
            max_age=MESSAGE_MAX_AGE,
            httponly=True,
            samesite="Lax",
        )
    _set_voter_cookie(response, cast.new_cookie)
    return response


def _refused(exc: VoteRefused, article: Article, wants_json: bool) -> Any:
    """A refused form vote: JSON for the script, else the themed page with the reason.

    A reader who must sign in gets 403 (a 401 would have to name an HTTP
    authentication scheme; the sign-in is a form).
    """
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
    status = 403 if exc.code == "sign_in" else exc.status
    if wants_json:
        response, _status = json_error(status, exc.message, code=exc.code)
        response.headers.update(headers)
        return response, status
    sign_in = url_for("admin.login", next=article_url(article)) if exc.code == "sign_in" else None
    html = render(
        "rating/refused.html",
        title=_("Your rating was not counted"),
        message=exc.message,
        code=exc.code,
        back_url=f"{article_url(article)}#rating-{article.id}",
        sign_in_url=sign_in,
    )
    return html, status, headers


# --- the JSON API --------------------------------------------------------------------------


def _api_article(article_id: int) -> Article:
    """The public article, else the API's JSON 404."""
    article = public_article(article_id)
    if article is None:
        raise not_found(_("This article does not exist or is not published."))
    return article


def api_totals(article_id: int) -> dict[str, Any]:
    """``GET``: the count and average of a public article."""
    return totals(_api_article(article_id).id).as_json()


def api_vote(article_id: int, data: dict[str, Any]) -> Response:
    """``POST {"stars": 1..5}``: count a vote; the new count and average.

    The voter is the token's user when one is sent (rule ``user``), else the
    anonymous caller (its voter cookie, if the browser sent one, and its
    address). Refusals: 404 unknown or unpublished article, 401 rule ``user``
    without a token, 403 a robot's user agent, 409 a repeated vote, 422 stars
    out of range (checked before the view), 429 over the rate limit.
    """
    article = _api_article(article_id)
    user = api_auth.current_user()
    visitor = Visitor.from_environ(request.environ, user_id=user.id if user else None)
    voter = Voter.of(visitor)
    if user is not None and voter.is_crawler:  # a token names a user: not a robot
        voter = Voter(voter.address, voter.cookie, voter.user_id, is_crawler=False)
    try:
        cast = cast_vote(article.id, data["stars"], voter)
    except VoteRefused as exc:
        raise _api_error(exc) from None
    response = jsonify(cast.totals.as_json())
    _set_voter_cookie(response, cast.new_cookie)
    return response


def _api_error(exc: VoteRefused) -> ApiError:
    """The API's answer to a refused vote."""
    if exc.code == "invalid":
        return invalid({"stars": exc.message})
    if exc.code == "sign_in":
        return unauthorized(exc.message)
    headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
    return ApiError(exc.status, exc.message, code=exc.code, headers=headers)


def api_field(article: Any) -> dict[str, Any]:
    """The ``rating`` field of an article in the core API: ``{"count", "average"}``."""
    return totals(int(article.id)).as_json()


# --- the back office -----------------------------------------------------------------------


def admin_column(rows: Sequence[Any]) -> dict[int, Any]:
    """The article list's column: the average and the count, linking to the article's votes."""
    found = totals_many(int(row.id) for row in rows)
    return {article_id: _cell(article_id, t) for article_id, t in found.items() if t.count}


def _cell(article_id: int, found: Totals) -> Markup:
    text = ngettext(
        "%(average)s (%(count)s vote)",
        "%(average)s (%(count)s votes)",
        found.count,
        average=average_text(found),
        count=number(found.count),
    )
    href = url_for("rating_admin.votes", article=article_id)
    return Markup('<a href="{0}">{1}</a>').format(href, text)


def _article_arg() -> int | None:
    """The ``article`` filter of the log: an id, None when absent; 404 when it is not one."""
    raw = request.args.get("article")
    if raw is None or raw == "":
        return None
    value = parse_positive(raw, min(PAGE_MAX, 2**31 - 1))
    if value is None:
        abort(404)
    return value


def votes() -> str:
    """The vote log, newest first, 50 a page; ``?article=<id>`` for one article's votes.

    Voters appear as the kind and the start of their keyed hash only.
    """
    article_id = _article_arg()
    article = None
    query = select(RatingVote).order_by(RatingVote.id.desc())
    if article_id is not None:
        article = db.session.get(Article, article_id)
        if article is None:
            abort(404)
        query = query.where(RatingVote.article_id == article_id)
    listing = page_or_404(query, PER_PAGE)
    ids = {vote.article_id for vote in listing.items}
    titles: dict[int, str] = {}
    if ids:
        rows = db.session.execute(select(Article.id, Article.title).where(Article.id.in_(ids)))
        titles = {int(row.id): str(row.title) for row in rows}
    kinds = {
        "c:": _("Browser"),
        "a:": _("Address"),
        "u:": _("User"),
        "d:": _("Demo"),
    }
    return render_template(
        "rating/admin/votes.html",
        article=article,
        summary=summary(totals(article.id)) if article is not None else "",
        votes=listing.items,
        total=listing.total,
        page=listing.page,
        pages=last_page(listing.total, PER_PAGE),
        titles=titles,
        kinds=kinds,
        can_reset=bool(current_user.can("editor")),
    )


def reset(article_id: int) -> Any:
    """Reset an article's votes: a confirmation page (GET), then the reset (POST), audited."""
    article = db.session.get(Article, article_id)
    if article is None:
        abort(404)
    if request.method == "POST":
        if request.form.get("confirm") != "yes":
            flash(_("Confirm the reset with its button."), "error")
            return redirect(url_for("rating_admin.reset", article_id=article.id))
        before = reset_votes(article.id)
        record(
            "rating.reset",
            article,
            _(
                "Votes of “%(title)s” reset: %(summary)s",
                title=article.title,
                summary=summary(before),
            ),
            count=before.count,
            total=before.total,
        )
        widget_cache.invalidate(widget_type="rating.top_rated")
        db.session.commit()
        flash(_("The votes of “%(title)s” were reset.", title=article.title), "success")
        return redirect(url_for("rating_admin.votes", article=article.id))
    return render_template(
        "rating/admin/reset.html", article=article, summary=summary(totals(article.id))
    )
