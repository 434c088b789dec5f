"""Plugin engine: plugin state, widget instances, generation counters.

Revision ID: 0003_plugins
Revises: 0002_back_office
Create Date: 2026-11-27 00:56:49.982120

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0003_plugins'
down_revision = '0002_back_office'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('generation',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_generation'))
    )
    op.create_table('plugin_state',
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('paused_at', sa.DateTime(), nullable=True),
    sa.Column('paused_reason', sa.Text(), nullable=False),
    sa.Column('schema_version', sa.String(length=64), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_plugin_state'))
    )
    op.create_table('widget_instance',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plugin', sa.String(length=50), nullable=False),
    sa.Column('widget_type', sa.String(length=50), nullable=False),
    sa.Column('theme', sa.String(length=50), nullable=False),
    sa.Column('region', sa.String(length=50), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('settings', sa.JSON(), nullable=False),
    sa.Column('visibility', sa.String(length=20), nullable=False),
    sa.Column('category_ids', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("visibility IN ('all', 'articles', 'pages', 'categories')", name=op.f('ck_widget_instance_visibility_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_widget_instance'))
    )
    with op.batch_alter_table('widget_instance', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_widget_instance_plugin'), ['plugin'], unique=False)
        batch_op.create_index('ix_widget_instance_theme_region', ['theme', 'region', 'position'], unique=False)



def downgrade():
    with op.batch_alter_table('widget_instance', schema=None) as batch_op:
        batch_op.drop_index('ix_widget_instance_theme_region')
        batch_op.drop_index(batch_op.f('ix_widget_instance_plugin'))

    op.drop_table('widget_instance')
    op.drop_table('plugin_state')
    op.drop_table('generation')
