"""What the API stores: clean text, lengths as stored, NUL and bad UTF-8 refused, own images."""

import json
import unicodedata
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from cms.content.text import FORBIDDEN_CHARS
from cms.extensions import db
from cms.models import Article, Category, Page, Tag
from cms.models.content import TITLE_MAX
from tests.api.conftest import error_of

TITLE_120 = ("Tiếng Việt: " + "ệộừẫởếềểễậắằẳẵặứựửữờớ " * 6)[:120]
TITLE_120_NFD = unicodedata.normalize("NFD", TITLE_120)


def stored_articles(app):
    with app.app_context():
        rows = db.session.execute(select(Article)).scalars().all()
        for row in rows:
            db.session.expunge(row)
        return rows


@pytest.mark.parametrize(
    "body_html",
    ["<p>a&#16;b</p>", "<p>a&#x10;b</p>", "<p>a&#0;b</p>", "<p>a\u0010b</p>", "<p>a&#xFFFE;b</p>"],
)
def test_a_forbidden_character_in_the_body_never_reaches_the_feed(app, admin, client, body_html):
    response = admin.post(
        "/articles", {"title": "Tin\u0010 mới", "body_html": body_html, "status": "published"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body["body_html"] == "<p>ab</p>"
    assert body["title"] == "Tin mới"
    feed = client.get("/feed.xml")
    assert feed.status_code == 200
    ET.fromstring(feed.data)  # well-formed XML
    assert not FORBIDDEN_CHARS.search(feed.get_data(as_text=True))


def test_every_text_field_of_every_resource_is_stored_clean(app, admin):
    category = admin.post("/categories", {"name": "Chuyên\u0001 mục", "description": "Mô\u001f tả"})
    assert category.status_code == 201
    tag = admin.post("/tags", {"name": "Thẻ\u007f mới"})
    assert tag.status_code == 201
    page = admin.post(
        "/pages", {"title": "Giới\u0008 thiệu", "summary": "x\ufffey", "body_html": "<p>&#x1;</p>"}
    )
    assert page.status_code == 201
    article = admin.post(
        "/articles",
        {"title": "Bài", "summary": "Tóm\u000b tắt", "tags": ["Một\u0002", "Hai&#16;"]},
    )
    assert article.status_code == 201
    with app.app_context():
        texts = [
            *db.session.execute(select(Category.name, Category.description)).one(),
            *db.session.execute(select(Tag.name)).scalars(),
            *db.session.execute(select(Page.title, Page.summary, Page.body_html)).one(),
            *db.session.execute(select(Article.title, Article.summary)).one(),
        ]
    assert texts
    for value in texts:
        assert not FORBIDDEN_CHARS.search(value), value


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "a\u0000b"},
        {"title": "Tin", "body_html": "<p>a\u0000b</p>"},
        {"title": "Tin", "tags": ["ok", "x\u0000"]},
        {"title": "Tin", "summary\u0000": "x"},
    ],
)
def test_a_nul_in_a_json_string_is_refused_with_422_and_nothing_is_stored(app, admin, payload):
    response = admin.post("/articles", payload)
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert len(fields) == 1
    assert "NUL" in next(iter(fields.values()))
    assert stored_articles(app) == []


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "a\ud800b"},
        {"title": "Tin", "body_html": "<p>\udcff</p>"},
        {"title": "Tin", "tags": ["ok", "x\udfff"]},
        {"title": "Tin", "summary\ud800": "x"},
    ],
)
def test_a_lone_surrogate_in_a_json_string_is_refused_with_422_and_nothing_is_stored(
    app, admin, payload
):
    response = admin.post("/articles", payload)  # json.dumps writes it as an escape
    assert response.status_code == 422
    fields = error_of(response)["fields"]
    assert len(fields) == 1
    assert "surrogate" in next(iter(fields.values()))
    assert stored_articles(app) == []


def test_a_nul_in_a_patch_leaves_the_article_as_it_was(app, admin, make_article):
    ref = make_article("Bài gốc")
    response = admin.patch(f"/articles/{ref.id}", {"title": "Đổi\u0000"})
    assert response.status_code == 422
    assert "NUL" in error_of(response)["fields"]["title"]
    assert [a.title for a in stored_articles(app)] == ["Bài gốc"]


def test_a_nul_in_a_json_body_of_a_plugin_state_write_is_refused(admin):
    response = admin.patch("/plugins/clock", {"enabled\u0000": True})
    assert response.status_code == 422
    assert error_of(response)["fields"] == {
        "enabled\\u0000": "This holds a NUL character (U+0000), which cannot be stored; remove it."
    }


def test_a_120_letter_title_typed_in_nfd_is_accepted(admin):
    assert len(TITLE_120_NFD) > TITLE_MAX
    response = admin.post("/articles", {"title": TITLE_120_NFD})
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["title"] == TITLE_120
    tag = admin.post("/tags", {"name": TITLE_120_NFD})
    assert tag.status_code == 201, tag.get_json()
    assert admin.post("/articles", {"title": "x", "tags": [TITLE_120_NFD]}).status_code == 201


def test_a_title_over_the_limit_once_in_nfc_is_refused(admin):
    response = admin.post("/articles", {"title": "ệ" * (TITLE_MAX + 1)})
    assert response.status_code == 422
    assert "title" in error_of(response)["fields"]


@pytest.mark.parametrize("resource", ["/articles", "/pages"])
def test_a_body_too_long_once_escaped_is_refused_and_nothing_is_stored(app, admin, resource):
    response = admin.post(resource, {"title": "Dài", "body_html": "<" * 999_990})
    assert response.status_code == 422
    message = error_of(response)["fields"]["body_html"]
    assert "cleaned" in message
    with app.app_context():
        assert db.session.execute(select(Article)).first() is None
        assert db.session.execute(select(Page)).first() is None


def test_a_body_too_long_once_escaped_leaves_the_article_savable(app, admin, make_article):
    ref = make_article("Bài gốc", body_html="<p>gốc</p>")
    response = admin.patch(f"/articles/{ref.id}", {"body_html": "<" * 999_990})
    assert response.status_code == 422
    assert stored_articles(app)[0].body_html == "<p>gốc</p>"
    again = admin.patch(f"/articles/{ref.id}", {"body_html": "<p>&lt; mới</p>"})
    assert again.status_code == 200
    assert again.get_json()["body_html"] == "<p>&lt; mới</p>"


def test_an_image_from_another_host_is_refused_with_a_message(app, admin):
    response = admin.post(
        "/articles",
        {"title": "Ảnh", "body_html": '<p><img src="https://other.example/track.gif"></p>'},
    )
    assert response.status_code == 422
    assert "https://other.example/track.gif" in error_of(response)["fields"]["body_html"]
    assert stored_articles(app) == []
    own = admin.post(
        "/articles", {"title": "Ảnh", "body_html": '<p><img src="/media/a.jpg" alt="A"></p>'}
    )
    assert own.status_code == 201
    assert '<img src="/media/a.jpg" alt="A">' in own.get_json()["body_html"]


@pytest.fixture
def app_config(app_config):
    """These tests run with one allowed image host."""
    return {**app_config, "IMAGE_HOSTS": "cdn.example.org"}


def test_an_image_from_a_listed_host_is_accepted(admin):
    response = admin.post(
        "/articles",
        {"title": "Ảnh", "body_html": '<img src="https://cdn.example.org/a.png">'},
    )
    assert response.status_code == 201
    assert "https://cdn.example.org/a.png" in response.get_json()["body_html"]


@pytest.mark.parametrize("query", ["q=%C3%28", "q=%FF", "page=1&q=%E1%BB", "%C3%28=1"])
def test_a_query_string_that_is_not_utf8_is_a_json_400(anon, query):
    response = anon.get(f"/articles?{query}")
    assert response.status_code == 400
    assert "UTF-8" in error_of(response)["message"]


@pytest.mark.parametrize("query", ["q=a%00", "status=%00", "%00=x", "tag=%00&q=a", "category=%00"])
def test_a_nul_in_a_query_parameter_is_a_json_400(anon, query):
    response = anon.get(f"/articles?{query}")
    assert response.status_code == 400
    assert "NUL" in error_of(response)["message"]


def test_the_document_says_text_parameters_hold_no_nul(anon):
    parameters = anon.get("/openapi.json").get_json()["components"]["parameters"]
    for name in ("q", "tag", "category"):
        assert parameters[name]["schema"]["pattern"] == "^[^\\u0000]*$"


def test_raw_non_utf8_bytes_in_the_query_string_are_a_json_400(client):
    response = client.get("/api/v1/articles", environ_overrides={"QUERY_STRING": "q=\xff\xfe"})
    assert response.status_code == 400
    assert error_of(response)["message"]


@pytest.mark.parametrize("path", ["/api/v1/articles/%00", "/api/v1/%00", "/api/v1/tags/a%00b"])
def test_a_nul_in_an_api_path_is_a_json_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_a_valid_query_with_vietnamese_is_still_answered(anon, make_article):
    make_article("Cải cách hành chính")
    response = anon.get("/articles?q=c%E1%BA%A3i%20c%C3%A1ch")
    assert response.status_code == 200
    assert response.get_json()["total"] == 1


def test_json_with_a_literal_backslash_u0000_text_is_not_a_nul(admin):
    raw = json.dumps({"title": "a\\u0000b"})  # the six characters \u0000, escaped
    response = admin.post("/articles", data=raw, headers={"Content-Type": "application/json"})
    assert response.status_code == 201
    assert response.get_json()["title"] == "a\\u0000b"
