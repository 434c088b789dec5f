"""JSON API v1 views: articles, pages, categories and tags under ``/api/v1``.

Views stay thin: :mod:`cms.api.validation` reads and checks the request,
:mod:`cms.content` does the work, :mod:`cms.api.serializers` shapes the
answer. A refused request (any :class:`~cms.api.errors.ApiError`) is rolled
back before it is answered, so a failed write stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from flask import Response, jsonify, url_for
from flask_babel import gettext as _
from sqlalchemy import Select, select

from cms.api import auth, openapi
from cms.api.core import bp
from cms.api.errors import forbidden, invalid, not_found, unauthorized
from cms.api.serializers import article_json, articles_json, category_json, page_json, tag_json
from cms.api.validation import (
    ARTICLE,
    CATEGORY,
    MAX_ID,
    PAGE,
    TAG,
    Resource,
    choice_arg,
    page_args,
    parse_fields,
    read_json_object,
    text_arg,
)
from cms.audit import record
from cms.content import (
    ContentError,
    delete_article,
    delete_category,
    delete_page,
    delete_tag,
    filter_articles,
    find_category,
    find_tag,
    make_slug,
    paginate,
    public_articles,
    save_article,
    save_category,
    save_page,
    save_tag,
)
from cms.content.taxonomy import find_tag_by_old_slug
from cms.extensions import db
from cms.models import (
    ARTICLE_STATUSES,
    PAGE_STATUSES,
    Article,
    Category,
    Page,
    Tag,
    User,
    utcnow,
)

T = TypeVar("T")


# -- helpers ------------------------------------------------------------------


def get_or_404(model: type[T], object_id: str) -> T:
    """The object of ``model`` whose id is ``object_id`` (from the URL); else a JSON 404.

    Item routes take any path segment (not ``<int:...>``) so that a malformed
    id is a 404 of the API for every method, not a 405 of the public site's
    catch-all route.
    """
    valid = object_id.isascii() and object_id.isdigit() and 0 < int(object_id) <= MAX_ID
    obj = db.session.get(model, int(object_id)) if valid else None
    if obj is None:
        raise not_found()
    return obj


def list_response(
    query: Select,
    serialize: Callable[[Any], dict[str, Any]],
    page: int,
    per_page: int,
    *,
    serialize_all: Callable[[list[Any]], list[dict[str, Any]]] | None = None,
) -> Response:
    """One page of ``query``: ``{"items", "page", "per_page", "total"}``.

    ``serialize_all``, when given, turns the whole page at once (one read for all).
    """
    items, total = paginate(query, page, per_page)
    body = serialize_all(items) if serialize_all else [serialize(item) for item in items]
    return jsonify(items=body, page=page, per_page=per_page, total=total)


def created(body: dict[str, Any], endpoint: str, **values: Any) -> Response:
    """201 with the whole object and its ``Location``."""
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = url_for(endpoint, _external=True, **values)
    return response


def no_content() -> Response:
    """204, empty."""
    return Response(status=204)


def audit(action: str, obj: Any, label: str, user: User) -> None:
    """Record an API write in the audit log (committed with the write)."""
    summary = _("%(action)s via the API: %(label)s", action=action, label=label)
    record(action, obj, summary, user=user)


def save(resource: Resource, call: Callable[[], T]) -> T:
    """Run a content service; its :class:`ContentError` becomes a 422 in the API's names."""
    try:
        result = call()
        db.session.flush()
    except ContentError as exc:
        raise invalid(resource.api_errors(exc.errors)) from exc
    return result


# -- articles -----------------------------------------------------------------


def articles_with_status(status: str | None) -> Select:
    """Articles of a status, in the order that status is usually read in."""
    if status in (None, "published"):
        return public_articles()
    query = select(Article).where(Article.status == status)
    if status == "scheduled":
        return query.where(Article.published_at > utcnow()).order_by(
            Article.published_at, Article.id
        )
    return query.order_by(Article.updated_at.desc(), Article.id.desc())


def category_arg() -> Category | None:
    """The ``category`` filter: an id or a slug; a 404 when no category matches."""
    value = text_arg("category")
    if value is None:
        return None
    by_id = value.isascii() and value.isdigit() and int(value) <= MAX_ID
    category = (db.session.get(Category, int(value)) if by_id else None) or find_category(value)
    if category is None:
        raise not_found(_("No such category."))
    return category


def tag_arg() -> Tag | None:
    """The ``tag`` filter: a slug or a name; a 404 when no tag matches."""
    value = text_arg("tag")
    if value is None:
        return None
    tag = (
        find_tag(value)
        or db.session.execute(select(Tag).where(Tag.name == value)).scalar()
        or (find_tag(make_slug(value)) if make_slug(value) else None)
        or find_tag_by_old_slug(make_slug(value) or value)  # a renamed tag's old name
    )
    if tag is None:
        raise not_found(_("No such tag."))
    return tag


@bp.get("/articles")
def list_articles() -> Response:
    """Public articles, newest first; editors may list drafts and scheduled ones by ``status``."""
    user = auth.current_user()
    page, per_page = page_args()
    status = choice_arg("status", ARTICLE_STATUSES)
    if status not in (None, "published") and not auth.is_editor(user):
        if user is None:
            raise unauthorized()
        raise forbidden()
    q = text_arg("q")
    query = filter_articles(
        articles_with_status(status), category=category_arg(), tag=tag_arg(), q=q or None
    )
    return list_response(query, article_json, page, per_page, serialize_all=articles_json)


@bp.get("/articles/<article_id>")
def get_article(article_id: str) -> Response:
    """One article: public ones for anyone, others for those who may edit them."""
    article = get_or_404(Article, article_id)
    if not auth.can_read_article(auth.current_user(), article):
        raise not_found()
    return jsonify(article_json(article))


@bp.post("/articles")
def create_article() -> Response:
    """Create an article; its author is the token's user."""
    user = auth.require_user()
    data = parse_fields(ARTICLE, read_json_object(), creating=True)
    article = save(ARTICLE, lambda: save_article(None, data, author=user, saved_by=user))
    audit("article.create", article, article.title, user)
    db.session.commit()
    return created(article_json(article), "api.get_article", article_id=article.id)


@bp.route("/articles/<article_id>", methods=["PATCH", "PUT"])
def update_article(article_id: str) -> Response:
    """Change some fields of an article (PUT is taken as PATCH)."""
    user = auth.require_user()
    article = get_or_404(Article, article_id)
    if not auth.can_read_article(user, article):
        raise not_found()
    auth.require_article_editor(user, article)
    data = parse_fields(ARTICLE, read_json_object(), creating=False)
    save(ARTICLE, lambda: save_article(article, data, saved_by=user))
    audit("article.update", article, article.title, user)
    db.session.commit()
    return jsonify(article_json(article))


@bp.delete("/articles/<article_id>")
def remove_article(article_id: str) -> Response:
    """Delete an article."""
    user = auth.require_user()
    article = get_or_404(Article, article_id)
    if not auth.can_read_article(user, article):
        raise not_found()
    auth.require_article_editor(user, article)
    audit("article.delete", article, article.title, user)
    delete_article(article)
    db.session.commit()
    return no_content()


# -- pages --------------------------------------------------------------------


@bp.get("/pages")
def list_pages() -> Response:
    """Published pages in menu order; editors may list drafts by ``status``."""
    user = auth.current_user()
    page, per_page = page_args()
    status = choice_arg("status", PAGE_STATUSES)
    if status is not None and status != "published" and not auth.is_editor(user):
        if user is None:
            raise unauthorized()
        raise forbidden()
    query = (
        select(Page)
        .where(Page.status == (status or "published"))
        .order_by(Page.position, Page.title, Page.id)
    )
    return list_response(query, page_json, page, per_page)


@bp.get("/pages/<page_id>")
def get_page(page_id: str) -> Response:
    """One page: published ones for anyone, drafts for editors."""
    page = get_or_404(Page, page_id)
    if not page.is_public and not auth.is_editor(auth.current_user()):
        raise not_found()
    return jsonify(page_json(page))


@bp.post("/pages")
def create_page() -> Response:
    """Create a page (editors)."""
    user = auth.require_editor()
    data = parse_fields(PAGE, read_json_object(), creating=True)
    page = save(PAGE, lambda: save_page(None, data, author=user))
    audit("page.create", page, page.title, user)
    db.session.commit()
    return created(page_json(page), "api.get_page", page_id=page.id)


@bp.route("/pages/<page_id>", methods=["PATCH", "PUT"])
def update_page(page_id: str) -> Response:
    """Change some fields of a page (editors; PUT is taken as PATCH)."""
    user = auth.require_editor()
    page = get_or_404(Page, page_id)
    data = parse_fields(PAGE, read_json_object(), creating=False)
    save(PAGE, lambda: save_page(page, data))
    audit("page.update", page, page.title, user)
    db.session.commit()
    return jsonify(page_json(page))


@bp.delete("/pages/<page_id>")
def remove_page(page_id: str) -> Response:
    """Delete a page; its sub-pages move up to its parent, taking its place (editors)."""
    user = auth.require_editor()
    page = get_or_404(Page, page_id)
    audit("page.delete", page, page.title, user)
    delete_page(page)
    db.session.commit()
    return no_content()


# -- categories ---------------------------------------------------------------


@bp.get("/categories")
def list_categories() -> Response:
    """Every category, by position then name."""
    page, per_page = page_args()
    query = select(Category).order_by(Category.position, Category.name, Category.id)
    return list_response(query, category_json, page, per_page)


@bp.get("/categories/<category_id>")
def get_category(category_id: str) -> Response:
    """One category."""
    return jsonify(category_json(get_or_404(Category, category_id)))


@bp.post("/categories")
def create_category() -> Response:
    """Create a category (editors)."""
    user = auth.require_editor()
    data = parse_fields(CATEGORY, read_json_object(), creating=True)
    category = save(CATEGORY, lambda: save_category(None, data))
    audit("category.create", category, category.name, user)
    db.session.commit()
    return created(category_json(category), "api.get_category", category_id=category.id)


@bp.route("/categories/<category_id>", methods=["PATCH", "PUT"])
def update_category(category_id: str) -> Response:
    """Change some fields of a category (editors; PUT is taken as PATCH)."""
    user = auth.require_editor()
    category = get_or_404(Category, category_id)
    data = parse_fields(CATEGORY, read_json_object(), creating=False)
    save(CATEGORY, lambda: save_category(category, data))
    audit("category.update", category, category.name, user)
    db.session.commit()
    return jsonify(category_json(category))


@bp.delete("/categories/<category_id>")
def remove_category(category_id: str) -> Response:
    """Delete a category; its articles and sub-categories stay, without it (editors)."""
    user = auth.require_editor()
    category = get_or_404(Category, category_id)
    audit("category.delete", category, category.name, user)
    delete_category(category)
    db.session.commit()
    return no_content()


# -- tags ---------------------------------------------------------------------


@bp.get("/tags")
def list_tags() -> Response:
    """Every tag, by name."""
    page, per_page = page_args()
    return list_response(select(Tag).order_by(Tag.name, Tag.id), tag_json, page, per_page)


@bp.get("/tags/<tag_id>")
def get_tag(tag_id: str) -> Response:
    """One tag."""
    return jsonify(tag_json(get_or_404(Tag, tag_id)))


@bp.post("/tags")
def create_tag() -> Response:
    """Create a tag (editors; authors make tags by naming them on an article)."""
    user = auth.require_editor()
    data = parse_fields(TAG, read_json_object(), creating=True)
    tag = save(TAG, lambda: save_tag(None, data))
    audit("tag.create", tag, tag.name, user)
    db.session.commit()
    return created(tag_json(tag), "api.get_tag", tag_id=tag.id)


@bp.route("/tags/<tag_id>", methods=["PATCH", "PUT"])
def update_tag(tag_id: str) -> Response:
    """Rename a tag or change its slug (editors; PUT is taken as PATCH)."""
    user = auth.require_editor()
    tag = get_or_404(Tag, tag_id)
    data = parse_fields(TAG, read_json_object(), creating=False)
    save(TAG, lambda: save_tag(tag, data))
    audit("tag.update", tag, tag.name, user)
    db.session.commit()
    return jsonify(tag_json(tag))


@bp.delete("/tags/<tag_id>")
def remove_tag(tag_id: str) -> Response:
    """Delete a tag; articles lose it (editors)."""
    user = auth.require_editor()
    tag = get_or_404(Tag, tag_id)
    audit("tag.delete", tag, tag.name, user)
    delete_tag(tag)
    db.session.commit()
    return no_content()


# -- the document -------------------------------------------------------------


@bp.get("/openapi.json")
def openapi_document() -> Response:
    """The OpenAPI 3.1 description of this API."""
    return jsonify(openapi.document())
