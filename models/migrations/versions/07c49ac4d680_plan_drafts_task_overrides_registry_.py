"""plan drafts, task overrides, registry authority, plan status

Revision ID: 07c49ac4d680
Revises: a91c4e2d7b3f
Create Date: 2026-12-02 13:31:01.687228
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate references sqlmodel.sql.sqltypes.AutoString)
import models.types  # noqa: F401


revision = '07c49ac4d680'
down_revision = 'a91c4e2d7b3f'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('registryauthority',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('province', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('authority', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('set_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('plandraft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('filename', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('source_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('source_text', sa.Text(), nullable=False),
    sa.Column('parsed', sa.JSON(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('foreign', sa.Boolean(), nullable=False),
    sa.Column('foreign_confirmed', sa.Boolean(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('published_at', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('plandraft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plandraft_plan_key'), ['plan_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_plandraft_state'), ['state'], unique=False)

    op.create_table('taskoverride',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_key', sqlmodel.sql.sqltypes.AutoString(length=400), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=160), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text_sha256', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('value', sa.JSON(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['user.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('plan_key', 'ref', 'kind')
    )
    with op.batch_alter_table('taskoverride', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_taskoverride_plan_key'), ['plan_key'], unique=False)

    with op.batch_alter_table('agencygroup', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=True))
        batch_op.add_column(sa.Column('concrete', sa.Boolean(), nullable=False,
                                      server_default=sa.true()))

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False,
                                      server_default='active'))
        batch_op.add_column(sa.Column('status_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('status_changed_at', models.types.AwareDateTime(timezone=True), nullable=True))



def downgrade() -> None:
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('status_changed_at')
        batch_op.drop_column('status_reason')
        batch_op.drop_column('status')

    with op.batch_alter_table('agencygroup', schema=None) as batch_op:
        batch_op.drop_column('concrete')
        batch_op.drop_column('code')

    with op.batch_alter_table('taskoverride', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_taskoverride_plan_key'))

    op.drop_table('taskoverride')
    with op.batch_alter_table('plandraft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plandraft_state'))
        batch_op.drop_index(batch_op.f('ix_plandraft_plan_key'))

    op.drop_table('plandraft')
    op.drop_table('registryauthority')
