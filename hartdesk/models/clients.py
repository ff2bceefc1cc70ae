"""Clients and what belongs only to them: contacts (with their emails and phones), addresses, consents and the
policy versions they accepted."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp
from hartdesk.models.enums import (
    AddressKind,
    ClientKind,
    ClientStatus,
    ConsentChange,
    PointKind,
    PolicyDocument,
    value_enum,
)

CASCADE = "CASCADE"


class Counter(Base):
    """The last number handed out for a kind of reference (clients, requests...), never reused."""

    __tablename__ = "counters"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class Client(Base):
    __tablename__ = "clients"

    id: Mapped[intpk]
    ref: Mapped[str] = mapped_column(String(12), unique=True)
    kind: Mapped[ClientKind] = mapped_column(value_enum(ClientKind))
    name: Mapped[str] = mapped_column(String(200))
    trading_name: Mapped[str] = mapped_column(String(200), default="")
    # The name folded for sorting (case and accents ignored), so "Öztürk" sorts with "Ozturk".
    sort_name: Mapped[str] = mapped_column(String(200), index=True)
    status: Mapped[ClientStatus] = mapped_column(value_enum(ClientStatus), index=True)
    status_changed_on: Mapped[date] = mapped_column(Date)
    opened_on: Mapped[date] = mapped_column(Date)
    closed_on: Mapped[date | None] = mapped_column(Date)
    erased_on: Mapped[date | None] = mapped_column(Date)
    # UK GDPR Art. 18: while restricted the data is only stored, never used; the note says under which request.
    restricted_on: Mapped[date | None] = mapped_column(Date)
    restriction_note: Mapped[str] = mapped_column(String(300), default="")
    vat_number: Mapped[str] = mapped_column(String(20), default="")
    # A reference to how the client pays (e.g. "Direct Debit mandate DD-4471"); never a card number.
    payment_reference: Mapped[str] = mapped_column(String(80), default="")
    customer_centre_ref: Mapped[str | None] = mapped_column(String(40), unique=True)
    source: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    contacts: Mapped[list[Contact]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Contact.position"
    )
    addresses: Mapped[list[Address]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="Address.id"
    )
    consents: Mapped[list[ConsentEvent]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="ConsentEvent.at"
    )
    acceptances: Mapped[list[PolicyAcceptance]] = relationship(
        back_populates="client", cascade="all, delete-orphan", order_by="PolicyAcceptance.accepted_at"
    )


class Contact(Base):
    __tablename__ = "contacts"

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete=CASCADE), index=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(80), default="")
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)
    position: Mapped[int] = mapped_column(Integer, default=0)

    client: Mapped[Client] = relationship(back_populates="contacts")
    points: Mapped[list[ContactPoint]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", order_by="ContactPoint.id"
    )


class ContactPoint(Base):
    """One email address or phone number of a contact. Phones are stored in E.164 (+442079460018)."""

    __tablename__ = "contact_points"

    id: Mapped[intpk]
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete=CASCADE), index=True)
    kind: Mapped[PointKind] = mapped_column(value_enum(PointKind, 10))
    value: Mapped[str] = mapped_column(String(320), index=True)
    label: Mapped[str] = mapped_column(String(30), default="")

    contact: Mapped[Contact] = relationship(back_populates="points")


class Address(Base):
    __tablename__ = "addresses"

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete=CASCADE), index=True)
    kind: Mapped[AddressKind] = mapped_column(value_enum(AddressKind, 20))
    line1: Mapped[str] = mapped_column(String(200))
    line2: Mapped[str] = mapped_column(String(200), default="")
    line3: Mapped[str] = mapped_column(String(200), default="")
    town: Mapped[str] = mapped_column(String(100), default="")
    county: Mapped[str] = mapped_column(String(100), default="")
    postcode: Mapped[str] = mapped_column(String(16), default="")
    country: Mapped[str] = mapped_column(String(2), default="GB")  # ISO 3166-1 alpha-2

    client: Mapped[Client] = relationship(back_populates="addresses")


class ConsentEvent(Base):
    """One dated change of a consent. Without any event, marketing consent is "none"."""

    __tablename__ = "consent_events"

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete=CASCADE), index=True)
    purpose: Mapped[str] = mapped_column(String(40), default="marketing")
    change: Mapped[ConsentChange] = mapped_column(value_enum(ConsentChange, 12))
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(120))  # how it was given or withdrawn
    recorded_by: Mapped[str80]
    note: Mapped[str] = mapped_column(Text, default="")

    client: Mapped[Client] = relationship(back_populates="consents")


class PolicyAcceptance(Base):
    """The privacy-policy or terms version a client accepted, and when."""

    __tablename__ = "policy_acceptances"

    id: Mapped[intpk]
    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete=CASCADE), index=True)
    document: Mapped[PolicyDocument] = mapped_column(value_enum(PolicyDocument, 20))
    version: Mapped[str] = mapped_column(String(40))
    accepted_at: Mapped[datetime] = mapped_column(UTCDateTime())
    method: Mapped[str] = mapped_column(String(120), default="")

    client: Mapped[Client] = relationship(back_populates="acceptances")
