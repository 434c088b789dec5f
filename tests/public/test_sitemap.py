"""The sitemap (sitemaps.org protocol): every public URL, split by an index past the limit."""

import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from flask import url_for
from sqlalchemy import select, text

from cms import page_cache
from cms.content import all_categories, find_tag, save_article, save_page, set_setting
from cms.extensions import db
from cms.models import Article, Page
from cms.public import feeds, urls

NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def xml(response):
    assert response.status_code == 200
    assert response.mimetype == "application/xml"
    return ET.fromstring(response.data)


def locs(root):
    return [u.find(f"{NS}loc").text for u in root.findall(f"{NS}url")]


@pytest.fixture
def portal(app, make_category, make_article):
    """2 categories, 3 pages (1 draft), 5 public articles (2 tagged), a draft, a scheduled one."""
    news = make_category("Tin tức")
    make_category("Thông báo")
    for i in range(5):
        tags = ["Lễ hội"] if i < 2 else []
        make_article(f"Bài số {i}", category_id=news.id, tags=tags)
    make_article("Bài nháp", status="draft", tags=["Nháp"])
    make_article(
        "Bài hẹn giờ",
        status="scheduled",
        published_at=(datetime.now(UTC) + timedelta(days=2)).isoformat(),
        tags=["Hẹn giờ"],
    )
    with app.app_context():
        about = save_page(None, {"title": "Giới thiệu", "status": "published"})
        db.session.commit()
        save_page(None, {"title": "Liên hệ", "status": "published", "parent_id": about.id})
        save_page(None, {"title": "Trang ẩn", "status": "draft"})
        db.session.commit()


def public_urls(app):
    """What the sitemap must list, built by the site's own URL helpers."""
    with app.test_request_context(base_url="http://localhost"):
        articles = db.session.execute(
            select(Article).where(Article.title.startswith("Bài số"))
        ).scalars()
        pages = db.session.execute(select(Page).where(Page.status == "published")).scalars()
        return {
            url_for("public.home", _external=True),
            *(urls.category_url(c, external=True) for c in all_categories()),
            *(urls.page_url(p, external=True) for p in pages),
            *(urls.article_url(a, external=True) for a in articles),
            urls.tag_url(find_tag("le-hoi"), external=True),
        }


@pytest.fixture
def expected(app, portal):
    """Every public URL of ``portal`` (11)."""
    found = public_urls(app)
    assert len(found) == 11
    return found


def every_url(client):
    """Every URL the sitemap lists, following the index when there is one."""
    root = xml(client.get("/sitemap.xml"))
    if root.tag == f"{NS}urlset":
        return [locs(root)], []
    files = [s.find(f"{NS}loc").text for s in root.findall(f"{NS}sitemap")]
    return [locs(xml(client.get(f.removeprefix("http://localhost")))) for f in files], files


def test_a_small_site_has_one_sitemap_of_every_public_url(client, expected):
    parts, files = every_url(client)
    assert files == []
    assert len(parts[0]) == len(set(parts[0]))
    assert set(parts[0]) == expected
    assert client.get("/sitemap-1.xml").status_code == 404


@pytest.mark.parametrize("limit", [1, 3, 5, 11])
def test_over_the_limit_the_sitemap_is_an_index(client, expected, monkeypatch, limit):
    monkeypatch.setattr(feeds, "SITEMAP_MAX", limit)
    parts, files = every_url(client)
    if limit >= len(expected):
        assert files == []
    else:
        assert files == [f"http://localhost/sitemap-{n}.xml" for n in range(1, len(files) + 1)]
        assert len(files) == -(-len(expected) // limit)
    assert all(0 < len(part) <= limit for part in parts)
    listed = [url for part in parts for url in part]
    assert len(listed) == len(set(listed))
    assert set(listed) == expected


def test_exactly_at_the_limit_there_is_no_index(client, expected, monkeypatch):
    monkeypatch.setattr(feeds, "SITEMAP_MAX", len(expected))
    assert xml(client.get("/sitemap.xml")).tag == f"{NS}urlset"
    monkeypatch.setattr(feeds, "SITEMAP_MAX", len(expected) - 1)
    with client.application.app_context():
        page_cache.clear()  # a changed constant is no content change: the cached sitemap stays
    index = xml(client.get("/sitemap.xml"))
    assert index.tag == f"{NS}sitemapindex"
    assert len(index.findall(f"{NS}sitemap")) == 2
    assert len(locs(xml(client.get("/sitemap-2.xml")))) == 1


@pytest.mark.parametrize(
    "name", ["0", "4", "5", "-1", "01x", "abc", "1.5", "", "99999999999999999999", "%EF%BC%91"]
)
def test_unknown_sitemap_numbers_are_404(client, portal, monkeypatch, name):
    monkeypatch.setattr(feeds, "SITEMAP_MAX", 4)  # 11 URLs: files 1 to 3
    assert client.get(f"/sitemap-{name}.xml").status_code == 404
    assert client.get("/sitemap-3.xml").status_code == 200


def test_lastmod_is_when_the_content_last_changed(app, client, portal):
    with app.app_context():
        article = db.session.execute(select(Article).where(Article.slug == "bai-so-0")).scalar_one()
        save_article(article, {"title": "Bài số 0 (đã sửa)"})
        db.session.commit()
        changed = {
            f"http://localhost/news/{a.slug}": a.updated_at
            for a in db.session.execute(select(Article)).scalars()
        }
        pages = {p.slug: p.updated_at for p in db.session.execute(select(Page)).scalars()}
    root = xml(client.get("/sitemap.xml"))
    for url in root.findall(f"{NS}url"):
        loc, lastmod = url.find(f"{NS}loc").text, url.find(f"{NS}lastmod")
        if loc in changed:
            stamp = changed[loc].astimezone(UTC).replace(microsecond=0)
            assert lastmod.text == stamp.strftime("%Y-%m-%dT%H:%M:%SZ")
        if loc == "http://localhost/gioi-thieu":
            assert lastmod.text.startswith(pages["gioi-thieu"].date().isoformat())


def test_rows_with_forbidden_characters_cannot_break_it(app, client, portal):
    with app.app_context():
        db.session.execute(
            text("UPDATE article SET slug = :s WHERE slug = 'bai-so-1'"), {"s": "bai\x10so\ufffe1"}
        )
        db.session.commit()
    root = xml(client.get("/sitemap.xml"))
    assert any("bai" in loc and "so" in loc and "1" in loc for loc in locs(root))
    assert "\x10" not in client.get("/sitemap.xml").text


def test_articles_come_in_id_order_one_file_at_a_time(app, client, portal, monkeypatch):
    monkeypatch.setattr(feeds, "SITEMAP_MAX", 3)
    with app.app_context():
        slugs = [
            a.slug
            for a in db.session.execute(
                select(Article).where(Article.status == "published").order_by(Article.id)
            ).scalars()
        ]
    parts, _ = every_url(client)
    listed = [url.rsplit("/", 1)[1] for part in parts for url in part if "/news/" in url]
    assert listed == slugs


@pytest.mark.parametrize("slug", ["bai-1", "bài viết", "a/b", "x?y#z", "100%", "&<>\"'", "tin\x10"])
def test_article_links_match_the_url_helper(app, slug):
    with app.test_request_context(base_url="http://localhost"):
        set_setting("article_prefix", "tin-tuc")
        assert feeds.article_links()(slug) == urls.article_url(Article(slug=slug), external=True)
