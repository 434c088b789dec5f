"""``GET /api/v1/stats``: visits since the start, today, and visitors online now.

Mounted by the engine from the :class:`~cms.plugins.ApiRoute` declaration of
:mod:`plugins.stats` (404 while the plugin is disabled, its place in
``/api/v1/openapi.json``).
"""

from __future__ import annotations

from typing import Any

from plugins.stats import counting
from plugins.stats.settings import current_settings

_COUNT = {"type": "integer", "minimum": 0}

#: JSON Schema of the answer.
STATS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "total": {**_COUNT, "description": "Visits since the site began (with the offset)."},
        "today": {**_COUNT, "description": "Visits since midnight in the site time zone."},
        "online": {**_COUNT, "description": "Distinct visitors seen in the last N minutes."},
    },
    "required": ["total", "today", "online"],
}


def get_stats() -> dict[str, int]:
    """``{"total", "today", "online"}`` (see :data:`STATS_SCHEMA`)."""
    found = counting.totals(current_settings())
    return {"total": found.total, "today": found.today, "online": found.online}
