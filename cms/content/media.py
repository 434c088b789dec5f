"""Stored images: re-encoded, stripped of metadata, kept under generated names.

:func:`store_image` is the one way an image enters the media folder, whether
it was uploaded (see :mod:`cms.content.uploads`) or generated (``cms demo``),
and :func:`encode` is the one place a file is written from pixels. Whatever
the source, every file written is fresh: a JPEG (or a PNG when the image has
transparency), or for an animation a GIF, animated PNG or animated WebP as it
came, under ``<year>/<month>/<uuid4 hex>.<ext>``. No name, path or metadata of
the original survives: no EXIF, XMP, IPTC, ICC profile (colours are converted
to sRGB first), JPEG or GIF comment, PNG text chunk or WebP metadata chunk.

Every mode Pillow opens becomes 8-bit (``L``, ``LA``, ``RGB`` or ``RGBA``)
with its values scaled, not clipped (:func:`to_8bit`).
"""

from __future__ import annotations

import io
import logging
import re
import threading
import unicodedata
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask import current_app
from PIL import Image, ImageCms, ImageMath, ImageSequence
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from cms.extensions import db
from cms.models import Media, utcnow

log = logging.getLogger(__name__)

#: Key of the files a session deletes unless its transaction commits (``Session.info``).
_PENDING = "cms_uncommitted_media_files"

_listener_lock = threading.Lock()

#: Largest image :func:`store_image` accepts, in pixels (width x height).
MAX_PIXELS = 40_000_000

#: Quality of the JPEG and lossy WebP files written.
JPEG_QUALITY = 85

#: Longest ``original_name`` and ``alt`` kept (the column sizes).
ORIGINAL_NAME_MAX = 255
ALT_MAX = 500

#: Pillow errors a broken or hostile image can raise while it is opened, decoded,
#: transformed or encoded (``SyntaxError`` and ``struct.error``-like ``ValueError``
#: come from some plugins' header parsers, ``EOFError`` from truncated frames).
IMAGE_ERRORS: tuple[type[BaseException], ...] = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    TypeError,
    KeyError,
    IndexError,
    Image.DecompressionBombError,
    ImageCms.PyCMSError,
)

#: Formats an animation is kept in, by the format it arrived in (Pillow names).
ANIMATION_FORMATS = {"GIF": "GIF", "WEBP": "WEBP", "PNG": "PNG"}

#: File extension and MIME type of each format written.
FORMAT_FILES = {
    "JPEG": ("jpg", "image/jpeg"),
    "PNG": ("png", "image/png"),
    "GIF": ("gif", "image/gif"),
    "WEBP": ("webp", "image/webp"),
}

#: Unicode categories never shown in a name or alt text: controls (Cc: C0, DEL, C1),
#: format characters (Cf: the bidirectional marks, embeddings, overrides and isolates
#: of UAX #9, which make ``gpj.exe`` read as ``exe.jpg`` (CVE-2021-42574, "Trojan
#: Source"); zero-width spaces and joiners, word joiner, BOM, tag characters) and
#: the line and paragraph separators (Zl, Zp).
_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp"})
#: Letters that draw nothing (Hangul fillers), used to make a name look like another.
_FILLERS = frozenset("\u115f\u1160\u3164\uffa0")
_SPACES = re.compile(r"\s+")

#: EXIF orientation -> the transpose that turns the image upright (EXIF 2.32, tag 0x0112).
_ORIENTATIONS = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}

#: Modes holding more than 8 bits per sample, which Pillow's ``convert`` clips.
_WIDE_MODES = ("I", "I;16", "I;16B", "I;16L", "I;16N", "F")


def visible_text(value: str | None) -> str:
    """``value`` without control, format (bidi, zero-width) or filler characters, on one line.

    For names and alt texts shown in lists and pages: ``"gpj\\u202e.exe"``
    would otherwise read as ``exe.jpg``. Runs of white space become one space.
    """
    shown = "".join(
        ch
        for ch in value or ""
        if unicodedata.category(ch) not in _HIDDEN_CATEGORIES and ch not in _FILLERS
    )
    return _SPACES.sub(" ", shown).strip()


def media_name(media: Media) -> str:
    """The name shown for ``media``: its original file name made visible, else its file name."""
    return visible_text(media.original_name) or media.filename


@dataclass
class Animation:
    """The frames of an animated image, all of one size, 8-bit and without metadata."""

    #: The frames, in ``RGBA`` (or ``RGB``) mode, each the whole canvas.
    frames: list[Image.Image]
    #: How long each frame is shown, in milliseconds.
    durations: list[int]
    #: How many times it plays (0: for ever), ``None`` to play once.
    loop: int | None
    #: The format it is kept in (``GIF``, ``PNG`` or ``WEBP``).
    format: str
    #: Width and height in pixels.
    size: tuple[int, int] = field(init=False)

    def __post_init__(self) -> None:
        self.size = self.frames[0].size

    def resized(self, size: tuple[int, int]) -> Animation:
        """A copy of every frame resized to ``size`` (width, height), same timing."""
        frames = [_resize(frame, size) for frame in self.frames]
        return Animation(frames, list(self.durations), self.loop, self.format)


def is_animated(image: Image.Image) -> bool:
    """Whether ``image`` has more than one frame (animated GIF, PNG or WebP)."""
    return bool(getattr(image, "is_animated", False)) and getattr(image, "n_frames", 1) > 1


def has_transparency(image: Image.Image) -> bool:
    """Whether any pixel of ``image`` is not fully opaque."""
    if image.mode in ("RGBA", "LA", "PA", "La", "RGBa"):
        alpha = image.getchannel("A" if image.mode != "RGBa" else "a")
    elif "transparency" in image.info:
        # A palette or colour-key transparency: only real if some pixel uses it.
        alpha = to_8bit(image).convert("RGBA").getchannel("A")
    else:
        return False
    low, _high = alpha.getextrema()
    return isinstance(low, int) and low < 255


def _wide_to_l(image: Image.Image) -> Image.Image:
    """An ``I``, ``I;16*`` or ``F`` image as ``L``, its values scaled into 0..255.

    ``I;16`` samples span 0..65535 (a 16-bit PNG), so 32768 becomes 128. An
    ``I`` image is read the same way when a value exceeds 255 (Pillow opened
    16-bit PNGs as ``I``), as 8-bit values otherwise, and is scaled to its
    maximum beyond 65535. ``F`` values in 0.0..1.0 are taken as fractions of
    white, else as 8- or 16-bit values the same way. Negative values are black.
    """
    if image.mode == "F":
        wide = image
        high = float(image.getextrema()[1] or 0)  # type: ignore[arg-type,index]
        if high <= 1.0:
            top = 1.0
        elif high <= 255:
            top = 255.0
        elif high <= 65535:
            top = 65535.0
        else:
            top = high
    else:
        wide = image.convert("I")  # I;16 variants: exact, 0..65535
        high = int(wide.getextrema()[1] or 0)  # type: ignore[arg-type,index]
        if image.mode.startswith("I;16") or 255 < high <= 65535:
            top = 65535.0
        elif high <= 255:
            top = 255.0
        else:
            top = float(high)
    scale = 255.0 / top
    return wide.point(lambda value: value * scale + 0.5).convert("L")  # type: ignore[operator]


def to_8bit(image: Image.Image) -> Image.Image:
    """``image`` in ``L``, ``LA``, ``RGB`` or ``RGBA``, its values scaled to 8 bits.

    Covers every mode Pillow opens: ``1``; ``P`` and ``PA`` (with palette or
    colour-key transparency, which becomes an alpha channel); 16- and 32-bit
    ``I;16``, ``I;16B``, ``I;16L``, ``I;16N``, ``I`` and floating ``F`` (see
    :func:`_wide_to_l`; a grey colour-key becomes alpha); ``CMYK`` (Adobe's
    inverted JPEG CMYK is already undone by Pillow's reader); ``YCbCr``,
    ``LAB`` and ``HSV``; ``RGBX``; premultiplied ``RGBa`` and ``La``. Returns
    ``image`` itself when it is already in one of the four modes.
    """
    mode = image.mode
    transparency = image.info.get("transparency")
    if mode in _WIDE_MODES:
        grey = _wide_to_l(image)
        if isinstance(transparency, int | float) and mode != "F":
            key = int(transparency)
            mask = ImageMath.lambda_eval(lambda a: (a["v"] != key) * 255, v=image.convert("I"))
            grey = Image.merge("LA", (grey, mask.convert("L")))
        return grey
    if mode in ("L", "RGB") and transparency is not None:
        return image.convert("LA" if mode == "L" else "RGBA")
    if mode in ("L", "LA", "RGB", "RGBA"):
        return image
    if mode == "1":
        return image.convert("L")
    if mode in ("P", "PA"):
        keeps_alpha = mode == "PA" or transparency is not None
        palette_mode = image.palette.mode if image.palette is not None else "RGB"
        if palette_mode.startswith("L") and not keeps_alpha:
            return image.convert("L")
        return image.convert("RGBA" if keeps_alpha else "RGB")
    if mode == "La":
        return image.convert("LA")
    if mode == "RGBa":
        return image.convert("RGBA")
    return image.convert("RGB")  # CMYK, YCbCr, LAB, HSV, RGBX


def _to_srgb(image: Image.Image) -> Image.Image:
    """``image`` converted to sRGB when it carries a colour profile (which is then dropped).

    Photos from phones and cameras are often in Display P3 or Adobe RGB, and
    print CMYK JPEGs carry a press profile; once the profile is gone a browser
    takes the pixels for sRGB, so they are converted first. Without a usable
    profile the image is returned as is.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK", "L"):
        return image
    try:
        source = ImageCms.ImageCmsProfile(io.BytesIO(icc))
        output_mode = "RGBA" if image.mode == "RGBA" else "RGB"
        converted = ImageCms.profileToProfile(
            image, source, ImageCms.createProfile("sRGB"), outputMode=output_mode
        )
    except (OSError, ValueError, ImageCms.PyCMSError) as exc:
        log.debug("colour profile not applied: %s", exc)
        return image
    return converted if converted is not None else image


def _orientation(image: Image.Image) -> int:
    """The EXIF orientation of ``image`` (1, upright, when absent or unreadable)."""
    try:
        value = image.getexif().get(0x0112, 1)
    except IMAGE_ERRORS as exc:  # a broken EXIF block
        log.debug("ignoring unreadable EXIF data: %s", exc)
        return 1
    return value if isinstance(value, int) else 1


def clean_image(
    image: Image.Image, orientation: int | None = None, *, own: bool = False
) -> Image.Image:
    """``image`` in sRGB, upright, 8-bit (``L``, ``LA``, ``RGB``, ``RGBA``), without metadata.

    ``orientation`` is the EXIF orientation to apply (default: the image's
    own). When nothing has to change, ``image`` itself is returned if it has
    no metadata, or if ``own`` is true (the caller owns it: its ``info`` is
    emptied in place); otherwise a copy, so no full-size copy is made for
    nothing.
    Raises one of :data:`IMAGE_ERRORS` when Pillow cannot decode or convert it.
    """
    if orientation is None:
        orientation = _orientation(image)
    result = _to_srgb(image)
    result = to_8bit(result)
    transpose = _ORIENTATIONS.get(orientation)
    if transpose is not None:
        result = result.transpose(transpose)
    if result is image and image.info and not own:
        result = image.copy()
    result.info = {}  # EXIF, XMP, IPTC, ICC profile, comments, text chunks: all dropped
    return result


def read_animation(image: Image.Image, *, max_frames: int, max_pixels: int) -> Animation:
    """Decode every frame of an animated ``image`` into an :class:`Animation`.

    Frames are decoded one by one, each the whole canvas in ``RGBA``; a frame
    count over ``max_frames`` or a total over ``max_pixels`` (frames x width x
    height) raises :class:`ValueError` before anything is decoded. Decoding
    errors are Pillow's (see :data:`IMAGE_ERRORS`).
    """
    count = int(getattr(image, "n_frames", 1))
    width, height = image.size
    if count > max_frames or count * width * height > max_pixels:
        raise ValueError(f"{count} frames of {width}x{height} pixels is over the budget")
    fmt = ANIMATION_FORMATS.get(image.format or "", "WEBP")
    orientation = _orientation(image)
    loop = image.info.get("loop")
    frames: list[Image.Image] = []
    durations: list[int] = []
    for frame in ImageSequence.Iterator(image):
        frame.load()
        durations.append(max(0, int(frame.info.get("duration") or 0)))
        # to_8bit scales 16-bit frames (convert alone would clip them); convert: always a copy
        rgba = clean_image(to_8bit(frame).convert("RGBA"), orientation)
        if frames and rgba.size != frames[0].size:  # a frame outside the canvas: cut to it
            canvas = Image.new("RGBA", frames[0].size, (0, 0, 0, 0))
            canvas.paste(rgba, (0, 0))
            rgba = canvas
        frames.append(rgba)
    if not any(has_transparency(frame) for frame in frames):
        frames = [frame.convert("RGB") for frame in frames]
    return Animation(frames, durations, int(loop) if isinstance(loop, int) else None, fmt)


def _resize(image: Image.Image, size: tuple[int, int]) -> Image.Image:
    """``image`` resized to ``size`` with Lanczos (reducing by whole factors first, for speed)."""
    if image.size == size:
        return image
    resized = image.resize(size, Image.Resampling.LANCZOS, reducing_gap=3.0)
    resized.info = {}
    return resized


def fit(size: tuple[int, int], longest: int) -> tuple[int, int]:
    """``size`` scaled down so that its longest side is at most ``longest`` (never up)."""
    width, height = size
    if max(width, height) <= longest:
        return size
    ratio = longest / max(width, height)
    return max(1, round(width * ratio)), max(1, round(height * ratio))


def resized(image: Image.Image | Animation, longest: int) -> Image.Image | Animation:
    """``image`` (a still or an :class:`Animation`) with its longest side at most ``longest``."""
    size = fit(image.size, longest)
    if isinstance(image, Animation):
        return image if size == image.size else image.resized(size)
    return _resize(image, size)


def _plain(images: Iterable[Image.Image]) -> list[Image.Image]:
    """The images without ``info`` (copied when they have some), so no saver copies metadata."""
    plain = []
    for image in images:
        if image.info:
            image = image.copy()
            image.info = {}
        plain.append(image)
    return plain


#: The palette index of see-through pixels in the GIF frames written.
_GIF_CLEAR = 255


def _gif_frame(frame: Image.Image) -> Image.Image:
    """``frame`` (``RGB`` or ``RGBA``) in a palette of its own, for a GIF.

    Quantized with Pillow's fast octree (Pillow's default, median cut, takes
    seconds a frame); pixels under half opaque take the index
    :data:`_GIF_CLEAR`, which the GIF marks as transparent.
    """
    if frame.mode != "RGBA":
        return frame.convert("RGB").quantize(256, method=Image.Quantize.FASTOCTREE)
    paletted = frame.convert("RGB").quantize(_GIF_CLEAR, method=Image.Quantize.FASTOCTREE)
    palette = paletted.getpalette() or []
    paletted.putpalette(palette + [0] * (768 - len(palette)))
    clear = frame.getchannel("A").point(lambda alpha: 255 if alpha < 128 else 0)
    paletted.paste(_GIF_CLEAR, mask=clear)
    return paletted


def _keep_webp_alpha(frame: Image.Image) -> Image.Image:
    """``frame`` with its fully transparent corners made alpha 1 (invisible).

    libwebp's animation encoder crops a first frame to its visible pixels and,
    when what is left is opaque, writes the file without its alpha flag, so
    readers fill the see-through border with black. Keeping the corners in
    the frame keeps the transparency.
    """
    corners = [
        (0, 0),
        (frame.width - 1, 0),
        (0, frame.height - 1),
        (frame.width - 1, frame.height - 1),
    ]
    alpha = frame.getchannel("A")
    if all(alpha.getpixel(xy) for xy in corners):
        return frame
    frame = frame.copy()
    for xy in corners:
        red, green, blue, opacity = frame.getpixel(xy)  # type: ignore[misc]
        if opacity == 0:
            frame.putpixel(xy, (red, green, blue, 1))
    return frame


def encode(image: Image.Image | Animation, fmt: str) -> bytes:
    """Write ``image`` (a clean still or an :class:`Animation`) as ``fmt``; returns the bytes.

    ``fmt`` is ``JPEG``, ``PNG``, ``GIF`` or ``WEBP``. Nothing but pixels (and
    an animation's timing and loop count) is written: no EXIF, XMP, ICC
    profile, comment or text chunk. Raises one of :data:`IMAGE_ERRORS` when
    the encoder refuses the image.
    """
    out = io.BytesIO()
    options: dict[str, Any] = {}
    if fmt == "JPEG":
        options = {"quality": JPEG_QUALITY, "optimize": True, "progressive": True}
    elif fmt == "PNG":
        options = {"compress_level": 6}
    elif fmt == "WEBP":
        options = {"quality": JPEG_QUALITY, "method": 4}
    if isinstance(image, Animation):
        frames = _plain(image.frames)
        if fmt == "GIF":
            options["disposal"] = 2  # every frame is a whole canvas: clear before the next
            if any(frame.mode == "RGBA" for frame in frames):
                options["transparency"] = _GIF_CLEAR
            frames = [_gif_frame(frame) for frame in frames]
        elif fmt == "WEBP":
            options["method"] = 0  # many frames: the fastest method, still far smaller than GIF
        if fmt == "WEBP" and frames[0].mode == "RGBA":
            frames[0] = _keep_webp_alpha(frames[0])
        if image.loop is not None:
            options["loop"] = image.loop
        elif fmt == "WEBP":
            options["loop"] = 1  # WebP has no "no loop" marker: play once
        elif fmt == "PNG":
            options["loop"] = 1
        frames[0].save(
            out,
            fmt,
            save_all=True,
            append_images=frames[1:],
            duration=[d or 100 for d in image.durations],
            **options,
        )
        return out.getvalue()
    [still] = _plain([image])
    if fmt == "JPEG" and still.mode not in ("RGB", "L"):
        still = still.convert("RGB")
    if fmt == "WEBP" and still.mode not in ("RGB", "RGBA"):
        still = still.convert("RGBA" if "A" in still.mode else "RGB")
    still.save(out, fmt, **options)
    return out.getvalue()


def encode_image(image: Image.Image) -> tuple[bytes, str, str, tuple[int, int]]:
    """Re-encode ``image``: ``(data, extension, mime type, (width, height))``.

    A PNG (RGBA) when some pixel is transparent, else a JPEG (RGB); turned
    upright by its EXIF orientation, colours in sRGB, and without any
    metadata. Raises one of :data:`IMAGE_ERRORS` for an image Pillow cannot
    decode or encode.
    """
    clean = clean_image(image)
    if has_transparency(clean):
        clean = clean.convert("RGBA") if clean.mode != "RGBA" else clean
        return encode(clean, "PNG"), "png", "image/png", clean.size
    clean = clean.convert("RGB") if clean.mode != "RGB" else clean
    return encode(clean, "JPEG"), "jpg", "image/jpeg", clean.size


def media_dir() -> Path:
    """The folder media files live in (``MEDIA_DIR``)."""
    return Path(current_app.config["MEDIA_DIR"])


def generated_name(extension: str) -> str:
    """A new file name under the current year and month: ``2026/11/<uuid4 hex>.jpg``."""
    now = utcnow()
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def write_media_file(name: str, data: bytes) -> Path:
    """Write ``data`` as ``name`` inside the media folder (never overwriting); returns the path."""
    target = media_dir() / name
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:  # "x": never overwrite, however unlikely a clash is
        handle.write(data)
    return target


def store_image(
    image: Image.Image | Animation,
    *,
    original_name: str = "",
    alt: str = "",
    uploaded_by: Any = None,
    before_write: Callable[[int], object] | None = None,
) -> Media:
    """Re-encode ``image``, write it under a generated name and add its :class:`Media` row.

    ``image`` is a Pillow image (a still) or an :class:`Animation`, which is
    kept animated in its own format. The row is added to the session, not
    committed: the caller commits (and, if it rolls back instead, removes the
    file with :func:`delete_media_file`, or has :func:`delete_unless_committed`
    do it). ``uploaded_by`` is a
    :class:`~cms.models.User` or ``None``; ``original_name`` and ``alt`` are
    stored without control or bidirectional-override characters. Raises
    :class:`ValueError` for an image of more than :data:`MAX_PIXELS` pixels,
    and one of :data:`IMAGE_ERRORS` when Pillow cannot convert it; nothing
    is written then. Checking what an upload really is, and its size limits,
    is the caller's job (:func:`cms.content.uploads.read_image`).
    ``before_write``, if given, is called with the size in bytes of the encoded
    file before it is written (a storage quota reserves it); whatever it raises
    propagates, and nothing is written then.
    """
    width, height = image.size
    if width < 1 or height < 1:
        raise ValueError("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"the image has {width * height:,} pixels, more than the {MAX_PIXELS:,} allowed"
        )
    if isinstance(image, Animation):
        data = encode(image, image.format)
        extension, mime_type = FORMAT_FILES[image.format]
    else:
        data, extension, mime_type, (width, height) = encode_image(image)
    if before_write is not None:
        before_write(len(data))
    filename = generated_name(extension)
    write_media_file(filename, data)
    media = Media(
        filename=filename,
        original_name=visible_text(original_name)[:ORIGINAL_NAME_MAX],
        mime_type=mime_type,
        width=width,
        height=height,
        size=len(data),
        alt=visible_text(alt)[:ALT_MAX],
        variants={},
        uploaded_by_id=getattr(uploaded_by, "id", None),
    )
    db.session.add(media)
    return media


def _inside(folder: Path, name: str) -> Path | None:
    """``folder / name`` if it stays inside ``folder``, else ``None``."""
    if not name:
        return None
    root = folder.resolve()
    path = (root / name).resolve()
    return path if root in path.parents else None


def delete_files(names: Sequence[str], folder: Path | None = None) -> None:
    """Remove these files (names relative to the media folder) and their emptied folders.

    ``folder`` is the media folder (default: :func:`media_dir` of the current app).
    Missing files are ignored, as are names that would lead outside the folder.
    """
    folder = media_dir() if folder is None else folder
    root = folder.resolve()
    for name in names:
        path = _inside(folder, name)
        if path is None:
            if name:
                log.warning("not deleting %r: outside the media folder", name)
            continue
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != root and root in parent.parents:
            try:
                parent.rmdir()  # only succeeds when empty
            except OSError:
                break
            parent = parent.parent


def delete_media_file(media: Media) -> None:
    """Remove the files of ``media`` (the original and its variants) from the media folder.

    Missing files are ignored, as are names that would lead outside the
    folder; emptied year and month folders are removed too. The row itself is
    the caller's to delete.
    """
    delete_files([media.filename, *(media.variants or {}).values()])


def delete_unless_committed(names: Sequence[str]) -> None:
    """Delete these media files if the current session's transaction ends without a commit.

    For the files of rows added to the session (``names`` relative to the media
    folder): a rollback, a commit that fails (a locked database, a lost
    connection) or a session closed without committing removes them, so no file
    is served that no row stores. Once the outermost transaction commits, they
    are kept. Without a transaction in progress there is nothing to wait for,
    and the files are left as they are.
    """
    if not names:
        return
    with _listener_lock:
        if not event.contains(Session, "after_commit", _keep_committed):
            event.listen(Session, "after_commit", _keep_committed)
            event.listen(Session, "after_transaction_end", _delete_uncommitted)
    session = db.session()
    if session.get_transaction() is None:
        return
    session.info.setdefault(_PENDING, []).append((media_dir(), list(names)))


def _keep_committed(session: Session) -> None:
    """``after_commit``: the outermost transaction committed; its files are kept."""
    if not session.in_nested_transaction():  # a savepoint released: the outer one may roll back
        session.info.pop(_PENDING, None)


def _delete_uncommitted(session: Session, transaction: SessionTransaction) -> None:
    """``after_transaction_end``: delete the files an outermost transaction did not commit."""
    if transaction.parent is not None:
        return
    for folder, names in session.info.pop(_PENDING, []):
        try:
            delete_files(names, folder)
        except OSError:  # never fail a rollback for it; the files are orphans now
            log.exception("files of an uncommitted upload not deleted: %s", names)
        else:
            log.info("deleted %d files of an upload that was not committed", len(names))
