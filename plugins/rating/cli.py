"""``cms rating ...``: maintenance commands of the rating plugin."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from cms.extensions import db
from plugins.rating.voting import prune_addresses


@click.group("rating", help="Star ratings of articles.")
def rating_cli() -> None:
    """The ``rating`` command group."""


@rating_cli.command("prune")
@with_appcontext
def prune() -> None:
    """Delete address claims older than the address window (they no longer refuse votes)."""
    removed = prune_addresses()
    db.session.commit()
    click.echo(f"Deleted {removed} expired address claims.")
