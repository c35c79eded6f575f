"""cases: the responsible unit's reply links, reply attachments, the proposed completion date

Revision ID: 0004_cases
Revises: 0003_drawside
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_cases'
down_revision = '0004_echo'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('cases') as batch:
        batch.add_column(sa.Column('proposed_completion', sa.Date(), nullable=True))
    op.create_table('case_reply_links',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('revoked_at', sa.DateTime(), nullable=True),
    sa.Column('revoked_by', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_reply_links_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_reply_links')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_case_reply_links_token_hash'))
    )
    with op.batch_alter_table('case_reply_links', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_reply_links_case_id'), ['case_id'], unique=False)
    op.create_table('case_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('link_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=128), nullable=False),
    sa.Column('content_type', sa.String(length=32), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_name', sa.String(length=96), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_attachments_case_id_cases')),
    sa.ForeignKeyConstraint(['event_id'], ['case_events.id'], name=op.f('fk_case_attachments_event_id_case_events')),
    sa.ForeignKeyConstraint(['link_id'], ['case_reply_links.id'],
                            name=op.f('fk_case_attachments_link_id_case_reply_links')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_attachments'))
    )
    with op.batch_alter_table('case_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_attachments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_attachments_event_id'), ['event_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_attachments_link_id'), ['link_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_attachments_link_id'))
        batch_op.drop_index(batch_op.f('ix_case_attachments_event_id'))
        batch_op.drop_index(batch_op.f('ix_case_attachments_case_id'))
    op.drop_table('case_attachments')
    with op.batch_alter_table('case_reply_links', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_reply_links_case_id'))
    op.drop_table('case_reply_links')
    with op.batch_alter_table('cases') as batch:
        batch.drop_column('proposed_completion')
