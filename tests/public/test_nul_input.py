"""NUL characters and bytes that are not UTF-8 in a request: a themed 404 or 400, never a 500."""

import pytest

from cms.inputs import repaired_form, repairs_form
from cms.security import PUBLIC_CSP

PATHS = [
    "/%00",
    "/news/a%00b",
    "/news/%00",
    "/category/a%00",
    "/tag/%00/",
    "/page%00",
    "/feed.xml%00",
    "/static/%00.css",
    "/media/%00.jpg",
    "/news/a%01b",
    "/news/%EF%BF%BE",
    "/admin/%00",
    "/admin/articles/%00/edit",
]


@pytest.mark.parametrize("path", PATHS)
def test_a_forbidden_character_in_the_path_is_a_themed_404(client, make_article, path):
    make_article("a b")
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert "does not exist" in response.get_data(as_text=True)


def test_bytes_that_are_not_utf8_in_the_path_are_a_404(client):
    response = client.get("/", environ_overrides={"PATH_INFO": "/news/\xc3("})
    assert response.status_code == 404


QUERIES = [
    "/search?q=a%00",
    "/search?q=%00",
    "/search?%00=1",
    "/?page=%00",
    "/category/tin?page=1%00",
    "/feed.xml?x=%00",
    "/admin/login?next=/admin/%00",
    "/search?q=%C3%28",
    "/search?q=%FF",
    "/admin/articles?q=%E1%BB",
]


@pytest.mark.parametrize("url", QUERIES)
def test_a_nul_or_invalid_utf8_in_the_query_is_a_themed_400_with_a_message(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    text = response.get_data(as_text=True)
    assert "The address holds" in text
    assert "<html" in text.lower()


def test_the_message_is_translated(make_app):
    app = make_app(LOCALE="vi")
    response = app.test_client().get("/search?q=a%00")
    assert response.status_code == 400
    assert "The address holds" not in response.get_data(as_text=True)


def test_valid_queries_still_work(client, make_article):
    make_article("Cải cách hành chính")
    response = client.get("/search?q=c%E1%BA%A3i+c%C3%A1ch&x=%09tab")
    assert response.status_code == 200
    assert "Cải cách hành chính" in response.get_data(as_text=True)


def test_a_nul_in_a_header_is_a_400(client):
    for headers in (
        {"User-Agent": "curl\x00"},
        {"Accept-Language": "vi\x00"},
        {"X-Forwarded-For": "1.2.3.4\x00"},
    ):
        response = client.get("/", headers=headers)
        assert response.status_code == 400, headers
        assert "header" in response.get_data(as_text=True)


def test_a_nul_in_a_cookie_is_a_400(app):
    client = app.test_client(use_cookies=False)  # sends the Cookie header as written
    response = client.get("/", headers={"Cookie": 'remember_token="1\\000x"'})
    assert response.status_code == 400
    assert "cookie" in response.get_data(as_text=True)


def test_healthz_answers_normally(client):
    assert client.get("/healthz").status_code == 200


# -- the public Content Security Policy lets images load from allowed hosts only -----------


def test_the_public_csp_allows_only_own_and_data_images(client):
    csp = client.get("/").headers["Content-Security-Policy"]
    img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()
    assert img_src == ["img-src", "'self'", "data:"]
    assert csp == PUBLIC_CSP


def test_the_csp_lists_the_image_hosts_setting(make_app):
    app = make_app(IMAGE_HOSTS="cdn.example.org *.img.example.net")
    for path in ("/", "/admin/login"):
        csp = app.test_client().get(path).headers["Content-Security-Policy"]
        img_src = next(d for d in csp.split(";") if d.strip().startswith("img-src")).split()
        assert img_src == ["img-src", "'self'", "data:", "cdn.example.org", "*.img.example.net"]


def test_a_view_that_repairs_its_form_gets_it_without_nul_and_with_u_fffd(make_app):
    """``cms.inputs.repairs_form``: no generic 400; NULs removed, bad bytes read as U+FFFD."""
    application = make_app(WTF_CSRF_ENABLED=False)  # the marking is what is tested here

    @application.post("/repairing-form-test")
    @repairs_form
    def repairing() -> dict:
        return dict(repaired_form())

    @application.post("/strict-form-test")
    def strict() -> dict:
        return {}

    client = application.test_client()
    raw = b"name=a%00b&body=x%FFy&n%00ame2=z"
    kind = "application/x-www-form-urlencoded"
    response = client.post("/repairing-form-test", data=raw, content_type=kind)
    assert response.status_code == 200, response.text[:200]
    assert response.get_json() == {"name": "ab", "body": "x\ufffdy", "name2": "z"}
    assert client.post("/strict-form-test", data=raw, content_type=kind).status_code == 400
