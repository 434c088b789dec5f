"""The date line text, formatted the way Vietnamese and English portals write it."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_datetime

#: Formats a webmaster can choose.
FORMATS = ("long", "date", "time")

_VI_WEEKDAYS = ("Thứ 2", "Thứ 3", "Thứ 4", "Thứ 5", "Thứ 6", "Thứ 7", "Chủ nhật")


def date_line(moment: datetime, locale: str, fmt: str = "long") -> str:
    """Format an aware ``moment`` (already in the site time zone).

    ``vi``: ``Thứ 5 Ngày 14/5/2020, 10:13:21 AM``; ``en``: ``Thursday, 14 May
    2020, 10:13:21 AM``. ``date`` and ``time`` keep one half of it.
    """
    hour12 = moment.hour % 12 or 12
    clock = f"{hour12}:{moment:%M:%S} {'AM' if moment.hour < 12 else 'PM'}"
    if locale == "vi":
        day = f"{_VI_WEEKDAYS[moment.weekday()]} Ngày {moment.day}/{moment.month}/{moment.year}"
    else:
        day = format_datetime(moment, "EEEE, d MMMM y", locale=locale, tzinfo=moment.tzinfo)
    if fmt == "date":
        return day
    if fmt == "time":
        return clock
    return f"{day}, {clock}"
