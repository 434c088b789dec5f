"""Rating: votes, per-article totals and address claims (names from the site's convention)."""

import sqlalchemy as sa
from alembic import op

revision = "rating_0001"
down_revision = None
branch_labels = ("rating",)
# The core's articles and shared store. Not the core's head: Alembic would then keep only
# this revision in alembic_version, and `cms init` would no longer find the core's.
depends_on = "0006_shared_store"


def upgrade() -> None:
    """Create ``rating_vote``, ``rating_total`` and ``rating_address``."""
    op.create_table(
        "rating_vote",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("voter_key", sa.String(length=80), nullable=False),
        sa.Column("stars", sa.SmallInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_rating_vote")),
        sa.UniqueConstraint("article_id", "voter_key", name=op.f("uq_rating_vote_article_id")),
    )
    op.create_table(
        "rating_total",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.Column("total", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_rating_total")),
    )
    op.create_table(
        "rating_address",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("address_key", sa.String(length=64), nullable=False),
        sa.Column("voted_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "address_key", name=op.f("pk_rating_address")),
    )
    op.create_index(
        op.f("ix_rating_address_voted_at"), "rating_address", ["voted_at"], unique=False
    )


def downgrade() -> None:
    """Drop the three tables."""
    op.drop_index(op.f("ix_rating_address_voted_at"), table_name="rating_address")
    op.drop_table("rating_address")
    op.drop_table("rating_total")
    op.drop_table("rating_vote")
