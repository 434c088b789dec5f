"""Slug history: an old address keeps leading to its owner, whatever is saved later.

Tags are found again by an old name (after a rename or a merge) from every way
an article is saved; new articles, pages, categories and tags never take a slug
that another existing object used to have.
"""

import pytest
from sqlalchemy import func, select

from cms.content import (
    ContentError,
    delete_tag,
    save_article,
    save_category,
    save_page,
    save_tag,
    tags_from_names,
)
from cms.content.ordering import merge_tags
from cms.content.revisions import compare, latest_revision, restore_revision
from cms.content.slugs import lookup_old_slug, remember_old_slug
from cms.extensions import db
from cms.models import Article, Category, Page, SlugHistory, Tag

OLD = "Covid"
NEW = "Covid-19"


def tag_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Tag)).scalar_one()


def tag_names(app, article_id):
    with app.app_context():
        return [t.name for t in db.session.get(Article, article_id).tags]


@pytest.fixture
def renamed(app):
    """An article tagged ``Covid``; the tag is then renamed ``Covid-19`` (slug follows)."""
    with app.app_context():
        article = save_article(
            None,
            {"title": "Phòng chống dịch", "status": "published", "tags": [OLD, "Y tế"]},
        )
        db.session.commit()
        tag = db.session.execute(select(Tag).where(Tag.name == OLD)).scalar_one()
        save_tag(tag, {"name": NEW})
        db.session.commit()
        assert tag.slug == "covid-19"
        return type("Renamed", (), {"article_id": article.id, "tag_id": tag.id})


def assert_old_address_redirects(client, old="covid", new="covid-19"):
    response = client.get(f"/tag/{old}")
    assert response.status_code == 301
    assert response.headers["Location"].endswith(f"/tag/{new}")


# -- tags: saving an article with an old name ----------------------------------------------


@pytest.mark.parametrize("name", [OLD, "covid", "  COVID ", "Côvid", "cOvId"])
def test_an_old_tag_name_gives_the_renamed_tag(app, client, renamed, name):
    with app.app_context():
        article = save_article(None, {"title": "Tin mới", "status": "published", "tags": [name]})
        db.session.commit()
        assert [t.id for t in article.tags] == [renamed.tag_id]
    assert tag_count(app) == 2  # Covid-19 and Y tế: nothing new
    assert_old_address_redirects(client)


def test_old_and_new_names_together_give_the_tag_once(app, renamed):
    with app.app_context():
        tags = tags_from_names([OLD, NEW, "covid-19", "Khác"])
        assert [t.name for t in tags] == [NEW, "Khác"]


def test_every_old_name_of_a_twice_renamed_tag_leads_to_it(app, client, renamed):
    with app.app_context():
        tag = db.session.get(Tag, renamed.tag_id)
        save_tag(tag, {"name": "Đại dịch Covid"})
        db.session.commit()
        for name in (OLD, NEW, "Đại dịch Covid"):
            assert [t.id for t in tags_from_names([name])] == [renamed.tag_id]
    assert_old_address_redirects(client, "covid", "dai-dich-covid")
    assert_old_address_redirects(client, "covid-19", "dai-dich-covid")


def test_a_merged_tags_name_gives_the_tag_it_was_merged_into(app, client):
    with app.app_context():
        save_article(None, {"title": "Một", "tags": ["Dịch bệnh"]})
        save_article(None, {"title": "Hai", "tags": ["Y tế"]})
        db.session.commit()
        source = db.session.execute(select(Tag).where(Tag.name == "Dịch bệnh")).scalar_one()
        target = db.session.execute(select(Tag).where(Tag.name == "Y tế")).scalar_one()
        merge_tags(source, target)
        db.session.commit()
        article = save_article(None, {"title": "Ba", "tags": ["Dịch bệnh"]})
        db.session.commit()
        assert [t.name for t in article.tags] == ["Y tế"]
    assert tag_count(app) == 1
    assert_old_address_redirects(client, "dich-benh", "y-te")


def test_restoring_a_revision_after_a_rename_keeps_the_renamed_tag(app, client, renamed):
    with app.app_context():
        article = db.session.get(Article, renamed.article_id)
        save_article(article, {"title": "Phòng chống dịch (sửa)", "tags": ["Y tế"]})
        db.session.commit()
        revision = latest_revision(article)
        assert revision.tags == [NEW, "Y tế"] or revision.tags == ["Y tế", NEW]
        # The revision made before the rename still holds the old name.
        revision.tags = [OLD, "Y tế"]
        db.session.commit()
        tags_row = {c.name: c for c in compare(revision, article)}["tags"]
        assert tags_row.before == f"{NEW}, Y tế"  # shown by today's name
        restore_revision(article, revision)
        db.session.commit()
    assert sorted(tag_names(app, renamed.article_id)) == [NEW, "Y tế"]
    assert tag_count(app) == 2
    assert_old_address_redirects(client)


def test_restoring_from_the_back_office_keeps_the_renamed_tag(
    app, client, auth, signed_in, renamed
):
    signed_in("editor")
    with app.app_context():
        article = db.session.get(Article, renamed.article_id)
        save_article(article, {"tags": []})
        db.session.commit()
        revision = latest_revision(article)
        revision.tags = [OLD, "Y tế"]  # as kept before the tag was renamed
        db.session.commit()
        revision_id = revision.id
    url = f"/admin/articles/{renamed.article_id}/revisions/{revision_id}"
    response = auth.post(f"{url}/restore", form_url=url)
    assert response.status_code in (302, 303)
    assert sorted(tag_names(app, renamed.article_id)) == [NEW, "Y tế"]
    assert tag_count(app) == 2
    assert_old_address_redirects(client)


def test_the_article_form_with_an_old_tag_name_keeps_the_renamed_tag(
    app, client, auth, signed_in, renamed
):
    signed_in("editor")
    data = {
        "title": "Bài từ biểu mẫu",
        "slug": "",
        "summary": "",
        "body": "<p>Nội dung</p>",
        "category": "",
        "tags": "covid, Y tế",
        "image": "",
        "status": "published",
        "published_at": "",
    }
    response = auth.post("/admin/articles/new", data)
    assert response.status_code in (302, 303)
    with app.app_context():
        article = db.session.execute(
            select(Article).where(Article.title == "Bài từ biểu mẫu")
        ).scalar_one()
        assert sorted(t.name for t in article.tags) == [NEW, "Y tế"]
    assert tag_count(app) == 2
    assert_old_address_redirects(client)


def api_headers(token):
    return {"Authorization": f"Bearer {token}"}


def test_the_api_with_an_old_tag_name_keeps_the_renamed_tag(app, client, api_token, renamed):
    token = api_token("editor")
    response = client.post(
        "/api/v1/articles",
        json={"title": "Bài từ API", "status": "published", "tags": ["Covid", "covid-19"]},
        headers=api_headers(token),
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["tags"] == [NEW]
    article_id = response.get_json()["id"]
    response = client.patch(
        f"/api/v1/articles/{article_id}", json={"tags": ["COVID"]}, headers=api_headers(token)
    )
    assert response.status_code == 200
    assert response.get_json()["tags"] == [NEW]
    assert tag_count(app) == 2
    assert_old_address_redirects(client)
    # Filtering by the old name lists the renamed tag's articles.
    listed = client.get("/api/v1/articles?tag=covid").get_json()
    assert {item["id"] for item in listed["items"]} == {renamed.article_id, article_id}


# -- tags: creating or renaming onto an old address -----------------------------------------


def test_creating_a_tag_on_an_old_name_is_refused_with_a_message(app, client, api_token, renamed):
    token = api_token("editor")
    for name in (OLD, "covid", "Côvid"):
        response = client.post("/api/v1/tags", json={"name": name}, headers=api_headers(token))
        assert response.status_code == 422
        assert NEW in response.get_json()["error"]["fields"]["name"]
    response = client.post(
        "/api/v1/tags", json={"name": "Tin khác", "slug": "covid"}, headers=api_headers(token)
    )
    assert response.status_code == 422
    assert NEW in response.get_json()["error"]["fields"]["slug"]
    assert tag_count(app) == 2
    assert_old_address_redirects(client)


def test_renaming_another_tag_onto_an_old_address_is_refused(app, client, renamed):
    with app.app_context():
        other = db.session.execute(select(Tag).where(Tag.name == "Y tế")).scalar_one()
        with pytest.raises(ContentError) as refused:
            save_tag(other, {"name": OLD})
        assert NEW in refused.value.errors["name"]
        with pytest.raises(ContentError) as refused:
            save_tag(other, {"slug": "covid"})
        assert NEW in refused.value.errors["slug"]
        db.session.rollback()
        assert lookup_old_slug("tag", "covid") == renamed.tag_id
    assert_old_address_redirects(client)


def test_renaming_in_the_back_office_onto_an_old_name_shows_a_message(
    app, client, auth, signed_in, renamed
):
    signed_in("editor")
    with app.app_context():
        other = db.session.execute(select(Tag).where(Tag.name == "Y tế")).scalar_one_or_none()
        other_id = other.id
    url = f"/admin/tags/{other_id}"
    response = auth.post(url, {"name": OLD, "slug": ""})
    assert response.status_code == 422
    assert "was called this before" in response.text
    assert tag_names(app, renamed.article_id) == [NEW, "Y tế"]
    assert_old_address_redirects(client)


def test_a_tag_takes_back_its_own_old_name(app, client, renamed):
    with app.app_context():
        tag = db.session.get(Tag, renamed.tag_id)
        save_tag(tag, {"name": OLD})
        db.session.commit()
        assert tag.slug == "covid"
        assert lookup_old_slug("tag", "covid") is None
        assert lookup_old_slug("tag", "covid-19") == tag.id
    assert client.get("/tag/covid").status_code == 200
    assert_old_address_redirects(client, "covid-19", "covid")


def test_a_deleted_tags_name_makes_a_new_tag(app, client, renamed):
    with app.app_context():
        delete_tag(db.session.get(Tag, renamed.tag_id))
        db.session.commit()
        tags = tags_from_names([OLD])
        db.session.commit()
        assert tags[0].id != renamed.tag_id
        assert tags[0].slug == "covid"
    assert client.get("/tag/covid").status_code == 200


def test_history_left_by_a_vanished_tag_does_not_hold_its_slug(app, client):
    with app.app_context():
        remember_old_slug("tag", "covid", 987654)  # its tag is long gone
        db.session.commit()
        tags = tags_from_names([OLD])
        db.session.commit()
        assert tags[0].slug == "covid"
        assert lookup_old_slug("tag", "covid") is None
    assert client.get("/tag/covid").status_code == 200


# -- articles, pages, categories: a new object never takes an old slug ---------------------


KINDS = {
    "article": (Article, lambda data: save_article(None, {**data, "status": "published"})),
    "page": (Page, lambda data: save_page(None, data)),
    "category": (Category, lambda data: save_category(None, {"name": data["title"]})),
}


def _rename(kind, obj, slug):
    if kind == "article":
        save_article(obj, {"slug": slug})
    elif kind == "page":
        save_page(obj, {"slug": slug})
    else:
        save_category(obj, {"slug": slug})


#: Public paths of each kind, with the default URL prefixes.
PATHS = {"article": "/news/{}", "page": "/{}", "category": "/category/{}"}


@pytest.mark.parametrize("kind", list(KINDS))
@pytest.mark.parametrize("title", ["Lễ hội mùa xuân", "le hoi mua xuan", "LỄ HỘI MÙA XUÂN!"])
def test_new_content_never_takes_an_old_slug_of_other_content(app, client, kind, title):
    model, create = KINDS[kind]
    with app.app_context():
        first = create({"title": "Lễ hội mùa xuân"})
        db.session.commit()
        _rename(kind, first, "le-hoi-2026")
        db.session.commit()
        first_id = first.id
        second = create({"title": title})
        db.session.commit()
        assert second.slug == "le-hoi-mua-xuan-2"
        assert lookup_old_slug(kind, "le-hoi-mua-xuan") == first_id
        # Asking for the old slug outright gives a fresh one too.
        third = create({"title": "Khác"})
        db.session.commit()
        _rename(kind, third, "le-hoi-mua-xuan")
        db.session.commit()
        assert third.slug == "le-hoi-mua-xuan-3"
        assert lookup_old_slug(kind, "le-hoi-mua-xuan") == first_id
    response = client.get(PATHS[kind].format("le-hoi-mua-xuan"))
    assert response.status_code == 301
    assert response.headers["Location"].endswith(PATHS[kind].format("le-hoi-2026"))


@pytest.mark.parametrize("kind", list(KINDS))
def test_an_old_slug_whose_owner_is_gone_may_be_used_again(app, kind):
    model, create = KINDS[kind]
    with app.app_context():
        remember_old_slug(kind, "le-hoi-mua-xuan", 987654)
        db.session.commit()
        item = create({"title": "Lễ hội mùa xuân"})
        db.session.commit()
        assert item.slug == "le-hoi-mua-xuan"
        assert lookup_old_slug(kind, "le-hoi-mua-xuan") is None
        rows = db.session.execute(select(func.count()).select_from(SlugHistory)).scalar_one()
        assert rows == 0
