"""Pages through the API: editors manage them, readers see published ones."""

import pytest

from cms.models import Page, SlugHistory
from tests.api.conftest import error_of

PAGE_KEYS = {
    "id", "slug", "title", "summary", "body_html", "url", "status", "parent", "position",
    "show_in_menu", "created_at", "updated_at",
}  # fmt: skip


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_crud(request, anon, count, role):
    api = request.getfixturevalue(role)
    response = api.post(
        "/pages",
        {
            "title": "Giới thiệu",
            "summary": "Về chúng tôi",
            "body_html": "<p>Chào</p><script>x()</script>",
            "position": 2,
            "show_in_menu": False,
        },
    )
    assert response.status_code == 201
    page = response.get_json()
    assert set(page) == PAGE_KEYS
    assert response.headers["Location"].endswith(f"/api/v1/pages/{page['id']}")
    assert page["slug"] == "gioi-thieu"
    assert page["url"] == "http://localhost/gioi-thieu"
    assert page["status"] == "published"
    assert page["body_html"] == "<p>Chào</p>"
    assert (page["position"], page["show_in_menu"], page["parent"]) == (2, False, None)
    assert anon.get(f"/pages/{page['id']}").get_json() == page

    child = api.post("/pages", {"title": "Lịch sử", "parent": page["id"]}).get_json()
    assert child["parent"] == page["id"]
    assert child["url"] == "http://localhost/gioi-thieu/lich-su"

    changed = api.patch(f"/pages/{page['id']}", {"title": "Về chúng tôi", "slug": "ve-chung-toi"})
    assert changed.status_code == 200
    assert changed.get_json()["slug"] == "ve-chung-toi"
    assert changed.get_json()["summary"] == "Về chúng tôi"
    assert api.put(f"/pages/{page['id']}", {"status": "draft"}).get_json()["status"] == "draft"

    assert api.delete(f"/pages/{page['id']}").status_code == 204
    assert count(Page) == 1
    assert count(SlugHistory) == 0
    assert anon.get(f"/pages/{child['id']}").get_json()["parent"] is None


def test_drafts_are_for_editors_only(editor, author, anon):
    draft = editor.post("/pages", {"title": "Nháp", "status": "draft"}).get_json()
    editor.post("/pages", {"title": "Công khai"})
    assert anon.get(f"/pages/{draft['id']}").status_code == 404
    assert author.get(f"/pages/{draft['id']}").status_code == 404
    assert editor.get(f"/pages/{draft['id']}").status_code == 200
    assert [p["title"] for p in anon.get("/pages").get_json()["items"]] == ["Công khai"]
    assert [p["title"] for p in editor.get("/pages?status=draft").get_json()["items"]] == ["Nháp"]
    assert anon.get("/pages?status=draft").status_code == 401
    assert author.get("/pages?status=draft").status_code == 403
    assert anon.get("/pages?status=published").status_code == 200


def test_list_is_in_menu_order_and_paginated(editor, anon):
    for title, position in (("C", 1), ("A", 3), ("B", 2)):
        editor.post("/pages", {"title": title, "position": position})
    body = anon.get("/pages?per_page=2").get_json()
    assert [p["title"] for p in body["items"]] == ["C", "B"]
    assert (body["page"], body["per_page"], body["total"]) == (1, 2, 3)
    assert [p["title"] for p in anon.get("/pages?page=2&per_page=2").get_json()["items"]] == ["A"]


def test_authors_cannot_touch_pages(editor, author, count):
    page = editor.post("/pages", {"title": "Trang"}).get_json()
    for response in (
        author.post("/pages", {"title": "Không"}),
        author.patch(f"/pages/{page['id']}", {"title": "Không"}),
        author.delete(f"/pages/{page['id']}"),
    ):
        assert response.status_code == 403
        assert error_of(response)["code"] == "forbidden"
    assert count(Page) == 1
    assert editor.get(f"/pages/{page['id']}").get_json()["title"] == "Trang"


def test_a_page_cannot_be_its_own_ancestor(editor):
    parent = editor.post("/pages", {"title": "Cha"}).get_json()
    child = editor.post("/pages", {"title": "Con", "parent": parent["id"]}).get_json()
    response = editor.patch(f"/pages/{parent['id']}", {"parent": child["id"]})
    assert response.status_code == 422
    assert "parent" in error_of(response)["fields"]


def test_reserved_slugs_are_avoided(editor):
    assert editor.post("/pages", {"title": "Admin"}).get_json()["slug"] != "admin"
