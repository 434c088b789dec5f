"""Back-office screens: the article list, the editor, preview and revisions."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_timezone, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy import Select, or_, select

from cms.admin import bp
from cms.admin.article_forms import ArticleForm, thumbnail_url
from cms.admin.columns import plugin_columns
from cms.admin.menu import MenuItem
from cms.admin.numbers import parse_id
from cms.admin.permissions import can_edit_article, can_publish_article, role_required
from cms.audit import record
from cms.content import ContentError, delete_article, filter_articles, save_article
from cms.content.articles import public_filter
from cms.content.revisions import (
    article_revisions,
    article_state,
    compare,
    find_revision,
    latest_revision,
    missing_references,
    restore_revision,
)
from cms.content.taxonomy import all_categories
from cms.extensions import db
from cms.form_status import form_status
from cms.i18n import datetime_
from cms.models import ARTICLE_STATUSES, Article, Category, Media, User, utcnow
from cms.paging import last_page, page_number, page_or_404
from cms.security import safe_next
from cms.themes import render

#: Menu entries of these screens.
MENU = [
    MenuItem(
        "admin.articles",
        _l("Articles"),
        roles=("admin", "editor", "author"),
        order=10,
        section="admin.article",
    )
]

#: Articles per page of the list.
PER_PAGE = 20
#: Revisions per page of an article's history.
REVISIONS_PER_PAGE = 50
#: Newest media items offered by the featured-image picker.
MEDIA_CHOICES = 300
#: Longest search accepted by the list, in characters.
SEARCH_MAX = 200
#: The bulk actions of the list.
BULK_ACTIONS = ("publish", "unpublish", "delete")
#: Most articles one bulk action handles.
BULK_MAX = 200
#: Quill's files, copied in by ``scripts/vendor-assets.sh``; the editor needs both.
QUILL_FILES = ("vendor/quill/quill.js", "vendor/quill/quill.snow.css")

#: Every back-office role: the article screens are open to all of them.
ANY_ROLE = ("admin", "editor", "author")
#: The largest id a table holds (a 32-bit integer column on PostgreSQL).
MAX_ID = 2**31 - 1


# -- helpers --------------------------------------------------------------------


def _article(article_id: int) -> Article:
    article = db.session.get(Article, article_id) if article_id <= MAX_ID else None
    if article is None:
        abort(404)
    return article


def _editable(article_id: int) -> Article:
    """The article, or a 403 when the signed-in user may not edit it."""
    article = _article(article_id)
    if not can_edit_article(current_user, article):
        abort(403)
    return article


def editor_assets() -> bool:
    """Whether Quill's files are present (else the body stays a plain text area)."""
    static = Path(current_app.static_folder or "")
    return all((static / name).is_file() for name in QUILL_FILES)


def _summary(article: Article) -> str:
    return _("“%(title)s” (#%(id)d)", title=article.title, id=article.id)


def _media_choices(current: Article | None) -> list[Media]:
    rows = list(
        db.session.execute(
            select(Media).order_by(Media.created_at.desc(), Media.id.desc()).limit(MEDIA_CHOICES)
        ).scalars()
    )
    if current is not None and current.image is not None and current.image not in rows:
        rows.insert(0, current.image)
    return rows


def _int_arg(name: str) -> int | None:
    value = request.args.get(name, "")
    if not (value.isascii() and value.isdigit() and len(value) < 12):
        return None
    return int(value) if int(value) <= MAX_ID else None


# -- the list -------------------------------------------------------------------


def _list_filters() -> dict[str, Any]:
    """The list's filters from the query string; unknown values are dropped."""
    status = request.args.get("status", "")
    author = request.args.get("author", "")
    if author not in ("", "all", "me"):
        author = str(_int_arg("author") or "")
    if not author:
        author = "all" if current_user.can("editor") else "me"
    category = _int_arg("category")
    return {
        "status": status if status in ARTICLE_STATUSES else "",
        "category": category if category and db.session.get(Category, category) else None,
        "author": author,
        "q": request.args.get("q", "")[:SEARCH_MAX].strip(),
    }


def _list_query(filters: dict[str, Any]) -> Select:
    now = utcnow()
    query = select(Article)
    status = filters["status"]
    if status == "published":
        query = query.where(public_filter(now))
    elif status == "scheduled":
        query = query.where(Article.status == "scheduled", Article.published_at > now)
    elif status == "draft":
        query = query.where(Article.status == "draft")
    author = filters["author"]
    if author == "me":
        query = query.where(Article.author_id == current_user.id)
    elif author != "all":
        query = query.where(Article.author_id == int(author))
    if not current_user.can("editor"):  # authors see others' articles only once public
        query = query.where(or_(Article.author_id == current_user.id, public_filter(now)))
    query = query.order_by(Article.updated_at.desc(), Article.id.desc())
    category = db.session.get(Category, filters["category"]) if filters["category"] else None
    return filter_articles(query, category=category, q=filters["q"] or None)


def _link_filters(filters: dict[str, Any]) -> dict[str, Any]:
    """The filters as URL values, leaving out the defaults."""
    default_author = "all" if current_user.can("editor") else "me"
    values = {
        "status": filters["status"] or None,
        "category": filters["category"],
        "author": filters["author"] if filters["author"] != default_author else None,
        "q": filters["q"] or None,
    }
    return {k: v for k, v in values.items() if v is not None}


@bp.route("/articles")
@role_required(*ANY_ROLE)
def articles() -> Any:
    """Articles with filters (status, category, author, search), pages and bulk actions."""
    filters = _list_filters()
    listing = page_or_404(_list_query(filters), PER_PAGE)
    items, total, page = listing.items, listing.total, listing.page
    authors = db.session.execute(
        select(User).where(User.id.in_(select(Article.author_id))).order_by(User.name, User.email)
    ).scalars()
    return render_template(
        "admin/articles/index.html",
        items=items,
        total=total,
        page=page,
        per_page=PER_PAGE,
        filters=filters,
        link_filters=_link_filters(filters),
        categories=all_categories(),
        authors=list(authors),
        statuses=ARTICLE_STATUSES,
        can_edit=lambda a: can_edit_article(current_user, a),
        plugin_columns=plugin_columns("Article", items),
    )


@bp.route("/articles/bulk", methods=["POST"])
@role_required(*ANY_ROLE)
def article_bulk() -> Any:
    """Publish, unpublish or delete the selected articles, each if the user may."""
    back = safe_next(request.form.get("next"), url_for("admin.articles"))
    action = request.form.get("action", "")
    if action not in BULK_ACTIONS:
        flash(_("Choose an action."), "error")
        return redirect(back)
    ids = sorted(
        {
            int(i)
            for i in request.form.getlist("ids")
            if i.isascii() and i.isdigit() and len(i) < 12 and int(i) <= MAX_ID
        }
    )
    if not ids:
        flash(_("Select at least one article."), "error")
        return redirect(back)
    if len(ids) > BULK_MAX:
        flash(_("Select at most %(num)d articles at a time.", num=BULK_MAX), "error")
        return redirect(back)
    rows = list(db.session.execute(select(Article).where(Article.id.in_(ids))).unique().scalars())
    done: list[Article] = []
    refused: list[str] = []
    now = utcnow()
    for article in rows:
        if not can_edit_article(current_user, article) or (
            (action != "delete" or article.is_public)
            and not can_publish_article(current_user, article)
        ):
            refused.append(article.title)
            continue
        if action == "delete":
            record("article.delete", article, _("Deleted %(article)s", article=_summary(article)))
            delete_article(article)
            done.append(article)
            continue
        wanted = "published" if action == "publish" else "draft"
        if article.effective_status == wanted:
            continue
        data: dict[str, Any] = {"status": wanted}
        if wanted == "published" and (article.published_at is None or article.published_at > now):
            data["published_at"] = now  # "publish" means now, a schedule included
        try:
            save_article(article, data, saved_by=current_user)
        except ContentError as exc:
            db.session.rollback()
            flash(" ".join(exc.errors.values()), "error")
            return redirect(back)
        if wanted == "published":
            record(
                "article.publish", article, _("Published %(article)s", article=_summary(article))
            )
        else:
            record(
                "article.unpublish",
                article,
                _("Unpublished %(article)s", article=_summary(article)),
            )
        done.append(article)
    db.session.commit()
    messages = {
        "publish": ngettext("%(num)d article published.", "%(num)d articles published.", len(done)),
        "unpublish": ngettext(
            "%(num)d article unpublished.", "%(num)d articles unpublished.", len(done)
        ),
        "delete": ngettext("%(num)d article deleted.", "%(num)d articles deleted.", len(done)),
    }
    if done:
        flash(messages[action], "success")
    elif not refused:
        flash(_("The selected articles needed no change."), "info")
    if refused:
        flash(
            _(
                "You may not change these articles, so they were skipped: %(titles)s",
                titles=", ".join(refused),
            ),
            "error",
        )
    return redirect(back)


# -- create and edit ------------------------------------------------------------


def _may_set_status(article: Article | None, data: dict[str, Any]) -> bool:
    """Changing whether an article is published needs the right to publish it."""
    wanted = data.get("status")
    if article is None:
        if wanted in (None, "draft"):
            return True
        return can_publish_article(current_user, Article(author_id=current_user.id))
    if wanted is None or wanted == article.effective_status:
        return True
    return can_publish_article(current_user, article)


def _render_form(form: ArticleForm, article: Article | None, status: int = 200) -> Any:
    form.body.render_kw = {
        **(form.body.render_kw or {}),
        "data-editor-labels": json.dumps(_editor_labels(), ensure_ascii=False),
    }
    image = None
    image_id = parse_id(str(form.image.data or ""))
    if image_id is not None:
        image = db.session.get(Media, image_id)
    return render_template(
        "admin/articles/edit.html",
        form=form,
        article=article,
        image=image,
        thumbnail_url=thumbnail_url,
        editor_assets=editor_assets(),
        time_zone=str(get_timezone()),
    ), status


def _editor_labels() -> dict[str, str]:
    """Names of the editor's toolbar buttons, for screen readers, in the user's language."""
    return {
        "toolbar": _("Formatting"),
        "header": _("Heading level"),
        "bold": _("Bold"),
        "italic": _("Italic"),
        "underline": _("Underline"),
        "strike": _("Strikethrough"),
        "link": _("Link"),
        "list:ordered": _("Numbered list"),
        "list:bullet": _("Bulleted list"),
        "blockquote": _("Quotation"),
        "clean": _("Remove formatting"),
    }


def _save(form: ArticleForm, article: Article | None) -> Any:
    """Validate and store the posted form; re-render it with the messages when refused."""
    creating = article is None
    if not form.validate_on_submit():
        return _render_form(form, article, form_status())
    data = form.article_data(article)
    if not _may_set_status(article, data):
        form.status.errors = [_("You may not publish or unpublish this article.")]
        return _render_form(form, article, 403)
    before = None if article is None else article_state(article)
    was_draft = True if article is None else article.status == "draft"
    try:
        if article is None:
            article = save_article(None, data, author=current_user, saved_by=current_user)
        else:
            save_article(article, data, saved_by=current_user)
        db.session.flush()
    except ContentError as exc:
        db.session.rollback()
        for message in form.show_errors(exc.errors):
            flash(message, "error")
        return _render_form(form, None if creating else article, 422)
    if before is not None and article_state(article) == before:
        db.session.rollback()  # nothing changed: no revision, no audit entry
        flash(_("Nothing changed."), "info")
        return redirect(url_for("admin.article_edit", article_id=article.id))
    summary = _summary(article)
    if creating:
        record("article.create", article, _("Created %(article)s", article=summary))
    else:
        record("article.update", article, _("Changed %(article)s", article=summary))
    if was_draft and article.status != "draft":
        record("article.publish", article, _("Published %(article)s", article=summary))
    elif not was_draft and article.status == "draft":
        record("article.unpublish", article, _("Unpublished %(article)s", article=summary))
    db.session.commit()
    if article.status == "scheduled":
        flash(
            _(
                "Saved. The article will be published on %(when)s.",
                when=datetime_(article.published_at),
            ),
            "success",
        )
    else:
        flash(_("Saved."), "success")
    return redirect(url_for("admin.article_edit", article_id=article.id))


@bp.route("/articles/new", methods=["GET", "POST"])
@role_required(*ANY_ROLE)
def article_new() -> Any:
    """Write a new article; its author is the signed-in user."""
    form = ArticleForm()
    form.set_choices(all_categories(), _media_choices(None))
    return _save(form, None)


@bp.route("/articles/<int:article_id>/edit", methods=["GET", "POST"])
@role_required(*ANY_ROLE)
def article_edit(article_id: int) -> Any:
    """Edit an article (authors: their own); every save keeps the previous version."""
    article = _editable(article_id)
    form = ArticleForm() if request.method == "POST" else ArticleForm.for_article(article)
    form.set_choices(all_categories(), _media_choices(article))
    return _save(form, article)


@bp.route("/articles/<int:article_id>/delete", methods=["POST"])
@role_required(*ANY_ROLE)
def article_delete(article_id: int) -> Any:
    """Delete an article and its revisions."""
    article = _editable(article_id)
    if article.is_public and not can_publish_article(current_user, article):
        abort(403)
    record("article.delete", article, _("Deleted %(article)s", article=_summary(article)))
    delete_article(article)
    db.session.commit()
    flash(_("Article deleted."), "success")
    return redirect(url_for("admin.articles"))


# -- preview --------------------------------------------------------------------


class PreviewArticle:
    """An article as its preview shows it: a draft without a publish time reads "now"."""

    def __init__(self, article: Article) -> None:
        self._article = article
        #: The stored publish time, else the time of the preview.
        self.published_at = article.published_at or utcnow()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._article, name)


_BODY_TAG = re.compile(r"<body\b[^>]*>", re.IGNORECASE)
_HEAD_END = re.compile(r"</head\s*>", re.IGNORECASE)


@bp.route("/articles/<int:article_id>/preview")
@role_required(*ANY_ROLE)
def article_preview(article_id: int) -> Any:
    """The article as readers would see it in the active theme, under a "Preview" banner."""
    article = _editable(article_id)
    shown = PreviewArticle(article)
    g.cms_page = {"kind": "article", "article": shown}
    html = render("public/article.html", article=shown, preview=True)
    banner = render_template("admin/articles/_preview_banner.html", article=article)
    style = str(
        Markup('<link rel="stylesheet" href="{}">').format(
            url_for("static", filename="admin/editor.css")
        )
    )
    head = _HEAD_END.search(html)
    if head:
        html = html[: head.start()] + style + html[head.start() :]
    body = _BODY_TAG.search(html)
    at = body.end() if body else 0
    html = html[:at] + banner + html[at:]
    response = Response(html, mimetype="text/html")
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    response.headers["Cache-Control"] = "private, no-store"
    return response


# -- revisions ------------------------------------------------------------------


@bp.route("/articles/<int:article_id>/revisions")
@role_required(*ANY_ROLE)
def article_revisions_list(article_id: int) -> Any:
    """The saved versions of an article, newest first."""
    article = _editable(article_id)
    page = page_number()
    entries, total = article_revisions(article, page=page, per_page=REVISIONS_PER_PAGE)
    if page > last_page(total, REVISIONS_PER_PAGE):
        abort(404)
    latest = latest_revision(article)
    return render_template(
        "admin/articles/revisions.html",
        article=article,
        entries=entries,
        total=total,
        page=page,
        per_page=REVISIONS_PER_PAGE,
        current_by=(latest.saved_by if latest else article.author),
    )


@bp.route("/articles/<int:article_id>/revisions/<int:revision_id>")
@role_required(*ANY_ROLE)
def article_revision(article_id: int, revision_id: int) -> Any:
    """One revision compared with the current version."""
    article = _editable(article_id)
    revision = find_revision(article, revision_id)
    if revision is None:
        abort(404)
    changes = compare(revision, article)
    return render_template(
        "admin/articles/compare.html",
        article=article,
        revision=revision,
        changed=[c for c in changes if c.changed],
        unchanged=[c for c in changes if not c.changed],
        missing=missing_references(revision),
    )


@bp.route("/articles/<int:article_id>/revisions/<int:revision_id>/restore", methods=["POST"])
@role_required(*ANY_ROLE)
def article_revision_restore(article_id: int, revision_id: int) -> Any:
    """Bring back a revision; the version it replaces becomes a revision in turn."""
    article = _editable(article_id)
    revision = find_revision(article, revision_id)
    if revision is None:
        abort(404)
    missing = missing_references(revision)
    try:
        restore_revision(article, revision, saved_by=current_user)
    except ContentError as exc:
        db.session.rollback()
        flash(" ".join(exc.errors.values()), "error")
        return redirect(
            url_for("admin.article_revision", article_id=article_id, revision_id=revision_id)
        )

    when = datetime_(revision.created_at)
    record(
        "article.restore",
        article,
        _(
            "Restored %(article)s to its version replaced on %(when)s",
            article=_summary(article),
            when=when,
        ),
        revision_id=revision.id,
    )
    db.session.commit()
    flash(_("The version replaced on %(when)s has been restored.", when=when), "success")
    if missing:
        flash(
            _("These no longer exist and were left empty: %(fields)s", fields=", ".join(missing)),
            "error",
        )
    return redirect(url_for("admin.article_edit", article_id=article.id))
