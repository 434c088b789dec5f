"""The HTTP status of a page that shows a form, the same on every back-office screen.

A form shown to be filled in answers ``200``; the same form shown again
because what was posted could not be accepted (a field refused, a stale
token, a wrong password) answers ``422 Unprocessable Content`` (RFC 9110,
section 15.5.21), so that scripts, tests and monitoring tell a refused save
from a successful one, which redirects (``303``/``302``, the
Post/Redirect/Get pattern). The core's screens and every plugin's use
:func:`form_status`.
"""

from __future__ import annotations

from flask import request

#: A form shown to be filled in.
SHOWN = 200
#: A posted form shown again with its errors: nothing was saved.
REFUSED = 422


def form_status() -> int:
    """``422`` when the current request posted the form being shown again, else ``200``.

    Call it where a view renders a form page after handling the request: a
    ``POST`` that reaches the render was refused (a saved one redirects).
    Needs a request context.
    """
    return REFUSED if request.method == "POST" else SHOWN
