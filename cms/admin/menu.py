"""The back-office menu: a registry the core fills and plugins extend."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from flask import Flask, current_app

from cms.plugins import call_hook, registry


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
