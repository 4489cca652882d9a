"""task starts_on: the day a duty starts, its first period opens then

Revision ID: f0730f8eac96
Revises: c5e8a1f3b7d9
Create Date: 2026-12-03 15:41:20.175695
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = 'f0730f8eac96'
down_revision = 'c5e8a1f3b7d9'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.add_column(sa.Column('starts_on', sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('task', schema=None) as batch_op:
        batch_op.drop_column('starts_on')
