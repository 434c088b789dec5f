"""Helpful: "Was this article helpful? [Yes] [No]" under articles, with the counts."""

from datetime import datetime
from typing import Any

from flask import Blueprint, redirect, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Mapped, mapped_column

from cms import store
from cms.api.validation import Boolean, Field
from cms.content import public_articles
from cms.extensions import Model, db
from cms.models import Article, UTCDateTime, utcnow
from cms.page_view import PageIdentity, Visitor
from cms.plugins import AdminView, ApiRoute, Plugin, Widget, hookimpl
from cms.public.urls import article_url
from cms.themes import render

bp = Blueprint("helpful", __name__)
COOKIE, YEAR = "helpful", 365 * 24 * 3600  # ids of the articles a browser answered: "12.40.7"


class HelpfulVote(Model):
    """One reader's answer (``answer`` True: yes); the back office counts these."""

    __tablename__ = "helpful_vote"
    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(index=True)
    answer: Mapped[bool]
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def public(article_id: int) -> Article:
    """The article if readers may see it, else a 404 (a JSON one under ``/api/``)."""
    return db.first_or_404(public_articles().where(Article.id == article_id))


def counts(article_id: int) -> dict[str, int]:
    """``{"yes": n, "no": n}`` from the shared store, in one round trip."""
    found = store.get_many([f"helpful:yes:{article_id}", f"helpful:no:{article_id}"])
    return {"yes": found[f"helpful:yes:{article_id}"], "no": found[f"helpful:no:{article_id}"]}


def answer(article_id: int, data: dict[str, Any]) -> dict[str, int]:
    """Record ``{"helpful": bool}`` about a public article, counted atomically; the new counts."""
    article_id = public(article_id).id
    db.session.add(HelpfulVote(article_id=article_id, answer=data["helpful"]))
    db.session.commit()
    store.incr(f"helpful:{'yes' if data['helpful'] else 'no'}:{article_id}")
    return counts(article_id)


@bp.post("/helpful/<int(max=2147483647):article_id>")
def vote(article_id: int) -> Any:
    """The widget's form (the site checks its CSRF token): record, remember, go back."""
    article = public(article_id)
    if request.form.get("answer") not in ("yes", "no"):
        error = {"title": _("Your answer was not recorded"), "message": _("Choose Yes or No.")}
        return render("public/error.html", status=400, **error), 400
    answer(article.id, {"helpful": request.form["answer"] == "yes"})
    ids = [i for i in request.cookies.get(COOKIE, "").split(".") if i not in ("", str(article.id))]
    response = redirect(article_url(article) + "#helpful", 303)
    response.set_cookie(COOKIE, ".".join([*ids[-49:], str(article.id)]), max_age=YEAR)
    return response


def answers(article_id: int) -> dict[str, int]:
    """``GET``: the answers about a public article."""
    return counts(public(article_id).id)


def board() -> str:
    """Back office: the most answered articles, counted from the table."""
    yes = func.count().filter(HelpfulVote.answer)
    query = select(Article.slug, Article.title, yes.label("yes"), (func.count() - yes).label("no"))
    query = query.join(HelpfulVote, HelpfulVote.article_id == Article.id).group_by(Article.id)
    rows = db.session.execute(query.order_by(func.count().desc()).limit(100))
    return render_template("helpful/admin/board.html", rows=rows)


class HelpfulBox(Widget):
    """``helpful.box``: the question and the counts, or thanks once this visitor answered."""

    type, title, template = "box", _l("Was this article helpful?"), "helpful/box.html"
    cache = "live"  # the counts change with every vote, the thanks with every visitor

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """The shown article's counts, and whether this visitor answered (their cookie says)."""
        if page.kind != "article" or page.object_id is None:
            return {}
        answered = str(page.object_id) in visitor.cookies.get(COOKIE, "").split(".")
        return {"article_id": page.object_id, "answered": answered, **counts(page.object_id)}


class Hooks:
    """Keep answers and counters in step with the articles, whoever changes them."""

    @hookimpl
    def article_created(self, article: Any) -> None:
        """An article that ``cms import`` restored brings its answers: count them again."""
        query = select(HelpfulVote.answer, func.count()).where(HelpfulVote.article_id == article.id)
        for helpful, number in db.session.execute(query.group_by(HelpfulVote.answer)):
            store.incr(f"helpful:{'yes' if helpful else 'no'}:{article.id}", number)

    @hookimpl
    def article_deleted(self, article: Any) -> None:
        """Its answers and counters go with it."""
        db.session.execute(delete(HelpfulVote).where(HelpfulVote.article_id == article.id))
        db.session.commit()
        store.get_store().delete(f"helpful:yes:{article.id}", f"helpful:no:{article.id}")


NUMBER = {"type": "integer", "minimum": 0}
COUNTS = {"type": "object", "properties": {"yes": NUMBER, "no": NUMBER}, "required": ["yes", "no"]}
PATH = "/api/v1/articles/<int:article_id>/helpful"
ANSWER = Field("helpful", Boolean(), required=True, description="true: yes, false: no")
plugin = Plugin(
    name="helpful",
    version="1.0.0",
    title=_l("Helpful"),
    description=_l("Asks readers whether an article was helpful, and counts the answers."),
    widgets=[HelpfulBox],
    blueprint=bp,
    models=[__name__],
    hooks=Hooks(),
    api=[
        ApiRoute(PATH, answers, response=COUNTS, summary="The answers about an article"),
        ApiRoute(PATH, answer, "POST", body=[ANSWER], response=COUNTS, summary="Add an answer"),
    ],
    admin_views=[AdminView("/", board, role="editor", menu=_l("Helpful answers"))],
)
