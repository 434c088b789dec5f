"""``CMS_SITE_URL``: every absolute URL uses it, and other hosts are never echoed back."""

import re
import xml.etree.ElementTree as ET

import pytest
from flask import url_for

from cms import create_app
from cms.content import save_article, save_category, save_page
from cms.extensions import db
from cms.site_url import is_site_host, parse_site_url

SITE = "https://news.example.org"
BROWSER = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
ATOM = "{http://www.w3.org/2005/Atom}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"

#: Host headers naming something else than the site.
HOSTILE_HOSTS = [
    "evil.example",
    "evil.example:443",
    "news.example.org:8443",
    "news.example.org.evil.example",
    "evil.example/news.example.org",
    "news.example.org@evil.example",
    "",
]


@pytest.fixture
def app_config(app_config):
    """The test site with its canonical URL set."""
    return {**app_config, "SITE_URL": SITE}


@pytest.fixture
def site(app, tmp_path):
    """A category, an article with an image, a tag and a page."""
    with app.app_context():
        news = save_category(None, {"name": "Tin tức"})
        db.session.commit()
        save_article(
            None,
            {
                "title": "Khai mạc lễ hội",
                "summary": "Tóm tắt",
                "body_html": '<p>Xem <a href="/gioi-thieu">giới thiệu</a>.</p>',
                "status": "published",
                "category_id": news.id,
                "tags": ["Văn hóa"],
            },
        )
        save_page(None, {"title": "Giới thiệu", "status": "published"})
        db.session.commit()
    return {
        "article": "/news/khai-mac-le-hoi",
        "category": "/category/tin-tuc",
        "category_feed": "/category/tin-tuc/feed.xml",
        "page": "/gioi-thieu",
        "tag": "/tag/van-hoa",
    }


def absolute_urls(text):
    """Every ``http(s)://...`` URL in a document."""
    return re.findall(r"https?://[^\s\"'<>]+", text)


def own_urls(text):
    """The absolute URLs of a document that point into the site (not schemas or namespaces)."""
    ignored = ("http://www.w3.org/", "http://www.sitemaps.org/", "https://schema.org")
    return [u for u in absolute_urls(text) if not u.startswith(ignored)]


# Validation -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("https://news.example.org", "https://news.example.org"),
        ("HTTPS://News.Example.ORG/", "https://news.example.org"),
        ("https://news.example.org:443", "https://news.example.org"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080"),
        ("http://[::1]:8000/", "http://[::1]:8000"),
        ("https://sở-nội-vụ.vn", "https://xn--s-ni-v-5n8bub8c.vn"),
        ("  https://news.example.org  ", "https://news.example.org"),
    ],
)
def test_a_site_url_is_normalised(raw, expected):
    assert parse_site_url(raw) == expected


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("news.example.org", "http:// or https://"),
        ("ftp://news.example.org", "http:// or https://"),
        ("javascript:alert(1)", "http:// or https://"),
        ("https://", "must name a host"),
        ("https://news.example.org/portal", "must not have a path"),
        ("https://news.example.org/?x=1", "query string"),
        ("https://news.example.org#top", "fragment"),
        ("https://admin:secret@news.example.org", "user name or password"),
        ("https://news example.org", "not a valid host name"),
        ("https://-news.example.org", "not a valid host name"),
        ("https://news.example.org:99999", "not a URL"),
        ("https://news.example.org:abc", "not a URL"),
    ],
)
def test_a_bad_site_url_stops_the_start_with_a_clear_message(raw, reason, make_app):
    with pytest.raises(ValueError, match=re.escape(reason)):
        parse_site_url(raw)
    with pytest.raises(RuntimeError, match=r"CMS_SITE_URL=.*is not valid: .*" + re.escape(reason)):
        make_app(SITE_URL=raw)


def test_the_environment_variable_sets_it(monkeypatch, make_app):
    monkeypatch.setenv("CMS_SITE_URL", "https://Tin.Example.VN/")
    assert make_app(SITE_URL=None).config["SITE_URL"] is None  # the test mapping wins
    overrides = {"SITE_URL": "https://tin.example.vn"}
    assert make_app(**overrides).config["SITE_URL"] == "https://tin.example.vn"


def test_the_environment_variable_is_validated(monkeypatch, tmp_path, database_url):
    monkeypatch.setenv("CMS_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("CMS_SITE_URL", "https://tin.example.vn/trang-chu")
    with pytest.raises(RuntimeError, match="CMS_SITE_URL"):
        create_app({"DATABASE_URL": database_url})
    monkeypatch.setenv("CMS_SITE_URL", "https://Tin.Example.VN/")
    assert create_app({"DATABASE_URL": database_url}).config["SITE_URL"] == (
        "https://tin.example.vn"
    )


@pytest.mark.parametrize(
    ("host", "same"),
    [
        ("news.example.org", True),
        ("NEWS.Example.org", True),
        ("news.example.org.", True),
        ("news.example.org:443", True),
        ("news.example.org:80", True),
        ("news.example.org:8443", False),
        ("evil.example", False),
        ("news.example.org.evil.example", False),
        ("news.example.org@evil.example", False),
        ("news.example.org/x", False),
        ("news.example.org\r\nX: y", False),
        ("", False),
    ],
)
def test_which_hosts_are_the_site(host, same):
    assert is_site_host(host, SITE) is same


# Absolute URLs use the site URL ---------------------------------------------------------


def test_robots_names_the_sitemap_on_the_site(client, site):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text.splitlines()


def test_the_feeds_link_only_to_the_site(client, site):
    for path in ("/feed.xml", site["category_feed"]):
        response = client.get(path)
        assert response.status_code == 200
        root = ET.fromstring(response.data)
        links = [link.get("href") for link in root.iter(f"{ATOM}link")]
        assert links
        assert all(href.startswith(SITE + "/") for href in links), links
        assert all(u.startswith(SITE) for u in own_urls(response.text)), own_urls(response.text)


def test_the_sitemap_lists_only_site_urls(client, site):
    root = ET.fromstring(client.get("/sitemap.xml").data)
    locations = [loc.text for loc in root.iter(f"{SITEMAP}loc")]
    assert f"{SITE}{site['article']}" in locations or any(
        loc.startswith(f"{SITE}/sitemap") for loc in locations
    )
    assert all(loc.startswith(SITE + "/") for loc in locations), locations


@pytest.mark.parametrize("kind", ["article", "category", "page", "tag"])
def test_canonical_and_opengraph_links_use_the_site(client, site, kind):
    html = client.get(site[kind], headers=BROWSER).text
    assert f'<link rel="canonical" href="{SITE}{site[kind]}">' in html
    if kind in ("article", "page"):
        assert f'<meta property="og:url" content="{SITE}{site[kind]}">' in html
    assert all(u.startswith(SITE) for u in own_urls(html)), own_urls(html)


def test_the_home_page_has_its_canonical_link(client, site):
    assert f'<link rel="canonical" href="{SITE}/">' in client.get("/", headers=BROWSER).text


def test_the_site_url_is_used_even_for_a_plain_http_request(client, site):
    response = client.get("/robots.txt", base_url="http://news.example.org")
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text


def test_urls_built_outside_a_request_use_the_site(app):
    with app.app_context():
        assert url_for("public.sitemap") == f"{SITE}/sitemap.xml"
        assert url_for("public.tag", slug="van-hoa", _external=True) == f"{SITE}/tag/van-hoa"


def test_redirects_never_name_the_request_host(client, site):
    response = client.get(site["article"] + "/?utm_source=zalo")
    assert response.status_code == 301
    assert response.headers["Location"] == site["article"] + "?utm_source=zalo"
    routed = client.get("/admin")  # a route that wants its slash: Werkzeug's own redirect
    assert routed.status_code == 308
    assert routed.headers["Location"] == f"{SITE}/admin/"


# Other hosts are refused ----------------------------------------------------------------


@pytest.mark.parametrize("host", HOSTILE_HOSTS)
@pytest.mark.parametrize("path", ["/robots.txt", "/feed.xml", "/sitemap.xml", "article", "page"])
def test_a_request_for_another_host_is_refused(client, site, host, path):
    response = client.get(site.get(path, path), headers={**BROWSER, "Host": host})
    assert response.status_code == 400
    assert "evil" not in response.text
    assert "The request could not be understood." in response.text
    assert "Location" not in response.headers


@pytest.mark.parametrize("host", ["evil.example", "evil.example:8443"])
def test_a_forwarded_host_from_a_trusted_proxy_is_checked_too(make_app, site, host):
    proxied = make_app(SITE_URL=SITE, PROXY_HOPS=1)
    client = proxied.test_client()
    headers = {**BROWSER, "X-Forwarded-Host": host, "X-Forwarded-Proto": "https"}
    assert client.get("/robots.txt", headers=headers).status_code == 400
    assert client.get(site["article"], headers=headers).status_code == 400
    good = {**BROWSER, "X-Forwarded-Host": "news.example.org", "X-Forwarded-Proto": "https"}
    response = client.get("/robots.txt", headers=good)
    assert response.status_code == 200
    assert f"Sitemap: {SITE}/sitemap.xml" in response.text


def test_a_forwarded_host_is_ignored_without_trusted_proxies(client, site):
    response = client.get("/robots.txt", headers={"X-Forwarded-Host": "evil.example"})
    assert response.status_code == 200
    assert "evil" not in response.text


def test_the_refusal_is_translated(make_app, site):
    client = make_app(SITE_URL=SITE, LOCALE="vi").test_client()
    response = client.get("/", headers={**BROWSER, "Host": "evil.example"})
    assert response.status_code == 400
    assert "Yêu cầu không hợp lệ." in response.text
    assert "evil" not in response.text


@pytest.mark.parametrize("host", ["10.0.0.7:8000", "evil.example", ""])
def test_healthz_answers_whatever_the_host(client, host):
    response = client.get("/healthz", headers={"Host": host})
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_a_refused_host_never_reaches_the_pages_served_later(client, site):
    for _ in range(2):
        client.get(site["article"], headers={**BROWSER, "Host": "evil.example"})
    html = client.get(site["article"], headers=BROWSER).text
    assert "evil" not in html


# Without the setting (development) ------------------------------------------------------


def test_without_a_site_url_the_request_host_is_used(make_app, site):
    dev = make_app(SITE_URL=None)
    assert dev.config["SITE_URL"] is None
    client = dev.test_client()
    response = client.get("/robots.txt", base_url="http://dev.local:5000")
    assert response.status_code == 200
    assert "Sitemap: http://dev.local:5000/sitemap.xml" in response.text
    html = client.get(site["article"], base_url="http://dev.local:5000", headers=BROWSER).text
    assert f'<link rel="canonical" href="http://dev.local:5000{site["article"]}">' in html


@pytest.mark.parametrize("prefix", ["//evil.example", "/evil", "https://evil.example"])
def test_a_forwarded_prefix_never_reaches_the_urls(make_app, site, prefix):
    client = make_app(SITE_URL=SITE, PROXY_HOPS=1).test_client()
    headers = {**BROWSER, "X-Forwarded-Host": "news.example.org", "X-Forwarded-Prefix": prefix}
    html = client.get(site["article"], headers=headers).text
    assert "evil" not in html
    assert f'<link rel="canonical" href="{SITE}{site["article"]}">' in html
    robots = client.get("/robots.txt", headers=headers).text
    assert f"Sitemap: {SITE}/sitemap.xml" in robots
    response = client.get(site["article"] + "/", headers=headers)
    assert response.headers["Location"] == site["article"]
