"""Columns that active plugins add to back-office lists (:class:`cms.plugins.base.AdminColumn`)."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from cms.plugins.registry import registry

log = logging.getLogger(__name__)


@dataclass
class ShownColumn:
    """One plugin column of a list page: its key, header and cells."""

    #: ``"<plugin>.<name>"``, carried by every cell as ``data-column``.
    key: str
    #: The header.
    label: Any
    #: Row id -> cell (text or Markup); a row missing here shows "—".
    cells: dict[int, Any] = field(default_factory=dict)


def plugin_columns(on: str, rows: Sequence[Any]) -> list[ShownColumn]:
    """The columns the active plugins add to list ``on`` (e.g. ``"Article"``) for ``rows``.

    ``rows`` are the ORM objects of the page shown; each column's function is
    called once with all of them. A function that raises leaves its cells
    empty and counts as a failure of its plugin
    (:meth:`~cms.plugins.PluginRegistry.record_failure`); the list still shows.
    """
    plugins = registry()
    shown: list[ShownColumn] = []
    for name, plugin in plugins.plugins.items():
        wanted = [c for c in plugin.admin_columns if c.on == on]
        if not wanted or not plugins.is_enabled(name):
            continue
        for column in wanted:
            current = ShownColumn(f"{name}.{column.name}", column.label)
            try:
                current.cells = dict(column.values(list(rows)) or {})
            except Exception:  # one plugin's error never breaks the back office
                log.exception("plugin %s failed in back-office column %s", name, column.name)
                plugins.record_failure(name, f"back-office column {column.name}")
            shown.append(current)
    return shown
