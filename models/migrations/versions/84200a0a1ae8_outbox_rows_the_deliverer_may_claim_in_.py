"""outbox rows the deliverer may claim, in claim order

Revision ID: 84200a0a1ae8
Revises: fd9b481c501b
Create Date: 2026-12-03 20:07:05.844711
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = '84200a0a1ae8'
down_revision = 'fd9b481c501b'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_claimable', ['next_attempt_at', 'id'], unique=False, postgresql_where=sa.text("status IN ('pending', 'failed', 'sending')"), sqlite_where=sa.text("status IN ('pending', 'failed', 'sending')"))



def downgrade() -> None:
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_claimable', postgresql_where=sa.text("status IN ('pending', 'failed', 'sending')"), sqlite_where=sa.text("status IN ('pending', 'failed', 'sending')"))

