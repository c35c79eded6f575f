"""chain: a meeting whose event chain failed its check in the database (first bad seq, problem)

Revision ID: 0003_chain
Revises: 0002
Create Date: 2026-12-01 18:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_chain'
down_revision = '0003_imports'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.add_column(sa.Column('chain_broken_seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('chain_problem', sa.String(length=16), nullable=False, server_default=''))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch_op:
        batch_op.drop_column('chain_problem')
        batch_op.drop_column('chain_broken_seq')
