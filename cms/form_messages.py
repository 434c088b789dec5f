"""WTForms' own messages in the site's language, for the core's forms and every plugin's.

WTForms ships catalogues for many languages but not Vietnamese, so a field
that WTForms itself refuses ("Not a valid integer value.", "This field is
required.") answered in English on a Vietnamese site. Flask-WTF reads the
translations of WTForms' messages from ``request.wtforms_translations`` once
per request: :func:`init_app` puts :data:`TRANSLATIONS` there, which looks
them up in the site's catalogue (the core's and the plugins', Flask-Babel),
where :data:`MESSAGES` puts them (WTForms 3's ``wtforms.pot``).
"""

from __future__ import annotations

from flask import Flask, request
from flask_babel import get_translations, lazy_ngettext
from flask_babel import lazy_gettext as _l

#: WTForms' messages (its ``wtforms.pot``), so that the catalogue keeps their translations.
MESSAGES = (
    _l("Invalid field name '%s'."),
    _l("Field must be equal to %(other_name)s."),
    lazy_ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        1,
    ),
    lazy_ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        1,
    ),
    lazy_ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        1,
    ),
    _l("Field must be between %(min)d and %(max)d characters long."),
    _l("Number must be at least %(min)s."),
    _l("Number must be at most %(max)s."),
    _l("Number must be between %(min)s and %(max)s."),
    _l("Date must be at least %(min)s."),
    _l("Date must be at most %(max)s."),
    _l("Date must be between %(min)s and %(max)s."),
    _l("This field is required."),
    _l("Invalid input."),
    _l("Invalid email address."),
    _l("Invalid IP address."),
    _l("Invalid Mac address."),
    _l("Invalid URL."),
    _l("Invalid UUID."),
    _l("Invalid value, must be one of: %(values)s."),
    _l("Invalid value, can't be any of: %(values)s."),
    _l("This field cannot be edited."),
    _l("This field is disabled and cannot have a value."),
    _l("Invalid CSRF Token."),
    _l("CSRF token missing."),
    _l("CSRF failed."),
    _l("CSRF token expired."),
    _l("Invalid Choice: could not coerce."),
    _l("Choices cannot be None."),
    _l("Not a valid choice."),
    _l("Invalid choice(s): one or more data inputs could not be coerced."),
    lazy_ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        1,
    ),
    _l("Not a valid datetime value."),
    _l("Not a valid date value."),
    _l("Not a valid time value."),
    _l("Not a valid week value."),
    _l("Not a valid integer value."),
    _l("Not a valid decimal value."),
    _l("Not a valid float value."),
)


class SiteTranslations:
    """WTForms' translations interface (``ugettext``, ``ungettext``) over the site's catalogue.

    The strings come back unformatted: WTForms fills in ``%(min)d`` and the like.
    """

    def ugettext(self, string: str) -> str:
        """``string`` in the request's locale (itself when the catalogue lacks it)."""
        return str(get_translations().ugettext(string))

    def ungettext(self, singular: str, plural: str, n: int) -> str:
        """The form for ``n`` of ``singular`` / ``plural`` in the request's locale."""
        return str(get_translations().ungettext(singular, plural, n))


#: The one instance every request uses (it holds nothing per request).
TRANSLATIONS = SiteTranslations()


def _use_site_translations() -> None:
    request.wtforms_translations = TRANSLATIONS  # type: ignore[attr-defined]


def init_app(app: Flask) -> None:
    """Give Flask-WTF the site's translations of WTForms' messages in every request."""
    app.before_request(_use_site_translations)
