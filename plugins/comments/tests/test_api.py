"""The comments' JSON API: approved comments, posting with a captcha, moderation by editors."""

from __future__ import annotations

import json

import pytest

from cms.extensions import db
from cms.paging import PAGE_MAX
from cms.plugins import registry
from plugins.comments.tests.helpers import answer_of, rows, settings


def challenge(reader):
    response = reader.post("/api/v1/captcha", json={})
    assert response.status_code == 201
    body = response.get_json()
    assert set(body) == {"captcha_id", "image_url", "question"}
    return body


def comment(app, reader, article, **fields):
    found = challenge(reader)
    body = {
        "name": "Lê Văn Cường",
        "email": "cuong@example.org",
        "body": "Ý kiến qua API",
        "captcha_id": found["captcha_id"],
        "captcha_answer": answer_of(app, found["captcha_id"]),
        **fields,
    }
    return reader.post(f"/api/v1/articles/{article.id}/comments", json=body)


def test_a_comment_with_a_solved_captcha_is_created_and_listed_once_approved(
    app, api_client, article
):
    reader = api_client(None)
    response = comment(app, reader, article)
    assert response.status_code == 201
    created = response.get_json()
    assert created["status"] == "pending"
    url = f"/api/v1/articles/{article.id}/comments"
    assert reader.get(url).get_json() == {"items": [], "page": 1, "per_page": 50, "total": 0}
    editor = api_client("editor")
    patched = editor.patch(f"/api/v1/comments/{created['id']}", json={"status": "approved"})
    assert patched.status_code == 200
    assert patched.get_json()["status"] == "approved"
    listed = reader.get(url).get_json()
    assert listed["total"] == 1
    [item] = listed["items"]
    assert item["name"] == "Lê Văn Cường"
    assert item["body"] == "Ý kiến qua API"
    assert "email" not in item
    assert "cuong@example.org" not in reader.get(url).text


def test_the_captcha_is_checked_by_the_api(app, api_client, article):
    reader = api_client(None)
    url = f"/api/v1/articles/{article.id}/comments"
    found = challenge(reader)
    base = {"name": "A", "body": "B", "captcha_id": found["captcha_id"]}
    wrong = reader.post(url, json={**base, "captcha_answer": "XXXXX"})
    assert wrong.status_code == 422
    assert wrong.get_json()["error"]["fields"]["captcha_answer"] == (
        "The verification code is incorrect."
    )
    right_but_used = reader.post(
        url, json={**base, "captcha_answer": answer_of(app, found["captcha_id"])}
    )
    assert right_but_used.status_code == 422
    missing = reader.post(url, json={"name": "A", "body": "B"})
    assert missing.status_code == 422
    assert rows(app) == []


def test_api_refusals(app, api_client, article, make_article):
    reader = api_client(None)
    draft = make_article("Nháp", status="draft")
    assert comment(app, reader, draft).status_code == 404
    assert reader.get(f"/api/v1/articles/{draft.id}/comments").status_code == 404
    assert comment(app, reader, article, body="   ").status_code == 422
    assert comment(app, reader, article, body="x" * 5001).status_code == 422
    assert comment(app, reader, article, email="not-an-email").status_code == 422
    assert comment(app, reader, article, parent_id=999).status_code == 422
    form = reader.client.post(
        f"/api/v1/articles/{article.id}/comments", data={"name": "A"}
    )  # a cross-site form cannot send JSON
    assert form.status_code == 415
    assert rows(app) == []
    assert comment(app, reader, article).status_code == 201
    limited = comment(app, reader, article, body="Lần hai")
    assert limited.status_code == 429
    assert "Retry-After" in limited.headers
    with app.app_context():
        registry().set_enabled("comments", False)
        db.session.commit()
    assert reader.post("/api/v1/captcha", json={}).status_code == 404
    assert reader.get(f"/api/v1/articles/{article.id}/comments").status_code == 404


def test_only_editors_moderate(app, api_client, article):
    settings(app, moderation="approved")
    created = comment(app, api_client(None), article).get_json()
    url = f"/api/v1/comments/{created['id']}"
    assert api_client(None).patch(url, json={"status": "spam"}).status_code == 401
    assert api_client("author").patch(url, json={"status": "spam"}).status_code == 403
    assert api_client("author").delete(url).status_code == 403
    editor = api_client("editor")
    assert editor.patch(url, json={"status": "nonsense"}).status_code == 422
    edited = editor.patch(url, json={"body": "Đã sửa <b>", "name": "Tên mới"})
    assert edited.get_json()["body"] == "Đã sửa <b>"
    assert editor.delete(url).status_code == 204
    assert editor.delete(url).status_code == 404
    assert rows(app) == []


def test_every_operation_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert set(paths["/api/v1/articles/{article_id}/comments"]) >= {"get", "post"}
    post = paths["/api/v1/articles/{article_id}/comments"]["post"]
    schema = post["requestBody"]["content"]["application/json"]["schema"]
    assert {"name", "body", "captcha_id", "captcha_answer"} <= set(schema["required"])
    assert "post" in paths["/api/v1/captcha"]
    assert set(paths["/api/v1/comments/{comment_id}"]) >= {"patch", "delete"}


def test_a_replaced_challenge_is_burnt(app, api_client, article):
    reader = api_client(None)
    old = challenge(reader)["captcha_id"]
    assert reader.client.get(challenge_image(reader, old)).status_code == 200
    new = reader.post("/api/v1/captcha", json={"previous": old})
    assert new.status_code == 201
    assert reader.client.get(challenge_image(reader, old)).status_code == 404
    refused = comment_with(app, reader, article, old)
    assert refused.status_code == 422
    assert comment_with(app, reader, article, new.get_json()["captcha_id"]).status_code == 201


def challenge_image(reader, captcha_id):
    return f"/comments/captcha/{captcha_id}.png"


def comment_with(app, reader, article, captcha_id):
    body = {
        "name": "A",
        "body": "Với mã cũ hoặc mới",
        "captcha_id": captcha_id,
        "captcha_answer": answer_of(app, captcha_id),
    }
    return reader.post(f"/api/v1/articles/{article.id}/comments", json=body)


def test_pages_past_the_last_answer_as_the_core_lists_do(app, client, article, thread):
    """The API: 200 with no items (as ``/api/v1/articles``); the HTML list: 404 (as listings)."""
    settings(app, per_page=1)
    with app.app_context():
        from plugins.comments.models import CommentsComment

        db.session.add(
            CommentsComment(
                article_id=article.id, name="A", body="B", status="approved", address_hash="x"
            )
        )
        db.session.commit()
    for page in ("2", "10001", str(PAGE_MAX)):
        core = client.get(f"/api/v1/articles?page={page}")
        ours = client.get(f"/api/v1/articles/{article.id}/comments?page={page}")
        assert (core.status_code, ours.status_code) == (200, 200), page
        assert core.get_json()["items"] == ours.get_json()["items"] == []
        assert ours.get_json()["page"] == int(page)
        assert ours.get_json()["total"] == 1
        assert client.get(f"/comments/{article.id}?page={page}").status_code == 404
    for page in ("0", str(PAGE_MAX + 1), "abc"):
        core = client.get(f"/api/v1/articles?page={page}")
        ours = client.get(f"/api/v1/articles/{article.id}/comments?page={page}")
        assert (core.status_code, ours.status_code) == (400, 400), page
        assert core.get_json() == ours.get_json()
    assert client.get(f"/api/v1/articles/{article.id}/comments?page=1").get_json()["total"] == 1
    assert client.get(f"/comments/{article.id}?page=1").status_code == 200


@pytest.mark.parametrize(
    "field", ["name", "email", "body", "parent_id", "captcha_id", "captcha_answer"]
)
@pytest.mark.parametrize("bad", ["a\\u0000b", "a\\ud800b", "\\udcff"], ids=["nul", "hi", "lo"])
def test_a_nul_or_a_lone_surrogate_in_any_field_is_a_json_error(
    app, api_client, article, field, bad
):
    reader = api_client(None)
    found = challenge(reader)
    body = {
        "name": "A",
        "email": "a@example.org",
        "body": "B",
        "parent_id": None,
        "captcha_id": found["captcha_id"],
        "captcha_answer": answer_of(app, found["captcha_id"]),
    }
    raw = json.dumps(body).replace(json.dumps(body[field]), f'"{bad}"', 1)
    response = reader.post(
        f"/api/v1/articles/{article.id}/comments", data=raw, content_type="application/json"
    )
    assert response.status_code == 422, response.text
    assert field in response.get_json()["error"]["fields"]
    assert rows(app) == []
    previous = reader.post(
        "/api/v1/captcha", data=f'{{"previous": "{bad}"}}', content_type="application/json"
    )
    assert previous.status_code == 422
