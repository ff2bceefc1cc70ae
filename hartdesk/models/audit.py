"""The append-only audit log. Each row carries the hash of the previous row, so an edit anywhere breaks the chain."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from hartdesk.models.base import Base, intpk, str80, timestamp


class AuditEntry(Base):
    __tablename__ = "audit_log"

    id: Mapped[intpk]
    at: Mapped[timestamp] = mapped_column(index=True)
    actor: Mapped[str80] = mapped_column(index=True)
    action: Mapped[str80] = mapped_column(index=True)
    target: Mapped[str] = mapped_column(String(200), default="", index=True)
    details: Mapped[str] = mapped_column(Text, default="{}")
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
