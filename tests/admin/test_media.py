"""The media library: uploads checked by content, variants, alt text, safe deletion."""

import io
import struct
import zlib
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from cms.extensions import db
from cms.models import Media


def image_bytes(
    fmt="JPEG", size=(640, 480), color=(200, 30, 30), exif_orientation=None, mode="RGB"
):
    image = Image.new(mode, size, color)
    out = io.BytesIO()
    kwargs = {}
    if exif_orientation:
        exif = Image.Exif()
        exif[0x0112] = exif_orientation
        exif[0x010F] = "SecretCam"
        kwargs["exif"] = exif
    image.save(out, fmt, **kwargs)
    return out.getvalue()


def upload(auth, files, alt="Ảnh minh họa"):
    data = {"alt": alt, "files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post(
        "/admin/media", data, form_url="/admin/media", content_type="multipart/form-data"
    )


def stored(app):
    with app.app_context():
        return db.session.execute(select(Media)).scalars().all()


def test_upload_stores_a_reencoded_image_with_variants(signed_in, auth, app, client):
    signed_in("author")
    response = upload(auth, [("ảnh gốc.jpg", image_bytes(size=(2000, 1000), exif_orientation=6))])
    assert response.status_code == 302
    [item] = stored(app)
    assert item.original_name == "ảnh gốc.jpg"
    assert item.alt == "Ảnh minh họa"
    assert (item.width, item.height) == (1000, 2000)  # EXIF orientation applied
    assert "ảnh" not in item.filename  # generated name
    media_dir = Path(app.config["MEDIA_DIR"])
    with Image.open(media_dir / item.filename) as saved:
        assert not saved.getexif().get(0x010F)  # metadata stripped
    assert set(item.variants) == {"thumbnail", "medium", "large", "webp"}
    with Image.open(media_dir / item.variants["thumbnail"]) as thumb:
        assert max(thumb.size) <= 320
    with Image.open(media_dir / item.variants["webp"]) as webp:
        assert webp.format == "WEBP"
    assert "ảnh gốc.jpg" in client.get("/admin/media").text


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("fake.jpg", b"<?php echo 1; ?>", "is not a JPEG, PNG, WebP or GIF image."),
        ("doc.pdf", b"%PDF-1.4 fake", "is not a JPEG, PNG, WebP or GIF image."),
        ("empty.png", b"", "is empty"),
        ("bitmap.bmp", None, "is not a JPEG, PNG, WebP or GIF image."),
    ],
)
def test_bad_uploads_are_refused_with_a_message_and_nothing_stored(
    signed_in, auth, app, name, content, message
):
    signed_in("author")
    if content is None:
        content = image_bytes("BMP", size=(10, 10))
    response = upload(auth, [(name, content)])
    assert response.status_code == 422
    assert message in response.text
    assert stored(app) == []
    assert not any(Path(app.config["MEDIA_DIR"]).rglob("*.*"))


def png_header_bomb(width, height):
    """A tiny PNG whose header claims a huge image (a decompression bomb)."""

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 10))
        + chunk(b"IEND", b"")
    )


def test_decompression_bombs_are_refused_before_decoding(signed_in, auth, app):
    signed_in("author")
    response = upload(auth, [("bomb.png", png_header_bomb(30000, 30000))])
    assert response.status_code == 422
    assert "too many pixels" in response.text
    assert stored(app) == []


@pytest.fixture
def app_config(app_config):
    return {**app_config, "MEDIA_MAX_BYTES": 200_000}


def test_oversized_files_are_refused(signed_in, auth, app):
    import os

    signed_in("author")
    noisy = Image.frombytes("RGB", (400, 400), os.urandom(400 * 400 * 3))
    out = io.BytesIO()
    noisy.save(out, "PNG")
    response = upload(auth, [("big.png", out.getvalue())])
    assert response.status_code == 422
    assert "is larger than" in response.text
    assert stored(app) == []


def test_transparent_png_stays_png_and_gif_is_accepted(signed_in, auth, app):
    signed_in("author")
    upload(
        auth,
        [
            ("logo.png", image_bytes("PNG", mode="RGBA", color=(0, 0, 0, 0))),
            ("anim.gif", image_bytes("GIF", mode="P", color=3)),
        ],
    )
    items = sorted(stored(app), key=lambda m: m.original_name)
    assert [m.original_name for m in items] == ["anim.gif", "logo.png"]
    assert {m.original_name: m.mime_type for m in items}["logo.png"] == "image/png"


def test_alt_text_edit_and_search(signed_in, auth, app, client):
    signed_in("editor")
    upload(auth, [("a.jpg", image_bytes())], alt="Lễ hội hoa ban")
    [item] = stored(app)
    response = auth.post(f"/admin/media/{item.id}", {"alt": "Hoa ban nở trắng"})
    assert response.status_code == 302
    assert "a.jpg" in client.get("/admin/media?q=hoa ban").text
    assert "No image matches." in client.get("/admin/media?q=không có").text


def test_an_image_in_use_is_not_deleted(signed_in, auth, app):
    from cms.content import save_article

    signed_in("editor")
    upload(auth, [("a.jpg", image_bytes())])
    [item] = stored(app)
    with app.app_context():
        save_article(None, {"title": "Có ảnh", "image_id": item.id})
        db.session.commit()
    response = auth.post(f"/admin/media/{item.id}/delete", form_url=f"/admin/media/{item.id}")
    assert response.status_code == 302
    assert len(stored(app)) == 1
    with app.app_context():
        from cms.models import Article

        db.session.execute(Article.__table__.update().values(image_id=None))
        db.session.commit()
    auth.post(f"/admin/media/{item.id}/delete", form_url=f"/admin/media/{item.id}")
    assert stored(app) == []
    assert not (Path(app.config["MEDIA_DIR"]) / item.filename).exists()


def test_authors_cannot_delete_others_images(signed_in, auth, app, client, make_user):
    signed_in("editor")
    upload(auth, [("a.jpg", image_bytes())])
    [item] = stored(app)
    auth.logout()
    signed_in("author")
    assert auth.post(f"/admin/media/{item.id}/delete", form_url="/admin/media").status_code == 403
    assert len(stored(app)) == 1


def test_anonymous_visitors_are_sent_to_sign_in(client):
    assert client.get("/admin/media").status_code == 302


def test_images_over_the_pixel_limit_are_refused_with_that_reason(signed_in, auth, app):
    signed_in("author")
    app.config["MEDIA_MAX_PIXELS"] = 100_000
    response = upload(auth, [("wide.png", image_bytes("PNG", size=(1000, 200)))])
    assert response.status_code == 422
    assert "too many pixels" in response.text
    assert stored(app) == []
