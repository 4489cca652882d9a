"""figures as of a day per agency (AgencyDay) and its window; agencies by successor

The index on agency.successor_id: every task's search document names the agencies merged into
its agencies, a seq scan of the registry per agency without it (hours at 20k agencies).

Revision ID: fd9b481c501b
Revises: f0730f8eac96
Create Date: 2026-12-03 19:06:11.956561
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = 'fd9b481c501b'
down_revision = 'f0730f8eac96'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencyday',
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('not_due', sa.Integer(), nullable=False),
    sa.Column('in_progress_on_time', sa.Integer(), nullable=False),
    sa.Column('overdue', sa.Integer(), nullable=False),
    sa.Column('submitted', sa.Integer(), nullable=False),
    sa.Column('done_on_time', sa.Integer(), nullable=False),
    sa.Column('done_late', sa.Integer(), nullable=False),
    sa.Column('returned', sa.Integer(), nullable=False),
    sa.Column('waived', sa.Integer(), nullable=False),
    sa.Column('due', sa.Integer(), nullable=False),
    sa.Column('oldest_due', sa.Date(), nullable=True),
    sa.Column('oldest_id', sa.Integer(), nullable=True),
    sa.PrimaryKeyConstraint('day', 'agency_id')
    )
    op.create_table('agencydaywindow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_agency_successor_id'), ['successor_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('agency', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_agency_successor_id'))
    op.drop_table('agencydaywindow')
    op.drop_table('agencyday')
