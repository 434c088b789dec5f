"""Plugin state over the API."""

import pytest

from cms.plugins import registry


def headers(token):
    return {"Authorization": f"Bearer {token}"}


def test_anyone_lists_plugins(client):
    body = client.get("/api/v1/plugins").get_json()
    assert body["total"] == len(body["items"])
    clock = next(p for p in body["items"] if p["name"] == "clock")
    assert clock["enabled"] is True
    assert clock["widgets"] == ["clock.dateline"]


def test_admins_disable_and_enable_a_plugin(client, api_token, app):
    token = api_token("admin")
    response = client.patch(
        "/api/v1/plugins/clock", json={"enabled": False}, headers=headers(token)
    )
    assert response.status_code == 200
    assert response.get_json()["active"] is False
    with app.test_request_context("/"):
        assert not registry().is_enabled("clock")
    assert client.get("/plugins/clock/static/clock.js").status_code == 404
    response = client.patch("/api/v1/plugins/clock", json={"enabled": True}, headers=headers(token))
    assert response.get_json()["active"] is True


@pytest.mark.parametrize("role", ["editor", "author"])
def test_only_admins_change_plugins(client, api_token, role, app):
    response = client.patch(
        "/api/v1/plugins/clock", json={"enabled": False}, headers=headers(api_token(role))
    )
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "forbidden"
    with app.test_request_context("/"):
        assert registry().is_enabled("clock")


def test_a_token_is_needed(client):
    response = client.patch("/api/v1/plugins/clock", json={"enabled": False})
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("name", ["nope", "..", "%2e%2e%2fclock", "CLOCK"])
def test_unknown_and_path_like_names_are_404(client, api_token, name):
    response = client.patch(
        f"/api/v1/plugins/{name}", json={"enabled": True}, headers=headers(api_token("admin"))
    )
    assert response.status_code == 404
    assert response.is_json


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"enabled": "yes"}, "enabled"),
        ({"enabled": 1}, "enabled"),
        ({}, "enabled"),
        ({"enabled": True, "x": 1}, "x"),
    ],
)
def test_non_boolean_enabled_is_refused_and_nothing_changes(client, api_token, app, body, field):
    response = client.patch("/api/v1/plugins/clock", json=body, headers=headers(api_token("admin")))
    assert response.status_code == 422
    assert field in response.get_json()["error"]["fields"]
    with app.test_request_context("/"):
        assert registry().is_enabled("clock")


def test_the_document_describes_the_plugin_endpoints(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "patch" in paths["/api/v1/plugins/{name}"]
    assert "get" in paths["/api/v1/plugins"]


def test_one_plugin(client, api_token):
    assert client.get("/api/v1/plugins/clock").get_json()["name"] == "clock"
    assert client.get("/api/v1/plugins/nope").status_code == 404


def test_unknown_api_paths_are_json_404_for_any_method(client, api_token):
    for method in ("GET", "PATCH", "DELETE", "POST"):
        response = client.open(
            "/api/v1/nothing/here/at/all",
            method=method,
            headers=headers(api_token("admin", email=f"{method}@example.org")),
        )
        assert response.status_code == 404, method
        assert response.is_json
