"""When a privacy request must be answered, and why: every rule of SPEC.md §1 in pure functions (no database).

The rules, in the order :func:`compute` applies them:

1. The clock starts on the latest of the day the request arrived, the day identity evidence that was asked for
   arrived and the day a fee that was asked for was paid. That day is day 1, even on a weekend or bank holiday.
2. The request is due on the same date one calendar month later, or the month's last day when that date does not
   exist (31 January -> 28 or 29 February); three months when the time was extended; 28 days when the agency chose
   the fixed period.
3. A due date on a weekend or bank holiday (``holidays``, country GB, always with the region's ``subdiv``; observed
   substitute days count) moves to the next working day.
4. Days the clock was stopped for clarification are added (:func:`paused_days`), and a date that lands on a
   non-working day moves to the next working day again.

A complaint (DPA 2018 s.164A) is different: it must be acknowledged within 30 days of receipt.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import lru_cache

import holidays
from dateutil.relativedelta import relativedelta

from hartdesk.dates import format_short_date
from hartdesk.models.enums import RequestType

REGIONS = ("ENG", "WLS", "SCT", "NIR")
COMPLAINT_ACKNOWLEDGE_DAYS = 30
EXTENDED_MONTHS = 3


class Period(enum.StrEnum):
    """The two ways the ICO accepts to count the time limit (a register setting)."""

    CALENDAR_MONTH = "calendar-month"
    DAYS_28 = "28-days"


class DeadlineError(ValueError):
    """A clock that cannot be computed (an unknown region, an answer before the question...)."""


@dataclass(frozen=True)
class Pause:
    """The clock stopped on ``asked`` (clarification asked for) until ``answered`` (None while still waiting)."""

    asked: date
    answered: date | None = None


@dataclass(frozen=True)
class Clock:
    """Everything that decides a request's due date."""

    received: date
    kind: RequestType = RequestType.ACCESS
    region: str = "ENG"
    period: Period = Period.CALENDAR_MONTH
    identity_asked: date | None = None
    identity_received: date | None = None
    fee_asked: date | None = None
    fee_paid: date | None = None
    pauses: tuple[Pause, ...] = ()
    extended_on: date | None = None
    acknowledged_on: date | None = None  # complaints only


@dataclass(frozen=True)
class Deadline:
    """The due date (None while the clock has not started or is stopped) and the steps that produced it."""

    due: date | None
    steps: tuple[str, ...]
    start: date | None = None
    # The one-month due date (with any paused days): an extension must be given by then.
    month_due: date | None = None
    waiting_for: str = ""  # "identity evidence", "the fee", "clarification"
    extended: bool = False

    @property
    def explanation(self) -> str:
        return "; ".join(self.steps)


# --- working days -----------------------------------------------------------------------------------------------


@lru_cache(maxsize=64)
def _holidays(region: str, year: int) -> dict[date, str]:
    if region not in REGIONS:
        raise DeadlineError(f"Unknown bank-holiday region {region!r}: use one of {', '.join(REGIONS)}.")
    # Always with subdiv: GB without it lacks Easter Monday and the August bank holiday.
    return dict(holidays.country_holidays("GB", subdiv=region, years=year).items())


def holiday_name(day: date, region: str) -> str | None:
    return _holidays(region, day.year).get(day)


def is_working_day(day: date, region: str) -> bool:
    return day.weekday() < 5 and holiday_name(day, region) is None


def _why_not_working(day: date, region: str) -> str:
    name = holiday_name(day, region)
    if name:
        return f"{format_short_date(day, weekday=True)} is {name}"
    return f"{format_short_date(day, weekday=True)} is a weekend"


def roll_forward(day: date, region: str) -> tuple[date, str | None]:
    """The first working day on or after ``day``, and why it moved (None when it did not)."""
    skipped = []
    while not is_working_day(day, region):
        skipped.append(_why_not_working(day, region))
        day += timedelta(days=1)
    if not skipped:
        return day, None
    return day, f"{', '.join(skipped)}, so the next working day: {format_short_date(day, weekday=True)}"


def roll_back(day: date, region: str) -> tuple[date, str | None]:
    """The last working day on or before ``day``, and why it moved."""
    skipped = []
    while not is_working_day(day, region):
        skipped.append(_why_not_working(day, region))
        day -= timedelta(days=1)
    if not skipped:
        return day, None
    return day, f"{', '.join(skipped)}, so the working day before: {format_short_date(day, weekday=True)}"


def working_days_left(today: date, due: date, region: str) -> int:
    """Working days from ``today`` (exclusive) to ``due`` (inclusive); 0 when due today; negative when overdue."""
    if due >= today:
        return sum(is_working_day(today + timedelta(days=n), region) for n in range(1, (due - today).days + 1))
    # Overdue: count the working days since the due date (at least 1 so "overdue" never reads as "due today").
    return -max(1, sum(is_working_day(due + timedelta(days=n), region) for n in range(1, (today - due).days + 1)))


# --- the rules --------------------------------------------------------------------------------------------------


def start_date(clock: Clock) -> tuple[date | None, list[str], str]:
    """Rule 1: the latest of received, identity evidence received and fee paid (SPEC.md §1 "relevant time").

    Returns the start (None while evidence or a fee asked for has not arrived), the steps and what is awaited.
    """
    steps = [f"received {format_short_date(clock.received, weekday=True)} (day 1)"]
    start = clock.received
    if clock.identity_asked is not None and clock.identity_received is None:
        steps.append(f"identity evidence asked for on {format_short_date(clock.identity_asked)}: not started yet")
        return None, steps, "identity evidence"
    if clock.fee_asked is not None and clock.fee_paid is None:
        steps.append(f"fee asked for on {format_short_date(clock.fee_asked)}: not started yet")
        return None, steps, "the fee"
    if clock.identity_received is not None and clock.identity_received > start:
        start = clock.identity_received
        steps.append(f"identity evidence arrived {format_short_date(start)}, so day 1 is then")
    if clock.fee_paid is not None and clock.fee_paid > start:
        start = clock.fee_paid
        steps.append(f"fee paid {format_short_date(start)}, so day 1 is then")
    return start, steps, ""


def period_end(start: date, months: int, period: Period) -> tuple[date, str]:
    """Rule 2: the same date ``months`` later, clamped to the month's end; or 28 days for the fixed period."""
    if period is Period.DAYS_28 and months == 1:
        end = start + timedelta(days=28)
        return end, f"28 days: {format_short_date(end)}"
    end = start + relativedelta(months=months)  # relativedelta clamps 31 Jan + 1 month to 28/29 Feb
    span = "one calendar month" if months == 1 else f"{months} calendar months"
    if end.day != start.day:
        return end, f"{span}: {format_short_date(end)} is the month's last day"
    return end, f"{span}: {format_short_date(end)}"


def paused_days(pause: Pause) -> int:
    """Rule 4: days that do not count while the clock is stopped for clarification.

    Source: UK GDPR Art. 12A (inserted by the Data (Use and Access) Act 2025), mirroring DPA 2018 s.54(3C): the
    period from the day clarification is asked for up to and including the day it is provided does not count. The
    exact Art. 12A text was not available (SPEC.md §1); change this one function if it reads otherwise.
    """
    if pause.answered is None:
        raise DeadlineError("The clock is still stopped.")
    return (pause.answered - pause.asked).days + 1


def _check(clock: Clock) -> None:
    if clock.region not in REGIONS:
        raise DeadlineError(f"Unknown bank-holiday region {clock.region!r}: use one of {', '.join(REGIONS)}.")
    for pause in clock.pauses:
        if pause.answered is not None and pause.answered < pause.asked:
            raise DeadlineError("Clarification cannot arrive before it was asked for.")
        if pause.asked < clock.received:
            raise DeadlineError("Clarification cannot be asked for before the request arrived.")
    for label, value in (("Identity evidence", clock.identity_received), ("The fee", clock.fee_paid)):
        if value is not None and value < clock.received:
            raise DeadlineError(f"{label} cannot arrive before the request.")


def _add_pauses(due: date, clock: Clock, steps: list[str]) -> date:
    for pause in clock.pauses:
        if pause.answered is None:
            continue
        days = paused_days(pause)
        due += timedelta(days=days)
        span = format_short_date(pause.asked)
        if pause.answered != pause.asked:
            span += f" to {format_short_date(pause.answered)}"
        plural = "s" if days != 1 else ""
        steps.append(f"clock stopped {days} day{plural} for clarification ({span}): {format_short_date(due)}")
    return due


def _due_after(start: date, months: int, clock: Clock, steps: list[str]) -> date:
    due, step = period_end(start, months, clock.period)
    steps.append(step)
    due, moved = roll_forward(due, clock.region)
    if moved:
        steps.append(moved)
    if any(p.answered is not None for p in clock.pauses):
        due = _add_pauses(due, clock, steps)
        due, moved = roll_forward(due, clock.region)
        if moved:
            steps.append(moved)
    return due


def _complaint(clock: Clock) -> Deadline:
    if clock.acknowledged_on is not None:
        done = (
            f"received {format_short_date(clock.received, weekday=True)}",
            f"acknowledged {format_short_date(clock.acknowledged_on)}",
            "no fixed date for the outcome: investigate and reply without undue delay",
        )
        return Deadline(due=None, steps=done, start=clock.received)
    # s.164A: acknowledge "within 30 days" of receipt. There is no roll-over rule for it, so a date on a weekend or
    # bank holiday moves to the working day *before*: rolling forward would answer after the 30 days.
    steps = [f"received {format_short_date(clock.received, weekday=True)}"]
    due = clock.received + timedelta(days=COMPLAINT_ACKNOWLEDGE_DAYS)
    steps.append(f"complaint: acknowledge within 30 days, by {format_short_date(due)}")
    due, moved = roll_back(due, clock.region)
    if moved:
        steps.append(moved)
    return Deadline(due=due, steps=tuple(steps), start=clock.received, month_due=None)


def compute(clock: Clock) -> Deadline:
    """The due date of a request and the steps that produced it."""
    _check(clock)
    if clock.kind is RequestType.COMPLAINT:
        return _complaint(clock)
    start, steps, waiting = start_date(clock)
    if start is None:
        return Deadline(due=None, steps=tuple(steps), waiting_for=waiting)
    open_pause = next((p for p in clock.pauses if p.answered is None), None)
    month_steps: list[str] = []
    month_due = _due_after(start, 1, clock, month_steps)
    if clock.extended_on is not None:
        ext_steps: list[str] = []
        due = _due_after(start, EXTENDED_MONTHS, clock, ext_steps)
        steps.append(f"extended on {format_short_date(clock.extended_on)} to three months from day 1")
        steps.extend(ext_steps)
    else:
        due = month_due
        steps.extend(month_steps)
    if open_pause is not None:
        steps.append(
            f"clock stopped since {format_short_date(open_pause.asked)} waiting for clarification; "
            f"the days until it arrives are added"
        )
        return Deadline(
            due=None,
            steps=tuple(steps),
            start=start,
            month_due=month_due,
            waiting_for="clarification",
            extended=clock.extended_on is not None,
        )
    return Deadline(
        due=due, steps=tuple(steps), start=start, month_due=month_due, extended=clock.extended_on is not None
    )


def extension_problem(clock: Clock, on: date) -> str | None:
    """Why an extension recorded on ``on`` is not allowed, or None when it is (SPEC.md §1 "Extension")."""
    if clock.kind is RequestType.COMPLAINT:
        return "A complaint cannot be extended: it must be acknowledged within 30 days."
    if clock.extended_on is not None:
        return f"This request was already extended on {format_short_date(clock.extended_on)}."
    # Paused days do not count for the window to give notice either (SPEC.md §1): while the clock is stopped, the
    # days of an open pause up to ``on`` are paused days, as if the answer had come that day.
    pauses = tuple(
        p if p.answered is not None else Pause(p.asked, on)
        for p in clock.pauses
        if p.answered is not None or p.asked <= on
    )
    deadline = compute(replace(clock, pauses=pauses))
    if deadline.month_due is None:
        return "The clock has not started yet, so there is nothing to extend."
    if on > deadline.month_due:
        return (
            f"Too late to extend: the person had to be told within the first month, by "
            f"{format_short_date(deadline.month_due)}."
        )
    return None
