"""The API with ``CMS_SITE_URL``: ``Location`` and ``url`` on the site, other hosts refused."""

import pytest

from cms.models import Article, Category
from tests.api.conftest import Api, error_of

SITE = "https://news.example.org"
HOSTILE = ["evil.example", "evil.example:443", "news.example.org:8443", ""]


@pytest.fixture
def app_config(app_config):
    """The test site with its canonical URL set."""
    return {**app_config, "SITE_URL": SITE}


def article_body(category_id):
    """A valid new article."""
    return {
        "title": "Khai mạc lễ hội",
        "body_html": "<p>Nội dung</p>",
        "status": "published",
        "category": category_id,
    }


def test_location_and_urls_of_a_created_article_use_the_site(admin, make_category):
    news = make_category("Tin tức")
    response = admin.post("/articles", article_body(news.id))
    assert response.status_code == 201
    body = response.get_json()
    assert response.headers["Location"] == f"{SITE}/api/v1/articles/{body['id']}"
    assert body["url"] == f"{SITE}/news/khai-mac-le-hoi"
    assert body["category"]["url"] == f"{SITE}/category/tin-tuc"


@pytest.mark.parametrize("path", ["/categories", "/tags", "/pages"])
def test_location_of_every_created_object_uses_the_site(admin, path):
    body = {"/categories": {"name": "Thời sự"}, "/tags": {"name": "Văn hóa"}}.get(
        path, {"title": "Giới thiệu", "status": "published"}
    )
    response = admin.post(path, body)
    assert response.status_code == 201, response.get_json()
    assert response.headers["Location"].startswith(f"{SITE}/api/v1{path}/")


@pytest.mark.parametrize("host", HOSTILE)
def test_a_write_for_another_host_is_refused_and_changes_nothing(admin, make_category, count, host):
    news = make_category("Tin tức")
    response = admin.post("/articles", article_body(news.id), headers={"Host": host})
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
    assert "Location" not in response.headers
    assert count(Article) == 0
    assert count(Category) == 1


@pytest.mark.parametrize("host", HOSTILE)
def test_a_read_for_another_host_is_refused_as_json(anon, host):
    response = anon.get("/articles", headers={"Host": host})
    assert response.status_code == 400
    assert "evil" not in response.get_data(as_text=True)
    error_of(response)


def test_a_forwarded_host_behind_a_trusted_proxy_is_refused(make_app, api_token, make_category):
    news = make_category("Tin tức")
    proxied = Api(make_app(SITE_URL=SITE, PROXY_HOPS=1).test_client(), api_token("admin"))
    forwarded = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    response = proxied.post("/articles", article_body(news.id), headers=forwarded)
    assert response.status_code == 400
    assert error_of(response)["code"] == "bad_request"
    good = {"X-Forwarded-Host": "news.example.org", "X-Forwarded-Proto": "https"}
    response = proxied.post("/articles", article_body(news.id), headers=good)
    assert response.status_code == 201
    assert response.headers["Location"].startswith(f"{SITE}/api/v1/articles/")


def test_without_a_site_url_the_request_host_is_used(make_app, api_token, make_category):
    news = make_category("Tin tức")
    dev = Api(make_app(SITE_URL=None).test_client(), api_token("admin"))
    response = dev.post("/articles", article_body(news.id), base_url="http://dev.local:5000")
    assert response.status_code == 201
    assert response.headers["Location"].startswith("http://dev.local:5000/api/v1/articles/")
    assert response.get_json()["url"] == "http://dev.local:5000/news/khai-mac-le-hoi"
