"""Dates as people in the agency write them, the same whatever locale the process runs in."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def format_uk_date(value: date | datetime) -> str:
    """21 November 2026."""
    return f"{value.day} {MONTHS[value.month - 1]} {value.year}"


WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


def format_short_date(value: date | datetime, weekday: bool = False) -> str:
    """27 Dec 2024, or Fri 27 Dec 2024 with the weekday."""
    text = f"{value.day} {MONTHS[value.month - 1][:3]} {value.year}"
    return f"{WEEKDAYS[value.weekday()][:3]} {text}" if weekday else text


UK = ZoneInfo("Europe/London")


def uk_date(moment: datetime) -> date:
    """The date in the UK at an aware moment (a request arriving at 00:30 BST on the 1st arrived on the 1st)."""
    return moment.astimezone(UK).date()


def uk_time(moment: datetime, *, weekday: bool = True, zone: bool = True) -> str:
    """Tue 30 Mar 2027 11:00 BST: an aware moment in UK time, with its zone so a time across a clock change is
    clear (``weekday``/``zone`` False: 30 Mar 2027 11:00, for a list whose tooltip gives the rest)."""
    local = moment.astimezone(UK)
    text = f"{format_short_date(local, weekday)} {local:%H:%M}"
    return f"{text} {local.tzname()}" if zone else text


def uk_today() -> date:
    return datetime.now(UK).date()
