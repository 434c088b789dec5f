"""store_image and delete_media_file: fresh files under generated names, nothing of the original."""

import io
import re
from pathlib import Path

import pytest
from PIL import Image, ImageCms
from sqlalchemy import func, select

from cms.content.media import MAX_PIXELS, delete_media_file, store_image
from cms.extensions import db
from cms.models import Media, User, utcnow

GENERATED = re.compile(r"^\d{4}/\d{2}/[0-9a-f]{32}\.(jpg|png)$")


def reopened(image, fmt, **options):
    """``image`` saved as ``fmt`` and read back, as an upload would arrive."""
    out = io.BytesIO()
    image.save(out, fmt, **options)
    out.seek(0)
    return Image.open(out), out.getvalue()


def media_files(app):
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


def test_store_image_writes_a_reencoded_jpeg_under_a_generated_name(app, make_user):
    editor = make_user(email="ed@example.org")
    source, _ = reopened(Image.new("RGB", (320, 200), (10, 120, 200)), "PNG")
    with app.app_context():
        month_before = f"{utcnow():%Y/%m}/"
        media = store_image(
            source,
            original_name="ảnh gốc.png",
            alt="Cầu Suối Ngọc",
            uploaded_by=db.session.get(User, editor.id),
        )
        assert media in db.session.new  # added to the session; the caller commits
        db.session.commit()
        stored = db.session.get(Media, media.id)
        assert GENERATED.match(stored.filename)
        assert stored.filename.endswith(".jpg")
        assert stored.filename[:8] in {month_before, f"{utcnow():%Y/%m}/"}
        assert "ảnh" not in stored.filename
        assert (stored.mime_type, stored.width, stored.height) == ("image/jpeg", 320, 200)
        assert (stored.original_name, stored.alt) == ("ảnh gốc.png", "Cầu Suối Ngọc")
        assert stored.uploaded_by_id == editor.id
        path = Path(app.config["MEDIA_DIR"]) / stored.filename
        assert path.stat().st_size == stored.size
        with Image.open(path) as saved:
            assert (saved.format, saved.mode, saved.size) == ("JPEG", "RGB", (320, 200))


def test_every_image_gets_its_own_name(app):
    with app.app_context():
        names = {store_image(Image.new("RGB", (8, 8))).filename for _ in range(3)}
        assert len(names) == 3
    assert len(media_files(app)) == 3


def test_metadata_is_stripped_and_the_orientation_applied(app):
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera make
    exif[0x0112] = 6  # orientation: turned a quarter clockwise
    srgb = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    source, original = reopened(
        Image.new("RGB", (400, 100), (200, 30, 30)),
        "JPEG",
        exif=exif,
        icc_profile=srgb,
        comment=b"taken at home",
    )
    assert b"SecretCam" in original
    with app.app_context():
        media = store_image(source)
        assert (media.width, media.height) == (100, 400)
    written = (Path(app.config["MEDIA_DIR"]) / media.filename).read_bytes()
    assert b"SecretCam" not in written
    assert b"taken at home" not in written
    with Image.open(io.BytesIO(written)) as saved:
        assert saved.size == (100, 400)
        assert len(saved.getexif()) == 0
        assert not {"exif", "icc_profile", "comment"} & set(saved.info)


def test_transparency_is_kept_as_png(app):
    image = Image.new("RGBA", (40, 20), (0, 120, 0, 255))
    image.paste((0, 0, 0, 0), (0, 0, 20, 20))  # the left half is see-through
    with app.app_context():
        media = store_image(image, alt="Biểu trưng")
        assert media.mime_type == "image/png"
        assert media.filename.endswith(".png")
    with Image.open(Path(app.config["MEDIA_DIR"]) / media.filename) as saved:
        assert (saved.format, saved.mode) == ("PNG", "RGBA")
        assert saved.getpixel((5, 5))[3] == 0
        assert saved.getpixel((35, 5)) == (0, 120, 0, 255)


def test_palette_transparency_is_kept_too(app):
    image = Image.new("P", (10, 10), 1)
    image.putpalette([255, 255, 255, 200, 0, 0] + [0] * 762)
    image.putpixel((0, 0), 0)
    source, _ = reopened(image, "GIF", transparency=0)
    with app.app_context():
        assert store_image(source).mime_type == "image/png"


@pytest.mark.parametrize(
    ("mode", "colour"),
    [("RGBA", (1, 2, 3, 255)), ("L", 90), ("LA", (90, 255)), ("CMYK", (0, 0, 0, 0)), ("I;16", 500)],
)
def test_opaque_images_of_any_mode_become_rgb_jpegs(app, mode, colour):
    with app.app_context():
        media = store_image(Image.new(mode, (16, 9), colour))
        assert media.mime_type == "image/jpeg"
    with Image.open(Path(app.config["MEDIA_DIR"]) / media.filename) as saved:
        assert (saved.format, saved.mode, saved.size) == ("JPEG", "RGB", (16, 9))


def test_a_huge_image_is_refused_and_nothing_stored(app):
    huge = Image.new("1", (8000, MAX_PIXELS // 8000 + 1))  # one bit per pixel: cheap to make
    with app.app_context():
        with pytest.raises(ValueError, match="pixels"):
            store_image(huge)
        assert not db.session.new
        assert db.session.execute(select(func.count()).select_from(Media)).scalar() == 0
    assert media_files(app) == []


def test_delete_media_file_removes_the_file_its_variants_and_empty_folders(app):
    media_dir = Path(app.config["MEDIA_DIR"])
    with app.app_context():
        media = store_image(Image.new("RGB", (30, 30)))
        stem = media.filename.rsplit(".", 1)[0]
        variant = f"{stem}-thumbnail.jpg"
        (media_dir / variant).write_bytes(b"variant")
        media.variants = {"thumbnail": variant, "webp": f"{stem}.webp"}  # the WebP never made
        folder = (media_dir / media.filename).parent
        delete_media_file(media)
        assert not (media_dir / media.filename).exists()
        assert not (media_dir / variant).exists()
        assert not folder.exists()  # the month folder was emptied
        assert media_dir.is_dir()
        delete_media_file(media)  # already gone: nothing to do, no error


def test_delete_media_file_never_leaves_the_media_folder(app):
    outside = Path(app.config["MEDIA_DIR"]).parent / "keep.txt"
    outside.write_text("keep")
    with app.app_context():
        delete_media_file(Media(filename="../keep.txt", variants={"x": "/etc/hostname"}))
    assert outside.read_text() == "keep"
