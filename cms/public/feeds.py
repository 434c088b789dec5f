"""What the site writes as XML: Atom feeds and the sitemap.

Every XML document goes out through :func:`xml_response`, which removes what
XML 1.0 forbids (section 2.2, ``Char``), whatever the stored rows hold: a row
written before today's checks, or by a plugin, cannot make a feed or a
sitemap unreadable. Feed entries carry permanent ids
(:mod:`cms.content.identity`) and bodies whose links and images are absolute
URLs (RFC 4287 leaves relative references to ``xml:base``, which many readers
ignore). The sitemap follows the sitemaps.org protocol: one ``urlset`` up to
:data:`SITEMAP_MAX` URLs, else a ``sitemapindex`` of numbered files of at most
that many URLs each, listing every public URL in a fixed order (home,
categories, published pages, public articles, tags with public articles), each
kind in id order, queried one file at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, NamedTuple
from urllib.parse import quote, urljoin

import nh3
from flask import Response, url_for
from sqlalchemy import Select, func, select

from cms.content.articles import public_filter
from cms.content.sanitize import ALLOWED_ATTRIBUTES, ALLOWED_SCHEMES, ALLOWED_TAGS
from cms.extensions import db
from cms.models import Article, Category, Page, Tag, article_tag
from cms.models.types import strip_forbidden, strip_forbidden_references
from cms.public import urls
from cms.site_url import PATH_SAFE

#: Most URLs in one sitemap file (sitemaps.org protocol: 50,000). Over it, ``/sitemap.xml``
#: becomes a sitemap index of ``/sitemap-1.xml``, ``/sitemap-2.xml``...
SITEMAP_MAX = 50_000
#: Rows fetched from the database at a time while a sitemap file is written.
SITEMAP_BATCH = 1_000
#: Entries in a feed.
FEED_SIZE = 20
#: Attributes of the article allow-list that hold a URL, made absolute in feeds.
URL_ATTRIBUTES = frozenset({"href", "src", "cite"})
#: A slug no article has, standing for each article's slug in a URL built once.
_SLUG_MARK = "0sitemap0slug0"


def xml_safe(text: str) -> str:
    """``text`` without the characters XML 1.0 forbids, raw or as character references.

    Removed: C0 controls but tab, LF and CR, lone surrogates, U+FFFE and
    U+FFFF (forbidden by XML 1.0 section 2.2), the characters the same
    section discourages (DEL, C1 controls, noncharacters), that is every
    character of :data:`cms.models.types.FORBIDDEN_CHARS`, the set no stored
    text may hold; and references such as ``&#16;`` or ``&#xFFFE;`` to any of
    them or past U+10FFFF. Everything else, markup included, is left as it is.
    """
    return strip_forbidden_references(strip_forbidden(text))


def xml_response(xml: str, mimetype: str = "application/xml") -> Response:
    """A response carrying the XML document ``xml``, made safe by :func:`xml_safe`."""
    return Response(xml_safe(xml), mimetype=mimetype)


def absolute_html(html: str, base_url: str) -> str:
    """Article HTML with every link, image and citation URL made absolute against ``base_url``.

    ``href="/media/a.jpg"`` on an article at ``https://example.org/news/x``
    becomes ``https://example.org/media/a.jpg``; absolute URLs, ``mailto:`` and
    ``tel:`` stay as they are. The HTML goes through the article allow-list
    again (:mod:`cms.content.sanitize`), so a row stored before a rule existed
    cannot carry more into a feed than a new one, and characters XML forbids
    are dropped (character references included).
    """

    def rewrite(_tag: str, attribute: str, value: str) -> str | None:
        if attribute in URL_ATTRIBUTES:
            return urljoin(base_url, value.strip())
        return value

    cleaned = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
        attribute_filter=rewrite,
    )
    return xml_safe(cleaned)


# -- the sitemap ------------------------------------------------------------------------------


class SitemapUrl(NamedTuple):
    """One ``<url>`` of a sitemap."""

    #: The absolute URL.
    loc: str
    #: When its content last changed, as :func:`atom_date` writes it (W3C Datetime), if known.
    lastmod: str | None = None
    #: How often it is likely to change (sitemaps.org ``changefreq``), if said.
    changefreq: str | None = None


@dataclass(frozen=True)
class _Kind:
    """One kind of public URL: how many there are, and a slice of them in id order."""

    count: Callable[[], int]
    fetch: Callable[[int, int], Iterator[SitemapUrl]]


def _count(query: Select) -> int:
    return int(
        db.session.execute(
            select(func.count()).select_from(query.order_by(None).subquery())
        ).scalar_one()
    )


def _rows(query: Select, offset: int, limit: int, *, entities: bool = True) -> Iterator[Any]:
    """The rows ``offset`` to ``offset + limit`` of ``query``, fetched in batches.

    ``entities``: one ORM object per row; else the rows as named tuples.
    """
    result = db.session.execute(
        query.offset(offset).limit(limit).execution_options(yield_per=SITEMAP_BATCH)
    )
    yield from (result.scalars() if entities else result)


def _home(offset: int, limit: int) -> Iterator[SitemapUrl]:
    if offset == 0 and limit > 0:
        yield SitemapUrl(url_for("public.home", _external=True), None, "hourly")


def _categories() -> Select:
    return select(Category).order_by(Category.id)


def _pages() -> Select:
    return select(Page).where(Page.status == "published").order_by(Page.id)


def _articles() -> Select:
    # Columns, not entities: loading 50,000 ORM objects costs ten times as much.
    return (
        select(Article.id, Article.slug, Article.updated_at, Article.published_at)
        .where(public_filter())
        .order_by(Article.id)
    )


def _tags() -> Select:
    tagged = (
        select(article_tag.c.tag_id)
        .join(Article, Article.id == article_tag.c.article_id)
        .where(public_filter())
    )
    return select(Tag).where(Tag.id.in_(tagged)).order_by(Tag.id)


def _fetch_categories(offset: int, limit: int) -> Iterator[SitemapUrl]:
    for category in _rows(_categories(), offset, limit):
        yield SitemapUrl(urls.category_url(category, external=True), None, "daily")


def _fetch_pages(offset: int, limit: int) -> Iterator[SitemapUrl]:
    for page in _rows(_pages(), offset, limit):
        yield SitemapUrl(urls.page_url(page, external=True), atom_date(page.updated_at))


def article_links() -> Callable[[str], str]:
    """A function of a slug giving the article's absolute URL, as :func:`urls.article_url` does.

    The URL of one article is built by the site's helper, and the others by
    putting their slug in its place, quoted as Werkzeug quotes a path: tens
    of thousands of URLs then cost no more than their text.
    """
    built = urls.article_url(Article(slug=_SLUG_MARK), external=True)
    if built.count(_SLUG_MARK) != 1:  # the helper changed shape: ask it for each one
        return lambda slug: urls.article_url(Article(slug=slug), external=True)
    head, tail = built.split(_SLUG_MARK)
    return lambda slug: f"{head}{quote(slug, safe=PATH_SAFE)}{tail}"


def _fetch_articles(offset: int, limit: int) -> Iterator[SitemapUrl]:
    link = article_links()
    for row in _rows(_articles(), offset, limit, entities=False):
        yield SitemapUrl(link(row.slug), atom_date(row.updated_at or row.published_at))


def _fetch_tags(offset: int, limit: int) -> Iterator[SitemapUrl]:
    for tag in _rows(_tags(), offset, limit):
        yield SitemapUrl(urls.tag_url(tag, external=True), None, "daily")


def _kinds() -> list[_Kind]:
    return [
        _Kind(lambda: 1, _home),
        _Kind(lambda: _count(_categories()), _fetch_categories),
        _Kind(lambda: _count(_pages()), _fetch_pages),
        _Kind(lambda: _count(_articles()), _fetch_articles),
        _Kind(lambda: _count(_tags()), _fetch_tags),
    ]


class Sitemap:
    """Every public URL of the site, split into files of at most :data:`SITEMAP_MAX` URLs."""

    def __init__(self) -> None:
        self._kinds = _kinds()
        self.counts = [kind.count() for kind in self._kinds]
        #: Most URLs per file (read when the sitemap is built, so tests may lower it).
        self.per_file = SITEMAP_MAX

    @property
    def total(self) -> int:
        """How many URLs the site has."""
        return sum(self.counts)

    @property
    def files(self) -> int:
        """How many sitemap files hold them (1 when no index is needed)."""
        return max((self.total + self.per_file - 1) // self.per_file, 1)

    @property
    def is_index(self) -> bool:
        """Whether ``/sitemap.xml`` must be an index of numbered files."""
        return self.total > self.per_file

    def urls(self, number: int = 1) -> Iterator[SitemapUrl]:
        """The URLs of file ``number`` (from 1), in order; nothing past the last file."""
        start = (number - 1) * self.per_file
        stop = min(start + self.per_file, self.total)
        if number < 1 or start >= stop:
            return
        first = 0  # position of the current kind's first URL in the whole list
        for kind, count in zip(self._kinds, self.counts, strict=True):
            low, high = max(start, first), min(stop, first + count)
            if low < high:
                yield from kind.fetch(low - first, high - low)
            first += count


def atom_date(moment: datetime | None) -> str:
    """``moment`` as an RFC 3339 date-time in UTC (``2024-05-14T03:13:21Z``), as Atom wants.

    A moment without a time zone is taken as UTC; ``None`` gives the Unix epoch
    (the ``<updated>`` of a feed that has no entry yet).
    """
    if moment is None:
        return "1970-01-01T00:00:00Z"
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
