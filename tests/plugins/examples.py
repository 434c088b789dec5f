"""The example plugins of ``examples/``, installed with pip as a site installs them.

:func:`pip_install` runs ``pip install --target`` once per run and project;
:func:`on_path` makes the installed distribution visible (entry point
``cms.plugins`` included) for the apps created inside it, then hides it again.
A plugin package with models stays imported for the rest of the run (SQLAlchemy
maps a model class once per process), but its tables leave ``db.metadata``
when it is hidden, so later tests see exactly the core's schema.
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Table

from cms.config import PROJECT_ROOT
from cms.extensions import Model, db

#: Where the example projects live.
EXAMPLES = PROJECT_ROOT / "examples"

_installed: dict[str, Path] = {}


def pip_install(project: str, folder: Path) -> Path:
    """Install ``examples/<project>`` with pip into ``folder/<project>`` (once per run).

    pip builds from a copy of the project, so no ``build/`` or ``*.egg-info``
    is left in the checkout (a stale ``build/`` would ship deleted files).
    Returns the folder holding the installed package and its ``.dist-info``.
    Raises :class:`subprocess.CalledProcessError` when pip fails.
    """
    if project not in _installed:
        source = folder / f"{project}-source"
        shutil.copytree(
            EXAMPLES / project,
            source,
            ignore=shutil.ignore_patterns("build", "*.egg-info", "__pycache__"),
        )
        target = folder / project
        subprocess.run(  # noqa: S603 (pip of this interpreter, fixed arguments)
            [
                sys.executable, "-m", "pip", "install", "--quiet", "--no-deps",
                "--no-build-isolation", "--target", str(target), str(source),
            ],
            check=True,
        )  # fmt: skip
        _installed[project] = target
    return _installed[project]


def _tables_of(package: str) -> list[Table]:
    """The tables mapped by the model classes of ``package`` (and its modules)."""
    return [
        table
        for mapper in Model.registry.mappers
        if mapper.class_.__module__.split(".")[0] == package
        for table in mapper.tables
    ]


@contextmanager
def on_path(project: str, package: str, folder: Path) -> Iterator[Path]:
    """Make the installed ``project`` (package ``package``) discoverable; yields its folder."""
    target = str(pip_install(project, folder))
    sys.path.insert(0, target)
    importlib.invalidate_caches()
    for table in _tables_of(package):  # imported by an earlier test module: map it again
        if table.name not in db.metadata.tables:
            table.to_metadata(db.metadata)
    try:
        yield Path(target)
    finally:
        sys.path.remove(target)
        importlib.invalidate_caches()
        for table in _tables_of(package):
            if table.name in db.metadata.tables:
                db.metadata.remove(db.metadata.tables[table.name])
