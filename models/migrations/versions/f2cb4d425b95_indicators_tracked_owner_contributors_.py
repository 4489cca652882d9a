"""indicators tracked: owner, contributors, reported values

Revision ID: f2cb4d425b95
Revises: f7437bc03bd7
Create Date: 2026-12-02 13:20:33.909311
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = 'f2cb4d425b95'
down_revision = 'f7437bc03bd7'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('indicatorcontributor',
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ),
    sa.PrimaryKeyConstraint('indicator_id', 'agency_id')
    )
    with op.batch_alter_table('indicatorcontributor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_indicatorcontributor_agency_id'), ['agency_id'], unique=False)

    op.create_table('indicatorvalue',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('indicator_id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('period_label', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('evidence_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('reported_on', sa.Date(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('reviewed_on', sa.Date(), nullable=True),
    sa.Column('return_reason', sa.Text(), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], ),
    sa.ForeignKeyConstraint(['indicator_id'], ['indicator.id'], ),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('indicatorvalue', schema=None) as batch_op:
        batch_op.create_index('ix_indicator_value_indicator_status', ['indicator_id', 'status', 'period_end'], unique=False)
        batch_op.create_index(batch_op.f('ix_indicatorvalue_agency_id'), ['agency_id'], unique=False)

    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owner_agency_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_indicator_owner_agency_id'), ['owner_agency_id'], unique=False)
        batch_op.create_foreign_key('fk_indicator_owner_agency_id_agency', 'agency', ['owner_agency_id'], ['id'])



def downgrade() -> None:
    with op.batch_alter_table('indicator', schema=None) as batch_op:
        batch_op.drop_constraint('fk_indicator_owner_agency_id_agency', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_indicator_owner_agency_id'))
        batch_op.drop_column('owner_agency_id')

    with op.batch_alter_table('indicatorvalue', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicatorvalue_agency_id'))
        batch_op.drop_index('ix_indicator_value_indicator_status')

    op.drop_table('indicatorvalue')
    with op.batch_alter_table('indicatorcontributor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_indicatorcontributor_agency_id'))

    op.drop_table('indicatorcontributor')
