"""Back office: the audit log screen, and that every user/token/settings action lands in it."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.models import AuditEntry

URL = "/admin/audit-log"
MOMENT = datetime(2020, 5, 14, 3, 13, 21, tzinfo=UTC)  # 10:13 in Hà Nội


def add_entries(app, *entries):
    """Add entries: (action, user_email, user_id, minutes after MOMENT, summary)."""
    with app.app_context():
        for action, email, user_id, minutes, summary in entries:
            db.session.add(
                AuditEntry(
                    action=action,
                    user_email=email,
                    user_id=user_id,
                    created_at=MOMENT + timedelta(minutes=minutes),
                    summary=summary,
                    object_type="article",
                    object_id=7,
                    ip="203.0.113.9",
                )
            )
        db.session.commit()


def rows(html):
    """The actions listed in the table, in order."""
    return re.findall(r"<td><code>([^<]+)</code></td>", html)


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


def test_anonymous_visitors_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=%2Fadmin%2Faudit-log"


@pytest.mark.parametrize("role", ["author", "editor"])
def test_non_admins_get_403(client, signed_in, role):
    signed_in(role)
    assert client.get(URL).status_code == 403
    assert client.get(URL + "?action=user.").status_code == 403


def test_entries_are_listed_newest_first_with_their_details(app, client, admin):
    add_entries(
        app,
        ("article.create", "ed@example.org", None, 0, "Created “Tin tức”"),
        ("article.update", "ed@example.org", None, 5, "Updated “Tin tức”"),
    )
    html = client.get(URL).text
    assert rows(html) == ["user.login", "article.update", "article.create"]  # newest first
    assert "ed@example.org" in html
    assert "Updated “Tin tức”" in html
    assert "article #7" in html
    assert "203.0.113.9" in html
    # Time in the site time zone (Asia/Ho_Chi_Minh by default), in the site locale.
    assert "14 May 2020, 10:18" in html
    assert "14 May 2020, 10:13" in html


def test_times_follow_the_time_zone_setting(app, client, admin):
    add_entries(app, ("article.create", "ed@example.org", None, 0, "x"))
    with app.app_context():
        set_setting("timezone", "UTC")
        db.session.commit()
    assert "14 May 2020, 03:13" in client.get(URL).text


def test_filter_by_user(app, client, admin, make_user):
    ed = make_user(email="ed@example.org")
    an = make_user(email="an@example.org", role="author")
    add_entries(
        app,
        ("article.create", "ed@example.org", ed.id, 0, "by ed"),
        ("article.update", "an@example.org", an.id, 1, "by an"),
    )
    html = client.get(f"{URL}?user={ed.id}").text
    assert "by ed" in html
    assert "by an" not in html
    assert f'<option value="{ed.id}" selected>ed@example.org</option>' in html
    assert "Show all" in html


def test_filter_by_action_prefix(app, client, admin):
    add_entries(
        app,
        ("user.create", "a@example.org", None, 0, "one"),
        ("user.password_reset", "a@example.org", None, 1, "two"),
        ("users.imported", "a@example.org", None, 2, "three"),
        ("token.create", "a@example.org", None, 3, "four"),
    )
    assert rows(client.get(f"{URL}?action=user.").text) == [
        "user.login",
        "user.password_reset",
        "user.create",
    ]
    assert rows(client.get(f"{URL}?action=TOKEN").text) == ["token.create"]
    assert rows(client.get(f"{URL}?action=user.p").text) == ["user.password_reset"]
    # LIKE wildcards are taken literally.
    assert rows(client.get(f"{URL}?action=user_").text) == []
    assert rows(client.get(f"{URL}?action=%25").text) == []
    assert "No entries match." in client.get(f"{URL}?action=nothing").text


def test_filters_combine(app, client, admin, make_user):
    ed = make_user(email="ed@example.org")
    add_entries(
        app,
        ("user.create", "ed@example.org", ed.id, 0, "mine"),
        ("token.create", "ed@example.org", ed.id, 1, "my token"),
        ("user.create", "x@example.org", None, 2, "not mine"),
    )
    assert rows(client.get(f"{URL}?user={ed.id}&action=user.").text) == ["user.create"]


def test_pagination_by_fifty(app, client, admin):
    add_entries(app, *[("page.update", "e@example.org", None, i, f"entry {i}") for i in range(119)])
    first = client.get(URL).text
    assert len(rows(first)) == 50
    assert "entry 118" in first  # newest first
    assert "120 entries" in first
    assert "page 1 of 3" in first
    assert 'href="/admin/audit-log?page=2"' in first
    third = client.get(f"{URL}?page=3").text
    assert len(rows(third)) == 20
    assert "entry 0" in third
    filtered = client.get(f"{URL}?action=page.&page=2").text
    assert len(rows(filtered)) == 50
    assert 'href="/admin/audit-log?action=page.&amp;page=3"' in filtered


@pytest.mark.parametrize("query", ["?user=abc", "?user=-1", "?user=99999999999999999999"])
def test_odd_filters_are_harmless(client, admin, query):
    assert client.get(URL + query).status_code == 200


@pytest.mark.parametrize("query", ["?page=0", "?page=-3", "?page=abc", "?page=999"])
def test_pages_that_do_not_exist_are_404(client, admin, query):
    assert client.get(URL + query).status_code == 404


def test_every_action_of_these_screens_is_recorded(app, client, auth, admin, make_user):
    """user.create/update/deactivate/reactivate/password_reset, token.create/revoke, settings."""
    password = "long enough password"
    response = auth.post(
        "/admin/users/new",
        {
            "email": "new@example.org",
            "name": "New",
            "role": "author",
            "password": password,
            "confirm": password,
        },
    )
    user_id = int(response.headers["Location"].rsplit("/", 1)[1])
    base = f"/admin/users/{user_id}"
    auth.post(
        base, {"email": "new@example.org", "name": "Renamed", "role": "editor", "active": "y"}
    )
    auth.post(f"{base}/active", {"action": "deactivate"}, form_url=base)
    auth.post(f"{base}/active", {"action": "activate"}, form_url=base)
    auth.post(f"{base}/password", {"password": password + "!", "confirm": password + "!"})
    auth.post(f"{base}/tokens", {"name": "script"})
    with app.app_context():
        from cms.models import ApiToken

        token_id = db.session.scalar(select(ApiToken.id))
    auth.post(f"{base}/tokens/{token_id}/revoke", {}, form_url=f"{base}/tokens")
    auth.post("/admin/settings", {"site_name": "Tên mới"})
    expected = [
        "settings.update",
        "token.revoke",
        "token.create",
        "user.password_reset",
        "user.reactivate",
        "user.deactivate",
        "user.update",
        "user.create",
        "user.login",
    ]
    with app.app_context():
        entries = db.session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).all()
        assert [e.action for e in entries] == expected
        assert all(e.user_id == admin.id for e in entries)
        assert all(e.user_email == "admin@example.org" for e in entries)
        assert all(e.ip == "127.0.0.1" for e in entries)
    assert rows(client.get(URL).text) == expected
