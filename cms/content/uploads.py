"""Image uploads: checked by content, bounded, re-encoded, resized into variants.

Nothing a browser sends is trusted: the format is what Pillow finds in the
bytes (JPEG, PNG, WebP or GIF only), the size is bounded in bytes and in
pixels before decoding (no decompression bombs), EXIF orientation is applied
and all metadata dropped by re-encoding, and files get generated names.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path
from typing import IO, Any

from flask import current_app
from flask_babel import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from cms.content.errors import ContentError
from cms.content.text import clean_text
from cms.models import Media

#: Formats accepted, as Pillow names them.
ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP", "GIF"}

#: Variant name -> longest side in pixels (``webp`` is the large size in WebP).
VARIANTS = {"thumbnail": 320, "medium": 800, "large": 1600}


def _limits() -> tuple[int, int]:
    config = current_app.config
    return int(config.get("MEDIA_MAX_BYTES", 10 * 1024 * 1024)), int(
        config.get("MEDIA_MAX_PIXELS", 40_000_000)
    )


def read_image(stream: IO[bytes], filename: str = "") -> Image.Image:
    """Read and check an uploaded image; raises :class:`ContentError` with a clear message."""
    max_bytes, max_pixels = _limits()
    data = stream.read(max_bytes + 1)
    if not data:
        raise ContentError({"file": _("The file %(name)s is empty.", name=filename)})
    if len(data) > max_bytes:
        limit = max_bytes // 1_048_576
        raise ContentError(
            {"file": _("%(name)s is larger than %(limit)d MB.", name=filename, limit=limit)}
        )
    not_an_image = ContentError(
        {"file": _("%(name)s is not a JPEG, PNG, WebP or GIF image.", name=filename)}
    )
    too_many_pixels = ContentError(
        {
            "file": _(
                "%(name)s has too many pixels (at most %(limit)d million).",
                name=filename,
                limit=max_pixels // 1_000_000,
            )
        }
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            # Opening reads the header only; the pixel count is checked before decoding.
            image = Image.open(io.BytesIO(data))
            if image.format not in ALLOWED_FORMATS:
                raise not_an_image
            if image.width * image.height > max_pixels:
                raise too_many_pixels
            image.load()
    except ContentError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise too_many_pixels from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise not_an_image from exc
    return ImageOps.exif_transpose(image)


def save_upload(
    stream: IO[bytes], filename: str, *, alt: str = "", uploaded_by: Any = None
) -> Media:
    """Check, re-encode and store an uploaded image with its variants; the caller commits."""
    from cms.content.media import store_image

    image = read_image(stream, filename)
    name = clean_text(Path(filename or "").name, single_line=True)[:255]
    media = store_image(
        image,
        original_name=name,
        alt=clean_text(alt, single_line=True)[:500],
        uploaded_by=uploaded_by,
    )
    media.variants = make_variants(media, image)
    return media


def make_variants(media: Media, image: Image.Image) -> dict[str, str]:
    """Write resized copies beside the original; returns variant name -> file name."""
    media_dir = Path(current_app.config["MEDIA_DIR"])
    stem, _dot, ext = media.filename.rpartition(".")
    keep_alpha = media.mime_type == "image/png"
    variants: dict[str, str] = {}
    for name, size in VARIANTS.items():
        if max(image.size) <= size and name != "thumbnail":
            continue
        copy = image.copy()
        copy.thumbnail((size, size), Image.Resampling.LANCZOS)
        target = f"{stem}-{name}.{ext}"
        _save(copy, media_dir / target, "PNG" if keep_alpha else "JPEG")
        variants[name] = target
    webp = image.copy()
    webp.thumbnail((VARIANTS["large"], VARIANTS["large"]), Image.Resampling.LANCZOS)
    _save(webp, media_dir / f"{stem}.webp", "WEBP")
    variants["webp"] = f"{stem}.webp"
    return variants


def _save(image: Image.Image, path: Path, fmt: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "JPEG" and image.mode not in ("RGB", "L"):
        image = image.convert("RGB")
    if fmt == "WEBP" and image.mode not in ("RGB", "RGBA"):
        image = image.convert(
            "RGBA" if "A" in image.mode or "transparency" in image.info else "RGB"
        )
    options: dict[str, Any] = {"optimize": True} if fmt in ("JPEG", "PNG") else {}
    if fmt in ("JPEG", "WEBP"):
        options["quality"] = 85
    image.save(path, fmt, **options)


def media_in_use(media: Media) -> list[str]:
    """Where ``media`` is used (article images and bodies, the site logo), as readable labels."""
    from sqlalchemy import or_, select

    from cms.content.site import get_setting
    from cms.extensions import db
    from cms.models import Article

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
    return uses
