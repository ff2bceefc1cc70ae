"""Dates as people in the agency write them, the same whatever locale the process runs in."""

from __future__ import annotations

from datetime import date, datetime

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
