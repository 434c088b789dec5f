"""Article views move from ``article.views`` to the shared store's counters.

A page view writes nothing to the content tables any more: each article's
views live in the store counter ``views:article:<id>`` (see
the ``stats`` plugin, which counts them). The upgrade adds every non-zero ``article.views``
to that counter in ``store_counter`` (the database store's keys carry no site
prefix), then drops the column. A site using Redis gets the counts there from
the store's hand-over, which moves the database store's rows into Redis when
a process first reaches it (``cms.store.Store.handover``), so the upgrade needs
no Redis, and a Redis down during it loses nothing. The downgrade puts the
counts the site shows (the database's plus Redis's) back into a new ``views``
column and deletes the counters.

SQLite: the column is dropped and added in place (``ALTER TABLE``, SQLite
3.35+, which the store needs anyway), never by copying the table: a copy would
lose the full-text search triggers and, with foreign keys on, cascade-delete
the rows that reference articles.

Revision ID: 0007_article_views_in_store
Revises: 0006_shared_store
Create Date: 2026-11-30 09:00:00.000000

"""
import logging

import redis
import sqlalchemy as sa
from alembic import op
from flask import current_app

# revision identifiers, used by Alembic.
revision = '0007_article_views_in_store'
down_revision = '0006_shared_store'
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

#: What each article's counter key starts with (the article id follows).
PREFIX = "views:article:"


def _redis():
    """The site's Redis store backend (client and key prefix), or None without Redis."""
    store = current_app.extensions.get("cms_store")
    return getattr(store, "redis_backend", None)


def _counter(backend, key):
    """A store counter's Redis key: the site prefix, ``c:``, the counter's name."""
    return f"{backend.prefix}c:{key}"


def upgrade():
    bind = op.get_bind()
    bind.execute(
        sa.text(
            'INSERT INTO store_counter ("key", value, expires_at) '
            "SELECT :prefix || CAST(id AS VARCHAR(20)), views, NULL FROM article WHERE views > 0 "
            'ON CONFLICT ("key") DO UPDATE SET value = store_counter.value + excluded.value'
        ),
        {"prefix": PREFIX},
    )
    with op.batch_alter_table('article', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('views')


def downgrade():
    bind = op.get_bind()
    with op.batch_alter_table('article', schema=None, recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('views', sa.BigInteger(), server_default='0', nullable=False)
        )
    found = bind.execute(
        sa.text('SELECT "key", value FROM store_counter WHERE "key" LIKE :pattern'),
        {"pattern": PREFIX + "%"},
    ).all()
    counts = {row.key[len(PREFIX):]: int(row.value) for row in found}

    backend = _redis()
    redis_keys = []
    if backend is not None:
        try:  # Redis holds what was handed over; the database what was not (yet)
            redis_keys = list(backend.client.scan_iter(match=_counter(backend, PREFIX) + "*"))
            values = backend.client.mget(redis_keys) if redis_keys else []
            start = len(_counter(backend, PREFIX))
            for key, value in zip(redis_keys, values, strict=True):
                counts[key[start:]] = counts.get(key[start:], 0) + int(value or 0)
        except redis.RedisError as exc:
            log.warning("Redis is unreachable (%s): only the database's view counts are kept", exc)
            backend = None

    rows = [{"id": int(k), "views": v} for k, v in counts.items() if k.isdigit() and v > 0]
    if rows:
        bind.execute(sa.text("UPDATE article SET views = :views WHERE id = :id"), rows)
    bind.execute(
        sa.text('DELETE FROM store_counter WHERE "key" LIKE :pattern'), {"pattern": PREFIX + "%"}
    )
    if backend is not None:
        try:
            if redis_keys:
                backend.client.delete(*redis_keys)
        except redis.RedisError as exc:
            log.warning("Redis is unreachable (%s): its view counters were not deleted", exc)
