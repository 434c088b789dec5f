"""URL converters: ids in paths are ASCII digits, as the core API's own parser reads them."""

from __future__ import annotations

from flask import Flask
from werkzeug.routing import IntegerConverter


class AsciiIntegerConverter(IntegerConverter):
    """``<int:...>`` of every route, the core's and the plugins': ASCII digits only.

    Werkzeug's ``\\d+`` also matches other scripts' digits (fullwidth "１",
    Arabic-Indic "١"), which ``int()`` reads: ``/links/go/１`` and
    ``/links/go/1`` would be one resource under two URLs, and an id the
    core's API refuses would be taken by a plugin's.
    """

    regex = r"[0-9]+"


def install(app: Flask) -> None:
    """Use :class:`AsciiIntegerConverter` for ``int`` in ``app``'s routes (before any is added)."""
    app.url_map.converters["int"] = AsciiIntegerConverter
