"""How totals read: the reference page's words, numbers per locale, stars as glyph states."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from cms.i18n import number
from plugins.rating.voting import Totals


def average_text(found: Totals) -> str:
    """The average with one decimal in the active locale (``4,3`` in vi, ``4.3`` in en)."""
    return number(found.average, 1)


def summary(found: Totals) -> str:
    """``lượt đánh giá: 12, trung bình: 4,3`` (vi) / ``votes: 12, average: 4.3`` (en)."""
    return _(
        "votes: %(count)s, average: %(average)s",
        count=number(found.count),
        average=average_text(found),
    )


def stars_label(found: Totals) -> str:
    """What the drawn stars say to a screen reader: ``Average 4.3 out of 5 stars``."""
    return _("Average %(average)s out of 5 stars", average=average_text(found))


def star_states(found: Totals) -> list[str]:
    """Five glyph states, ``full``, ``half`` or ``empty``: the average to the nearest half star."""
    halves = round(found.average * 2)
    states = []
    for star in range(1, 6):
        if halves >= 2 * star:
            states.append("full")
        elif halves == 2 * star - 1:
            states.append("half")
        else:
            states.append("empty")
    return states


def as_display(found: Totals) -> dict[str, Any]:
    """What templates and the script need: raw numbers, the texts and the star states."""
    return {
        **found.as_json(),
        "summary": summary(found),
        "stars_label": stars_label(found),
        "stars": star_states(found),
    }
