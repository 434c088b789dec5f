"""Forms expire: a stale form is shown again with what was typed, and nothing is saved."""

import time

import pytest
from flask import Flask
from itsdangerous import TimestampSigner
from sqlalchemy import func, select

from cms.extensions import db
from cms.models import ApiToken, Article, User
from cms.security import FORM_PAGES, init_app, register_form_page
from cms.testing import TEST_PASSWORD, csrf_token_from

EXPIRED = "The form expired, please submit it again."
MISSING = "The form was sent without its security token. Reload the page and submit it again."


@pytest.fixture
def later(app, monkeypatch):
    """Move the clock CSRF tokens are checked with past their lifetime."""

    def move():
        limit = app.config["WTF_CSRF_TIME_LIMIT"]
        moved = int(time.time()) + limit + 60
        monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: moved)

    return move


def count(app, model):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(model)).scalar_one()


def test_tokens_have_a_lifetime_of_a_few_hours(app):
    limit = app.config["WTF_CSRF_TIME_LIMIT"]
    assert limit is not None
    assert 3600 <= limit <= 8 * 3600


def test_an_expired_article_form_is_shown_again_with_what_was_typed(app, client, signed_in, later):
    signed_in("editor")
    form = client.get("/admin/articles/new")
    token = csrf_token_from(form.text)
    later()
    response = client.post(
        "/admin/articles/new",
        data={
            "csrf_token": token,
            "title": "Cải cách hành chính năm 2024",
            "summary": "Tóm tắt đã gõ",
            "body": "<p>Nội dung dài đã gõ</p>",
            "status": "draft",
        },
    )
    assert response.status_code == 200
    assert EXPIRED in response.text
    assert 'value="Cải cách hành chính năm 2024"' in response.text
    assert "Tóm tắt đã gõ" in response.text
    assert "Nội dung dài đã gõ" in response.text
    assert count(app, Article) == 0
    # The page carries a fresh token: submitting again works.
    again = client.post(
        "/admin/articles/new",
        data={
            "csrf_token": csrf_token_from(response.text),
            "title": "Cải cách hành chính năm 2024",
            "body": "<p>Nội dung dài đã gõ</p>",
            "status": "draft",
        },
    )
    assert again.status_code == 302
    assert count(app, Article) == 1


def test_an_expired_article_edit_changes_nothing(app, client, signed_in, make_article, later):
    signed_in("editor")
    article = make_article("Bản cũ")
    page = client.get(f"/admin/articles/{article.id}/edit")
    later()
    response = client.post(
        f"/admin/articles/{article.id}/edit",
        data={"csrf_token": csrf_token_from(page.text), "title": "Bản mới", "status": "draft"},
    )
    assert response.status_code == 200
    assert EXPIRED in response.text
    assert 'value="Bản mới"' in response.text
    with app.app_context():
        assert db.session.get(Article, article.id).title == "Bản cũ"


def test_an_expired_sign_in_form_keeps_the_email(app, client, make_user, later):
    make_user(email="ed@example.org")
    page = client.get("/admin/login")
    later()
    response = client.post(
        "/admin/login",
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": "ed@example.org",
            "password": TEST_PASSWORD,
        },
    )
    assert response.status_code == 200
    assert EXPIRED in response.text
    assert 'value="ed@example.org"' in response.text
    assert TEST_PASSWORD not in response.text  # passwords are never sent back
    assert client.get("/admin/").status_code == 302


def test_an_expired_user_form_saves_nothing(app, client, signed_in, later):
    signed_in("admin")
    page = client.get("/admin/users/new")
    later()
    response = client.post(
        "/admin/users/new",
        data={
            "csrf_token": csrf_token_from(page.text),
            "email": "new@example.org",
            "name": "Người mới",
            "role": "author",
            "password": "long enough secret",
            "confirm": "long enough secret",
        },
    )
    assert response.status_code == 200
    assert EXPIRED in response.text
    assert "Người mới" in response.text
    with app.app_context():
        assert (
            db.session.execute(select(User).where(User.email == "new@example.org")).first() is None
        )


def test_an_expired_action_button_answers_400_with_the_message(app, client, signed_in, later):
    user = signed_in("editor")
    with app.app_context():
        row, _secret = ApiToken.issue(db.session.get_one(User, user.id), name="script")
        db.session.add(row)
        db.session.commit()
        token_id = row.id
    page = client.get("/admin/tokens")
    later()
    response = client.post(
        f"/admin/tokens/{token_id}/revoke", data={"csrf_token": csrf_token_from(page.text)}
    )
    assert response.status_code == 400
    assert EXPIRED in response.text
    with app.app_context():
        assert db.session.get(ApiToken, token_id).revoked_at is None


def test_an_expired_sign_out_does_not_sign_out(app, client, signed_in, later):
    signed_in("editor")
    page = client.get("/admin/")
    later()
    response = client.post("/admin/logout", data={"csrf_token": csrf_token_from(page.text)})
    assert response.status_code == 400
    assert EXPIRED in response.text
    assert client.get("/admin/").status_code == 200


def test_a_missing_token_on_a_form_page_is_still_refused(app, client, signed_in):
    signed_in("editor")
    response = client.post("/admin/articles/new", data={"title": "Không có mã"})
    assert response.status_code == 400
    assert MISSING in response.text  # not "expired": there never was a token
    assert EXPIRED not in response.text
    assert count(app, Article) == 0


def test_a_forged_token_on_a_form_page_is_refused(app, client, signed_in):
    signed_in("editor")
    client.get("/admin/articles/new")
    response = client.post(
        "/admin/articles/new", data={"csrf_token": "forged.token", "title": "Giả mạo"}
    )
    assert response.status_code == 400
    assert count(app, Article) == 0


def test_the_message_is_in_the_sites_language(make_app, make_user, monkeypatch):
    vi_app = make_app(LOCALE="vi")
    make_user(email="ed@example.org")
    client = vi_app.test_client()
    page = client.get("/admin/login")
    limit = vi_app.config["WTF_CSRF_TIME_LIMIT"]
    moved = int(time.time()) + limit + 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: moved)
    response = client.post(
        "/admin/login",
        data={"csrf_token": csrf_token_from(page.text), "email": "ed@example.org"},
    )
    assert response.status_code == 200
    assert "Biểu mẫu đã hết hạn, vui lòng gửi lại." in response.text
    action = client.post("/admin/logout", data={"csrf_token": csrf_token_from(page.text)})
    assert action.status_code == 400
    assert "Biểu mẫu đã hết hạn, vui lòng gửi lại." in action.text


def test_every_listed_form_page_exists_with_get_and_post(app):
    rules = {rule.endpoint: rule.methods for rule in app.url_map.iter_rules()}
    for endpoint in FORM_PAGES:
        assert endpoint in rules, endpoint
        assert {"GET", "POST"} <= rules[endpoint], endpoint


def test_a_plugin_can_register_a_form_page_before_the_security_checks_are_installed():
    """Plugins load (and run their ``setup``) before :func:`cms.security.init_app`."""
    app = Flask(__name__)
    register_form_page(app, "example.post")
    init_app(app)
    assert app.extensions["cms.form_pages"] == {*FORM_PAGES, "example.post"}
