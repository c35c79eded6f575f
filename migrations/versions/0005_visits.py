"""visits: return visits (回访) of cases through the telephony port

call_attempts.case_id and .visit (a return-visit call has no round: round_id becomes
nullable); cases.seed_commitment, .seed_sealed, .seed_hex (the return visits' draw seed:
committed when the case opens, sealed at rest, revealed when it closes).

Revision ID: 0005_visits
Revises: 0004_echo
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_visits'
down_revision = '0004_cases'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('seed_commitment', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('seed_sealed', sa.String(length=200), nullable=True))
        batch.add_column(sa.Column('seed_hex', sa.String(length=64), nullable=True))
    with op.batch_alter_table('call_attempts') as batch:
        batch.add_column(sa.Column('case_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('visit', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_call_attempts_case_id_cases'), 'cases', ['case_id'], ['id'])
        batch.create_index(batch.f('ix_call_attempts_case_id'), ['case_id'], unique=False)
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    with op.batch_alter_table('call_attempts') as batch:
        batch.alter_column('round_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_index(batch.f('ix_call_attempts_case_id'))
        batch.drop_constraint(batch.f('fk_call_attempts_case_id_cases'), type_='foreignkey')
        batch.drop_column('visit')
        batch.drop_column('case_id')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('seed_hex')
        batch.drop_column('seed_sealed')
        batch.drop_column('seed_commitment')
