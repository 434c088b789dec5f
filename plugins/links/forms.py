"""The back-office forms of the links plugin, and the plugin's site-wide settings form.

The forms check what they can show next to a field (required, length, the
URL rules of :func:`plugins.links.urls.check_url`); the services check it all
again (:mod:`plugins.links.services`), whoever calls them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField, URLField, ValidationError
from wtforms.validators import DataRequired

from cms.admin.forms import StoredLength, clean_line
from cms.admin.numbers import parse_id
from cms.content.media import media_name, visible_text
from cms.models import Media
from plugins.links.models import TITLE_MAX, LinkGroup
from plugins.links.urls import UrlError, check_url

#: The message of a title over :data:`~plugins.links.models.TITLE_MAX` characters.
TOO_LONG = _l("The title is too long (at most %(max)d characters).")


def _title_field(label: Any) -> StringField:
    return StringField(
        label,
        filters=[clean_line],
        validators=[
            DataRequired(message=_l("Enter a title.")),
            StoredLength(TITLE_MAX, TOO_LONG),
        ],
    )


def as_id(value: Any) -> int | None:
    """A choice's value as an id (``None`` for empty or anything but ASCII digits)."""
    return parse_id(str(value or ""))


class GroupForm(FlaskForm):
    """Create or rename a group of links, and show or hide it."""

    title = _title_field(_l("Group title"))
    active = BooleanField(_l("Show this group on the site"), default=True)


class LinkForm(FlaskForm):
    """Create or edit a link: its group, title, address, logo and whether it is shown."""

    group = SelectField(_l("Group"), validate_choice=False)
    title = _title_field(_l("Title"))
    url = URLField(
        _l("Web address"),
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
        validators=[DataRequired(message=_l("Enter the website's address."))],
        render_kw={"autocomplete": "url", "spellcheck": "false", "placeholder": "https://"},
    )
    logo = SelectField(_l("Logo"), validate_choice=False)
    active = BooleanField(_l("Show this link on the site"), default=True)

    def set_choices(self, groups: Iterable[LinkGroup], media: Iterable[Media]) -> None:
        """Offer the groups and the media library's images (each option with its thumbnail)."""
        self.group.choices = [SelectChoice(str(g.id), g.title) for g in groups]
        self.logo.choices = [SelectChoice("", _l("— No logo —"))] + [
            SelectChoice(str(m.id), _media_label(m), render_kw={"data-thumb": _thumbnail(m)})
            for m in media
        ]

    def validate_group(self, field: SelectField) -> None:
        """One of the groups offered."""
        if str(field.data) not in {str(choice.value) for choice in _choices(field)}:
            raise ValidationError(_l("Choose a group from the list."))

    def validate_url(self, field: URLField) -> None:
        """An absolute http(s) address (:func:`plugins.links.urls.check_url`)."""
        if not field.data:
            return
        try:
            field.data = check_url(field.data)
        except UrlError as exc:
            raise ValidationError(str(exc)) from None

    def validate_logo(self, field: SelectField) -> None:
        """No logo, or one of the images offered."""
        if field.data and as_id(field.data) is None:
            raise ValidationError(_l("Choose an image from the media library, or no logo."))


def _choices(field: SelectField) -> list[SelectChoice]:
    return [c for c in field.choices or [] if isinstance(c, SelectChoice)]


def _thumbnail(media: Media) -> str:
    return url_for(
        "public.media", filename=(media.variants or {}).get("thumbnail") or media.filename
    )


def _media_label(media: Media) -> str:
    name, alt = media_name(media), visible_text(media.alt)
    return f"{alt} ({name})" if alt else name


class SettingsForm(FlaskForm):
    """The plugin's site-wide settings (``/admin/plugins/links/settings``)."""

    new_window = BooleanField(
        _l("Open website links in a new tab (screen readers are told so)"), default=False
    )
