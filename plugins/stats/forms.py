"""The stats plugin's settings form (back office, Plugins, Statistics: Settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange

from cms.admin.numbers import WholeNumberField
from plugins.stats.settings import OFFSET, ONLINE_MINUTES, RETENTION_DAYS


class SettingsForm(FlaskForm):
    """Offset, online window, Do-Not-Track, retention and the counting mode."""

    offset = WholeNumberField(
        _l("Visits counted before this site (added to the total)"),
        default=0,
        validators=[InputRequired(), NumberRange(*OFFSET)],
    )
    online_minutes = WholeNumberField(
        _l("A visitor is online for (minutes)"),
        default=5,
        validators=[InputRequired(), NumberRange(*ONLINE_MINUTES)],
    )
    honour_dnt = BooleanField(
        _l("Honour Do-Not-Track and Global Privacy Control (no cookie, no visitor entry)"),
        default=True,
    )
    retention_days = WholeNumberField(
        _l("Keep daily detail for (days)"),
        default=90,
        validators=[InputRequired(), NumberRange(*RETENTION_DAYS)],
        description=_l("Daily totals are kept for ever."),
    )
    mode = SelectField(
        _l("Counting"),
        choices=[
            SelectChoice("server", _l("by the server (default)")),
            SelectChoice("beacon", _l("by a script in the page (behind an outside cache)")),
        ],
        default="server",
    )
