"""Bearer tokens: who they identify, which ones are refused, and cache headers."""

from datetime import timedelta

import pytest
from sqlalchemy import update

from cms.extensions import db
from cms.models import ApiToken, Article, User, utcnow
from tests.api.conftest import Api, error_of


def _token_row(app, secret):
    with app.app_context():
        return db.session.execute(
            db.select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(secret))
        ).scalar_one()


def test_a_valid_token_identifies_its_user(admin):
    response = admin.post("/articles", {"title": "Có token"})
    assert response.status_code == 201
    assert response.get_json()["author"]["name"] == "admin-token"


@pytest.mark.parametrize(
    "header",
    [
        "Bearer cms_not-a-real-token",
        "Bearer ",
        "Bearer",
        "Basic dXNlcjpwYXNz",
        "Token abc",
        "bearer " + "x" * 500,
    ],
)
def test_bad_tokens_are_401_even_on_reads(client, count, header):
    for method, path in (("GET", "/articles"), ("POST", "/articles")):
        response = client.open(
            f"/api/v1{path}", method=method, headers={"Authorization": header}, json={"title": "x"}
        )
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert response.headers["Cache-Control"] == "no-store"
        assert error_of(response)["code"] == "unauthorized"
    assert count(Article) == 0


def test_the_scheme_is_case_insensitive(client, api_token):
    token = api_token("editor")
    response = client.get(
        "/api/v1/articles?status=draft", headers={"Authorization": f"bearer {token}"}
    )
    assert response.status_code == 200


def test_a_revoked_token_is_refused(app, client, api_token):
    secret = api_token("admin")
    with app.app_context():
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.token_hash == ApiToken.digest(secret))
            .values(revoked_at=utcnow())
        )
        db.session.commit()
    response = Api(client, secret).post("/tags", {"name": "Không"})
    assert response.status_code == 401


def test_a_deactivated_users_token_is_refused(app, client, api_token):
    secret = api_token("admin")
    with app.app_context():
        db.session.execute(update(User).values(active=False))
        db.session.commit()
    assert Api(client, secret).post("/tags", {"name": "Không"}).status_code == 401
    assert Api(client, secret).get("/tags").status_code == 401


def test_last_used_is_written_at_most_once_a_minute(app, client, api_token):
    secret = api_token("editor")
    api = Api(client, secret)
    assert _token_row(app, secret).last_used_at is None
    api.get("/articles")
    first = _token_row(app, secret).last_used_at
    assert first is not None
    assert utcnow() - first < timedelta(seconds=30)
    api.get("/articles")
    assert _token_row(app, secret).last_used_at == first
    earlier = utcnow() - timedelta(minutes=5)
    with app.app_context():
        db.session.execute(update(ApiToken).values(last_used_at=earlier))
        db.session.commit()
    api.get("/articles")
    assert _token_row(app, secret).last_used_at > earlier + timedelta(minutes=4)


def test_authenticated_answers_are_not_stored(admin, anon, make_article):
    ref = make_article("Tin")
    for response in (
        admin.get("/articles"),
        admin.get(f"/articles/{ref.id}"),
        admin.post("/tags", {"name": "Mới"}),
        admin.get("/tags/999"),
    ):
        assert response.headers["Cache-Control"] == "no-store"
        assert "Authorization" in response.headers["Vary"]
    assert "no-store" not in anon.get(f"/articles/{ref.id}").headers.get("Cache-Control", "")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/pages", {"title": "Trang"}),
        ("POST", "/categories", {"name": "Mục"}),
        ("POST", "/tags", {"name": "Thẻ"}),
    ],
)
def test_authors_cannot_create_pages_categories_or_tags(author, anon, count, method, path, body):
    response = author.request(method, path, json=body)
    assert response.status_code == 403
    assert error_of(response)["code"] == "forbidden"
    assert anon.request(method, path, json=body).status_code == 401


@pytest.fixture
def one_of_each(editor):
    """Ids of a published article, a page, a category and a tag (made by an editor)."""
    return {
        "articles": editor.post("/articles", {"title": "Bài", "status": "published"}).get_json()[
            "id"
        ],
        "pages": editor.post("/pages", {"title": "Trang"}).get_json()["id"],
        "categories": editor.post("/categories", {"name": "Mục"}).get_json()["id"],
        "tags": editor.post("/tags", {"name": "Thẻ"}).get_json()["id"],
    }


BODIES = {
    "articles": {"title": "Đổi"},
    "pages": {"title": "Đổi"},
    "categories": {"name": "Đổi"},
    "tags": {"name": "Đổi"},
}


@pytest.mark.parametrize("collection", list(BODIES))
def test_permission_matrix(collection, one_of_each, anon, author, editor, admin):
    """Who may write what: anonymous never, authors only articles (their own), editors all."""
    item = f"/{collection}/{one_of_each[collection]}"
    body = BODIES[collection]
    writes = [("POST", f"/{collection}"), ("PATCH", item), ("PUT", item), ("DELETE", item)]
    for method, path in writes:
        response = anon.request(method, path, json=body)
        assert response.status_code == 401, (method, path)
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        expected = 201 if (collection == "articles" and method == "POST") else 403
        assert author.request(method, path, json=body).status_code == expected, (method, path)
    for client in (editor, admin):
        assert client.get(item).status_code == 200
        assert client.patch(item, json=body).status_code == 200
    assert admin.delete(item).status_code == 204
    created = editor.post(f"/{collection}", json=dict.fromkeys(body, "Mới"))
    assert created.status_code == 201
    assert editor.delete(f"/{collection}/{created.get_json()['id']}").status_code == 204
    assert anon.get(f"/{collection}").status_code == 200
