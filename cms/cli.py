"""The ``cms`` command group (also ``flask --app wsgi cms ...``)."""

from __future__ import annotations

import re
import sys
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup, FlaskGroup
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from cms import bench_data, create_app, page_cache
from cms.admin.users import create_user
from cms.content.errors import ContentError
from cms.content.identity import record_identity
from cms.content.site import get_setting, set_setting
from cms.db import BUSY, DOWN, database_trouble
from cms.demo import build_demo
from cms.extensions import db
from cms.models import ApiToken, User
from cms.plugins import PluginError, registry
from cms.plugins.migrations import MigrationError
from cms.themes import manager
from cms.themes.check import check_theme
from cms.themes.manifest import NAME_RE
from cms.transfer import TransferError, export_site, import_site

cms_group = AppGroup("cms", help="Manage a Portal CMS site.")

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@cms_group.command("init")
def init_command() -> None:
    """Create or upgrade the database, tables of plugins included (safe to run again).

    The core is upgraded first, then each plugin on its own: a plugin whose
    migrations fail is rolled back, stays held and is named on stderr (exit
    status 1) while the rest of the site is migrated.
    """
    from pathlib import Path

    try:
        report = registry().migrate_all()
    except MigrationError as exc:
        raise click.ClickException(str(exc)) from exc
    record_identity()  # once: the permanent ids of feed entries come from it
    bench_data.analyze()  # the query planner's statistics, current after the migrations
    Path(current_app.config["MEDIA_DIR"]).mkdir(parents=True, exist_ok=True)
    for line in report.lines():
        click.echo(line)
    for notice in report.notices:
        click.echo(f"Notice: {notice}", err=True)
    for name, error in sorted(report.failed.items()):
        click.echo(f"Error: plugin {name} stays held, its migrations failed: {error}", err=True)
    if report.failed:
        sys.exit(1)


@cms_group.command("create-user")
@click.argument("email")
@click.option(
    "--role", type=click.Choice(["admin", "editor", "author"]), default="author", show_default=True
)
@click.option("--name", default="", help="Name shown on articles.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_user_command(email: str, role: str, name: str, password_stdin: bool) -> None:
    """Create a back-office user with a password.

    The password is asked twice on the terminal, or read from the first line of
    standard input with --password-stdin. Without a terminal and without that
    option the command stops at once and says so, rather than wait on a pipe.
    """
    email = email.strip().lower()
    if not EMAIL_RE.match(email) or len(email) > 254:
        raise click.BadParameter(f"{email!r} is not an email address", param_hint="EMAIL")
    if not password_stdin and not _is_terminal(sys.stdin):
        raise click.ClickException(
            "no terminal to ask for the password: pass it on standard input with "
            f"--password-stdin, e.g. printf '%s\\n' \"$PASSWORD\" | cms create-user {email} "
            f"--role {role} --password-stdin"
        )
    if db.session.execute(select(User).where(User.email == email)).scalar():
        raise click.ClickException(f"a user with email {email} already exists")
    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < 10:
        raise click.BadParameter(
            "the password must have at least 10 characters", param_hint="password"
        )
    # The same service as the back office: one set of rules for every way in.

    try:
        create_user({"email": email, "name": name, "role": role, "password": password})
    except ContentError as exc:
        db.session.rollback()
        raise click.ClickException("; ".join(str(m) for m in exc.errors.values())) from exc
    db.session.commit()
    click.echo(f"Created {role} {email}.")


def _is_terminal(stream: Any) -> bool:
    """Whether ``stream`` is an interactive terminal (a closed or odd stream is not)."""
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


@cms_group.group("token")
def token_group() -> None:
    """API tokens."""


@token_group.command("create")
@click.argument("email")
@click.option("--name", default="cli", show_default=True, help="A label to recognise the token by.")
def token_create_command(email: str, name: str) -> None:
    """Create an API token for a user; the token is printed alone on the last line."""
    user = db.session.execute(select(User).where(User.email == email.strip().lower())).scalar()
    if user is None:
        raise click.BadParameter(f"no user with email {email}", param_hint="EMAIL")
    if not user.is_active:
        raise click.ClickException(f"user {email} is deactivated")
    row, secret = ApiToken.issue(user, name=name)
    db.session.add(row)
    db.session.commit()
    click.echo(f"Token for {user.email} ({user.role}); it is shown only once:", err=True)
    click.echo(secret)


@cms_group.group("themes")
def themes_group() -> None:
    """Themes: list them, choose the active one."""


@themes_group.command("list")
def themes_list_command() -> None:
    """List installed themes; the active one is marked with ``*``."""
    active = get_setting("theme")
    for theme in manager().themes.values():
        mark = "*" if theme.name == active else " "
        parent = f" (extends {theme.parent})" if theme.parent else ""
        click.echo(f"{mark} {theme.name}{parent} - {theme.title}")


@themes_group.command("use")
@click.argument("name")
def themes_use_command(name: str) -> None:
    """Make theme NAME the one readers see."""
    if not NAME_RE.match(name) or name not in manager().themes:
        known = ", ".join(manager().themes)
        raise click.BadParameter(f"no theme named {name!r} (installed: {known})", param_hint="NAME")
    set_setting("theme", name)
    db.session.commit()
    click.echo(f"Theme {name} is now active.")


@themes_group.command("check")
@click.argument("name")
def themes_check_command(name: str) -> None:
    """Check theme NAME: manifest, templates, regions, and every widget in every region."""
    problems = check_theme(current_app, name)
    if problems == [f"no theme named {name!r}"]:
        raise click.BadParameter(problems[0], param_hint="NAME")
    for problem in problems:
        click.echo(f"- {problem}", err=True)
    if problems:
        raise click.ClickException(f"theme {name} has {len(problems)} problem(s)")
    click.echo(f"Theme {name} is fine.")


@cms_group.command("demo")
def demo_command() -> None:
    """Fill an empty site with a realistic Vietnamese demo portal (safe to run twice)."""
    created = build_demo()
    if created:
        click.echo(f"Demo portal created: {created}.")
    else:
        click.echo("The site already has content; the demo was not added again.")


@cms_group.command("bench-data")
@click.option("--articles", default=100_000, show_default=True, type=click.IntRange(min=0))
@click.option("--views", default=1_000_000, show_default=True, type=click.IntRange(min=0))
@click.option("--seed", type=int, default=None, help="Repeat the same texts and choices.")
def bench_data_command(articles: int, views: int, seed: int | None) -> None:
    """Add many articles and page views quickly, for load benchmarks (never on a real site)."""
    click.echo(bench_data.fill(articles, views, seed=seed).line())


@cms_group.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export_command(file: str) -> None:
    """Write the whole site (content, users, settings, widgets, plugin states, media) to FILE."""
    from pathlib import Path

    try:
        report = export_site(Path(file))
    except OSError as exc:
        raise click.ClickException(f"cannot write {file}: {exc}") from exc
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(
        f"Exported {report.count('article')} articles, {report.count('page')} pages, "
        f"{report.count('user')} users, {report.count('widget_instance')} widgets, "
        f"{report.files} media files to {file}. API tokens are not exported."
    )


@cms_group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
def import_command(file: str) -> None:
    """Load a site from FILE (made by cms export) into an empty site, all or nothing."""
    from pathlib import Path

    try:
        report = import_site(Path(file))
    except TransferError as exc:
        db.session.rollback()
        raise click.ClickException(f"nothing was imported: {exc}") from exc
    for warning in report.warnings:
        click.echo(f"Warning: {warning}", err=True)
    click.echo(
        f"Imported {report.count('article')} articles, {report.count('page')} pages, "
        f"{report.count('user')} users, {report.count('widget_instance')} widgets, "
        f"{report.files} media files. Users sign in with their passwords; "
        "API tokens were not exported: create new ones with `cms token create`."
    )


def main() -> None:
    """Entry point of the ``cms`` console script."""

    def make_app() -> Any:
        try:
            return create_app()
        except RuntimeError as exc:  # a bad CMS_* setting: its message, not a traceback
            raise click.ClickException(str(exc)) from exc

    cli = FlaskGroup(name="cms", create_app=make_app, help=cms_group.help)
    for command in cms_group.commands.values():
        cli.add_command(command)
    try:
        cli.main(prog_name="cms")
    except SQLAlchemyError as exc:
        trouble = database_trouble(exc)
        if trouble is None:
            raise
        # One line, never the statement and its parameters (a new token's hash, say).
        message = {
            BUSY: "the database is busy (another process holds its lock); nothing was "
            "changed, try again",
            DOWN: "the database cannot be reached; nothing was changed",
        }[trouble]
        click.echo(f"Error: {message}.", err=True)
        sys.exit(1)


@cms_group.group("plugins")
def plugins_group() -> None:
    """Plugins: list them, enable or disable one."""


@plugins_group.command("list")
def plugins_list_command() -> None:
    """List plugins with their state (enabled, disabled, paused, broken)."""
    plugins = registry()
    states = plugins.states()
    for name, plugin in sorted(plugins.plugins.items()):
        state = states[name]
        if state.held:
            label = f"held ({state.held})"
        elif state.paused_at is not None:
            label = f"paused ({state.paused_reason})"
        else:
            label = "enabled" if state.enabled else "disabled"
        click.echo(f"{name:12} {plugin.version:8} {label:9} {plugin.title}")
    for name, error in sorted(plugins.broken.items()):
        click.echo(f"{name:12} {'':8} broken    {error}")


def _set_plugin(name: str, enabled: bool) -> None:
    try:
        registry().set_enabled(name, enabled)
    except PluginError as exc:
        if name in registry().plugins:  # its migrations failed: not the name's fault
            raise click.ClickException(str(exc)) from exc
        raise click.BadParameter(str(exc), param_hint="NAME") from exc
    db.session.commit()
    click.echo(f"Plugin {name} {'enabled' if enabled else 'disabled'}.")


@plugins_group.command("enable")
@click.argument("name")
def plugins_enable_command(name: str) -> None:
    """Enable plugin NAME (also resumes it when paused)."""
    _set_plugin(name, True)


@plugins_group.command("disable")
@click.argument("name")
def plugins_disable_command(name: str) -> None:
    """Disable plugin NAME: its widgets vanish and its routes answer 404."""
    _set_plugin(name, False)


@cms_group.group("cache")
def cache_group() -> None:
    """The anonymous page cache."""


@cache_group.command("clear")
def cache_clear_command() -> None:
    """Drop every cached page, on every worker and host (after a change made outside the CMS)."""
    if page_cache.get_page_cache() is None:
        click.echo("The page cache is off (CMS_PAGE_CACHE=0): nothing to clear.")
        return
    try:
        dropped = page_cache.clear()
    except page_cache.CacheUnavailable as exc:
        raise click.ClickException(f"the page cache cannot be reached: {exc}") from exc
    except SQLAlchemyError as exc:
        raise click.ClickException(f"the database cannot be reached: {exc}") from exc
    click.echo(f"Page cache cleared: {dropped} cached pages dropped.")
