"""Finding plugins: the bundled ``plugins/`` folder and the ``cms.plugins`` entry points.

A plugin's name is its identity (blueprint, templates, tables, API), so it
must come from one place: a name that two sources provide (two pip packages,
or a pip package and a bundled plugin) is refused, and neither is imported,
so an installed package can never silently replace another plugin. Plugins
are returned sorted by name, so the same set of plugins always loads in the
same order whatever the install order: where two plugins clash on something
else than their name (an API path, a field), the one whose name sorts first
wins and the other is refused.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable, Iterator
from functools import partial
from importlib.metadata import EntryPoint, entry_points
from pathlib import Path
from types import ModuleType
from typing import NamedTuple

from cms.plugins.checks import PluginCheckError
from cms.themes.manifest import NAME_RE

log = logging.getLogger(__name__)

#: Entry-point group third-party plugins declare.
ENTRY_POINT_GROUP = "cms.plugins"

#: (name, how to import its package) for every plugin found.
Candidate = tuple[str, Callable[[], ModuleType]]


class Found(NamedTuple):
    """One source of a plugin."""

    #: The plugin name it provides.
    name: str
    #: Where it comes from, for messages: ``bundled plugins/clock``, ``pip package cms-x 1.0``.
    source: str
    #: Imports its package.
    load: Callable[[], ModuleType]


class NameClash(PluginCheckError):
    """A plugin name provided by more than one source; none of them is loaded."""


def _same_folder(module: ModuleType | None, folder: Path) -> bool:
    return module is not None and Path(module.__file__ or "").parent.resolve() == folder.resolve()


def _import_folder(name: str, folder: Path) -> ModuleType:
    """Import the package in ``folder`` as ``plugins.<name>``."""
    module_name = f"plugins.{name}"
    if _same_folder(sys.modules.get(module_name), folder):
        return sys.modules[module_name]
    sys.modules.pop(module_name, None)
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError:
        module = None  # type: ignore[assignment]
    if module is not None and _same_folder(module, folder):
        return module
    spec = importlib.util.spec_from_file_location(
        module_name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot import plugin folder {folder}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


def from_folder(folder: Path) -> Iterator[Found]:
    """Plugin packages directly under ``folder`` (each a folder with ``__init__.py``)."""
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file()):
        name = path.name
        if not NAME_RE.match(name):
            log.error("skipping plugin folder %s: invalid name", path)
            continue
        yield Found(name, f"bundled {folder.name}/{name}", partial(_import_folder, name, path))


def from_entry_points() -> Iterator[Found]:
    """Installed packages declaring ``[cms.plugins] name = package``."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield Found(ep.name, describe_entry_point(ep), partial(_load_entry_point, ep))


def describe_entry_point(ep: EntryPoint) -> str:
    """``pip package <distribution> <version> (<name> = <value>)``, for messages."""
    dist = getattr(ep, "dist", None)
    if dist is None:
        return f"entry point {ep.name} = {ep.value}"
    return f"pip package {dist.name} {dist.version} ({ep.name} = {ep.value})"


def _load_entry_point(ep: EntryPoint) -> ModuleType:
    loaded = ep.load()
    if isinstance(loaded, ModuleType):
        return loaded
    module = ModuleType(ep.value)
    module.plugin = loaded  # type: ignore[attr-defined]
    module.__file__ = getattr(sys.modules.get(getattr(loaded, "__module__", "")), "__file__", None)
    return module


def _refuse(name: str, sources: list[str]) -> ModuleType:
    """The loader of a clashing name: raises :class:`NameClash` naming every source."""
    raise NameClash(
        f"the name {name!r} is provided twice, by {' and by '.join(sources)}; neither is"
        " loaded: uninstall or rename the one that should not be there"
    )


def discover(folder: Path) -> list[Candidate]:
    """Every plugin name found in ``folder`` and in entry points, sorted by name.

    A name provided by more than one source gets a loader that raises
    :class:`NameClash` (a :class:`~cms.plugins.checks.PluginCheckError`)
    naming them all, without importing any of them: the registry lists the
    name as broken and the site runs on.
    """
    sources: dict[str, list[Found]] = {}
    for found in [*from_folder(folder), *from_entry_points()]:
        sources.setdefault(found.name, []).append(found)
    candidates: list[Candidate] = []
    for name in sorted(sources):
        same = sources[name]
        if len(same) == 1:
            candidates.append((name, same[0].load))
        else:
            described = sorted(f.source for f in same)
            candidates.append((name, partial(_refuse, name, described)))
    return candidates
