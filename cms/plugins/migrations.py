"""Running the core's and the plugins' migrations so that no plugin can wedge the site.

:func:`upgrade_site` (``cms init``) upgrades the core first, completely, in one
transaction; then each plugin's Alembic branch in a transaction of its own.
Each run sees only the migration files it needs (the core's, plus one
plugin's), so a plugin whose files cannot be read or resolved spoils its own
run and nobody else's. Rows of ``alembic_version`` that the run does not know
(another plugin's, or those of a plugin that was uninstalled) are set aside
for the run and put back before it commits, so they stop nothing and are
found again when their plugin comes back.

A run that fails is rolled back whole: PostgreSQL's DDL is transactional, and
so is SQLite's once the ``sqlite3`` driver leaves transactions to us (it
otherwise commits around DDL by itself). A plugin's run is refused, and rolled
back, when it created or dropped a table outside its ``<name>_`` prefix or
changed the columns of one. Alembic's command functions are called directly:
they raise, where Flask-Migrate's would print and ``sys.exit(1)``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Connection, column, delete, insert, inspect, table
from sqlalchemy.exc import DBAPIError

from cms.extensions import db
from cms.plugins.base import Plugin
from cms.plugins.checks import CORE_VERSIONS, Revision, core_revisions, read_revisions

log = logging.getLogger(__name__)

#: Longest error text kept for one failing run (characters).
MAX_ERROR = 300

_VERSIONS = table("alembic_version", column("version_num"))


class MigrationError(Exception):
    """A migration run that failed and was rolled back; the message says why, on one line."""


@dataclass
class SiteUpgrade:
    """What :func:`upgrade_site` did."""

    #: Whether the database had no core revision before (it was created).
    created: bool = False
    #: The core's revisions before and after, as stored in ``alembic_version``.
    core_before: tuple[str, ...] = ()
    core_after: tuple[str, ...] = ()
    #: Plugin name -> the revisions applied to it in this run (plugins with none left out).
    applied: dict[str, list[str]] = field(default_factory=dict)
    #: Plugin name -> why its migrations failed (they were rolled back).
    failed: dict[str, str] = field(default_factory=dict)
    #: Things an operator should know that need no action (left-over revisions).
    notices: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        """What was done, one sentence a line, for the ``cms init`` output.

        In the site language (the stored ``locale`` setting, else ``CMS_LOCALE``):
        call it in an app context, once the migrations have run, so that the
        setting can be read.
        """
        after = ", ".join(self.core_after)
        said = []
        if self.created:
            said.append(_("Created the database (core at %(revision)s).", revision=after))
        elif self.core_before != self.core_after:
            said.append(
                _(
                    "Upgraded the core from %(before)s to %(after)s.",
                    before=", ".join(self.core_before),
                    after=after,
                )
            )
        for name, revisions in sorted(self.applied.items()):
            said.append(
                _(
                    "Applied the migrations of plugin %(name)s: %(revisions)s.",
                    name=name,
                    revisions=", ".join(revisions),
                )
            )
        if not said and self.failed:
            said.append(_("Nothing else to do: the core and the other plugins are up to date."))
        elif not said:
            said.append(_("Nothing to do: the database is up to date."))
        return said


def describe(exc: BaseException) -> str:
    """``exc`` as one short line: the database's own message for database errors."""
    orig = exc.orig if isinstance(exc, DBAPIError) else None
    message = str(orig if orig is not None else exc)
    first = message.strip().splitlines()[0].strip() if message.strip() else ""
    text = f"{type(exc).__name__}: {first}" if first else type(exc).__name__
    if isinstance(exc, MigrationError):
        text = first
    return text if len(text) <= MAX_ERROR else text[: MAX_ERROR - 1] + "…"


def alembic_config(locations: list[Path]) -> Config:
    """The app's Alembic configuration, looking for migration files in ``locations`` only."""
    config = current_app.extensions["migrate"].migrate.get_config()
    config.set_main_option(
        "version_locations", os.pathsep.join(str(p).replace("%", "%%") for p in locations)
    )
    return config


@contextmanager
def transaction() -> Iterator[Connection]:
    """A connection in a transaction that DDL joins: committed on success, else rolled back.

    SQLite: the driver's own transaction handling is off for this connection
    (``isolation_level = None``) and ``BEGIN`` is sent here, so that CREATE,
    ALTER and DROP are rolled back with the rest; foreign keys are off
    meanwhile, as SQLite's manual says for schema changes (a table copied by
    Alembic's batch mode must not cascade-delete), and ``PRAGMA
    foreign_key_check`` must find nothing before the commit
    (:class:`MigrationError` otherwise).
    """
    with db.engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        raw: Any = conn.connection.driver_connection if sqlite else None
        previous = raw.isolation_level if sqlite else None
        try:
            if sqlite:
                raw.isolation_level = None  # no implicit BEGIN/COMMIT from the driver
                conn.exec_driver_sql("PRAGMA foreign_keys=OFF")
                conn.exec_driver_sql("BEGIN")
            elif not conn.in_transaction():
                conn.begin()
            try:
                yield conn
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").first()
                    if broken is not None:
                        raise MigrationError(
                            f"rows of table {broken[0]} refer to rows of {broken[2]}"
                            " that do not exist"
                        )
                conn.commit()
            except BaseException:
                conn.rollback()
                raise
        finally:
            if sqlite:
                try:
                    conn.exec_driver_sql("PRAGMA foreign_keys=ON")
                    conn.commit()
                    raw.isolation_level = previous
                except Exception:  # never hand a connection in an odd state back to the pool
                    log.exception("could not restore a database connection after migrating")
                    conn.invalidate()


def applied_versions(conn: Connection) -> set[str]:
    """The revisions in ``alembic_version`` (empty when the table does not exist yet)."""
    if not inspect(conn).has_table("alembic_version"):
        return set()
    return set(conn.execute(_VERSIONS.select()).scalars())


def _set_aside(conn: Connection, known: set[str]) -> set[str]:
    """Remove the rows of ``alembic_version`` not in ``known``; return them."""
    aside = applied_versions(conn) - known
    if aside:
        conn.execute(delete(_VERSIONS).where(_VERSIONS.c.version_num.in_(sorted(aside))))
    return aside


def _put_back(conn: Connection, aside: set[str]) -> None:
    """Put rows removed by :func:`_set_aside` back."""
    missing = aside - applied_versions(conn)
    if missing:
        conn.execute(insert(_VERSIONS), [{"version_num": v} for v in sorted(missing)])


def _plugin_revisions() -> dict[str, Revision]:
    """Every loaded plugin's migrations by revision id, read from their files (not imported)."""
    plugins = current_app.extensions["cms_plugins"].plugins
    return {
        rev.revision: rev
        for plugin in plugins.values()
        if plugin.migrations is not None
        for rev in read_revisions(Path(plugin.migrations))
    }


def _all_revisions() -> dict[str, Revision]:
    """The core's and every loaded plugin's migrations by revision id."""
    return {**{rev.revision: rev for rev in read_revisions(CORE_VERSIONS)}, **_plugin_revisions()}


def _stand_in(conn: Connection, aside: set[str]) -> set[str]:
    """Write the core rows that rows set aside stood for; the rows written.

    A plugin's first revision that ``depends_on`` the core's newest revision
    takes that revision's row in ``alembic_version``: Alembic moves a head a
    new revision depends on to it, as it does for a down revision. Once the
    plugin's row is set aside (:func:`_set_aside`), the core's own row must be
    written back for the run, or the core would look never migrated. The
    core revisions the set-aside rows of loaded plugins depend on (following
    their own down revisions) are compared with the core rows present, and
    the newest of all are written. Remove them with :func:`_stand_down`
    before the set-aside rows come back: Alembic refuses a row beside one
    that depends on it. Raises :class:`MigrationError` when core tables
    exist, no core row is left and a set-aside row belongs to no loaded
    plugin (its files are gone, so what it stood for is unknown).
    """
    if not aside:
        return set()
    core = {rev.revision: rev for rev in read_revisions(CORE_VERSIONS)}
    plugins = _plugin_revisions()
    wanted: set[str] = set()
    stack = [r for r in aside if r in plugins]
    seen: set[str] = set()
    while stack:
        rev = plugins[stack.pop()]
        if rev.revision in seen:
            continue
        seen.add(rev.revision)
        wanted.update(d for d in (*rev.down, *rev.depends) if d in core)
        stack.extend(d for d in (*rev.down, *rev.depends) if d in plugins)
    rows = applied_versions(conn)
    # the core revisions the rows kept stand for: their own, and what they depend on
    covered = (rows | _ancestors(rows, {**core, **plugins})) & set(core)
    if not wanted:
        if not covered and aside - set(plugins) and inspect(conn).has_table("article"):
            raise MigrationError(
                "the core's migrations are recorded only through a plugin that is not"
                f" installed ({', '.join(sorted(aside - set(plugins)))}): reinstall it,"
                " then run `cms init` again"
            )
        return set()
    if wanted <= covered:
        return set()
    target = wanted | covered
    newest = target - _ancestors(target, core)
    stand_in = newest - covered
    present = rows & set(core)
    if present - newest:  # a core row beside one that follows it: Alembic refuses both
        conn.execute(delete(_VERSIONS).where(_VERSIONS.c.version_num.in_(sorted(present - newest))))
    if stand_in:
        conn.execute(insert(_VERSIONS), [{"version_num": v} for v in sorted(stand_in)])
    return stand_in


def _stand_down(conn: Connection, stand_in: set[str]) -> None:
    """Remove the rows :func:`_stand_in` wrote that no migration moved since."""
    if stand_in:
        conn.execute(delete(_VERSIONS).where(_VERSIONS.c.version_num.in_(sorted(stand_in))))


def _ancestors(ids: set[str], revisions: Mapping[str, Revision]) -> set[str]:
    """The revisions ``ids`` follow, directly or not (down revisions and dependencies)."""
    found: set[str] = set()
    stack = [d for i in ids if i in revisions for d in (*revisions[i].down, *revisions[i].depends)]
    while stack:
        current = stack.pop()
        if current in found or current not in revisions:
            continue
        found.add(current)
        stack.extend((*revisions[current].down, *revisions[current].depends))
    return found


def _upgrade(conn: Connection, config: Config, target: str) -> list[str]:
    """Run ``alembic upgrade target`` on ``conn``; the revisions applied, in order."""
    applied: list[str] = []

    def on_version_apply(*, step: Any, **_: Any) -> None:
        if step.is_upgrade and not step.is_stamp:
            applied.extend(step.up_revision_ids)

    config.attributes["connection"] = conn
    config.attributes["configure_args"] = {"on_version_apply": on_version_apply}
    command.upgrade(config, target)
    return applied


def _known(config: Config) -> set[str]:
    """Every revision id of the files ``config`` looks at."""
    script = ScriptDirectory.from_config(config)
    return {s.revision for s in script.walk_revisions()}


def core_heads() -> set[str]:
    """The newest revisions of the core's own migrations."""
    return set(ScriptDirectory.from_config(alembic_config([CORE_VERSIONS])).get_heads())


def upgrade_core() -> tuple[tuple[str, ...], tuple[str, ...], list[str]]:
    """Bring the core's tables to its newest migration, in one transaction.

    Returns (core revisions before, after, revisions applied). Raises
    :class:`MigrationError` (nothing changed) when a migration fails.
    """
    try:
        config = alembic_config([CORE_VERSIONS])
        known = _known(config)
        with transaction() as conn:
            aside = _set_aside(conn, known)
            stand_in = _stand_in(conn, aside)
            before = tuple(sorted(applied_versions(conn) & known))
            applied = _upgrade(conn, config, "heads")
            after = tuple(sorted(applied_versions(conn)))
            _stand_down(conn, stand_in)
            _put_back(conn, aside)
    except Exception as exc:
        raise MigrationError(
            f"the core's migrations failed and were rolled back: {describe(exc)}"
        ) from exc
    return before, after, applied


def upgrade_plugin(name: str, plugin: Plugin) -> list[str]:
    """Bring plugin ``name``'s tables to its newest migration, in one transaction.

    The core must be up to date. Returns the revisions applied (empty when
    there was nothing to do). Raises :class:`MigrationError`, everything rolled
    back, when a migration fails or touches a table outside ``<name>_``.
    """
    if plugin.migrations is None:
        return []
    try:
        config = alembic_config([CORE_VERSIONS, Path(plugin.migrations)])
        known = _known(config)
        heads = core_heads()
        with transaction() as conn:
            before = _tables(conn)
            aside = _set_aside(conn, known)
            stand_in = _stand_in(conn, aside)
            rows = applied_versions(conn)
            if not heads <= rows | _ancestors(rows, _all_revisions()):
                raise MigrationError("the core's migrations are not applied; run `cms init`")
            applied = _upgrade(conn, config, "heads")
            check_own_tables(name, before, _tables(conn))
            _stand_down(conn, stand_in & applied_versions(conn))
            _put_back(conn, aside)
    except Exception as exc:
        raise MigrationError(describe(exc)) from exc
    return applied


def _tables(conn: Connection) -> dict[str, frozenset[str]]:
    """Every table of the database with its column names."""
    found = inspect(conn)
    return {
        name: frozenset(c["name"] for c in found.get_columns(name))
        for name in found.get_table_names()
    }


def check_own_tables(
    name: str, before: Mapping[str, frozenset[str]], after: Mapping[str, frozenset[str]]
) -> None:
    """Refuse a plugin run that created, dropped or altered a table outside ``<name>_``.

    ``before`` and ``after`` map table names to column names. Raises
    :class:`MigrationError` naming the first such table.
    """
    prefix = f"{name}_"
    outside = sorted(t for t in {*before, *after} if not t.startswith(prefix))
    for t in outside:
        if t == "alembic_version":
            continue
        if t not in before:
            what = "created"
        elif t not in after:
            what = "dropped"
        elif before[t] != after[t]:
            what = "changed the columns of"
        else:
            continue
        raise MigrationError(
            f"its migrations {what} the table {t!r}, outside its prefix {prefix!r};"
            " they were rolled back"
        )


def left_over(plugins: Mapping[str, Plugin], broken: Mapping[str, str]) -> list[str]:
    """Notices for revisions in ``alembic_version`` that no loaded plugin owns.

    One line per plugin (guessed from the ids, ``<name>_...``), naming the
    tables kept for it; ``broken`` (name -> error) tells a plugin that failed
    to load from one that is not installed.
    """
    owned = set(core_revisions())
    for plugin in plugins.values():
        if plugin.migrations is not None:
            owned |= {r.revision for r in read_revisions(Path(plugin.migrations))}
    with db.engine.connect() as conn:
        orphans = applied_versions(conn) - owned
        tables = inspect(conn).get_table_names() if orphans else []
    by_owner: dict[str, list[str]] = {}
    for revision in sorted(orphans):
        candidates = [n for n in broken if revision.startswith(f"{n}_")]
        owner = max(candidates, key=len) if candidates else revision.rsplit("_", 1)[0]
        by_owner.setdefault(owner, []).append(revision)
    notices = []
    for owner, revisions in sorted(by_owner.items()):
        kept = [t for t in tables if t.startswith(f"{owner}_")]
        what = "cannot be loaded" if owner in broken else "is not installed"
        keeps = f"its tables {', '.join(kept)} are kept" if kept else "no table of it is left"
        notices.append(
            f"plugin {owner} {what}; {keeps} (its migrations {', '.join(revisions)} stay"
            " recorded, so it resumes from there when it is back)"
        )
    return notices


def upgrade_site(
    plugins: Mapping[str, Plugin], broken: Mapping[str, str] | None = None
) -> SiteUpgrade:
    """The whole of ``cms init``'s database work: the core, then each plugin in turn.

    ``plugins`` are the loaded plugins by name, ``broken`` those refused at
    load (name -> why). A plugin whose run fails is named in
    :attr:`SiteUpgrade.failed` and the others carry on. Raises
    :class:`MigrationError` only when the core's own migrations fail.
    """
    report = SiteUpgrade()
    before, after, _ = upgrade_core()
    report.created, report.core_before, report.core_after = not before, before, after
    for name, plugin in sorted(plugins.items()):
        try:
            applied = upgrade_plugin(name, plugin)
        except MigrationError as exc:  # the caller says it, once
            report.failed[name] = str(exc)
            continue
        if applied:
            report.applied[name] = applied
    if not current_app.config.get("SAFE_MODE"):
        report.notices = left_over(plugins, broken or {})
    return report
