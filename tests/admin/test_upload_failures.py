"""The media screen when an upload fails: a locked database, a body over the limit."""

from __future__ import annotations

import io
import random
import time
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import func, select, text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from cms.content import set_setting
from cms.extensions import db
from cms.models import Media
from cms.store import flush_all
from cms.testing import AuthActions, csrf_token_from
from tests.database_locks import write_lock

#: A short busy timeout keeps the lock tests quick.
BUSY = 0.5


@pytest.fixture
def app_config(app_config):
    return {**app_config, "DATABASE_BUSY_TIMEOUT": BUSY, "DATABASE_RETRY_AFTER": 7}


@pytest.fixture(autouse=True)
def _buffers_written(app):
    yield
    flush_all()


def jpeg(side=900):
    out = io.BytesIO()
    Image.linear_gradient("L").resize((side, side)).convert("RGB").save(out, "JPEG")
    return out.getvalue()


def upload(auth, files, alt="Ảnh"):
    data = {"alt": alt, "files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post(
        "/admin/media", data, form_url="/admin/media", content_type="multipart/form-data"
    )


def files_on_disk(app):
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


def no_limits(app):
    """Upload rate and quota off: their store writes would meet the lock before any file is."""
    with app.app_context():
        set_setting("upload_rate_count", 0)
        set_setting("upload_quota_mb", 0)
        db.session.commit()


def media_count(app):
    with app.app_context():
        return db.session.execute(select(func.count()).select_from(Media)).scalar_one()


def test_an_upload_while_the_database_is_locked_answers_503_and_leaves_no_file(
    app, client, auth, signed_in, database_url
):
    signed_in("author")
    no_limits(app)
    with write_lock(database_url):
        started = time.monotonic()
        response = upload(auth, [("khóa.jpg", jpeg())])
        elapsed = time.monotonic() - started
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "7"
    assert "nothing was changed" in response.text
    assert elapsed < BUSY + 5
    assert media_count(app) == 0
    assert files_on_disk(app) == []
    # Once the lock is gone, the same upload is stored with its files.
    again = upload(auth, [("khóa.jpg", jpeg())])
    assert again.status_code == 302
    assert media_count(app) == 1
    assert len(files_on_disk(app)) == 4


def test_images_committed_before_the_lock_are_kept(app, client, auth, signed_in, database_url):
    signed_in("author")
    no_limits(app)
    assert upload(auth, [("trước.jpg", jpeg(200))]).status_code == 302
    before = files_on_disk(app)
    assert len(before) == 3  # original, thumbnail, webp
    with write_lock(database_url):
        response = upload(auth, [("trong.jpg", jpeg(200)), ("sau.jpg", jpeg(200))])
    assert response.status_code == 503
    assert files_on_disk(app) == before
    assert media_count(app) == 1
    for path in before:
        name = path.relative_to(app.config["MEDIA_DIR"]).as_posix()
        with client.get(f"/media/{name}") as served:
            assert served.status_code == 200


def test_an_unusable_upload_setting_does_not_break_the_media_screen(app, client, signed_in):
    signed_in("author")
    with app.app_context():
        set_setting("upload_rate_count", 1)
        set_setting("upload_quota_mb", 1)
        db.session.commit()
        db.session.execute(text("UPDATE setting SET value = '1e400' WHERE key LIKE 'upload_%'"))
        db.session.commit()
    response = client.get("/admin/media")
    assert response.status_code == 200
    assert "You use 0 MB of your storage quota of 1 GB." in response.text  # the default quota
    assert upload_with(client, [("ảnh.jpg", jpeg(200))]).status_code == 302


def upload_with(client, files):
    page = client.get("/admin/media")
    data = {
        "csrf_token": csrf_token_from(page.text),
        "alt": "",
        "files": [(io.BytesIO(content), name) for name, content in files],
    }
    return client.post("/admin/media", data=data, content_type="multipart/form-data")


def test_the_count_of_images_uploaded_is_a_real_plural(app, auth, signed_in):
    signed_in("author")
    one = upload(auth, [("một.jpg", jpeg(100))])
    assert one.status_code == 302
    assert "1 image uploaded." in auth.client.get(one.location).text
    two = upload(auth, [("một.jpg", jpeg(100)), ("hai.jpg", jpeg(120))])
    assert "2 images uploaded." in auth.client.get(two.location).text


def test_the_plural_is_translated(make_app, make_user):
    app = make_app(LOCALE="vi")
    user = make_user(role="author")
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    done = upload_with(client, [("một.jpg", jpeg(100)), ("hai.jpg", jpeg(120))])
    assert "Đã tải lên 2 ảnh." in client.get(done.location).text


#: The request limit of the 413 tests: 1 MB.
LIMIT = 1024 * 1024


def post_big_upload(client):
    """Post an image over :data:`LIMIT` to the media screen, as an encoded body.

    Encoded here: the test client keeps large multipart bodies in files it never closes.
    """
    page = client.get("/admin/media")
    image = FileStorage(
        io.BytesIO(b"\xff\xd8\xff" + random.Random(1).randbytes(LIMIT + 10)), "lớn.jpg"
    )
    boundary, body = encode_multipart(
        MultiDict([("csrf_token", csrf_token_from(page.text)), ("alt", ""), ("files", image)])
    )
    return client.post(
        "/admin/media", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en", "What you sent is too large: at most 1 MB can be sent at once."),
        ("vi", "Dữ liệu gửi lên quá lớn: mỗi lần chỉ được gửi tối đa 1 MB."),
    ],
)
def test_a_body_over_the_limit_gets_the_back_office_413_with_the_limit(
    make_app, make_user, locale, expected
):
    app = make_app(LOCALE=locale, MAX_CONTENT_LENGTH=LIMIT)
    user = make_user(role="author")
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    response = post_big_upload(client)
    assert response.status_code == 413
    assert response.mimetype == "text/html"
    assert expected in response.text
    assert 'href="/admin/media"' in response.text  # inside the back office, with its menu
    assert "capacity limit" not in response.text  # not Werkzeug's English
    assert media_count(app) == 0
    assert files_on_disk(app) == []


def test_a_public_page_413_is_themed_and_localized(make_app):
    app = make_app(LOCALE="vi", MAX_CONTENT_LENGTH=LIMIT)
    response = app.test_client().post(
        "/search", data={"q": "x" * (LIMIT + 10)}, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert 'class="site-header"' in response.text
    assert "mỗi lần chỉ được gửi tối đa 1 MB" in response.text


def test_the_api_413_is_json_with_the_limit(make_app):
    app = make_app(MAX_CONTENT_LENGTH=LIMIT)
    response = app.test_client().post(
        "/api/v1/articles",
        data={"title": "x" * (LIMIT + 10)},
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 413
    error = response.get_json()["error"]
    assert error["code"] == "payload_too_large"
    assert "at most 1 MB" in error["message"]


def test_a_text_field_over_the_form_memory_limit_gets_the_plain_413(make_app, make_user):
    app = make_app(MAX_FORM_MEMORY_SIZE=1000)
    user = make_user(role="author")
    client = app.test_client()
    assert AuthActions(client).login(user.email).status_code == 302
    page = client.get("/admin/media")
    response = client.post(
        "/admin/media",
        data={"csrf_token": csrf_token_from(page.text), "alt": "x" * 5000},
        content_type="multipart/form-data",
    )
    assert response.status_code == 413
    assert "What you sent is too large." in response.text
    assert "at most" not in response.text
