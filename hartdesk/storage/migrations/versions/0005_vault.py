"""The credentials vault: logins at operators (the secrets stay in the OS keyring), with the clients and domains
each one serves.

Revision ID: 0005_vault
Revises: 0004_documents
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op


revision = '0005_vault'
down_revision = '0004_documents'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('credentials',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('account_name', sa.String(length=200), nullable=False),
    sa.Column('login_url', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('has_otp', sa.Boolean(), nullable=False),
    sa.Column('rotated_on', sa.Date(), nullable=False),
    sa.Column('rotate_every_days', sa.Integer(), nullable=True),
    sa.Column('created_by', sa.String(length=80), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_credentials_operator_id_operators'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credentials')),
    sa.UniqueConstraint('operator_id', 'account_name', name=op.f('uq_credentials_operator_id')),
    sqlite_autoincrement=True
    )
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credentials_operator_id'), ['operator_id'], unique=False)

    op.create_table('credential_clients',
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_credential_clients_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_credential_clients_credential_id_credentials'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('credential_id', 'client_id', name=op.f('pk_credential_clients'))
    )
    with op.batch_alter_table('credential_clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_clients_client_id'), ['client_id'], unique=False)

    op.create_table('credential_services',
    sa.Column('credential_id', sa.Integer(), nullable=False),
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['credential_id'], ['credentials.id'], name=op.f('fk_credential_services_credential_id_credentials'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_credential_services_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('credential_id', 'service_id', name=op.f('pk_credential_services'))
    )
    with op.batch_alter_table('credential_services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_credential_services_service_id'), ['service_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('credential_services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_services_service_id'))

    op.drop_table('credential_services')
    with op.batch_alter_table('credential_clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credential_clients_client_id'))

    op.drop_table('credential_clients')
    with op.batch_alter_table('credentials', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_credentials_operator_id'))

    op.drop_table('credentials')
