"""The checks a plugin passes at load: one name everywhere, and its migrations.

A plugin's name is its blueprint name, its template folder
(``templates/<name>/``), the prefix of every table (``<name>_``) and the
label of its Alembic branch (STYLE.md, "Check a plugin's one name at load").
Its widget types are checked too: a valid type, a template, a cache policy,
and a ``live_context`` for every live widget; and its back-office columns.
Each check raises :class:`PluginCheckError` with a message for the back office.
Migration files are read with :mod:`ast`, never executed, so a plugin is
checked without running its code.
"""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Table

from cms.plugins.base import AdminColumn, Widget
from cms.themes.manifest import NAME_RE

log = logging.getLogger(__name__)

#: The folder of the core's own migrations.
CORE_VERSIONS = Path(__file__).resolve().parent.parent / "migrations" / "versions"


class PluginCheckError(Exception):
    """A plugin that does not keep to its one name; the message says what is wrong."""


def check_tables(name: str, tables: Iterable[Table]) -> None:
    """Refuse tables whose name does not start with ``<name>_``.

    Raises :class:`PluginCheckError` naming the first offending table.
    """
    prefix = f"{name}_"
    for table in sorted(tables, key=lambda t: t.name):
        if not table.name.startswith(prefix):
            raise PluginCheckError(
                f"its table {table.name!r} does not start with the plugin's prefix {prefix!r}"
            )


#: The back-office lists a plugin may add columns to (:class:`~cms.plugins.base.AdminColumn`).
COLUMN_LISTS = frozenset({"Article"})


def check_admin_columns(name: str, columns: Iterable[Any]) -> None:
    """Refuse back-office columns the engine cannot show.

    Each must be an :class:`~cms.plugins.base.AdminColumn` with a valid
    ``name`` (unique within the plugin and list), a callable ``values`` and a
    list in :data:`COLUMN_LISTS`. Raises :class:`PluginCheckError`.
    """
    seen: set[tuple[str, str]] = set()
    for column in columns:
        if not isinstance(column, AdminColumn):
            raise PluginCheckError(f"{column!r} in admin_columns is not an AdminColumn")
        if not NAME_RE.fullmatch(column.name or ""):
            raise PluginCheckError(f"its back-office column name {column.name!r} is not valid")
        if column.on not in COLUMN_LISTS:
            raise PluginCheckError(
                f"its column {column.name!r} is for {column.on!r}; lists with columns: "
                + ", ".join(sorted(COLUMN_LISTS))
            )
        if not callable(column.values):
            raise PluginCheckError(f"its column {column.name!r} has no values function")
        if (column.on, column.name) in seen:
            raise PluginCheckError(f"it declares the column {column.name!r} twice")
        seen.add((column.on, column.name))


def check_robots_disallow(name: str, paths: Iterable[Any]) -> None:
    """Refuse ``robots_disallow`` entries that are no URL path of one line.

    Each must be a string starting with ``/`` without whitespace or control
    characters (RFC 9309 section 2.2.2: a path pattern; a newline would add
    lines of its own to ``/robots.txt``). Raises :class:`PluginCheckError`.
    """
    if isinstance(paths, str):
        raise PluginCheckError("robots_disallow must be a list of paths, not one string")
    for path in paths:
        if (
            not isinstance(path, str)
            or not path.startswith("/")
            or any(c.isspace() or not c.isprintable() for c in path)
        ):
            raise PluginCheckError(f"its robots_disallow entry {path!r} is not a URL path")


def check_widgets(name: str, widgets: Iterable[Any]) -> None:
    """Refuse widget types the engine cannot render.

    Each must be a :class:`~cms.plugins.base.Widget` subclass with a valid
    ``type`` (unique within the plugin) and a ``template``; its ``cache`` must
    be ``"static"``, ``"live"`` or a positive number of seconds; a live widget
    must override :meth:`~cms.plugins.base.Widget.live_context` (the engine
    never calls ``get_context`` for it). Raises :class:`PluginCheckError`.
    """
    seen: set[str] = set()
    for widget in widgets:
        if not (isinstance(widget, type) and issubclass(widget, Widget)):
            raise PluginCheckError(f"{widget!r} is not a Widget subclass")
        label = widget.__name__
        valid_type = isinstance(widget.type, str) and NAME_RE.match(widget.type)
        if not valid_type or not widget.template:
            raise PluginCheckError(f"widget {label} needs a valid type and a template")
        if widget.type in seen:
            raise PluginCheckError(f"widget type {name}.{widget.type} is declared twice")
        seen.add(widget.type)
        policy = widget.cache
        seconds = isinstance(policy, int) and not isinstance(policy, bool) and policy > 0
        if policy not in ("static", "live") and not seconds:
            raise PluginCheckError(
                f'widget {name}.{widget.type}: cache must be "static", "live" or a positive'
                f" number of seconds, not {policy!r}"
            )
        if policy == "live" and widget.live_context is Widget.live_context:
            raise PluginCheckError(
                f'widget {name}.{widget.type} ({label}) is live (cache = "live") but does not'
                " define live_context(instance, page, visitor): a live widget renders from the"
                " page's identity and the visitor, never from get_context"
            )


def check_templates(name: str, folder: Path | None) -> None:
    """Refuse a ``templates/`` folder holding anything but ``<name>/`` (hidden files aside)."""
    if folder is None or not folder.is_dir():
        return
    for entry in sorted(folder.iterdir()):
        if entry.name.startswith("."):
            continue
        if entry.name != name or not entry.is_dir():
            raise PluginCheckError(
                f"its templates must sit in templates/{name}/, found templates/{entry.name}"
            )


@dataclass(frozen=True)
class Revision:
    """One migration file of a plugin, as declared (never executed)."""

    #: The revision id.
    revision: str
    #: The revisions it follows (empty for a root).
    down: tuple[str, ...]
    #: Its branch labels.
    labels: tuple[str, ...]
    #: The file it was read from.
    path: Path
    #: The revisions it depends on without following them (``depends_on``).
    depends: tuple[str, ...] = ()


def _literal(node: ast.expr | None) -> tuple[str, ...]:
    """A string, a tuple/list of strings or ``None`` as a tuple of strings."""
    if node is None:
        return ()
    value = ast.literal_eval(node)
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, tuple | list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"unexpected value {value!r}")


def read_revisions(folder: Path) -> list[Revision]:
    """The migrations in ``folder`` (``*.py``), read without importing them.

    Raises :class:`PluginCheckError` for a file without a literal ``revision``.
    """
    revisions = []
    for path in sorted(folder.glob("*.py")):
        if path.name.startswith("_"):
            continue
        try:
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            found: dict[str, ast.expr | None] = {}
            for node in tree.body:
                target = None
                if isinstance(node, ast.Assign) and len(node.targets) == 1:
                    target, value = node.targets[0], node.value
                elif isinstance(node, ast.AnnAssign):
                    target, value = node.target, node.value  # type: ignore[assignment]
                if isinstance(target, ast.Name):
                    found[target.id] = value
            ids = _literal(found.get("revision"))
            if len(ids) != 1:
                raise ValueError("no revision id")
            revisions.append(
                Revision(
                    ids[0],
                    _literal(found.get("down_revision")),
                    _literal(found.get("branch_labels")),
                    path,
                    _literal(found.get("depends_on")),
                )
            )
        except (SyntaxError, ValueError, UnicodeDecodeError) as exc:
            raise PluginCheckError(f"its migration {path.name} cannot be read: {exc}") from exc
    return revisions


def check_branch(name: str, revisions: list[Revision]) -> None:
    """Refuse migrations whose branch is not labelled ``name``.

    Every root revision (one that follows no revision of the plugin) must carry
    the label ``name``, and no revision may carry another label.
    """
    own = {r.revision for r in revisions}
    for rev in revisions:
        wrong = [label for label in rev.labels if label != name]
        if wrong:
            raise PluginCheckError(
                f"its migration {rev.path.name} has the branch label {wrong[0]!r},"
                f" expected {name!r}"
            )
        if not any(d in own for d in rev.down) and name not in rev.labels:
            raise PluginCheckError(
                f"its first migration {rev.path.name} needs branch_labels = ({name!r},)"
            )


@cache
def core_revisions() -> frozenset[str]:
    """The ids of the core's own migrations (``cms/migrations/versions``), read once."""
    return frozenset(r.revision for r in read_revisions(CORE_VERSIONS))


def check_references(
    name: str, revisions: list[Revision], core: frozenset[str], taken: dict[str, str]
) -> None:
    """Refuse migrations that name anything but the plugin's own or the core's revisions.

    Every ``down_revision`` and ``depends_on`` must be one of ``revisions`` or
    one of ``core`` (exact ids); a revision id may be neither a core id nor one
    of ``taken`` (revision id -> the other plugin that declares it). Alembic
    resolves every branch together, so one unknown name would stop every
    plugin's migrations and ``cms init``. Raises :class:`PluginCheckError`.
    """
    own = {r.revision for r in revisions}
    seen: set[str] = set()
    for rev in revisions:
        if rev.revision in core:
            raise PluginCheckError(
                f"its migration {rev.path.name} reuses the core's revision id {rev.revision!r}"
            )
        if rev.revision in taken:
            raise PluginCheckError(
                f"its migration {rev.path.name} reuses the revision id {rev.revision!r}"
                f" of plugin {taken[rev.revision]}"
            )
        if rev.revision in seen:
            raise PluginCheckError(f"two of its migrations have the revision id {rev.revision!r}")
        seen.add(rev.revision)
        for field, names in (("down_revision", rev.down), ("depends_on", rev.depends)):
            for other in names:
                if other not in own and other not in core:
                    raise PluginCheckError(
                        f"its migration {rev.path.name} (revision {rev.revision!r}) has"
                        f" {field} {other!r}, which is neither one of its own revisions nor"
                        " a core revision"
                    )


def heads(revisions: list[Revision]) -> set[str]:
    """The revisions no other revision of the plugin follows (its newest ones)."""
    followed = {d for r in revisions for d in r.down}
    return {r.revision for r in revisions if r.revision not in followed}
