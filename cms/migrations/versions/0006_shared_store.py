"""The shared store's tables: counters, presence sets and single-use tokens.

Revision ID: 0006_shared_store
Revises: 0005_user_sessions
Create Date: 2026-11-30 06:30:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006_shared_store'
down_revision = '0005_user_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('store_counter',
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('value', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_store_counter'))
    )
    op.create_table('store_presence',
    sa.Column('set_name', sa.String(length=255), nullable=False),
    sa.Column('member', sa.String(length=255), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('set_name', 'member', name=op.f('pk_store_presence'))
    )
    with op.batch_alter_table('store_presence', schema=None) as batch_op:
        batch_op.create_index('ix_store_presence_set_expires', ['set_name', 'expires_at'], unique=False)

    op.create_table('store_token',
    sa.Column('namespace', sa.String(length=100), nullable=False),
    sa.Column('token', sa.String(length=255), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('expires_at', sa.Float(), nullable=False),
    sa.PrimaryKeyConstraint('namespace', 'token', name=op.f('pk_store_token'))
    )
    with op.batch_alter_table('store_token', schema=None) as batch_op:
        batch_op.create_index('ix_store_token_expires_at', ['expires_at'], unique=False)


def downgrade():
    with op.batch_alter_table('store_token', schema=None) as batch_op:
        batch_op.drop_index('ix_store_token_expires_at')

    op.drop_table('store_token')
    with op.batch_alter_table('store_presence', schema=None) as batch_op:
        batch_op.drop_index('ix_store_presence_set_expires')

    op.drop_table('store_presence')
    op.drop_table('store_counter')
