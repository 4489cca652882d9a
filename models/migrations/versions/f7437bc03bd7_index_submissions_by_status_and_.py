"""index submissions by status and submission time (the review queue's order)

Revision ID: f7437bc03bd7
Revises: df07322575d8
Create Date: 2026-11-23 18:46:13.877761
"""
from alembic import op

revision = 'f7437bc03bd7'
down_revision = 'df07322575d8'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_status_submitted', ['status', 'submitted_at', 'id'],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_status_submitted')
