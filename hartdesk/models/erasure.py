"""Erasures done, the Art. 19 notices they (and rectifications and restrictions) call for, keyring entries still to
be deleted, and the keys that seal personal values in the audit log.

Nothing here holds the erased data: an erasure keeps what was done in plain words ("3 email addresses"), never the
values themselves.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp
from hartdesk.models.enums import Delivery, value_enum


class Erasure(Base):
    """One erasure carried out, for a request or by the retention review: the proof, without the data."""

    __tablename__ = "erasures"

    id: Mapped[intpk]
    client_id: Mapped[int | None] = mapped_column(ForeignKey("clients.id", ondelete="SET NULL"), index=True)
    client_ref: Mapped[str] = mapped_column(String(12))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("privacy_requests.id", ondelete="SET NULL"), index=True)
    scope: Mapped[str] = mapped_column(String(20))  # "client" or "contact"
    reason: Mapped[str] = mapped_column(String(20))  # "request" or "retention"
    done_on: Mapped[date] = mapped_column(Date)
    done_by: Mapped[str80]
    done_at: Mapped[timestamp]
    # JSON: the plan's lines in plain words (never the values), as the confirmation letter quotes them.
    erased: Mapped[str] = mapped_column(Text, default="[]")
    kept: Mapped[str] = mapped_column(Text, default="[]")
    backup_days: Mapped[int] = mapped_column(Integer, default=0)


class RecipientNotice(Base):
    """UK GDPR Art. 19: an operator that received the data must be told of a rectification, erasure or
    restriction. One row per operator per request, due from ``due_on``, sent when ``sent_on`` is set."""

    __tablename__ = "recipient_notices"

    id: Mapped[intpk]
    request_id: Mapped[int] = mapped_column(ForeignKey("privacy_requests.id", ondelete="CASCADE"), index=True)
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("operators.id", ondelete="SET NULL"), index=True)
    operator_name: Mapped[str] = mapped_column(String(120))
    data_concerned: Mapped[str] = mapped_column(Text, default="[]")  # JSON list of category names
    due_on: Mapped[date] = mapped_column(Date)
    document_id: Mapped[int | None] = mapped_column(ForeignKey("issued_documents.id", ondelete="SET NULL"))
    sent_on: Mapped[date | None] = mapped_column(Date)
    sent_how: Mapped[Delivery | None] = mapped_column(value_enum(Delivery))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PendingKeyringDeletion(Base):
    """A keyring entry to delete once the transaction that dropped its login has committed. The keyring cannot
    take part in the register's transaction, so the deletion is queued inside it and carried out after, and again
    at the next sign-in if hartdesk stopped in between."""

    __tablename__ = "pending_keyring_deletions"

    entry_name: Mapped[str] = mapped_column(String(80), primary_key=True)
    queued_at: Mapped[timestamp]


class SealKey(Base):
    """A random key per client that seals the before/after values a rectification writes to the audit log.
    Erasing the client deletes the key, so those values can never be read again while the chain stays whole."""

    __tablename__ = "seal_keys"

    client_id: Mapped[int] = mapped_column(ForeignKey("clients.id", ondelete="CASCADE"), primary_key=True)
    key: Mapped[bytes] = mapped_column(LargeBinary)
