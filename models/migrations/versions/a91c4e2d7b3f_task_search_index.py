"""task search index: tasksearch documents, FTS5 on SQLite, unaccent + GIN full-text on PostgreSQL

Revision ID: a91c4e2d7b3f
Revises: 6a0b9b3e544d
Create Date: 2026-12-02 14:00:00.000000
"""
import sqlalchemy as sa
from alembic import op
from sqlmodel import Session

from models.search import FTS_TABLE, PG_TEXT_FUNCTION, SQLITE_DDL, reindex_tasks

revision = 'a91c4e2d7b3f'
down_revision = '6a0b9b3e544d'
branch_labels = None
depends_on = None

PG_INDEX = 'ix_tasksearch_document_fts'
# PostgreSQL's index as this revision made it (a later one stores the vector: models/search.py)
POSTGRESQL_DDL = (
    'CREATE EXTENSION IF NOT EXISTS unaccent',
    f'CREATE OR REPLACE FUNCTION {PG_TEXT_FUNCTION}(text) RETURNS text '
    'LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS '
    "$$ SELECT regexp_replace(public.unaccent('public.unaccent'::regdictionary, $1), "
    "'[^[:alnum:]]+', ' ', 'g') $$",
    f'CREATE INDEX {PG_INDEX} ON tasksearch USING gin '
    f"(to_tsvector('simple'::regconfig, {PG_TEXT_FUNCTION}(document)))",
)


def upgrade() -> None:
    op.create_table(
        'tasksearch',
        sa.Column('task_id', sa.Integer(), nullable=False),
        sa.Column('document', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['task_id'], ['task.id']),
        sa.PrimaryKeyConstraint('task_id'),
    )
    bind = op.get_bind()
    for statement in SQLITE_DDL if bind.dialect.name == 'sqlite' else POSTGRESQL_DDL:
        op.execute(statement)
    from models.plan import Task

    reindex_tasks(Session(bind=bind), Task.id.is_not(None))  # the tasks imported before the index


def downgrade() -> None:
    if op.get_bind().dialect.name == 'sqlite':
        op.execute(f'DROP TABLE IF EXISTS {FTS_TABLE}')
    else:
        op.execute(f'DROP INDEX IF EXISTS {PG_INDEX}')
        op.execute(f'DROP FUNCTION IF EXISTS {PG_TEXT_FUNCTION}(text)')
    op.drop_table('tasksearch')
