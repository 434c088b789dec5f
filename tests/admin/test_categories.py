"""The category screens: tree with article counts, forms, order, guarded deletion."""

import re

import pytest
from sqlalchemy import func, select

from cms.content import ordering
from cms.extensions import db
from cms.models import Article, AuditEntry, Category, SlugHistory

LONG = "x" * 121


def categories_of(app, parent_id=None):
    """(name, position) of the categories under ``parent_id``, in order."""
    with app.app_context():
        return [(c.name, c.position) for c in ordering.siblings(Category, parent_id, lock=False)]


def category_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Category)).scalar_one()


def audit(app, action):
    with app.app_context():
        return list(
            db.session.execute(select(AuditEntry).where(AuditEntry.action == action)).scalars()
        )


def form_data(**overrides):
    data = {
        "name": "Tin tức",
        "slug": "",
        "description": "",
        "parent_id": "",
        "position": "",
        "show_on_home": "y",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def nav_order(client, names):
    nav = client.get("/").text.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    return [n for _, n in sorted((nav.find(f">{n}<"), n) for n in names if f">{n}<" in nav)]


@pytest.fixture
def tree(make_category):
    """Tin tức (Trong nước, Quốc tế), Văn hóa."""
    news = make_category("Tin tức", position=0)
    home = make_category("Trong nước", parent_id=news.id, position=0)
    world = make_category("Quốc tế", parent_id=news.id, position=1)
    culture = make_category("Văn hóa", position=1)
    return {"news": news.id, "home": home.id, "world": world.id, "culture": culture.id}


# -- permissions ----------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/categories",
        "/admin/categories/new",
        "/admin/categories/1",
        "/admin/categories/1/delete",
    ],
)
def test_anonymous_visitors_are_sent_to_sign_in(client, tree, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login?next=" in response.headers["Location"]


def test_authors_get_403_on_every_screen_and_action(signed_in, client, auth, app, tree):
    news = tree["news"]
    signed_in("author")
    for url in (
        "/admin/categories",
        "/admin/categories/new",
        f"/admin/categories/{news}",
        f"/admin/categories/{news}/delete",
    ):
        assert client.get(url).status_code == 403
    for url, data in (
        ("/admin/categories/new", form_data(name="Mới")),
        (f"/admin/categories/{news}", form_data(name="Đổi")),
        (f"/admin/categories/{news}/move", {"direction": "down"}),
        (f"/admin/categories/{news}/delete", {}),
    ):
        assert auth.post(url, data, form_url="/admin/").status_code == 403
    assert categories_of(app) == [("Tin tức", 0), ("Văn hóa", 1)]
    assert 'href="/admin/categories"' not in client.get("/admin/").text


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_the_tree_shows_article_counts(signed_in, client, make_article, tree, role):
    make_article("Bài 1", category_id=tree["home"])
    make_article("Bài 2", category_id=tree["home"], status="draft")
    make_article("Bài 3", category_id=tree["culture"])
    signed_in(role)
    html = re.sub(r"\s+", " ", client.get("/admin/categories").text)
    assert 'aria-current="page">Categories</a>' in html
    assert "admin/tree.css" in html
    row = html.split(f'id="category-{tree["home"]}"')[1].split("</li>")[0]
    assert "2 articles" in row
    assert "tree-row" in html
    assert "1 article<" in html.split(f'id="category-{tree["culture"]}"')[1].split("</li>")[0]
    assert "0 articles" in html.split(f'id="category-{tree["world"]}"')[1].split("</li>")[0]
    assert (
        html.index("Tin tức")
        < html.index("Trong nước")
        < html.index("Quốc tế")
        < html.index("Văn hóa")
    )
    assert "Move Trong nước up" in html


# -- forms ----------------------------------------------------------------------


def test_create_and_edit_a_category(signed_in, auth, client, app, tree):
    signed_in("editor")
    response = auth.post(
        "/admin/categories/new",
        form_data(
            name="Cải cách hành chính", parent_id=str(tree["news"]), position="0", show_on_home=None
        ),
    )
    assert response.status_code == 302
    with app.app_context():
        created = db.session.execute(
            select(Category).where(Category.slug == "cai-cach-hanh-chinh")
        ).scalar_one()
        assert created.parent_id == tree["news"]
        assert created.show_on_home is False
        created_id = created.id
    assert categories_of(app, tree["news"]) == [
        ("Cải cách hành chính", 0),
        ("Trong nước", 1),
        ("Quốc tế", 2),
    ]
    response = auth.post(
        f"/admin/categories/{created_id}",
        form_data(name="Cải cách", slug="cai-cach", parent_id=str(tree["news"]), position="0"),
    )
    assert response.status_code == 302
    old = client.get("/category/cai-cach-hanh-chinh")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/category/cai-cach")
    assert audit(app, "category.create")
    assert audit(app, "category.update")


def test_the_form_has_every_field(signed_in, client):
    signed_in("editor")
    html = client.get("/admin/categories/new").text
    for name in ("name", "slug", "description", "parent_id", "position", "show_on_home"):
        assert f'name="{name}"' in html
    assert '<label for="name">' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("name", "", "The name is required."),
        ("name", LONG, "Name is too long (at most 120 characters)."),
        ("slug", "s" * 201, "Slug is too long (at most 200 characters)."),
        ("description", "d" * 2001, "Description is too long (at most 2000 characters)."),
        ("position", "-3", "The position must be a whole number from 0 to 10000."),
        ("position", "1.5", "The position must be a whole number from 0 to 10000."),
        ("parent_id", "424242", "No such category."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    signed_in, auth, app, field, value, message
):
    signed_in("editor")
    response = auth.post("/admin/categories/new", form_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert "nothing was saved" in response.text
    assert category_count(app) == 0
    assert not audit(app, "category.create")


def test_a_category_cannot_go_under_itself_or_a_descendant(signed_in, auth, client, app, tree):
    signed_in("editor")
    html = client.get(f"/admin/categories/{tree['news']}").text
    options = set(re.findall(r'<option[^>]*value="(\d+)"', html))
    assert options == {str(tree["culture"])}
    for parent in (tree["news"], tree["home"]):
        response = auth.post(
            f"/admin/categories/{tree['news']}", form_data(name="Tin", parent_id=str(parent))
        )
        assert response.status_code == 422
        assert (
            "A category cannot be placed under itself or one of its sub-categories."
            in response.text
        )
    with app.app_context():
        news = db.session.get(Category, tree["news"])
        assert (news.name, news.parent_id) == ("Tin tức", None)


def test_missing_csrf_token_is_a_400_and_nothing_changes(signed_in, client, app, tree):
    signed_in("editor")
    news = tree["news"]
    assert client.post("/admin/categories/new", data=form_data(name="Mới")).status_code == 400
    assert client.post(f"/admin/categories/{news}", data=form_data(name="X")).status_code == 400
    assert (
        client.post(f"/admin/categories/{news}/move", data={"direction": "down"}).status_code == 400
    )
    assert client.post(f"/admin/categories/{news}/delete").status_code == 400
    assert categories_of(app) == [("Tin tức", 0), ("Văn hóa", 1)]
    assert category_count(app) == 4


# -- ordering -------------------------------------------------------------------


def test_move_up_and_down_renumbers_and_the_site_menu_follows(
    signed_in, auth, client, app, make_category
):
    with app.app_context():  # ties and gaps, as imported data may have them
        for name, position in (("Tin tức", 5), ("Văn hóa", 5), ("Thể thao", 9)):
            db.session.add(
                Category(name=name, slug=name.lower().replace(" ", "-"), position=position)
            )
        db.session.commit()
        ids = {c.name: c.id for c in db.session.execute(select(Category)).scalars()}
    signed_in("editor")
    names = ["Tin tức", "Văn hóa", "Thể thao"]
    assert nav_order(client, names) == names
    response = auth.post(
        f"/admin/categories/{ids['Thể thao']}/move",
        {"direction": "up"},
        form_url="/admin/categories",
    )
    assert response.status_code == 302
    assert categories_of(app) == [("Tin tức", 0), ("Thể thao", 1), ("Văn hóa", 2)]
    auth.post(
        f"/admin/categories/{ids['Tin tức']}/move",
        {"direction": "down"},
        form_url="/admin/categories",
    )
    assert categories_of(app) == [("Thể thao", 0), ("Tin tức", 1), ("Văn hóa", 2)]
    assert nav_order(client, names) == ["Thể thao", "Tin tức", "Văn hóa"]
    assert len(audit(app, "category.move")) == 2
    last = auth.post(
        f"/admin/categories/{ids['Văn hóa']}/move",
        {"direction": "down"},
        form_url="/admin/categories",
    )
    assert last.status_code == 302
    assert len(audit(app, "category.move")) == 2
    bad = auth.post(
        f"/admin/categories/{ids['Văn hóa']}/move",
        {"direction": "left"},
        form_url="/admin/categories",
    )
    assert bad.status_code == 400


def test_changing_the_parent_renumbers_both_places(signed_in, auth, app, tree):
    signed_in("editor")
    response = auth.post(
        f"/admin/categories/{tree['home']}",
        form_data(name="Trong nước", parent_id=str(tree["culture"]), position=""),
    )
    assert response.status_code == 302
    assert categories_of(app, tree["news"]) == [("Quốc tế", 0)]
    assert categories_of(app, tree["culture"]) == [("Trong nước", 0)]


# -- deleting -------------------------------------------------------------------


def test_an_empty_category_is_deleted_and_its_children_move_up(signed_in, auth, client, app, tree):
    signed_in("editor")
    auth.post(
        f"/admin/categories/{tree['news']}", form_data(name="Tin tức", slug="tin", position="0")
    )
    html = client.get("/admin/categories").text
    assert "data-confirm=" in html
    response = auth.post(f"/admin/categories/{tree['news']}/delete", form_url="/admin/categories")
    assert response.status_code == 302
    assert categories_of(app) == [("Trong nước", 0), ("Quốc tế", 1), ("Văn hóa", 2)]
    with app.app_context():
        assert db.session.get(Category, tree["news"]) is None
        history = select(SlugHistory).where(
            SlugHistory.kind == "category", SlugHistory.object_id == tree["news"]
        )
        assert db.session.execute(history).first() is None
    assert client.get("/category/tin").status_code == 404
    assert client.get("/category/tin-tuc").status_code == 404
    assert client.get("/category/trong-nuoc").status_code == 200
    [entry] = audit(app, "category.delete")
    assert entry.object_id == tree["news"]


def test_a_category_with_articles_is_refused_then_moved_and_deleted(
    signed_in, auth, client, app, make_article, tree
):
    first = make_article("Bài một", category_id=tree["world"])
    second = make_article("Bài hai", category_id=tree["world"], status="draft")
    signed_in("editor")
    world = tree["world"]
    listing = client.get("/admin/categories").text
    assert (
        f'href="/admin/categories/{world}/delete"' in listing
    )  # a link to the explanation, not a bare button
    refused = auth.post(f"/admin/categories/{world}/delete", form_url="/admin/categories")
    assert refused.status_code == 422
    assert "Quốc tế still holds 2 article(s)" in refused.text
    assert category_count(app) == 4
    page = client.get(f"/admin/categories/{world}/delete").text
    assert "cannot be deleted while it holds articles" in page
    assert re.search(
        r'<label for="move_to">Move its articles to</label>\s*<select[^>]*name="move_to"', page
    )
    assert f'value="{world}"' not in page  # not into itself
    bad = auth.post(f"/admin/categories/{world}/delete", {"move_to": str(world)})
    assert bad.status_code == 422
    assert "No such category." in bad.text
    assert category_count(app) == 4
    response = auth.post(f"/admin/categories/{world}/delete", {"move_to": str(tree["culture"])})
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Category, world) is None
        for ref in (first, second):
            assert db.session.get(Article, ref.id).category_id == tree["culture"]
    assert "2 article(s) moved to Văn hóa" in client.get("/admin/categories").text
    assert client.get("/category/quoc-te").status_code == 404
    assert "Bài một" in client.get("/category/van-hoa").text
    [entry] = audit(app, "category.delete")
    assert entry.details["moved_articles"] == 2


def test_articles_may_move_into_a_sub_category_of_the_deleted_one(
    signed_in, auth, app, make_article, tree
):
    article = make_article("Bài", category_id=tree["news"])
    signed_in("editor")
    response = auth.post(
        f"/admin/categories/{tree['news']}/delete",
        {"move_to": str(tree["home"])},
        form_url=f"/admin/categories/{tree['news']}/delete",
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(Article, article.id).category_id == tree["home"]
    assert categories_of(app) == [("Trong nước", 0), ("Quốc tế", 1), ("Văn hóa", 2)]


def test_unknown_categories_are_404(signed_in, client, auth):
    signed_in("editor")
    assert client.get("/admin/categories/999").status_code == 404
    assert (
        auth.post("/admin/categories/999/delete", form_url="/admin/categories").status_code == 404
    )
