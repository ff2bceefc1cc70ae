"""The credentials vault's metadata: which login, at which operator, for which clients and domains.

The secret itself (and a login's 2FA seed) is never here: it lives in the operating system's keyring under service
``hartdesk:<register id>``, user name ``credential:<id>`` (DESIGN.md, "Credentials vault"). Ids are never reused
(AUTOINCREMENT), so a keyring entry left behind by a deleted login can never be taken for a new one's.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Column, Date, ForeignKey, Integer, String, Table, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hartdesk.models.base import Base, intpk, timestamp
from hartdesk.models.clients import CASCADE, Client
from hartdesk.models.operators import Operator
from hartdesk.models.services import Service

credential_clients = Table(
    "credential_clients",
    Base.metadata,
    Column("credential_id", ForeignKey("credentials.id", ondelete=CASCADE), primary_key=True),
    Column("client_id", ForeignKey("clients.id", ondelete=CASCADE), primary_key=True, index=True),
)

# The domains (or other services) a login manages, e.g. the registrar account holding a client's domain.
credential_services = Table(
    "credential_services",
    Base.metadata,
    Column("credential_id", ForeignKey("credentials.id", ondelete=CASCADE), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete=CASCADE), primary_key=True, index=True),
)


class Credential(Base):
    __tablename__ = "credentials"
    __table_args__ = (
        UniqueConstraint("operator_id", "account_name"),
        {"sqlite_autoincrement": True},
    )

    id: Mapped[intpk]
    # Deleting an operator that still has logins in the vault is refused (RESTRICT): the secrets would be orphaned.
    operator_id: Mapped[int] = mapped_column(ForeignKey("operators.id", ondelete="RESTRICT"), index=True)
    account_name: Mapped[str] = mapped_column(String(200))
    login_url: Mapped[str] = mapped_column(String(500), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    has_otp: Mapped[bool] = mapped_column(Boolean, default=False)  # a 2FA seed is kept in the keyring too
    rotated_on: Mapped[date] = mapped_column(Date)  # when the secret was last set
    rotate_every_days: Mapped[int | None] = mapped_column(Integer)  # the rotation reminder; None: no reminder
    created_by: Mapped[str] = mapped_column(String(80))
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    operator: Mapped[Operator] = relationship()
    clients: Mapped[list[Client]] = relationship(secondary=credential_clients, order_by="Client.ref")
    services: Mapped[list[Service]] = relationship(secondary=credential_services, order_by="Service.identifier")
