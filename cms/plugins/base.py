"""What a plugin declares: :class:`Plugin`, and its :class:`Widget` types.

A plugin package exposes one ``plugin`` object. Nothing runs at import time,
so the engine can list, validate and show a plugin as broken without
executing it.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar, Literal

#: How a widget's HTML may be cached: ``"static"`` until invalidated, ``"live"``
#: never (rendered per visitor), or a number of seconds.
CachePolicy = Literal["static", "live"] | int


class Widget:
    """A widget type: a template plus the context it needs.

    Subclass it, set the class attributes and override :meth:`get_context`.
    A theme's ``<plugin>/<template>`` wins over the plugin's own copy.
    """

    #: Identifier within the plugin, e.g. ``"box"`` (the full type is ``plugin.box``).
    type: ClassVar[str] = ""
    #: Human-readable name shown in the back office.
    title: ClassVar[Any] = ""
    #: Template rendered with the context, e.g. ``"latest/box.html"``.
    template: ClassVar[str] = ""
    #: Flask-WTF form class whose fields are the instance settings, or ``None``.
    settings_form: ClassVar[builtins.type | None] = None
    #: Settings of a new instance.
    default_settings: ClassVar[dict[str, Any]] = {}
    #: How the rendered HTML may be cached.
    cache: ClassVar[CachePolicy] = "static"
    #: Whether the HTML depends on the page it is shown on (the article, the category...).
    per_page: ClassVar[bool] = False

    def get_context(self, instance: Any, page: dict[str, Any]) -> dict[str, Any]:
        """Return the template context for ``instance`` on ``page``.

        ``page`` holds what the page shows: ``kind`` (``home``, ``article``,
        ``page``, ``category``, ``search``, ``other``) and the object
        (``article``, ``page``, ``category``) when there is one.
        """
        return {}


@dataclass
class Plugin:
    """The declaration a plugin package exports as ``plugin``."""

    #: Unique name: blueprint name, template folder, static URL, table prefix all equal it.
    name: str
    #: The plugin's version string.
    version: str = "0.0.0"
    #: Human-readable name.
    title: Any = ""
    #: A sentence for the back office.
    description: Any = ""
    #: Widget types the plugin contributes.
    widgets: Sequence[type[Widget]] = ()
    #: A Flask blueprint (public routes, API routes under ``/api/v1/``) or a callable making one.
    blueprint: Any = None
    #: Modules defining the plugin's SQLAlchemy models (imported when the plugin loads).
    models: Sequence[str] = ()
    #: Hook implementations: an object whose methods carry ``@hookimpl``.
    hooks: Any = None
    #: Flask-WTF form class of site-wide plugin settings (stored as JSON), or ``None``.
    settings_form: Any = None
    #: Plugin settings before an admin saves any.
    default_settings: dict[str, Any] = field(default_factory=dict)
    #: A click command or group added under ``cms <name>``.
    cli: Any = None
    #: Called once with the app when the plugin loads (register filters, config defaults...).
    setup: Callable[[Any], None] | None = None
    #: Whether a fresh site enables the plugin.
    enabled_by_default: bool = True
    #: Set by the loader: the package folder (``templates/``, ``static/``, ``migrations/``).
    path: Path | None = field(default=None, repr=False)

    @property
    def templates(self) -> Path | None:
        """The plugin's template folder, if it has one."""
        return self.path / "templates" if self.path else None

    @property
    def static(self) -> Path | None:
        """The plugin's static folder, if it has one."""
        return self.path / "static" if self.path else None

    @property
    def migrations(self) -> Path | None:
        """The plugin's Alembic version folder, if it has one."""
        if self.path and (self.path / "migrations").is_dir():
            return self.path / "migrations"
        return None

    def widget(self, widget_type: str) -> type[Widget] | None:
        """The widget class of type ``widget_type``, if the plugin declares it."""
        return next((w for w in self.widgets if w.type == widget_type), None)
