"""Comments: one table of comments (names from the site's convention)."""

import sqlalchemy as sa
from alembic import op

revision = "comments_0001"
down_revision = None
branch_labels = ("comments",)
# The core's articles and shared store (not the core's head: see rating_0001).
depends_on = "0006_shared_store"


def upgrade() -> None:
    """Create ``comments_comment`` and its indexes."""
    op.create_table(
        "comments_comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=True),
        sa.Column("depth", sa.SmallInteger(), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("email_hash", sa.String(length=64), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("address_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments_comment")),
        sqlite_autoincrement=True,  # ids never reused: a stale moderation button acts on nothing
    )
    op.create_index(
        "ix_comments_comment_listing",
        "comments_comment",
        ["article_id", "status", "root_id", "id"],
        unique=False,
    )
    op.create_index(
        op.f("ix_comments_comment_parent_id"), "comments_comment", ["parent_id"], unique=False
    )
    op.create_index(
        op.f("ix_comments_comment_email_hash"), "comments_comment", ["email_hash"], unique=False
    )
    op.create_index(
        op.f("ix_comments_comment_created_at"), "comments_comment", ["created_at"], unique=False
    )


def downgrade() -> None:
    """Drop the table."""
    op.drop_table("comments_comment")
