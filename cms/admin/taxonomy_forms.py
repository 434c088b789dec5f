"""Forms of the page, category and tag screens of the back office.

The forms check what a person can get wrong (required, too long, a parent
that would make a cycle, a position that is not a number); the content
services check again and their messages land on the same fields.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    Field,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, NumberRange, Optional, ValidationError

from cms.admin.numbers import WholeNumberField, parse_id
from cms.admin.tree import TreeRow, parent_choices, subtree_ids
from cms.content.text import stored_length
from cms.models import PAGE_STATUSES
from cms.models.content import BODY_MAX, NAME_MAX, SLUG_MAX, SUMMARY_MAX, TITLE_MAX

#: Highest position a form accepts (positions are renumbered 0..n-1 anyway).
POSITION_MAX = 10_000
#: Longest category description accepted, in characters.
DESCRIPTION_MAX = SUMMARY_MAX

#: Labels of the page states, in the order offered.
PAGE_STATUS_LABELS = {"draft": _l("Draft"), "published": _l("Published")}


def apply_errors(form: FlaskForm, errors: dict[str, str]) -> None:
    """Put a content service's messages on the form's fields; flash those without one."""
    for name, message in errors.items():
        if name in form._fields:
            form[name].errors = [*form[name].errors, message]
        else:
            flash(message, "error")


class MaxLength:
    """At most ``limit`` characters once cleaned (NFC, no control characters).

    No ``maxlength`` attribute is rendered: browsers count the code points
    typed, and Vietnamese typed in NFD takes up to three per letter.
    """

    def __init__(self, limit: int, label: Any, *, single_line: bool = True) -> None:
        self.limit = limit
        self.label = label
        self.single_line = single_line

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Raise :class:`ValidationError` when the field's text is too long."""
        value = field.data if isinstance(field.data, str) else ""
        if stored_length(value, single_line=self.single_line) > self.limit:
            raise ValidationError(
                _(
                    "%(field)s is too long (at most %(limit)d characters).",
                    field=str(self.label),
                    limit=self.limit,
                )
            )


class PositionField(WholeNumberField):
    """A place among siblings, counted from 0; empty means "keep it" (or "last" when new)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Read ASCII digits; other text leaves ``None`` for the range check to refuse."""
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None


def _position_field() -> PositionField:
    message = _l("The position must be a whole number from 0 to %(max)d.")
    return PositionField(
        _l("Position"),
        validators=[Optional(), NumberRange(min=0, max=POSITION_MAX, message=message)],
    )


class TreeForm(FlaskForm):
    """What the page and category forms share: a parent chosen from the tree."""

    parent_id = SelectField(_l("Parent"), validate_choice=False)

    #: The message for a parent that would put the node under itself.
    cycle_message: Any = ""
    #: The message for a parent id that names nothing.
    missing_message: Any = ""

    def set_parents(self, rows: list[TreeRow], none_label: Any, exclude_id: int | None) -> None:
        """Offer every node of ``rows`` as parent but ``exclude_id`` and its descendants."""
        self.parent_id.choices = parent_choices(rows, none_label, exclude_id=exclude_id)
        self._known_ids = {row.node.id for row in rows}
        self._excluded_ids = subtree_ids(rows, exclude_id) if exclude_id is not None else set()

    def validate_parent_id(self, field: Field) -> None:
        """The parent must exist and must not be the node itself or one below it."""
        raw = (field.data or "").strip()
        if not raw:
            return
        parent = parse_id(raw)
        if parent is None:
            raise ValidationError(str(self.missing_message))
        if parent in getattr(self, "_excluded_ids", set()):
            raise ValidationError(str(self.cycle_message))
        if parent not in getattr(self, "_known_ids", set()):
            raise ValidationError(str(self.missing_message))

    def parent_value(self) -> int | None:
        """The chosen parent's id, or ``None`` for the top level (after validation)."""
        raw = (self.parent_id.data or "").strip()
        return parse_id(raw)


class PageForm(TreeForm):
    """Create or edit a page."""

    title = StringField(
        _l("Title"),
        validators=[
            DataRequired(message=_l("The title is required.")),
            MaxLength(TITLE_MAX, _l("Title")),
        ],
    )
    slug = StringField(_l("Slug"), validators=[MaxLength(SLUG_MAX, _l("Slug"))])
    summary = TextAreaField(
        _l("Summary"), validators=[MaxLength(SUMMARY_MAX, _l("Summary"), single_line=False)]
    )
    body_html = TextAreaField(
        _l("Body"),
        validators=[MaxLength(BODY_MAX, _l("Body"), single_line=False)],
        render_kw={"data-editor": "html", "rows": 16},
    )
    parent_id = SelectField(_l("Parent page"), validate_choice=False)
    position = _position_field()
    show_in_menu = BooleanField(_l("Show in the menu"), default=True)
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s, PAGE_STATUS_LABELS.get(s, s)) for s in PAGE_STATUSES],
        default="draft",
    )

    cycle_message = _l("A page cannot be placed under itself or one of its sub-pages.")
    missing_message = _l("No such page.")

    def service_data(self) -> dict[str, Any]:
        """The values for :func:`cms.content.save_page` (the position is placed apart)."""
        return {
            "title": self.title.data or "",
            "slug": self.slug.data or "",
            "summary": self.summary.data or "",
            "body_html": self.body_html.data or "",
            "status": self.status.data,
            "show_in_menu": bool(self.show_in_menu.data),
            "parent_id": self.parent_value(),
        }


class CategoryForm(TreeForm):
    """Create or edit a category."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("The name is required.")),
            MaxLength(NAME_MAX, _l("Name")),
        ],
    )
    slug = StringField(_l("Slug"), validators=[MaxLength(SLUG_MAX, _l("Slug"))])
    description = TextAreaField(
        _l("Description"),
        validators=[MaxLength(DESCRIPTION_MAX, _l("Description"), single_line=False)],
    )
    parent_id = SelectField(_l("Parent category"), validate_choice=False)
    position = _position_field()
    show_on_home = BooleanField(_l("Show on the home page"), default=True)

    cycle_message = _l("A category cannot be placed under itself or one of its sub-categories.")
    missing_message = _l("No such category.")

    def service_data(self) -> dict[str, Any]:
        """The values for :func:`cms.content.save_category` (the position is placed apart)."""
        data: dict[str, Any] = {
            "name": self.name.data or "",
            "description": self.description.data or "",
            "show_on_home": bool(self.show_on_home.data),
            "parent_id": self.parent_value(),
        }
        if (self.slug.data or "").strip():
            data["slug"] = self.slug.data.strip()
        return data


class TagForm(FlaskForm):
    """Rename a tag; its slug changes only when edited here."""

    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(message=_l("The name is required.")),
            MaxLength(NAME_MAX, _l("Name")),
        ],
    )
    slug = StringField(_l("Slug"), validators=[MaxLength(SLUG_MAX, _l("Slug"))])


class MergeForm(FlaskForm):
    """Merge a tag into another one, named by the user."""

    target = StringField(
        _l("Merge into the tag"),
        validators=[
            DataRequired(message=_l("Type the name of the tag to merge into.")),
            MaxLength(NAME_MAX, _l("Name")),
        ],
    )


class CategoryDeleteForm(FlaskForm):
    """Delete a category, first moving its articles to another one when it has some."""

    move_to = SelectField(_l("Move its articles to"), validate_choice=False)
