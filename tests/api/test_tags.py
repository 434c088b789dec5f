"""Tags through the API: list, get, create, rename, delete."""

import pytest

from cms.models import Tag
from tests.api.conftest import error_of


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_crud(request, anon, role):
    api = request.getfixturevalue(role)
    response = api.post("/tags", {"name": "Kinh tế"})
    assert response.status_code == 201
    tag = response.get_json()
    assert tag == {
        "id": tag["id"],
        "name": "Kinh tế",
        "slug": "kinh-te",
        "url": "http://localhost/tag/kinh-te",
    }
    assert response.headers["Location"].endswith(f"/api/v1/tags/{tag['id']}")
    assert anon.get(f"/tags/{tag['id']}").get_json() == tag
    renamed = api.patch(f"/tags/{tag['id']}", {"name": "Kinh tế số"})
    assert renamed.status_code == 200
    assert renamed.get_json()["slug"] == "kinh-te-so"
    custom = api.put(f"/tags/{tag['id']}", {"slug": "ktso"}).get_json()
    assert (custom["name"], custom["slug"]) == ("Kinh tế số", "ktso")
    assert api.delete(f"/tags/{tag['id']}").status_code == 204
    assert anon.get(f"/tags/{tag['id']}").status_code == 404


def test_deleting_a_tag_removes_it_from_articles(editor):
    article = editor.post("/articles", {"title": "Tin", "tags": ["A", "B"]}).get_json()
    tag_id = editor.get("/tags").get_json()["items"][0]["id"]
    assert editor.delete(f"/tags/{tag_id}").status_code == 204
    assert editor.get(f"/articles/{article['id']}").get_json()["tags"] == ["B"]


def test_list_by_name(anon, make_article):
    make_article("Tin", tags=["Du lịch", "An ninh", "Kinh tế"])
    body = anon.get("/tags").get_json()
    assert [t["name"] for t in body["items"]] == ["An ninh", "Du lịch", "Kinh tế"]
    assert body["total"] == 3
    assert [t["name"] for t in anon.get("/tags?per_page=1&page=2").get_json()["items"]] == [
        "Du lịch"
    ]


@pytest.mark.parametrize("name", ["Kinh tế", "kinh tế", "Kinh  tế"])
def test_duplicate_names_are_422(editor, count, name):
    editor.post("/tags", {"name": "Kinh tế"})
    response = editor.post("/tags", {"name": name})
    assert response.status_code == 422
    assert "name" in error_of(response)["fields"]
    assert count(Tag) == 1


def test_renaming_onto_another_tag_is_422(editor):
    editor.post("/tags", {"name": "A"})
    b = editor.post("/tags", {"name": "B"}).get_json()
    assert editor.patch(f"/tags/{b['id']}", {"name": "A"}).status_code == 422
    assert editor.patch(f"/tags/{b['id']}", {"slug": "a"}).status_code == 422
    assert editor.patch(f"/tags/{b['id']}", {"name": "B"}).status_code == 200


def test_authors_cannot_manage_tags(author, editor, count):
    tag = editor.post("/tags", {"name": "Thẻ"}).get_json()
    for response in (
        author.post("/tags", {"name": "Không"}),
        author.patch(f"/tags/{tag['id']}", {"name": "Không"}),
        author.delete(f"/tags/{tag['id']}"),
    ):
        assert response.status_code == 403
    assert count(Tag) == 1
