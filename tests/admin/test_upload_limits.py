"""Back office: upload rate and quota on the media screen, and their settings."""

import io
import random
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cms.content import set_setting
from cms.extensions import db
from cms.models import AuditEntry, Media, Setting
from cms.store import flush_all

SETTINGS_URL = "/admin/settings"


def jpeg(color=(30, 120, 200)):
    out = io.BytesIO()
    Image.new("RGB", (64, 48), color).save(out, "JPEG")
    return out.getvalue()


def noise_png(seed):
    out = io.BytesIO()
    Image.frombytes("RGBA", (300, 300), random.Random(seed).randbytes(300 * 300 * 4)).save(
        out, "PNG"
    )
    return out.getvalue()


def upload(auth, files, alt="Ảnh minh họa"):
    data = {"alt": alt, "files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post(
        "/admin/media", data, form_url="/admin/media", content_type="multipart/form-data"
    )


def configure(app, **values):
    with app.app_context():
        for key, value in values.items():
            set_setting(key, value)
        db.session.commit()


def media_rows(app):
    with app.app_context():
        return db.session.scalars(select(Media)).all()


def files_on_disk(app):
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


@pytest.fixture(autouse=True)
def _buffers_written():
    yield
    flush_all()


# -- the media screen -------------------------------------------------------------------------


def test_past_the_rate_the_screen_answers_429_with_the_message(app, auth, signed_in):
    signed_in("author")
    configure(app, upload_rate_count=2, upload_rate_minutes=10)
    files = [(f"ảnh {i}.jpg", jpeg((i * 40, 10, 10))) for i in range(4)]
    response = upload(auth, files, alt="Lễ khai giảng")
    assert response.status_code == 429
    assert 1 <= int(response.headers["Retry-After"]) <= 600
    assert "2 images uploaded." in response.text
    assert "You have reached the upload limit (2 images every 10 min); try again in" in (
        response.text
    )
    assert "1 more image was not uploaded." in response.text
    assert 'value="Lễ khai giảng"' in response.text  # the form is kept
    assert len(media_rows(app)) == 2
    kept = files_on_disk(app)

    again = upload(auth, [("muộn.jpg", jpeg())])
    assert again.status_code == 429
    assert "You have reached the upload limit" in again.text
    assert len(media_rows(app)) == 2
    assert files_on_disk(app) == kept


def test_the_rate_message_is_in_vietnamese(app, auth, signed_in):
    configure(app, locale="vi", upload_rate_count=1)
    signed_in("editor")
    upload(auth, [("một.jpg", jpeg())])
    response = upload(auth, [("hai.jpg", jpeg()), ("ba.jpg", jpeg())])
    assert response.status_code == 429
    assert "Bạn đã đạt giới hạn tải lên (1 ảnh mỗi 10 phút); hãy thử lại sau" in response.text
    assert "1 ảnh còn lại chưa được tải lên." in response.text
    assert len(media_rows(app)) == 1


def test_over_the_quota_the_screen_refuses_with_the_message(app, auth, signed_in):
    signed_in("author")
    configure(app, upload_quota_mb=1)
    # One noise image a request: the test client leaves bodies over 500 KB in open files.
    assert upload(auth, [("0.png", noise_png(0))]).status_code == 302
    assert upload(auth, [("1.png", noise_png(1))]).status_code == 302
    response = upload(auth, [("2.png", noise_png(2)), ("nhỏ.jpg", jpeg())])
    assert response.status_code == 422
    assert "1 image uploaded." in response.text  # the small one still fits
    assert (
        "2.png was not uploaded: your uploads would exceed your storage quota of 1 MB "
        "(you use 0.7 MB)." in response.text
    )
    stored = media_rows(app)
    assert sorted(m.original_name for m in stored) == ["0.png", "1.png", "nhỏ.jpg"]
    names = {n for m in stored for n in [m.filename, *m.variants.values()]}
    root = Path(app.config["MEDIA_DIR"])
    assert {str(p.relative_to(root)) for p in files_on_disk(app)} == names


def test_the_screen_shows_the_users_use_of_the_quota(app, client, auth, signed_in):
    signed_in("author")
    html = client.get("/admin/media").text
    assert "You use 0 MB of your storage quota of 1 GB." in html
    assert html.count("data-upload-usage") == 1
    upload(auth, [("0.png", noise_png(0))])
    assert "You use 0.3 MB of your storage quota of 1 GB." in client.get("/admin/media").text
    configure(app, upload_quota_mb=0)
    assert "data-upload-usage" not in client.get("/admin/media").text


def test_admins_are_limited_on_the_screen_too(app, auth, signed_in):
    signed_in("admin")
    configure(app, upload_rate_count=1)
    assert upload(auth, [("a.jpg", jpeg())]).status_code == 302
    assert upload(auth, [("b.jpg", jpeg())]).status_code == 429


# -- the settings -----------------------------------------------------------------------------


def settings_form(app, **overrides):
    with app.test_request_context():
        from cms.admin.settings import current_settings

        data = {k: "" if v is None else str(v) for k, v in current_settings().items()}
    data.update(overrides)
    return data


def stored_settings(app):
    with app.app_context():
        return dict(db.session.execute(select(Setting.key, Setting.value)).all())


def test_the_settings_show_the_defaults_and_save_new_values(app, client, auth, signed_in):
    signed_in("admin")
    html = client.get(SETTINGS_URL).text
    assert 'name="upload_rate_count" required type="number" value="60"' in html
    assert 'name="upload_rate_minutes" required type="number" value="10"' in html
    assert 'name="upload_quota_mb" required type="number" value="1024"' in html
    assert "Admins are limited too." in html
    response = auth.post(
        SETTINGS_URL,
        settings_form(app, upload_rate_count="30", upload_rate_minutes="5", upload_quota_mb="0"),
    )
    assert response.status_code == 302
    values = stored_settings(app)
    assert (values["upload_rate_count"], values["upload_rate_minutes"]) == (30, 5)
    assert values["upload_quota_mb"] == 0
    with app.app_context():
        entry = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "settings.update")
        ).one()
    assert entry.details["changes"]["upload_rate_count"] == [60, 30]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("upload_rate_count", "-1", "Use a number from 0 to 100000."),
        ("upload_rate_count", "many", "Enter a whole number, e.g. 10."),
        ("upload_rate_minutes", "0", "Use a number from 1 to 1440."),
        ("upload_rate_minutes", "1.5", "Enter a whole number, e.g. 10."),
        ("upload_quota_mb", "-1024", "Use a number from 0 to 10485760."),
        ("upload_quota_mb", "1 GB", "Enter a whole number, e.g. 10."),
        ("upload_quota_mb", "", "Enter a whole number, e.g. 10."),
    ],
)
def test_bad_values_are_refused_and_the_stored_ones_kept(
    app, auth, signed_in, field, value, message
):
    configure(app, upload_rate_count=20, upload_rate_minutes=3, upload_quota_mb=500)
    signed_in("admin")
    before = stored_settings(app)
    response = auth.post(SETTINGS_URL, settings_form(app, **{field: value}))
    assert response.status_code == 422
    assert message in response.text
    assert "Some values need correcting; nothing was saved." in response.text
    assert stored_settings(app) == before


def test_a_bad_value_gets_a_vietnamese_message(app, auth, signed_in):
    configure(app, locale="vi")
    signed_in("admin")
    response = auth.post(SETTINGS_URL, settings_form(app, upload_rate_count="-5"))
    assert "Dùng một số từ 0 đến 100000." in response.text
    assert "upload_rate_count" not in stored_settings(app)
