"""The tag screens: list with counts, search, pages, rename, merge, delete."""

import re

import pytest
from sqlalchemy import func, select

from cms.content import tags_from_names
from cms.extensions import db
from cms.models import Article, AuditEntry, Tag, article_tag


@pytest.fixture
def make_tags(app):
    """Create tags by name; returns name -> id."""

    def factory(*names):
        with app.app_context():
            tags = tags_from_names(list(names))
            db.session.commit()
            return {t.name: t.id for t in tags}

    return factory


def tag_names(app):
    with app.app_context():
        return sorted(db.session.execute(select(Tag.name)).scalars())


def tags_of(app, article_id):
    with app.app_context():
        return sorted(t.name for t in db.session.get(Article, article_id).tags)


def audit(app, action):
    with app.app_context():
        return list(
            db.session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars()
        )


# -- permissions ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/tags", "/admin/tags/1"])
def test_anonymous_visitors_are_sent_to_sign_in(client, make_tags, url):
    make_tags("Kinh tế")
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login?next=" in response.headers["Location"]


def test_authors_get_403_on_every_screen_and_action(signed_in, client, auth, app, make_tags):
    ids = make_tags("Kinh tế", "Xã hội")
    tag = ids["Kinh tế"]
    signed_in("author")
    assert client.get("/admin/tags").status_code == 403
    assert client.get(f"/admin/tags/{tag}").status_code == 403
    for url, data in (
        (f"/admin/tags/{tag}", {"name": "Đổi", "slug": ""}),
        (f"/admin/tags/{tag}/merge", {"target": "Xã hội"}),
        (f"/admin/tags/{tag}/delete", {}),
    ):
        assert auth.post(url, data, form_url="/admin/").status_code == 403
    assert tag_names(app) == ["Kinh tế", "Xã hội"]
    assert 'href="/admin/tags"' not in client.get("/admin/").text


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_list_shows_article_counts(signed_in, client, make_article, role):
    make_article("Bài 1", tags=["Kinh tế", "Xã hội"])
    make_article("Bài 2", tags=["Kinh tế"])
    make_article("Bài 3", tags=["Kinh tế"], status="draft")
    signed_in(role)
    html = re.sub(r"\s+", " ", client.get("/admin/tags").text)
    assert 'aria-current="page">Tags</a>' in html
    assert "admin/tree.css" in html
    economy = html.split(">Kinh tế</a></th>")[1].split("</tr>")[0]
    assert re.search(r'<a href="/tag/kinh-te"[^>]*>3</a>', economy)
    society = html.split(">Xã hội</a></th>")[1].split("</tr>")[0]
    assert ">1</a>" in society
    assert "data-confirm=" in html


def test_search_ignores_case_and_diacritics(signed_in, client, make_tags):
    make_tags("Cải cách hành chính", "Kinh tế", "100%")
    signed_in("editor")
    for query in ("cải cách", "CAI CACH", "hanh"):
        html = client.get("/admin/tags", query_string={"q": query}).text
        assert "Cải cách hành chính" in html, query
        assert "Kinh tế" not in html
    html = client.get("/admin/tags", query_string={"q": "%"}).text  # LIKE wildcards are text
    assert "100%" in html
    assert "Kinh tế" not in html
    assert "No tag matches." in client.get("/admin/tags", query_string={"q": "zzz"}).text


def test_the_list_has_pages_of_fifty(signed_in, client, make_tags):
    make_tags(*[f"Chủ đề {n:03d}" for n in range(55)])
    signed_in("editor")
    first = client.get("/admin/tags").text
    assert first.count('<tr id="tag-') == 50
    assert "Chủ đề 000" in first
    assert "Chủ đề 050" not in first
    assert "1 / 2" in first
    assert "page=2" in first
    second = client.get("/admin/tags?page=2").text
    assert second.count('<tr id="tag-') == 5
    assert "Chủ đề 054" in second
    assert client.get("/admin/tags?page=3").status_code == 404
    assert client.get("/admin/tags?page=0").status_code == 404


# -- rename ---------------------------------------------------------------------


def test_renaming_keeps_the_slug_unless_it_is_edited(signed_in, auth, client, app, make_article):
    make_article("Bài", tags=["Kinh tế"])
    with app.app_context():
        tag_id = db.session.execute(select(Tag.id)).scalar_one()
    signed_in("editor")
    response = auth.post(f"/admin/tags/{tag_id}", {"name": "Kinh tế vĩ mô", "slug": "kinh-te"})
    assert response.status_code == 302
    with app.app_context():
        tag = db.session.get(Tag, tag_id)
        assert (tag.name, tag.slug) == ("Kinh tế vĩ mô", "kinh-te")
    assert "Kinh tế vĩ mô" in client.get("/tag/kinh-te").text
    auth.post(f"/admin/tags/{tag_id}", {"name": "Kinh tế vĩ mô", "slug": "vi-mo"})
    with app.app_context():
        assert db.session.get(Tag, tag_id).slug == "vi-mo"
    auth.post(f"/admin/tags/{tag_id}", {"name": "Kinh tế vĩ mô", "slug": ""})
    with app.app_context():
        assert db.session.get(Tag, tag_id).slug == "kinh-te-vi-mo"
    assert len(audit(app, "tag.update")) == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"name": "", "slug": "kinh-te"}, "The name is required."),
        ({"name": "   ", "slug": "kinh-te"}, "The name is required."),
        ({"name": "x" * 121, "slug": "kinh-te"}, "Name is too long (at most 120 characters)."),
        ({"name": "!!!", "slug": ""}, "A tag needs at least one letter or digit."),
        ({"name": "Kinh tế", "slug": "s" * 201}, "Slug is too long (at most 200 characters)."),
        ({"name": "Kinh tế", "slug": "xa-hoi"}, "Another tag already uses this slug."),
    ],
)
def test_bad_names_are_refused_with_a_message_and_nothing_stored(
    signed_in, auth, app, make_tags, data, message
):
    ids = make_tags("Kinh tế", "Xã hội")
    signed_in("editor")
    response = auth.post(f"/admin/tags/{ids['Kinh tế']}", data)
    assert response.status_code == 422
    assert message in response.text
    assert 'class="field__error"' in response.text
    with app.app_context():
        tag = db.session.get(Tag, ids["Kinh tế"])
        assert (tag.name, tag.slug) == ("Kinh tế", "kinh-te")
    assert not audit(app, "tag.update")


@pytest.mark.parametrize("name", ["Xã hội", "Xa hoi"])
def test_a_colliding_name_is_refused_and_a_merge_offered(
    signed_in, auth, client, app, make_tags, name
):
    ids = make_tags("Kinh tế", "Xã hội")
    signed_in("editor")
    response = auth.post(f"/admin/tags/{ids['Kinh tế']}", {"name": name, "slug": "kinh-te"})
    assert response.status_code == 422
    assert "A tag with this name already exists." in response.text
    assert "Merge Kinh tế into Xã hội" in response.text
    assert '<input type="hidden" name="target" value="Xã hội">' in response.text
    assert tag_names(app) == ["Kinh tế", "Xã hội"]


def test_missing_csrf_token_is_a_400_and_nothing_changes(signed_in, client, app, make_tags):
    ids = make_tags("Kinh tế", "Xã hội")
    signed_in("editor")
    tag = ids["Kinh tế"]
    assert client.post(f"/admin/tags/{tag}", data={"name": "Mới", "slug": ""}).status_code == 400
    assert client.post(f"/admin/tags/{tag}/merge", data={"target": "Xã hội"}).status_code == 400
    assert client.post(f"/admin/tags/{tag}/delete").status_code == 400
    assert tag_names(app) == ["Kinh tế", "Xã hội"]


# -- merge and delete -----------------------------------------------------------------


def test_merge_moves_the_articles_and_deletes_the_tag(signed_in, auth, client, app, make_article):
    both = make_article("Bài chung", tags=["Kinh te", "Kinh tế vĩ mô"])
    only = make_article("Bài riêng", tags=["Kinh te"])
    other = make_article("Bài khác", tags=["Kinh tế vĩ mô"])
    with app.app_context():
        ids = {t.name: t.id for t in db.session.execute(select(Tag)).scalars()}
    signed_in("editor")
    page = client.get(f"/admin/tags/{ids['Kinh te']}").text
    assert "Merge into another tag" in page
    assert 'name="target"' in page
    response = auth.post(
        f"/admin/tags/{ids['Kinh te']}/merge",
        {"target": "Kinh tế vĩ mô"},
        form_url=f"/admin/tags/{ids['Kinh te']}",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/admin/tags/{ids['Kinh tế vĩ mô']}")
    assert tag_names(app) == ["Kinh tế vĩ mô"]
    for ref in (both, only, other):
        assert tags_of(app, ref.id) == ["Kinh tế vĩ mô"]
    with app.app_context():
        rows = db.session.execute(select(func.count()).select_from(article_tag)).scalar_one()
        assert rows == 3
    merged = client.get("/tag/kinh-te")  # the merged tag's address leads to the target
    assert merged.status_code == 301
    assert merged.headers["Location"].endswith("/tag/kinh-te-vi-mo")
    listing = client.get("/tag/kinh-te-vi-mo").text
    assert all(title in listing for title in ("Bài chung", "Bài riêng", "Bài khác"))
    [entry] = audit(app, "tag.merge")
    assert entry.object_id == ids["Kinh tế vĩ mô"]
    assert entry.details == {"source_id": ids["Kinh te"], "articles": 1}


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("", "Type the name of the tag to merge into."),
        ("Không có", "No such tag."),
        ("Kinh tế", "A tag cannot be merged into itself."),
    ],
)
def test_bad_merges_are_refused_with_a_message(signed_in, auth, app, make_tags, target, message):
    ids = make_tags("Kinh tế", "Xã hội")
    signed_in("editor")
    response = auth.post(
        f"/admin/tags/{ids['Kinh tế']}/merge",
        {"target": target},
        form_url=f"/admin/tags/{ids['Kinh tế']}",
    )
    assert response.status_code == 422
    assert message in response.text
    assert tag_names(app) == ["Kinh tế", "Xã hội"]
    assert not audit(app, "tag.merge")


def test_delete_removes_the_tag_from_its_articles(signed_in, auth, client, app, make_article):
    article = make_article("Bài", tags=["Kinh tế", "Xã hội"])
    with app.app_context():
        tag_id = db.session.execute(select(Tag.id).where(Tag.name == "Kinh tế")).scalar_one()
    signed_in("editor")
    assert client.get("/tag/kinh-te").status_code == 200
    response = auth.post(f"/admin/tags/{tag_id}/delete", form_url="/admin/tags")
    assert response.status_code == 302
    assert tag_names(app) == ["Xã hội"]
    assert tags_of(app, article.id) == ["Xã hội"]
    assert client.get("/tag/kinh-te").status_code == 404
    assert "Tag Kinh tế deleted." in client.get("/admin/tags").text
    [entry] = audit(app, "tag.delete")
    assert entry.object_id == tag_id


def test_unknown_tags_are_404(signed_in, client, auth):
    signed_in("editor")
    assert client.get("/admin/tags/999").status_code == 404
    assert auth.post("/admin/tags/999/delete", form_url="/admin/tags").status_code == 404
    assert (
        auth.post("/admin/tags/999/merge", {"target": "x"}, form_url="/admin/tags").status_code
        == 404
    )
