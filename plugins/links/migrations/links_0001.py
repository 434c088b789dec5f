"""The links plugin's tables: ``links_group`` and ``links_link``.

Revision ID: links_0001
Revises: (none: the first revision of the ``links`` branch)
"""

import sqlalchemy as sa
from alembic import op

revision = "links_0001"
down_revision = None
branch_labels = ("links",)
depends_on = "0006_shared_store"  # the core's media table and the shared store


def upgrade() -> None:
    """Create the two tables with their keys and indexes."""
    op.create_table(
        "links_group",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links_group")),
        sqlite_autoincrement=True,
    )
    op.create_table(
        "links_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("url", sa.String(length=2000), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("logo_id", sa.Integer(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["links_group.id"],
            name=op.f("fk_links_link_group_id_links_group"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["logo_id"],
            ["media.id"],
            name=op.f("fk_links_link_logo_id_media"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_links_link")),
        sqlite_autoincrement=True,
    )
    op.create_index("ix_links_link_group_position", "links_link", ["group_id", "position"])
    op.create_index(op.f("ix_links_link_logo_id"), "links_link", ["logo_id"])


def downgrade() -> None:
    """Drop the tables (their data goes with them)."""
    op.drop_index(op.f("ix_links_link_logo_id"), table_name="links_link")
    op.drop_index("ix_links_link_group_position", table_name="links_link")
    op.drop_table("links_link")
    op.drop_table("links_group")
