"""Privacy requests: the requests, the clock pauses, the timeline of each request and the attachments kept in the
register.

Revision ID: 0003_requests
Revises: 0002_register
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op


revision = '0003_requests'
down_revision = '0002_register'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('privacy_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=16), nullable=False),
    sa.Column('kind', sa.Enum('access', 'rectification', 'erasure', 'restriction', 'portability', 'objection', 'withdraw-consent', 'complaint', 'other', name='requesttype', native_enum=False, length=30), nullable=False),
    sa.Column('channel', sa.Enum('email', 'phone', 'post', 'in-person', name='requestchannel', native_enum=False, length=30), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('received_at', sa.DateTime(), nullable=True),
    sa.Column('letter_date', sa.Date(), nullable=True),
    sa.Column('subject', sa.String(length=300), nullable=False),
    sa.Column('details', sa.Text(), nullable=False),
    sa.Column('requester_name', sa.String(length=200), nullable=False),
    sa.Column('requester_email', sa.String(length=254), nullable=False),
    sa.Column('requester_phone', sa.String(length=40), nullable=False),
    sa.Column('requester_address', sa.Text(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('contact_id', sa.Integer(), nullable=True),
    sa.Column('role', sa.Enum('controller', 'processor', name='requestrole', native_enum=False, length=30), nullable=False),
    sa.Column('controller_client_id', sa.Integer(), nullable=True),
    sa.Column('forwarded_on', sa.Date(), nullable=True),
    sa.Column('identity_status', sa.Enum('unchecked', 'not-needed', 'requested', 'verified', 'failed', name='identitystatus', native_enum=False, length=30), nullable=False),
    sa.Column('identity_method', sa.Enum('known-contact', 'security-questions', 'document', 'in-person', 'other', name='identitymethod', native_enum=False, length=30), nullable=True),
    sa.Column('identity_evidence', sa.Text(), nullable=False),
    sa.Column('identity_asked_on', sa.Date(), nullable=True),
    sa.Column('identity_received_on', sa.Date(), nullable=True),
    sa.Column('fee_pence', sa.Integer(), nullable=True),
    sa.Column('fee_asked_on', sa.Date(), nullable=True),
    sa.Column('fee_paid_on', sa.Date(), nullable=True),
    sa.Column('status', sa.Enum('new', 'awaiting-identity', 'awaiting-clarification', 'in-progress', 'extended', 'completed', 'refused', 'withdrawn', name='requeststatus', native_enum=False, length=30), nullable=False),
    sa.Column('acknowledged_on', sa.Date(), nullable=True),
    sa.Column('extended_on', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('refusal_reason', sa.Enum('manifestly-unfounded', 'manifestly-excessive', 'exemption', 'identity-not-confirmed', 'not-held', name='refusalreason', native_enum=False, length=30), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=True),
    sa.Column('due_explanation', sa.Text(), nullable=False),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_privacy_requests_client_id_clients'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_privacy_requests_contact_id_contacts'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['controller_client_id'], ['clients.id'], name=op.f('fk_privacy_requests_controller_client_id_clients'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_requests')),
    sa.UniqueConstraint('ref', name=op.f('uq_privacy_requests_ref'))
    )
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_requests_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_requester_email'), ['requester_email'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_requests_status'), ['status'], unique=False)

    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('media_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('is_original', sa.Boolean(), nullable=False),
    sa.Column('content', sa.LargeBinary(), nullable=True),
    sa.Column('added_by', sa.String(length=80), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['request_id'], ['privacy_requests.id'], name=op.f('fk_attachments_request_id_privacy_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_request_id'), ['request_id'], unique=False)

    op.create_table('request_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('on', sa.Date(), nullable=False),
    sa.Column('kind', sa.Enum('received', 'note', 'call', 'letter', 'email', 'document-sent', 'identity-requested', 'identity-received', 'fee-requested', 'fee-paid', 'clarification-requested', 'clarification-received', 'acknowledged', 'extended', 'forwarded', 'refused', 'completed', 'withdrawn', 'reopened', name='eventkind', native_enum=False, length=30), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('by', sa.String(length=80), nullable=False),
    sa.Column('recorded_at', sa.DateTime(), nullable=False),
    sa.Column('due_before', sa.Date(), nullable=True),
    sa.Column('due_after', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['privacy_requests.id'], name=op.f('fk_request_events_request_id_privacy_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_events'))
    )
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_events_request_id'), ['request_id'], unique=False)

    op.create_table('request_pauses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('asked_on', sa.Date(), nullable=False),
    sa.Column('answered_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['privacy_requests.id'], name=op.f('fk_request_pauses_request_id_privacy_requests'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_pauses'))
    )
    with op.batch_alter_table('request_pauses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_pauses_request_id'), ['request_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('request_pauses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_pauses_request_id'))

    op.drop_table('request_pauses')
    with op.batch_alter_table('request_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_events_request_id'))

    op.drop_table('request_events')
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_request_id'))

    op.drop_table('attachments')
    with op.batch_alter_table('privacy_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_requests_status'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_requester_email'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_received_on'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_kind'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_due_on'))
        batch_op.drop_index(batch_op.f('ix_privacy_requests_client_id'))

    op.drop_table('privacy_requests')
