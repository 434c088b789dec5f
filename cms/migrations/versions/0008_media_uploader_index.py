"""Index media by uploader: the storage quota sums a user's media on every upload.

Revision ID: 0008_media_uploader_index
Revises: 0007_article_views_in_store
Create Date: 2026-11-30 10:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0008_media_uploader_index'
down_revision = '0007_article_views_in_store'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('media', recreate='never') as batch_op:
        batch_op.create_index(batch_op.f('ix_media_uploaded_by_id'), ['uploaded_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('media', recreate='never') as batch_op:
        batch_op.drop_index(batch_op.f('ix_media_uploaded_by_id'))
