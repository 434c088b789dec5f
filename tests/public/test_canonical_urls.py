"""Canonical public URLs: no trailing slash, and every redirect keeps the query string."""

from urllib.parse import parse_qsl, urlsplit

import pytest

from cms.content import save_article, save_category, save_page, save_tag
from cms.content.taxonomy import find_tag
from cms.extensions import db
from cms.models import Article, Category, Page

BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
QUERY = "utm_source=zalo&utm_medium=social&q=c%E1%BA%A3i+c%C3%A1ch"
QUERY_PAIRS = [("utm_source", "zalo"), ("utm_medium", "social"), ("q", "cải cách")]


@pytest.fixture
def site(app):
    """A category with two articles, a tag, and a two-level page tree."""
    with app.app_context():
        news = save_category(None, {"name": "Tin tức"})
        db.session.commit()
        for title in ("Khai mạc lễ hội", "Họp báo quý"):
            save_article(
                None,
                {
                    "title": title,
                    "body_html": f"<p>{title}</p>",
                    "status": "published",
                    "category_id": news.id,
                    "tags": ["Văn hóa"],
                },
            )
        about = save_page(None, {"title": "Giới thiệu", "status": "published"})
        db.session.commit()
        save_page(None, {"title": "Lịch sử", "status": "published", "parent_id": about.id})
        db.session.commit()
    return {
        "article": "/news/khai-mac-le-hoi",
        "category": "/category/tin-tuc",
        "category_feed": "/category/tin-tuc/feed.xml",
        "page": "/gioi-thieu/lich-su",
        "top_page": "/gioi-thieu",
        "tag": "/tag/van-hoa",
    }


def redirect_target(response):
    """``(path, query pairs)`` of a 301's Location, which must stay on this site."""
    assert response.status_code == 301, (response.status_code, response.data[:200])
    location = urlsplit(response.headers["Location"])
    assert location.scheme == ""
    assert location.netloc == ""
    assert location.path.startswith("/")
    assert not location.path.startswith("//")
    return location.path, parse_qsl(location.query)


CANONICAL = ["article", "category", "category_feed", "page", "top_page", "tag"]
ROUTES = ["/search", "/feed.xml", "/sitemap.xml", "/robots.txt", "/healthz"]


@pytest.mark.parametrize("kind", CANONICAL)
def test_canonical_content_urls_have_no_trailing_slash_and_answer_200(client, site, kind):
    assert client.get(site[kind], headers=BROWSER).status_code == 200


def test_the_urls_the_site_builds_are_the_canonical_ones(app, client, site):
    html = client.get(site["article"], headers=BROWSER).text
    html += client.get(site["category"], headers=BROWSER).text
    html += client.get(site["top_page"], headers=BROWSER).text
    for kind in ("article", "category", "tag", "page", "category_feed"):
        assert f'href="{site[kind]}"' in html, kind
        assert f'href="{site[kind]}/"' not in html, kind


@pytest.mark.parametrize("kind", CANONICAL)
def test_content_with_a_trailing_slash_redirects_to_its_canonical_url(client, site, kind):
    response = client.get(site[kind] + "/?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == (site[kind], QUERY_PAIRS)
    assert client.get(site[kind] + "/", headers=BROWSER).headers["Location"] == site[kind]


@pytest.mark.parametrize("path", ROUTES)
def test_other_public_routes_with_a_trailing_slash_redirect(client, site, path):
    response = client.get(path + "/?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == (path, QUERY_PAIRS)
    assert client.get(path, headers=BROWSER).status_code == 200


def test_several_trailing_slashes_end_at_the_canonical_url(client, site):
    response = client.get(site["article"] + "///", headers=BROWSER, follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == site["article"]


def test_home_stays_at_the_root(client, site):
    assert client.get("/", headers=BROWSER).status_code == 200


@pytest.mark.parametrize(
    "path",
    ["/news/khong-co/", "/category/khong-co/", "/tag/khong-co/", "/khong-co/", "/a/b/c/"],
)
def test_missing_content_with_a_trailing_slash_is_404_not_a_redirect(client, site, path):
    assert client.get(path, headers=BROWSER).status_code == 404


def test_unpublished_content_is_not_revealed_by_a_slash_redirect(app, client, site):
    with app.app_context():
        save_article(None, {"title": "Bài nháp", "status": "draft"})
        db.session.commit()
    assert client.get("/news/bai-nhap/", headers=BROWSER).status_code == 404


def test_the_back_office_and_the_api_keep_their_own_urls(client, site):
    assert client.get("/admin/").status_code == 302  # to the sign-in form, as before
    assert client.get("/admin/login").status_code == 200
    assert client.get("/admin/login/").status_code == 404
    assert client.get("/api/v1/articles").status_code == 200
    response = client.get("/api/v1/articles/")
    assert response.status_code == 404
    assert response.is_json


def test_a_post_to_a_slashed_url_is_not_redirected(client, site):
    assert client.post(site["article"] + "/").status_code in (404, 405)


def test_the_page_number_survives_the_slash_redirect(client, site):
    response = client.get(site["category"] + "/?page=1", headers=BROWSER)
    assert redirect_target(response) == (site["category"], [("page", "1")])


def rename(app, model, current, **fields):
    """Change a saved object (found by its current slug) through its content service."""
    savers = {Article: save_article, Category: save_category, Page: save_page}
    with app.app_context():
        obj = db.session.execute(db.select(model).filter_by(slug=current)).scalar_one()
        savers[model](obj, fields)
        db.session.commit()


def test_an_old_article_slug_keeps_the_query_string(app, client, site):
    rename(app, Article, "khai-mac-le-hoi", title="Bế mạc lễ hội", slug="be-mac-le-hoi")
    response = client.get("/news/khai-mac-le-hoi?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/news/be-mac-le-hoi", QUERY_PAIRS)
    response = client.get("/news/khai-mac-le-hoi/?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/news/be-mac-le-hoi", QUERY_PAIRS)  # one hop
    assert client.get("/news/be-mac-le-hoi?" + QUERY, headers=BROWSER).status_code == 200


def test_an_old_category_slug_keeps_the_query_string_for_the_listing_and_the_feed(
    app, client, site
):
    rename(app, Category, "tin-tuc", name="Thời sự", slug="thoi-su")
    response = client.get("/category/tin-tuc?page=1&" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/category/thoi-su", [("page", "1"), *QUERY_PAIRS])
    response = client.get("/category/tin-tuc/feed.xml?" + QUERY)
    assert redirect_target(response) == ("/category/thoi-su/feed.xml", QUERY_PAIRS)
    response = client.get("/category/tin-tuc/feed.xml/")
    assert redirect_target(response) == ("/category/thoi-su/feed.xml", [])


def test_an_old_page_slug_and_a_wrong_parent_path_keep_the_query_string(app, client, site):
    response = client.get("/lich-su?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == (site["page"], QUERY_PAIRS)
    response = client.get("/khac/lich-su?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == (site["page"], QUERY_PAIRS)
    rename(app, Page, "lich-su", title="Lịch sử hình thành", slug="lich-su-hinh-thanh")
    response = client.get("/gioi-thieu/lich-su?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/gioi-thieu/lich-su-hinh-thanh", QUERY_PAIRS)


def test_an_old_tag_slug_keeps_the_query_string(app, client, site):
    with app.app_context():
        save_tag(find_tag("van-hoa"), {"name": "Văn hóa nghệ thuật"})
        db.session.commit()
    response = client.get("/tag/van-hoa?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/tag/van-hoa-nghe-thuat", QUERY_PAIRS)
    response = client.get("/tag/van-hoa/?" + QUERY, headers=BROWSER)
    assert redirect_target(response) == ("/tag/van-hoa-nghe-thuat", QUERY_PAIRS)  # one hop


@pytest.mark.parametrize(
    "query",
    [
        "next=//evil.example/&to=https://evil.example",
        "a=%0d%0aSet-Cookie:%20x=1",
        'a=\u00e2 b"<>',
        "x=1%23frag",
        "@evil.example",
    ],
)
@pytest.mark.parametrize("raw", [False, True])
def test_a_redirect_never_leaves_the_site_whatever_the_query(client, site, query, raw):
    if raw:  # the bytes as a client sent them, unencoded (WSGI strings are latin-1)
        wire = query.replace("%23", "#").encode().decode("latin-1")
        response = client.get(
            site["article"] + "/", environ_overrides={"QUERY_STRING": wire}, headers=BROWSER
        )
    else:
        response = client.get(site["article"] + "/", query_string=query, headers=BROWSER)
    location = response.headers["Location"]
    assert response.status_code == 301
    assert location.startswith(site["article"] + "?")
    assert urlsplit(location).netloc == ""
    assert not any(ch in location for ch in ' "<>#\r\n')
    assert "Set-Cookie" not in response.headers


@pytest.mark.parametrize(
    "path", ["//evil.example/", "//evil.example/feed.xml/", "/\\evil.example/", "///feed.xml//"]
)
def test_a_path_that_looks_like_another_host_is_not_redirected_there(client, site, path):
    response = client.get("/", environ_overrides={"PATH_INFO": path}, headers=BROWSER)
    location = response.headers.get("Location", "")
    assert response.status_code in (301, 404)
    assert urlsplit(location).netloc in ("", "localhost")  # a path of this site, if anything
    assert not urlsplit(location).path.startswith(("//", "/\\"))


@pytest.mark.parametrize(
    ("raw_path", "expected"),
    [
        ("//", "/"),
        ("///", "/"),
        ("//news/khai-mac-le-hoi", "/news/khai-mac-le-hoi"),
        ("///category/tin-tuc", "/category/tin-tuc"),
    ],
)
def test_leading_slashes_collapse_with_a_301(client, site, raw_path, expected):
    # The test client cleans paths itself; a server hands them over as sent.
    response = client.get(
        "/", query_string=QUERY, headers=BROWSER, environ_overrides={"PATH_INFO": raw_path}
    )
    assert response.status_code == 301
    location = urlsplit(response.headers["Location"])
    assert location.path == expected
    assert parse_qsl(location.query) == QUERY_PAIRS


def test_collapsing_slashes_never_leads_off_the_site(client, site):
    response = client.get("/", environ_overrides={"PATH_INFO": "//\\evil.example"})
    assert response.status_code == 404
