"""Documents produced (data reports, DPAs, letters), how each was delivered, and signed DPAs.

Revision ID: 0004_documents
Revises: 0003_requests
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op


revision = '0004_documents'
down_revision = '0003_requests'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('data-report', 'dpa', 'letter', name='documentkind', native_enum=False, length=30), nullable=False),
    sa.Column('letter_kind', sa.Enum('acknowledgement', 'identity-request', 'clarification-request', 'extension-notice', 'refusal', 'completion', 'erasure-confirmation', 'operator-notice', 'complaint-acknowledgement', name='letterkind', native_enum=False, length=30), nullable=True),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('recipient', sa.String(length=300), nullable=False),
    sa.Column('version', sa.String(length=20), nullable=False),
    sa.Column('pages', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('encrypted', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('delivery', sa.Enum('saved', 'printed', 'email-draft', 'email-sent', name='delivery', native_enum=False, length=30), nullable=True),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('delivered_to', sa.String(length=254), nullable=False),
    sa.Column('signed_on', sa.Date(), nullable=True),
    sa.Column('signed_copy_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_issued_documents_client_id_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_issued_documents_operator_id_operators'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['privacy_requests.id'], name=op.f('fk_issued_documents_request_id_privacy_requests'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['signed_copy_id'], ['attachments.id'], name=op.f('fk_issued_documents_signed_copy_id_attachments'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents'))
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_request_id'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_kind'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_client_id'))

    op.drop_table('issued_documents')
