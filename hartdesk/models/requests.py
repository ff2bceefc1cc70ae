"""Privacy requests: who asked for what, how the due date came about, what happened, and the files kept with them."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp
from hartdesk.models.enums import (
    EventKind,
    IdentityMethod,
    IdentityStatus,
    RefusalReason,
    RequestChannel,
    RequestRole,
    RequestStatus,
    RequestType,
    value_enum,
)


class PrivacyRequest(Base):
    __tablename__ = "privacy_requests"

    id: Mapped[intpk]
    ref: Mapped[str] = mapped_column(String(16), unique=True)  # R-2026-0042
    kind: Mapped[RequestType] = mapped_column(value_enum(RequestType), index=True)
    channel: Mapped[RequestChannel] = mapped_column(value_enum(RequestChannel))
    # Day 1 of the clock: the day it arrived in the agency, whatever the time.
    received_on: Mapped[date] = mapped_column(Date, index=True)
    received_at: Mapped[datetime | None] = mapped_column(UTCDateTime())  # when the time is known (email, call)
    letter_date: Mapped[date | None] = mapped_column(Date)  # the date written on a letter
    subject: Mapped[str] = mapped_column(String(300), default="")
    details: Mapped[str] = mapped_column(Text, default="")

    requester_name: Mapped[str] = mapped_column(String(200))
    requester_email: Mapped[str] = mapped_column(String(254), default="", index=True)
    requester_phone: Mapped[str] = mapped_column(String(40), default="")
    requester_address: Mapped[str] = mapped_column(Text, default="")
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    contact_id: Mapped[int | None] = mapped_column(ForeignKey("contacts.id", ondelete="SET NULL"))

    # Whose data it is: the agency's own, or a client's that the agency only processes (forwarded to that client).
    role: Mapped[RequestRole] = mapped_column(value_enum(RequestRole))
    controller_client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"))
    forwarded_on: Mapped[date | None] = mapped_column(Date)

    identity_status: Mapped[IdentityStatus] = mapped_column(value_enum(IdentityStatus))
    identity_method: Mapped[IdentityMethod | None] = mapped_column(value_enum(IdentityMethod))
    identity_evidence: Mapped[str] = mapped_column(Text, default="")  # what was seen or asked, never the document
    identity_asked_on: Mapped[date | None] = mapped_column(Date)
    identity_received_on: Mapped[date | None] = mapped_column(Date)

    fee_pence: Mapped[int | None] = mapped_column(Integer)
    fee_asked_on: Mapped[date | None] = mapped_column(Date)
    fee_paid_on: Mapped[date | None] = mapped_column(Date)

    status: Mapped[RequestStatus] = mapped_column(value_enum(RequestStatus), index=True)
    acknowledged_on: Mapped[date | None] = mapped_column(Date)
    extended_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str] = mapped_column(Text, default="")
    refusal_reason: Mapped[RefusalReason | None] = mapped_column(value_enum(RefusalReason))
    outcome: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column(Date)

    # The due date as last computed by hartdesk.privacy.deadlines, kept for lists and the dashboard.
    due_on: Mapped[date | None] = mapped_column(Date, index=True)
    due_explanation: Mapped[str] = mapped_column(Text, default="")

    created_by: Mapped[str80]
    created_at: Mapped[timestamp]
    updated_at: Mapped[timestamp]

    pauses: Mapped[list[RequestPause]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestPause.asked_on"
    )
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="(RequestEvent.on, RequestEvent.id)"
    )
    attachments: Mapped[list[Attachment]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="Attachment.id"
    )


class RequestPause(Base):
    """The clock stopped while waiting for clarification."""

    __tablename__ = "request_pauses"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id", ondelete="CASCADE"), index=True)
    asked_on: Mapped[date] = mapped_column(Date)
    answered_on: Mapped[date | None] = mapped_column(Date)

    request: Mapped[PrivacyRequest] = relationship(back_populates="pauses")


class RequestEvent(Base):
    """One dated line of a request's timeline; the due date before and after it is the history of the due date."""

    __tablename__ = "request_events"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id", ondelete="CASCADE"), index=True)
    on: Mapped[date] = mapped_column(Date)
    kind: Mapped[EventKind] = mapped_column(value_enum(EventKind))
    summary: Mapped[str] = mapped_column(Text, default="")
    by: Mapped[str80]
    recorded_at: Mapped[timestamp]
    due_before: Mapped[date | None] = mapped_column(Date)
    due_after: Mapped[date | None] = mapped_column(Date)

    request: Mapped[PrivacyRequest] = relationship(back_populates="events")


class Attachment(Base):
    """A file kept inside the encrypted register (25 MB at most, its type checked by content)."""

    __tablename__ = "attachments"

    id: Mapped[intpk]
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(200))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    # The message the request arrived in, kept as it came.
    is_original: Mapped[bool] = mapped_column(Boolean, default=False)
    content: Mapped[bytes] = deferred(mapped_column(LargeBinary))
    added_by: Mapped[str80]
    added_at: Mapped[timestamp]

    request: Mapped[PrivacyRequest | None] = relationship(back_populates="attachments")
