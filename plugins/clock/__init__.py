"""Clock: the localized date line of portal headers, ticking in the browser.

Rendered by the server in the site time zone ("Thứ 5 Ngày 14/5/2020,
10:13:21 AM" in Vietnamese), then kept current by a small script.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from cms.plugins import Plugin
from plugins.clock.widgets import DateLine

plugin = Plugin(
    name="clock",
    version="1.0.0",
    title=_l("Clock"),
    description=_l("The date and time in the site's time zone, ticking in the browser."),
    widgets=[DateLine],
)
