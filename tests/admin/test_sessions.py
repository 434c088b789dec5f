"""Sign-in sessions: sign-out, password, role and state changes end them for good."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from cms.extensions import db
from cms.models import Article, User, UserSession
from cms.testing import TEST_PASSWORD, AuthActions, csrf_token_from

NEW_PASSWORD = "a brand new secret"  # noqa: S105 (a test password)


def copy_cookies(source, target, names=("session", "remember_token")):
    """Give ``target`` the cookies of ``source`` (what a thief with a copy would hold)."""
    for name in names:
        cookie = source.get_cookie(name)
        if cookie is not None:
            target.set_cookie(name, cookie.value)


def signed_in_client(app, email, **extra):
    client = app.test_client()
    response = AuthActions(client).login(email, **extra)
    assert response.status_code == 302, "sign-in failed"
    return client


def is_signed_in(client):
    return client.get("/admin/").status_code == 200


def session_count(app, user_id=None):
    with app.app_context():
        query = select(func.count()).select_from(UserSession)
        if user_id is not None:
            query = query.where(UserSession.user_id == user_id)
        return db.session.execute(query).scalar_one()


def article_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Article)).scalar_one()


# -- sign-out -------------------------------------------------------------------------------


def test_a_copied_session_cookie_stops_working_at_sign_out(app, make_user):
    make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    thief = app.test_client()
    copy_cookies(browser, thief, names=("session",))
    assert is_signed_in(thief)
    form = thief.get("/admin/articles/new")
    token = csrf_token_from(form.text)

    assert AuthActions(browser).logout().status_code == 302

    assert not is_signed_in(browser)
    assert not is_signed_in(thief)
    # A write with the copied cookie and a token taken before sign-out is refused too.
    response = thief.post("/admin/articles/new", data={"csrf_token": token, "title": "Stolen"})
    assert response.status_code in (302, 400)
    assert article_count(app) == 0
    assert session_count(app) == 0


def test_a_copied_remember_me_cookie_stops_working_at_sign_out(app, make_user):
    make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org", remember="y")
    assert browser.get_cookie("remember_token") is not None
    thief = app.test_client()
    copy_cookies(browser, thief, names=("remember_token",))
    assert is_signed_in(thief)  # the remember-me cookie alone signs in, as it should

    AuthActions(browser).logout()

    fresh = app.test_client()
    copy_cookies(thief, fresh, names=("remember_token",))
    assert not is_signed_in(fresh)
    assert not is_signed_in(thief)


def test_signing_out_ends_only_this_browser(app, make_user):
    make_user(email="ed@example.org")
    office = signed_in_client(app, "ed@example.org")
    home = signed_in_client(app, "ed@example.org", remember="y")
    AuthActions(office).logout()
    assert not is_signed_in(office)
    assert is_signed_in(home)


def test_cookies_hold_a_session_secret_stored_only_as_a_digest(app, make_user):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org", remember="y")
    remember = browser.get_cookie("remember_token").value
    secret = remember.split("|", 1)[0]
    assert secret != str(user.id)
    assert len(secret) >= 40
    with app.app_context():
        row = db.session.execute(select(UserSession)).scalar_one()
        assert row.user_id == user.id
        assert row.token_hash == UserSession.digest(secret)
        assert secret not in row.token_hash
        assert row.remember is True
        assert row.user_agent.startswith("Werkzeug")
        assert row.ip == "127.0.0.1"
        assert row.expires_at - row.created_at == timedelta(days=30)


def test_a_cookie_holding_a_bare_user_id_signs_no_one_in(app, client, make_user):
    user = make_user(email="ed@example.org")
    with client.session_transaction() as session:
        session["_user_id"] = str(user.id)
        session["_fresh"] = True
    assert not is_signed_in(client)


def test_an_expired_session_signs_no_one_in(app, make_user):
    make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org", remember="y")
    with app.app_context():
        row = db.session.execute(select(UserSession)).scalar_one()
        row.expires_at = row.created_at - timedelta(seconds=1)
        db.session.commit()
    assert not is_signed_in(browser)
    thief = app.test_client()
    copy_cookies(browser, thief, names=("remember_token",))
    assert not is_signed_in(thief)


def test_last_seen_is_written_at_most_once_a_minute(app, make_user, monkeypatch):
    import cms.sessions

    make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    with app.app_context():
        start = db.session.execute(select(UserSession.last_seen_at)).scalar_one()
    real_now = cms.sessions.utcnow

    monkeypatch.setattr(cms.sessions, "utcnow", lambda: real_now() + timedelta(seconds=30))
    assert is_signed_in(browser)
    with app.app_context():
        assert db.session.execute(select(UserSession.last_seen_at)).scalar_one() == start

    monkeypatch.setattr(cms.sessions, "utcnow", lambda: real_now() + timedelta(minutes=2))
    assert is_signed_in(browser)
    with app.app_context():
        row = db.session.execute(select(UserSession)).scalar_one()
        assert row.last_seen_at - start >= timedelta(minutes=2) - timedelta(seconds=5)
        # Without remember-me, the session lives on while it is used (idle timeout).
        assert row.expires_at - row.last_seen_at == timedelta(hours=12)


def test_an_idle_session_without_remember_me_expires(app, make_user, monkeypatch):
    import cms.sessions

    make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    real_now = cms.sessions.utcnow
    monkeypatch.setattr(cms.sessions, "utcnow", lambda: real_now() + timedelta(hours=13))
    assert not is_signed_in(browser)


# -- password, role and state changes ---------------------------------------------------------


def change_own_password(client):
    return AuthActions(client).post(
        "/admin/password",
        {"current": TEST_PASSWORD, "new": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )


def test_changing_ones_password_signs_out_every_other_browser(app, make_user):
    user = make_user(email="ed@example.org")
    here = signed_in_client(app, "ed@example.org", remember="y")
    elsewhere = signed_in_client(app, "ed@example.org")
    remembered = signed_in_client(app, "ed@example.org", remember="y")
    thief = app.test_client()
    copy_cookies(remembered, thief, names=("remember_token",))
    old_remember = here.get_cookie("remember_token").value

    response = change_own_password(here)
    assert response.status_code == 302
    assert "other devices have been signed out" in here.get(response.headers["Location"]).text

    assert not is_signed_in(elsewhere)
    assert not is_signed_in(remembered)
    assert not is_signed_in(thief)
    # This browser stays signed in, under a new secret: the old cookie is dead.
    assert is_signed_in(here)
    new_remember = here.get_cookie("remember_token").value
    assert new_remember != old_remember
    stale = app.test_client()
    stale.set_cookie("remember_token", old_remember)
    assert not is_signed_in(stale)
    assert session_count(app, user.id) == 1


@pytest.fixture
def admin_client(app, make_user):
    make_user(email="boss@example.org", role="admin")
    return signed_in_client(app, "boss@example.org")


def test_a_password_set_by_an_admin_signs_the_user_out_everywhere(app, make_user, admin_client):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    remembered = signed_in_client(app, "ed@example.org", remember="y")
    response = AuthActions(admin_client).post(
        f"/admin/users/{user.id}/password", {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert not is_signed_in(browser)
    assert not is_signed_in(remembered)
    assert session_count(app, user.id) == 0
    assert is_signed_in(admin_client)


def user_form(user, **overrides):
    data = {"email": user.email, "name": "", "role": user.role, "active": "y"}
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(
    "change",
    [{"role": "author"}, {"role": "admin"}, {"active": None}],
    ids=["demoted", "promoted", "deactivated"],
)
def test_a_role_change_or_deactivation_ends_every_session(app, make_user, admin_client, change):
    user = make_user(email="ed@example.org", role="editor")
    browser = signed_in_client(app, "ed@example.org")
    remembered = signed_in_client(app, "ed@example.org", remember="y")
    response = AuthActions(admin_client).post(f"/admin/users/{user.id}", user_form(user, **change))
    assert response.status_code == 302
    assert not is_signed_in(browser)
    assert not is_signed_in(remembered)
    assert session_count(app, user.id) == 0


def test_the_deactivate_button_ends_every_session(app, make_user, admin_client):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org", remember="y")
    response = AuthActions(admin_client).post(
        f"/admin/users/{user.id}/active",
        {"action": "deactivate"},
        form_url=f"/admin/users/{user.id}",
    )
    assert response.status_code == 302
    assert not is_signed_in(browser)
    assert session_count(app, user.id) == 0


def test_a_name_change_keeps_sessions(app, make_user, admin_client):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    AuthActions(admin_client).post(f"/admin/users/{user.id}", user_form(user, name="Ed"))
    assert is_signed_in(browser)


def test_services_end_sessions_whoever_calls_them(app, make_user):
    from cms.admin.users import set_password_by_admin, update_user

    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    with app.test_request_context():
        update_user(db.session.get_one(User, user.id), {"role": "author"})
        db.session.commit()
    assert not is_signed_in(browser)

    browser = signed_in_client(app, "ed@example.org")
    with app.test_request_context():
        set_password_by_admin(db.session.get_one(User, user.id), NEW_PASSWORD)
        db.session.commit()
    assert not is_signed_in(browser)


def test_a_deactivated_user_is_signed_out_even_if_a_row_is_left(app, make_user):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    with app.app_context():
        db.session.get_one(User, user.id).active = False  # bypassing the services
        db.session.commit()
    assert not is_signed_in(browser)


def test_create_user_on_the_command_line_follows_the_back_office_rules(runner, app):
    result = runner.invoke(
        args=["cms", "create-user", "someone@example.c0m", "--password-stdin"],
        input="a long enough password\n",
    )
    assert result.exit_code == 1
    assert "Enter a valid email address" in result.output
    with app.app_context():
        assert db.session.execute(select(User)).first() is None


# -- cookies over HTTPS ---------------------------------------------------------------------


@pytest.fixture
def proxied_app(make_app):
    return make_app(PROXY_HOPS=1)


def set_cookies(response):
    return {h.split("=", 1)[0]: h for h in response.headers.getlist("Set-Cookie")}


def is_secure(header):
    return "secure" in [part.strip().lower() for part in header.split(";")]


def login_over(app, scheme_headers, **extra):
    from cms.testing import TEST_PASSWORD as password

    client = app.test_client()
    page = client.get("/admin/login", headers=scheme_headers)
    data = {
        "email": "ed@example.org",
        "password": password,
        "csrf_token": csrf_token_from(page.text),
        "remember": "y",
        **extra,
    }
    return client, page, client.post("/admin/login", data=data, headers=scheme_headers)


def test_every_cookie_is_secure_behind_an_https_proxy(proxied_app, make_user):
    make_user(email="ed@example.org")
    https = {"X-Forwarded-Proto": "https", "Referer": "https://localhost/admin/login"}
    client, page, response = login_over(proxied_app, https)
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    assert all(is_secure(header) for header in cookies.values()), cookies
    assert all(is_secure(h) for h in page.headers.getlist("Set-Cookie"))
    # Signing out deletes the cookies with the same attribute.
    dashboard = client.get("/admin/", headers=https)
    out = client.post(
        "/admin/logout", data={"csrf_token": csrf_token_from(dashboard.text)}, headers=https
    )
    assert out.status_code == 302
    assert set_cookies(out)
    assert all(is_secure(header) for header in set_cookies(out).values())


def test_a_direct_https_request_gets_secure_cookies(app, client, make_user):
    make_user(email="ed@example.org")
    page = client.get("/admin/login", base_url="https://localhost")
    response = client.post(
        "/admin/login",
        base_url="https://localhost",
        headers={"Referer": "https://localhost/admin/login"},
        data={
            "email": "ed@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
            "remember": "y",
        },
    )
    assert response.status_code == 302
    assert all(is_secure(header) for header in set_cookies(response).values())


def test_cookies_over_plain_http_are_not_secure(proxied_app, make_user):
    make_user(email="ed@example.org")
    _client, _page, response = login_over(proxied_app, {"X-Forwarded-Proto": "http"})
    assert response.status_code == 302
    cookies = set_cookies(response)
    assert {"session", "remember_token"} <= set(cookies)
    assert not any(is_secure(header) for header in cookies.values())


def test_a_forwarded_proto_is_ignored_without_a_trusted_proxy(app, make_user):
    make_user(email="ed@example.org")
    _client, _page, response = login_over(app, {"X-Forwarded-Proto": "https"})
    assert response.status_code == 302
    assert not any(is_secure(header) for header in set_cookies(response).values())


# -- failed sign-ins cost the same --------------------------------------------------------------


@pytest.fixture
def hash_checks(monkeypatch):
    """Every stored hash the sign-in compares a password against, in order."""
    import cms.models.users

    checked = []
    real = cms.models.users.check_password_hash

    def counting(stored, password):
        checked.append(stored)
        return real(stored, password)

    monkeypatch.setattr(cms.models.users, "check_password_hash", counting)
    return checked


def hash_parameters(stored):
    return stored.split("$", 1)[0]  # e.g. "scrypt:32768:8:1"


@pytest.mark.parametrize("case", ["unknown", "deactivated", "wrong password", "no password"])
def test_every_failed_sign_in_checks_one_hash_of_the_same_cost(
    app, client, auth, make_user, hash_checks, case
):
    from cms.models.users import DUMMY_PASSWORD_HASH

    real = make_user(email="real@example.org")
    make_user(email="gone@example.org")
    with app.app_context():
        gone = db.session.execute(select(User).where(User.email == "gone@example.org")).scalar()
        gone.active = False
        empty = User(email="empty@example.org", role="author", password_hash="")
        db.session.add(empty)
        db.session.commit()
        real_hash = db.session.get_one(User, real.id).password_hash
    email, password = {
        "unknown": ("nobody@example.org", TEST_PASSWORD),
        "deactivated": ("gone@example.org", TEST_PASSWORD),
        "wrong password": ("real@example.org", "not the password"),
        "no password": ("empty@example.org", ""),
    }[case]
    hash_checks.clear()
    response = auth.login(email, password or "x")
    assert response.status_code == 422
    assert "The email or password is wrong." in response.text
    assert len(hash_checks) == 1
    assert hash_parameters(hash_checks[0]) == hash_parameters(real_hash)
    if case != "wrong password":
        assert hash_checks[0] == DUMMY_PASSWORD_HASH


def test_a_right_password_checks_the_real_hash(app, auth, make_user, hash_checks):
    make_user(email="real@example.org")
    hash_checks.clear()
    assert auth.login("real@example.org").status_code == 302
    assert len(hash_checks) == 1
    with app.app_context():
        stored = db.session.execute(select(User.password_hash)).scalar_one()
    assert hash_checks == [stored]


# -- seeing and ending one's sessions ---------------------------------------------------------


def test_the_devices_page_lists_and_ends_sessions(app, make_user):
    user = make_user(email="ed@example.org")
    here = signed_in_client(app, "ed@example.org")
    phone = signed_in_client(app, "ed@example.org", remember="y")
    laptop = signed_in_client(app, "ed@example.org")
    page = here.get("/admin/sessions")
    assert page.status_code == 200
    assert page.text.count("This device") == 1
    assert "Signed-in devices: 3" in page.text
    with app.app_context():
        ids = {row.id: row.remember for row in db.session.execute(select(UserSession)).scalars()}
    phone_id = next(i for i, remember in ids.items() if remember)
    response = AuthActions(here).post(f"/admin/sessions/{phone_id}/end", form_url="/admin/sessions")
    assert response.status_code == 302
    assert not is_signed_in(phone)
    assert is_signed_in(laptop)
    assert is_signed_in(here)

    response = AuthActions(here).post("/admin/sessions/end-others", form_url="/admin/sessions")
    assert response.status_code == 302
    assert "Other devices signed out: 1." in here.get("/admin/sessions").text
    assert not is_signed_in(laptop)
    assert is_signed_in(here)
    assert session_count(app, user.id) == 1


def test_another_users_session_cannot_be_ended(app, make_user):
    make_user(email="ed@example.org")
    make_user(email="other@example.org")
    here = signed_in_client(app, "ed@example.org")
    other = signed_in_client(app, "other@example.org")
    with app.app_context():
        other_id = db.session.execute(
            select(UserSession.id).join(User).where(User.email == "other@example.org")
        ).scalar_one()
    response = AuthActions(here).post(f"/admin/sessions/{other_id}/end", form_url="/admin/sessions")
    assert response.status_code == 404
    assert is_signed_in(other)


def test_an_admin_signs_a_user_out_of_every_device(app, make_user, admin_client):
    user = make_user(email="ed@example.org")
    browser = signed_in_client(app, "ed@example.org")
    remembered = signed_in_client(app, "ed@example.org", remember="y")
    page = admin_client.get(f"/admin/users/{user.id}")
    assert "Signed-in devices: 2" in page.text
    response = AuthActions(admin_client).post(
        f"/admin/users/{user.id}/sessions/end", form_url=f"/admin/users/{user.id}"
    )
    assert response.status_code == 302
    assert not is_signed_in(browser)
    assert not is_signed_in(remembered)
    assert is_signed_in(admin_client)


def test_non_admins_cannot_sign_others_out(app, make_user):
    target = make_user(email="ed@example.org")
    make_user(email="writer@example.org", role="author")
    browser = signed_in_client(app, "ed@example.org")
    writer = signed_in_client(app, "writer@example.org")
    page = writer.get("/admin/sessions")
    response = writer.post(
        f"/admin/users/{target.id}/sessions/end",
        data={"csrf_token": csrf_token_from(page.text)},
    )
    assert response.status_code == 403
    assert is_signed_in(browser)
