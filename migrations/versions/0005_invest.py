"""invest: an investigation case's team (cases.team, JSON, [{name, role}])

NULL until staff first change the team on the case page: until then the team named in the
investigation decision stands (services/followup/teams.py).

Revision ID: 0005_invest
Revises: 0005_visits
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_invest'
down_revision = '0005_visits'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('team', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('team')
