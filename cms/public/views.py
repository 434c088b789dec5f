"""Views of the public site. They stay thin: content comes from :mod:`cms.content`."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

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
    url_for,
)
from markupsafe import Markup
from sqlalchemy import false, select, text
from sqlalchemy.exc import SQLAlchemyError
from werkzeug.exceptions import HTTPException
from werkzeug.local import LocalProxy
from werkzeug.wrappers import Response as BaseResponse

from cms import fragments, generations, page_cache
from cms.content import (
    filter_articles,
    find_article,
    find_category,
    find_page,
    find_tag,
    get_setting,
    latest_articles,
    public_articles,
)
from cms.content.articles import (
    article_stamp,
    category_and_descendant_ids,
    category_blocks,
    promote_due_articles,
)
from cms.content.identity import article_id_uri, feed_id_uri
from cms.content.pages import menu_pages
from cms.content.search import SEARCH_LIMIT, query_terms
from cms.content.slugs import lookup_old_slug
from cms.content.taxonomy import categories, category_tree, public_category
from cms.db import database_trouble, short_lock_wait
from cms.extensions import db
from cms.models import Article, Category, Page, Tag
from cms.page_cache.tags import page_tags as tag_names
from cms.page_view import PageIdentity
from cms.paging import PAGE_MAX, PER_PAGE_MAX, bounded, page_or_404, parse_positive
from cms.plugins.registry import registry
from cms.public import feeds, urls
from cms.site_url import is_current, redirect_keeping_query
from cms.themes import render

bp = Blueprint("public", __name__)

#: Longest search query accepted, in characters.
SEARCH_MAX = 200
#: How often (seconds) each process turns due scheduled articles into published ones.
PROMOTE_EVERY = 30.0

_last_promotion = 0.0


@bp.record_once
def _register_globals(state: Any) -> None:
    state.app.jinja_env.globals.update(urls.TEMPLATE_GLOBALS)
    state.app.jinja_env.globals.update(
        site=get_setting,
        category_tree=category_tree,
        menu_pages=menu_pages,
        layout_fragment=fragments.layout_fragment,
    )
    # The page cache runs it on its hits too.
    state.app.extensions.setdefault("cms_page_tasks", []).append(promote_when_due)


@bp.before_app_request
def _promote_scheduled() -> None:
    if not request.path.startswith("/static"):
        promote_when_due()


def promote_when_due() -> None:
    """Promote due scheduled articles, at most every ``PROMOTE_EVERY`` seconds per process.

    Needs an app context. A locked database is not waited for beyond
    ``PROMOTION_LOCK_WAIT``: a later request tries again.
    """
    global _last_promotion
    now = time.monotonic()
    if now - _last_promotion >= PROMOTE_EVERY:
        _last_promotion = now
        try:  # a reader never waits for a lock to promote: it is done on a later request
            with short_lock_wait(float(current_app.config["PROMOTION_LOCK_WAIT"])):
                promote_due_articles()
        except SQLAlchemyError as exc:
            if database_trouble(exc) is None:
                raise
            db.session.rollback()
            _last_promotion = now - PROMOTE_EVERY  # the database is busy: retry next request


def refuse_page_number() -> None:
    """Redirect (301) a request for a page that is not a list to its URL without ``?page=``.

    The page cache keys pages by ``page`` (``PAGE_CACHE_QUERY_PARAMS``), so
    ``/article?page=7`` would otherwise be rendered afresh for every number
    while the page never reads it. Other parameters are kept. Raises the
    redirect (:func:`flask.abort`); returns when there is no ``page``.
    """
    if "page" in request.args:
        abort(redirect_keeping_query(request.script_root + request.path, without=("page",)))


#: Page kinds whose lists are split into pages by ``?page=``.
PAGED_KINDS = frozenset({"category", "tag", "search"})


def render_page(
    kind: str,
    obj: Any,
    template: str,
    *,
    page_tags: Sequence[str] | None = None,
    **context: Any,
) -> str:
    """Render a public page of ``kind`` showing ``obj`` (an ORM row, or ``None``).

    ``obj`` gives the page's identity (its ``id`` and category); the row the
    regions see is ``context[kind]`` when given (the whole row, where ``obj``
    has a few columns only). ``page_tags`` are the page cache's tags when the
    caller has them (else worked out from ``obj``).

    A ``?page=`` on a kind that is not in :data:`PAGED_KINDS` is answered
    with a redirect to the URL without it (:func:`refuse_page_number`).

    Sets ``g.cms_page`` (kind and row, for the regions) and ``g.cms_page_identity``
    (a :class:`~cms.page_view.PageIdentity`: plain values), from which the
    ``page_view`` event fires once the answer's status is known
    (:func:`cms.page_view.init_app`).
    """
    shown = context.get(kind, obj)
    g.cms_page = {"kind": kind, kind: shown} if obj is not None else {"kind": kind}
    if kind == "category":
        category_id = getattr(obj, "id", None)
    else:
        category_id = getattr(obj, "category_id", None)
    identity = g.cms_page_identity = PageIdentity(
        kind=kind,
        object_id=getattr(obj, "id", None),
        path=request.path,
        category_id=category_id,
    )
    if kind not in PAGED_KINDS:
        refuse_page_number()
    if kind != "search" and page_cache.current_record() is not None:
        listed = category_and_descendant_ids(obj) if kind == "category" else ()
        paged = ("page",) if kind in PAGED_KINDS else ()
        tags = tag_names(kind, obj, listed) if page_tags is None else page_tags
        page_cache.record_page(identity, *tags, query_params=paged)
    return render(template, **context)


def _per_page() -> int:
    default = bounded(current_app.config["PER_PAGE"], 10, PER_PAGE_MAX)
    return bounded(get_setting("per_page"), default, PER_PAGE_MAX)


@bp.route("/healthz")
def healthz() -> Any:
    """200 ``{"status": "ok"}`` when the database answers, else 503 ``{"status": "error"}``.

    The 503 carries ``Retry-After`` (``DATABASE_RETRY_AFTER`` seconds).
    """
    try:
        db.session.execute(text("SELECT 1"))
    except Exception as exc:  # any database failure means unhealthy
        current_app.logger.warning("health check failed: %s", (str(exc).splitlines() or [""])[0])
        try:
            db.session.rollback()
        except SQLAlchemyError:
            current_app.logger.debug("rollback after a failed health check failed")
        response = jsonify(status="error")
        response.status_code = 503
        response.headers["Retry-After"] = str(int(current_app.config["DATABASE_RETRY_AFTER"]))
        return response
    return jsonify(status="ok")


@bp.route("/")
def home() -> str:
    """The front page: the newest articles and a block per top-level category."""
    latest = latest_articles(11)
    blocks = category_blocks([c for c in category_tree() if c.show_on_home], per_block=5)
    html = render_page("home", None, "public/home.html", latest=latest, blocks=blocks)
    return html


@bp.route("/search")
def search() -> Any:
    """Search published articles; diacritics and case do not matter."""
    q = request.args.get("q", "")[:SEARCH_MAX].strip()
    query = select(Article).where(false())  # no searchable word: an empty list
    if query_terms(q):
        query = filter_articles(public_articles(), q=q)
    listing = page_or_404(query, _per_page())
    return render_page(
        "search",
        None,
        "public/search.html",
        q=q,
        items=listing.items,
        total=listing.total,
        capped=listing.total >= SEARCH_LIMIT,  # only the newest matches are listed
        page=listing.page,
        per_page=listing.per_page,
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
        return redirect_keeping_query(urls.tag_url(target))
    if not is_current(urls.tag_url(found)):
        return redirect_keeping_query(urls.tag_url(found))
    listing = page_or_404(filter_articles(public_articles(), tag=found), _per_page())
    return render_page(
        "tag",
        found,
        "public/tag.html",
        tag=found,
        items=listing.items,
        total=listing.total,
        page=listing.page,
        per_page=listing.per_page,
    )


@bp.route("/feed.xml")
def feed() -> Response:
    """Atom feed of the newest articles."""
    return _feed(latest_articles(feeds.FEED_SIZE), None)


def _feed(items: list[Article], category: Category | None) -> Response:
    """An Atom feed (RFC 4287) of ``items``: permanent ids, absolute URLs, valid XML 1.0."""
    refuse_page_number()
    feed_id = feed_id_uri(category.id if category is not None else None)
    updated = max((a.updated_at for a in items), default=None)
    xml = render(
        "public/feed.xml",
        items=items,
        category=category,
        updated=updated,
        feed_id=feed_id,
        entry_id=lambda a: article_id_uri(a.id),
        entry_html=lambda a, link: feeds.absolute_html(a.body_html or "", link),
        atom_date=feeds.atom_date,
    )
    page_cache.record_page(PageIdentity("other", path=request.path), page_cache.LISTS)
    return feeds.xml_response(xml, "application/atom+xml")


@bp.route("/sitemap.xml")
def sitemap() -> Response:
    """The sitemap of every public URL; over ``SITEMAP_MAX`` URLs, an index of numbered files."""
    refuse_page_number()
    found = feeds.Sitemap()
    if found.is_index:
        locs = [
            url_for("public.sitemap_file", number=str(n), _external=True)
            for n in range(1, found.files + 1)
        ]
        return feeds.xml_response(render("public/sitemap_index.xml", sitemaps=locs))
    return _urlset(found, 1)


@bp.route("/sitemap-<number>.xml")
def sitemap_file(number: str) -> Response:
    """File ``number`` (from 1) of a sitemap index; 404 for one the index does not list."""
    index = parse_positive(number, PAGE_MAX)
    if index is None:
        abort(404)
    found = feeds.Sitemap()
    if not found.is_index or index > found.files:
        abort(404)
    return _urlset(found, index)


def _urlset(found: feeds.Sitemap, number: int) -> Response:
    """One ``urlset``: the URLs of file ``number`` of ``found``."""
    refuse_page_number()
    xml = render("public/sitemap.xml", urls=found.urls(number))
    page_cache.record_page(PageIdentity("other", path=request.path), page_cache.LISTS)
    return feeds.xml_response(xml)


@bp.route("/robots.txt")
def robots() -> Response:
    """Crawlers may read everything but the back office, the API and what active plugins keep.

    Plugins name their paths in ``Plugin.robots_disallow`` (RFC 9309).
    """
    plugins = registry()
    kept = [
        path for name in plugins.enabled_names() for path in plugins.plugins[name].robots_disallow
    ]
    paths = ["/admin/", "/api/", *dict.fromkeys(kept)]
    body = "\n".join(
        [
            "User-agent: *",
            *(f"Disallow: {path}" for path in paths),
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


@bp.route("/favicon.ico")
def favicon() -> BaseResponse:
    """The site icon browsers ask for on their own: the chosen image (302), else the default.

    Pages name the same file in ``<link rel="icon">`` (:func:`cms.public.urls.favicon_url`).
    """
    chosen = urls.favicon_url()
    default = url_for("static", filename="favicon.ico")
    if chosen != default:
        response = redirect(chosen, 302)
        response.headers["Cache-Control"] = "public, max-age=3600"
        return response
    return send_from_directory(
        current_app.static_folder or "", "favicon.ico", max_age=86_400, mimetype="image/x-icon"
    )


@bp.route("/<path:path>")
def resolve(path: str) -> Any:
    """Articles, category listings and feeds under their prefixes; pages everywhere else.

    Public URLs have no trailing slash: with one, a path that another public
    route answers redirects there (301, query string kept), and content found
    here redirects to its canonical URL.
    """
    parts = [p for p in path.split("/") if p]
    if not parts or parts[0] in ("api", "admin"):  # their own blueprints answer there
        abort(404)
    if path.endswith("/"):
        elsewhere = _without_trailing_slash()
        if elsewhere is not None:
            return elsewhere
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


def _without_trailing_slash() -> Any | None:
    """For a path ending in ``/``: the answer of the route matching it without, if not content.

    ``None`` when no route but this catch-all matches the slashless path: the
    content views then answer (a 301 to the canonical URL, or 404).
    """
    stripped = "/" + request.path.strip("/")
    adapter = current_app.create_url_adapter(request)
    if adapter is None:
        return None
    try:
        endpoint, values = adapter.match(stripped, method="GET")
    except HTTPException:  # no such route, or one that wants the slash
        return None
    if endpoint == "public.resolve":
        return None
    if endpoint == "public.tag":
        return tag(**values)  # straight to the tag's current URL, or 404
    return redirect_keeping_query(request.script_root + stripped)


#: The generation counters of what an article's fragments show: the article, its
#: tags and its category's other articles, category names, images, author names,
#: settings (URL prefixes, the site's name), and what plugins add to the meta line
#: (the ``article_meta`` hook: the plugin states and the plugins' own counter).
ARTICLE_COUNTERS = (
    generations.ARTICLES,
    generations.ARTICLE_META,
    generations.PLUGINS,
    generations.CATEGORIES,
    generations.MEDIA,
    generations.USERS,
    generations.SETTINGS,
)


class ArticleParts(NamedTuple):
    """The rendered parts of an article page that :mod:`cms.fragments` keeps."""

    #: The ``<title>`` text.
    title: str
    #: The ``<head>`` elements: description, canonical link, Open Graph, JSON-LD.
    head: Markup
    #: The article itself: breadcrumbs, title, meta line, image, body, tags.
    body: Markup
    #: The page cache's tags of the page (:func:`cms.page_cache.tags.page_tags`).
    tags: tuple[str, ...]


def article(slug: str) -> Any:
    """One article, with its category's latest; an old slug redirects (301).

    Routing reads the article's few columns (:func:`article_stamp`); the
    whole article is loaded only to render its parts, which the process then
    keeps (:func:`cms.fragments.cached`), or when a template or a plugin reads it.
    """
    found = article_stamp(slug, kept=fragments.kept)
    if found is None:
        old = lookup_old_slug("article", slug)
        target = db.session.get(Article, old) if old else None
        if target is not None and target.is_public:
            return redirect_keeping_query(urls.article_url(target))
        abort(404)
    if not found.is_public:
        abort(404)
    if not is_current(urls.article_url(found)):
        return redirect_keeping_query(urls.article_url(found))
    whole = _loaded_on_use(lambda: find_article(slug))
    parts = fragments.cached("article", found.id, ARTICLE_COUNTERS, lambda: _article_parts(whole))
    # No view count here: a cached page would freeze it (the ``stats`` plugin shows it live).
    return render_page(
        "article", found, "public/article.html", page_tags=parts.tags, article=whole, parts=parts
    )


def _article_parts(article: Article) -> ArticleParts:
    """Render the parts of ``article``'s page that do not change per request."""
    context = {"article": article}

    def part(template: str) -> Markup:
        # The output of an autoescaping template, as an include would insert it.
        return Markup(render(template, **context))  # noqa: S704

    return ArticleParts(
        title=render("public/_article_title.html", **context).strip(),
        head=part("public/_article_head.html"),
        body=part("public/_article_body.html"),
        tags=tuple(tag_names("article", article)),
    )


def _loaded_on_use(load: Callable[[], Any]) -> Any:
    """A proxy of ``load()``'s value, called once, on the first use of the proxy."""
    loaded: list[Any] = []

    def value() -> Any:
        if not loaded:
            loaded.append(load())
        return loaded[0]

    return LocalProxy(value)


def _category_or_redirect(
    slug: str, url_of: Callable[[Category], str] = urls.category_url
) -> Category | BaseResponse:
    """The category of ``slug``, or a 301 to ``url_of`` its category when not asked by it."""
    found = find_category(slug)
    if found is None:
        old = lookup_old_slug("category", slug)
        target = db.session.get(Category, old) if old else None
        if target is None:
            abort(404)
        return redirect_keeping_query(url_of(target))
    if not is_current(url_of(found)):
        return redirect_keeping_query(url_of(found))
    return found


def category(slug: str) -> Any:
    """A category listing with its sub-categories' articles, paginated.

    The category comes from the tree the process holds (``parent`` and
    ``children`` loaded); an old slug redirects (301).
    """
    found = public_category(slug)
    if found is None:
        old = lookup_old_slug("category", slug)
        target = categories().by_id.get(old) if old else None
        if target is None:
            abort(404)
        return redirect_keeping_query(urls.category_url(target))
    if not is_current(urls.category_url(found)):
        return redirect_keeping_query(urls.category_url(found))
    listing = page_or_404(filter_articles(public_articles(), category=found), _per_page())
    return render_page(
        "category",
        found,
        "public/category.html",
        category=found,
        items=listing.items,
        total=listing.total,
        page=listing.page,
        per_page=listing.per_page,
    )


def category_feed(slug: str) -> Any:
    """Atom feed of one category."""
    found = _category_or_redirect(slug, urls.category_feed_url)
    if isinstance(found, BaseResponse):
        return found
    query = filter_articles(public_articles(), category=found)
    items = list(db.session.execute(query.limit(feeds.FEED_SIZE)).unique().scalars())
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
        return redirect_keeping_query(urls.page_url(found))
    if not found.is_public:
        abort(404)
    if not is_current(urls.page_url(found)):  # a wrong parent path or a trailing slash
        return redirect_keeping_query(urls.page_url(found))
    return render_page("page", found, "public/page.html", page=found)
