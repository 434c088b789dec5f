"""Bad input answers a JSON error with the right 4xx status, and stores nothing."""

import io
import json

import pytest

from cms.models import Article, ArticleRevision, AuditEntry, Category, Page, Tag
from tests.api.conftest import error_of

JSON = {"Content-Type": "application/json"}


@pytest.fixture
def article_id(admin):
    """An existing published article."""
    return admin.post(
        "/articles", {"title": "Bài gốc", "status": "published", "tags": ["Gốc"]}
    ).get_json()["id"]


@pytest.fixture
def write_targets(admin, article_id):
    """(method, path) of a create and an update of each resource."""
    page = admin.post("/pages", {"title": "Trang"}).get_json()["id"]
    category = admin.post("/categories", {"name": "Mục"}).get_json()["id"]
    tag = admin.post("/tags", {"name": "Nhãn"}).get_json()["id"]
    return [
        ("POST", "/articles"),
        ("PATCH", f"/articles/{article_id}"),
        ("PUT", f"/articles/{article_id}"),
        ("POST", "/pages"),
        ("PATCH", f"/pages/{page}"),
        ("POST", "/categories"),
        ("PATCH", f"/categories/{category}"),
        ("POST", "/tags"),
        ("PATCH", f"/tags/{tag}"),
    ]


def _snapshot(count):
    return {
        m.__name__: count(m) for m in (Article, ArticleRevision, AuditEntry, Page, Category, Tag)
    }


@pytest.mark.parametrize(
    ("data", "message_part"),
    [
        (b"{", "not valid JSON"),
        (b"", "not valid JSON"),
        (b'{"title": "a",}', "not valid JSON"),
        (b'{"title": NaN}', "not valid JSON"),
        (b'{"title": "\xff\xfe"}', "UTF-8"),
        (b"\xef\xbb\xbf{}", "not valid JSON"),
        (b"[" * 100_000, "not valid JSON"),
        (b'{"title": ' + b"1" * 5000 + b"}", "not valid JSON"),
        (b"[]", "JSON object"),
        (b'"title"', "JSON object"),
        (b"null", "JSON object"),
        (b"42", "JSON object"),
    ],
)
def test_malformed_bodies_are_400(admin, write_targets, count, data, message_part):
    before = _snapshot(count)
    for method, path in write_targets:
        response = admin.request(method, path, data=data, headers=JSON)
        assert response.status_code == 400, (method, path)
        error = error_of(response)
        assert error["code"] == "bad_request"
        assert message_part in error["message"]
    assert _snapshot(count) == before


@pytest.mark.parametrize(
    "content_type",
    [None, "text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"],
)
def test_non_json_content_type_is_415(admin, write_targets, count, content_type):
    before = _snapshot(count)
    headers = {"Content-Type": content_type} if content_type else {}
    for method, path in write_targets:
        response = admin.request(method, path, data=b'{"title": "x"}', headers=headers)
        assert response.status_code == 415, (method, path)
        assert error_of(response)["code"] == "unsupported_media_type"
    assert _snapshot(count) == before


def test_json_with_a_charset_or_a_json_suffix_is_accepted(admin):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = admin.post(
            "/tags",
            data=json.dumps({"name": f"Thẻ {content_type[:16]}"}),
            headers={"Content-Type": content_type},
        )
        assert response.status_code == 201, response.get_json()


@pytest.fixture
def small_limit(app):
    """Make the API accept JSON bodies of at most 1000 bytes."""
    app.config["API_MAX_JSON_BYTES"] = 1000
    return 1000


def test_body_over_the_limit_is_413_by_content_length(admin, count, small_limit):
    body = b'{"title": "' + b"a" * small_limit + b'"}'
    response = admin.post("/articles", data=body, headers=JSON)
    assert response.status_code == 413
    assert error_of(response)["code"] == "payload_too_large"
    assert count(Article) == 0


def test_body_over_the_limit_is_413_by_actual_size(app, admin, count, small_limit):
    """A body larger than its Content-Length claims (or sent chunked) is measured as it arrives."""
    body = b'{"title": "' + b"a" * small_limit + b'"}'
    environ_overrides = {"wsgi.input_terminated": True}
    response = admin.client.post(
        "/api/v1/articles",
        input_stream=io.BytesIO(body),
        headers={**admin.headers(), "Content-Type": "application/json"},
        environ_overrides=environ_overrides,
    )
    assert response.status_code == 413
    assert count(Article) == 0


def test_body_at_the_limit_is_accepted(admin, small_limit):
    prefix, suffix = b'{"title": "', b'"}'
    body = prefix + b"a" * (small_limit - len(prefix) - len(suffix) - 700) + suffix
    assert admin.post("/articles", data=body, headers=JSON).status_code == 201


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"title": 5}, "title"),
        ({"title": None}, "title"),
        ({"title": ""}, "title"),
        ({"title": "   "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"title": "ok", "summary": ["a"]}, "summary"),
        ({"title": "ok", "status": "gone"}, "status"),
        ({"title": "ok", "status": None}, "status"),
        ({"title": "ok", "published_at": "not a date"}, "published_at"),
        ({"title": "ok", "published_at": "0001-01-01T00:00:00+05:00"}, "published_at"),
        ({"title": "ok", "published_at": 20200514}, "published_at"),
        ({"title": "ok", "category": 999}, "category"),
        ({"title": "ok", "category": "1"}, "category"),
        ({"title": "ok", "category": True}, "category"),
        ({"title": "ok", "category": 1.5}, "category"),
        ({"title": "ok", "category": 2**70}, "category"),
        ({"title": "ok", "image": 12345}, "image"),
        ({"title": "ok", "tags": "a,b"}, "tags"),
        ({"title": "ok", "tags": [1, 2]}, "tags"),
        ({"title": "ok", "tags": ["!!!"]}, "tags"),
        ({"title": "ok", "tags": ["x" * 121]}, "tags"),
        ({"title": "ok", "tags": [f"t{n}" for n in range(51)]}, "tags"),
        ({"title": "ok", "colour": "red"}, "colour"),
        ({"title": "ok", "id": 5}, "id"),
        ({"title": "ok", "category_id": 1}, "category_id"),
        ({"title": "ok", "author": 1}, "author"),
    ],
)
def test_invalid_article_fields_are_422_and_nothing_is_stored(admin, count, data, field):
    before = _snapshot(count)
    response = admin.post("/articles", data)
    assert response.status_code == 422
    error = error_of(response)
    assert error["code"] == "invalid"
    assert field in error["fields"]
    assert isinstance(error["fields"][field], str)
    assert _snapshot(count) == before


def test_a_failed_update_changes_nothing(admin, article_id, count):
    before = _snapshot(count)
    original = admin.get(f"/articles/{article_id}").get_json()
    response = admin.patch(
        f"/articles/{article_id}",
        {"title": "Đổi", "tags": ["Thẻ mới", "Thẻ khác"], "category": 999},
    )
    assert response.status_code == 422
    assert set(error_of(response)["fields"]) == {"category"}
    assert _snapshot(count) == before
    assert admin.get(f"/articles/{article_id}").get_json() == original


def test_every_bad_field_is_reported(admin):
    response = admin.post("/articles", {"title": 1, "status": "x", "tags": "y", "extra": 1})
    assert set(error_of(response)["fields"]) == {"title", "status", "tags", "extra"}


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/pages", {}, "title"),
        ("/pages", {"title": "T", "parent": 999}, "parent"),
        ("/pages", {"title": "T", "status": "scheduled"}, "status"),
        ("/pages", {"title": "T", "show_in_menu": "yes"}, "show_in_menu"),
        ("/pages", {"title": "T", "position": 2**40}, "position"),
        ("/pages", {"title": "T", "position": "1"}, "position"),
        ("/categories", {}, "name"),
        ("/categories", {"name": "  "}, "name"),
        ("/categories", {"name": "C", "parent": 999}, "parent"),
        ("/categories", {"name": "C", "description": 5}, "description"),
        ("/categories", {"name": "C", "show_on_home": 1}, "show_on_home"),
        ("/tags", {}, "name"),
        ("/tags", {"name": "!!!"}, "name"),
        ("/tags", {"name": "x" * 121}, "name"),
        ("/tags", {"name": "T", "slug": 5}, "slug"),
        ("/tags", {"name": "T", "url": "x"}, "url"),
    ],
)
def test_invalid_fields_of_other_resources_are_422(admin, count, path, data, field):
    before = _snapshot(count)
    response = admin.post(path, data)
    assert response.status_code == 422
    assert field in error_of(response)["fields"]
    assert _snapshot(count) == before


@pytest.mark.parametrize(
    "path",
    [
        "/articles/999",
        "/articles/99999999999999999999999",
        "/pages/999",
        "/categories/999",
        "/tags/999",
        "/articles/0",
        "/nothing-here",
    ],
)
def test_unknown_ids_are_404(admin, anon, path):
    for client in (admin, anon):
        response = client.get(path)
        assert response.status_code == 404
        assert error_of(response)["code"] == "not_found"
    if path.count("/") == 2:
        for method in ("PATCH", "PUT", "DELETE"):
            response = admin.request(method, path, json={})
            assert response.status_code == 404, method
            assert error_of(response)["code"] == "not_found"


@pytest.mark.parametrize(
    "query",
    [
        "page=abc",
        "page=0",
        "page=-1",
        "page=1.5",
        "page=",
        "page=%EF%BC%91",  # a full-width digit one
        "page=99999999999999999999",
        "per_page=0",
        "per_page=101",
        "per_page=x",
        "status=deleted",
        "status=",
        "q=" + "a" * 201,
    ],
)
def test_bad_query_parameters_are_400(editor, query):
    response = editor.get(f"/articles?{query}")
    assert response.status_code == 400, query
    assert error_of(response)["code"] == "bad_request"


@pytest.mark.parametrize(
    "query",
    ["page=1&page=2", "per_page=5&per_page=5", "status=draft&status=published", "q=a&q=b"],
)
def test_a_query_parameter_given_twice_is_400_naming_it(editor, query):
    name = query.split("=")[0]
    response = editor.get(f"/articles?{query}")
    assert response.status_code == 400, query
    assert error_of(response)["message"] == f"The parameter {name} is given more than once."


def test_a_plugin_query_parameter_given_twice_is_400(anon):
    response = anon.get("/links?group=1&group=2")
    assert response.status_code == 400
    assert error_of(response)["message"] == "The parameter group is given more than once."


@pytest.mark.parametrize("path", ["/pages", "/categories", "/tags"])
def test_bad_pagination_of_other_lists_is_400(anon, path):
    assert anon.get(f"{path}?page=0").status_code == 400
    assert anon.get(f"{path}?per_page=1000").status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/articles"),
        ("PUT", "/articles"),
        ("PATCH", "/tags"),
        ("POST", "/articles/1"),
        ("POST", "/openapi.json"),
    ],
)
def test_unknown_methods_are_405_with_allow(admin, method, path):
    response = admin.request(method, path, json={})
    assert response.status_code == 405
    assert error_of(response)["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_messages_follow_the_site_language(app, admin, author):
    from cms.content import set_setting
    from cms.extensions import db

    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    response = admin.post("/articles", {"title": "   "})
    assert error_of(response)["fields"]["title"] == "Vui lòng nhập tiêu đề."
    response = admin.post("/pages", {"title": "T", "position": "1"})
    assert error_of(response)["fields"]["position"] == "Phải là một số nguyên."


def test_errors_never_render_html(admin):
    for response in (
        admin.get("/articles/abc"),
        admin.request("POST", "/articles", data=b"\x00\x01", headers=JSON),
        admin.request("TRACE", "/articles"),
    ):
        assert response.is_json
        assert response.status_code < 500


def test_a_lost_uniqueness_race_is_409_and_stores_nothing(admin, count, monkeypatch):
    """Two writers took the same slug at once: the database refuses the second one."""
    from cms.api import views
    from cms.extensions import db

    admin.post("/tags", {"name": "Kinh tế"})

    def racing_save_tag(tag, data):
        clash = Tag(name="Kinh tế khác", slug="kinh-te")
        db.session.add(clash)
        return clash

    monkeypatch.setattr(views, "save_tag", racing_save_tag)
    response = admin.post("/tags", {"name": "Kinh tế khác"})
    assert response.status_code == 409
    assert error_of(response)["code"] == "conflict"
    assert count(Tag) == 1
    assert count(AuditEntry) == 1
