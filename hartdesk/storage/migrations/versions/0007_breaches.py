"""Breaches: the breach register, what each touched, its timeline; issued_documents.breach_id.

Revision ID: 0007_breaches
Revises: 0006_erasure
Create Date: 2026-11-22 01:46:38.999577
"""

from alembic import op
import sqlalchemy as sa


revision = "0007_breaches"
down_revision = "0006_erasure"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("ref", sa.String(length=16), nullable=False),
        sa.Column("summary", sa.String(length=300), nullable=False),
        sa.Column("details", sa.Text(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=True),
        sa.Column("occurred_note", sa.String(length=300), nullable=False),
        sa.Column("aware_at", sa.DateTime(), nullable=False),
        sa.Column("categories", sa.Text(), nullable=False),
        sa.Column("people_count", sa.Integer(), nullable=True),
        sa.Column("records_count", sa.Integer(), nullable=True),
        sa.Column("consequences", sa.Text(), nullable=False),
        sa.Column("measures_taken", sa.Text(), nullable=False),
        sa.Column("measures_proposed", sa.Text(), nullable=False),
        sa.Column(
            "risk", sa.Enum("none", "risk", "high", name="breachrisk", native_enum=False, length=12), nullable=True
        ),
        sa.Column(
            "decision",
            sa.Enum("notify", "not-notify", name="breachdecision", native_enum=False, length=20),
            nullable=True,
        ),
        sa.Column("decision_reason", sa.Text(), nullable=False),
        sa.Column("decided_at", sa.DateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=80), nullable=False),
        sa.Column("ico_notified_at", sa.DateTime(), nullable=True),
        sa.Column("ico_reference", sa.String(length=60), nullable=False),
        sa.Column("late_reason", sa.Text(), nullable=False),
        sa.Column("people_told_at", sa.DateTime(), nullable=True),
        sa.Column("people_told_how", sa.Text(), nullable=False),
        sa.Column("controllers_told_at", sa.DateTime(), nullable=True),
        sa.Column("closed_at", sa.DateTime(), nullable=True),
        sa.Column("created_by", sa.String(length=80), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breaches")),
        sa.UniqueConstraint("ref", name=op.f("uq_breaches_ref")),
    )
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breaches_aware_at"), ["aware_at"], unique=False)

    op.create_table(
        "breach_clients",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("client_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breaches.id"], name=op.f("fk_breach_clients_breach_id_breaches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["client_id"], ["clients.id"], name=op.f("fk_breach_clients_client_id_clients"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("breach_id", "client_id", name=op.f("pk_breach_clients")),
    )
    with op.batch_alter_table("breach_clients", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_clients_client_id"), ["client_id"], unique=False)

    op.create_table(
        "breach_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("kind", sa.String(length=30), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breaches.id"], name=op.f("fk_breach_events_breach_id_breaches"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_breach_events")),
    )
    with op.batch_alter_table("breach_events", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_events_breach_id"), ["breach_id"], unique=False)

    op.create_table(
        "breach_operators",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("operator_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breaches.id"], name=op.f("fk_breach_operators_breach_id_breaches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["operator_id"],
            ["operators.id"],
            name=op.f("fk_breach_operators_operator_id_operators"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("breach_id", "operator_id", name=op.f("pk_breach_operators")),
    )
    with op.batch_alter_table("breach_operators", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_operators_operator_id"), ["operator_id"], unique=False)

    op.create_table(
        "breach_services",
        sa.Column("breach_id", sa.Integer(), nullable=False),
        sa.Column("service_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["breach_id"], ["breaches.id"], name=op.f("fk_breach_services_breach_id_breaches"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["service_id"], ["services.id"], name=op.f("fk_breach_services_service_id_services"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("breach_id", "service_id", name=op.f("pk_breach_services")),
    )
    with op.batch_alter_table("breach_services", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_breach_services_service_id"), ["service_id"], unique=False)

    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.add_column(sa.Column("breach_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_issued_documents_breach_id"), ["breach_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_issued_documents_breach_id_breaches"), "breaches", ["breach_id"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("issued_documents", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_issued_documents_breach_id_breaches"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_issued_documents_breach_id"))
        batch_op.drop_column("breach_id")

    with op.batch_alter_table("breach_services", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_services_service_id"))

    op.drop_table("breach_services")
    with op.batch_alter_table("breach_operators", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_operators_operator_id"))

    op.drop_table("breach_operators")
    with op.batch_alter_table("breach_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_events_breach_id"))

    op.drop_table("breach_events")
    with op.batch_alter_table("breach_clients", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breach_clients_client_id"))

    op.drop_table("breach_clients")
    with op.batch_alter_table("breaches", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_breaches_aware_at"))

    op.drop_table("breaches")
