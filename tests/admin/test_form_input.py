"""Back-office forms: NUL and text that is not UTF-8 refused, lengths counted as stored."""

import unicodedata
from urllib.parse import quote

import pytest
from sqlalchemy import select

from cms.admin.settings import current_settings
from cms.content import get_setting
from cms.extensions import db
from cms.models import Article, Category, Setting, Tag, User
from cms.models.content import TITLE_MAX
from cms.testing import csrf_token_from
from tests.admin.test_articles import count
from tests.admin.test_articles import form_data as article_form

NEW = "/admin/articles/new"
TITLE_120 = ("Tiếng Việt: " + "ệộừẫởếềểễậắằẳẵặứựửữờớ " * 6)[:120]
TITLE_120_NFD = unicodedata.normalize("NFD", TITLE_120)
NAME_NFD = unicodedata.normalize("NFD", ("Nghệ thuật Việt " * 10)[:120])


def raw_form(client, url, pairs, form_url=None):
    """POST ``pairs`` (name, bytes) URL-encoded exactly as given, with a fresh CSRF token."""
    token = csrf_token_from(client.get(form_url or url).get_data(as_text=True))
    body = b"csrf_token=" + token.encode() + b"".join(b"&" + k + b"=" + v for k, v in pairs)
    return client.post(url, data=body, content_type="application/x-www-form-urlencoded")


@pytest.fixture
def editor(signed_in):
    return signed_in("admin")


@pytest.mark.parametrize(
    "value",
    [
        b"%C3%28",  # an escape that is not UTF-8
        b"%FF%FE",
        b"abc%E1%BB",  # a sequence cut short
        b"\xff\xfe",  # raw bytes that are not UTF-8
        b"Ti%E1%BA%BFng%C0%80",  # an overlong encoding
    ],
)
def test_invalid_utf8_in_a_form_is_refused_with_a_message(app, client, editor, value):
    response = raw_form(client, NEW, [(b"title", value), (b"status", b"draft")])
    assert response.status_code == 400
    assert response.mimetype == "text/html"
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert count(app) == 0


def multipart(fields, boundary=b"x-boundary"):
    """A multipart/form-data body of text fields given as bytes, exactly as given."""
    parts = [
        b"--" + boundary + b"\r\n"
        b'Content-Disposition: form-data; name="' + name + b'"\r\n\r\n' + value + b"\r\n"
        for name, value in fields
    ]
    return b"".join(parts) + b"--" + boundary + b"--\r\n"


@pytest.mark.parametrize("value", [b"\xc3(", b"ok \xff", b"\xe1\xbb"])
def test_invalid_utf8_in_a_multipart_text_field_is_refused(app, client, editor, value):
    token = csrf_token_from(client.get(NEW).get_data(as_text=True)).encode()
    body = multipart([(b"csrf_token", token), (b"title", value), (b"status", b"draft")])
    response = client.post(NEW, data=body, content_type="multipart/form-data; boundary=x-boundary")
    assert response.status_code == 400
    assert "not valid UTF-8" in response.get_data(as_text=True)
    assert count(app) == 0


def test_valid_utf8_in_a_multipart_form_is_saved(app, client, editor):
    token = csrf_token_from(client.get(NEW).get_data(as_text=True)).encode()
    title = "Tiếng Việt có dấu"
    body = multipart([(b"csrf_token", token), (b"title", title.encode()), (b"status", b"draft")])
    response = client.post(NEW, data=body, content_type="multipart/form-data; boundary=x-boundary")
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(Article.title)).scalar_one() == title


def test_valid_utf8_in_a_form_is_saved(app, client, editor):
    title = "Tiếng Việt có dấu"
    response = raw_form(
        client, NEW, [(b"title", quote(title).encode()), (b"status", b"draft"), (b"body", b"")]
    )
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(Article.title)).scalar_one() == title


@pytest.mark.parametrize("field", ["title", "summary", "body", "tags", "slug"])
def test_a_nul_in_a_form_field_is_refused_and_nothing_is_stored(app, auth, editor, field):
    response = auth.post(NEW, article_form(**{field: "a\x00b"}))
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert count(app) == 0


def test_a_nul_in_an_edit_form_leaves_the_article_unchanged(app, auth, editor, make_article):
    ref = make_article("Bài gốc", status="draft")
    url = f"/admin/articles/{ref.id}/edit"
    response = auth.post(url, article_form(title="Sửa\x00"))
    assert response.status_code == 400
    with app.app_context():
        assert db.session.get(Article, ref.id).title == "Bài gốc"


def test_a_nul_in_other_back_office_forms_is_refused(app, auth, editor):
    assert auth.post("/admin/categories/new", {"name": "Tin\x00"}).status_code == 400
    assert count(app, Category) == 0
    settings = auth.post("/admin/settings", {"site_name": "Cổng\x00"})
    assert settings.status_code == 400
    with app.app_context():
        assert db.session.get(Setting, "site_name") is None


def test_other_control_characters_are_cleaned_silently(app, auth, editor):
    response = auth.post(NEW, article_form(title="Tin\x10 mới\x0b", body="<p>a&#16;b\x01</p>"))
    assert response.status_code == 302
    with app.app_context():
        article = db.session.execute(select(Article)).scalar_one()
        assert article.title == "Tin mới"
        assert article.body_html == "<p>ab</p>"


def test_a_120_letter_title_typed_in_nfd_is_accepted(app, auth, editor):
    assert len(TITLE_120_NFD) > TITLE_MAX
    response = auth.post(NEW, article_form(title=TITLE_120_NFD))
    assert response.status_code == 302
    with app.app_context():
        assert db.session.execute(select(Article.title)).scalar_one() == TITLE_120


def test_the_title_input_sets_no_maxlength_that_would_cut_nfd_text(client, editor):
    html = client.get(NEW).get_data(as_text=True)
    assert 'maxlength="300"' not in html


def test_a_title_too_long_in_nfc_is_refused_on_the_form(app, auth, editor):
    response = auth.post(NEW, article_form(title="ệ" * (TITLE_MAX + 1)))
    assert response.status_code == 422
    assert "too long" in response.get_data(as_text=True)
    assert count(app) == 0


def test_a_body_too_long_once_escaped_is_refused_and_the_article_stays_savable(
    app, auth, editor, make_article
):
    ref = make_article("Bài gốc", status="draft", body_html="<p>gốc</p>")
    url = f"/admin/articles/{ref.id}/edit"
    response = auth.post(url, article_form(title="Bài gốc", body="<" * 999_990))
    assert response.status_code == 422
    text = response.get_data(as_text=True)
    assert "once its HTML is cleaned" in text
    with app.app_context():
        assert db.session.get(Article, ref.id).body_html == "<p>gốc</p>"
    again = auth.post(url, article_form(title="Bài gốc", body="<p>mới</p>"))
    assert again.status_code == 302
    with app.app_context():
        assert db.session.get(Article, ref.id).body_html == "<p>mới</p>"


def test_an_image_from_another_host_is_refused_on_the_form(app, auth, editor):
    response = auth.post(NEW, article_form(body='<img src="https://other.example/track.gif">'))
    assert response.status_code == 422
    assert "https://other.example/track.gif" in response.get_data(as_text=True)
    assert count(app) == 0


def test_names_typed_in_nfd_fit_their_limits(app, auth, editor, make_article):
    assert len(NAME_NFD) > 120
    assert auth.post("/admin/categories/new", {"name": NAME_NFD}).status_code == 302
    with app.app_context():
        assert db.session.execute(select(Category.name)).scalar_one() == unicodedata.normalize(
            "NFC", NAME_NFD
        )
    ref = make_article("Bài", tags=["Cũ"])
    with app.app_context():
        tag_id = db.session.execute(select(Tag.id)).scalar_one()
    response = auth.post(f"/admin/tags/{tag_id}", {"name": NAME_NFD, "slug": ""})
    assert response.status_code == 302, ref


def test_settings_and_user_names_are_stored_clean_and_counted_as_stored(app, auth, editor):
    site_name = unicodedata.normalize("NFD", ("Cổng thông tin điện tử tỉnh " * 8)[:199] + "ệ")
    assert len(site_name) > 200
    with app.test_request_context():
        data = {k: "" if v is None else str(v) for k, v in current_settings().items()}
    data.update(site_name=site_name + "\x10", site_description="Dòng một\x0b\nDòng hai")
    assert auth.post("/admin/settings", data).status_code == 302
    with app.app_context():
        assert get_setting("site_name") == unicodedata.normalize("NFC", site_name)
        assert get_setting("site_description") == "Dòng một\nDòng hai"
    with app.app_context():
        user = db.session.execute(select(User)).scalar_one()
        user_id = user.id
    edit = auth.post(
        f"/admin/users/{user_id}",
        {"email": "admin@example.org", "name": NAME_NFD + "\x10", "role": "admin", "active": "y"},
        form_url="/admin/",
    )
    assert edit.status_code == 302
    with app.app_context():
        name = db.session.get(User, user_id).name
    assert name == unicodedata.normalize("NFC", NAME_NFD)


def test_a_nul_in_the_sign_in_form_is_refused(client, auth, make_user):
    make_user(email="ed@example.org")
    response = auth.login("ed@example.org", next="/\x00evil")
    assert response.status_code == 400
    assert "NUL" in response.get_data(as_text=True)
    assert client.get("/admin/").status_code == 302  # not signed in
