"""echo: demands.private, a demand answered to the household in person (the echo wall hides its text)

Revision ID: 0004_echo
Revises: 0004_recusal
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_echo'
# Chained after 0004_recusal (already in this branch's base) so the tests' "head" is one head;
# the lead re-chains at merge.
down_revision = '0004_guard'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('demands') as batch:
        batch.add_column(sa.Column('private', sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('demands') as batch:
        batch.drop_column('private')
