"""Listing indexes: lists read newest first from an index; list counts are cached.

Two indexes hold, in newest-first order, everything a public list filters on,
so the home page, a category (with its sub-categories), a tag and a deep page
walk an index (the rows of the page alone are read) instead of sorting every
public row: ``ix_article_newest`` on ``(published_at, id, status,
category_id)`` and ``ix_article_category_newest`` on ``(category_id,
published_at, id, status)``, which replaces ``ix_article_category_published_at``.
The tag links get ``(tag_id, article_id)``, which replaces the index on
``tag_id`` alone (the primary key serves the other way).

Triggers bump the generation counter ``listings`` (table ``generation``) in
the same transaction as any change to what a list counts or a search reads:
articles added, deleted, or changed in status, time, category, author or
search text, and tag links added or removed (cascades included).
``cms.content.listings`` keys its cached list counts by that counter, and
``cms.content.search`` the newest articles each process holds.

PostgreSQL: the full-text GIN index ``ix_article_search_text_fts`` is rebuilt
on ``cms_search_vector(search_text)``, a PL/pgSQL wrapper of
``to_tsvector('simple', ...)`` declared as costly as it is (about 0.1 ms per
article). Told the plain cost, the planner would rather compute the text vector
of every row (a sequential scan, or a newest-first walk testing each row) than
read the index: seconds for a common word on 100,000 articles.

Revision ID: 0010_listing_indexes
Revises: 0009_plugin_migration_error
Create Date: 2026-12-03 09:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010_listing_indexes'
down_revision = '0009_plugin_migration_error'
branch_labels = None
depends_on = None

#: SQLite: one trigger per change; each bumps the counter (creating it when absent).
_SQLITE_BUMP = (
    "INSERT INTO generation (key, value) VALUES ('listings', 1) "
    "ON CONFLICT (key) DO UPDATE SET value = value + 1;"
)
_SQLITE_TRIGGERS = {
    "article_listings_insert": "AFTER INSERT ON article",
    "article_listings_delete": "AFTER DELETE ON article",
    "article_listings_update": (
        "AFTER UPDATE OF status, published_at, category_id, author_id, search_text ON article"
    ),
    "article_tag_listings_insert": "AFTER INSERT ON article_tag",
    "article_tag_listings_delete": "AFTER DELETE ON article_tag",
    "article_tag_listings_update": "AFTER UPDATE ON article_tag",
}
#: PostgreSQL: one trigger per statement.
_PG_TRIGGERS = {
    "article_listings": (
        "AFTER INSERT OR DELETE OR UPDATE OF status, published_at, category_id, author_id, search_text "
        "ON article"
    ),
    "article_tag_listings": "AFTER INSERT OR DELETE OR UPDATE ON article_tag",
}


def upgrade():
    with op.batch_alter_table('article', recreate='never') as batch_op:
        batch_op.create_index(
            'ix_article_newest', ['published_at', 'id', 'status', 'category_id'], unique=False
        )
        batch_op.create_index(
            'ix_article_category_newest',
            ['category_id', 'published_at', 'id', 'status'],
            unique=False,
        )
        batch_op.drop_index('ix_article_category_published_at')
    with op.batch_alter_table('article_tag', recreate='never') as batch_op:
        batch_op.create_index('ix_article_tag_tag_article', ['tag_id', 'article_id'], unique=False)
        batch_op.drop_index('ix_article_tag_tag_id')
    create_triggers()
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION cms_search_vector(text) RETURNS tsvector LANGUAGE plpgsql "
            "IMMUTABLE STRICT PARALLEL SAFE COST 5000 AS $$ "
            "BEGIN RETURN to_tsvector('simple', $1); END $$"
        )
        op.execute("DROP INDEX IF EXISTS ix_article_search_text_fts")
        op.execute(
            "CREATE INDEX ix_article_search_text_fts ON article "
            "USING gin (cms_search_vector(search_text))"
        )


def create_triggers():
    """The triggers that bump ``listings`` (see the module docstring)."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, when in _SQLITE_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} BEGIN {_SQLITE_BUMP} END")
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION cms_bump_listings() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN INSERT INTO generation (key, value) VALUES ('listings', 1) "
            "ON CONFLICT (key) DO UPDATE SET value = generation.value + 1; "
            "RETURN NULL; END $$"
        )
        for name, when in _PG_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} FOR EACH STATEMENT "
                "EXECUTE FUNCTION cms_bump_listings()"
            )


def drop_triggers():
    """Undo :func:`create_triggers`."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name in _SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
    elif dialect == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS article_listings ON article")
        op.execute("DROP TRIGGER IF EXISTS article_tag_listings ON article_tag")
        op.execute("DROP FUNCTION IF EXISTS cms_bump_listings()")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search_text_fts")
        op.execute(
            "CREATE INDEX ix_article_search_text_fts ON article "
            "USING gin (to_tsvector('simple', search_text))"
        )
        op.execute("DROP FUNCTION IF EXISTS cms_search_vector(text)")
    drop_triggers()
    with op.batch_alter_table('article_tag', recreate='never') as batch_op:
        batch_op.create_index('ix_article_tag_tag_id', ['tag_id'], unique=False)
        batch_op.drop_index('ix_article_tag_tag_article')
    with op.batch_alter_table('article', recreate='never') as batch_op:
        batch_op.create_index(
            'ix_article_category_published_at', ['category_id', 'published_at'], unique=False
        )
        batch_op.drop_index('ix_article_category_newest')
        batch_op.drop_index('ix_article_newest')
