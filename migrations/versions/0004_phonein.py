"""phonein: the drawn cadre's phone-in report and claims

call_attempts.kind (household | cadre) and cadre_id (a call to the drawn cadre has no
household: household_id becomes nullable); rounds.report_mode (in_person | phone) and
rounds.claims (the cadre's structured claims).

Revision ID: 0004_phonein
Revises: 0003_drawside
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_phonein'
down_revision = '0004_recusal'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('call_attempts') as batch:
        batch.add_column(sa.Column('kind', sa.String(length=16), nullable=False, server_default='household'))
        batch.add_column(sa.Column('cadre_id', sa.Integer(), nullable=True))
        batch.create_foreign_key(batch.f('fk_call_attempts_cadre_id_cadres'), 'cadres', ['cadre_id'], ['id'])
        batch.alter_column('household_id', existing_type=sa.Integer(), nullable=True)
    with op.batch_alter_table('rounds') as batch:
        batch.add_column(sa.Column('report_mode', sa.String(length=16), nullable=True))
        batch.add_column(sa.Column('claims', sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('rounds') as batch:
        batch.drop_column('claims')
        batch.drop_column('report_mode')
    with op.batch_alter_table('call_attempts') as batch:
        batch.alter_column('household_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(batch.f('fk_call_attempts_cadre_id_cadres'), type_='foreignkey')
        batch.drop_column('cadre_id')
        batch.drop_column('kind')
