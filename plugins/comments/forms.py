"""The comment form as shown: its values, its errors and a fresh challenge.

The same partial (``comments/_form.html``) renders it in the live block and on
the page that shows it again after a refusal or a "new image", so what the
reader typed and the messages next to the fields come back exactly. The
form's fill time is the age of its challenge (:func:`plugins.comments.captcha.age`):
signed, bound to the visitor, single-use, so it cannot be kept and replayed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plugins.comments.captcha import Challenge, new_challenge
from plugins.comments.settings import CommentSettings

#: Form field names (the API uses the same, plus ``captcha_id`` and ``captcha_answer``).
FIELDS = ("name", "email", "body", "parent_id")
#: The fields readers fill in, in the order the form shows them.
SHOWN = ("name", "email", "body", "captcha_answer")
#: The honeypot's name: a field people never see, which robots fill.
HONEYPOT = "website"


@dataclass
class CommentForm:
    """What the form shows: ``values`` typed, ``errors`` per field, a ``challenge``."""

    article_id: int
    challenge: Challenge
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    #: The refusal's general message (e.g. the rate limit), shown above the fields.
    message: str = ""
    #: A field to give the keyboard focus to when nothing was refused ("New image": its answer).
    focus_field: str = ""

    @property
    def focus(self) -> str:
        """Where the page puts the keyboard focus (``autofocus``), so no reader must hunt for it.

        The first invalid field in the order shown (:data:`SHOWN`); else the
        error summary (``#comment-form-errors``) when there is a message (a
        rate limit, a reply that cannot be made); else :attr:`focus_field`;
        else nothing (``""``: a fresh form under the article takes no focus).
        """
        for name in SHOWN:
            if self.errors.get(name):
                return name
        if self.message or self.errors:
            return "summary"
        return self.focus_field


def new_form(
    article_id: int,
    address: str,
    settings: CommentSettings,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    message: str = "",
    focus_field: str = "",
) -> CommentForm:
    """A form for the article with a fresh challenge (its fill time starts now)."""
    return CommentForm(
        article_id=article_id,
        challenge=new_challenge(address, settings),
        values=dict(values or {}),
        errors=dict(errors or {}),
        message=message,
        focus_field=focus_field,
    )
