"""Finding plugins: the bundled ``plugins/`` folder and the ``cms.plugins`` entry points."""

from __future__ import annotations

import importlib
import importlib.util
import logging
import sys
from collections.abc import Callable, Iterator
from functools import partial
from importlib.metadata import entry_points
from pathlib import Path
from types import ModuleType

from cms.themes.manifest import NAME_RE

log = logging.getLogger(__name__)

#: Entry-point group third-party plugins declare.
ENTRY_POINT_GROUP = "cms.plugins"

#: (name, how to import its package) for every plugin found.
Candidate = tuple[str, Callable[[], ModuleType]]


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


def from_folder(folder: Path) -> Iterator[Candidate]:
    """Plugin packages directly under ``folder`` (each a folder with ``__init__.py``)."""
    if not folder.is_dir():
        return
    for path in sorted(p for p in folder.iterdir() if (p / "__init__.py").is_file()):
        name = path.name
        if not NAME_RE.match(name):
            log.error("skipping plugin folder %s: invalid name", path)
            continue
        yield name, partial(_import_folder, name, path)


def from_entry_points() -> Iterator[Candidate]:
    """Installed packages declaring ``[cms.plugins] name = package``."""
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        yield ep.name, partial(_load_entry_point, ep)


def _load_entry_point(ep) -> ModuleType:  # type: ignore[no-untyped-def]
    loaded = ep.load()
    if isinstance(loaded, ModuleType):
        return loaded
    module = ModuleType(ep.value)
    module.plugin = loaded  # type: ignore[attr-defined]
    module.__file__ = getattr(sys.modules.get(getattr(loaded, "__module__", "")), "__file__", None)
    return module


def discover(folder: Path) -> list[Candidate]:
    """Bundled plugins first, then entry points; a name seen twice keeps the first."""
    seen: dict[str, Candidate] = {}
    for name, loader in [*from_folder(folder), *from_entry_points()]:
        if name in seen:
            log.warning("plugin %s is provided twice; keeping the first one", name)
            continue
        seen[name] = (name, loader)
    return list(seen.values())
