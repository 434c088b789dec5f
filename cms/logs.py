"""Log lines that say what happened and nothing more: control characters made visible.

A value typed by a visitor (a sign-in email, a path, a header) may hold a line
feed, a carriage return, an ANSI escape or a bidi override. Written as it is,
it forges a second log line or hides part of one (CWE-117, OWASP Logging Cheat
Sheet: "encode CR and LF"). :class:`EscapeControlCharacters` rewrites every
record's message, arguments included, so that such characters appear as
``\\n``, ``\\r``, ``\\x1b``, ``\\u202e``...; tracebacks keep their lines.
"""

from __future__ import annotations

import logging
import re

from flask import Flask
from flask.logging import default_handler

#: C0 controls, DEL, C1 controls, the line and paragraph separators, and the Unicode
#: bidirectional formatting characters (Unicode Standard Annex #9: LRM, RLM, ALM,
#: LRE..RLO, LRI..PDI) that reorder how a line is shown.
CONTROL_RE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)

#: Short forms for the most common controls.
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}

#: The loggers whose handlers get the filter besides the root logger's and the app's.
SERVER_LOGGERS = ("gunicorn.error", "gunicorn.access", "werkzeug")


def _visible(match: re.Match[str]) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def escape_controls(text: str) -> str:
    """``text`` with every control or bidi formatting character written as an escape.

    ``"a\\nb"`` becomes ``"a\\\\nb"`` (a backslash and an ``n``); other text is
    returned unchanged.
    """
    return CONTROL_RE.sub(_visible, text)


class EscapeControlCharacters(logging.Filter):
    """A logging filter that escapes control characters in the message and its arguments.

    The record's message is formatted once (``record.getMessage()``) and stored
    escaped with no arguments left, so every handler and formatter after it
    sees one safe line. Records are never dropped.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        """Escape ``record``'s message in place; always ``True``."""
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: leave it to the handler to report
            return True
        escaped = escape_controls(message)
        if escaped != message or record.args:
            record.msg = escaped
            record.args = None
        return True


def _install_on(handler: logging.Handler) -> None:
    if not any(isinstance(f, EscapeControlCharacters) for f in handler.filters):
        handler.addFilter(EscapeControlCharacters())


def use_server_log(app: Flask) -> None:
    """Under gunicorn, write the app's logs (every ``cms.*`` logger) to gunicorn's error log.

    Flask's default handler writes to the request's ``wsgi.errors`` and, outside
    a request, to the process's stderr, which gunicorn keeps out of
    ``--error-logfile`` (unless ``--capture-output``): the page cache's poll
    thread and middleware, which log outside requests, would be lost. When
    gunicorn's ``gunicorn.error`` logger has handlers (the app is loaded by a
    gunicorn process), the app logger takes them instead, at gunicorn's
    ``--log-level`` (the recipe of Flask's "Logging" documentation for WSGI
    servers). Elsewhere nothing changes.
    """
    server = logging.getLogger("gunicorn.error")
    if not server.handlers:
        return
    app.logger.removeHandler(default_handler)
    for handler in server.handlers:
        if handler not in app.logger.handlers:
            app.logger.addHandler(handler)
    app.logger.setLevel(server.level)


def init_app(app: Flask) -> None:
    """Put :class:`EscapeControlCharacters` on every handler that writes the app's logs.

    That is the root logger's handlers, the app logger's (Flask's default one,
    writing to the server's error stream), and gunicorn's and werkzeug's, so
    that the error log of the server gets escaped lines as well. Templates get
    the same escaping as the ``show_controls`` filter (the audit log uses it).
    """
    app.add_template_filter(escape_controls, "show_controls")
    use_server_log(app)
    loggers = [logging.getLogger(), app.logger]
    loggers.extend(logging.getLogger(name) for name in SERVER_LOGGERS)
    for logger in loggers:
        for handler in logger.handlers:
            _install_on(handler)
