"""The plugin settings form (back office, Plugins, Comments: Settings)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.validators import InputRequired, Length, NumberRange

from cms.admin.numbers import WholeNumberField
from plugins.comments.settings import BOUNDS


def _number(label: str, name: str, description: str = "") -> WholeNumberField:
    return WholeNumberField(
        label, validators=[InputRequired(), NumberRange(*BOUNDS[name])], description=description
    )


class CommentSettingsForm(FlaskForm):
    """Moderation, replies, the captcha, the spam limits, personal data and the author's email."""

    moderation = SelectField(
        _l("New comments"),
        choices=[
            SelectChoice("pending", _l("wait for an editor's approval")),
            SelectChoice("approved", _l("are published at once")),
            SelectChoice("returning", _l("are published at once for returning commenters")),
        ],
    )
    max_depth = _number(
        _l("Reply levels"), "max_depth", _l("0: no replies; 1: replies to comments.")
    )
    per_page = _number(_l("Comments per page"), "per_page")
    captcha_length = _number(_l("Characters in the captcha image"), "captcha_length")
    captcha_width = _number(_l("Captcha image width (pixels)"), "captcha_width")
    captcha_height = _number(_l("Captcha image height (pixels)"), "captcha_height")
    captcha_alternative = SelectField(
        _l("Accessible alternative to the image"),
        choices=[
            SelectChoice("question", _l("a text question in the site's language")),
            SelectChoice("none", _l("none (the image only)")),
        ],
    )
    min_fill_seconds = _number(_l("Least time to fill in the form (seconds)"), "min_fill_seconds")
    address_interval = _number(
        _l("Least time between two comments from one address (seconds)"), "address_interval"
    )
    address_per_hour = _number(_l("Most comments from one address per hour"), "address_per_hour")
    article_per_hour = _number(_l("Most comments on one article per hour"), "article_per_hour")
    max_links = _number(_l("Most links before a comment waits for moderation"), "max_links")
    retention_days = _number(_l("Days commenters' emails are kept"), "retention_days")
    notify_author = BooleanField(_l("Email the article's author about new comments"))
    smtp_host = StringField(_l("SMTP server"), validators=[Length(max=255)])
    smtp_port = _number(_l("SMTP port"), "smtp_port")
    smtp_sender = StringField(_l("Sender address"), validators=[Length(max=254)])
