"""Forms of the back-office user and API-token screens."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    PasswordField,
    SelectChoice,
    SelectField,
    StringField,
)
from wtforms.validators import AnyOf, DataRequired, EqualTo, Length, ValidationError

from cms.content.text import clean_text
from cms.models import ROLES

#: The label of each role, in the order of :data:`cms.models.ROLES`.
ROLE_LABELS = {
    "admin": _l("Administrator"),
    "editor": _l("Editor"),
    "author": _l("Author"),
}

#: Shortest password an administrator may set.
PASSWORD_MIN = 10
#: Longest password accepted (hashing a huge one would waste the server's time).
PASSWORD_MAX = 1024
#: Longest email address (RFC 5321).
EMAIL_MAX = 254

#: A practical email address check: one ``@``, no spaces, a dotted domain with a letter TLD.
EMAIL_RE = re.compile(
    r"^[^@\s<>()\[\]\\,;:\"]{1,64}@(?:[^\W_](?:[\w-]{0,61}[^\W_])?\.)+[^\W\d_]{2,63}$"
)


def normalise_email(value: Any) -> str:
    """Strip and lower-case an email address (``None`` becomes ``""``)."""
    return str(value or "").strip().lower()


def is_email(value: str) -> bool:
    """Whether ``value`` looks like a deliverable email address."""
    return len(value) <= EMAIL_MAX and EMAIL_RE.match(value) is not None


def valid_email(form: FlaskForm, field: Field) -> None:
    """WTForms validator: an empty value passes (pair with ``DataRequired``), a bad one fails."""
    if field.data and not is_email(field.data):
        raise ValidationError(_l("Enter a valid email address, like name@example.org."))


def _strip(value: Any) -> Any:
    # One line as stored (NFC, no control characters), so length limits count letters.
    return clean_text(value, single_line=True) if isinstance(value, str) else value


def _role_choices() -> list[SelectChoice]:
    return [SelectChoice(role, ROLE_LABELS[role]) for role in ROLES]


def _email_field() -> EmailField:
    return EmailField(
        _l("Email"),
        filters=[normalise_email],
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Length(max=EMAIL_MAX, message=_l("Use at most %(max)d characters.", max=EMAIL_MAX)),
            valid_email,
        ],
    )


def _name_field() -> StringField:
    return StringField(
        _l("Name"),
        filters=[_strip],
        validators=[Length(max=120, message=_l("Use at most %(max)d characters.", max=120))],
    )


def _role_field() -> SelectField:
    return SelectField(
        _l("Role"),
        choices=_role_choices(),
        default="author",
        validate_choice=False,  # AnyOf below gives a clearer, translated message
        validators=[AnyOf(ROLES, message=_l("Choose one of the listed roles."))],
    )


def _password_fields() -> tuple[PasswordField, PasswordField]:
    password = PasswordField(
        _l("Password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(message=_l("Enter a password.")),
            Length(
                min=PASSWORD_MIN,
                max=PASSWORD_MAX,
                message=_l("Use at least %(min)d characters.", min=PASSWORD_MIN),
            ),
        ],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        render_kw={"autocomplete": "new-password"},
        validators=[
            DataRequired(message=_l("Repeat the password.")),
            EqualTo("password", message=_l("The two passwords differ.")),
        ],
    )
    return password, confirm


class UserCreateForm(FlaskForm):
    """A new back-office user with a first password."""

    email = _email_field()
    name = _name_field()
    role = _role_field()
    password, confirm = _password_fields()


class UserEditForm(FlaskForm):
    """Change a user's email, name, role, and whether they may sign in."""

    email = _email_field()
    name = _name_field()
    role = _role_field()
    active = BooleanField(_l("Active (may sign in and use API tokens)"))


class PasswordResetForm(FlaskForm):
    """An administrator sets a new password for a user."""

    password, confirm = _password_fields()


class TokenForm(FlaskForm):
    """Create an API token: only a name to recognise it by."""

    name = StringField(
        _l("Token name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Give the token a name, e.g. the program that uses it.")),
            Length(min=1, max=120, message=_l("Use 1 to %(max)d characters.", max=120)),
        ],
    )
