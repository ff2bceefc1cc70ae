"""The credentials handover: the logins for a leaving client's domains, for their new provider.

The document holds secrets, so it is only ever handed out encrypted (AES-256, a password shown once; see
:mod:`hartdesk.security.vault`). The renderer takes a :class:`Handover` and never reads the register or the keyring.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from hartdesk.documents.letter import Letterhead


@dataclass(frozen=True)
class HandoverEntry:
    operator: str  # e.g. "Gandi SAS"
    operator_role: str  # e.g. "Domain registrar"
    account_name: str
    login_url: str
    secret: str  # the password, exactly as kept (may hold any character, up to 1000 of them)
    otp_key: str  # the login's 2FA key as an otpauth:// address (digits, hash, period included), or ""
    domains: tuple[str, ...]  # the client's domains and services this login manages
    notes: str
    rotated_on: date


@dataclass(frozen=True)
class Handover:
    letterhead: Letterhead
    pagesize: tuple[float, float]
    client_ref: str
    client_name: str
    new_provider: str  # who receives it, as the clerk typed it; may be ""
    prepared_by: str  # the staff member's display name
    produced_at: datetime  # aware
    entries: tuple[HandoverEntry, ...]


def build_handover_pdf(doc: Handover) -> bytes:
    """The handover as an unencrypted PDF (the caller encrypts it before it leaves memory)."""
    raise NotImplementedError
