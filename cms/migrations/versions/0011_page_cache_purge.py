"""Page-cache invalidations are logged, so every worker and host drops the same pages.

Revision ID: 0011_page_cache_purge
Revises: 0010_listing_indexes
Create Date: 2026-11-30 12:00:00.000000

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0011_page_cache_purge"
down_revision = "0010_listing_indexes"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "page_cache_purge",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("tags", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_page_cache_purge")),
    )
    with op.batch_alter_table("page_cache_purge", recreate="never") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_page_cache_purge_created_at"), ["created_at"], unique=False
        )


def downgrade():
    op.drop_table("page_cache_purge")
