"""The ``links.links`` widget: the website links as a list, a logo grid or a jump menu."""

from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, ValidationError

from cms.admin.numbers import parse_id
from cms.plugins import Widget, registry
from plugins.links import services

#: The displays of a widget instance (its ``display`` setting).
DISPLAYS = ("list", "logos", "jump")


class LinksForm(FlaskForm):
    """Settings of one placed widget: how it shows the links, and which group."""

    display = SelectField(
        _l("Show as"),
        choices=[
            SelectChoice("list", _l("A list of links")),
            SelectChoice("logos", _l("A grid of logos")),
            SelectChoice("jump", _l("A jump menu (a list to choose from, and a Go button)")),
        ],
        default="list",
    )
    group = SelectField(_l("Group"), validate_choice=False, default="")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """Offer every group (active or not), after "every active group"."""
        super().__init__(*args, **kwargs)
        self.group.choices = [SelectChoice("", _l("Every active group"))] + [
            SelectChoice(str(g.id), g.title if g.active else _("%(title)s (hidden)", title=g.title))
            for g in services.all_groups()
        ]
        if self.group.data is not None and not isinstance(self.group.data, str):
            self.group.data = str(self.group.data)

    def validate_group(self, field: SelectField) -> None:
        """Empty (every active group) or the id of an existing group."""
        value = field.data or ""
        if value and services.get_group(parse_id(value)) is None:
            raise ValidationError(_l("Choose a group from the list."))


def link_view(link: Any) -> dict[str, Any]:
    """What the template shows of one link: id, title, jump URL, host and logo."""
    return {
        "id": link.id,
        "title": link.title,
        "go": url_for("links.go", link_id=link.id),
        "logo": services.logo_of(link),
    }


class LinksWidget(Widget):
    """``links.links``: the active links of one group, or of every active group.

    Settings: ``display`` (``list``, ``logos`` or ``jump``; anything else is
    shown as ``list``) and ``group`` (a group id; empty for every active group,
    each under its own heading, or its own ``<optgroup>`` in the jump menu).
    Every link goes through ``/links/go/<id>``, which counts the click. The
    HTML is cached until a link, a group or the plugin's settings change.
    """

    type = "links"
    title = _l("Website links")
    template = "links/links.html"
    settings_form = LinksForm
    default_settings = {"display": "list", "group": ""}
    cache = "static"

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """The groups to show with their active links, the display and the window rule."""
        settings = instance.settings or {}
        display = settings.get("display")
        if display not in DISPLAYS:
            display = "list"
        groups = []
        for group in services.shown_groups(settings.get("group")):
            links = [link_view(link) for link in group.links if link.active]
            if links:
                groups.append({"id": group.id, "title": group.title, "links": links})
        new_window = bool(registry().settings("links").get("new_window"))
        return {"display": display, "groups": groups, "new_window": new_window}
