"""Erasure, retention and restriction: erasures, Art. 19 notices, pending keyring deletions, audit seal keys;
clients.restricted_on/restriction_note, invoices.delete_on.

Revision ID: 0006_erasure
Revises: 0005_vault
Create Date: 2026-11-22 00:43:12.707589
"""

from alembic import op
import sqlalchemy as sa


revision = "0006_erasure"
down_revision = "0005_vault"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "pending_keyring_deletions",
        sa.Column("entry_name", sa.String(length=80), nullable=False),
        sa.Column("queued_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("entry_name", name=op.f("pk_pending_keyring_deletions")),
    )
    op.create_table(
        "seal_keys",
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_seal_keys_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("client_id", name=op.f("pk_seal_keys")),
    )
    op.create_table(
        "erasures",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=True),
        sa.Column("client_ref", sa.String(length=12), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=True),
        sa.Column("scope", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.String(length=20), nullable=False),
        sa.Column("done_on", sa.Date(), nullable=False),
        sa.Column("done_by", sa.String(length=80), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=False),
        sa.Column("erased", sa.Text(), nullable=False),
        sa.Column("kept", sa.Text(), nullable=False),
        sa.Column("backup_days", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_erasures_client_id_clients"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["privacy_requests.id"],
            name=op.f("fk_erasures_request_id_privacy_requests"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_erasures")),
    )
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_erasures_client_id"), ["client_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_erasures_request_id"), ["request_id"], unique=False)

    op.create_table(
        "recipient_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("request_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=True),
        sa.Column("operator_name", sa.String(length=120), nullable=False),
        sa.Column("data_concerned", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("sent_on", sa.Date(), nullable=True),
        sa.Column(
            "sent_how",
            sa.Enum("saved", "printed", "email-draft", "email-sent", name="delivery", native_enum=False, length=30),
            nullable=True,
        ),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["issued_documents.id"],
            name=op.f("fk_recipient_notices_document_id_issued_documents"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_recipient_notices_operator_id_operators"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["request_id"],
            ["privacy_requests.id"],
            name=op.f("fk_recipient_notices_request_id_privacy_requests"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_recipient_notices")),
    )
    with op.batch_alter_table("recipient_notices", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_recipient_notices_operator_id"), ["operator_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_recipient_notices_request_id"), ["request_id"], unique=False)

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.add_column(sa.Column("restricted_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("restriction_note", sa.String(length=300), nullable=False, server_default=""))

    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("delete_on", sa.Date(), nullable=True))
        batch_op.create_index(batch_op.f("ix_invoices_delete_on"), ["delete_on"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invoices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invoices_delete_on"))
        batch_op.drop_column("delete_on")

    with op.batch_alter_table("clients", schema=None) as batch_op:
        batch_op.drop_column("restriction_note")
        batch_op.drop_column("restricted_on")

    with op.batch_alter_table("recipient_notices", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_recipient_notices_request_id"))
        batch_op.drop_index(batch_op.f("ix_recipient_notices_operator_id"))

    op.drop_table("recipient_notices")
    with op.batch_alter_table("erasures", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_erasures_request_id"))
        batch_op.drop_index(batch_op.f("ix_erasures_client_id"))

    op.drop_table("erasures")
    op.drop_table("seal_keys")
    op.drop_table("pending_keyring_deletions")
