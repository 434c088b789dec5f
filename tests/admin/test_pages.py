"""The page screens of the back office: tree, forms, order, deletion, permissions."""

import re

import pytest
from sqlalchemy import func, select

from cms.content import ordering, save_page
from cms.extensions import db
from cms.models import AuditEntry, Page, SlugHistory

LONG = "x" * 301


@pytest.fixture
def make_page(app):
    """Create a page through the services; returns its id."""

    def factory(title, parent=None, position=None, **fields):
        fields.setdefault("status", "published")
        with app.app_context():
            page = save_page(None, {"title": title, "parent_id": parent, **fields})
            ordering.place(page, position, arriving=True)
            db.session.commit()
            return page.id

    return factory


def pages_of(app, parent_id=None):
    """(title, position) of the pages under ``parent_id``, in order."""
    with app.app_context():
        return [(p.title, p.position) for p in ordering.siblings(Page, parent_id, lock=False)]


def page_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Page)).scalar_one()


def audit_actions(app):
    with app.app_context():
        return list(db.session.execute(select(AuditEntry.action)).scalars())


def form_data(**overrides):
    data = {
        "title": "Giới thiệu",
        "slug": "",
        "summary": "",
        "body_html": "<p>Nội dung</p>",
        "parent_id": "",
        "position": "",
        "show_in_menu": "y",
        "status": "published",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def menu_titles(client, titles):
    """The order in which ``titles`` appear in the public page's main menu."""
    nav = client.get("/").text.split('class="site-nav"', 1)[1].split("</nav>", 1)[0]
    found = [(nav.find(f">{t}<"), t) for t in titles if f">{t}<" in nav]
    return [t for _, t in sorted(found)]


# -- permissions ----------------------------------------------------------------


@pytest.mark.parametrize("url", ["/admin/pages", "/admin/pages/new", "/admin/pages/1"])
def test_anonymous_visitors_are_sent_to_sign_in(client, make_page, url):
    make_page("Giới thiệu")
    response = client.get(url)
    assert response.status_code == 302
    assert "/admin/login?next=" in response.headers["Location"]


def test_anonymous_posts_are_sent_to_sign_in_and_change_nothing(client, auth, app, make_page):
    page_id = make_page("Giới thiệu")
    make_page("Liên hệ")
    for url, data in (
        ("/admin/pages/new", form_data(title="Mới")),
        (f"/admin/pages/{page_id}/move", {"direction": "down"}),
        (f"/admin/pages/{page_id}/delete", {}),
    ):
        response = auth.post(url, data, form_url="/admin/login")
        assert response.status_code == 302
        assert "/admin/login" in response.headers["Location"]
    assert pages_of(app) == [("Giới thiệu", 0), ("Liên hệ", 1)]


def test_authors_get_403_on_every_screen_and_action(signed_in, client, auth, app, make_page):
    page_id = make_page("Giới thiệu")
    make_page("Liên hệ")
    signed_in("author")
    for url in ("/admin/pages", "/admin/pages/new", f"/admin/pages/{page_id}"):
        assert client.get(url).status_code == 403
    posts = [
        ("/admin/pages/new", form_data(title="Mới")),
        (f"/admin/pages/{page_id}", form_data(title="Đổi tên")),
        (f"/admin/pages/{page_id}/move", {"direction": "down"}),
        (f"/admin/pages/{page_id}/delete", {}),
    ]
    for url, data in posts:
        assert auth.post(url, data, form_url="/admin/").status_code == 403
    assert pages_of(app) == [("Giới thiệu", 0), ("Liên hệ", 1)]
    assert 'href="/admin/pages"' not in client.get("/admin/").text


@pytest.mark.parametrize("role", ["editor", "admin"])
def test_editors_and_admins_see_the_tree(signed_in, client, make_page, role):
    parent = make_page("Giới thiệu")
    make_page("Lịch sử", parent=parent)
    make_page("Bản nháp", status="draft", show_in_menu=False)
    signed_in(role)
    html = client.get("/admin/pages").text
    assert 'aria-current="page">Pages</a>' in html
    assert "admin/tree.css" in html
    assert 'class="tree-row tree-row--d1"' in html  # the child is indented
    assert html.index("Giới thiệu") < html.index("Lịch sử")
    assert "Draft" in html
    assert "Not in the menu" in html
    assert 'href="/gioi-thieu/lich-su"' in html  # view on the site
    assert "Move Giới thiệu up" in html
    assert "Move Giới thiệu down" in html
    assert "<script>" not in html
    assert "style=" not in html


# -- creating and editing -------------------------------------------------------------


def test_create_a_page(signed_in, auth, client, app):
    signed_in("editor")
    response = auth.post("/admin/pages/new", form_data(summary="Tóm tắt"))
    assert response.status_code == 302
    with app.app_context():
        page = db.session.execute(select(Page)).scalar_one()
        assert (page.slug, page.status, page.show_in_menu) == ("gioi-thieu", "published", True)
        assert page.author.email == "editor@example.org"
    assert "page.create" in audit_actions(app)
    assert "Nội dung" in client.get("/gioi-thieu").text
    assert menu_titles(client, ["Giới thiệu"]) == ["Giới thiệu"]


def test_the_form_has_every_field_and_an_editor_hook(signed_in, client):
    signed_in("editor")
    html = client.get("/admin/pages/new").text
    for name in ("title", "slug", "summary", "body_html", "parent_id", "position", "status"):
        assert f'name="{name}"' in html
    assert re.search(r"<textarea[^>]*data-editor", html)
    assert '<label for="show_in_menu">' in html
    assert "(top level)" in html


def test_a_new_page_goes_last_or_where_its_position_says(signed_in, auth, app, make_page):
    make_page("A")
    make_page("B")
    signed_in("editor")
    auth.post("/admin/pages/new", form_data(title="C"))
    auth.post("/admin/pages/new", form_data(title="D", position="1"), form_url="/admin/pages/new")
    assert pages_of(app) == [("A", 0), ("D", 1), ("B", 2), ("C", 3)]


def test_a_sub_page_can_be_started_from_its_parent(signed_in, client, make_page):
    parent = make_page("Giới thiệu")
    signed_in("editor")
    html = client.get(f"/admin/pages/new?parent={parent}").text
    assert f'<option selected value="{parent}">' in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "The title is required."),
        ("title", "   ", "The title is required."),
        ("title", LONG, "Title is too long (at most 300 characters)."),
        ("slug", "s" * 201, "Slug is too long (at most 200 characters)."),
        ("position", "-1", "The position must be a whole number from 0 to 10000."),
        ("position", "abc", "The position must be a whole number from 0 to 10000."),
        ("position", "10001", "The position must be a whole number from 0 to 10000."),
        ("parent_id", "999999", "No such page."),
        ("parent_id", "abc", "No such page."),
        ("status", "secret", "Not a valid choice."),
    ],
)
def test_bad_input_is_refused_with_a_message_and_nothing_stored(
    signed_in, auth, app, field, value, message
):
    signed_in("editor")
    response = auth.post("/admin/pages/new", form_data(**{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert 'class="field__error"' in response.text
    assert "nothing was saved" in response.text
    assert page_count(app) == 0
    assert "page.create" not in audit_actions(app)


def test_a_page_cannot_go_under_itself_or_a_descendant(signed_in, auth, client, app, make_page):
    top = make_page("Giới thiệu")
    child = make_page("Lịch sử", parent=top)
    grandchild = make_page("Thời kỳ đầu", parent=child)
    other = make_page("Liên hệ")
    signed_in("editor")
    form = client.get(f"/admin/pages/{top}").text
    options = re.findall(r'<option[^>]*value="(\d+)"', form)
    assert str(other) in options
    assert not {str(top), str(child), str(grandchild)} & set(options)
    for parent in (top, child, grandchild):
        response = auth.post(f"/admin/pages/{top}", form_data(parent_id=str(parent)))
        assert response.status_code == 422
        assert "A page cannot be placed under itself or one of its sub-pages." in response.text
    with app.app_context():
        assert db.session.get(Page, top).parent_id is None


def test_missing_csrf_token_is_a_400_and_nothing_changes(signed_in, client, app, make_page):
    page_id = make_page("Giới thiệu")
    make_page("Liên hệ")
    signed_in("editor")
    assert client.post("/admin/pages/new", data=form_data(title="Mới")).status_code == 400
    assert client.post(f"/admin/pages/{page_id}", data=form_data(title="X")).status_code == 400
    move = client.post(f"/admin/pages/{page_id}/move", data={"direction": "down"})
    assert move.status_code == 400
    assert client.post(f"/admin/pages/{page_id}/delete").status_code == 400
    assert pages_of(app) == [("Giới thiệu", 0), ("Liên hệ", 1)]


def test_editing_the_slug_keeps_the_old_address_redirecting(
    signed_in, auth, client, app, make_page
):
    page_id = make_page("Giới thiệu")
    signed_in("editor")
    response = auth.post(
        f"/admin/pages/{page_id}", form_data(title="Về chúng tôi", slug="ve-chung-toi")
    )
    assert response.status_code == 302
    old = client.get("/gioi-thieu")
    assert old.status_code == 301
    assert old.headers["Location"].endswith("/ve-chung-toi")
    assert client.get("/ve-chung-toi").status_code == 200
    assert "page.update" in audit_actions(app)


def test_moving_under_another_parent_renumbers_both_places(signed_in, auth, app, make_page):
    a = make_page("A")
    b = make_page("B")
    make_page("C")
    make_page("B1", parent=b)
    signed_in("editor")
    response = auth.post(f"/admin/pages/{a}", form_data(title="A", parent_id=str(b), position=""))
    assert response.status_code == 302
    assert pages_of(app) == [("B", 0), ("C", 1)]
    assert pages_of(app, b) == [("B1", 0), ("A", 1)]


def test_unknown_pages_are_404(signed_in, client, auth):
    signed_in("editor")
    assert client.get("/admin/pages/999").status_code == 404
    assert auth.post("/admin/pages/999/delete", form_url="/admin/pages").status_code == 404


# -- ordering -----------------------------------------------------------------------


def test_move_up_and_down_renumbers_and_the_menu_follows(signed_in, auth, client, app, make_page):
    with app.app_context():  # positions as an import might leave them: gaps and ties
        for title, position in (("Giới thiệu", 10), ("Liên hệ", 10), ("Sơ đồ", 30)):
            db.session.add(
                Page(
                    title=title,
                    slug=title.lower().replace(" ", "-"),
                    position=position,
                    status="published",
                )
            )
        db.session.commit()
        ids = {p.title: p.id for p in db.session.execute(select(Page)).scalars()}
    signed_in("editor")
    assert menu_titles(client, ["Giới thiệu", "Liên hệ", "Sơ đồ"]) == [
        "Giới thiệu",
        "Liên hệ",
        "Sơ đồ",
    ]
    response = auth.post(
        f"/admin/pages/{ids['Sơ đồ']}/move", {"direction": "up"}, form_url="/admin/pages"
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"#page-{ids['Sơ đồ']}")
    assert pages_of(app) == [("Giới thiệu", 0), ("Sơ đồ", 1), ("Liên hệ", 2)]
    auth.post(
        f"/admin/pages/{ids['Giới thiệu']}/move", {"direction": "down"}, form_url="/admin/pages"
    )
    assert pages_of(app) == [("Sơ đồ", 0), ("Giới thiệu", 1), ("Liên hệ", 2)]
    assert menu_titles(client, ["Giới thiệu", "Liên hệ", "Sơ đồ"]) == [
        "Sơ đồ",
        "Giới thiệu",
        "Liên hệ",
    ]
    assert audit_actions(app).count("page.move") == 2


def test_moves_stay_among_siblings(signed_in, auth, app, make_page):
    top = make_page("A")
    make_page("B")
    first = make_page("A1", parent=top)
    make_page("A2", parent=top)
    signed_in("editor")
    auth.post(f"/admin/pages/{first}/move", {"direction": "down"}, form_url="/admin/pages")
    assert pages_of(app, top) == [("A2", 0), ("A1", 1)]
    assert pages_of(app) == [("A", 0), ("B", 1)]


def test_moving_past_the_end_changes_nothing(signed_in, auth, client, app, make_page):
    first = make_page("A")
    make_page("B")
    signed_in("editor")
    html = client.get("/admin/pages").text
    assert re.search(
        r'disabled><span aria-hidden="true">↑</span><span class="visually-hidden">Move A up</span>',
        html,
    )
    response = auth.post(f"/admin/pages/{first}/move", {"direction": "up"}, form_url="/admin/pages")
    assert response.status_code == 302
    assert pages_of(app) == [("A", 0), ("B", 1)]
    assert "page.move" not in audit_actions(app)
    assert "cannot move further" in client.get("/admin/pages").text


def test_a_bad_direction_is_a_400(signed_in, auth, app, make_page):
    first = make_page("A")
    make_page("B")
    signed_in("editor")
    response = auth.post(
        f"/admin/pages/{first}/move", {"direction": "sideways"}, form_url="/admin/pages"
    )
    assert response.status_code == 400
    assert pages_of(app) == [("A", 0), ("B", 1)]


# -- deleting -----------------------------------------------------------------------


def test_delete_moves_children_up_to_the_parent_and_forgets_the_address(
    signed_in, auth, client, app, make_page
):
    top = make_page("Giới thiệu")
    make_page("Tổ chức", parent=top)
    doomed = make_page("Lịch sử", parent=top)
    make_page("Thời kỳ đầu", parent=doomed)
    make_page("Đổi mới", parent=doomed)
    make_page("Liên hệ", parent=top)
    signed_in("editor")
    auth.post(
        f"/admin/pages/{doomed}", form_data(title="Lịch sử", slug="lich-su-moi", parent_id=str(top))
    )
    with app.app_context():
        assert db.session.execute(
            select(SlugHistory).where(SlugHistory.object_id == doomed)
        ).first()
    html = client.get("/admin/pages").text
    assert "data-confirm=" in html
    response = auth.post(f"/admin/pages/{doomed}/delete", form_url="/admin/pages")
    assert response.status_code == 302
    assert pages_of(app, top) == [
        ("Tổ chức", 0),
        ("Thời kỳ đầu", 1),
        ("Đổi mới", 2),
        ("Liên hệ", 3),
    ]
    with app.app_context():
        assert db.session.get(Page, doomed) is None
        history = select(SlugHistory).where(
            SlugHistory.kind == "page", SlugHistory.object_id == doomed
        )
        assert db.session.execute(history).first() is None
    assert client.get("/gioi-thieu/lich-su-moi").status_code == 404
    assert client.get("/gioi-thieu/lich-su").status_code == 404
    moved = client.get("/gioi-thieu/lich-su-moi/thoi-ky-dau")
    assert moved.status_code == 301
    assert moved.headers["Location"].endswith("/gioi-thieu/thoi-ky-dau")
    assert "page.delete" in audit_actions(app)
    assert "2 sub-page(s) moved up one level" in client.get("/admin/pages").text


def test_deleting_a_top_level_page_lifts_its_children_to_the_top(
    signed_in, auth, client, app, make_page
):
    make_page("A")
    doomed = make_page("B")
    make_page("B1", parent=doomed)
    make_page("C")
    signed_in("editor")
    auth.post(f"/admin/pages/{doomed}/delete", form_url="/admin/pages")
    assert pages_of(app) == [("A", 0), ("B1", 1), ("C", 2)]
    assert client.get("/b").status_code == 404
    assert menu_titles(client, ["A", "B1", "C"]) == ["A", "B1", "C"]


def test_the_screens_speak_vietnamese(signed_in, auth, client, app, make_page, make_category):
    app.config["LOCALE"] = "vi"
    page_id = make_page("Giới thiệu")
    make_page("Liên hệ")
    category = make_category("Tin tức")
    signed_in("editor")
    html = client.get("/admin/pages").text
    assert '<html lang="vi">' in html
    assert '<span class="visually-hidden">Chuyển Liên hệ lên</span>' in html
    for url in (
        f"/admin/pages/{page_id}",
        "/admin/categories",
        f"/admin/categories/{category.id}",
        f"/admin/categories/{category.id}/delete",
        "/admin/tags",
    ):
        assert client.get(url).status_code == 200, url
    response = auth.post("/admin/pages/new", form_data(title=""))
    assert response.status_code == 422
    assert "Vui lòng nhập tiêu đề." in response.text
