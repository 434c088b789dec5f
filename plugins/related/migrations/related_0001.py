"""Related articles: term vectors, the inverted index, term frequencies and the lists."""

import sqlalchemy as sa
from alembic import op

revision = "related_0001"
down_revision = None
branch_labels = ("related",)
# The core's articles and tags. Not the core's head, as for the rating plugin: Alembic would
# then keep only this revision in alembic_version in place of the core's.
depends_on = "0006_shared_store"


def upgrade() -> None:
    op.create_table(
        "related_document",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("category_id", sa.Integer(), nullable=True),
        sa.Column("tags", sa.JSON(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.Column("title_text", sa.Text(), nullable=False),
        sa.Column("summary_text", sa.Text(), nullable=False),
        sa.Column("vector", sa.JSON(), nullable=False),
        sa.Column("fingerprint", sa.String(40), nullable=False),
        sa.Column("shown", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("article_id", name=op.f("pk_related_document")),
    )
    op.create_table(
        "related_posting",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("weight", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("term", "article_id", name=op.f("pk_related_posting")),
    )
    op.create_table(
        "related_frequency",
        sa.Column("term", sa.String(64), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_related_frequency")),
    )
    op.create_table(
        "related_link",
        sa.Column("article_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("rank", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("related_id", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("published_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("article_id", "rank", name=op.f("pk_related_link")),
    )
    op.create_index("ix_related_link_related_id", "related_link", ["related_id", "article_id"])


def downgrade() -> None:
    op.drop_index("ix_related_link_related_id", table_name="related_link")
    op.drop_table("related_link")
    op.drop_table("related_frequency")
    op.drop_table("related_posting")
    op.drop_table("related_document")
