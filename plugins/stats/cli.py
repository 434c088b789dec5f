"""``cms stats ...``: flush, prune and show the access statistics."""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import with_appcontext

from cms import store
from plugins.stats import counting, keys, maintenance, rollup
from plugins.stats.settings import current_settings


@click.group("stats", help="Access statistics.")
def stats_cli() -> None:
    """The ``stats`` command group."""


@stats_cli.command("flush")
@with_appcontext
def flush() -> None:
    """Write this process's buffered counts, then today's and yesterday's daily rows, now."""
    if not store.get_store().flush():
        raise click.ClickException("the database could not take the counts; try again")
    today = keys.today()
    rows = rollup.roll_up([today - timedelta(days=1), today])
    click.echo(f"Counts written; {rows} daily rows updated.")


@stats_cli.command("prune")
@with_appcontext
def prune() -> None:
    """Delete raw daily detail older than the retention setting (daily totals stay)."""
    settings = current_settings()
    today = keys.today()
    rollup.roll_up([today - timedelta(days=1), today])  # the daily rows first: they stay
    removed = maintenance.prune(
        settings.retention_days, today, maintenance.DETAIL_PREFIXES + maintenance.TOTAL_PREFIXES
    )
    click.echo(f"Deleted {removed} daily counters older than {settings.retention_days} days.")


@stats_cli.command("show")
@with_appcontext
def show() -> None:
    """Print the visits since the start, today, online now and today's page views."""
    found = counting.totals(current_settings())
    page_views = store.get(keys.day_key(keys.PAGE_VIEWS_DAY, keys.today()))
    click.echo(f"total: {found.total}")
    click.echo(f"today: {found.today}")
    click.echo(f"online: {found.online}")
    click.echo(f"page views today: {page_views}")
