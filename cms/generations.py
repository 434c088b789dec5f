"""Generation counters: how every worker learns that something it cached changed.

A change bumps a named counter in the same transaction (``UPDATE ... SET
value = value + 1``); each request reads all counters once (one small query)
and drops whatever it cached under an older number. Works the same with one
worker or many hosts sharing the database.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_app_context
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from cms.extensions import db
from cms.models import Generation

#: Plugin enabled/disabled/paused states.
PLUGINS = "plugins"
#: Widget placement (instances added, moved, removed, reconfigured).
WIDGETS = "widgets"


def current() -> dict[str, int]:
    """Every counter, read once per request (app context)."""
    if has_app_context() and "cms_generations" in g:
        return g.cms_generations
    try:
        values = dict(db.session.execute(select(Generation.key, Generation.value)).all())
    except SQLAlchemyError:  # before `cms init`: nothing cached can be stale yet
        db.session.rollback()
        values = {}
    if has_app_context():
        g.cms_generations = values
    return values


def value(key: str) -> int:
    """The current number of counter ``key`` (0 when never bumped)."""
    return current().get(key, 0)


def bump(*keys: str, connection: Any = None) -> None:
    """Increase counters atomically.

    By default in the session, so the caller commits them with the change they
    describe; pass ``connection`` to bump within another transaction.
    """
    executor = db.session if connection is None else connection
    increment = update(Generation).values(value=Generation.value + 1)
    for key in keys:
        result = executor.execute(increment.where(Generation.key == key))
        if not getattr(result, "rowcount", 0):
            try:
                with executor.begin_nested():
                    executor.execute(insert(Generation).values(key=key, value=1))
            except IntegrityError:  # another worker created it meanwhile
                executor.execute(increment.where(Generation.key == key))
    if has_app_context():
        g.pop("cms_generations", None)
