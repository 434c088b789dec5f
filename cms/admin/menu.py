"""The back-office menu: a registry the core fills and plugins extend."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from cms.plugins import call_hook, registry

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MenuItem:
    """One entry of the back-office menu."""

    #: Endpoint the entry links to, e.g. ``admin.articles``.
    endpoint: str
    #: Label shown (a lazy translation string).
    label: Any
    #: Roles that see the entry.
    roles: tuple[str, ...] = ("admin", "editor", "author")
    #: Position; lower comes first.
    order: int = 100
    #: Endpoints that highlight this entry besides its own (prefix match).
    section: str = ""
    #: Extra URL values for ``url_for``.
    values: dict[str, Any] = field(default_factory=dict)
    #: The plugin that added the entry; the entry vanishes while the plugin is not active.
    plugin: str = ""
    #: ``badge()`` -> how many things wait for this screen (shown when above 0), or ``None``.
    badge: Callable[[], int] | None = None
    #: What the badge counts, on the dashboard (default: :attr:`label`).
    badge_label: Any = None


def badge_count(item: MenuItem) -> int:
    """The number ``item``'s badge shows: 0 without a badge or when its function fails.

    A failing badge is logged and counted as a failure of its plugin; the
    back office still renders.
    """
    if item.badge is None:
        return 0
    try:
        return max(0, int(item.badge()))
    except Exception:
        log.exception("the menu badge of %s failed", item.endpoint)
        if item.plugin:
            registry().record_failure(item.plugin, f"menu badge of {item.endpoint}")
        return 0


def add_menu_item(app: Flask, item: MenuItem) -> None:
    """Add ``item`` to the back-office menu of ``app`` (plugins call this too)."""
    items: list[MenuItem] = app.extensions.setdefault("cms_admin_menu", [])
    if all(existing.endpoint != item.endpoint for existing in items):
        items.append(item)


def menu_for(user: Any) -> list[MenuItem]:
    """The entries ``user`` may see, in order."""
    items: list[MenuItem] = list(current_app.extensions.get("cms_admin_menu", []))
    if "cms_plugins" in current_app.extensions:  # entries of the active plugins
        active = set(registry().enabled_names())
        items = [i for i in items if not i.plugin or i.plugin in active]
        for result in call_hook("admin_menu"):
            items.extend(i for i in result if isinstance(i, MenuItem))  # type: ignore[attr-defined]
    visible = [i for i in items if user.is_authenticated and user.can(*i.roles)]
    return sorted(visible, key=lambda i: (i.order, str(i.label)))
