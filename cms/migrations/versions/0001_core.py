"""Core tables: content, users, tokens, settings; full-text search per dialect.

Revision ID: 0001_core
Revises: 
Create Date: 2026-11-27 00:40:08.010389

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0001_core'
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('category',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('show_on_home', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['category.id'], name=op.f('fk_category_parent_id_category'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category')),
    sa.UniqueConstraint('slug', name=op.f('uq_category_slug'))
    )
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_parent_id'), ['parent_id'], unique=False)

    op.create_table('setting',
    sa.Column('key', sa.String(length=100), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_setting'))
    )
    op.create_table('slug_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('object_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_slug_history')),
    sa.UniqueConstraint('kind', 'slug', name='uq_slug_history_kind_slug')
    )
    with op.batch_alter_table('slug_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_slug_history_object_id'), ['object_id'], unique=False)

    op.create_table('tag',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tag')),
    sa.UniqueConstraint('name', name=op.f('uq_tag_name')),
    sa.UniqueConstraint('slug', name=op.f('uq_tag_slug'))
    )
    op.create_table('user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_login_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("role IN ('admin', 'editor', 'author')", name=op.f('ck_user_role_valid')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_user')),
    sa.UniqueConstraint('email', name=op.f('uq_user_email'))
    )
    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('last_used_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], name=op.f('fk_api_token_user_id_user'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_api_token_token_hash'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('media',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=255), nullable=False),
    sa.Column('original_name', sa.String(length=255), nullable=False),
    sa.Column('mime_type', sa.String(length=60), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('alt', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user.id'], name=op.f('fk_media_uploaded_by_id_user'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_media')),
    sa.UniqueConstraint('filename', name=op.f('uq_media_filename'))
    )
    op.create_table('page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('show_in_menu', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('draft', 'published')", name=op.f('ck_page_status_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_page_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['parent_id'], ['page.id'], name=op.f('fk_page_parent_id_page'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_page')),
    sa.UniqueConstraint('slug', name=op.f('uq_page_slug'))
    )
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_page_parent_id'), ['parent_id'], unique=False)

    op.create_table('article',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('slug', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('body_html', sa.Text(), nullable=False),
    sa.Column('search_text', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('image_id', sa.Integer(), nullable=True),
    sa.Column('views', sa.BigInteger(), nullable=False),
    sa.CheckConstraint("status IN ('draft', 'published', 'scheduled')", name=op.f('ck_article_status_valid')),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_article_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['category_id'], ['category.id'], name=op.f('fk_article_category_id_category'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['image_id'], ['media.id'], name=op.f('fk_article_image_id_media'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_article')),
    sa.UniqueConstraint('slug', name=op.f('uq_article_slug'))
    )
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_article_author_id'), ['author_id'], unique=False)
        batch_op.create_index('ix_article_category_published_at', ['category_id', 'published_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_article_image_id'), ['image_id'], unique=False)
        batch_op.create_index('ix_article_status_published_at', ['status', 'published_at'], unique=False)

    op.create_table('article_tag',
    sa.Column('article_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['article_id'], ['article.id'], name=op.f('fk_article_tag_article_id_article'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tag_id'], ['tag.id'], name=op.f('fk_article_tag_tag_id_tag'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('article_id', 'tag_id', name=op.f('pk_article_tag'))
    )
    with op.batch_alter_table('article_tag', schema=None) as batch_op:
        batch_op.create_index('ix_article_tag_tag_id', ['tag_id'], unique=False)


    create_search_index()


def create_search_index():
    """SQLite: FTS5 over article.search_text kept in step by triggers; PostgreSQL: GIN index."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE article_fts USING fts5("
            "search_text, content='article', content_rowid='id', tokenize='unicode61')"
        )
        op.execute(
            "CREATE TRIGGER article_fts_insert AFTER INSERT ON article BEGIN "
            "INSERT INTO article_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER article_fts_delete AFTER DELETE ON article BEGIN "
            "INSERT INTO article_fts(article_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); END"
        )
        op.execute(
            "CREATE TRIGGER article_fts_update AFTER UPDATE OF search_text ON article BEGIN "
            "INSERT INTO article_fts(article_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO article_fts(rowid, search_text) VALUES (new.id, new.search_text); END"
        )
    elif dialect == "postgresql":
        op.execute(
            "CREATE INDEX ix_article_search_text_fts ON article "
            "USING gin (to_tsvector('simple', search_text))"
        )


def drop_search_index():
    """Undo :func:`create_search_index`."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for trigger in ("insert", "delete", "update"):
            op.execute(f"DROP TRIGGER IF EXISTS article_fts_{trigger}")
        op.execute("DROP TABLE IF EXISTS article_fts")
    elif dialect == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_article_search_text_fts")

def downgrade():
    drop_search_index()
    with op.batch_alter_table('article_tag', schema=None) as batch_op:
        batch_op.drop_index('ix_article_tag_tag_id')

    op.drop_table('article_tag')
    with op.batch_alter_table('article', schema=None) as batch_op:
        batch_op.drop_index('ix_article_status_published_at')
        batch_op.drop_index(batch_op.f('ix_article_image_id'))
        batch_op.drop_index('ix_article_category_published_at')
        batch_op.drop_index(batch_op.f('ix_article_author_id'))

    op.drop_table('article')
    with op.batch_alter_table('page', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_page_parent_id'))

    op.drop_table('page')
    op.drop_table('media')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    op.drop_table('user')
    op.drop_table('tag')
    with op.batch_alter_table('slug_history', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_slug_history_object_id'))

    op.drop_table('slug_history')
    op.drop_table('setting')
    with op.batch_alter_table('category', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_parent_id'))

    op.drop_table('category')
