"""login throttle counts; usernames unique whatever their case (user.username_key)

Revision ID: b2d4f6a8c0e2
Revises: 07c49ac4d680
Create Date: 2026-12-02 14:40:00.000000

If two existing accounts differ only by case (YTE and yte) the upgrade stops at the unique
index: deactivate or rename one of them first.
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

import models.types

revision = 'b2d4f6a8c0e2'
down_revision = '07c49ac4d680'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('loginthrottle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', models.types.AwareDateTime(timezone=True), nullable=False),
    sa.Column('locked_until', models.types.AwareDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('key')
    )
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('username_key', sqlmodel.sql.sqltypes.AutoString(length=80),
                                      nullable=True))
    # usernames are ASCII (the username rule), so SQL lower() is their casefold
    op.execute('UPDATE "user" SET username_key = lower(trim(username))')
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.alter_column('username_key', existing_type=sqlmodel.sql.sqltypes.AutoString(length=80),
                              nullable=False)
        batch_op.create_unique_constraint('uq_user_username_key', ['username_key'])


def downgrade() -> None:
    with op.batch_alter_table('user', schema=None) as batch_op:
        batch_op.drop_constraint('uq_user_username_key', type_='unique')
        batch_op.drop_column('username_key')
    op.drop_table('loginthrottle')
