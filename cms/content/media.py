"""Stored images: re-encoded, stripped of metadata, kept under generated names.

:func:`store_image` is the one way an image enters the media folder, whether
it was uploaded (see :mod:`cms.content.uploads`) or generated (``cms demo``).
Whatever the source, the file written is a fresh JPEG (or a PNG when the image
has transparency) under ``<year>/<month>/<uuid4 hex>.<ext>``: no name, path or
metadata of the original survives.
"""

from __future__ import annotations

import io
import logging
import uuid
from pathlib import Path
from typing import Any

from flask import current_app
from PIL import Image, ImageOps

from cms.extensions import db
from cms.models import Media, utcnow

log = logging.getLogger(__name__)

#: Largest image :func:`store_image` accepts, in pixels (width x height).
MAX_PIXELS = 40_000_000

#: Quality of the JPEG files written.
JPEG_QUALITY = 85

#: Longest ``original_name`` and ``alt`` kept (the column sizes).
ORIGINAL_NAME_MAX = 255
ALT_MAX = 500


def has_transparency(image: Image.Image) -> bool:
    """Whether any pixel of ``image`` is not fully opaque."""
    if image.mode in ("RGBA", "LA", "PA"):
        alpha = image.getchannel("A")
    elif "transparency" in image.info:
        # A palette or colour-key transparency: only real if some pixel uses it.
        alpha = image.convert("RGBA").getchannel("A")
    else:
        return False
    low, _high = alpha.getextrema()
    return isinstance(low, int) and low < 255


def _clean_copy(image: Image.Image, mode: str) -> Image.Image:
    """A new image: ``image`` in ``mode``, EXIF orientation applied, without any metadata."""
    try:
        oriented = ImageOps.exif_transpose(image)
    except (ValueError, TypeError, SyntaxError) as exc:  # a broken EXIF block
        log.debug("ignoring unreadable EXIF data: %s", exc)
        oriented = image
    oriented = _to_srgb(oriented)
    if oriented.mode in ("I", "I;16", "I;16B", "I;16L", "I;16N", "F"):
        oriented = oriented.convert("L")  # no direct path from these to RGB
    converted = oriented.convert(mode)  # always a new object, never the caller's
    converted.info = {}  # EXIF, XMP, ICC profile, comments, text chunks: all dropped
    return converted


def _to_srgb(image: Image.Image) -> Image.Image:
    """``image`` converted to sRGB when it carries a colour profile (which is then dropped).

    Photos from phones and cameras are often in Display P3 or Adobe RGB; once
    their profile is gone a browser takes them for sRGB, so the colours are
    converted first. Without a usable profile the image is returned as is.
    """
    icc = image.info.get("icc_profile")
    if not icc or image.mode not in ("RGB", "RGBA", "CMYK"):
        return image
    from PIL import ImageCms

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


def encode_image(image: Image.Image) -> tuple[bytes, str, str, tuple[int, int]]:
    """Re-encode ``image``: ``(data, extension, mime type, (width, height))``.

    A PNG (RGBA) when some pixel is transparent, else a JPEG (RGB); turned
    upright by its EXIF orientation, and without any metadata.
    """
    out = io.BytesIO()
    if has_transparency(image):
        clean = _clean_copy(image, "RGBA")
        clean.save(out, "PNG", compress_level=6)
        return out.getvalue(), "png", "image/png", clean.size
    clean = _clean_copy(image, "RGB")
    clean.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue(), "jpg", "image/jpeg", clean.size


def media_dir() -> Path:
    """The folder media files live in (``MEDIA_DIR``)."""
    return Path(current_app.config["MEDIA_DIR"])


def generated_name(extension: str) -> str:
    """A new file name under the current year and month: ``2026/11/<uuid4 hex>.jpg``."""
    now = utcnow()
    return f"{now:%Y}/{now:%m}/{uuid.uuid4().hex}.{extension}"


def store_image(
    image: Image.Image,
    *,
    original_name: str = "",
    alt: str = "",
    uploaded_by: Any = None,
) -> Media:
    """Re-encode ``image``, write it under a generated name and add its :class:`Media` row.

    The row is added to the session, not committed: the caller commits (and,
    if it rolls back instead, removes the file with :func:`delete_media_file`).
    ``uploaded_by`` is a :class:`~cms.models.User` or ``None``. Raises
    :class:`ValueError` for an image of more than :data:`MAX_PIXELS` pixels.
    Checking what an upload really is, and its size limits, is the caller's
    job (:func:`cms.content.uploads.read_image`).
    """
    width, height = image.size
    if width < 1 or height < 1:
        raise ValueError("the image has no pixels")
    if width * height > MAX_PIXELS:
        raise ValueError(
            f"the image has {width * height:,} pixels, more than the {MAX_PIXELS:,} allowed"
        )
    data, extension, mime_type, (width, height) = encode_image(image)
    folder = media_dir()
    filename = generated_name(extension)
    target = folder / filename
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("xb") as handle:  # "x": never overwrite, however unlikely a clash is
        handle.write(data)
    media = Media(
        filename=filename,
        original_name=original_name[:ORIGINAL_NAME_MAX],
        mime_type=mime_type,
        width=width,
        height=height,
        size=len(data),
        alt=alt[:ALT_MAX],
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


def delete_media_file(media: Media) -> None:
    """Remove the files of ``media`` (the original and its variants) from the media folder.

    Missing files are ignored, as are names that would lead outside the
    folder; emptied year and month folders are removed too. The row itself is
    the caller's to delete.
    """
    folder = media_dir()
    root = folder.resolve()
    names = [media.filename, *(media.variants or {}).values()]
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
