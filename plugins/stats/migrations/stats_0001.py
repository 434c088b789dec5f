"""Stats: daily aggregates per site, article and referrer host.

Revision ID: stats_0001
Revises: (none: the first revision of the ``stats`` branch)
"""

import sqlalchemy as sa
from alembic import op

revision = "stats_0001"
down_revision = None
branch_labels = ("stats",)
# The core's shared store (and its article counters). Not the core's head: Alembic would
# then keep only this revision in alembic_version, and `cms init` would no longer find it.
depends_on = "0006_shared_store"


def upgrade() -> None:
    """Create ``stats_daily``, ``stats_article_daily`` and ``stats_referrer_daily``."""
    op.create_table(
        "stats_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("visits", sa.BigInteger(), nullable=False),
        sa.Column("page_views", sa.BigInteger(), nullable=False),
        sa.Column("crawler_hits", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", name=op.f("pk_stats_daily")),
    )
    op.create_table(
        "stats_article_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "article_id", name=op.f("pk_stats_article_daily")),
    )
    op.create_index(
        "ix_stats_article_daily_article_id", "stats_article_daily", ["article_id"], unique=False
    )
    op.create_table(
        "stats_referrer_daily",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("host", sa.String(length=100), nullable=False),
        sa.Column("views", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "host", name=op.f("pk_stats_referrer_daily")),
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index("ix_stats_article_daily_article_id", table_name="stats_article_daily")
    op.drop_table("stats_referrer_daily")
    op.drop_table("stats_article_daily")
    op.drop_table("stats_daily")
