"""Article views move from ``article.views`` to the shared store's counters.

A page view writes nothing to the content tables any more: each article's
views live in the store counter ``views:article:<id>`` (see
``cms.content.view_counts``). The upgrade adds every non-zero ``article.views``
to that counter in ``store_counter`` (the database store's keys carry no site
prefix) and, when the site uses Redis (``CMS_REDIS_URL``), to its Redis counter
too, since the store reads Redis while it answers; then it drops the column.
The downgrade puts the counts the site showed back into a new ``views`` column
and deletes the counters.

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
#: Redis key (after the site prefix) marking the counts as copied, so a re-run adds nothing.
MARKER = "migration:0007_article_views_in_store"

#: Redis: set the marker; only if it was not set, add each ARGV to its counter KEYS[i + 1].
_COPY_ONCE = """
if not redis.call('SET', KEYS[1], '1', 'NX') then return 0 end
for i = 2, #KEYS do redis.call('INCRBY', KEYS[i], ARGV[i - 1]) end
return 1
"""


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
    rows = bind.execute(sa.text("SELECT id, views FROM article WHERE views > 0")).all()
    with op.batch_alter_table('article', schema=None, recreate='never') as batch_op:
        batch_op.drop_column('views')

    backend = _redis()
    if backend is None or not rows:
        return
    try:
        backend.client.eval(
            _COPY_ONCE,
            len(rows) + 1,
            backend.prefix + MARKER,
            *[_counter(backend, f"{PREFIX}{row.id}") for row in rows],
            *[int(row.views) for row in rows],
        )
    except redis.RedisError as exc:
        log.warning(
            "Redis is unreachable (%s): the article view counts were copied to the "
            "database only, which the site reads while Redis is down",
            exc,
        )


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
        try:  # while Redis answers, it holds the counts the site shows
            redis_keys = list(backend.client.scan_iter(match=_counter(backend, PREFIX) + "*"))
            values = backend.client.mget(redis_keys) if redis_keys else []
            start = len(_counter(backend, PREFIX))
            counts = {k[start:]: int(v or 0) for k, v in zip(redis_keys, values, strict=True)}
        except redis.RedisError as exc:
            log.warning("Redis is unreachable (%s): the database's view counts are used", exc)
            backend = None

    rows = [{"id": int(k), "views": v} for k, v in counts.items() if k.isdigit() and v > 0]
    if rows:
        bind.execute(sa.text("UPDATE article SET views = :views WHERE id = :id"), rows)
    bind.execute(
        sa.text('DELETE FROM store_counter WHERE "key" LIKE :pattern'), {"pattern": PREFIX + "%"}
    )
    if backend is not None:
        try:
            backend.client.delete(backend.prefix + MARKER, *redis_keys)
        except redis.RedisError as exc:
            log.warning("Redis is unreachable (%s): its view counters were not deleted", exc)
