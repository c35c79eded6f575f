"""recusal: jurors' affiliations and declared relations, rounds' recusals, anonymous seats

Revision ID: 0004_recusal
Revises: 0003_drawside
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_recusal'
down_revision = '0003_drawside'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('jurors') as batch:
        batch.add_column(sa.Column('unit', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('township', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('village', sa.String(length=64), nullable=False, server_default=''))
        batch.add_column(sa.Column('relations', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('rounds') as batch:
        batch.add_column(sa.Column('recusals', sa.JSON(), nullable=False, server_default=sa.text("'[]'")))
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('anonymous_seats', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('anonymous_seats')
    with op.batch_alter_table('rounds') as batch:
        batch.drop_column('recusals')
    with op.batch_alter_table('jurors') as batch:
        batch.drop_column('relations')
        batch.drop_column('village')
        batch.drop_column('township')
        batch.drop_column('unit')
