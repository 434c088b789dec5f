"""Plugin state over the API."""

import shutil
import sys
import textwrap

import jsonschema_rs
import pytest

from cms.config import PROJECT_ROOT
from cms.extensions import db
from cms.plugins import registry

#: A plugin with a table, whose migration no ``cms init`` has applied yet: it is held.
HELD_PLUGIN = {
    "heldback/__init__.py": """
        from cms.plugins import Plugin

        plugin = Plugin(name="heldback", title="Held back", models=["plugins.heldback.models"])
    """,
    "heldback/models.py": """
        from sqlalchemy.orm import Mapped, mapped_column
        from cms.extensions import Model


        class HeldbackEntry(Model):
            __tablename__ = "heldback_entry"
            id: Mapped[int] = mapped_column(primary_key=True)
    """,
    "heldback/migrations/heldback_0001.py": '''
        """heldback: its table."""
        import sqlalchemy as sa
        from alembic import op

        revision = "heldback_0001"
        down_revision = None
        branch_labels = ("heldback",)
        depends_on = "0003_plugins"


        def upgrade():
            op.create_table(
                "heldback_entry",
                sa.Column("id", sa.Integer(), nullable=False),
                sa.PrimaryKeyConstraint("id", name=op.f("pk_heldback_entry")),
            )


        def downgrade():
            op.drop_table("heldback_entry")
    ''',
    "brokenone/__init__.py": """
        raise ImportError("a dependency is missing")
    """,
}


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


def item(body, name):
    return next(p for p in body["items"] if p["name"] == name)


@pytest.fixture
def held_app(make_app, tmp_path):
    """An app whose ``heldback`` plugin waits for ``cms init``, beside clock and a broken one.

    Used by one test only: loading the plugin's models in a second app of the
    same run would declare its model class twice.
    """
    folder = tmp_path / "held-plugins"
    shutil.copytree(
        PROJECT_ROOT / "plugins" / "clock",
        folder / "clock",
        ignore=shutil.ignore_patterns("tests", "__pycache__"),
    )
    for path, text in HELD_PLUGIN.items():
        target = folder / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(textwrap.dedent(text))
    try:
        yield make_app(PLUGINS_DIR=str(folder), PLUGIN_PENDING_RECHECK=0)
    finally:
        table = db.metadata.tables.get("heldback_entry")
        if table is not None:
            db.metadata.remove(table)
        for name in list(sys.modules):
            if name.startswith(("plugins.heldback", "plugins.brokenone")):
                sys.modules.pop(name)


def test_a_plugin_waiting_for_its_migrations_is_held(held_app, api_token):
    client = held_app.test_client()
    document = client.get("/api/v1/openapi.json").get_json()
    validator = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/PluginList", "components": document["components"]}
    )
    body = client.get("/api/v1/plugins").get_json()
    validator.validate(body)
    held = item(body, "heldback")
    assert held["state"] == "held"
    assert held["held"] is True
    assert held["enabled"] is True
    assert held["active"] is False
    assert held["paused"] is False
    assert held["reason"].startswith("Held inactive")
    assert "cms init" in held["reason"]
    assert client.get("/api/v1/plugins/heldback").get_json() == held
    clock = item(body, "clock")
    assert (clock["state"], clock["held"], clock["reason"]) == ("enabled", False, None)
    broken = item(body, "brokenone")
    assert (broken["state"], broken["broken"], broken["reason"]) == ("broken", True, None)
    admin = {"Authorization": f"Bearer {api_token('admin')}"}
    as_admin = client.get("/api/v1/plugins", headers=admin).get_json()
    validator.validate(as_admin)
    assert "a dependency is missing" in item(as_admin, "brokenone")["reason"]
    held_app.config["LOCALE"] = "vi"  # the reason is in the site's language
    in_vietnamese = client.get("/api/v1/plugins/heldback").get_json()["reason"]
    assert in_vietnamese.startswith("Tạm giữ, chưa hoạt động")
    assert "cms init" in in_vietnamese
    held_app.config["LOCALE"] = "en"
    result = held_app.test_cli_runner().invoke(args=["cms", "init"])
    assert result.exit_code == 0, result.output
    freed = client.get("/api/v1/plugins/heldback").get_json()
    assert (freed["state"], freed["held"], freed["active"], freed["reason"]) == (
        "enabled", False, True, None
    )  # fmt: skip


def test_paused_and_disabled_states(app, client, api_token):
    document = client.get("/api/v1/openapi.json").get_json()
    validator = jsonschema_rs.validator_for(
        {"$ref": "#/components/schemas/Plugin", "components": document["components"]}
    )
    with app.app_context():
        registry().pause("clock", "5 errors within 5 minutes, last in widget 1 (clock.dateline)")
    anonymous = client.get("/api/v1/plugins/clock").get_json()
    validator.validate(anonymous)
    assert (anonymous["state"], anonymous["paused"], anonymous["reason"]) == ("paused", True, None)
    admin = {"Authorization": f"Bearer {api_token('admin')}"}
    seen = client.get("/api/v1/plugins/clock", headers=admin).get_json()
    validator.validate(seen)
    assert seen["reason"] == "5 errors within 5 minutes, last in widget 1 (clock.dateline)"
    assert seen["paused_reason"] == seen["reason"]
    changed = client.patch("/api/v1/plugins/clock", json={"enabled": False}, headers=admin)
    validator.validate(changed.get_json())
    assert (changed.get_json()["state"], changed.get_json()["reason"]) == ("disabled", None)
    plugin = document["components"]["schemas"]["Plugin"]
    assert plugin["properties"]["state"]["enum"] == [
        "broken", "disabled", "held", "paused", "enabled"
    ]  # fmt: skip
    assert {"state", "reason", "held"} <= set(plugin["required"])
