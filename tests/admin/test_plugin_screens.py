"""Back-office screens for plugins, themes and widgets."""

import json

import pytest
from sqlalchemy import select

from cms.extensions import db
from cms.models import WidgetInstance
from cms.testing import csrf_token_from


@pytest.mark.parametrize("url", ["/admin/plugins", "/admin/themes", "/admin/widgets"])
@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_admins_manage_plugins_themes_and_widgets(signed_in, client, url, role):
    signed_in(role)
    assert client.get(url).status_code == 403


def test_plugins_screen_lists_and_toggles(signed_in, client, auth, app):
    signed_in("admin")
    page = client.get("/admin/plugins").text
    assert "clock" in page
    response = auth.post(
        "/admin/plugins/clock/state", {"action": "disable"}, form_url="/admin/plugins"
    )
    assert response.status_code == 302
    with app.test_request_context("/"):
        from cms.plugins import registry

        assert not registry().is_enabled("clock")
    auth.post("/admin/plugins/clock/state", {"action": "enable"}, form_url="/admin/plugins")
    with app.test_request_context("/"):
        assert registry().is_enabled("clock")


def test_plugin_state_refuses_unknown_names_and_actions(signed_in, client, auth):
    signed_in("admin")
    assert (
        auth.post(
            "/admin/plugins/nope/state", {"action": "enable"}, form_url="/admin/plugins"
        ).status_code
        == 404
    )
    assert (
        auth.post(
            "/admin/plugins/clock/state", {"action": "explode"}, form_url="/admin/plugins"
        ).status_code
        == 400
    )


def test_themes_screen_switches_the_theme(signed_in, client, auth):
    signed_in("admin")
    assert "Portal" in client.get("/admin/themes").text
    response = auth.post("/admin/themes/use", {"name": "portal"}, form_url="/admin/themes")
    assert response.status_code == 302
    assert "portal-banner" in client.get("/").text
    assert (
        auth.post("/admin/themes/use", {"name": "../x"}, form_url="/admin/themes").status_code
        == 404
    )


def test_place_configure_order_and_remove_widgets(signed_in, client, auth, app):
    signed_in("admin")
    page = client.get("/admin/widgets?theme=default").text
    assert "Add a widget to Sidebar" in page
    response = auth.post(
        "/admin/widgets/add",
        {"theme": "default", "region": "header", "widget_type": "clock.dateline"},
        form_url="/admin/widgets",
    )
    assert response.status_code == 302
    with app.app_context():
        first = db.session.execute(select(WidgetInstance)).scalar_one()
        first_id = first.id
    assert f'data-widget-id="{first_id}"' in client.get("/").text

    edit_url = f"/admin/widgets/{first_id}"
    bad = auth.post(
        edit_url,
        {"title": "x" * 201, "region": "header", "visibility": "all", "settings-format": "long"},
    )
    assert "Field cannot be longer than 200 characters." in bad.text
    bad = auth.post(
        edit_url,
        {"title": "Giờ", "region": "header", "visibility": "categories", "settings-format": "long"},
    )
    assert "Choose at least one category." in bad.text
    bad = auth.post(
        edit_url,
        {"title": "Giờ", "region": "header", "visibility": "all", "settings-format": "weird"},
    )
    assert "Not a valid choice" in bad.text
    ok = auth.post(
        edit_url,
        {"title": "Giờ", "region": "sidebar", "visibility": "all", "settings-format": "time"},
    )
    assert ok.status_code == 302
    with app.app_context():
        stored = db.session.get(WidgetInstance, first_id)
        assert (stored.title, stored.region, stored.settings) == (
            "Giờ",
            "sidebar",
            {"format": "time"},
        )

    auth.post(
        "/admin/widgets/add",
        {"theme": "default", "region": "sidebar", "widget_type": "clock.dateline"},
        form_url="/admin/widgets",
    )
    with app.app_context():
        ids = [
            w.id
            for w in db.session.execute(
                select(WidgetInstance).order_by(WidgetInstance.position)
            ).scalars()
        ]
    assert ids[0] == first_id
    token = csrf_token_from(client.get("/admin/widgets").text)
    response = client.post(
        "/admin/widgets/reorder",
        data=json.dumps({"theme": "default", "region": "sidebar", "ids": list(reversed(ids))}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert response.get_json() == {"ok": True, "ids": list(reversed(ids)), "preview_url": "/"}
    html = client.get("/").text
    assert html.index(f'data-widget-id="{ids[1]}"') < html.index(f'data-widget-id="{first_id}"')
    wrong = client.post(
        "/admin/widgets/reorder",
        data=json.dumps({"theme": "default", "region": "sidebar", "ids": [ids[0]]}),
        headers={"Content-Type": "application/json", "X-CSRFToken": token},
    )
    assert wrong.status_code == 400

    auth.post(f"/admin/widgets/{first_id}/move", {"direction": "up"}, form_url="/admin/widgets")
    html = client.get("/").text
    assert html.index(f'data-widget-id="{first_id}"') < html.index(f'data-widget-id="{ids[1]}"')

    auth.post(f"/admin/widgets/{first_id}/delete", form_url="/admin/widgets")
    assert f'data-widget-id="{first_id}"' not in client.get("/").text


def test_adding_an_unknown_type_or_region_is_refused(signed_in, client, auth, app):
    signed_in("admin")
    for data, message in (
        (
            {"theme": "default", "region": "sidebar", "widget_type": "nope.box"},
            "Unknown widget type: nope.box.",
        ),
        (
            {"theme": "default", "region": "nowhere", "widget_type": "clock.dateline"},
            "has no region nowhere",
        ),
    ):
        response = auth.post("/admin/widgets/add", data, form_url="/admin/widgets")
        assert response.status_code == 302
        assert message in client.get("/admin/widgets").text
    with app.app_context():
        assert db.session.execute(select(WidgetInstance)).first() is None


def test_reorder_without_csrf_is_refused(signed_in, client):
    signed_in("admin")
    response = client.post(
        "/admin/widgets/reorder", json={"theme": "default", "region": "sidebar", "ids": []}
    )
    assert response.status_code == 400
