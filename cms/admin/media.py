"""Back office: the media library (upload, search, alt text, delete)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import MultipleFileField
from sqlalchemy import or_, select
from wtforms import StringField
from wtforms.validators import Length

from cms.admin import bp
from cms.admin.menu import MenuItem
from cms.admin.permissions import role_required
from cms.audit import record
from cms.content.errors import ContentError
from cms.content.media import delete_media_file, media_name, visible_text
from cms.content.text import clean_text
from cms.content.upload_limits import (
    UploadPolicy,
    UploadQuotaExceeded,
    UploadRateLimited,
    format_size,
    used_bytes,
)
from cms.content.uploads import media_in_use, save_upload
from cms.extensions import db
from cms.form_status import REFUSED, form_status
from cms.models import Media
from cms.paging import page_or_404

#: Menu entries of these screens.
MENU = [MenuItem("admin.media", _l("Media"), order=15, section="admin.media")]

# Names and alt texts shown in the back office go through these (see visible_text).
bp.add_app_template_filter(visible_text, "visible")
bp.add_app_template_global(media_name, "media_name")

#: Images per page of the library.
PER_PAGE = 30


class UploadForm(FlaskForm):
    """One or more images, with an alt text for all of them."""

    files = MultipleFileField(_l("Images"))
    alt = StringField(_l("Alternative text"), validators=[Length(max=500)])


class AltForm(FlaskForm):
    """The text read out for an image that cannot be seen."""

    alt = StringField(_l("Alternative text"), validators=[Length(max=500)])


@bp.route("/media", methods=["GET", "POST"])
@role_required("editor", "author")
def media() -> Any:
    """The library: search, a grid of images, and the upload form (drag-and-drop or plain).

    Each image is stored on its own (one refused image does not stop the others),
    within the user's upload rate and storage quota: past the rate, the images
    left are not tried and the screen answers 429 with ``Retry-After``; when the
    quota is full, the images left are not tried either. The alt text typed is
    kept whenever something was refused.
    """
    form = UploadForm()
    retry_after: int | None = None
    if form.validate_on_submit():
        files = [f for f in (form.files.data or []) if f and f.filename]
        if not files:
            form.files.errors = [_("Choose at least one image.")]
        else:
            stored, refused, retry_after = _upload_all(files, form.alt.data or "")
            if stored:
                message = ngettext(
                    "%(num)d image uploaded.", "%(num)d images uploaded.", len(stored)
                )
                flash(message, "success")
            for message in refused:
                flash(message, "error")
            if not refused:
                return redirect(url_for("admin.media"))
    q = request.args.get("q", "").strip()[:100]
    query = select(Media).order_by(Media.created_at.desc(), Media.id.desc())
    if q:
        pattern = f"%{q}%"
        query = query.where(or_(Media.alt.ilike(pattern), Media.original_name.ilike(pattern)))
    listing = page_or_404(query, PER_PAGE)
    items, total, page = listing.items, listing.total, listing.page
    status = REFUSED if form.errors else form_status()
    headers = {}
    if retry_after is not None:
        status, headers = 429, {"Retry-After": str(retry_after)}
    return (
        render_template(
            "admin/media/index.html",
            form=form,
            items=items,
            total=total,
            page=page,
            per_page=PER_PAGE,
            q=q,
            usage=_usage(),
        ),
        status,
        headers,
    )


def _upload_all(files: list[Any], alt: str) -> tuple[list[Media], list[str], int | None]:
    """Store each file, each in its own commit; ``(stored, messages of refusals, retry_after)``.

    ``retry_after`` (seconds) is set when the upload rate stopped the batch. Any
    other error (a locked database: 503) propagates; the files of the image whose
    commit did not happen are deleted when its transaction ends (see
    :func:`cms.content.uploads.save_upload`), those committed before it stay.
    """
    stored: list[Media] = []
    refused: list[str] = []
    for index, upload in enumerate(files):
        try:
            item = save_upload(upload.stream, upload.filename, alt=alt, uploaded_by=current_user)
            db.session.flush()
            record("media.upload", item, _("Uploaded %(name)s", name=media_name(item)))
            db.session.commit()
            stored.append(item)
        except ContentError as exc:
            db.session.rollback()
            refused.extend(exc.errors.values())
            left = len(files) - index - 1
            stop = isinstance(exc, UploadRateLimited) or (
                isinstance(exc, UploadQuotaExceeded) and exc.room <= 0
            )
            if stop:
                if left:
                    refused.append(
                        ngettext(
                            "%(num)d more image was not uploaded.",
                            "%(num)d more images were not uploaded.",
                            left,
                        )
                    )
                retry_after = exc.retry_after if isinstance(exc, UploadRateLimited) else None
                return stored, refused, retry_after
    return stored, refused, None


def _usage() -> str | None:
    """The signed-in user's storage use and quota, as a sentence; None without a quota."""
    policy = UploadPolicy.current()
    if policy.quota_bytes <= 0:
        return None
    return _(
        "You use %(used)s of your storage quota of %(quota)s.",
        used=format_size(used_bytes(current_user.id)),
        quota=format_size(policy.quota_bytes),
    )


def _item(media_id: int) -> Media:
    item = db.session.get(Media, media_id)
    if item is None:
        abort(404)
    return item


@bp.route("/media/<int:media_id>", methods=["GET", "POST"])
@role_required("editor", "author")
def media_edit(media_id: int) -> Any:
    """An image's details, alt text, variants and where it is used."""
    item = _item(media_id)
    form = AltForm(data={"alt": visible_text(item.alt)})
    if form.validate_on_submit():
        if not current_user.can("editor") and item.uploaded_by_id != current_user.id:
            abort(403)
        item.alt = visible_text(clean_text(form.alt.data or "", single_line=True))
        record(
            "media.update", item, _("Alternative text of %(name)s changed", name=media_name(item))
        )
        db.session.commit()
        flash(_("Saved."), "success")
        return redirect(url_for("admin.media_edit", media_id=item.id))
    return render_template(
        "admin/media/edit.html",
        item=item,
        form=form,
        uses=media_in_use(item),
    ), form_status()


@bp.route("/media/<int:media_id>/delete", methods=["POST"])
@role_required("editor", "author")
def media_delete(media_id: int) -> Any:
    """Delete an image and its files, unless something still uses it."""
    item = _item(media_id)
    if not current_user.can("editor") and item.uploaded_by_id != current_user.id:
        abort(403)
    uses = media_in_use(item)
    if uses:
        flash(
            _("This image is still used by %(uses)s; it was not deleted.", uses=", ".join(uses)),
            "error",
        )
        return redirect(url_for("admin.media_edit", media_id=item.id))
    record("media.delete", item, _("Deleted %(name)s", name=media_name(item)))
    delete_media_file(item)
    db.session.delete(item)
    db.session.commit()
    flash(_("Image deleted."), "success")
    return redirect(url_for("admin.media"))
