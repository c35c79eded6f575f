"""guard: moderators bound to meetings; the seed sealed at rest (meetings.seed_sealed)

Revision ID: 0004_guard
Revises: 0003_drawside
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_guard'
down_revision = '0004_phonein'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('moderator_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('meeting_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('assigned_at', sa.DateTime(), nullable=False),
    sa.Column('assigned_by', sa.String(length=64), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.Column('removed_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['meeting_id'], ['meetings.id'], name=op.f('fk_moderator_assignments_meeting_id_meetings')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_moderator_assignments_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_moderator_assignments'))
    )
    with op.batch_alter_table('moderator_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_moderator_assignments_meeting_id'), ['meeting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_moderator_assignments_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seed_sealed', sa.String(length=200), server_default='', nullable=False))


def downgrade() -> None:
    with op.batch_alter_table('meetings', schema=None) as batch_op:
        batch_op.drop_column('seed_sealed')
    with op.batch_alter_table('moderator_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_moderator_assignments_user_id'))
        batch_op.drop_index(batch_op.f('ix_moderator_assignments_meeting_id'))
    op.drop_table('moderator_assignments')
