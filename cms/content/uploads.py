"""Image uploads: checked by content, bounded, re-encoded, resized into variants.

Nothing a browser sends is trusted: the format is what Pillow finds in the
bytes (JPEG, PNG, WebP or GIF only), the size is bounded in bytes, in pixels
per side and in pixels in all, read from the header before anything is
decoded (no decompression bombs, and nothing an encoder cannot write), EXIF
orientation is applied and all metadata dropped by re-encoding (see
:mod:`cms.content.media`), and files get generated names. An animated GIF,
PNG or WebP stays animated, within a frame and pixel budget. Whatever Pillow
raises while decoding, converting or encoding becomes a :class:`ContentError`
with a message in the user's language, never a server error, and leaves no
file behind; nor does an upload whose transaction does not commit.

Every upload also counts against its user's upload rate and storage quota
(:mod:`cms.content.upload_limits`), checked here so that every caller, the
media library and whatever comes after it, applies them the same way.
"""

from __future__ import annotations

import io
import logging
import warnings
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image
from sqlalchemy import or_, select

from cms.content.errors import ContentError
from cms.content.media import (
    IMAGE_ERRORS,
    Animation,
    clean_image,
    delete_files,
    delete_unless_committed,
    encode,
    is_animated,
    read_animation,
    resized,
    store_image,
    visible_text,
    write_media_file,
)
from cms.content.site import get_setting
from cms.content.text import clean_text
from cms.content.upload_limits import Reservation, UploadGuard, hold_until_transaction_end
from cms.extensions import db
from cms.models import Article, Media
from cms.plugins.registry import registry

log = logging.getLogger(__name__)

#: Formats accepted, as Pillow names them (``MPO``: a camera JPEG with a second picture,
#: of which the first, the JPEG itself, is kept).
ALLOWED_FORMATS = {"JPEG", "MPO", "PNG", "WEBP", "GIF"}

#: How JPEG, PNG and GIF files start (a WebP: ``RIFF``, 4 bytes of size, ``WEBP``).
_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n", b"GIF87a", b"GIF89a")

#: Variant name -> longest side in pixels (``webp`` is the large size in WebP).
VARIANTS = {"thumbnail": 320, "medium": 800, "large": 1600}

#: What can go wrong while Pillow works on an upload (``MemoryError`` included: the
#: image's buffers are freed when the error unwinds, and the worker carries on).
_FAILURES: tuple[type[BaseException], ...] = (
    *IMAGE_ERRORS,
    MemoryError,
    Image.DecompressionBombWarning,
)


class UploadLimits:
    """The upload limits of the current app's configuration (see ``cms.config.Defaults``)."""

    def __init__(self) -> None:
        config = current_app.config
        #: Largest file, in bytes (``MEDIA_MAX_BYTES``).
        self.bytes = int(config.get("MEDIA_MAX_BYTES", 10 * 1024 * 1024))
        #: Most pixels of a still image, width x height (``MEDIA_MAX_PIXELS``).
        self.pixels = int(config.get("MEDIA_MAX_PIXELS", 40_000_000))
        #: Longest side, in pixels (``MEDIA_MAX_SIDE``).
        self.side = int(config.get("MEDIA_MAX_SIDE", 16_383))
        #: Most frames of an animation (``MEDIA_MAX_FRAMES``).
        self.frames = int(config.get("MEDIA_MAX_FRAMES", 1_000))
        #: Most pixels of an animation, frames x width x height (``MEDIA_MAX_ANIMATION_PIXELS``).
        self.animation_pixels = int(config.get("MEDIA_MAX_ANIMATION_PIXELS", 20_000_000))


def _error(message: str) -> ContentError:
    return ContentError({"file": message})


def _open(data: bytes, name: str, limits: UploadLimits) -> Image.Image:
    """Open ``data`` (header only) and check format, sides and pixel count before decoding."""
    try:
        image = Image.open(io.BytesIO(data), formats=sorted(ALLOWED_FORMATS - {"MPO"}))
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(name, limits) from exc
    except _FAILURES as exc:
        if looks_like_image(data):  # the start of one, cut short or damaged
            log.info("upload %r has an image signature but could not be opened: %s", name, exc)
            raise _error(
                _("%(name)s is damaged or incomplete and could not be read.", name=name)
            ) from exc
        raise _error(_("%(name)s is not a JPEG, PNG, WebP or GIF image.", name=name)) from exc
    if image.format not in ALLOWED_FORMATS:
        raise _error(_("%(name)s is not a JPEG, PNG, WebP or GIF image.", name=name))
    width, height = image.size
    if width < 1 or height < 1:
        raise _error(_("%(name)s is not a JPEG, PNG, WebP or GIF image.", name=name))
    if max(width, height) > limits.side:
        raise _error(
            _(
                "%(name)s is too large: each side may be at most %(limit)d pixels.",
                name=name,
                limit=limits.side,
            )
        )
    if width * height > limits.pixels:
        raise _too_many_pixels(name, limits)
    return image


def looks_like_image(data: bytes) -> bool:
    """Whether ``data`` starts like a JPEG, PNG, WebP or GIF file (its first bytes only).

    Tells a file that is one of these, damaged or cut short (an interrupted
    transfer), from one that is something else.
    """
    return data.startswith(_SIGNATURES) or (data[:4] == b"RIFF" and data[8:12] == b"WEBP")


def _too_many_pixels(name: str, limits: UploadLimits) -> ContentError:
    return _error(
        _(
            "%(name)s has too many pixels (at most %(limit)d million).",
            name=name,
            limit=limits.pixels // 1_000_000,
        )
    )


def _check_animation(image: Image.Image, name: str, limits: UploadLimits) -> None:
    """Refuse an animation over the frame or pixel budget, before decoding its frames."""
    frames = int(getattr(image, "n_frames", 1))
    if frames > limits.frames:
        raise _error(
            _(
                "%(name)s is an animation with too many frames (%(frames)d; at most %(limit)d).",
                name=name,
                frames=frames,
                limit=limits.frames,
            )
        )
    width, height = image.size
    if frames * width * height > limits.animation_pixels:
        raise _error(
            _(
                "%(name)s is an animation too large to keep (%(frames)d frames of "
                "%(width)d × %(height)d pixels; at most %(limit)d million pixels in all). "
                "Make it shorter or smaller.",
                name=name,
                frames=frames,
                width=width,
                height=height,
                limit=limits.animation_pixels // 1_000_000,
            )
        )


def read_image(stream: IO[bytes], filename: str = "") -> Image.Image | Animation:
    """Read and check an uploaded image; raises :class:`ContentError` with a clear message.

    Returns a still image, already 8-bit, upright, in sRGB and without
    metadata (see :func:`cms.content.media.clean_image`), or an
    :class:`~cms.content.media.Animation` for an animated GIF, PNG or WebP.
    Refused: an empty file or one over ``MEDIA_MAX_BYTES``; anything but
    JPEG, PNG, WebP and GIF; a side over ``MEDIA_MAX_SIDE`` or more than
    ``MEDIA_MAX_PIXELS`` pixels (both read from the header, before decoding);
    an animation over ``MEDIA_MAX_FRAMES`` frames or ``MEDIA_MAX_ANIMATION_PIXELS``
    pixels in all; a file Pillow cannot decode.
    """
    name = display_filename(filename)
    limits = UploadLimits()
    data = stream.read(limits.bytes + 1)
    if not data:
        raise _error(_("The file %(name)s is empty.", name=name))
    if len(data) > limits.bytes:
        limit = limits.bytes // 1_048_576
        raise _error(_("%(name)s is larger than %(limit)d MB.", name=name, limit=limit))
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        image = _open(data, name, limits)
        try:
            # An MPO's second frame is a preview or a stereo view, not an animation.
            if image.format != "MPO" and is_animated(image):
                _check_animation(image, name, limits)
                return read_animation(
                    image, max_frames=limits.frames, max_pixels=limits.animation_pixels
                )
            image.load()
            return clean_image(image, own=True)
        except ContentError:
            raise
        except _FAILURES as exc:
            log.info("upload %r could not be decoded: %s", name, exc)
            raise _error(
                _("%(name)s is damaged or incomplete and could not be read.", name=name)
            ) from exc


def display_filename(filename: str | None) -> str:
    """The name an uploaded file is shown and stored under: its last path part, made visible.

    Browsers on Windows may send ``C:\\Users\\...\\ảnh.jpg``; only ``ảnh.jpg``
    is kept, in NFC, without control or bidirectional-override characters.
    """
    last = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    return visible_text(clean_text(last, single_line=True))[:255]


def save_upload(
    stream: IO[bytes], filename: str, *, alt: str = "", uploaded_by: Any = None
) -> Media:
    """Check, re-encode and store an uploaded image with its variants; the caller commits.

    The files are written at once; if the caller's transaction then ends
    without a commit (a rollback, a locked database, any error), they are
    deleted (:func:`cms.content.media.delete_unless_committed`).
    Raises :class:`ContentError` (field ``file``) for an image that is refused
    or that cannot be converted; no file is left behind and no row added then.
    For a user (``uploaded_by``), the upload first counts against their rate:
    past it, :class:`~cms.content.upload_limits.UploadRateLimited` (with
    ``retry_after`` seconds) before the file is even read; then the stored
    file must fit in their quota, or
    :class:`~cms.content.upload_limits.UploadQuotaExceeded`, with nothing
    written. Both are :class:`ContentError` subclasses. The bytes stay
    reserved in the shared store until the caller's transaction ends.
    """
    name = display_filename(filename)
    guard = UploadGuard.for_user(uploaded_by)
    if guard is not None:
        guard.count_upload()
        guard.check_room(name)
    image = read_image(stream, filename)
    written: list[str] = []
    media: Media | None = None
    reservation: Reservation | None = None

    def reserve(size: int) -> None:
        nonlocal reservation
        if guard is not None:
            reservation = guard.reserve(size, name)

    try:
        media = store_image(
            image,
            original_name=name,
            alt=clean_text(alt, single_line=True),
            uploaded_by=uploaded_by,
            before_write=reserve,
        )
        written.append(media.filename)
        media.variants = make_variants(media, image, written=written)
    except BaseException as exc:
        delete_files(written)
        if media is not None and media in db.session:
            db.session.expunge(media)
        if reservation is not None:
            reservation.release()
        if isinstance(exc, ContentError) or not isinstance(exc, _FAILURES):
            raise  # a refusal with its own message (the quota), or not Pillow's
        log.warning("upload %r could not be converted: %s", name, exc)
        raise _error(
            _(
                "%(name)s could not be converted and stored; nothing was saved. "
                "Try again, or save it as a JPEG or PNG first.",
                name=name,
            )
        ) from exc
    delete_unless_committed(written)
    hold_until_transaction_end(reservation)
    return media


def make_variants(
    media: Media, image: Image.Image | Animation, *, written: list[str] | None = None
) -> dict[str, str]:
    """Write resized copies beside the original; returns variant name -> file name.

    ``thumbnail`` always; ``medium`` and ``large`` when the image is larger
    than their size (:data:`VARIANTS`); ``webp``, the large size in WebP,
    unless the original is a WebP already. A still's copies are JPEGs (PNGs
    when the original is a PNG); an animation's copies are animated in its own
    format, and its WebP animated too. Each copy is resized from the next
    larger one, so no full-size copy is made. The names written are appended
    to ``written`` as they are made (for clean-up after an error); raises one
    of :data:`cms.content.media.IMAGE_ERRORS` when an encoder fails.
    """
    written = [] if written is None else written
    stem, _dot, _ext = media.filename.rpartition(".")
    if isinstance(image, Animation):
        fmt = image.format
    else:
        fmt = "PNG" if media.mime_type == "image/png" else "JPEG"
    extension = {"JPEG": "jpg", "PNG": "png", "GIF": "gif", "WEBP": "webp"}[fmt]
    variants: dict[str, str] = {}
    source: Image.Image | Animation = image
    for name, size in sorted(VARIANTS.items(), key=lambda item: -item[1]):
        smaller = resized(source, size)
        if name == "large" and fmt != "WEBP":
            _write(variants, written, "webp", f"{stem}.webp", encode(smaller, "WEBP"))
        source = smaller
        if max(image.size) <= size and name != "thumbnail":
            continue
        _write(variants, written, name, f"{stem}-{name}.{extension}", encode(smaller, fmt))
    return dict(sorted(variants.items()))


def _write(variants: dict[str, str], written: list[str], key: str, name: str, data: bytes) -> None:
    write_media_file(name, data)
    written.append(name)
    variants[key] = name


def media_in_use(media: Media) -> list[str]:
    """Where ``media`` is used, as readable labels: article images and bodies, the site logo,
    then what installed plugins answer to the ``media_uses`` hook, disabled ones included
    (their rows keep the image for when they are enabled again)."""
    names = [media.filename, *(media.variants or {}).values()]
    articles = (
        db.session.execute(
            select(Article.title)
            .where(
                or_(Article.image_id == media.id, *[Article.body_html.contains(n) for n in names])
            )
            .limit(10)
        )
        .scalars()
        .all()
    )
    uses = [_("article “%(title)s”", title=t) for t in articles]
    if get_setting("logo_id") == media.id:
        uses.append(_("the site logo"))
    if get_setting("favicon_id") == media.id:
        uses.append(_("the site icon"))
    for labels in registry().call("media_uses", installed=True, media_id=media.id):
        uses.extend(str(label) for label in labels)
    return uses
