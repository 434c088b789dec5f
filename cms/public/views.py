"""Views of the public site. They stay thin: content comes from :mod:`cms.content`."""

from __future__ import annotations

import time
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    g,
    jsonify,
    redirect,
    request,
    send_from_directory,
)
from sqlalchemy import select, text
from werkzeug.wrappers import Response as BaseResponse

from cms.content import (
    filter_articles,
    find_article,
    find_category,
    find_page,
    find_tag,
    get_setting,
    latest_articles,
    paginate,
    public_articles,
)
from cms.content.articles import promote_due_articles, record_view, related_by_category
from cms.content.pages import menu_pages
from cms.content.search import query_terms
from cms.content.slugs import lookup_old_slug
from cms.content.taxonomy import category_tree
from cms.extensions import db
from cms.models import Article, Category, Page, Tag
from cms.plugins import call_hook
from cms.public import urls
from cms.themes import render

bp = Blueprint("public", __name__)

#: Longest search query accepted, in characters.
SEARCH_MAX = 200
#: How often (seconds) each process turns due scheduled articles into published ones.
PROMOTE_EVERY = 30.0
#: Most URLs in the sitemap.
SITEMAP_MAX = 50_000
#: Words in a User-Agent that mark a crawler, whose visits are not counted.
BOT_MARKERS = ("bot", "crawl", "spider", "slurp", "fetch", "preview", "monitor", "curl", "wget")

_last_promotion = 0.0


@bp.record_once
def _register_globals(state: Any) -> None:
    state.app.jinja_env.globals.update(urls.TEMPLATE_GLOBALS)
    state.app.jinja_env.globals.update(
        site=get_setting, category_tree=category_tree, menu_pages=menu_pages
    )


@bp.before_app_request
def _promote_scheduled() -> None:
    global _last_promotion
    now = time.monotonic()
    if now - _last_promotion >= PROMOTE_EVERY and not request.path.startswith("/static"):
        _last_promotion = now
        promote_due_articles()


def render_page(kind: str, obj: Any, template: str, **context: Any) -> str:
    """Render a public page, telling regions what it shows and plugins that it was viewed."""
    g.cms_page = {"kind": kind, kind: obj} if obj is not None else {"kind": kind}
    html = render(template, **context)
    call_hook("page_view", kind=kind, obj=obj, request=request)
    return html


def _page_number() -> int:
    page = request.args.get("page", 1, type=int)
    if page < 1:
        abort(404)
    return page


def _per_page() -> int:
    return int(get_setting("per_page") or current_app.config["PER_PAGE"])


@bp.route("/healthz")
def healthz() -> Any:
    """200 ``{"status": "ok"}`` when the database answers, else 503."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any database failure means unhealthy
        current_app.logger.exception("health check failed")
        return jsonify(status="error"), 503
    return jsonify(status="ok")


@bp.route("/")
def home() -> str:
    """The front page: the newest articles and a block per top-level category."""
    latest = latest_articles(11)
    blocks = []
    for category in category_tree():
        if not category.show_on_home:
            continue
        query = filter_articles(public_articles(), category=category)
        items = list(db.session.execute(query.limit(5)).unique().scalars())
        if items:
            blocks.append((category, items))
    html = render_page("home", None, "public/home.html", latest=latest, blocks=blocks)
    return html


@bp.route("/search")
def search() -> Any:
    """Search published articles; diacritics and case do not matter."""
    q = request.args.get("q", "")[:SEARCH_MAX].strip()
    page = _page_number()
    items: list[Article] = []
    total = 0
    if query_terms(q):
        items, total = paginate(filter_articles(public_articles(), q=q), page, _per_page())
    return render_page(
        "search",
        None,
        "public/search.html",
        q=q,
        items=items,
        total=total,
        page=page,
        per_page=_per_page(),
    )


@bp.route("/tag/<slug>")
def tag(slug: str) -> Any:
    """Articles with one tag."""
    found = find_tag(slug)
    if found is None:
        old = lookup_old_slug("tag", slug)
        target = db.session.get(Tag, old) if old else None
        if target is None:
            abort(404)
        return redirect(urls.tag_url(target), 301)
    page = _page_number()
    items, total = paginate(filter_articles(public_articles(), tag=found), page, _per_page())
    if page > 1 and not items:
        abort(404)
    return render_page(
        "tag",
        found,
        "public/tag.html",
        tag=found,
        items=items,
        total=total,
        page=page,
        per_page=_per_page(),
    )


@bp.route("/feed.xml")
def feed() -> Response:
    """Atom feed of the newest articles."""
    return _feed(latest_articles(20), None)


def _feed(items: list[Article], category: Category | None) -> Response:
    updated = max((a.updated_at for a in items), default=None)
    xml = render("public/feed.xml", items=items, category=category, updated=updated)
    return Response(xml, mimetype="application/atom+xml")


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """The sitemap: home, categories, pages and the newest public articles."""
    articles = _sitemap_articles()
    categories = db.session.execute(select(Category)).scalars().all()
    pages = db.session.execute(select(Page).where(Page.status == "published")).scalars().all()
    xml = render("public/sitemap.xml", articles=articles, categories=categories, pages=pages)
    return Response(xml, mimetype="application/xml")


def _sitemap_articles() -> list[Article]:
    query = public_articles().limit(SITEMAP_MAX)
    return list(db.session.execute(query).unique().scalars())


@bp.route("/robots.txt")
def robots() -> Response:
    """Crawlers may read everything but the back office and the API."""
    from flask import url_for

    body = "\n".join(
        [
            "User-agent: *",
            "Disallow: /admin/",
            "Disallow: /api/",
            f"Sitemap: {url_for('public.sitemap', _external=True)}",
            "",
        ]
    )
    return Response(body, mimetype="text/plain")


@bp.route("/media/<path:filename>")
def media(filename: str) -> Response:
    """Serve an uploaded or generated media file."""
    response = send_from_directory(current_app.config["MEDIA_DIR"], filename, max_age=86_400)
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/<path:path>")
def resolve(path: str) -> Any:
    """Articles, category listings and feeds under their prefixes; pages everywhere else."""
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] in ("api", "admin"):  # their own blueprints answer there
        abort(404)
    article_prefix = get_setting("article_prefix")
    category_prefix = get_setting("category_prefix")
    if len(parts) == 2 and parts[0] == article_prefix:
        return article(parts[1])
    if parts[0] == category_prefix and len(parts) in (2, 3):
        if len(parts) == 3:
            if parts[2] != "feed.xml":
                abort(404)
            return category_feed(parts[1])
        return category(parts[1])
    return page(parts)


def article(slug: str) -> Any:
    """One article, with its category's latest; an old slug redirects (301)."""
    found = find_article(slug)
    if found is None:
        old = lookup_old_slug("article", slug)
        target = db.session.get(Article, old) if old else None
        if target is not None and target.is_public:
            return redirect(urls.article_url(target), 301)
        abort(404)
    if not found.is_public:
        abort(404)
    if not _is_bot():
        record_view(found.id)
    related = related_by_category(found)
    return render_page("article", found, "public/article.html", article=found, related=related)


def _is_bot() -> bool:
    agent = (request.user_agent.string or "").lower()
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def _category_or_redirect(slug: str, suffix: str = "") -> Category | BaseResponse:
    found = find_category(slug)
    if found is None:
        old = lookup_old_slug("category", slug)
        target = db.session.get(Category, old) if old else None
        if target is None:
            abort(404)
        return redirect(urls.category_url(target) + suffix, 301)
    return found


def category(slug: str) -> Any:
    """A category listing with its sub-categories' articles, paginated."""
    found = _category_or_redirect(slug)
    if isinstance(found, BaseResponse):
        return found
    page = _page_number()
    items, total = paginate(filter_articles(public_articles(), category=found), page, _per_page())
    if page > 1 and not items:
        abort(404)
    return render_page(
        "category",
        found,
        "public/category.html",
        category=found,
        items=items,
        total=total,
        page=page,
        per_page=_per_page(),
    )


def category_feed(slug: str) -> Any:
    """Atom feed of one category."""
    found = _category_or_redirect(slug, "/feed.xml")
    if isinstance(found, BaseResponse):
        return found
    query = filter_articles(public_articles(), category=found)
    items = list(db.session.execute(query.limit(20)).unique().scalars())
    return _feed(items, found)


def page(parts: list[str]) -> Any:
    """A page by its path of slugs; a wrong parent path or an old slug redirects (301)."""
    slug = parts[-1]
    found = find_page(slug)
    if found is None:
        old = lookup_old_slug("page", slug)
        found = db.session.get(Page, old) if old else None
        if found is None or not found.is_public:
            abort(404)
        return redirect(urls.page_url(found), 301)
    if not found.is_public:
        abort(404)
    if found.path != "/".join(parts):
        return redirect(urls.page_url(found), 301)
    return render_page("page", found, "public/page.html", page=found)
