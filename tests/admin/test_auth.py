"""Signing in and out, passwords, throttling and safe redirects."""

import pytest

from cms.security import safe_next


def test_the_back_office_requires_sign_in(client):
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=%2Fadmin%2F"


def test_sign_in_and_out(client, auth, make_user):
    make_user(email="ed@example.org")
    response = auth.login("ED@example.org ")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert "Dashboard" in client.get("/admin/").text
    assert auth.logout().status_code == 302
    assert client.get("/admin/").status_code == 302


def test_wrong_password_is_refused_with_a_message(client, auth, make_user):
    make_user(email="ed@example.org")
    response = auth.login("ed@example.org", "wrong password")
    assert response.status_code == 422
    assert "The email or password is wrong." in response.text
    assert client.get("/admin/").status_code == 302


def test_unknown_and_deactivated_users_cannot_sign_in(client, auth, make_user, app):
    from cms.extensions import db
    from cms.models import User

    user = make_user(email="gone@example.org")
    with app.app_context():
        db.session.get(User, user.id).active = False
        db.session.commit()
    assert auth.login("gone@example.org").status_code == 422
    assert auth.login("nobody@example.org").status_code == 422


def test_sign_in_without_csrf_token_is_refused(client, make_user):
    make_user(email="ed@example.org")
    response = client.post(
        "/admin/login", data={"email": "ed@example.org", "password": "correct horse battery"}
    )
    assert response.status_code == 400
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("/admin/articles", "/admin/articles"),
        ("/news/x?y=1", "/news/x?y=1"),
        ("https://evil.example/", "/admin/"),
        ("//evil.example/", "/admin/"),
        ("/\\evil.example", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
        ("/\x01evil", "/admin/"),  # a NUL is refused with 400 before (tests/admin/test_form_input)
        ("", "/admin/"),
    ],
)
def test_next_only_goes_to_paths_on_this_site(client, auth, make_user, target, expected):
    make_user(email="ed@example.org")
    response = auth.login("ed@example.org", next=target)
    assert response.headers["Location"] == expected


def test_safe_next_helper():
    assert safe_next("/a", "/b") == "/a"
    assert safe_next("http://x/a", "/b") == "/b"
    assert safe_next(None, "/b") == "/b"


def test_failed_sign_ins_are_throttled_per_account(client, auth, make_user):
    make_user(email="ed@example.org")
    for _ in range(5):
        assert auth.login("ed@example.org", "wrong").status_code == 422
    response = auth.login("ed@example.org", "wrong")
    assert response.status_code == 429
    assert "Too many attempts" in response.text
    # Even the right password waits: the account is throttled, not the password.
    assert auth.login("ed@example.org").status_code == 429


def test_successful_sign_ins_do_not_count(client, auth, make_user):
    make_user(email="ed@example.org")
    for _ in range(8):
        assert auth.login("ed@example.org").status_code == 302
        auth.logout()


@pytest.fixture
def app_config(app_config):
    return {**app_config, "LOGIN_LIMIT_PER_ADDRESS": "8 per 10 minutes"}


def test_failed_sign_ins_are_throttled_per_address(client, auth, make_user):
    for i in range(8):
        assert auth.login(f"user{i}@example.org", "wrong").status_code == 422
    assert auth.login("someone@example.org", "wrong").status_code == 429


def test_change_password(client, auth, signed_in, app):
    signed_in("author")
    wrong = auth.post(
        "/admin/password",
        {"current": "nope", "new": "a brand new secret", "confirm": "a brand new secret"},
    )
    assert "The current password is wrong." in wrong.text
    mismatch = auth.post(
        "/admin/password",
        {"current": "correct horse battery", "new": "a brand new secret", "confirm": "other"},
    )
    assert "The two passwords differ." in mismatch.text
    short = auth.post(
        "/admin/password", {"current": "correct horse battery", "new": "short", "confirm": "short"}
    )
    assert "Use at least 10 characters." in short.text
    ok = auth.post(
        "/admin/password",
        {
            "current": "correct horse battery",
            "new": "a brand new secret",
            "confirm": "a brand new secret",
        },
    )
    assert ok.status_code == 302
    auth.logout()
    assert auth.login("author@example.org").status_code == 422
    assert auth.login("author@example.org", "a brand new secret").status_code == 302


def test_session_cookie_flags(client, auth, make_user):
    make_user(email="ed@example.org")
    response = auth.login("ed@example.org")
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Secure" not in cookie


def test_session_cookie_is_secure_over_https(app, make_user):
    make_user(email="ed@example.org")
    client = app.test_client()
    from cms.testing import csrf_token_from

    page = client.get("/admin/login", base_url="https://localhost")
    response = client.post(
        "/admin/login",
        base_url="https://localhost",
        data={
            "email": "ed@example.org",
            "password": "correct horse battery",
            "csrf_token": csrf_token_from(page.text),
        },
        headers={"Referer": "https://localhost/admin/login"},
    )
    assert response.status_code == 302
    cookie = next(h for h in response.headers.getlist("Set-Cookie") if h.startswith("session="))
    assert "Secure" in cookie


def test_admin_pages_cannot_be_framed(client):
    headers = client.get("/admin/login").headers
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


def test_sign_in_is_recorded_in_the_audit_log(client, auth, make_user, app):
    from sqlalchemy import select

    from cms.extensions import db
    from cms.models import AuditEntry

    make_user(email="ed@example.org")
    auth.login("ed@example.org")
    with app.app_context():
        actions = db.session.execute(select(AuditEntry.action, AuditEntry.user_email)).all()
    assert ("user.login", "ed@example.org") in actions
