"""The plugin settings: the back office's form, and values checked before use."""

from __future__ import annotations

import pytest

from plugins.stats.settings import checked_settings, current_settings


def test_admins_change_the_settings_and_they_apply_at_once(app, client, signed_in, auth):
    signed_in("admin")
    page = client.get("/admin/plugins/stats/settings")
    assert page.status_code == 200
    assert 'name="offset"' in page.text
    answer = auth.post(
        "/admin/plugins/stats/settings",
        {"offset": "2194300", "online_minutes": "10", "retention_days": "60", "mode": "beacon"},
    )
    assert answer.status_code == 302
    with app.app_context():
        found = current_settings()
    assert (found.offset, found.online_seconds, found.retention_days, found.mode) == (
        2_194_300,
        600,
        60,
        "beacon",
    )
    assert found.honour_dnt is False  # an unticked box


@pytest.mark.parametrize(
    "values",
    [
        {"offset": "-1", "online_minutes": "5", "retention_days": "90", "mode": "server"},
        {"offset": "0", "online_minutes": "0", "retention_days": "90", "mode": "server"},
        {"offset": "0", "online_minutes": "5", "retention_days": "1", "mode": "server"},
        {"offset": "0", "online_minutes": "5", "retention_days": "90", "mode": "pixel"},
        {"offset": "=1+1", "online_minutes": "5", "retention_days": "90", "mode": "server"},
    ],
)
def test_bad_settings_are_refused_and_nothing_saved(app, client, signed_in, auth, values):
    signed_in("admin")
    answer = auth.post("/admin/plugins/stats/settings", values)
    assert answer.status_code == 422
    assert 'class="field__error"' in answer.text
    with app.app_context():
        assert current_settings() == checked_settings({})


def test_stored_values_out_of_bounds_are_clamped():
    found = checked_settings(
        {"offset": "x", "online_minutes": 10_000, "retention_days": True, "mode": "?"}
    )
    assert (found.offset, found.online_seconds, found.retention_days, found.mode) == (
        0,
        3600,
        90,
        "server",
    )
