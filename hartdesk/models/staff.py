"""Staff accounts. The key slot in keys.json is found by user name; this row holds who they are and their TOTP."""

from __future__ import annotations

import enum
from datetime import datetime

from sqlalchemy import Boolean, Enum, String
from sqlalchemy.orm import Mapped, mapped_column

from hartdesk.models.base import Base, UTCDateTime, intpk, str80, timestamp


class Role(enum.StrEnum):
    ADMIN = "admin"
    STAFF = "staff"


class StaffMember(Base):
    __tablename__ = "staff"

    id: Mapped[intpk]
    username: Mapped[str80] = mapped_column(unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    role: Mapped[Role] = mapped_column(
        Enum(Role, values_callable=lambda e: [m.value for m in e], native_enum=False, length=20)
    )
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[timestamp]
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    # The base32 TOTP secret in use, and a new one waiting for its first code: the old one keeps working until
    # the new one is confirmed, so an abandoned enrolment never leaves an account without its second factor.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed: Mapped[bool] = mapped_column(Boolean, default=False)
    totp_pending_secret: Mapped[str | None] = mapped_column(String(64))
    # The last accepted RFC 6238 time step: only later steps are accepted (no replays).
    totp_last_step: Mapped[int | None]
