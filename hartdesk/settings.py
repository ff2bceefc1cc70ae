"""Every register-wide setting, declared once with its type, default and label.

Values live in the register's ``settings`` table as JSON; :func:`load` and :func:`save` are the only readers and
writers. Later issues add their settings here.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, fields, replace
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

BANK_HOLIDAY_REGIONS = {
    "ENG": "England",
    "WLS": "Wales",
    "SCT": "Scotland",
    "NIR": "Northern Ireland",
}
PAGE_SIZES = {"A4": "A4", "Letter": "US Letter"}
DEFAULT_SECURITY_MEASURES = "\n".join(
    (
        "Encryption: the client register is encrypted at rest (SQLCipher, AES-256); backups are encrypted with their "
        "own password; documents sent by email are protected with AES-256 and a password given by phone.",
        "Access control: named staff accounts only, each with its own password; two-step sign-in (TOTP) for "
        "administrators and for revealing any credential; the register locks itself after 5 minutes idle.",
        "Credentials: logins to registrars and operators are kept in the operating system's keyring, never in "
        "documents or spreadsheets; every reveal is recorded.",
        "Logging: an append-only, hash-chained audit log of sign-ins, changes, exports and erasures, checked by "
        "'hartdesk verify'.",
        "Backups and restore: an encrypted backup each time the register closes, the newest 10 kept; restores are "
        "tested.",
        "Testing: software updates are tested before use; the register's integrity is checked regularly.",
        "Physical security: workstations in a locked office, screens locked when unattended, disks encrypted.",
        "Staff: everyone with access is bound by confidentiality and trained in data protection.",
    )
)
REQUEST_PERIODS = {"calendar-month": "One calendar month", "28-days": "28 days"}
ICO_NUMBER_PATTERN = re.compile(r"^Z(\d{7}|[A-Z]\d{6})$")


def _setting(default: Any, label: str) -> Any:
    return field(default=default, metadata={"label": label})


@dataclass(frozen=True)
class Settings:
    agency_name: str = _setting("", "Agency name")
    agency_address: str = _setting("", "Postal address")
    agency_email: str = _setting("", "Contact email")
    agency_ico_number: str = _setting("", "ICO registration number")
    bank_holiday_region: str = _setting("ENG", "Bank holidays")
    idle_lock_minutes: int = _setting(5, "Lock after idle minutes")
    require_totp_for_all: bool = _setting(False, "Require a TOTP code from every account")
    step_up_minutes: int = _setting(5, "A TOTP code stays valid for (minutes)")
    # SPEC.md §3: invoices are kept this many years after the end of the financial year they were issued in.
    invoice_retention_years: int = _setting(6, "Keep invoices for (years after the financial year)")
    financial_year_end: str = _setting("03-31", "Financial year ends on (MM-DD)")
    privacy_policy_version: str = _setting("", "Current privacy policy version")
    terms_version: str = _setting("", "Current terms of service version")
    # SPEC.md §1: the ICO accepts one calendar month (the default) or a fixed 28 days.
    request_period: str = _setting("calendar-month", "Count a request's time limit as")
    # Documents (issue 5).
    agency_phone: str = _setting("", "Contact phone")
    agency_contact_name: str = _setting("", "Person who signs for the agency")
    agency_contact_position: str = _setting("", "Their position")
    agency_logo: str = _setting("", "Logo (PNG or JPEG file)")
    page_size: str = _setting("A4", "Paper size")
    # SPEC.md §2: the ICO's contact details change (head office moving to Manchester in autumn 2026): a setting.
    ico_contact: str = _setting(
        "Information Commissioner's Office\nHelpline: 0303 123 1113\nOnline: ico.org.uk/make-a-complaint",
        "How to complain to the ICO",
    )
    dpa_version: str = _setting("1.0", "Data processing agreement version")
    # SPEC.md §4(d): advance notice of a new sub-processor.
    subprocessor_notice_days: int = _setting(30, "Notice of a new sub-processor (days)")
    security_measures: str = _setting(DEFAULT_SECURITY_MEASURES, "Security measures (Annex III)")
    wording_folder: str = _setting("", "Folder with the agency's own wording (empty: hartdesk's)")
    smtp_host: str = _setting("", "SMTP server")
    smtp_port: int = _setting(587, "SMTP port")
    smtp_username: str = _setting("", "SMTP user name")
    smtp_sender: str = _setting("", "Send emails from")
    smtp_starttls: bool = _setting(True, "Use STARTTLS")
    smtp_timeout_seconds: int = _setting(20, "SMTP time-out (seconds)")
    # Retention (issue 7, SPEC.md §3): what the retention review offers to delete, and when.
    closed_client_retention_months: int = _setting(24, "Erase closed clients after (months)")
    request_file_retention_months: int = _setting(24, "Delete closed request files after (months)")
    # The rolling automatic backups are deleted once this old, so erased data is gone from them too.
    backup_keep_days: int = _setting(30, "Delete automatic backups after (days)")

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


_DEFAULTS = Settings()


def label(name: str) -> str:
    return next(f.metadata["label"] for f in fields(Settings) if f.name == name)


def ico_number_looks_valid(number: str) -> bool:
    """SPEC.md §7: a warning only, never a hard error."""
    return bool(ICO_NUMBER_PATTERN.match(number.strip().upper()))


def validate(settings: Settings) -> list[str]:
    """Problems that make the settings unusable (each a sentence for the clerk)."""
    problems = []
    if settings.bank_holiday_region not in BANK_HOLIDAY_REGIONS:
        problems.append("Choose England, Wales, Scotland or Northern Ireland for bank holidays.")
    if not 1 <= settings.idle_lock_minutes <= 240:
        problems.append("The idle lock must be between 1 and 240 minutes.")
    if not 1 <= settings.step_up_minutes <= 60:
        problems.append("A TOTP code can stay valid for 1 to 60 minutes.")
    if not 1 <= settings.invoice_retention_years <= 20:
        problems.append("Invoices can be kept for 1 to 20 years.")
    if settings.page_size not in PAGE_SIZES:
        problems.append("Choose A4 or US Letter paper.")
    if not 1 <= settings.subprocessor_notice_days <= 365:
        problems.append("Notice of a new sub-processor can be 1 to 365 days.")
    if not 1 <= settings.smtp_port <= 65535:
        problems.append("The SMTP port is a number from 1 to 65535.")
    if not 1 <= settings.smtp_timeout_seconds <= 300:
        problems.append("The SMTP time-out can be 1 to 300 seconds.")
    if settings.request_period not in REQUEST_PERIODS:
        problems.append("Count a request's time limit as one calendar month or 28 days.")
    if not 1 <= settings.closed_client_retention_months <= 240:
        problems.append("Closed clients can be kept for 1 to 240 months.")
    if not 1 <= settings.request_file_retention_months <= 240:
        problems.append("Closed request files can be kept for 1 to 240 months.")
    if not 1 <= settings.backup_keep_days <= 3650:
        problems.append("Automatic backups can be kept for 1 to 3650 days.")
    if financial_year_end(settings) is None:
        problems.append("Write the end of the financial year as month-day, for example 03-31.")
    return problems


def missing_for_documents(settings: Settings) -> list[str]:
    """The agency details a document cannot go out without, as the labels a clerk sees in Settings."""
    needed = ("agency_name", "agency_address", "agency_email", "agency_ico_number")
    return [label(name) for name in needed if not str(getattr(settings, name)).strip()]


def financial_year_end(settings: Settings) -> tuple[int, int] | None:
    """(month, day) of the financial year end, or None when the setting is not a real date (29 February is not)."""
    match = re.fullmatch(r"(\d{2})-(\d{2})", settings.financial_year_end.strip())
    if not match:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2023, month, day)
    except ValueError:
        return None
    return month, day


def load(session: Session) -> Settings:
    from hartdesk.models import SettingRow

    stored = {row.key: row.value for row in session.query(SettingRow)}
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name in stored:
            try:
                values[f.name] = type(getattr(_DEFAULTS, f.name))(json.loads(stored[f.name]))
            except (ValueError, TypeError):
                continue  # an unreadable value falls back to the default
    return Settings(**values)


def save(session: Session, settings: Settings) -> list[str]:
    """Store every setting that differs from what is stored; return the names that changed."""
    from hartdesk.models import SettingRow

    current = load(session)
    changed = []
    for f in fields(Settings):
        new = getattr(settings, f.name)
        if getattr(current, f.name) != new:
            session.merge(SettingRow(key=f.name, value=json.dumps(new)))
            changed.append(f.name)
    return changed
