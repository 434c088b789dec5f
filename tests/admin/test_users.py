"""Back office: users (list, create, edit, deactivate, password) and API tokens."""

import re

import pytest
from sqlalchemy import func, select

from cms.content import ContentError
from cms.extensions import db
from cms.models import ApiToken, AuditEntry, User
from cms.testing import TEST_PASSWORD, csrf_token_from

NEW_PASSWORD = "a brand new passphrase"
SECRET_RE = re.compile(r'value="(cms_[A-Za-z0-9_-]{20,})"')


# -- helpers ----------------------------------------------------------------------------------


def users_by_email(app):
    with app.app_context():
        return {u.email: (u.name, u.role, u.active) for u in db.session.scalars(select(User))}


def actions(app, prefix=""):
    with app.app_context():
        query = select(AuditEntry.action).order_by(AuditEntry.id)
        return [a for a in db.session.scalars(query) if a.startswith(prefix)]


def get_user(app, user_id):
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def tokens_of(app, user_id):
    with app.app_context():
        rows = db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user_id).order_by(ApiToken.id)
        ).all()
        for row in rows:
            db.session.expunge(row)
        return rows


def add_token(app, user_id, name="script"):
    with app.app_context():
        row, secret = ApiToken.issue(db.session.get_one(User, user_id), name=name)
        db.session.add(row)
        db.session.commit()
        return row.id, secret


def create_form(**overrides):
    data = {
        "email": "new@example.org",
        "name": "Nguyễn Văn An",
        "role": "editor",
        "password": NEW_PASSWORD,
        "confirm": NEW_PASSWORD,
    }
    data.update(overrides)
    return data


def edit_form(user, **overrides):
    data = {"email": user.email, "name": user.name, "role": user.role}
    if user.active:
        data["active"] = "y"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def admin(signed_in):
    return signed_in("admin")


# -- permissions ------------------------------------------------------------------------------

ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/users/{id}",
    "/admin/users/{id}/password",
    "/admin/users/{id}/tokens",
]


@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(client, make_user, page):
    url = page.format(id=make_user().id)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")
    assert "%2Fadmin%2Fusers" in response.headers["Location"]


@pytest.mark.parametrize("role", ["author", "editor"])
@pytest.mark.parametrize("page", ADMIN_PAGES)
def test_non_admins_get_403_on_user_screens(client, make_user, signed_in, role, page):
    other = make_user(email="other@example.org")
    signed_in(role)
    assert client.get(page.format(id=other.id)).status_code == 403


@pytest.mark.parametrize("role", ["author", "editor"])
def test_non_admins_cannot_post_to_user_screens(app, client, auth, make_user, signed_in, role):
    other = make_user(email="other@example.org", role="editor")
    token_id, _secret = add_token(app, other.id)
    signed_in(role)
    before = users_by_email(app)
    posts = {
        "/admin/users/new": create_form(),
        f"/admin/users/{other.id}": edit_form(other, role="admin"),
        f"/admin/users/{other.id}/active": {"action": "deactivate"},
        f"/admin/users/{other.id}/password": {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
        f"/admin/users/{other.id}/tokens": {"name": "sneaky"},
        f"/admin/users/{other.id}/tokens/{token_id}/revoke": {},
    }
    for url, data in posts.items():
        assert auth.post(url, data, form_url="/admin/").status_code == 403, url
    assert users_by_email(app) == before
    assert len(tokens_of(app, other.id)) == 1
    assert tokens_of(app, other.id)[0].revoked_at is None
    assert get_user(app, other.id).check_password(TEST_PASSWORD)
    assert actions(app, "user.create") == actions(app, "token") == []


def test_anonymous_posts_change_nothing(app, client, auth, make_user):
    other = make_user(email="other@example.org")
    url = f"/admin/users/{other.id}/active"
    assert client.post(url, data={"action": "deactivate"}).status_code == 400  # no CSRF token
    response = auth.post(url, {"action": "deactivate"}, form_url="/admin/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login?next=")
    assert get_user(app, other.id).active


@pytest.mark.parametrize("role", ["author", "editor", "admin"])
def test_everyone_may_open_their_own_token_page(client, signed_in, role):
    signed_in(role)
    response = client.get("/admin/tokens")
    assert response.status_code == 200
    assert "Your API tokens" in response.text


def test_the_own_token_page_needs_sign_in(client):
    response = client.get("/admin/tokens")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/login?next=%2Fadmin%2Ftokens"


def test_menu_entries_follow_the_role(client, auth, make_user, signed_in):
    signed_in("author")
    html = client.get("/admin/").text
    assert 'href="/admin/tokens"' in html
    assert 'href="/admin/users"' not in html
    assert 'href="/admin/settings"' not in html
    assert 'href="/admin/audit-log"' not in html
    auth.logout()
    signed_in("admin")
    html = client.get("/admin/").text
    for href in ("/admin/users", "/admin/tokens", "/admin/settings", "/admin/audit-log"):
        assert f'href="{href}"' in html
    assert html.index("/admin/users") < html.index("/admin/tokens") < html.index("/admin/settings")
    assert html.index("/admin/settings") < html.index("/admin/audit-log")


def test_missing_csrf_token_is_refused(app, client, admin, make_user):
    other = make_user(email="other@example.org")
    response = client.post(f"/admin/users/{other.id}/active", data={"action": "deactivate"})
    assert response.status_code == 400
    assert get_user(app, other.id).active


def test_unknown_user_is_404(client, admin):
    assert client.get("/admin/users/9999").status_code == 404
    assert client.get("/admin/users/9999/tokens").status_code == 404


# -- list and create --------------------------------------------------------------------------


def test_the_list_shows_every_user(app, client, admin, make_user):
    make_user(email="writer@example.org", role="author", name="Trần Thị Bình")
    gone = make_user(email="gone@example.org", role="editor")
    with app.app_context():
        db.session.get(User, gone.id).active = False
        db.session.commit()
    html = client.get("/admin/users").text
    assert "writer@example.org" in html
    assert "Trần Thị Bình" in html
    assert "Author" in html
    assert "Administrator" in html
    assert "Deactivated" in html
    assert "Never" in html  # writer never signed in
    assert "3 users" in html
    assert f'href="/admin/users/{gone.id}"' in html


def test_create_a_user(app, client, auth, admin):
    response = auth.post("/admin/users/new", create_form(email="  New.Person@Example.ORG "))
    assert response.status_code == 302
    with app.app_context():
        user = db.session.execute(
            select(User).where(User.email == "new.person@example.org")
        ).scalar()
        assert user is not None
        assert (user.name, user.role, user.active) == ("Nguyễn Văn An", "editor", True)
        assert user.check_password(NEW_PASSWORD)
        assert NEW_PASSWORD not in user.password_hash
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "user.create")
        ).scalar_one()
        assert entry.object_type == "user"
        assert entry.object_id == user.id
        assert "new.person@example.org" in entry.summary
        assert NEW_PASSWORD not in str(entry.details)
    assert response.headers["Location"] == f"/admin/users/{user.id}"
    assert "User new.person@example.org created." in client.get(response.headers["Location"]).text
    auth.logout()
    assert auth.login("new.person@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"email": "Taken@Example.org "}, "Another user already has this email address."),
        ({"email": "not-an-email"}, "Enter a valid email address"),
        ({"email": "two@@example.org"}, "Enter a valid email address"),
        ({"email": "a b@example.org"}, "Enter a valid email address"),
        ({"email": "x@localhost"}, "Enter a valid email address"),
        ({"email": ""}, "Enter an email address."),
        ({"role": "owner"}, "Choose one of the listed roles."),
        ({"role": ""}, "Choose one of the listed roles."),
        ({"password": "short", "confirm": "short"}, "Use at least 10 characters."),
        ({"confirm": "something else"}, "The two passwords differ."),
        ({"password": "", "confirm": ""}, "Enter a password."),
        ({"name": "x" * 121}, "Use at most 120 characters."),
    ],
)
def test_refused_new_users_are_not_stored(app, auth, admin, make_user, overrides, message):
    make_user(email="taken@example.org")
    before = users_by_email(app)
    response = auth.post("/admin/users/new", create_form(**overrides))
    assert response.status_code == 422
    assert message in response.text
    assert 'aria-invalid="true"' in response.text
    assert users_by_email(app) == before
    assert actions(app, "user.create") == []


def test_create_service_refuses_bad_values_without_the_form(app):
    from cms.admin.users import create_user

    with app.test_request_context():
        with pytest.raises(ContentError) as caught:
            create_user({"email": "bad", "role": "root", "password": "x"})
        assert set(caught.value.errors) == {"email", "role", "password"}
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


# -- edit -------------------------------------------------------------------------------------


def test_edit_a_user(app, client, auth, admin, make_user):
    user = make_user(email="ed@example.org", role="author", name="Ed")
    url = f"/admin/users/{user.id}"
    page = client.get(url)
    assert 'value="ed@example.org"' in page.text
    data = edit_form(user, email=" Edward@Example.org", name="Edward", role="editor")
    response = auth.post(url, data)
    assert response.status_code == 302
    assert users_by_email(app)["edward@example.org"] == ("Edward", "editor", True)
    with app.app_context():
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "user.update")
        ).scalar_one()
        assert entry.object_id == user.id
        assert entry.details["changes"]["role"] == ["author", "editor"]
        assert entry.details["changes"]["email"] == ["ed@example.org", "edward@example.org"]
        assert "email, name, role" in entry.summary


def test_saving_an_unchanged_user_records_nothing(app, client, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    response = auth.post(f"/admin/users/{user.id}", edit_form(user), follow_redirects=True)
    assert "Nothing changed." in response.text
    assert actions(app, "user.") == ["user.login"]


def test_editing_to_a_taken_email_is_refused(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    make_user(email="taken@example.org")
    before = users_by_email(app)
    response = auth.post(f"/admin/users/{user.id}", edit_form(user, email="TAKEN@example.org"))
    assert response.status_code == 422
    assert "Another user already has this email address." in response.text
    assert users_by_email(app) == before
    assert actions(app, "user.update") == []


def test_a_user_may_keep_their_own_email_in_another_case(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    response = auth.post(f"/admin/users/{user.id}", edit_form(user, email="ED@EXAMPLE.ORG"))
    assert response.status_code == 302
    assert "ed@example.org" in users_by_email(app)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"role": "editor"}, "You cannot remove your own administrator role."),
        ({"active": None}, "You cannot deactivate your own account."),
        ({"role": "nobody"}, "Choose one of the listed roles."),
        ({"email": "@example.org"}, "Enter a valid email address"),
    ],
)
def test_admins_cannot_demote_or_deactivate_themselves(app, auth, admin, overrides, message):
    before = users_by_email(app)
    response = auth.post(f"/admin/users/{admin.id}", edit_form(admin, **overrides))
    assert response.status_code == 422
    assert message in response.text
    assert users_by_email(app) == before
    assert actions(app, "user.update") == actions(app, "user.deactivate") == []


def test_an_admin_may_demote_another_admin(app, auth, admin, make_user):
    other = make_user(email="other-admin@example.org", role="admin")
    response = auth.post(f"/admin/users/{other.id}", edit_form(other, role="editor"))
    assert response.status_code == 302
    assert users_by_email(app)["other-admin@example.org"][1] == "editor"


def test_the_last_active_admin_cannot_be_removed(app, make_user):
    from cms.admin.users import update_user

    only = make_user(email="only@example.org", role="admin")
    dormant = make_user(email="dormant@example.org", role="admin")
    editor = make_user(email="ed@example.org", role="editor")
    with app.test_request_context():
        db.session.get_one(User, dormant.id).active = False
        db.session.commit()
        acting = db.session.get_one(User, editor.id)  # e.g. a script acting on its behalf
        target = db.session.get_one(User, only.id)
        for change, field in (({"role": "author"}, "role"), ({"active": False}, "active")):
            with pytest.raises(ContentError) as caught:
                update_user(target, change, acting=acting)
            assert caught.value.errors == {field: "At least one active administrator must remain."}
            assert (target.role, target.active) == ("admin", True)
        # Reactivating the dormant admin makes the change possible.
        db.session.get_one(User, dormant.id).active = True
        changes = update_user(target, {"role": "author"}, acting=acting)
        assert changes == {"role": ["admin", "author"]}


# -- deactivate, reactivate -------------------------------------------------------------------


def test_deactivate_and_reactivate(app, client, make_user, auth):
    user = make_user(email="ed@example.org")
    admin = make_user(email="boss@example.org", role="admin")
    # The user is signed in on another device.
    other_device = app.test_client()
    page = other_device.get("/admin/login")
    other_device.post(
        "/admin/login",
        data={
            "email": "ed@example.org",
            "password": TEST_PASSWORD,
            "csrf_token": csrf_token_from(page.text),
        },
    )
    assert other_device.get("/admin/").status_code == 200
    auth.login(admin.email)
    url = f"/admin/users/{user.id}/active"
    response = auth.post(url, {"action": "deactivate"}, form_url=f"/admin/users/{user.id}")
    assert response.status_code == 302
    assert not get_user(app, user.id).active
    assert "ed@example.org is deactivated" in client.get(response.headers["Location"]).text
    assert other_device.get("/admin/").status_code == 302  # their session no longer works
    response = auth.post(url, {"action": "activate", "back": "list"}, form_url="/admin/users")
    assert response.headers["Location"] == "/admin/users"
    assert get_user(app, user.id).active
    assert actions(app, "user.") == [
        "user.login",  # on the other device
        "user.login",  # the admin
        "user.deactivate",
        "user.reactivate",
    ]


def test_deactivating_an_inactive_user_again_records_nothing(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    url = f"/admin/users/{user.id}/active"
    auth.post(url, {"action": "deactivate"}, form_url="/admin/users")
    auth.post(url, {"action": "deactivate"}, form_url="/admin/users")
    assert actions(app, "user.deactivate") == ["user.deactivate"]


def test_admins_cannot_deactivate_themselves(app, client, auth, admin):
    url = f"/admin/users/{admin.id}/active"
    response = auth.post(url, {"action": "deactivate"}, form_url="/admin/users")
    assert response.status_code == 302
    assert (
        "You cannot deactivate your own account." in client.get(response.headers["Location"]).text
    )
    assert get_user(app, admin.id).active
    assert actions(app, "user.deactivate") == []


def test_an_unknown_state_action_is_a_bad_request(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    url = f"/admin/users/{user.id}/active"
    assert auth.post(url, {"action": "delete"}, form_url="/admin/users").status_code == 400
    assert get_user(app, user.id).active


def test_the_edit_form_can_deactivate_another_user(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    response = auth.post(f"/admin/users/{user.id}", edit_form(user, active=None, name="Ed"))
    assert response.status_code == 302
    assert users_by_email(app)["ed@example.org"] == ("Ed", "editor", False)
    assert actions(app, "user.") == ["user.login", "user.deactivate", "user.update"]


# -- reset password ---------------------------------------------------------------------------


def test_an_admin_sets_a_new_password(app, client, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    url = f"/admin/users/{user.id}/password"
    response = auth.post(url, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 302
    assert get_user(app, user.id).check_password(NEW_PASSWORD)
    assert actions(app, "user.password_reset") == ["user.password_reset"]
    auth.logout()
    assert auth.login("ed@example.org", TEST_PASSWORD).status_code == 422
    assert auth.login("ed@example.org", NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"password": "too short", "confirm": "too short"}, "Use at least 10 characters."),
        ({"password": NEW_PASSWORD, "confirm": "different one"}, "The two passwords differ."),
        ({"password": "", "confirm": ""}, "Enter a password."),
    ],
)
def test_bad_new_passwords_are_refused(app, auth, admin, make_user, data, message):
    user = make_user(email="ed@example.org")
    response = auth.post(f"/admin/users/{user.id}/password", data)
    assert response.status_code == 422
    assert message in response.text
    assert get_user(app, user.id).check_password(TEST_PASSWORD)
    assert actions(app, "user.password_reset") == []


# -- API tokens -------------------------------------------------------------------------------


def test_an_admin_creates_a_token_for_a_user_shown_once(app, client, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    url = f"/admin/users/{user.id}/tokens"
    response = auth.post(url, {"name": "Import script"})
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    secret = SECRET_RE.search(response.text).group(1)
    assert "shown only this once" in response.text
    [row] = tokens_of(app, user.id)
    assert row.name == "Import script"
    assert row.token_hash == ApiToken.digest(secret)
    assert row.prefix == secret[:12]
    assert row.revoked_at is None
    # Never stored in clear: not in the table, the audit log or the session cookie.
    assert secret not in (row.token_hash, row.prefix, row.name)
    with app.app_context():
        entry = db.session.execute(
            select(AuditEntry).where(AuditEntry.action == "token.create")
        ).scalar_one()
        assert (entry.object_type, entry.object_id) == ("api_token", row.id)
        assert secret not in entry.summary + str(entry.details)
    cookie = client.get_cookie("session")
    assert cookie is None or secret not in cookie.value
    # Shown once: the page no longer holds it, only its prefix.
    again = client.get(url).text
    assert secret not in again
    assert row.prefix in again
    assert "Import script" in again


def test_an_admin_revokes_a_users_token(app, client, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    token_id, secret = add_token(app, user.id, name="old app")
    url = f"/admin/users/{user.id}/tokens/{token_id}/revoke"
    response = auth.post(url, {}, form_url=f"/admin/users/{user.id}/tokens")
    assert response.status_code == 302
    [row] = tokens_of(app, user.id)
    assert row.revoked_at is not None
    with app.app_context():  # the secret now authenticates nothing
        found = db.session.execute(
            select(ApiToken).where(ApiToken.token_hash == ApiToken.digest(secret))
        ).scalar_one()
        assert found.revoked_at is not None
    page = client.get(response.headers["Location"]).text
    assert "is revoked" in page
    assert "Revoked" in page
    again = auth.post(url, {}, form_url=f"/admin/users/{user.id}/tokens", follow_redirects=True)
    assert "was already revoked" in again.text
    assert actions(app, "token.") == ["token.revoke"]


def test_a_token_must_belong_to_the_user_in_the_url(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    other = make_user(email="other@example.org")
    token_id, _secret = add_token(app, other.id)
    url = f"/admin/users/{user.id}/tokens/{token_id}/revoke"
    assert auth.post(url, {}, form_url="/admin/users").status_code == 404
    assert tokens_of(app, other.id)[0].revoked_at is None


@pytest.mark.parametrize(
    ("name", "message"),
    [("", "Give the token a name"), ("   ", "Give the token a name"), ("x" * 121, "Use 1 to 120")],
)
def test_bad_token_names_are_refused(app, auth, admin, make_user, name, message):
    user = make_user(email="ed@example.org")
    response = auth.post(f"/admin/users/{user.id}/tokens", {"name": name})
    assert response.status_code == 422
    assert message in response.text
    assert not SECRET_RE.search(response.text)
    assert tokens_of(app, user.id) == []


def test_no_token_for_a_deactivated_user(app, auth, admin, make_user):
    user = make_user(email="ed@example.org")
    with app.app_context():
        db.session.get_one(User, user.id).active = False
        db.session.commit()
    response = auth.post(f"/admin/users/{user.id}/tokens", {"name": "app"})
    assert response.status_code == 422
    assert "reactivate them before creating a token" in response.text
    assert tokens_of(app, user.id) == []


@pytest.mark.parametrize("role", ["author", "editor"])
def test_users_manage_their_own_tokens(app, client, auth, signed_in, make_user, role):
    me = signed_in(role)
    other = make_user(email="other@example.org")
    other_token, _secret = add_token(app, other.id, name="someone else's")
    response = auth.post("/admin/tokens", {"name": "my laptop"})
    assert response.status_code == 200
    secret = SECRET_RE.search(response.text).group(1)
    [mine] = tokens_of(app, me.id)
    assert mine.token_hash == ApiToken.digest(secret)
    page = client.get("/admin/tokens").text
    assert "my laptop" in page
    assert "someone else" not in page  # only one's own tokens
    assert secret not in page
    # Revoking someone else's token is not possible, even knowing its id.
    response = auth.post(f"/admin/tokens/{other_token}/revoke", {}, form_url="/admin/tokens")
    assert response.status_code == 404
    assert tokens_of(app, other.id)[0].revoked_at is None
    response = auth.post(f"/admin/tokens/{mine.id}/revoke", {}, form_url="/admin/tokens")
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/tokens"
    assert tokens_of(app, me.id)[0].revoked_at is not None
    assert actions(app, "token.") == ["token.create", "token.revoke"]


def test_own_token_revoke_needs_csrf(app, client, signed_in):
    me = signed_in("author")
    token_id, _secret = add_token(app, me.id)
    assert client.post(f"/admin/tokens/{token_id}/revoke").status_code == 400
    assert tokens_of(app, me.id)[0].revoked_at is None


def test_the_edit_page_links_to_tokens_and_password(client, admin, make_user, app):
    user = make_user(email="ed@example.org")
    add_token(app, user.id)
    html = client.get(f"/admin/users/{user.id}").text
    assert f'href="/admin/users/{user.id}/tokens"' in html
    assert f'href="/admin/users/{user.id}/password"' in html
    assert "1 active" in html
