"""Plugin state keeps why a plugin's own migrations failed, so every worker can show it.

Revision ID: 0009_plugin_migration_error
Revises: 0008_media_uploader_index
Create Date: 2026-12-01 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009_plugin_migration_error'
down_revision = '0008_media_uploader_index'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plugin_state', recreate='never') as batch_op:
        batch_op.add_column(
            sa.Column('migration_error', sa.Text(), server_default='', nullable=False)
        )


def downgrade():
    with op.batch_alter_table('plugin_state', recreate='never') as batch_op:
        batch_op.drop_column('migration_error')
