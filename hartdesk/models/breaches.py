"""Personal data breaches (UK GDPR Art. 33, 34): the register every breach goes into, reported or not, with what it
touched (clients, services, operators) and every step taken since the agency became aware of it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp
from hartdesk.models.clients import CASCADE, Client
from hartdesk.models.enums import BreachDecision, BreachRisk, value_enum
from hartdesk.models.operators import Operator
from hartdesk.models.services import Service

breach_clients = Table(
    "breach_clients",
    Base.metadata,
    Column("breach_id", ForeignKey("breaches.id", ondelete=CASCADE), primary_key=True),
    Column("client_id", ForeignKey("clients.id", ondelete=CASCADE), primary_key=True, index=True),
)
breach_services = Table(
    "breach_services",
    Base.metadata,
    Column("breach_id", ForeignKey("breaches.id", ondelete=CASCADE), primary_key=True),
    Column("service_id", ForeignKey("services.id", ondelete=CASCADE), primary_key=True, index=True),
)
breach_operators = Table(
    "breach_operators",
    Base.metadata,
    Column("breach_id", ForeignKey("breaches.id", ondelete=CASCADE), primary_key=True),
    Column("operator_id", ForeignKey("operators.id", ondelete=CASCADE), primary_key=True, index=True),
)


class Breach(Base):
    __tablename__ = "breaches"

    id: Mapped[intpk]
    ref: Mapped[str] = mapped_column(String(16), unique=True)  # B-2026-0003
    summary: Mapped[str] = mapped_column(String(300))
    details: Mapped[str] = mapped_column(Text, default="")  # what happened
    occurred_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when it happened, where known
    occurred_note: Mapped[str] = mapped_column(String(300), default="")  # e.g. "some time over the weekend"
    # The 72 hours run from here (Art. 33(1)): when the agency became aware of it.
    aware_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    categories: Mapped[str] = mapped_column(Text, default="[]")  # JSON: names of the data categories involved
    people_count: Mapped[int | None] = mapped_column(Integer)  # approximate; computed, then edited
    records_count: Mapped[int | None] = mapped_column(Integer)
    consequences: Mapped[str] = mapped_column(Text, default="")
    measures_taken: Mapped[str] = mapped_column(Text, default="")
    measures_proposed: Mapped[str] = mapped_column(Text, default="")
    risk: Mapped[BreachRisk | None] = mapped_column(value_enum(BreachRisk, 12))
    decision: Mapped[BreachDecision | None] = mapped_column(value_enum(BreachDecision, 20))
    decision_reason: Mapped[str] = mapped_column(Text, default="")
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    decided_by: Mapped[str] = mapped_column(String(80), default="")
    ico_notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    ico_reference: Mapped[str] = mapped_column(String(60), default="")
    late_reason: Mapped[str] = mapped_column(Text, default="")  # why the ICO heard after 72 hours
    people_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    people_told_how: Mapped[str] = mapped_column(Text, default="")  # or why they were not told
    controllers_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    created_by: Mapped[str80]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    clients: Mapped[list[Client]] = relationship(secondary=breach_clients, order_by="Client.ref")
    services: Mapped[list[Service]] = relationship(secondary=breach_services, order_by="Service.identifier")
    operators: Mapped[list[Operator]] = relationship(secondary=breach_operators, order_by="Operator.name")
    events: Mapped[list[BreachEvent]] = relationship(
        back_populates="breach", cascade="all, delete-orphan", order_by="(BreachEvent.at, BreachEvent.id)"
    )


class BreachEvent(Base):
    """One step on a breach's timeline: logged, assessed, decided, notified, a phased update, a letter sent."""

    __tablename__ = "breach_events"

    id: Mapped[intpk]
    breach_id: Mapped[int] = mapped_column(ForeignKey("breaches.id", ondelete=CASCADE), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(30))
    summary: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str80]

    breach: Mapped[Breach] = relationship(back_populates="events")
