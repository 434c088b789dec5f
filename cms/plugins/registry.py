"""The plugin registry: loads every plugin at start, tracks which are enabled, calls hooks.

Every plugin is loaded when the app starts; ``enabled`` lives in the
database with a generation counter, so each request learns at once when an
admin in another worker (or host) enabled, disabled or resumed a plugin. A
disabled plugin's blueprint answers 404, its widgets are skipped and its hooks
left out. A plugin that keeps failing is paused automatically: its errors are
counted in the shared store (:mod:`cms.store`), so the errors of every worker add up.
"""

from __future__ import annotations

import importlib
import logging
import threading
import time
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pluggy
from flask import Blueprint, Flask, abort, current_app, g
from sqlalchemy import Connection, Table, insert, select, text, update
from sqlalchemy.exc import SQLAlchemyError

from cms import generations
from cms.db import database_trouble
from cms.extensions import Model, db
from cms.i18n import add_translation_directory
from cms.models import PluginState, utcnow
from cms.plugins.base import Plugin, Widget
from cms.plugins.checks import (
    PluginCheckError,
    check_admin_columns,
    check_branch,
    check_references,
    check_robots_disallow,
    check_tables,
    check_templates,
    check_widgets,
    core_revisions,
    heads,
    read_revisions,
)
from cms.plugins.discovery import discover
from cms.plugins.migrations import MigrationError, SiteUpgrade, upgrade_plugin, upgrade_site
from cms.plugins.spec import CoreSpec
from cms.store import get_store
from cms.themes.manifest import NAME_RE

log = logging.getLogger(__name__)

#: Prefix of the shared-store counters of plugin errors (:func:`failure_key`).
FAILURE_PREFIX = "plugin-failures:"


class PluginError(Exception):
    """A plugin that cannot be loaded, or an operation on an unknown plugin."""


@dataclass(frozen=True)
class State:
    """A plugin's state as stored (or its defaults when never stored)."""

    enabled: bool
    paused_at: Any = None
    paused_reason: str = ""
    #: Why the plugin is held inactive whatever its setting (its migrations are not applied).
    held: str = ""

    @property
    def active(self) -> bool:
        """Enabled, not paused and not held."""
        return self.enabled and self.paused_at is None and not self.held


class PluginRegistry:
    """The plugins of one application."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        #: Loaded plugins by name.
        self.plugins: dict[str, Plugin] = {}
        #: Plugins that failed to load: name -> error message.
        self.broken: dict[str, str] = {}
        self.pm = pluggy.PluginManager("cms")
        self.pm.add_hookspecs(CoreSpec)
        self._states: dict[str, State] = {}
        self._states_generation: int | None = None
        self._lock = threading.Lock()
        #: Newest migration ids of each plugin that has migrations.
        self._heads: dict[str, set[str]] = {}
        #: Revision id -> the loaded plugin that declares it (ids may not clash).
        self._revision_owners: dict[str, str] = {}
        self._pending: dict[str, str] = {}
        self._pending_key: tuple[int | None, float] | None = None
        #: The last :meth:`states` answer seen by :meth:`call`, and its active plugins' names.
        self._active: tuple[dict[str, State], frozenset[str]] | None = None

    # -- loading -----------------------------------------------------------------

    def load_all(self) -> None:
        """Load every plugin found; a broken one is logged, recorded and skipped."""
        if self.app.config.get("SAFE_MODE"):
            log.warning("safe mode: no plugin is loaded")
            return
        for name, loader in discover(Path(self.app.config["PLUGINS_DIR"])):
            try:
                self._load(name, loader())
            except PluginCheckError as exc:  # a name out of line: refused, said plainly
                log.error("plugin %s refused: %s", name, exc)
                self.broken[name] = str(exc)
                self.plugins.pop(name, None)
                if self.pm.has_plugin(name):
                    self.pm.unregister(name=name)
            except Exception as exc:  # a broken plugin must never stop the site
                log.exception("plugin %s failed to load", name)
                self.broken[name] = f"{type(exc).__name__}: {exc}"
                self.plugins.pop(name, None)
                if self.pm.has_plugin(name):
                    self.pm.unregister(name=name)

    def _load(self, name: str, module: Any) -> None:
        plugin = getattr(module, "plugin", None)
        if not isinstance(plugin, Plugin):
            raise PluginError("the package exports no `plugin = Plugin(...)` object")
        if plugin.name != name:
            raise PluginError(f"declares the name {plugin.name!r}, expected {name!r}")
        if module.__file__:
            plugin.path = Path(module.__file__).resolve().parent
        check_widgets(name, plugin.widgets)
        check_admin_columns(name, plugin.admin_columns)
        check_robots_disallow(name, plugin.robots_disallow)
        check_templates(name, plugin.templates)
        revisions = read_revisions(plugin.migrations) if plugin.migrations else []
        check_references(name, revisions, core_revisions(), self._revision_owners)
        check_branch(name, revisions)
        self._import_models(name, plugin)
        blueprint = plugin.blueprint
        if blueprint is not None and not isinstance(blueprint, Blueprint):
            blueprint = blueprint()
        if blueprint is not None:
            if blueprint.name != name:
                raise PluginCheckError(
                    f"its blueprint is named {blueprint.name!r}, expected {name!r}"
                )
            _guard(blueprint, name)
            self.app.register_blueprint(blueprint)
        if plugin.templates is not None and plugin.templates.is_dir():
            self.app.extensions["cms_themes"].add_plugin_templates(name, plugin.templates)
        if plugin.hooks is not None:
            self.pm.register(plugin.hooks, name=name)
        if plugin.cli is not None:
            self.app.cli.add_command(plugin.cli, name)
        for mount in self.app.extensions.get("cms_plugin_mounts", []):
            mount(self.app, plugin)  # e.g. the back office mounts the plugin's admin views
        if plugin.translations is not None:
            add_translation_directory(self.app, plugin.translations)
        if plugin.setup is not None:
            plugin.setup(self.app)
        self.plugins[name] = plugin
        if revisions:
            self._heads[name] = heads(revisions)
            self._revision_owners.update((r.revision, name) for r in revisions)

    @staticmethod
    def _import_models(name: str, plugin: Plugin) -> None:
        """Import the plugin's model modules; refuse tables outside its ``<name>_`` prefix."""
        before = set(db.metadata.tables)
        for models in plugin.models:
            importlib.import_module(models)
        added = [db.metadata.tables[t] for t in set(db.metadata.tables) - before]
        mapped: list[Table] = [
            table
            for mapper in Model.registry.mappers
            if any(
                mapper.class_.__module__ == m or mapper.class_.__module__.startswith(f"{m}.")
                for m in plugin.models
            )
            for table in mapper.tables
            if isinstance(table, Table)
        ]
        try:
            check_tables(name, {*added, *mapped})
        except PluginCheckError:
            for table in added:  # never let a refused plugin's table reach a migration
                db.metadata.remove(table)
            raise

    # -- state -------------------------------------------------------------------

    def states(self) -> dict[str, State]:
        """Every loaded plugin's state, re-read only when the plugins generation changed."""
        generation = generations.value(generations.PLUGINS)
        if generation != self._states_generation:
            try:
                rows = db.session.execute(select(PluginState)).scalars().all()
            except SQLAlchemyError:  # before `cms init`, or the database is out of reach
                db.session.rollback()
                rows = None
            stored = {
                r.name: State(r.enabled, r.paused_at, r.paused_reason or "") for r in rows or []
            }
            fresh = {
                name: stored.get(name, State(plugin.enabled_by_default))
                for name, plugin in self.plugins.items()
            }
            if rows is None:  # not kept: read again on the next request
                return fresh
            with self._lock:
                self._states, self._states_generation = fresh, generation
        pending = self.pending_migrations()
        if pending:
            return {
                n: replace(s, held=pending[n]) if n in pending else s
                for n, s in self._states.items()
            }
        return self._states

    def pending_migrations(self) -> dict[str, str]:
        """Enabled plugins whose newest migration is not applied: name -> the reason shown.

        Read when the plugins generation changes, and again every
        ``PLUGIN_PENDING_RECHECK`` seconds (default 2) while a plugin is held,
        so a ``cms init`` run elsewhere frees it without a restart.
        """
        wanted_heads = {
            name: wanted
            for name, wanted in self._heads.items()
            if name in self._states and self._states[name].enabled
        }
        if not wanted_heads:
            return {}
        generation = generations.value(generations.PLUGINS)
        now = time.monotonic()
        recheck = float(self.app.config.get("PLUGIN_PENDING_RECHECK", 2))
        key = self._pending_key
        if (
            key is not None
            and key[0] == generation
            and (not self._pending or now - key[1] < recheck)
        ):
            return self._pending
        try:
            with db.engine.connect() as conn:
                rows = conn.execute(text("SELECT version_num FROM alembic_version"))
                applied = set(rows.scalars())
                failed = _migration_errors(conn)
        except SQLAlchemyError:  # before `cms init`, or out of reach: nothing is known
            return {}
        pending = {
            name: (
                f"its database migrations failed: {failed[name]}; fix the plugin, then run"
                " `cms init`"
                if failed.get(name)
                else "its database migrations are not applied; run `cms init`"
            )
            for name, wanted in wanted_heads.items()
            if not wanted <= applied
        }
        with self._lock:
            self._pending, self._pending_key = pending, (generation, now)
        return pending

    def is_enabled(self, name: str) -> bool:
        """Whether plugin ``name`` is loaded, enabled and not paused."""
        state = self.states().get(name)
        return state is not None and state.active

    def enabled_names(self) -> list[str]:
        """Names of the active plugins, sorted."""
        return sorted(n for n, s in self.states().items() if s.active)

    def require(self, name: str) -> Plugin:
        """The loaded plugin ``name``; raises :class:`PluginError` for unknown or broken names."""
        if not isinstance(name, str) or not NAME_RE.match(name) or name not in self.plugins:
            if isinstance(name, str) and name in self.broken:
                raise PluginError(f"plugin {name} is broken: {self.broken[name]}")
            raise PluginError(f"no plugin named {name!r}")
        return self.plugins[name]

    def set_enabled(self, name: str, enabled: bool) -> None:
        """Enable or disable a plugin (resuming it if paused); the caller commits.

        Its error count (:meth:`record_failure`) starts afresh.
        """
        plugin = self.require(name)
        if not isinstance(enabled, bool):
            raise PluginError("enabled must be true or false")
        if enabled and plugin.migrations is not None:
            self.migrate(name)
        self._reset_failures(name)  # before this session writes: SQLite allows one writer
        row = db.session.get(PluginState, name)
        if row is None:
            row = PluginState(name=name, settings={})
            db.session.add(row)
        row.enabled = enabled
        row.paused_at = None
        row.paused_reason = ""
        generations.bump(generations.PLUGINS, generations.WIDGETS)

    def migrate(self, name: str) -> list[str]:
        """Bring plugin ``name``'s tables to its newest migration; the revisions applied.

        Nothing happens when it is up to date. A failure is rolled back, kept as
        the plugin's held reason and raised as :class:`PluginError` (one line,
        e.g. ``the migrations of plugin x failed: ...``); never a ``SystemExit``.
        """
        plugin = self.require(name)
        db.session.commit()  # never hold a write lock while Alembic works on another connection
        try:
            applied = upgrade_plugin(name, plugin)
        except MigrationError as exc:
            self._record_migration(name, str(exc))
            raise PluginError(f"the migrations of plugin {name} failed: {exc}") from exc
        self._record_migration(name, "")
        return applied

    def migrate_all(self) -> SiteUpgrade:
        """``cms init``: the core's migrations, then every loaded plugin's, one by one.

        Each plugin's failure is kept as its held reason (see
        :meth:`pending_migrations`) and listed in :attr:`SiteUpgrade.failed`.
        Raises :class:`~cms.plugins.migrations.MigrationError` when the core's
        own migrations fail (rolled back; no plugin is then tried).
        """
        db.session.commit()
        report = upgrade_site(self.plugins, self.broken)
        for name, plugin in self.plugins.items():
            if plugin.migrations is not None:
                self._record_migration(name, report.failed.get(name, ""))
        return report

    def _record_migration(self, name: str, error: str) -> None:
        """Keep (or clear, with ``""``) why plugin ``name``'s migrations failed, for all workers."""
        self._pending_key = None  # read alembic_version again on the next request
        try:
            with db.engine.begin() as conn:
                updated = conn.execute(
                    update(PluginState)
                    .where(PluginState.name == name, PluginState.migration_error != error)
                    .values(migration_error=error)
                ).rowcount
                exists = (
                    updated
                    or conn.execute(
                        select(PluginState.name).where(PluginState.name == name)
                    ).first()
                )
                if not exists and error:
                    plugin = self.plugins.get(name)
                    conn.execute(
                        insert(PluginState).values(
                            name=name,
                            enabled=plugin.enabled_by_default if plugin else False,
                            settings={},
                            paused_reason="",
                            schema_version="",
                            migration_error=error,
                            updated_at=utcnow(),
                        )
                    )
                if updated or (not exists and error):
                    generations.bump(generations.PLUGINS, connection=conn)
        except SQLAlchemyError:
            log.exception("could not record the migration state of plugin %s", name)

    def settings(self, name: str) -> dict[str, Any]:
        """Plugin ``name``'s settings: its defaults overlaid with what an admin saved."""
        plugin = self.require(name)
        stored = db.session.execute(
            select(PluginState.settings).where(PluginState.name == name)
        ).scalar()
        return {**plugin.default_settings, **(stored or {})}

    def save_settings(self, name: str, values: dict[str, Any]) -> None:
        """Store plugin ``name``'s settings; the caller commits."""
        plugin = self.require(name)
        row = db.session.get(PluginState, name)
        if row is None:
            row = PluginState(name=name, enabled=plugin.enabled_by_default, settings={})
            db.session.add(row)
        row.settings = dict(values)
        generations.bump(generations.PLUGINS, f"widget-plugin:{name}")

    def widget_class(self, plugin: str, widget_type: str) -> type[Widget] | None:
        """The widget class ``plugin.widget_type`` of a loaded plugin."""
        found = self.plugins.get(plugin)
        return found.widget(widget_type) if found else None

    # -- hooks -------------------------------------------------------------------

    def call(self, hook: str, *, installed: bool = False, **kwargs: Any) -> list[Any]:
        """Call ``hook`` on every active plugin; one plugin's error never stops the others.

        With ``installed``, also on plugins disabled or paused whose tables exist
        (not held): for questions about data such a plugin keeps and will use
        again once enabled, such as ``media_uses``. Implementations the core
        registered on :attr:`pm` under a name that is no plugin's (e.g.
        ``tests.recorder``) are always called; their errors are logged, never
        counted against a plugin.
        """
        caller = getattr(self.pm.hook, hook)
        results = []
        if installed:
            asked = frozenset(name for name, state in self.states().items() if not state.held)
        else:
            asked = self._active_names()
        for impl in reversed(caller.get_hookimpls()):
            plugin = impl.plugin_name in self.plugins  # else the core's own listener
            if plugin and impl.plugin_name not in asked:
                continue
            try:
                result = impl.function(**{k: kwargs[k] for k in impl.argnames})
            except Exception as exc:  # isolate the failing plugin
                log.exception("plugin %s failed in hook %s", impl.plugin_name, hook)
                if plugin and database_trouble(exc) is None:  # the database's fault is not theirs
                    self.record_failure(impl.plugin_name, f"hook {hook}")
                continue
            if result is not None:
                results.append(result)
        return results

    def _active_names(self) -> frozenset[str]:
        """The names of the active plugins, worked out again only when :meth:`states` changed.

        :meth:`states` answers the same (unchanged) mapping until the plugins
        generation moves or a plugin is held, so the names are kept beside it.
        """
        states = self.states()
        known = self._active
        if known is None or known[0] is not states:
            known = (states, frozenset(name for name, state in states.items() if state.active))
            self._active = known
        return known[1]

    # -- failures ----------------------------------------------------------------

    def record_failure(self, name: str, what: str) -> None:
        """Count an error of plugin ``name`` (one that raised or ran over its time budget).

        ``PLUGIN_PAUSE_ERRORS`` of them within ``PLUGIN_PAUSE_WINDOW`` seconds pause
        it. The count lives in the shared store (:func:`failure_key`, a counter that
        restarts ``PLUGIN_PAUSE_WINDOW`` seconds after its first error), so the
        errors of every worker and host add up; it restarts when the plugin is
        paused, enabled or resumed. ``what`` names the failing part for the pause
        reason. Raises nothing: when the store cannot count, the error is logged.
        """
        limit = int(self.app.config["PLUGIN_PAUSE_ERRORS"])
        window = float(self.app.config["PLUGIN_PAUSE_WINDOW"])
        try:
            count = get_store(self.app).incr(failure_key(name), ttl_seconds=window)
        except SQLAlchemyError:
            log.exception("could not count an error of plugin %s", name)
            return
        if count >= limit:
            self.pause(name, f"{count} errors within {int(window // 60)} minutes, last in {what}")

    def failures(self, name: str) -> int:
        """How many errors of plugin ``name`` count towards pausing it now (every worker's)."""
        return get_store(self.app).get(failure_key(name))

    def _reset_failures(self, name: str) -> None:
        """Start counting plugin ``name``'s errors afresh (logged, never raised, on failure)."""
        try:
            get_store(self.app).delete(failure_key(name))
        except SQLAlchemyError:
            log.exception("could not reset the error count of plugin %s", name)

    def pause(self, name: str, reason: str) -> None:
        """Pause plugin ``name`` in its own transaction; the back office shows why."""
        log.error("pausing plugin %s: %s", name, reason)
        try:
            with db.engine.begin() as conn:
                updated = conn.execute(
                    update(PluginState)
                    .where(PluginState.name == name)
                    .values(paused_at=utcnow(), paused_reason=reason)
                ).rowcount
                if not updated:
                    plugin = self.plugins.get(name)
                    conn.execute(
                        insert(PluginState).values(
                            name=name,
                            enabled=plugin.enabled_by_default if plugin else False,
                            settings={},
                            paused_at=utcnow(),
                            paused_reason=reason,
                            schema_version="",
                            updated_at=utcnow(),
                        )
                    )
                generations.bump(generations.PLUGINS, connection=conn)
        except SQLAlchemyError:
            log.exception("could not pause plugin %s", name)
        else:
            self._reset_failures(name)
        g.pop("cms_generations", None)


def _migration_errors(conn: Connection) -> dict[str, str]:
    """Plugin name -> why its migrations failed (empty before the core's 0009 migration)."""
    query = select(PluginState.name, PluginState.migration_error).where(
        PluginState.migration_error != ""
    )
    try:
        return {row.name: row.migration_error for row in conn.execute(query)}
    except SQLAlchemyError:
        conn.rollback()
        return {}


def failure_key(name: str) -> str:
    """The shared-store counter of plugin ``name``'s recent errors."""
    return f"{FAILURE_PREFIX}{name}"


def _guard(blueprint: Blueprint, name: str) -> None:
    """Make a plugin's routes answer 404 while the plugin is not active."""
    if getattr(blueprint, "_cms_guarded", False):
        return

    @blueprint.before_request
    def _only_when_enabled() -> None:
        if not registry().is_enabled(name):
            abort(404)

    blueprint._cms_guarded = True  # type: ignore[attr-defined]


def registry() -> PluginRegistry:
    """The plugin registry of the current application."""
    return current_app.extensions["cms_plugins"]
