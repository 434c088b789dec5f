"""The rating plugin's settings form (back office, Plugins, Rating: Settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField
from wtforms.validators import InputRequired, NumberRange

from cms.admin.numbers import WholeNumberField
from plugins.rating.voters import ADDRESS_HOURS, RATE_LIMIT, RATE_MINUTES


class RatingSettingsForm(FlaskForm):
    """The one-vote rule, how long an address is remembered, and the per-address rate limit."""

    rule = SelectField(
        _l("One vote per article for each"),
        choices=[
            SelectChoice("cookie+ip", _l("browser or network address (cookie + IP)")),
            SelectChoice("cookie", _l("browser (cookie)")),
            SelectChoice("ip", _l("network address (IP)")),
            SelectChoice("user", _l("signed-in user (anonymous readers cannot vote)")),
        ],
        default="cookie+ip",
    )
    address_hours = WholeNumberField(
        _l("An address may vote again on an article after (hours)"),
        default=24,
        validators=[InputRequired(), NumberRange(*ADDRESS_HOURS)],
        description=_l(
            "So that an office or a mobile network behind one address is not blocked for ever."
        ),
    )
    rate_limit = WholeNumberField(
        _l("Most votes from one address"),
        default=30,
        validators=[InputRequired(), NumberRange(*RATE_LIMIT)],
    )
    rate_minutes = WholeNumberField(
        _l("… within (minutes)"),
        default=10,
        validators=[InputRequired(), NumberRange(*RATE_MINUTES)],
    )
