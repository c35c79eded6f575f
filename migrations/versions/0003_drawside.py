"""drawside: meetings.entropy_sources, the live-entropy sources declared before the commitment

Revision ID: 0003_drawside
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_drawside'
down_revision = '0003_chain'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.add_column(sa.Column('entropy_sources', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('meetings') as batch:
        batch.drop_column('entropy_sources')
