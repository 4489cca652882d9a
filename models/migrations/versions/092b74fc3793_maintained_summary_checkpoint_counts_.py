"""maintained summary: checkpoint counts per agency and per agency and section

Revision ID: 092b74fc3793
Revises: c3cb8b93372d
Create Date: 2026-12-02 13:27:42.220272
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = '092b74fc3793'
down_revision = 'c3cb8b93372d'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('agencysummary',
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('agency_id', 'state', 'on_time', 'due_date', 'opens_on', 'original_due_date')
    )
    op.create_table('sectionsummary',
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('on_time', sa.Boolean(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('opens_on', sa.Date(), nullable=False),
    sa.Column('original_due_date', sa.Date(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('agency_id', 'plan_id', 'section_id', 'state', 'on_time', 'due_date', 'opens_on', 'original_due_date')
    )
    with op.batch_alter_table('sectionsummary', schema=None) as batch_op:
        batch_op.create_index('ix_sectionsummary_plan', ['plan_id'], unique=False)

    # the checkpoints already there are counted in (the same recomputation `plantrack summary rebuild` runs)
    from sqlmodel import Session

    from workflows.checkpoints.summary import rebuild_counts

    rebuild_counts(Session(bind=op.get_bind()))


def downgrade() -> None:
    with op.batch_alter_table('sectionsummary', schema=None) as batch_op:
        batch_op.drop_index('ix_sectionsummary_plan')

    op.drop_table('sectionsummary')
    op.drop_table('agencysummary')
