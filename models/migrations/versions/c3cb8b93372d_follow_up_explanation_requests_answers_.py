"""follow-up: explanation requests, answers, reminders

Revision ID: c3cb8b93372d
Revises: f2cb4d425b95
Create Date: 2026-12-02 13:26:20.107328
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = 'c3cb8b93372d'
down_revision = 'f2cb4d425b95'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('explanationrequest',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('asked_by', sa.Integer(), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('answer_due', sa.Date(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('escalated_round', sa.Integer(), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['asked_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('explanationrequest', schema=None) as batch_op:
        batch_op.create_index('ix_explanation_status_due', ['status', 'answer_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_explanationrequest_agency_id'), ['agency_id'], unique=False)

    op.create_table('reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('agency_id', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=False),
    sa.Column('sent_on', sa.Date(), nullable=False),
    sa.Column('message', sa.Text(), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], ),
    sa.ForeignKeyConstraint(['sent_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('agency_id', 'sent_on')
    )
    op.create_table('explanationanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('new_date', sa.Date(), nullable=True),
    sa.Column('evidence_url', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('answered_by', sa.Integer(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['answered_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['explanationrequest.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('explanationanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanationanswer_request_id'), ['request_id'], unique=False)

    op.create_table('explanationitem',
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], ),
    sa.ForeignKeyConstraint(['request_id'], ['explanationrequest.id'], ),
    sa.PrimaryKeyConstraint('request_id', 'checkpoint_id')
    )
    with op.batch_alter_table('explanationitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_explanationitem_checkpoint_id'), ['checkpoint_id'], unique=False)

    op.create_table('reminderitem',
    sa.Column('reminder_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['checkpoint_id'], ['checkpoint.id'], ),
    sa.ForeignKeyConstraint(['reminder_id'], ['reminder.id'], ),
    sa.PrimaryKeyConstraint('reminder_id', 'checkpoint_id')
    )
    with op.batch_alter_table('reminderitem', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_reminderitem_checkpoint_id'), ['checkpoint_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('reminderitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_reminderitem_checkpoint_id'))

    op.drop_table('reminderitem')
    with op.batch_alter_table('explanationitem', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanationitem_checkpoint_id'))

    op.drop_table('explanationitem')
    with op.batch_alter_table('explanationanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanationanswer_request_id'))

    op.drop_table('explanationanswer')
    op.drop_table('reminder')
    with op.batch_alter_table('explanationrequest', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_explanationrequest_agency_id'))
        batch_op.drop_index('ix_explanation_status_due')

    op.drop_table('explanationrequest')
