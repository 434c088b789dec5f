"""Search folding: re-fold every article's search text (compatibility forms, case, diacritics).

Articles stored before this revision were folded without Unicode compatibility
normalisation, so ``ＣＯＶＩＤ ２０２４`` or ``ﬁnance`` could not be found. The
search index follows ``article.search_text``: the FTS5 triggers on SQLite,
the expression index on PostgreSQL. No table changes shape.

Revision ID: 0004_search_folding
Revises: 0003_plugins
Create Date: 2026-12-02 10:00:00.000000

"""
from alembic import op

from cms.content.search import refold_articles


# revision identifiers, used by Alembic.
revision = '0004_search_folding'
down_revision = '0003_plugins'
branch_labels = None
depends_on = None


def upgrade():
    refold_articles(op.get_bind())


def downgrade():
    # The new folding is a refinement of the old one: the rows stay searchable.
    pass
