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
    if settings.request_period not in REQUEST_PERIODS:
        problems.append("Count a request's time limit as one calendar month or 28 days.")
    if financial_year_end(settings) is None:
        problems.append("Write the end of the financial year as month-day, for example 03-31.")
    return problems


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
