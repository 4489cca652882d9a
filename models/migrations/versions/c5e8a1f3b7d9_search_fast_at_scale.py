"""search fast at scale: checkpoints by (task_id, due_date) and (due_date, id); PostgreSQL stores the vector

Revision ID: c5e8a1f3b7d9
Revises: 9fb3cbd676f3
Create Date: 2026-12-03 15:00:00.000000
"""
from alembic import op

from models.search import PG_INDEX, PG_VECTOR, PG_VECTOR_DDL

revision = 'c5e8a1f3b7d9'
down_revision = '9fb3cbd676f3'
branch_labels = None
depends_on = None

OLD_PG_INDEX = 'ix_tasksearch_document_fts'  # the expression index of a91c4e2d7b3f


def upgrade() -> None:
    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.drop_index('ix_checkpoint_task_id')  # the (task_id, due_date) index serves task_id alone
        batch_op.create_index('ix_checkpoint_task_due', ['task_id', 'due_date'], unique=False)
        batch_op.create_index('ix_checkpoint_due_id', ['due_date', 'id'], unique=False)
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {OLD_PG_INDEX}')
        for statement in PG_VECTOR_DDL:
            op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute(f'DROP INDEX IF EXISTS {PG_INDEX}')
        op.execute(f'ALTER TABLE tasksearch DROP COLUMN IF EXISTS {PG_VECTOR}')
        op.execute(
            f'CREATE INDEX {OLD_PG_INDEX} ON tasksearch USING gin '
            "(to_tsvector('simple'::regconfig, plantrack_search_text(document)))"
        )
    with op.batch_alter_table('checkpoint', schema=None) as batch_op:
        batch_op.drop_index('ix_checkpoint_due_id')
        batch_op.drop_index('ix_checkpoint_task_due')
        batch_op.create_index('ix_checkpoint_task_id', ['task_id'], unique=False)
