"""Documents hartdesk produced (data reports, DPAs, letters), how each left, and the DPAs signed and returned."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp
from hartdesk.models.enums import Delivery, DocumentKind, LetterKind, value_enum


class IssuedDocument(Base):
    """One document produced; the PDF itself is not kept (it can be made again), only its fingerprint."""

    __tablename__ = "issued_documents"

    id: Mapped[intpk]
    kind: Mapped[DocumentKind] = mapped_column(value_enum(DocumentKind), index=True)
    letter_kind: Mapped[LetterKind | None] = mapped_column(value_enum(LetterKind))
    title: Mapped[str] = mapped_column(String(300))
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id", ondelete="SET NULL"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id", ondelete="SET NULL"))
    breach_id: Mapped[int | None] = mapped_column(ForeignKey("breaches.id", ondelete="SET NULL"), index=True)
    recipient: Mapped[str] = mapped_column(String(300), default="")  # to whom (a name, never an address)
    version: Mapped[str] = mapped_column(String(20), default="")  # the DPA version
    pages: Mapped[int] = mapped_column(Integer, default=0)
    sha256: Mapped[str] = mapped_column(String(64))
    encrypted: Mapped[bool] = mapped_column(Boolean, default=False)
    created_by: Mapped[str80]
    created_at: Mapped[timestamp]
    delivery: Mapped[Delivery | None] = mapped_column(value_enum(Delivery))
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    delivered_to: Mapped[str] = mapped_column(String(254), default="")  # the email address it was sent to
    # A DPA comes back signed: the date, and the scan kept as an attachment.
    signed_on: Mapped[date | None] = mapped_column(Date)
    signed_copy_id: Mapped[int | None] = mapped_column(ForeignKey("attachments.id", ondelete="SET NULL"))
    notes: Mapped[str] = mapped_column(Text, default="")
