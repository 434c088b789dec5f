"""Categories through the API: public reads, editors write."""

import pytest

from cms.models import Article, Category
from tests.api.conftest import error_of


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_crud(request, anon, role, app):
    api = request.getfixturevalue(role)
    response = api.post(
        "/categories", {"name": "Cải cách hành chính", "description": "Thủ tục", "position": 3}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert body == {
        "id": body["id"],
        "name": "Cải cách hành chính",
        "slug": "cai-cach-hanh-chinh",
        "description": "Thủ tục",
        "parent": None,
        "position": 3,
        "show_on_home": True,
        "url": "http://localhost/category/cai-cach-hanh-chinh",
    }
    assert response.headers["Location"].endswith(f"/api/v1/categories/{body['id']}")
    assert anon.get(f"/categories/{body['id']}").get_json() == body

    child = api.post("/categories", {"name": "Một cửa", "parent": body["id"]}).get_json()
    assert child["parent"] == body["id"]
    changed = api.patch(f"/categories/{body['id']}", {"name": "CCHC", "show_on_home": False})
    assert changed.status_code == 200
    assert changed.get_json()["name"] == "CCHC"
    assert changed.get_json()["slug"] == "cai-cach-hanh-chinh"
    assert changed.get_json()["show_on_home"] is False
    assert api.put(f"/categories/{body['id']}", {"slug": "cchc"}).get_json()["slug"] == "cchc"

    article = api.post("/articles", {"title": "Tin", "category": body["id"]}).get_json()
    assert api.delete(f"/categories/{body['id']}").status_code == 204
    assert anon.get(f"/categories/{body['id']}").status_code == 404
    assert api.get(f"/articles/{article['id']}").get_json()["category"] is None
    assert anon.get(f"/categories/{child['id']}").get_json()["parent"] is None
    with app.app_context():
        from cms.extensions import db

        assert db.session.get(Article, article["id"]) is not None


def test_list(anon, make_category):
    make_category("Thể thao", position=2)
    make_category("Tin tức", position=1)
    make_category("An ninh", position=2)
    body = anon.get("/categories").get_json()
    assert [c["name"] for c in body["items"]] == ["Tin tức", "An ninh", "Thể thao"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 20, 3)
    assert len(anon.get("/categories?per_page=1&page=3").get_json()["items"]) == 1


def test_a_name_without_letters_still_gets_a_slug(editor):
    response = editor.post("/categories", {"name": "!!!"})
    assert response.status_code == 201
    assert response.get_json()["slug"] == "category"


def test_a_category_cannot_be_its_own_ancestor(editor):
    parent = editor.post("/categories", {"name": "Cha"}).get_json()
    child = editor.post("/categories", {"name": "Con", "parent": parent["id"]}).get_json()
    response = editor.patch(f"/categories/{parent['id']}", {"parent": child["id"]})
    assert response.status_code == 422
    assert "parent" in error_of(response)["fields"]


def test_authors_cannot_touch_categories(author, make_category, count):
    category = make_category("Tin tức")
    for response in (
        author.post("/categories", {"name": "Không"}),
        author.patch(f"/categories/{category.id}", {"name": "Không"}),
        author.delete(f"/categories/{category.id}"),
    ):
        assert response.status_code == 403
    assert count(Category) == 1
