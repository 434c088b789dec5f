"""Alembic environment of the core's and the plugins' migrations.

Flask-Migrate's commands run it on a connection of their own; ``cms init``
(:mod:`cms.plugins.migrations`) hands it a connection already in a transaction
(``config.attributes["connection"]``) plus extra ``context.configure`` arguments
(``config.attributes["configure_args"]``), and commits or rolls back itself.
"""

import logging

from alembic import context
from flask import current_app

from cms.db import include_object

# Logging is the application's business: no fileConfig here, so that running
# migrations in-process (``cms init``, tests) keeps the app's loggers enabled.
log = logging.getLogger("alembic.env")
config = context.config
migrate_ext = current_app.extensions["migrate"]
engine = migrate_ext.db.engine
config.set_main_option(
    "sqlalchemy.url", engine.url.render_as_string(hide_password=False).replace("%", "%%")
)
target_metadata = migrate_ext.db.metadata


def run_migrations_offline() -> None:
    """Emit SQL to standard output instead of running it."""
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        literal_binds=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Run the migrations on the application's database."""

    def process_revision_directives(context, revision, directives):
        if getattr(config.cmd_opts, "autogenerate", False) and directives[0].upgrade_ops.is_empty():
            directives[:] = []
            log.info("No changes in schema detected.")

    conf_args = dict(migrate_ext.configure_args)
    conf_args.setdefault("process_revision_directives", process_revision_directives)
    conf_args.setdefault("include_object", include_object)
    conf_args.update(config.attributes.get("configure_args", {}))
    given = config.attributes.get("connection")
    if given is not None:  # cms.plugins.migrations: its transaction, committed or rolled back there
        context.configure(connection=given, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()
        return
    with engine.connect() as connection:
        context.configure(connection=connection, target_metadata=target_metadata, **conf_args)
        with context.begin_transaction():
            context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
