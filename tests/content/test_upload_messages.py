"""What uploads tell the user: damaged files, the quota in use, settings that hold nonsense."""

from __future__ import annotations

import io
import logging
import random

import pytest
from PIL import Image
from sqlalchemy import text

from cms.content import set_setting
from cms.content.errors import ContentError
from cms.content.upload_limits import (
    MEGABYTE,
    SETTING_DEFAULTS,
    UploadGuard,
    UploadPolicy,
    UploadQuotaExceeded,
    used_bytes,
)
from cms.content.uploads import looks_like_image, save_upload
from cms.extensions import db
from cms.models import User
from cms.store import flush_all


@pytest.fixture(autouse=True)
def _buffers_written(app):
    yield
    flush_all()


def encoded(fmt, size=(500, 500)):
    out = io.BytesIO()
    pixels = random.Random(1).randbytes(size[0] * size[1] * 3)
    Image.frombytes("RGB", size, pixels).save(out, fmt)
    return out.getvalue()


def refusal(app, data, name):
    with app.app_context():
        with pytest.raises(ContentError) as refused:
            save_upload(io.BytesIO(data), name)
        db.session.rollback()
    return refused.value.errors["file"]


# -- damaged files ------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "GIF", "WEBP"])
@pytest.mark.parametrize("keep", [12, 40, 300, 0.5])
def test_a_cut_short_image_is_called_damaged_or_incomplete(app, fmt, keep):
    data = encoded(fmt)
    cut = data[: int(len(data) * keep) if isinstance(keep, float) else keep]
    message = refusal(app, cut, f"ảnh.{fmt.lower()}")
    assert message == f"ảnh.{fmt.lower()} is damaged or incomplete and could not be read."


@pytest.mark.parametrize(
    "data",
    [b"<?php echo 1; ?>", b"%PDF-1.4 fake", b"RIFF\x00\x00\x00\x00WAVEfmt ", b"\xff\xd8"],
)
def test_something_else_is_still_not_an_image(app, data):
    assert refusal(app, data, "tệp.jpg") == "tệp.jpg is not a JPEG, PNG, WebP or GIF image."


def test_the_damaged_message_is_translated(make_app):
    app = make_app(LOCALE="vi")
    message = refusal(app, encoded("JPEG")[:300], "ảnh.jpg")
    assert message == "ảnh.jpg bị hỏng hoặc không đầy đủ nên không đọc được."


def test_looks_like_image():
    assert looks_like_image(b"\xff\xd8\xff\xe0")
    assert looks_like_image(b"\x89PNG\r\n\x1a\n")
    assert looks_like_image(b"GIF89a")
    assert looks_like_image(b"RIFF\x10\x00\x00\x00WEBPVP8 ")
    assert not looks_like_image(b"RIFF\x10\x00\x00\x00AVI ")
    assert not looks_like_image(b"BM")
    assert not looks_like_image(b"")


# -- the quota message -------------------------------------------------------------------------


def noise_png(seed):
    out = io.BytesIO()
    Image.frombytes("RGBA", (300, 300), random.Random(seed).randbytes(300 * 300 * 4)).save(
        out, "PNG"
    )
    return out.getvalue()  # stored as about 0.34 MB


# Held by uploads in flight: room for a little (refused when reserving), or none at all
# (refused before the file is read).
@pytest.mark.parametrize("held", [500_000, "all the room left"])
def test_the_quota_message_tells_what_is_stored_not_uploads_in_flight(app, make_user, held):
    user = make_user()
    with app.app_context():
        set_setting("upload_quota_mb", 1)
        db.session.commit()
        uploader = db.session.get(User, user.id)
        save_upload(io.BytesIO(noise_png(1)), "một.png", uploaded_by=uploader)
        db.session.commit()
        # Other uploads of the same user, in flight in other workers.
        guard = UploadGuard.for_user(uploader)
        size = held if isinstance(held, int) else MEGABYTE - used_bytes(user.id)
        in_flight = [guard.reserve(size, "khác.png")]
        try:
            with pytest.raises(UploadQuotaExceeded) as refused:
                save_upload(io.BytesIO(noise_png(2)), "hai.png", uploaded_by=uploader)
            db.session.rollback()
        finally:
            for reservation in in_flight:
                reservation.release()
        assert refused.value.errors["file"] == (
            "hai.png was not uploaded: your uploads would exceed your storage quota of 1 MB "
            "(you use 0.3 MB)."
        )
        assert (refused.value.room == 0) == (held == "all the room left")
        # Once the others are gone, the same file fits.
        save_upload(io.BytesIO(noise_png(2)), "hai.png", uploaded_by=uploader)
        db.session.commit()


# -- settings that hold nonsense -----------------------------------------------------------------

UNUSABLE = ["1e400", "-1e400", "NaN", "true", "false", '"mười"', "1e30", "-5", "2.5", "[1]", "{}"]


@pytest.mark.parametrize("raw", UNUSABLE)
def test_an_unusable_setting_counts_as_its_default_and_is_logged(app, raw, caplog):
    with app.app_context():
        if raw == "NaN" and db.engine.dialect.name == "postgresql":
            pytest.skip("PostgreSQL's json type refuses NaN: only SQLite can hold it")
        for key in SETTING_DEFAULTS:
            set_setting(key, 1)
        db.session.commit()
        # Written by hand, as SQL would: the JSON text as stored.
        for key in SETTING_DEFAULTS:
            db.session.execute(
                text("UPDATE setting SET value = :value WHERE key = :key"),
                {"value": raw, "key": key},
            )
        db.session.commit()
        with caplog.at_level(logging.WARNING, logger="cms.content.upload_limits"):
            policy = UploadPolicy.current()
    assert policy == UploadPolicy(
        rate_count=SETTING_DEFAULTS["upload_rate_count"],
        rate_minutes=SETTING_DEFAULTS["upload_rate_minutes"],
        quota_mb=SETTING_DEFAULTS["upload_quota_mb"],
    )
    assert "setting upload_quota_mb holds" in caplog.text


@pytest.mark.parametrize(("raw", "expected"), [("7", 7), ("7.0", 7), ('" 7 "', 7), ("0", 0)])
def test_a_whole_number_in_another_form_is_used(app, raw, expected):
    with app.app_context():
        set_setting("upload_quota_mb", 1)
        db.session.commit()
        db.session.execute(
            text("UPDATE setting SET value = :value WHERE key = 'upload_quota_mb'"),
            {"value": raw},
        )
        db.session.commit()
        assert UploadPolicy.current().quota_mb == expected
