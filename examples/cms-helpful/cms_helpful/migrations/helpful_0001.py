"""Helpful: the table of answers (its key and index are named by the site's convention)."""

import sqlalchemy as sa
from alembic import op

revision = "helpful_0001"
down_revision = None
branch_labels = ("helpful",)
depends_on = "0006_shared_store"  # the core's articles and shared store


def upgrade() -> None:
    op.create_table(
        "helpful_vote",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("article_id", sa.Integer(), nullable=False, index=True),
        sa.Column("answer", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("helpful_vote")
