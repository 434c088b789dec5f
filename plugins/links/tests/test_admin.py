"""The back office of the links plugin: groups, links, order, click counts, and every refusal."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import func, select

from cms import store
from cms.extensions import db
from cms.models import AuditEntry, WidgetInstance
from cms.plugins import registry
from cms.testing import csrf_token_from
from plugins.links.models import TITLE_MAX, Link, LinkGroup

ADMIN = "/admin/plugins/links"


@pytest.fixture
def admin(signed_in):
    """An admin (a webmaster), signed in."""
    return signed_in("admin")


def stored_links(app):
    """``[(group id, position, title, url, active)]`` of every link, in order."""
    with app.app_context():
        rows = db.session.execute(
            select(Link.group_id, Link.position, Link.title, Link.url, Link.active).order_by(
                Link.group_id, Link.position
            )
        )
        return [tuple(row) for row in rows]


def group_count(app):
    """How many groups are stored."""
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(LinkGroup)).scalar()


def order(app, group_id):
    """The ids of a group's links, in their stored order."""
    with app.app_context():
        query = select(Link.id).where(Link.group_id == group_id).order_by(Link.position)
        return list(db.session.execute(query).scalars())


def new_link(auth, group_id, **fields):
    """Post the new-link form (a valid link, ``fields`` changed); the answer."""
    data = {"group": str(group_id), "title": "Tỉnh Hải Lâm", "url": "https://hailam.example.vn"}
    data.update({"active": "y", **fields})
    return auth.post(f"{ADMIN}/new", data, form_url=f"{ADMIN}/new?group={group_id}")


# -- access -----------------------------------------------------------------------------------


def test_the_screen_is_in_the_admin_menu_and_lists_groups(client, admin, sample):
    page = client.get(f"{ADMIN}/")
    assert page.status_code == 200
    assert f'href="{ADMIN}/"' in client.get("/admin/").text
    assert "Liên kết website" in page.text
    assert "Bộ, ngành" in page.text
    assert page.text.count('draggable="true"') == 4
    assert "https://chuyendoiso.example.vn/gioi-thieu?a=1" in page.text


@pytest.mark.parametrize("role", ["editor", "author"])
def test_other_roles_are_refused(client, signed_in, sample, role):
    signed_in(role)
    assert client.get(f"{ADMIN}/").status_code == 403
    assert client.get(f"{ADMIN}/{sample.links[0]}").status_code == 403


def test_anonymous_visitors_are_sent_to_sign_in(client, sample):
    answer = client.get(f"{ADMIN}/")
    assert answer.status_code == 302
    assert "/admin/login" in answer.headers["Location"]


# -- groups -----------------------------------------------------------------------------------


def test_create_rename_hide_and_delete_a_group(app, client, admin, auth):
    answer = auth.post(f"{ADMIN}/groups/new", {"title": "  Liên kết  website ", "active": "y"})
    assert answer.status_code == 302
    with app.app_context():
        group = db.session.execute(select(LinkGroup)).scalar_one()
        group_id = group.id
        assert (group.title, group.active, group.position) == ("Liên kết website", True, 0)
    answer = auth.post(f"{ADMIN}/groups/{group_id}", {"title": "Bộ, ngành"})
    assert answer.status_code == 302
    with app.app_context():
        group = db.session.get(LinkGroup, group_id)
        assert (group.title, group.active) == ("Bộ, ngành", False)
    new_link(auth, group_id)
    link_id = order(app, group_id)[0]
    with app.app_context():
        store.incr(f"links:clicks:{link_id}", 3)
    answer = auth.post(f"{ADMIN}/groups/{group_id}/delete", form_url=f"{ADMIN}/groups/{group_id}")
    assert answer.status_code == 302
    assert "and its 1 link were deleted" in client.get(answer.headers["Location"]).text
    assert group_count(app) == 0
    assert stored_links(app) == []
    with app.app_context():
        assert store.get(f"links:clicks:{link_id}") == 0
        actions = set(db.session.execute(select(AuditEntry.action)).scalars())
    assert {"links.group.create", "links.group.update", "links.group.delete"} <= actions


def group_order(app):
    """The ids of the groups, in their stored order."""
    with app.app_context():
        query = select(LinkGroup.id).order_by(LinkGroup.position)
        return list(db.session.execute(query).scalars())


def test_groups_move_up_and_down(app, client, admin, auth, sample):
    assert group_order(app) == [sample.group, sample.other_group]
    url = f"{ADMIN}/groups/{sample.other_group}/move"
    assert auth.post(url, {"direction": "up"}, form_url=f"{ADMIN}/").status_code == 302
    assert group_order(app) == [sample.other_group, sample.group]
    auth.post(url, {"direction": "up"}, form_url=f"{ADMIN}/")  # already first
    assert group_order(app) == [sample.other_group, sample.group]


@pytest.mark.parametrize(
    ("title", "message"),
    [
        ("", "Enter a title."),
        ("   ", "Enter a title."),
        ("x" * (TITLE_MAX + 1), f"The title is too long (at most {TITLE_MAX} characters)."),
    ],
)
def test_a_bad_group_title_is_refused(app, client, admin, auth, title, message):
    answer = auth.post(f"{ADMIN}/groups/new", {"title": title, "active": "y"})
    assert answer.status_code == 422
    assert message in answer.text
    assert group_count(app) == 0


# -- links ------------------------------------------------------------------------------------


def test_create_a_link_last_in_its_group(app, client, admin, auth, sample):
    answer = new_link(auth, sample.group)
    assert answer.status_code == 302
    assert "was saved" in client.get(answer.headers["Location"]).text
    assert stored_links(app)[3] == (
        sample.group,
        3,
        "Tỉnh Hải Lâm",
        "https://hailam.example.vn",
        True,
    )


def test_the_new_link_form_needs_a_group_first(client, admin):
    answer = client.get(f"{ADMIN}/new")
    assert answer.status_code == 302
    assert answer.headers["Location"].endswith(f"{ADMIN}/groups/new")


def test_a_nfd_title_is_stored_as_nfc(app, client, admin, auth, sample):
    import unicodedata

    title = unicodedata.normalize("NFD", "Tỉnh Hải Lâm")
    assert new_link(auth, sample.group, title=title).status_code == 302
    assert stored_links(app)[3][2] == "Tỉnh Hải Lâm"


def test_edit_a_link_and_move_it_to_another_group(app, client, admin, auth, sample):
    link = sample.links[0]
    answer = auth.post(
        f"{ADMIN}/{link}",
        {
            "group": str(sample.other_group),
            "title": "Bình Nguyên",
            "url": "HTTPS://binhnguyen.example.vn/trang-chu",
        },
    )
    assert answer.status_code == 302
    assert order(app, sample.group) == sample.links[1:]
    assert order(app, sample.other_group) == [sample.other_link, link]
    rows = stored_links(app)
    assert rows[0][1] == 0
    assert rows[1][1] == 1
    assert (
        sample.other_group,
        1,
        "Bình Nguyên",
        "https://binhnguyen.example.vn/trang-chu",
        False,
    ) in rows


def test_hostile_titles_are_stored_as_text_and_shown_escaped(app, client, admin, auth, sample):
    title = '<script>alert("x")</script><b onmouseover=1>Sở</b>'
    assert new_link(auth, sample.group, title=title).status_code == 302
    assert stored_links(app)[3][2] == title
    page = client.get(f"{ADMIN}/").text
    assert "<script>alert" not in page
    assert (
        "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b onmouseover=1&gt;Sở&lt;/b&gt;" in page
    )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        (
            "javascript:alert(1)",
            "Only web addresses starting with http:// or https:// are allowed.",
        ),
        (" JaVaScRiPt:alert(document.cookie)", "Only web addresses starting with http://"),
        ("data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==", "Only web addresses"),
        ("vbscript:msgbox(1)", "Only web addresses"),
        ("ftp://files.example.vn", "Only web addresses"),
        ("java\tscript:alert(1)", "spaces or invisible characters"),
        ("//evil.example.com", "This is not a valid web address."),
        ("https:evil.example.com", "This is not a valid web address."),
        ("binhnguyen.example.vn", "This is not a valid web address."),
        ("https://", "This is not a valid web address."),
        ("https://exa mple.vn", "spaces or invisible characters"),
        ("https://example.vn/\u202egpj.exe", "spaces or invisible characters"),
        ("https:\\\\evil.example.com", "spaces or invisible characters"),
        ("https://binhnguyen.example.vn@evil.example.com", "must not hold a user name or password"),
        ("https://bad_host.example.vn", "This is not a valid web address."),
        ("https://example.vn:99999/", "This is not a valid web address."),
        ("https://localhost/", "This is not a valid web address."),
        ("https://example.vn/" + "a" * 2000, "The address is too long (at most 2000 characters)."),
        ("", "Enter the website's address."),
    ],
)
def test_bad_addresses_are_refused_with_a_message(app, client, admin, auth, sample, url, message):
    before = stored_links(app)
    answer = new_link(auth, sample.group, url=url)
    assert answer.status_code == 422
    assert message in answer.text.replace("&#39;", "'")
    assert "Please correct the marked fields; nothing was saved." in answer.text
    assert stored_links(app) == before


def test_an_edit_with_a_bad_address_keeps_the_stored_link(app, client, admin, auth, sample):
    before = stored_links(app)
    answer = auth.post(
        f"{ADMIN}/{sample.links[0]}",
        {"group": str(sample.group), "title": "Đổi", "url": "javascript:alert(1)", "active": "y"},
    )
    assert answer.status_code == 422
    assert stored_links(app) == before
    assert client.get(f"/links/go/{sample.links[0]}").headers["Location"] == (
        "https://binhnguyen.example.vn"
    )


@pytest.mark.parametrize(
    "url",
    [
        "https://binhnguyen.example.vn",
        "http://binhnguyen.example.vn:8080/path?q=1#top",
        "https://sở-nội-vụ.example.vn/",
        "https://127.0.0.1:8000/",
        "https://[2001:db8::1]/",
    ],
)
def test_good_addresses_are_accepted(app, client, admin, auth, sample, url):
    assert new_link(auth, sample.group, url=url).status_code == 302
    assert stored_links(app)[3][3] == url


def test_a_too_long_title_is_refused_in_vietnamese(app, client, vietnamese, admin, auth, sample):
    before = stored_links(app)
    answer = new_link(auth, sample.group, title="Tỉnh " * 60)
    assert answer.status_code == 422
    assert f"Tiêu đề quá dài (tối đa {TITLE_MAX} ký tự)." in answer.text
    answer = new_link(auth, sample.group, url="javascript:alert(1)")
    assert "Chỉ chấp nhận địa chỉ web bắt đầu bằng http:// hoặc https://." in answer.text
    assert stored_links(app) == before


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("group", "999", "Choose a group from the list."),
        ("group", "abc", "Choose a group from the list."),
        ("logo", "999", "Choose an image from the media library, or no logo."),
        ("logo", "x", "Choose an image from the media library, or no logo."),
    ],
)
def test_unknown_groups_and_logos_are_refused(
    app, client, admin, auth, sample, field, value, message
):
    before = stored_links(app)
    answer = new_link(auth, sample.group, **{field: value})
    assert answer.status_code == 422
    assert message in answer.text
    assert stored_links(app) == before


def test_a_logo_from_the_media_library(app, client, admin, auth, sample):
    from PIL import Image

    from cms.content.media import store_image

    with app.test_request_context("/"):
        media = store_image(Image.new("RGB", (300, 100), "red"), original_name="bn.png", alt="BN")
        db.session.commit()
        media_id = media.id
    assert f'value="{media_id}"' in client.get(f"{ADMIN}/new").text
    assert new_link(auth, sample.group, logo=str(media_id)).status_code == 302
    with app.app_context():
        link = db.session.execute(select(Link).where(Link.title == "Tỉnh Hải Lâm")).scalar_one()
        assert link.logo_id == media_id
        link_id = link.id
    assert 'class="links-row__logo"' in client.get(f"{ADMIN}/").text
    # The media library keeps an image a link shows, and says which link.
    page = client.get(f"/admin/media/{media_id}").text
    assert "logo of the link “Tỉnh Hải Lâm”" in page
    token = csrf_token_from(page)
    refused = client.post(
        f"/admin/media/{media_id}/delete", data={"csrf_token": token}, follow_redirects=True
    )
    assert "still used by logo of the link “Tỉnh Hải Lâm”" in refused.text
    with app.app_context():
        from cms.models import Media

        assert db.session.get(Media, media_id) is not None
    # Disabled, the plugin keeps its links (and their logos) for when it is enabled again.
    with app.app_context():
        registry().set_enabled("links", False)
        db.session.commit()
    refused = client.post(
        f"/admin/media/{media_id}/delete", data={"csrf_token": token}, follow_redirects=True
    )
    assert "still used by logo of the link “Tỉnh Hải Lâm”" in refused.text
    with app.app_context():
        assert db.session.get(Media, media_id) is not None
        assert db.session.get(Link, link_id).logo_id == media_id


@pytest.mark.parametrize(
    "url",
    [f"{ADMIN}/999", f"{ADMIN}/groups/999", f"{ADMIN}/2147483648", f"{ADMIN}/groups/0"],
)
def test_unknown_ids_are_a_404(client, admin, sample, url):
    answer = client.get(url)
    assert answer.status_code == 404
    assert "This item does not exist or has been deleted." in answer.text


def test_a_malformed_id_is_a_404(client, admin, sample):
    assert client.get(f"{ADMIN}/groups/abc").status_code == 404


@pytest.mark.parametrize("action", ["delete", "move"])
def test_unknown_ids_in_posts_are_a_404(app, client, admin, auth, sample, action):
    before = stored_links(app)
    answer = auth.post(f"{ADMIN}/999/{action}", {"direction": "up"}, form_url=f"{ADMIN}/")
    assert answer.status_code == 404
    assert stored_links(app) == before


def test_delete_a_link_and_its_counter(app, client, admin, auth, sample):
    link = sample.links[0]
    with app.app_context():
        store.incr(f"links:clicks:{link}", 5)
    answer = auth.post(f"{ADMIN}/{link}/delete", form_url=f"{ADMIN}/{link}")
    assert answer.status_code == 302
    assert order(app, sample.group) == sample.links[1:]
    assert [row[1] for row in stored_links(app) if row[0] == sample.group] == [0, 1]
    assert client.get(f"/links/go/{link}").status_code == 404
    with app.app_context():
        assert store.get(f"links:clicks:{link}") == 0


# -- order ------------------------------------------------------------------------------------


def test_up_and_down_buttons(app, client, admin, auth, sample):
    first, hidden, last = sample.links
    auth.post(f"{ADMIN}/{last}/move", {"direction": "up"}, form_url=f"{ADMIN}/")
    assert order(app, sample.group) == [first, last, hidden]
    auth.post(f"{ADMIN}/{first}/move", {"direction": "down"}, form_url=f"{ADMIN}/")
    assert order(app, sample.group) == [last, first, hidden]
    auth.post(f"{ADMIN}/{last}/move", {"direction": "up"}, form_url=f"{ADMIN}/")  # already first
    assert order(app, sample.group) == [last, first, hidden]


def test_a_bad_direction_is_refused(app, client, admin, auth, sample):
    answer = auth.post(
        f"{ADMIN}/{sample.links[0]}/move", {"direction": "sideways"}, form_url=f"{ADMIN}/"
    )
    assert answer.status_code == 400
    assert "Choose Up or Down." in answer.text
    assert order(app, sample.group) == sample.links


def test_the_buttons_name_the_link_for_screen_readers(client, admin, sample):
    page = client.get(f"{ADMIN}/").text
    assert "Move Bộ Chuyển đổi số up" in page
    assert "Move Cổng TTĐT tỉnh Bình Nguyên down" in page


def reorder(client, body, token=None):
    """Post a drag's order as the screen's script does (``token``: the CSRF header)."""
    page = client.get(f"{ADMIN}/").text
    token = token if token is not None else re.search(r'data-csrf="([^"]+)"', page).group(1)
    return client.post(f"{ADMIN}/reorder", json=body, headers={"X-CSRFToken": token})


def test_drag_order_is_saved_in_one_request(app, client, admin, sample):
    first, hidden, last = sample.links
    answer = reorder(client, {"group": sample.group, "ids": [last, first, hidden]})
    assert answer.status_code == 200
    assert answer.get_json() == {"ok": True, "ids": [last, first, hidden]}
    assert order(app, sample.group) == [last, first, hidden]


@pytest.mark.parametrize(
    "body",
    [
        {"group": 1, "ids": [1, 2]},  # one missing
        {"group": 1, "ids": [1, 2, 3, 3]},
        {"group": 1, "ids": [1, 2, 4]},  # another group's link
        {"group": 1, "ids": ["1", 2, 3]},
        {"group": 1, "ids": [True, 2, 3]},
        {"group": 1, "ids": "1,2,3"},
        {"group": 1},
        [1, 2, 3],
    ],
)
def test_a_bad_order_is_refused_as_json(app, client, admin, sample, body):
    answer = reorder(client, body)
    assert answer.status_code == 400
    assert answer.get_json()["error"]["message"]
    assert order(app, sample.group) == sample.links


def test_a_reorder_of_an_unknown_group_is_a_404(app, client, admin, sample):
    answer = reorder(client, {"group": 999, "ids": []})
    assert answer.status_code == 404
    assert answer.get_json()["error"]["message"] == "This group does not exist or has been deleted."


# -- CSRF -------------------------------------------------------------------------------------


@pytest.mark.parametrize("token", [None, "forged-token", "ImZha2Ui.ZmFrZQ.ZmFrZQ"])
def test_forms_without_a_valid_csrf_token_store_nothing(app, client, admin, sample, token):
    before, groups = stored_links(app), group_count(app)
    data = {"group": str(sample.group), "title": "X", "url": "https://x.example.vn", "active": "y"}
    if token is not None:
        data["csrf_token"] = token
    posts = [
        (f"{ADMIN}/new", data),
        (f"{ADMIN}/groups/new", {**data}),
        (f"{ADMIN}/{sample.links[0]}", data),
        (f"{ADMIN}/{sample.links[0]}/delete", data),
        (f"{ADMIN}/{sample.links[2]}/move", {**data, "direction": "up"}),
        (f"{ADMIN}/groups/{sample.group}/delete", data),
    ]
    for url, body in posts:
        answer = client.post(url, data=body)
        assert answer.status_code == 400, url
        expected = (
            "The form was sent without its security token. Reload the page and submit it again."
            if token is None
            else "The form expired, please submit it again."
        )
        assert expected in answer.text
    assert (
        reorder(
            client, {"group": sample.group, "ids": sample.links[::-1]}, token=token or ""
        ).status_code
        == 400
    )
    assert stored_links(app) == before
    assert group_count(app) == groups


def test_a_drag_without_a_csrf_token_gets_json(app, client, admin, sample):
    body = {"group": sample.group, "ids": sample.links[::-1]}
    answer = client.post(f"{ADMIN}/reorder", json=body)
    assert (answer.status_code, answer.mimetype) == (400, "application/json")
    assert answer.get_json()["error"] == {
        "code": "csrf_missing",
        "message": "The form was sent without its security token. "
        "Reload the page and submit it again.",
    }
    stale = reorder(client, body, token="ImZha2Ui.ZmFrZQ.ZmFrZQ")
    assert (stale.status_code, stale.mimetype) == (400, "application/json")
    assert stale.get_json()["error"]["code"] == "csrf_failed"
    assert order(app, sample.group) == sample.links


def test_a_token_of_another_session_is_refused(app, client, make_user, admin, sample):
    other = app.test_client()
    make_user(email="other@example.org", role="admin")
    page = other.get("/admin/login")
    other.post(
        "/admin/login",
        data={
            "email": "other@example.org",
            "password": "correct horse battery",
            "csrf_token": csrf_token_from(page.text),
        },
    )
    foreign = csrf_token_from(other.get(f"{ADMIN}/").text)
    before = stored_links(app)
    answer = client.post(f"{ADMIN}/{sample.links[0]}/delete", data={"csrf_token": foreign})
    assert answer.status_code == 400
    assert stored_links(app) == before


# -- click counts -----------------------------------------------------------------------------


def test_click_counts_are_shown_per_locale(app, client, vietnamese, admin, sample):
    with app.app_context():
        store.incr(f"links:clicks:{sample.links[0]}", 2194387)
    client.get(f"/links/go/{sample.links[2]}")
    page = client.get(f"{ADMIN}/").text
    assert '<td class="num" data-clicks="2194387">2.194.387</td>' in page
    assert '<td class="num" data-clicks="1">1</td>' in page
    assert "Lượt nhấn" in page


# -- the plugin's settings --------------------------------------------------------------------


def test_the_settings_screen_saves_the_new_window_rule(
    app, client, admin, auth, place_widget, sample
):
    page = client.get("/admin/plugins/links/settings")
    assert page.status_code == 200
    assert "Open website links in a new tab" in page.text
    assert auth.post("/admin/plugins/links/settings", {"new_window": "y"}).status_code == 302
    with app.app_context():
        assert registry().settings("links") == {"new_window": True}


def test_the_widget_settings_offer_displays_and_groups(
    app, client, admin, auth, place_widget, sample
):
    widget = place_widget("links.links", title="Liên kết website")
    page = client.get(f"/admin/widgets/{widget.id}").text
    for value in ("list", "logos", "jump"):
        assert f'value="{value}"' in page
    assert f'<option value="{sample.other_group}">Bộ, ngành</option>' in page
    data = {
        "title": "Liên kết website",
        "region": "sidebar",
        "visibility": "all",
        "settings-display": "jump",
        "settings-group": str(sample.group),
    }
    assert auth.post(f"/admin/widgets/{widget.id}", data).status_code == 302
    answer = auth.post(f"/admin/widgets/{widget.id}", {**data, "settings-group": "999"})
    assert answer.status_code == 422
    assert "Choose a group from the list." in answer.text
    from cms.models import WidgetInstance

    with app.app_context():
        settings = db.session.get(WidgetInstance, widget.id).settings
    assert settings == {"display": "jump", "group": str(sample.group)}


# -- numbers: ASCII digits only ---------------------------------------------------------------

UNICODE_DIGITS = ["١", "٣", "²", "①", "１"]


@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_a_logo_or_group_in_unicode_digits_is_refused(app, admin, auth, sample, value):
    before = stored_links(app)
    for field in ("logo", "group"):
        answer = new_link(auth, sample.group, **{field: value})
        assert answer.status_code == 422  # the form again, with the field's error
        assert 'class="field__error"' in answer.text
    assert stored_links(app) == before


@pytest.mark.parametrize("value", UNICODE_DIGITS)
def test_a_widget_group_in_unicode_digits_is_refused(app, admin, auth, place_widget, sample, value):
    widget = place_widget("links.links", title="Liên kết website")
    data = {
        "title": "Liên kết website",
        "region": "sidebar",
        "visibility": "all",
        "settings-display": "jump",
        "settings-group": value,
    }
    answer = auth.post(f"/admin/widgets/{widget.id}", data)
    assert answer.status_code == 422
    assert "Choose a group from the list." in answer.text
    with app.app_context():
        assert db.session.get(WidgetInstance, widget.id).settings.get("group") != value


# -- reordering is audited --------------------------------------------------------------------


def audit_trail(app):
    """``[(action, object id, summary, details)]`` of the plugin's audit entries, oldest first."""
    with app.app_context():
        query = select(AuditEntry).where(AuditEntry.action.startswith("links."))
        rows = db.session.execute(query.order_by(AuditEntry.id)).scalars()
        return [(e.action, e.object_id, e.summary, e.details) for e in rows]


def test_moving_a_link_is_audited_and_a_move_past_the_end_is_not(app, client, admin, auth, sample):
    first, hidden, last = sample.links
    auth.post(f"{ADMIN}/{last}/move", {"direction": "up"}, form_url=f"{ADMIN}/")
    auth.post(f"{ADMIN}/{first}/move", {"direction": "up"}, form_url=f"{ADMIN}/")  # already first
    assert audit_trail(app) == [
        (
            "links.link.move",
            last,
            "Link “Bộ Chuyển đổi số” moved up",
            {"group": sample.group, "position": 1},
        )
    ]


def test_moving_a_group_is_audited(app, client, admin, auth, sample):
    url = f"{ADMIN}/groups/{sample.group}/move"
    auth.post(url, {"direction": "down"}, form_url=f"{ADMIN}/")
    auth.post(url, {"direction": "down"}, form_url=f"{ADMIN}/")  # already last
    assert audit_trail(app) == [
        (
            "links.group.move",
            sample.group,
            "Link group “Liên kết website” moved down",
            {"position": 1},
        )
    ]


def test_a_drag_is_audited_with_the_new_order(app, client, admin, sample):
    first, hidden, last = sample.links
    assert reorder(client, {"group": sample.group, "ids": [first, hidden, last]}).status_code == 200
    assert audit_trail(app) == []  # the same order: nothing changed
    assert reorder(client, {"group": sample.group, "ids": [last, first, hidden]}).status_code == 200
    assert audit_trail(app) == [
        (
            "links.group.reorder",
            sample.group,
            "Links of the group “Liên kết website” reordered",
            {"ids": [last, first, hidden]},
        )
    ]
    assert reorder(client, {"group": sample.group, "ids": [last]}).status_code == 400
    assert len(audit_trail(app)) == 1  # refused: nothing recorded
