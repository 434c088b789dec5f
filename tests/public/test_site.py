"""The public site: home, listings, articles, pages, redirects, feeds, sitemap."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest

from cms.content import save_article, save_category, save_page, set_setting
from cms.extensions import db

ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}


@pytest.fixture
def site(app):
    """A small portal: two categories (one nested), articles, a page tree."""
    with app.app_context():
        news = save_category(None, {"name": "Tin tức"})
        db.session.commit()
        local = save_category(None, {"name": "Tin trong tỉnh", "parent_id": news.id})
        reform = save_category(None, {"name": "Cải cách hành chính"})
        db.session.commit()
        base = datetime.now(UTC) - timedelta(days=30)
        for i in range(25):
            save_article(
                None,
                {
                    "title": f"Bản tin số {i + 1}",
                    "summary": f"Tóm tắt bản tin {i + 1}",
                    "body_html": f"<p>Nội dung bản tin {i + 1}.</p>",
                    "status": "published",
                    "published_at": (base + timedelta(hours=i)).isoformat(),
                    "category_id": local.id,
                    "tags": ["Địa phương"],
                },
            )
        save_article(
            None,
            {
                "title": "Kiểm tra công tác Cải cách hành chính",
                "summary": "Đoàn kiểm tra làm việc tại các sở.",
                "body_html": "<p>Kết quả kiểm tra cho thấy công tác CCHC được quan tâm.</p>",
                "status": "published",
                "category_id": reform.id,
                "tags": ["CCHC", "Kiểm tra"],
            },
        )
        save_article(None, {"title": "Bài nháp", "status": "draft", "category_id": reform.id})
        save_article(
            None,
            {
                "title": "Bài hẹn giờ",
                "status": "scheduled",
                "published_at": (datetime.now(UTC) + timedelta(days=1)).isoformat(),
            },
        )
        about = save_page(None, {"title": "Giới thiệu", "body_html": "<p>Về cổng thông tin.</p>"})
        db.session.commit()
        save_page(
            None, {"title": "Cơ cấu tổ chức", "parent_id": about.id, "body_html": "<p>Sơ đồ</p>"}
        )
        save_page(None, {"title": "Trang ẩn", "status": "draft"})
        db.session.commit()
    return app


def test_home_lists_latest_and_category_blocks(site, client):
    html = client.get("/").text
    assert "Kiểm tra công tác Cải cách hành chính" in html
    assert "Bản tin số 25" in html
    assert 'href="/category/cai-cach-hanh-chinh"' in html
    assert "Bài nháp" not in html
    assert "Bài hẹn giờ" not in html


def test_menu_shows_categories_and_pages(site, client):
    html = client.get("/").text
    nav = html[html.index('class="site-nav"') :]
    nav = nav[: nav.index("</nav>")]
    assert "Tin tức" in nav
    assert "Giới thiệu" in nav
    assert "Trang ẩn" not in nav


def test_article_page_has_content_and_meta(site, client):
    response = client.get("/news/kiem-tra-cong-tac-cai-cach-hanh-chinh", headers=BROWSER)
    assert response.status_code == 200
    html = response.text
    assert "<h1" in html
    assert "Kết quả kiểm tra cho thấy" in html
    assert '<meta property="og:title" content="Kiểm tra công tác Cải cách hành chính">' in html
    assert '<meta property="og:type" content="article">' in html
    assert (
        'rel="canonical" href="http://localhost/news/kiem-tra-cong-tac-cai-cach-hanh-chinh"' in html
    )
    ld = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(ld)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Kiểm tra công tác Cải cách hành chính"
    assert data["keywords"] == ["CCHC", "Kiểm tra"]


def test_article_views_are_counted_for_people_not_bots(site, client, app):
    from cms.content import find_article
    from plugins.stats.counting import views_of

    client.get("/news/ban-tin-so-1", headers=BROWSER)
    client.get("/news/ban-tin-so-1", headers=BROWSER)
    client.get("/news/ban-tin-so-1", headers={"User-Agent": "Googlebot/2.1"})
    with app.app_context():
        article_id = find_article("ban-tin-so-1").id
        assert views_of([article_id]) == {article_id: 2}


def test_drafts_and_future_articles_answer_404(site, client):
    assert client.get("/news/bai-nhap").status_code == 404
    assert client.get("/news/bai-hen-gio").status_code == 404


def test_old_article_slug_redirects_permanently(site, client, app):
    with app.app_context():
        from cms.content import find_article

        save_article(find_article("ban-tin-so-2"), {"slug": "ban-tin-thu-hai"})
        db.session.commit()
    response = client.get("/news/ban-tin-so-2")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("/news/ban-tin-thu-hai")
    assert client.get("/news/ban-tin-thu-hai").status_code == 200


def test_category_listing_paginates_and_includes_children(site, client):
    first = client.get("/category/tin-tuc").text
    assert "Bản tin số 25" in first
    assert "Bản tin số 16" in first
    assert "Bản tin số 15" not in first
    second = client.get("/category/tin-tuc?page=2").text
    assert "Bản tin số 15" in second
    assert client.get("/category/tin-tuc?page=9").status_code == 404
    assert client.get("/category/tin-tuc?page=0").status_code == 404
    assert client.get("/category/khong-co").status_code == 404


def test_pagination_links_are_navigable(site, client):
    html = client.get("/category/tin-tuc").text
    assert 'href="/category/tin-tuc?page=2"' in html
    assert 'rel="next"' in html


def test_pages_are_served_by_their_path(site, client):
    assert "Về cổng thông tin." in client.get("/gioi-thieu").text
    assert "Sơ đồ" in client.get("/gioi-thieu/co-cau-to-chuc").text
    wrong = client.get("/co-cau-to-chuc")
    assert wrong.status_code == 301
    assert wrong.headers["Location"].endswith("/gioi-thieu/co-cau-to-chuc")
    assert client.get("/trang-an").status_code == 404


def test_tag_listing(site, client):
    html = client.get("/tag/cchc").text
    assert "Kiểm tra công tác Cải cách hành chính" in html
    assert client.get("/tag/khong-co").status_code == 404


def test_search_page(site, client):
    html = client.get("/search?q=cai+cach").text
    assert "Kiểm tra công tác Cải cách hành chính" in html
    assert "Bài nháp" not in html
    assert client.get("/search?q=" + "a" * 5000).status_code == 200
    assert client.get("/search").status_code == 200


def test_site_feed_is_valid_atom(site, client):
    response = client.get("/feed.xml")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == 20
    titles = [e.find(f"{ATOM}title").text for e in entries]
    assert "Bài nháp" not in titles
    assert titles[0] == "Kiểm tra công tác Cải cách hành chính"


def test_category_feed(site, client):
    root = ET.fromstring(client.get("/category/cai-cach-hanh-chinh/feed.xml").data)
    titles = [e.find(f"{ATOM}title").text for e in root.findall(f"{ATOM}entry")]
    assert titles == ["Kiểm tra công tác Cải cách hành chính"]
    assert client.get("/category/cai-cach-hanh-chinh/other.xml").status_code == 404


def test_sitemap_lists_public_urls_only(site, client):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locs = [u.find(f"{SITEMAP}loc").text for u in root.findall(f"{SITEMAP}url")]
    assert "http://localhost/news/kiem-tra-cong-tac-cai-cach-hanh-chinh" in locs
    assert "http://localhost/gioi-thieu/co-cau-to-chuc" in locs
    assert not any("bai-nhap" in loc or "trang-an" in loc for loc in locs)


def test_robots_txt_points_to_the_sitemap(client):
    body = client.get("/robots.txt").text
    assert "Disallow: /admin/" in body
    assert "Sitemap: http://localhost/sitemap.xml" in body


def test_url_prefixes_are_settings(site, client, app):
    with app.app_context():
        set_setting("article_prefix", "tin-tuc")
        set_setting("category_prefix", "chuyen-muc")
        db.session.commit()
    assert client.get("/tin-tuc/kiem-tra-cong-tac-cai-cach-hanh-chinh").status_code == 200
    assert client.get("/chuyen-muc/cai-cach-hanh-chinh").status_code == 200
    assert client.get("/news/kiem-tra-cong-tac-cai-cach-hanh-chinh").status_code == 404
    assert 'href="/chuyen-muc/tin-tuc"' in client.get("/").text


def test_unknown_urls_get_a_themed_404(client):
    response = client.get("/khong/ton/tai")
    assert response.status_code == 404
    assert "Page not found" in response.text
    assert 'class="site-header"' in response.text


def test_security_headers_on_pages(client):
    headers = client.get("/").headers
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_media_files_are_served_and_traversal_refused(client, app, tmp_path):
    from pathlib import Path

    media = Path(app.config["MEDIA_DIR"])
    (media / "anh.txt").write_text("ok")
    response = client.get("/media/anh.txt")
    assert response.text == "ok"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    response.close()
    assert client.get("/media/../instance/secret_key").status_code == 404
    assert client.get("/media/%2e%2e/secret").status_code == 404


def test_the_site_logo_shows_in_both_themes(client, app):
    from cms.models import Media

    with app.app_context():
        logo = Media(
            filename="logo.png", mime_type="image/png", width=64, height=64, size=1, variants={}
        )
        db.session.add(logo)
        db.session.commit()
        set_setting("logo_id", logo.id)
        db.session.commit()
    assert 'class="site-logo" src="/media/logo.png"' in client.get("/").text
    with app.app_context():
        set_setting("theme", "portal")
        db.session.commit()
    assert 'class="portal-banner__logo" src="/media/logo.png"' in client.get("/").text


def test_old_tag_addresses_redirect_after_a_rename_and_a_merge(site, client, app):
    from cms.content import find_tag
    from cms.content.ordering import merge_tags
    from cms.content.taxonomy import delete_tag, save_tag

    with app.app_context():
        save_tag(find_tag("cchc"), {"slug": "cai-cach"})
        db.session.commit()
    moved = client.get("/tag/cchc")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/tag/cai-cach")
    with app.app_context():
        merge_tags(find_tag("cai-cach"), find_tag("kiem-tra"))
        db.session.commit()
    assert client.get("/tag/cchc").headers["Location"].endswith("/tag/kiem-tra")
    assert client.get("/tag/cai-cach").headers["Location"].endswith("/tag/kiem-tra")
    with app.app_context():
        delete_tag(find_tag("kiem-tra"))
        db.session.commit()
    assert client.get("/tag/cchc").status_code == 404
