"""Uploads under hostile or unusual input: sides, memory, modes, animations, metadata."""

import io
import json
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms, ImageSequence
from PIL.PngImagePlugin import PngInfo
from sqlalchemy import select

from cms.content import set_setting
from cms.content.media import store_image, to_8bit
from cms.extensions import db
from cms.models import Media

# --- helpers -------------------------------------------------------------------------------


def png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def raw_png(width, height, *, bit_depth=8, colour_type=0, row=None, extra=b"", idat=None):
    """A PNG written byte by byte (16-bit samples, huge sides) with ``row`` repeated."""
    header = struct.pack(">IIBBBBB", width, height, bit_depth, colour_type, 0, 0, 0)
    if idat is None:
        packer = zlib.compressobj(9)
        parts = []
        line = b"\x00" + row
        for _ in range(height):
            parts.append(packer.compress(line))
        parts.append(packer.flush())
        idat = b"".join(parts)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + extra
        + png_chunk(b"IDAT", idat)
        + png_chunk(b"IEND", b"")
    )


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def upload(auth, files, alt="Ảnh"):
    data = {"alt": alt, "files": [(io.BytesIO(content), name) for name, content in files]}
    return auth.post(
        "/admin/media", data, form_url="/admin/media", content_type="multipart/form-data"
    )


def stored(app):
    with app.app_context():
        rows = db.session.execute(select(Media).order_by(Media.id)).scalars().all()
        db.session.expunge_all()
        return rows


def media_files(app):
    return sorted(p for p in Path(app.config["MEDIA_DIR"]).rglob("*") if p.is_file())


def all_files(app, item):
    folder = Path(app.config["MEDIA_DIR"])
    return [folder / item.filename, *(folder / name for name in item.variants.values())]


@pytest.fixture
def editor(signed_in):
    return signed_in("editor")


# --- 15: sides, encoder errors, memory -----------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("wide.png", encoded(Image.new("L", (70_000, 8), 90), "PNG")),
        ("tall.png", encoded(Image.new("L", (8, 70_000), 90), "PNG")),
        ("strip.gif", encoded(Image.new("P", (20_000, 2), 1), "GIF")),
        ("line.jpg", encoded(Image.new("L", (65_000, 1), 90), "JPEG")),
        ("header-only.png", raw_png(5_000_000, 1, idat=b"not even deflate")),
    ],
)
def test_a_side_over_the_limit_is_refused_from_the_header(editor, auth, app, name, content):
    response = upload(auth, [(name, content)])
    assert response.status_code == 422
    # The header-only file would fail to decode: this message proves nothing was decoded.
    assert f"{name} is too large: each side may be at most 16383 pixels." in response.text
    assert stored(app) == []
    assert media_files(app) == []


def test_the_largest_side_allowed_is_stored_with_every_variant(editor, auth, app):
    response = upload(auth, [("panorama.png", encoded(Image.new("L", (16_383, 4), 90), "PNG"))])
    assert response.status_code == 302
    [item] = stored(app)
    assert (item.width, item.height, item.mime_type) == (16_383, 4, "image/jpeg")
    assert set(item.variants) == {"thumbnail", "medium", "large", "webp"}
    with Image.open(all_files(app, item)[0]) as original:
        assert original.size == (16_383, 4)


def test_the_side_limit_is_a_setting_named_in_the_message(editor, auth, app):
    app.config["MEDIA_MAX_SIDE"] = 1000
    response = upload(auth, [("a.png", encoded(Image.new("RGB", (1001, 10)), "PNG"))])
    assert response.status_code == 422
    assert "each side may be at most 1000 pixels" in response.text
    assert (
        upload(auth, [("b.png", encoded(Image.new("RGB", (1000, 10)), "PNG"))]).status_code == 302
    )
    assert [m.original_name for m in stored(app)] == ["b.png"]


def test_the_message_is_in_the_sites_language(editor, auth, app):
    with app.app_context():
        set_setting("locale", "vi")
        db.session.commit()
    response = upload(auth, [("rộng.png", encoded(Image.new("L", (70_000, 8)), "PNG"))])
    assert response.status_code == 422
    assert "mỗi cạnh tối đa 16383 điểm ảnh" in response.text


def test_an_encoder_failure_is_a_clear_refusal_that_leaves_nothing(editor, auth, app):
    # With the side limit raised past what JPEG can write, the encoder itself fails.
    app.config["MEDIA_MAX_SIDE"] = 100_000
    response = upload(auth, [("wide.png", encoded(Image.new("L", (70_000, 8), 90), "PNG"))])
    assert response.status_code == 422
    assert "wide.png could not be converted and stored; nothing was saved." in response.text
    assert stored(app) == []
    assert media_files(app) == []
    # The next upload works as usual.
    assert upload(auth, [("ok.png", encoded(Image.new("L", (40, 8)), "PNG"))]).status_code == 302


def truncated(data: bytes, keep: float = 0.5) -> bytes:
    return data[: int(len(data) * keep)]


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.jpg", truncated(encoded(Image.effect_noise((300, 300), 60).convert("RGB"), "JPEG"))),
        ("cut.png", truncated(encoded(Image.effect_noise((300, 300), 60), "PNG"))),
        ("cut.webp", truncated(encoded(Image.effect_noise((300, 300), 60), "WEBP"))),
        (
            "badcrc.png",
            encoded(Image.effect_noise((60, 60), 60), "PNG").replace(b"IDAT", b"IDAT\x00", 1),
        ),
        (
            "cut-anim.gif",
            truncated(
                encoded(
                    Image.effect_noise((200, 200), 60),
                    "GIF",
                    save_all=True,
                    append_images=[Image.effect_noise((200, 200), 30) for _ in range(4)],
                ),
                0.6,
            ),
        ),
    ],
)
def test_damaged_files_are_refused_with_a_message_never_a_server_error(
    editor, auth, app, name, content
):
    response = upload(auth, [(name, content)])
    assert response.status_code == 422
    assert name in response.text
    assert "could not be read" in response.text or "is not a JPEG" in response.text
    assert stored(app) == []
    assert media_files(app) == []


MEMORY_PROBE = textwrap.dedent(
    """
    import io, json, sys
    from cms import create_app
    from cms.content.errors import ContentError
    from cms.content.uploads import read_image

    def status(key):
        with open("/proc/self/status") as lines:
            for line in lines:
                if line.startswith(key + ":"):
                    return int(line.split()[1])  # kB

    config = json.loads(sys.argv[1])
    data = open(sys.argv[2], "rb").read()
    app = create_app(config)
    with app.test_request_context():
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")  # resets the peak (VmHWM) to what is resident now
        before = status("VmRSS")
        try:
            image = read_image(io.BytesIO(data), "probe.png")
            outcome = "read %dx%d %s" % (image.size[0], image.size[1], image.mode)
        except ContentError as exc:
            outcome = "refused: " + str(exc)
        peak = status("VmHWM")
    print(json.dumps({"outcome": outcome, "grew_kb": peak - before}))
    """
)


def peak_growth(app_config, tmp_path, data: bytes) -> dict:
    """Decode ``data`` with read_image in a fresh process; returns its outcome and RSS growth."""
    path = tmp_path / "probe.png"
    path.write_bytes(data)
    config = {
        "TESTING": True,
        "SECRET_KEY": "probe",
        "LOCALE": "en",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'probe.sqlite3'}",
        "MEDIA_DIR": str(tmp_path / "probe-media"),
    }
    done = subprocess.run(  # noqa: S603 (this interpreter, our own script)
        [sys.executable, "-c", MEMORY_PROBE, json.dumps(config), str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
        env={"CMS_INSTANCE_DIR": str(tmp_path / "probe-instance"), "PATH": "/usr/bin:/bin"},
    )
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_one_pixel_high_image_of_millions_of_pixels_costs_no_memory(app_config, tmp_path):
    # 40 million RGB pixels in one row: 1.5 MB on disk, 160 MB once decoded.
    hostile = raw_png(40_000_000, 1, colour_type=2, row=bytes(120_000_000))
    assert len(hostile) < 1_000_000
    probe = peak_growth(app_config, tmp_path, hostile)
    assert probe["outcome"].startswith("refused:")
    assert "each side may be at most" in probe["outcome"]
    assert probe["grew_kb"] < 20_000  # refused before decoding: far below the 160 MB


def test_decoding_an_accepted_image_holds_it_once(app_config, tmp_path):
    # 6000 x 6000 grey is 36 MB decoded; converting or copying it would double that.
    large = raw_png(6000, 6000, row=bytes(range(256)) * 23 + bytes(112))
    probe = peak_growth(app_config, tmp_path, large)
    assert probe["outcome"] == "read 6000x6000 L"
    assert probe["grew_kb"] < 36_000 * 1.5


# --- 16: every mode to 8 bits ----------------------------------------------------------------


def grey16_png(value: int, *, trns: int | None = None) -> bytes:
    extra = png_chunk(b"tRNS", struct.pack(">H", trns)) if trns is not None else b""
    return raw_png(16, 8, bit_depth=16, row=struct.pack(">H", value) * 16, extra=extra)


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (grey16_png(32768), 128),
        (grey16_png(0), 0),
        (grey16_png(65535), 255),
        (grey16_png(16448), 64),
        (raw_png(16, 8, bit_depth=16, colour_type=2, row=b"\x80\x00\x40\x00\xff\xff" * 16), None),
        (encoded(Image.new("I;16", (16, 8), 32768), "PNG"), 128),
        (grey16_png(49344), 192),
    ],
)
def test_16_bit_uploads_are_scaled_not_clipped(editor, auth, app, content, expected):
    assert upload(auth, [("grey16.png", content)]).status_code == 302
    [item] = stored(app)
    for path in all_files(app, item):
        with Image.open(path) as saved:
            pixel = saved.convert("RGB").getpixel((saved.width // 2, saved.height // 2))
        if expected is None:  # the 16-bit RGB row: 0x8000, 0x4000, 0xffff
            assert all(abs(a - b) <= 3 for a, b in zip(pixel, (128, 64, 255), strict=True))
        else:
            assert all(abs(channel - expected) <= 2 for channel in pixel), (path.name, pixel)


def grey16_apng(values, size=(16, 8)) -> bytes:
    """An animated PNG of 16-bit grey frames, one flat value each (Pillow cannot write one)."""
    width, height = size
    header = struct.pack(">IIBBBBB", width, height, 16, 0, 0, 0, 0)
    out = b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header)
    out += png_chunk(b"acTL", struct.pack(">II", len(values), 0))
    sequence = 0
    for index, value in enumerate(values):
        control = struct.pack(">IIIIIHHBB", sequence, width, height, 0, 0, 1, 10, 0, 0)
        out += png_chunk(b"fcTL", control)
        sequence += 1
        pixels = zlib.compress(
            b"".join(b"\x00" + struct.pack(">H", value) * width for _ in range(height))
        )
        if index == 0:
            out += png_chunk(b"IDAT", pixels)
        else:
            out += png_chunk(b"fdAT", struct.pack(">I", sequence) + pixels)
            sequence += 1
    return out + png_chunk(b"IEND", b"")


def test_a_16_bit_animation_keeps_its_frames_scaled(editor, auth, app):
    assert upload(auth, [("grey16.png", grey16_apng([16384, 32768, 49152]))]).status_code == 302
    [item] = stored(app)
    for path in all_files(app, item):
        with Image.open(path) as saved:
            greys = [
                frame.convert("L").getpixel((frame.width // 2, frame.height // 2))
                for frame in ImageSequence.Iterator(saved)
            ]
        assert len(greys) == 3, path.name
        for grey, expected in zip(greys, (64, 128, 192), strict=True):
            assert abs(grey - expected) <= 2, (path.name, greys)


def test_a_16_bit_grey_colour_key_becomes_transparency(editor, auth, app):
    assert upload(auth, [("key.png", grey16_png(1000, trns=1000))]).status_code == 302
    [item] = stored(app)
    assert item.mime_type == "image/png"
    with Image.open(all_files(app, item)[0]) as saved:
        assert saved.convert("RGBA").getpixel((0, 0))[3] == 0


def cmyk_jpeg() -> bytes:
    """A CMYK JPEG as Photoshop writes it (Adobe marker, inverted values)."""
    return encoded(Image.new("CMYK", (32, 16), (0, 255, 255, 0)), "JPEG", quality=95)


def test_a_cmyk_jpeg_keeps_its_colours(editor, auth, app):
    source = cmyk_jpeg()
    assert b"Adobe" in source
    assert upload(auth, [("print.jpg", source)]).status_code == 302
    [item] = stored(app)
    with Image.open(all_files(app, item)[0]) as saved:
        red, green, blue = saved.getpixel((16, 8))
    assert red > 240
    assert max(green, blue) < 15


def make(mode, size, value, **info):
    image = Image.new(mode, size, value)
    image.info.update(info)
    return image


def palette_with_transparency():
    image = Image.new("P", (20, 10), 1)
    image.putpalette([0, 0, 0, 30, 60, 90] + [0] * 762)
    image.paste(0, (0, 0, 10, 10))
    image.info["transparency"] = 0
    return image


@pytest.mark.parametrize(
    ("image", "rgba"),
    [
        (make("I;16", (20, 10), 32768), (128, 128, 128, 255)),
        (make("I;16B", (20, 10), 32768), (128, 128, 128, 255)),
        (make("I;16L", (20, 10), 65535), (255, 255, 255, 255)),
        (make("I", (20, 10), 32768), (128, 128, 128, 255)),
        (make("I", (20, 10), 200), (200, 200, 200, 255)),
        (make("F", (20, 10), 0.5), (128, 128, 128, 255)),
        (make("F", (20, 10), 100.0), (100, 100, 100, 255)),
        (make("F", (20, 10), 32768.0), (128, 128, 128, 255)),
        (make("1", (20, 10), 1), (255, 255, 255, 255)),
        (make("L", (20, 10), 77), (77, 77, 77, 255)),
        (make("LA", (20, 10), (77, 0)), (77, 77, 77, 0)),
        (make("La", (20, 10), (40, 128)), (80, 80, 80, 128)),
        (make("RGBa", (20, 10), (40, 20, 10, 128)), (80, 40, 20, 128)),
        (make("RGBX", (20, 10), (10, 20, 30, 0)), (10, 20, 30, 255)),
        (make("CMYK", (20, 10), (255, 0, 255, 0)), (0, 255, 0, 255)),
        (make("YCbCr", (20, 10), (128, 128, 128)), (128, 128, 128, 255)),
        (make("HSV", (20, 10), (0, 255, 255)), (255, 0, 0, 255)),
        (make("LAB", (20, 10), (128, 128, 128)), (119, 119, 119, 255)),
        (palette_with_transparency(), (30, 60, 90, 255)),
        (make("PA", (20, 10), (0, 0)), None),
    ],
    ids=lambda value: getattr(value, "mode", None),
)
def test_every_mode_is_converted_to_8_bits_with_its_values(app, image, rgba):
    converted = to_8bit(image)
    assert converted.mode in ("L", "LA", "RGB", "RGBA")
    if rgba is not None:
        got = converted.convert("RGBA").getpixel((15, 5))
        assert all(abs(a - b) <= 2 for a, b in zip(got, rgba, strict=True)), got
    with app.app_context():
        media = store_image(image)
        db.session.commit()
        path = Path(app.config["MEDIA_DIR"]) / media.filename
    with Image.open(path) as saved:
        assert saved.mode in ("RGB", "RGBA")
        if rgba is not None and rgba[3] == 255:
            got = saved.convert("RGBA").getpixel((15, 5))
            assert all(abs(a - b) <= 3 for a, b in zip(got, rgba, strict=True)), got


def test_palette_transparency_is_kept_where_pixels_use_it(app):
    with app.app_context():
        media = store_image(palette_with_transparency())
        assert media.mime_type == "image/png"
    with Image.open(Path(app.config["MEDIA_DIR"]) / media.filename) as saved:
        assert saved.convert("RGBA").getpixel((2, 2))[3] == 0
        assert saved.convert("RGBA").getpixel((15, 5)) == (30, 60, 90, 255)


# --- 17: animations --------------------------------------------------------------------------

COLOURS = [(220, 30, 30), (30, 200, 40), (40, 60, 220), (240, 220, 20)]


def animation(fmt, size=(120, 80), durations=(100, 200, 300, 400), loop=0, **options):
    frames = [Image.new("RGB", size, colour) for colour in COLOURS[: len(durations)]]
    if loop is not None:
        options["loop"] = loop
    return encoded(
        frames[0], fmt, save_all=True, append_images=frames[1:], duration=list(durations), **options
    )


def timing(path):
    with Image.open(path) as image:
        frames = []
        for frame in ImageSequence.Iterator(image):
            frame.load()
            colour = frame.convert("RGB").getpixel((frame.width // 2, frame.height // 2))
            frames.append((int(frame.info.get("duration", 0)), colour))
        return image.format, image.size, image.info.get("loop"), frames


def close(colour, expected):
    return all(abs(a - b) <= 12 for a, b in zip(colour, expected, strict=True))


@pytest.mark.parametrize(
    ("fmt", "name", "mime"),
    [
        ("GIF", "anim.gif", "image/gif"),
        ("WEBP", "anim.webp", "image/webp"),
        ("PNG", "anim.png", "image/png"),
    ],
)
def test_animations_keep_every_frame_their_timing_and_loop(editor, auth, app, fmt, name, mime):
    response = upload(auth, [(name, animation(fmt, size=(1000, 600)))])
    assert response.status_code == 302
    [item] = stored(app)
    assert (item.mime_type, item.width, item.height) == (mime, 1000, 600)
    names = [item.filename, *item.variants.values()]
    assert len(set(names)) == len(names)  # no file listed twice
    expected_sizes = {"thumbnail": (320, 192), "medium": (800, 480)}
    for path in all_files(app, item):
        kind, size, loop, frames = timing(path)
        assert [d for d, _ in frames] == [100, 200, 300, 400], path.name
        assert all(close(c, e) for (_, c), e in zip(frames, COLOURS, strict=True)), path.name
        assert loop == 0
        for variant, wanted in expected_sizes.items():
            if item.variants.get(variant) == path.relative_to(app.config["MEDIA_DIR"]).as_posix():
                assert size == wanted
    if fmt != "WEBP":
        assert timing(Path(app.config["MEDIA_DIR"]) / item.variants["webp"])[0] == "WEBP"
    assert {"thumbnail", "medium"} <= set(item.variants)


def test_an_animation_that_plays_once_still_plays_once(editor, auth, app):
    upload(auth, [("once.gif", animation("GIF", durations=(100, 100), loop=None))])
    [item] = stored(app)
    for path in all_files(app, item):
        kind, _size, loop, frames = timing(path)
        assert len(frames) == 2
        assert loop in (None, 1)  # GIF: no loop extension; WebP: one play


@pytest.mark.parametrize("fmt", ["GIF", "PNG", "WEBP"])
def test_a_transparent_animation_keeps_its_transparency(editor, auth, app, fmt):
    first = Image.new("RGBA", (60, 40), (200, 0, 0, 255))
    first.paste((0, 0, 0, 0), (30, 0, 60, 40))  # the right half is see-through
    second = Image.new("RGBA", (60, 40), (0, 0, 200, 255 if fmt == "GIF" else 128))
    options = {"disposal": 2} if fmt == "GIF" else {}
    content = encoded(
        first, fmt, save_all=True, append_images=[second], duration=[100, 100], **options
    )
    assert upload(auth, [(f"a.{fmt.lower()}", content)]).status_code == 302
    [item] = stored(app)
    for path in all_files(app, item):
        with Image.open(path) as saved:
            assert saved.n_frames == 2
            assert saved.convert("RGBA").getpixel((saved.width - 2, 2))[3] == 0, path.name
            assert saved.convert("RGBA").getpixel((2, 2))[3] == 255, path.name


@pytest.mark.parametrize(
    ("setting", "value", "message"),
    [
        ("MEDIA_MAX_FRAMES", 3, "big.gif is an animation with too many frames (4; at most 3)."),
        (
            "MEDIA_MAX_ANIMATION_PIXELS",
            1_000_000,
            "big.gif is an animation too large to keep (4 frames of 1000 × 600 pixels;",
        ),
    ],
)
def test_an_animation_over_budget_is_refused_plainly(editor, auth, app, setting, value, message):
    app.config[setting] = value
    response = upload(auth, [("big.gif", animation("GIF", size=(1000, 600)))])
    assert response.status_code == 422
    assert message in response.text
    assert stored(app) == []
    assert media_files(app) == []


def test_a_single_frame_gif_is_still_a_still(editor, auth, app):
    upload(auth, [("one.gif", encoded(Image.new("P", (40, 40), 2), "GIF"))])
    [item] = stored(app)
    assert item.mime_type == "image/jpeg"


# --- 18: no metadata in any stored file ------------------------------------------------------

SECRET = b"SECRET-42"
XMP = (
    b'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf'
    b'-syntax-ns#"><rdf:Description>' + SECRET + b"</rdf:Description></rdf:RDF></x:xmpmeta>"
)
#: What each kind of metadata looks like inside a file.
MARKERS = [
    SECRET,
    b"Exif\x00\x00",
    b"http://ns.adobe.com/xap/1.0/",
    b"ICC_PROFILE",
    b"Photoshop 3.0",
    b"8BIM",
    b"iCCP",
    b"tEXt",
    b"zTXt",
    b"iTXt",
    b"eXIf",
    b"XMP ",
    b"ICCP",
    b"EXIF",
]
META_KEYS = {"exif", "icc_profile", "xmp", "comment", "XML:com.adobe.xmp", "photoshop", "Secret"}


def exif_block():
    exif = Image.Exif()
    exif[0x010F] = SECRET.decode()  # camera make
    exif[0x0131] = SECRET.decode()  # software
    return exif


def profile():
    return ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()


def with_iptc(jpeg: bytes) -> bytes:
    """``jpeg`` with an APP13 Photoshop/IPTC segment holding a caption (2:120)."""
    record = b"\x1c\x02\x78" + struct.pack(">H", len(SECRET)) + SECRET
    block = b"8BIM\x04\x04\x00\x00" + struct.pack(">I", len(record)) + record
    payload = b"Photoshop 3.0\x00" + block
    segment = b"\xff\xed" + struct.pack(">H", len(payload) + 2) + payload
    return jpeg[:2] + segment + jpeg[2:]


def photo(size=(2000, 1200)):
    return Image.linear_gradient("L").resize(size).convert("RGB")


def png_text():
    info = PngInfo()
    info.add_text("Secret", SECRET.decode())
    info.add_text("Comment", SECRET.decode(), zip=True)
    info.add_itxt("Author", SECRET.decode(), lang="vi", tkey="Tác giả")
    info.add_itxt("XML:com.adobe.xmp", XMP.decode())
    return info


def transparent(size=(2000, 1200)):
    image = photo(size).convert("RGBA")
    image.paste((0, 0, 0, 0), (0, 0, 100, 100))
    return image


SOURCES = {
    "photo.jpg": lambda: with_iptc(
        encoded(photo(), "JPEG", exif=exif_block(), icc_profile=profile(), comment=SECRET, xmp=XMP)
    ),
    "opaque.png": lambda: encoded(
        photo(), "PNG", pnginfo=png_text(), exif=exif_block(), icc_profile=profile()
    ),
    "alpha.png": lambda: encoded(
        transparent(), "PNG", pnginfo=png_text(), exif=exif_block(), icc_profile=profile()
    ),
    "still.gif": lambda: encoded(photo().convert("P"), "GIF", comment=SECRET),
    "anim.gif": lambda: encoded(
        photo((900, 500)).convert("P"),
        "GIF",
        save_all=True,
        append_images=[Image.new("P", (900, 500), 3)],
        comment=SECRET,
        duration=100,
        loop=0,
    ),
    "still.webp": lambda: encoded(
        photo(), "WEBP", exif=exif_block(), icc_profile=profile(), xmp=XMP
    ),
    "anim.webp": lambda: encoded(
        photo((900, 500)),
        "WEBP",
        save_all=True,
        append_images=[Image.new("RGB", (900, 500), (9, 9, 9))],
        exif=exif_block(),
        icc_profile=profile(),
        xmp=XMP,
        duration=100,
    ),
    "anim.png": lambda: encoded(
        photo((900, 500)),
        "PNG",
        save_all=True,
        append_images=[Image.new("RGB", (900, 500), (9, 9, 9))],
        pnginfo=png_text(),
        icc_profile=profile(),
        duration=100,
    ),
}


@pytest.mark.parametrize("name", list(SOURCES))
def test_no_metadata_survives_in_any_stored_file(editor, auth, app, name):
    source = SOURCES[name]()
    assert SECRET in source or b"Secret" in source or b"zTXt" in source
    assert upload(auth, [(name, source)]).status_code == 302
    [item] = stored(app)
    paths = all_files(app, item)
    assert len(paths) >= 3  # the original, a thumbnail and more
    for path in paths:
        data = path.read_bytes()
        for marker in MARKERS:
            assert marker not in data, (path.name, marker)
        with Image.open(path) as saved:
            assert not META_KEYS & set(saved.info), (path.name, saved.info.keys())
            assert len(saved.getexif()) == 0
            if getattr(saved, "text", None) is not None:
                assert saved.text == {}
