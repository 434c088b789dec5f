"""The plugin's public routes: the form's POST, its page, the comment pages and the image.

- ``POST /comments/<article id>``: the form (the site checks its CSRF token
  first; anonymous readers carry a token bound to their browser). Accepted:
  ``303`` back to the article's comments, with a short-lived cookie the live
  block turns into "awaiting moderation" or "published". Refused: the form
  again on a page of its own, with everything typed, a message next to each
  field concerned and a new challenge, status 422 (409 a repeat, 429 the rate
  limit with ``Retry-After``). A stale form token (the reader wrote for
  hours) shows the form again the same way, status 200, stored nothing
  (:func:`setup`). ``action=new_image`` (the "New image" button
  without JavaScript) shows the same page with a new challenge, status 200.
- ``GET /comments/<article id>/form?reply_to=<id>``: the form answering a comment.
- ``GET /comments/<article id>?page=N``: the approved comments, by pages.
- ``GET /comments/captcha/<id>.png``: the challenge's image, drawn now,
  rate limited per address, never cached.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Flask, Response, abort, g, get_flashed_messages, redirect, request
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.wrappers import Response as BaseResponse

from cms import store
from cms.content import public_filter
from cms.extensions import db
from cms.inputs import repaired_form, repairs_form
from cms.models import Article
from cms.page_view import current_visitor
from cms.paging import page_number
from cms.public.urls import article_url
from cms.security import FORM_EXPIRED, register_form_page
from cms.themes import render
from cms.visitor_csrf import live_render
from plugins.comments import captcha
from plugins.comments.forms import FIELDS, HONEYPOT, CommentForm, new_form
from plugins.comments.listing import Node, thread
from plugins.comments.models import CommentsComment
from plugins.comments.posting import Draft, Refused, submit
from plugins.comments.privacy import address_hash
from plugins.comments.settings import CommentSettings, current_settings
from plugins.comments.widgets import MESSAGE_COOKIE, MESSAGE_MAX_AGE

bp = Blueprint("comments", __name__)

#: Largest form body accepted, in bytes (a comment of 5,000 characters is at most 20 kB).
FORM_MAX_BYTES = 64 * 1024
#: Images one address may ask for per minute.
IMAGES_PER_MINUTE = 30
#: New challenges one address may ask for per minute with the "New image" button
#: (``POST /api/v1/captcha`` has the same limit; a page view's challenge writes nothing).
CHALLENGES_PER_MINUTE = 30
_ID = "<int(max=2147483647):article_id>"


def setup(app: Flask) -> None:
    """Let a stale token reach :func:`post`, which shows the form again instead of a 400."""
    register_form_page(app, "comments.post")


def public_article(article_id: int) -> Article | None:
    """The article if readers may see it (published, its time come), else ``None``."""
    query = select(Article).where(Article.id == article_id, public_filter())
    return db.session.execute(query).scalar()


def _article_or_404(article_id: int) -> Article:
    article = public_article(article_id)
    if article is None:
        abort(404)
    return article


def reply_target(article_id: int, raw: str | None, settings: CommentSettings) -> Node | None:
    """The approved comment of the article that ``raw`` (an id) names and that may be answered."""
    if raw is None or raw == "":
        return None
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    row = db.session.get(CommentsComment, int(raw))
    if row is None or row.article_id != article_id or row.status != "approved":
        return None
    if row.depth >= settings.max_depth:
        return None
    return Node(row.id, row.parent_id, row.depth, row.name, row.body, row.created_at)


def _form_page(
    article: Article,
    form: CommentForm,
    parent: Node | None,
    settings: CommentSettings,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Any:
    """The form on a themed page of its own (token bound to the visitor's browser)."""
    with live_render(current_visitor()):
        html = render(
            "comments/form_page.html",
            article=article,
            article_link=article_url(article),
            form=form,
            parent=parent,
            options=settings,
        )
    return html, status, headers or {}


@bp.post(f"/comments/{_ID}")
@repairs_form
def post(article_id: int) -> Any:
    """The comment form; see the module docstring.

    A NUL or bytes that are not UTF-8 in any field never lose what was typed:
    NULs are removed, such bytes read as U+FFFD (:func:`cms.inputs.repaired_form`),
    and the comment goes through the same checks as any other.
    """
    if (request.content_length or 0) > FORM_MAX_BYTES:
        abort(413)
    article = _article_or_404(article_id)
    settings = current_settings()
    address = current_visitor().address
    sent = repaired_form()
    values = {name: str(sent.get(name, "")) for name in FIELDS}
    parent = reply_target(article.id, values["parent_id"], settings)

    def again(
        status: int, errors: dict[str, str], message: str = "", focus: str = "", **kw: Any
    ) -> Any:
        form = new_form(article.id, address, settings, values, errors, message, focus)
        return _form_page(article, form, parent, settings, status, **kw)

    if g.get("csrf_stale"):  # nothing checked nor stored: the form again, with a new token
        get_flashed_messages()  # said next to the form; no session kept for a reader
        captcha.burn(sent.get("captcha_id"))
        return again(200, {}, str(FORM_EXPIRED), focus="captcha_answer")
    if sent.get("action") == "new_image":
        if not store.hit(f"comments:challenges:{address_hash(address)}", CHALLENGES_PER_MINUTE, 60):
            message = _("Too many images were asked for. Please wait a minute.")
            return again(429, {}, message, headers={"Retry-After": "60"})
        captcha.burn(sent.get("captcha_id"))
        return again(200, {}, focus="captcha_answer")
    if sent.get(HONEYPOT):
        captcha.burn(sent.get("captcha_id"))  # any attempt burns it
        return again(422, {}, _("Your comment could not be accepted."))
    # The fill time is the age of the challenge (signed, this visitor's, single-use);
    # a missing or invalid one is refused by the captcha check below.
    opened = captcha.age(sent.get("captcha_id"), address)
    if opened is not None and opened < settings.min_fill_seconds:
        captcha.burn(sent.get("captcha_id"))
        message = _("Please take a moment to check your comment, then send it again.")
        return again(422, {}, message)
    if values["parent_id"] and parent is None:
        return again(422, {}, _("This comment cannot be answered."))
    draft = Draft(values["name"], values["email"], values["body"], parent.id if parent else None)
    try:
        outcome = submit(
            article,
            draft,
            address,
            sent.get("captcha_id"),
            sent.get("captcha_answer"),
            settings,
        )
    except Refused as exc:
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return again(exc.status, exc.fields, exc.message, headers=headers)
    response = redirect(f"{article_url(article)}#comments", 303)
    response.set_cookie(
        MESSAGE_COOKIE,
        f"{article.id}.{outcome.status}",
        max_age=MESSAGE_MAX_AGE,
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get(f"/comments/{_ID}/form")
def form_page(article_id: int) -> Any:
    """The form alone (``?reply_to=<id>``: answering that comment; 404 if it cannot be)."""
    article = _article_or_404(article_id)
    settings = current_settings()
    raw = request.args.get("reply_to")
    parent = reply_target(article.id, raw, settings)
    if raw is not None and parent is None:
        abort(404)
    form = new_form(article.id, current_visitor().address, settings)
    return _form_page(article, form, parent, settings)


@bp.get(f"/comments/{_ID}")
def listing(article_id: int) -> Any:
    """The article's approved comments, page ``?page=N``; 404 past the last page."""
    article = _article_or_404(article_id)
    settings = current_settings()
    found = thread(article.id, page_number("page"), settings.per_page)
    if found.page > found.pages:
        abort(404)
    return render(
        "comments/list_page.html",
        article=article,
        article_link=article_url(article),
        thread=found,
        options=settings,
    )


@bp.get("/comments/captcha/<captcha_id>.png")
def captcha_image(captcha_id: str) -> BaseResponse:
    """The image of a challenge not yet answered: drawn now, never cached; 404 otherwise."""
    key = f"comments:image:{address_hash(current_visitor().address)}"
    if not store.hit(key, IMAGES_PER_MINUTE, 60):
        return Response(
            _("Too many images were asked for. Please wait a minute."),
            429,
            {"Retry-After": "60"},
            mimetype="text/plain",
        )
    png = captcha.draw(captcha_id, current_settings())
    if png is None:
        abort(404)
    response = Response(png, mimetype="image/png")
    response.headers["Cache-Control"] = "no-store, private"
    return response
