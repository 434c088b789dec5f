"""Theme manifests: ``themes/<name>/theme.json`` read and validated."""

from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path

from cms.themes.texts import Localized, Region, TextError, parse_region

log = logging.getLogger(__name__)

#: What a theme (or plugin) name may look like: no dots, slashes or upper case.
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,49}$")


class ThemeError(ValueError):
    """A theme manifest that cannot be used."""


@dataclass(frozen=True)
class Theme:
    """A theme found on disk."""

    #: Folder name and identifier, e.g. ``default``.
    name: str
    #: Folder holding ``theme.json``, ``templates/`` and ``static/``.
    path: Path
    #: Human-readable name, one text per locale (``str()`` gives the current one).
    title: Localized = Localized()
    #: One-line description for the back office, one text per locale.
    description: Localized = Localized()
    #: Name of the theme this one extends, if any.
    parent: str | None = None
    #: Regions the theme's layout renders, e.g. ``("header", "sidebar", ...)``.
    regions: tuple[str, ...] = field(default_factory=tuple)
    #: Version string from the manifest.
    version: str = ""
    #: The regions with their titles, sentences and page areas, in ``regions`` order.
    region_details: tuple[Region, ...] = field(default_factory=tuple)

    def region(self, name: str) -> Region:
        """What the manifest (or the core) tells about region ``name``."""
        for region in self.region_details:
            if region.name == name:
                return region
        return Region(name)

    @property
    def templates(self) -> Path:
        """The theme's template folder."""
        return self.path / "templates"

    @property
    def static(self) -> Path:
        """The theme's static folder."""
        return self.path / "static"


def load_manifest(folder: Path) -> Theme:
    """Read and validate ``folder/theme.json``; raises :class:`ThemeError`."""
    name = folder.name
    if not NAME_RE.match(name):
        raise ThemeError(f"invalid theme folder name {name!r}")
    try:
        data = json.loads((folder / "theme.json").read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ThemeError(f"{name}: theme.json is missing") from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ThemeError(f"{name}: theme.json is not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise ThemeError(f"{name}: theme.json must hold an object")
    if data.get("name", name) != name:
        raise ThemeError(f"{name}: theme.json names it {data.get('name')!r}")
    parent = data.get("parent")
    if parent is not None and (not isinstance(parent, str) or not NAME_RE.match(parent)):
        raise ThemeError(f"{name}: invalid parent {parent!r}")
    regions = data.get("regions", [])
    if not isinstance(regions, list):
        raise ThemeError(f"{name}: regions must be a list of names")
    try:
        details = tuple(parse_region(r, NAME_RE.match) for r in regions)
        title = Localized.parse(data.get("title")) or Localized.parse(name)
        description = Localized.parse(data.get("description"))
    except TextError as exc:
        raise ThemeError(f"{name}: {exc}") from exc
    return Theme(
        name=name,
        path=folder,
        title=title,
        description=description,
        parent=parent,
        regions=tuple(r.name for r in details),
        version=str(data.get("version", "")),
        region_details=details,
    )


def discover(themes_dir: Path) -> dict[str, Theme]:
    """Every valid theme under ``themes_dir``; broken ones are logged and skipped."""
    found: dict[str, Theme] = {}
    if not themes_dir.is_dir():
        log.warning("themes folder %s does not exist", themes_dir)
        return found
    for folder in sorted(p for p in themes_dir.iterdir() if p.is_dir()):
        if not (folder / "theme.json").exists():
            continue
        try:
            theme = load_manifest(folder)
        except ThemeError as exc:
            log.error("skipping theme: %s", exc)
            continue
        found[theme.name] = theme
    return found
