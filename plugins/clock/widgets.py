"""The clock's widget type and its settings form."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from flask_babel import get_timezone
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField

from cms.i18n import select_locale
from cms.page_view import PageIdentity, Visitor
from cms.plugins import Widget
from plugins.clock.formatting import FORMATS, date_line


class DateLineForm(FlaskForm):
    """Settings of one date line."""

    format = SelectField(
        _l("Show"),
        choices=[
            SelectChoice("long", _l("Day, date and time")),
            SelectChoice("date", _l("Day and date")),
            SelectChoice("time", _l("Time only")),
        ],
        default="long",
    )


class DateLine(Widget):
    """``clock.dateline``: the current date and time, ticking."""

    type = "dateline"
    title = _l("Date and time")
    template = "clock/dateline.html"
    settings_form = DateLineForm
    default_settings = {"format": "long"}
    #: The time changes on every request; the rest of the page stays cacheable.
    cache = "live"
    #: The same for every reader: shared for a second (the script keeps it ticking).
    live_max_age = 1.0

    def live_context(self, instance: Any, page: PageIdentity, visitor: Visitor) -> dict[str, Any]:
        """The formatted time now, and what the script needs to keep it ticking.

        Depends on the instance's format setting, the site's locale and time
        zone only: the same for every page and visitor.
        """
        fmt = instance.settings.get("format", "long")
        if fmt not in FORMATS:
            fmt = "long"
        zone = get_timezone()
        now = datetime.now(UTC).astimezone(zone)
        locale = select_locale()
        return {
            "text": date_line(now, locale, fmt),
            "iso": now.isoformat(timespec="seconds"),
            "epoch_ms": int(now.timestamp() * 1000),
            "zone": str(zone),
            "locale": locale,
            "format": fmt,
        }
