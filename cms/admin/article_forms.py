"""The article form of the back office, and the conversions between it and the content services.

Publish times are typed in the site time zone (``datetime-local`` has no zone)
and stored in UTC; :func:`local_to_utc` and :func:`utc_to_local` convert with
the time zone Flask-Babel selected for the request.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from flask import url_for
from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateTimeLocalField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import DataRequired, Optional

from cms.admin.forms import StoredLength
from cms.admin.numbers import parse_id
from cms.content.media import media_name, visible_text
from cms.models import Article, Category, Media
from cms.models.content import BODY_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX

#: The article states, as offered in the form.
STATUS_CHOICES = [
    SelectChoice("draft", _l("Draft")),
    SelectChoice("published", _l("Published")),
    SelectChoice("scheduled", _l("Scheduled")),
]

#: The ``datetime-local`` formats accepted; the first one is rendered.
LOCAL_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

#: Service field name -> form field name, where they differ.
SERVICE_TO_FORM = {
    "body_html": "body",
    "category_id": "category",
    "image_id": "image",
}


def local_to_utc(value: datetime) -> datetime:
    """Read a naive date-time as site-local time and return it as aware UTC.

    Raises :class:`ValueError` when the time cannot be expressed in UTC (near year 1).
    """
    zone = get_timezone() or UTC
    localize = getattr(zone, "localize", None)  # pytz zones need localize(), zoneinfo replace()
    try:
        aware = localize(value) if localize is not None else value.replace(tzinfo=zone)
        return aware.astimezone(UTC)
    except OverflowError as exc:
        raise ValueError("date-time out of range") from exc


def utc_to_local(value: datetime | None) -> datetime | None:
    """A stored (UTC) date-time as naive site-local time, for the ``datetime-local`` input."""
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    try:
        return value.astimezone(get_timezone() or UTC).replace(tzinfo=None)
    except OverflowError:
        return None


def split_tags(text: str | None) -> list[str]:
    """The tag names of a comma-separated list, trimmed, empty ones dropped."""
    return [name.strip() for name in (text or "").replace("،", ",").split(",") if name.strip()]


def thumbnail_url(media: Media) -> str:
    """The URL of a media item's thumbnail, or of the file itself when it has none."""
    variants = media.variants or {}
    return url_for("public.media", filename=variants.get("thumbnail") or media.filename)


def media_label(media: Media) -> str:
    """How a media item is named in the picker: its alt text, else its file name."""
    name, alt = media_name(media), visible_text(media.alt)
    return f"{alt} ({name})" if alt else name


class ArticleForm(FlaskForm):
    """Create or edit an article; :meth:`article_data` gives what ``save_article`` takes."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("The title is required.")),
            StoredLength(TITLE_MAX, _l("The title is too long (at most %(max)d characters).")),
        ],
    )
    slug = StringField(
        _l("Address (slug)"),
        validators=[
            Optional(),
            StoredLength(SLUG_MAX),
        ],
    )
    summary = TextAreaField(
        _l("Summary"),
        validators=[StoredLength(SUMMARY_MAX, single_line=False)],
        render_kw={"rows": 3},
    )
    body = TextAreaField(
        _l("Body"),
        validators=[StoredLength(BODY_MAX, single_line=False)],
        render_kw={"rows": 16, "data-editor": "article"},
    )
    category = SelectField(_l("Category"), validate_choice=False)
    tags = StringField(
        _l("Tags"),
        validators=[StoredLength(5000)],
    )
    image = SelectField(_l("Featured image"), validate_choice=False)
    status = SelectField(_l("Status"), choices=STATUS_CHOICES, default="draft")
    published_at = DateTimeLocalField(
        _l("Publish time"),
        format=LOCAL_FORMATS,
        validators=[Optional()],
        invalid_value_message=_l("The publish time is not a valid date and time."),
    )

    def set_choices(self, categories: Iterable[Category], media: Iterable[Media]) -> None:
        """Fill the category and image pickers (the image options carry their thumbnail)."""
        self.category.choices = [SelectChoice("", _l("— No category —"))] + [
            SelectChoice(str(c.id), "— " * depth + c.name) for c, depth in tree_order(categories)
        ]
        self.image.choices = [SelectChoice("", _l("— No image —"))] + [
            SelectChoice(str(m.id), media_label(m), render_kw={"data-thumb": thumbnail_url(m)})
            for m in media
        ]

    @classmethod
    def for_article(cls, article: Article) -> ArticleForm:
        """A form showing ``article`` as stored (the request's data wins when posted)."""
        return cls(
            data={
                "title": article.title,
                "slug": article.slug,
                "summary": article.summary,
                "body": article.body_html,
                "category": str(article.category_id or ""),
                "tags": ", ".join(t.name for t in article.tags),
                "image": str(article.image_id or ""),
                "status": article.effective_status,
                "published_at": utc_to_local(article.published_at),
            }
        )

    def validate_category(self, field: SelectField) -> None:
        """A category is an id or nothing."""
        if field.data and parse_id(str(field.data)) is None:
            raise ValidationError(_l("No such category."))

    def validate_image(self, field: SelectField) -> None:
        """An image is an id or nothing."""
        if field.data and parse_id(str(field.data)) is None:
            raise ValidationError(_l("No such image."))

    def validate_status(self, field: SelectField) -> None:
        """One of the article states."""
        if field.data not in {c.value for c in STATUS_CHOICES}:
            raise ValidationError(_l("Choose a status from the list."))

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        """Validate every field; scheduling also needs a publish time."""
        valid = super().validate(extra_validators)
        field = self.published_at
        if self.status.data == "scheduled" and field.data is None and not field.errors:
            field.errors = [*field.errors, _l("Choose when the article should be published.")]
            valid = False
        return valid

    def validate_published_at(self, field: DateTimeLocalField) -> None:
        """Every time typed must exist in UTC."""
        if field.data is None:
            return
        try:
            local_to_utc(field.data)
        except ValueError as exc:
            raise ValidationError(_l("The publish time is not a valid date and time.")) from exc

    def published_at_utc(self) -> datetime | None:
        """The publish time typed, in UTC (``None`` when left empty)."""
        if self.published_at.data is None:
            return None
        return local_to_utc(self.published_at.data)

    def article_data(self, current: Article | None = None) -> dict[str, Any]:
        """The fields for :func:`cms.content.save_article`, from a validated form.

        A publish time shown to the minute and posted back unchanged keeps the
        stored value (seconds included), so saving never moves it by accident.
        """
        data: dict[str, Any] = {
            "title": self.title.data or "",
            "slug": (self.slug.data or "").strip(),
            "summary": self.summary.data or "",
            "body_html": self.body.data or "",
            "category_id": parse_id(str(self.category.data or "")),
            "image_id": parse_id(str(self.image.data or "")),
            "tags": split_tags(self.tags.data),
            "status": self.status.data,
            "published_at": self.published_at_utc(),
        }
        if current is not None and current.published_at is not None:
            shown = utc_to_local(current.published_at)
            if shown is not None and shown.replace(second=0, microsecond=0) == (
                self.published_at.data
            ):
                del data["published_at"]
        if current is not None and not data["slug"]:
            del data["slug"]  # an emptied slug keeps the current address
        return data

    def show_errors(self, errors: Mapping[str, str]) -> list[str]:
        """Put service errors on the matching fields; returns those that match no field."""
        unplaced = []
        for name, message in errors.items():
            target = SERVICE_TO_FORM.get(name, name)
            if target in self._fields and target != "csrf_token":
                self[target].errors = [*self[target].errors, message]
            else:
                unplaced.append(message)
        return unplaced


def tree_order(categories: Iterable[Category]) -> list[tuple[Category, int]]:
    """Categories parents first, each followed by its children, with their depth."""
    rows = list(categories)
    ids = {c.id for c in rows}
    children: dict[int | None, list[Category]] = {}
    for c in rows:
        parent = c.parent_id if c.parent_id in ids and c.parent_id != c.id else None
        children.setdefault(parent, []).append(c)
    ordered: list[tuple[Category, int]] = []
    seen: set[int] = set()

    def walk(parent: int | None, depth: int) -> None:
        for c in children.get(parent, []):
            if c.id not in seen:
                seen.add(c.id)
                ordered.append((c, depth))
                walk(c.id, depth + 1)

    walk(None, 0)
    ordered.extend((c, 0) for c in rows if c.id not in seen)  # members of a cycle
    return ordered
