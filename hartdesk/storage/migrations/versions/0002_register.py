"""The register: clients, contacts, addresses, consents, services, invoices, operators, data categories and who
receives them; the client search index; the default data categories.

Revision ID: 0002_register
Revises: 0001_initial
Create Date: 2026-11-21
"""

import sqlalchemy as sa
from alembic import op


revision = '0002_register'
down_revision = '0001_initial'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('clients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=12), nullable=False),
    sa.Column('kind', sa.Enum('organisation', 'individual', name='clientkind', native_enum=False, length=30), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('trading_name', sa.String(length=200), nullable=False),
    sa.Column('sort_name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.Enum('active', 'suspended', 'closed', 'erased', name='clientstatus', native_enum=False, length=30), nullable=False),
    sa.Column('status_changed_on', sa.Date(), nullable=False),
    sa.Column('opened_on', sa.Date(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('erased_on', sa.Date(), nullable=True),
    sa.Column('vat_number', sa.String(length=20), nullable=False),
    sa.Column('payment_reference', sa.String(length=80), nullable=False),
    sa.Column('customer_centre_ref', sa.String(length=40), nullable=True),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_clients')),
    sa.UniqueConstraint('customer_centre_ref', name=op.f('uq_clients_customer_centre_ref')),
    sa.UniqueConstraint('ref', name=op.f('uq_clients_ref'))
    )
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_clients_sort_name'), ['sort_name'], unique=False)
        batch_op.create_index(batch_op.f('ix_clients_status'), ['status'], unique=False)

    op.create_table('counters',
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('value', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_counters'))
    )
    op.create_table('data_categories',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('lawful_basis', sa.Enum('contract', 'legal_obligation', 'legitimate_interests', 'consent', 'processor', name='lawfulbasis', native_enum=False, length=30), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('retention_kind', sa.Enum('after_relationship', 'tax_records', 'after_service_ends', 'rolling_days', 'until_withdrawn', name='retentionkind', native_enum=False, length=30), nullable=False),
    sa.Column('retention_period', sa.Integer(), nullable=False),
    sa.Column('as_processor', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_data_categories')),
    sa.UniqueConstraint('code', name=op.f('uq_data_categories_code'))
    )
    op.create_table('operators',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('role', sa.String(length=120), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('safeguard', sa.Enum('not_restricted', 'uk_adequacy', 'idta', 'addendum', 'none', name='transfersafeguard', native_enum=False, length=30), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=320), nullable=False),
    sa.Column('address', sa.Text(), nullable=False),
    sa.Column('dpa_status', sa.Enum('not_in_place', 'requested', 'signed', name='dpastatus', native_enum=False, length=30), nullable=False),
    sa.Column('dpa_signed_on', sa.Date(), nullable=True),
    sa.Column('dpa_document', sa.String(length=300), nullable=False),
    sa.Column('security_notes', sa.Text(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operators')),
    sa.UniqueConstraint('name', name=op.f('uq_operators_name'))
    )
    op.create_table('addresses',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('billing', 'registrant', 'postal', name='addresskind', native_enum=False, length=20), nullable=False),
    sa.Column('line1', sa.String(length=200), nullable=False),
    sa.Column('line2', sa.String(length=200), nullable=False),
    sa.Column('line3', sa.String(length=200), nullable=False),
    sa.Column('town', sa.String(length=100), nullable=False),
    sa.Column('county', sa.String(length=100), nullable=False),
    sa.Column('postcode', sa.String(length=16), nullable=False),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_addresses_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_addresses'))
    )
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_addresses_client_id'), ['client_id'], unique=False)

    op.create_table('category_recipients',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('service_kind', sa.Enum('web_hosting', 'domain_registration', 'email_hosting', 'ssl', 'backups', 'cdn', 'managed_cms', 'other', name='servicekind', native_enum=False, length=30), nullable=True),
    sa.Column('condition', sa.Enum('always', 'marketing_consent', name='recipientcondition', native_enum=False, length=20), nullable=False),
    sa.Column('purpose', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['data_categories.id'], name=op.f('fk_category_recipients_category_id_data_categories'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_category_recipients_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_category_recipients')),
    sa.UniqueConstraint('operator_id', 'category_id', 'service_kind', name=op.f('uq_category_recipients_operator_id'))
    )
    with op.batch_alter_table('category_recipients', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_category_recipients_category_id'), ['category_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_category_recipients_operator_id'), ['operator_id'], unique=False)

    op.create_table('category_service_kinds',
    sa.Column('category_id', sa.Integer(), nullable=False),
    sa.Column('service_kind', sa.Enum('web_hosting', 'domain_registration', 'email_hosting', 'ssl', 'backups', 'cdn', 'managed_cms', 'other', name='servicekind', native_enum=False, length=30), nullable=False),
    sa.ForeignKeyConstraint(['category_id'], ['data_categories.id'], name=op.f('fk_category_service_kinds_category_id_data_categories'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('category_id', 'service_kind', name=op.f('pk_category_service_kinds'))
    )
    op.create_table('consent_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=40), nullable=False),
    sa.Column('change', sa.Enum('given', 'withdrawn', name='consentchange', native_enum=False, length=12), nullable=False),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=120), nullable=False),
    sa.Column('recorded_by', sa.String(length=80), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_consent_events_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consent_events'))
    )
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consent_events_client_id'), ['client_id'], unique=False)

    op.create_table('contacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=80), nullable=False),
    sa.Column('is_primary', sa.Boolean(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_contacts_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contacts'))
    )
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contacts_client_id'), ['client_id'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('issued_on', sa.Date(), nullable=False),
    sa.Column('amount_pence', sa.Integer(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'issued', 'paid', 'void', name='invoicestatus', native_enum=False, length=12), nullable=False),
    sa.Column('billed_name', sa.String(length=200), nullable=False),
    sa.Column('billed_address', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_invoices_client_id_clients'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('number', name=op.f('uq_invoices_number'))
    )
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_invoices_client_id'), ['client_id'], unique=False)

    op.create_table('operator_accounts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('account_name', sa.String(length=200), nullable=False),
    sa.Column('login_url', sa.String(length=500), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_operator_accounts_operator_id_operators'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_operator_accounts'))
    )
    with op.batch_alter_table('operator_accounts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_operator_accounts_operator_id'), ['operator_id'], unique=False)

    op.create_table('policy_acceptances',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('document', sa.Enum('privacy_policy', 'terms', name='policydocument', native_enum=False, length=20), nullable=False),
    sa.Column('version', sa.String(length=40), nullable=False),
    sa.Column('accepted_at', sa.DateTime(), nullable=False),
    sa.Column('method', sa.String(length=120), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_policy_acceptances_client_id_clients'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policy_acceptances'))
    )
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_acceptances_client_id'), ['client_id'], unique=False)

    op.create_table('contact_points',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('contact_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('email', 'phone', name='pointkind', native_enum=False, length=10), nullable=False),
    sa.Column('value', sa.String(length=320), nullable=False),
    sa.Column('label', sa.String(length=30), nullable=False),
    sa.ForeignKeyConstraint(['contact_id'], ['contacts.id'], name=op.f('fk_contact_points_contact_id_contacts'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contact_points'))
    )
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_contact_points_contact_id'), ['contact_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_contact_points_value'), ['value'], unique=False)

    op.create_table('services',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('web_hosting', 'domain_registration', 'email_hosting', 'ssl', 'backups', 'cdn', 'managed_cms', 'other', name='servicekind', native_enum=False, length=30), nullable=False),
    sa.Column('identifier', sa.String(length=253), nullable=False),
    sa.Column('plan', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('pending', 'active', 'suspended', 'ended', name='servicestatus', native_enum=False, length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=True),
    sa.Column('renewal_date', sa.Date(), nullable=True),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('registrant_name', sa.String(length=200), nullable=False),
    sa.Column('registrant_organisation', sa.String(length=200), nullable=False),
    sa.Column('registrant_email', sa.String(length=320), nullable=False),
    sa.Column('registrant_phone', sa.String(length=40), nullable=False),
    sa.Column('registrant_address_id', sa.Integer(), nullable=True),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['clients.id'], name=op.f('fk_services_client_id_clients'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['registrant_address_id'], ['addresses.id'], name=op.f('fk_services_registrant_address_id_addresses'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_services'))
    )
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_services_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_services_identifier'), ['identifier'], unique=False)
        batch_op.create_index(batch_op.f('ix_services_kind'), ['kind'], unique=False)

    op.create_table('service_operators',
    sa.Column('service_id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['operators.id'], name=op.f('fk_service_operators_operator_id_operators'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['service_id'], ['services.id'], name=op.f('fk_service_operators_service_id_services'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('service_id', 'operator_id', name=op.f('pk_service_operators'))
    )
    with op.batch_alter_table('service_operators', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_service_operators_operator_id'), ['operator_id'], unique=False)



    # A record's activity (the audit rows about client:C-00042) is read by target.
    op.create_index(op.f("ix_audit_log_target"), "audit_log", ["target"])

    # Search-as-you-type over every client: one row per client (rowid = client id) holding its names, contact
    # names, emails, phones (digits, national and international), postcodes (with and without the space), domain
    # names and Customer Centre reference, folded to lower case without accents. The trigram tokenizer finds any
    # substring of three or more characters through the index. SQLite-only: hartdesk.register.search is the one
    # module that reads or writes it, so a PostgreSQL register can use pg_trgm there instead.
    op.execute("CREATE VIRTUAL TABLE client_search USING fts5(body, tokenize = 'trigram')")
    _seed_categories()


def _seed_categories() -> None:
    categories = sa.table(
        "data_categories",
        sa.column("id", sa.Integer),
        sa.column("code", sa.String),
        sa.column("name", sa.String),
        sa.column("description", sa.Text),
        sa.column("purpose", sa.Text),
        sa.column("lawful_basis", sa.String),
        sa.column("source", sa.String),
        sa.column("retention_kind", sa.String),
        sa.column("retention_period", sa.Integer),
        sa.column("as_processor", sa.Boolean),
        sa.column("position", sa.Integer),
    )
    kinds = sa.table("category_service_kinds", sa.column("category_id", sa.Integer), sa.column("service_kind", sa.String))
    rows = [
        ("identity", "Identity", "The name of the client, its trading name, and the names and roles of its contacts.",
         "To know who our client is and who may act for them, and to provide the services they ordered.",
         "contract", "The client, when ordering or updating their account.", "after_relationship", 72, False, []),
        ("contact", "Contact details", "Email addresses and phone numbers of the client's contacts.",
         "To run the client's services and tell them about renewals, faults and changes.",
         "contract", "The client, when ordering or updating their account.", "after_relationship", 24, False, []),
        ("postal_address", "Postal address", "Billing and postal addresses.",
         "To send invoices and letters.",
         "contract", "The client, when ordering or updating their account.", "after_relationship", 24, False, []),
        ("billing", "Billing", "Invoices (with the name and address printed on them), VAT number and a reference to "
         "the payment method (never a card number).",
         "To bill the client and keep the accounting records the law requires.",
         "legal_obligation", "Our billing system, from the client's orders.", "tax_records", 0, False, []),
        ("account", "Customer Centre account", "The client's Customer Centre account reference.",
         "To let the client manage their services online.",
         "contract", "Created by us when the client first ordered.", "after_relationship", 24, False, []),
        ("domain_registrant", "Domain registrant", "The legal owner of each domain name: name, organisation, "
         "email, phone and postal address, as the domain registries require.",
         "To register and renew the client's domain names.",
         "contract", "The client, when ordering a domain name.", "after_service_ends", 12, False,
         ["domain_registration"]),
        ("support", "Support correspondence", "Emails, letters, call notes and requests exchanged with the client.",
         "To answer the client's questions and keep a record of what was agreed.",
         "legitimate_interests", "The client, and our own notes.", "after_relationship", 24, False, []),
        ("technical_logs", "Technical logs", "Access and error logs of the client's websites and mail, with the IP "
         "addresses of visitors.",
         "To keep the services secure and to find faults.",
         "legitimate_interests", "Our servers and those of our operators, automatically.", "rolling_days", 90, False,
         ["web_hosting", "email_hosting", "cdn", "managed_cms"]),
        ("hosted_content", "Hosted content (as processor)", "The websites, mailboxes, databases and backups we host "
         "for the client, which may contain personal data of the client's own customers.",
         "To host the client's content on its instructions.",
         "processor", "The client and the users of its websites and mail.", "after_service_ends", 1, True,
         ["web_hosting", "email_hosting", "backups", "cdn", "managed_cms"]),
    ]
    op.bulk_insert(
        categories,
        [
            {
                "id": position,
                "code": code,
                "name": name,
                "description": description,
                "purpose": purpose,
                "lawful_basis": basis,
                "source": source,
                "retention_kind": retention,
                "retention_period": period,
                "as_processor": processor,
                "position": position,
            }
            for position, (code, name, description, purpose, basis, source, retention, period, processor, _)
            in enumerate(rows, start=1)
        ],
    )
    op.bulk_insert(
        kinds,
        [
            {"category_id": position, "service_kind": kind}
            for position, row in enumerate(rows, start=1)
            for kind in row[-1]
        ],
    )


def downgrade() -> None:
    op.execute("DROP TABLE client_search")
    op.drop_index(op.f("ix_audit_log_target"), table_name="audit_log")
    with op.batch_alter_table('service_operators', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_service_operators_operator_id'))

    op.drop_table('service_operators')
    with op.batch_alter_table('services', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_services_kind'))
        batch_op.drop_index(batch_op.f('ix_services_identifier'))
        batch_op.drop_index(batch_op.f('ix_services_client_id'))

    op.drop_table('services')
    with op.batch_alter_table('contact_points', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contact_points_value'))
        batch_op.drop_index(batch_op.f('ix_contact_points_contact_id'))

    op.drop_table('contact_points')
    with op.batch_alter_table('policy_acceptances', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_acceptances_client_id'))

    op.drop_table('policy_acceptances')
    with op.batch_alter_table('operator_accounts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_operator_accounts_operator_id'))

    op.drop_table('operator_accounts')
    with op.batch_alter_table('invoices', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_invoices_client_id'))

    op.drop_table('invoices')
    with op.batch_alter_table('contacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_contacts_client_id'))

    op.drop_table('contacts')
    with op.batch_alter_table('consent_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consent_events_client_id'))

    op.drop_table('consent_events')
    op.drop_table('category_service_kinds')
    with op.batch_alter_table('category_recipients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_category_recipients_operator_id'))
        batch_op.drop_index(batch_op.f('ix_category_recipients_category_id'))

    op.drop_table('category_recipients')
    with op.batch_alter_table('addresses', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_addresses_client_id'))

    op.drop_table('addresses')
    op.drop_table('operators')
    op.drop_table('data_categories')
    op.drop_table('counters')
    with op.batch_alter_table('clients', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_clients_status'))
        batch_op.drop_index(batch_op.f('ix_clients_sort_name'))

    op.drop_table('clients')
