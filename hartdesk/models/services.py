"""What clients buy (services, with the operators involved) and what they were billed (invoices)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Column, Date, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hartdesk.models.base import Base, timestamp
from hartdesk.models.clients import CASCADE, Address, Client
from hartdesk.models.enums import InvoiceStatus, ServiceKind, ServiceStatus, value_enum
from hartdesk.models.operators import Operator

# Deleting an operator still linked to a service is refused by the database itself (RESTRICT).
service_operators = Table(
    "service_operators",
    Base.metadata,
    Column("service_id", ForeignKey("services.id", ondelete=CASCADE), primary_key=True),
    Column("operator_id", ForeignKey("operators.id", ondelete="RESTRICT"), primary_key=True, index=True),
)


class Service(Base):
    __tablename__ = "services"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete=CASCADE), index=True)
    kind: Mapped[ServiceKind] = mapped_column(value_enum(ServiceKind), index=True)
    identifier: Mapped[str] = mapped_column(String(253), index=True)  # a domain name or a plan's name
    plan: Mapped[str] = mapped_column(String(120), default="")
    status: Mapped[ServiceStatus] = mapped_column(value_enum(ServiceStatus, 20))
    start_date: Mapped[date | None] = mapped_column(Date)
    renewal_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    # Domain registrations: the registrant (legal owner) of the domain, which may differ from the client.
    registrant_name: Mapped[str] = mapped_column(String(200), default="")
    registrant_organisation: Mapped[str] = mapped_column(String(200), default="")
    registrant_email: Mapped[str] = mapped_column(String(320), default="")
    registrant_phone: Mapped[str] = mapped_column(String(40), default="")
    registrant_address_id: Mapped[int | None] = mapped_column(ForeignKey("addresses.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[timestamp]

    client: Mapped[Client] = relationship()
    registrant_address: Mapped[Address | None] = relationship()
    operators: Mapped[list[Operator]] = relationship(secondary=service_operators, order_by="Operator.name")

    @property
    def has_registrant(self) -> bool:
        return bool(self.registrant_name or self.registrant_organisation or self.registrant_email)


class Invoice(Base):
    """An invoice as issued: the name and address printed on it are kept for tax retention."""

    __tablename__ = "invoices"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="RESTRICT"), index=True)
    number: Mapped[str] = mapped_column(String(40), unique=True)
    issued_on: Mapped[date] = mapped_column(Date)
    amount_pence: Mapped[int] = mapped_column(Integer)
    status: Mapped[InvoiceStatus] = mapped_column(value_enum(InvoiceStatus, 12))
    billed_name: Mapped[str] = mapped_column(String(200))
    billed_address: Mapped[str] = mapped_column(Text, default="")
    # Set when the client is erased: the invoice is kept (tax records) only until this date, then the retention
    # review deletes it. Invoices of clients not erased go at the date computed from the settings.
    delete_on: Mapped[date | None] = mapped_column(Date, index=True)

    client: Mapped[Client] = relationship()
