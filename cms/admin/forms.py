"""Forms of the back-office core screens."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, Field, HiddenField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from cms.content.text import clean_text, stored_length


class StoredLength:
    """WTForms validator: at most ``max`` characters as stored (NFC, cleaned).

    Like ``Length(max=...)``, but counting what :func:`cms.content.text.clean_text`
    keeps, so a title typed in NFD (up to three code points per Vietnamese
    letter) is measured by its letters. It sets no ``maxlength`` attribute:
    browsers count the code points typed, which would cut NFD text short.
    ``message`` may use ``%(max)d`` and ``%(length)d``.
    """

    def __init__(self, max: int, message: Any = None, *, single_line: bool = True) -> None:
        #: The most characters allowed.
        self.max = max
        #: The message of a refusal (default: "At most %(max)d characters.").
        self.message = message
        #: Whether the field is stored on one line (white space runs collapsed).
        self.single_line = single_line

    def __call__(self, form: FlaskForm, field: Field) -> None:
        """Raise :class:`ValidationError` when the field's text is too long once cleaned."""
        value = field.data if isinstance(field.data, str) else ""
        length = stored_length(value, single_line=self.single_line)
        if length > self.max:
            message = self.message or _l("At most %(max)d characters.")
            raise ValidationError(str(message) % {"max": self.max, "length": length})


def clean_line(value: Any) -> Any:
    """WTForms filter: one line of text as stored (NFC, no control characters, trimmed)."""
    return clean_text(value, single_line=True) if isinstance(value, str) else value


def clean_block(value: Any) -> Any:
    """WTForms filter: multi-line text as stored (NFC, no control characters, trimmed)."""
    return clean_text(value).strip() if isinstance(value, str) else value


class LoginForm(FlaskForm):
    """Sign in with email and password."""

    email = EmailField(_l("Email"), validators=[DataRequired(), Length(max=254)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField(_l("Keep me signed in"))
    next = HiddenField()


class PasswordForm(FlaskForm):
    """Change one's own password."""

    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"),
        validators=[
            DataRequired(),
            Length(min=10, max=1024, message=_l("Use at least 10 characters.")),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The two passwords differ."))],
    )
