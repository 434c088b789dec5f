"""``cms related rebuild``: index every public article again and compute every list."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from cms.plugins import registry
from plugins.related import index
from plugins.related.hooks import changed
from plugins.related.widgets import NAME

#: ``cms related ...``: the plugin's commands (each runs in the site's application context).
cli = AppGroup(NAME, help="Related articles: the lists under articles.")


@cli.command("rebuild")
def rebuild_command() -> None:
    """Index every public article again and compute every list (after an import, say).

    Works in short transactions, each holding the plugin's lock, so the site
    keeps publishing meanwhile. Refused (exit status 1) while the plugin is
    not active.
    """
    if not registry().is_enabled(NAME):
        raise click.ClickException(
            "plugin related is not active; enable it first: cms plugins enable related"
        )
    count = index.rebuild(index.maintain, progress=click.echo)
    changed(index.Outcome(everything=True))
    click.echo(f"Computed the related articles of {count} articles.")
