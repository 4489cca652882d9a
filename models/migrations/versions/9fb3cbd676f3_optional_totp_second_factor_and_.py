"""optional TOTP second factor (secondfactor) and its one-time recovery codes (recoverycode)

Revision ID: 9fb3cbd676f3
Revises: b2d4f6a8c0e2
Create Date: 2026-12-03 15:01:45.949667
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = '9fb3cbd676f3'
down_revision = 'b2d4f6a8c0e2'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('recoverycode',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('code_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('used_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('code_sha256')
    )
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_recoverycode_user_id'), ['user_id'], unique=False)

    op.create_table('secondfactor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('secret', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.Column('last_step', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('user_id')
    )


def downgrade() -> None:
    op.drop_table('secondfactor')
    with op.batch_alter_table('recoverycode', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_recoverycode_user_id'))

    op.drop_table('recoverycode')
