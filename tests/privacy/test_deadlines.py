"""The statutory deadline engine against SPEC.md §1.

Every expected date below was worked out by hand from a calendar and the ``holidays`` package's GB lists (country GB
with the region's subdiv), never with the engine's own helpers. Weekdays are written beside the dates as a check.
"""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from functools import cache

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hartdesk.models.enums import RequestType
from hartdesk.privacy.deadlines import (
    Clock,
    DeadlineError,
    Pause,
    Period,
    compute,
    extension_problem,
    working_days_left,
)

D = date
REGIONS = ("ENG", "WLS", "SCT", "NIR")


def due(received: date, region: str = "ENG", **fields: object) -> date | None:
    return compute(Clock(received=received, region=region, **fields)).due  # type: ignore[arg-type]


# --- the ICO's worked examples and February ---------------------------------------------------------------------


def test_ico_example_received_1_january_due_1_february() -> None:
    # Thu 1 Feb 2024 is a working day in every region (1 Jan 2024, the day of receipt, is itself a bank holiday).
    for region in REGIONS:
        deadline = compute(Clock(received=D(2024, 1, 1), region=region))
        assert deadline.due == D(2024, 2, 1)
        assert deadline.start == D(2024, 1, 1)
        assert deadline.waiting_for == ""


def test_ico_example_25_november_2024_due_friday_27_december() -> None:
    deadline = compute(Clock(received=D(2024, 11, 25)))  # Mon
    assert deadline.due == D(2024, 12, 27)  # Wed 25 Christmas Day, Thu 26 Boxing Day -> Fri 27
    assert "Christmas Day" in deadline.explanation and "Boxing Day" in deadline.explanation


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (D(2024, 1, 31), D(2024, 2, 29)),  # leap year: Thu 29 Feb 2024
        (D(2026, 1, 31), D(2026, 3, 2)),  # Sat 28 Feb 2026, Sun 1 Mar -> Mon 2 Mar
        (D(2027, 1, 31), D(2027, 3, 1)),  # Sun 28 Feb 2027 -> Mon 1 Mar
        (D(2028, 1, 31), D(2028, 2, 29)),  # leap year: Tue 29 Feb 2028
        (D(2024, 1, 29), D(2024, 2, 29)),  # 29 Feb exists in 2024: no clamping
        (D(2024, 1, 30), D(2024, 2, 29)),
    ],
)
def test_31_january_is_due_on_the_last_day_of_february(received: date, expected: date) -> None:
    assert due(received) == expected


# --- the 30th and 31st of every month of 2026 (ENG) -------------------------------------------------------------

MONTH_ENDS_2026 = [
    (D(2026, 1, 28), D(2026, 3, 2)),  # Sat 28 Feb (no clamp) -> Mon 2 Mar
    (D(2026, 1, 29), D(2026, 3, 2)),  # clamp to Sat 28 Feb -> Mon 2 Mar
    (D(2026, 1, 30), D(2026, 3, 2)),  # clamp to Sat 28 Feb -> Mon 2 Mar
    (D(2026, 1, 31), D(2026, 3, 2)),  # clamp to Sat 28 Feb -> Mon 2 Mar
    (D(2026, 2, 28), D(2026, 3, 30)),  # Sat 28 Mar -> Mon 30 Mar
    (D(2026, 3, 3), D(2026, 4, 7)),  # Good Friday 3 Apr, Sat, Sun, Easter Monday 6 Apr -> Tue 7 Apr
    (D(2026, 3, 30), D(2026, 4, 30)),  # Thu 30 Apr
    (D(2026, 3, 31), D(2026, 4, 30)),  # clamp to Thu 30 Apr
    (D(2026, 4, 4), D(2026, 5, 5)),  # received on a Saturday; Mon 4 May is May Day -> Tue 5 May
    (D(2026, 4, 25), D(2026, 5, 26)),  # Mon 25 May Spring Bank Holiday -> Tue 26 May
    (D(2026, 4, 30), D(2026, 6, 1)),  # Sat 30 May, Sun 31 -> Mon 1 Jun
    (D(2026, 5, 30), D(2026, 6, 30)),  # Tue 30 Jun
    (D(2026, 5, 31), D(2026, 6, 30)),  # clamp to Tue 30 Jun
    (D(2026, 6, 30), D(2026, 7, 30)),  # Thu 30 Jul
    (D(2026, 7, 30), D(2026, 9, 1)),  # Sun 30 Aug, Mon 31 Aug Late Summer Bank Holiday -> Tue 1 Sep
    (D(2026, 7, 31), D(2026, 9, 1)),  # Mon 31 Aug Late Summer Bank Holiday -> Tue 1 Sep
    (D(2026, 8, 30), D(2026, 9, 30)),  # Wed 30 Sep
    (D(2026, 8, 31), D(2026, 9, 30)),  # clamp to Wed 30 Sep
    (D(2026, 9, 30), D(2026, 10, 30)),  # Fri 30 Oct
    (D(2026, 10, 30), D(2026, 11, 30)),  # Mon 30 Nov (St Andrew's Day is Scotland only)
    (D(2026, 10, 31), D(2026, 11, 30)),  # clamp to Mon 30 Nov
    (D(2026, 11, 30), D(2026, 12, 30)),  # Wed 30 Dec
    (D(2026, 12, 30), D(2027, 2, 1)),  # Sat 30 Jan 2027, Sun 31 -> Mon 1 Feb
    (D(2026, 12, 31), D(2027, 2, 1)),  # Sun 31 Jan 2027 -> Mon 1 Feb
]


@pytest.mark.parametrize(("received", "expected"), MONTH_ENDS_2026, ids=[r.isoformat() for r, _ in MONTH_ENDS_2026])
def test_month_ends_of_2026_in_england(received: date, expected: date) -> None:
    assert due(received, "ENG") == expected
    assert expected.weekday() < 5


# --- the four regions' holidays ---------------------------------------------------------------------------------

REGIONAL = [
    # received, due per region (ENG, WLS, SCT, NIR), the holiday named where it moved the date
    (D(2026, 3, 6), (D(2026, 4, 7), D(2026, 4, 7), D(2026, 4, 6), D(2026, 4, 7)), "Easter Monday"),
    (D(2025, 12, 2), (D(2026, 1, 2), D(2026, 1, 2), D(2026, 1, 5), D(2026, 1, 2)), "New Year Holiday"),
    (D(2026, 2, 17), (D(2026, 3, 17), D(2026, 3, 17), D(2026, 3, 17), D(2026, 3, 18)), "Saint Patrick's Day"),
    (D(2026, 6, 13), (D(2026, 7, 13), D(2026, 7, 13), D(2026, 7, 13), D(2026, 7, 14)), "Battle of the Boyne"),
    (D(2026, 7, 3), (D(2026, 8, 3), D(2026, 8, 3), D(2026, 8, 4), D(2026, 8, 3)), "Summer Bank Holiday"),
    (D(2026, 7, 31), (D(2026, 9, 1), D(2026, 9, 1), D(2026, 8, 31), D(2026, 9, 1)), "Late Summer Bank Holiday"),
    (D(2026, 10, 30), (D(2026, 11, 30), D(2026, 11, 30), D(2026, 12, 1), D(2026, 11, 30)), "Saint Andrew's Day"),
]


@pytest.mark.parametrize(("received", "expected", "holiday"), REGIONAL, ids=[h for _, _, h in REGIONAL])
def test_each_region_skips_only_its_own_holidays(received: date, expected: tuple[date, ...], holiday: str) -> None:
    for region, want in zip(REGIONS, expected, strict=True):
        deadline = compute(Clock(received=received, region=region))
        assert deadline.due == want, region
        moved = want.day != received.day
        # The step that moved the date names the holiday; a region that did not move says nothing about it.
        assert (holiday in deadline.explanation) is moved, (region, deadline.explanation)
        if moved:
            assert "so the next working day" in deadline.explanation


def test_battle_of_the_boyne_on_a_sunday_and_its_observed_monday() -> None:
    # 12 Jun 2026 -> Sun 12 Jul: ENG rolls to Mon 13; NIR also skips the observed Monday -> Tue 14.
    assert due(D(2026, 6, 12), "ENG") == D(2026, 7, 13)
    nir = compute(Clock(received=D(2026, 6, 12), region="NIR"))
    assert nir.due == D(2026, 7, 14)
    assert "Sun 12 Jul 2026 is Battle of the Boyne" in nir.explanation
    assert "Mon 13 Jul 2026 is Battle of the Boyne (observed)" in nir.explanation


# --- Christmas and New Year -------------------------------------------------------------------------------------


def test_christmas_2026_rolls_past_boxing_day_observed() -> None:
    for region in REGIONS:
        deadline = compute(Clock(received=D(2026, 11, 25), region=region))
        # Fri 25 Dec Christmas, Sat 26 Boxing Day, Sun 27, Mon 28 Boxing Day (observed) -> Tue 29 Dec
        assert deadline.due == D(2026, 12, 29), region
        assert "Boxing Day (observed)" in deadline.explanation


@pytest.mark.parametrize(
    ("received", "region", "expected"),
    [
        # Fri 1 Jan 2027 New Year's Day, Sat 2, Sun 3 -> Mon 4 Jan
        (D(2026, 12, 1), "ENG", D(2027, 1, 4)),
        (D(2026, 12, 1), "WLS", D(2027, 1, 4)),
        (D(2026, 12, 1), "NIR", D(2027, 1, 4)),
        # Scotland: Sat 2 Jan is the New Year Holiday, observed on Mon 4 Jan -> Tue 5 Jan
        (D(2026, 12, 1), "SCT", D(2027, 1, 5)),
        (D(2026, 12, 2), "ENG", D(2027, 1, 4)),
        (D(2026, 12, 2), "SCT", D(2027, 1, 5)),
        (D(2026, 12, 4), "SCT", D(2027, 1, 5)),  # due Mon 4 Jan itself, the observed holiday
        (D(2026, 12, 4), "ENG", D(2027, 1, 4)),
    ],
)
def test_new_year_2027(received: date, region: str, expected: date) -> None:
    assert due(received, region) == expected


def test_scottish_new_year_explanation_names_the_observed_day() -> None:
    text = compute(Clock(received=D(2026, 12, 1), region="SCT")).explanation
    assert "Fri 1 Jan 2027 is New Year's Day" in text
    assert "Mon 4 Jan 2027 is New Year Holiday (observed)" in text
    assert text.endswith("so the next working day: Tue 5 Jan 2027")


# --- start date: identity evidence and fees ---------------------------------------------------------------------


def test_identity_evidence_received_later_moves_day_1() -> None:
    received = D(2026, 3, 2)  # Mon; without evidence due Thu 2 Apr
    assert due(received) == D(2026, 4, 2)
    deadline = compute(Clock(received=received, identity_asked=D(2026, 3, 3), identity_received=D(2026, 3, 10)))
    assert deadline.start == D(2026, 3, 10)
    assert deadline.due == D(2026, 4, 10)  # Fri 10 Apr
    assert "identity evidence arrived 10 Mar 2026" in deadline.explanation


def test_identity_evidence_on_the_day_of_receipt_changes_nothing() -> None:
    deadline = compute(Clock(received=D(2026, 3, 2), identity_asked=D(2026, 3, 2), identity_received=D(2026, 3, 2)))
    assert deadline.start == D(2026, 3, 2) and deadline.due == D(2026, 4, 2)


def test_identity_asked_but_not_received_stops_nothing_because_nothing_started() -> None:
    deadline = compute(Clock(received=D(2026, 3, 2), identity_asked=D(2026, 3, 3)))
    assert deadline.due is None
    assert deadline.start is None
    assert deadline.month_due is None
    assert deadline.waiting_for == "identity evidence"
    assert extension_problem(Clock(received=D(2026, 3, 2), identity_asked=D(2026, 3, 3)), D(2026, 3, 4)) is not None


def test_fee_paid_later_moves_day_1() -> None:
    deadline = compute(Clock(received=D(2026, 3, 2), fee_asked=D(2026, 3, 2), fee_paid=D(2026, 3, 16)))
    assert deadline.start == D(2026, 3, 16)
    assert deadline.due == D(2026, 4, 16)  # Thu 16 Apr
    assert "fee paid 16 Mar 2026" in deadline.explanation


def test_fee_asked_but_not_paid() -> None:
    deadline = compute(Clock(received=D(2026, 3, 2), fee_asked=D(2026, 3, 2)))
    assert deadline.due is None and deadline.waiting_for == "the fee"


def test_start_is_the_latest_of_received_identity_and_fee() -> None:
    base = {"received": D(2026, 3, 2), "identity_asked": D(2026, 3, 2), "fee_asked": D(2026, 3, 2)}
    later_identity = compute(Clock(**base, identity_received=D(2026, 3, 10), fee_paid=D(2026, 3, 5)))  # type: ignore[arg-type]
    assert later_identity.start == D(2026, 3, 10) and later_identity.due == D(2026, 4, 10)
    later_fee = compute(Clock(**base, identity_received=D(2026, 3, 5), fee_paid=D(2026, 3, 10)))  # type: ignore[arg-type]
    assert later_fee.start == D(2026, 3, 10) and later_fee.due == D(2026, 4, 10)


def test_identity_start_feeds_the_clamping() -> None:
    # Received 20 Jan 2026, evidence arrives Sat 31 Jan: day 1 is 31 Jan -> Sat 28 Feb -> Mon 2 Mar.
    assert due(D(2026, 1, 20), identity_asked=D(2026, 1, 21), identity_received=D(2026, 1, 31)) == D(2026, 3, 2)


# --- clarification pauses ---------------------------------------------------------------------------------------


def test_answered_pause_adds_the_days_and_rolls_to_a_working_day() -> None:
    # Received Mon 1 Jun 2026 -> Wed 1 Jul. Paused 3..5 Jun = 3 days -> Sat 4 Jul -> Mon 6 Jul.
    deadline = compute(Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 6, 3), D(2026, 6, 5)),)))
    assert deadline.due == D(2026, 7, 6)
    assert deadline.month_due == D(2026, 7, 6)
    assert "clock stopped 3 days for clarification" in deadline.explanation
    assert "so the next working day: Mon 6 Jul 2026" in deadline.explanation


def test_pause_answered_the_day_it_was_asked_is_one_day() -> None:
    deadline = compute(Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 6, 3), D(2026, 6, 3)),)))
    assert deadline.due == D(2026, 7, 2)  # Thu 2 Jul
    assert "clock stopped 1 day for clarification" in deadline.explanation


def test_pause_is_added_after_the_first_roll_over() -> None:
    # Received Sat 31 Jan 2026 -> Sat 28 Feb -> Mon 2 Mar; paused 2..3 Feb = 2 days -> Wed 4 Mar.
    assert due(D(2026, 1, 31), pauses=(Pause(D(2026, 2, 2), D(2026, 2, 3)),)) == D(2026, 3, 4)


def test_two_pauses_add_up() -> None:
    # Received Mon 1 Jun 2026 -> Wed 1 Jul; 2 + 1 paused days -> Sat 4 Jul -> Mon 6 Jul.
    pauses = (Pause(D(2026, 6, 2), D(2026, 6, 3)), Pause(D(2026, 6, 10), D(2026, 6, 10)))
    assert due(D(2026, 6, 1), pauses=pauses) == D(2026, 7, 6)


def test_pause_landing_on_a_holiday_rolls_again() -> None:
    # Received Fri 27 Nov 2026 -> Sun 27 Dec -> Mon 28 Dec (Boxing Day observed) -> Tue 29 Dec; +4 days
    # paused (1..4 Dec) -> Sat 2 Jan 2027 -> Mon 4 Jan in England; Scotland also skips Mon 4 Jan -> Tue 5 Jan.
    pauses = (Pause(D(2026, 12, 1), D(2026, 12, 4)),)
    assert due(D(2026, 11, 27), "ENG", pauses=pauses) == D(2027, 1, 4)
    assert due(D(2026, 11, 27), "SCT", pauses=pauses) == D(2027, 1, 5)


def test_open_pause_has_no_due_date() -> None:
    deadline = compute(Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 6, 3)),)))
    assert deadline.due is None
    assert deadline.waiting_for == "clarification"
    assert deadline.start == D(2026, 6, 1)
    assert "waiting for clarification" in deadline.explanation


def test_pause_moves_the_last_day_to_extend() -> None:
    clock = Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 6, 3), D(2026, 6, 5)),))
    # Without the pause the window closes Wed 1 Jul; with it, Mon 6 Jul.
    assert extension_problem(Clock(received=D(2026, 6, 1)), D(2026, 7, 2)) is not None
    assert extension_problem(clock, D(2026, 7, 6)) is None
    problem = extension_problem(clock, D(2026, 7, 7))
    assert problem is not None and "6 Jul 2026" in problem


def test_an_open_pause_keeps_the_window_to_extend_open() -> None:
    # Received Mon 1 Jun 2026, clarification asked 3 Jun and still awaited on 10 Jul: the clock has been stopped since
    # day 3, so the first month has not run out and an extension may still be given.
    clock = Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 6, 3)),))
    assert extension_problem(clock, D(2026, 7, 10)) is None
    # While the clarification stays unanswered, the window stays open.
    assert extension_problem(clock, D(2026, 8, 10)) is None
    # An open pause asked after the day of the extension does not count: the window closed on Wed 1 Jul.
    later = Clock(received=D(2026, 6, 1), pauses=(Pause(D(2026, 7, 5)),))
    assert extension_problem(later, D(2026, 7, 1)) is None
    problem = extension_problem(later, D(2026, 7, 2))
    assert problem is not None and "1 Jul 2026" in problem


@pytest.mark.parametrize(
    "pause",
    [Pause(D(2026, 6, 5), D(2026, 6, 4)), Pause(D(2026, 5, 31), D(2026, 6, 2))],
    ids=["answer-before-question", "asked-before-receipt"],
)
def test_impossible_pauses_are_refused(pause: Pause) -> None:
    with pytest.raises(DeadlineError):
        compute(Clock(received=D(2026, 6, 1), pauses=(pause,)))


def test_evidence_before_the_request_is_refused() -> None:
    with pytest.raises(DeadlineError):
        compute(Clock(received=D(2026, 6, 1), identity_asked=D(2026, 6, 1), identity_received=D(2026, 5, 30)))
    with pytest.raises(DeadlineError):
        compute(Clock(received=D(2026, 6, 1), fee_asked=D(2026, 6, 1), fee_paid=D(2026, 5, 30)))


# --- extensions -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected_month", "expected_extended"),
    [
        (D(2026, 1, 31), D(2026, 3, 2), D(2026, 4, 30)),  # three months: clamp to Thu 30 Apr
        (D(2026, 11, 30), D(2026, 12, 30), D(2027, 3, 1)),  # clamp to Sun 28 Feb 2027 -> Mon 1 Mar
        (D(2026, 1, 3), D(2026, 2, 3), D(2026, 4, 7)),  # Good Friday 3 Apr .. Easter Monday 6 Apr -> Tue 7 Apr
        (D(2025, 11, 30), D(2025, 12, 30), D(2026, 3, 2)),  # clamp to Sat 28 Feb 2026 -> Mon 2 Mar
    ],
)
def test_extension_is_three_months_from_day_1(received: date, expected_month: date, expected_extended: date) -> None:
    assert extension_problem(Clock(received=received), expected_month) is None  # the last day is still allowed
    deadline = compute(Clock(received=received, extended_on=expected_month))
    assert deadline.extended
    assert deadline.due == expected_extended
    assert deadline.month_due == expected_month
    assert "extended on" in deadline.explanation
    assert "3 calendar months" in deadline.explanation


def test_extension_with_a_pause_adds_the_paused_days_too() -> None:
    # Received Mon 1 Jun 2026: three months -> Tue 1 Sep; +3 paused days -> Fri 4 Sep.
    pauses = (Pause(D(2026, 6, 3), D(2026, 6, 5)),)
    deadline = compute(Clock(received=D(2026, 6, 1), pauses=pauses, extended_on=D(2026, 6, 20)))
    assert deadline.due == D(2026, 9, 4)
    assert deadline.month_due == D(2026, 7, 6)


def test_extension_after_the_first_month_is_refused_naming_the_date() -> None:
    clock = Clock(received=D(2026, 1, 31))  # first month ends Mon 2 Mar 2026
    assert extension_problem(clock, D(2026, 2, 10)) is None
    assert extension_problem(clock, D(2026, 3, 2)) is None
    problem = extension_problem(clock, D(2026, 3, 3))
    assert problem is not None
    assert "2 Mar 2026" in problem and "Too late" in problem


def test_extending_twice_is_refused() -> None:
    clock = Clock(received=D(2026, 1, 31), extended_on=D(2026, 2, 10))
    problem = extension_problem(clock, D(2026, 2, 11))
    assert problem is not None and "already extended on 10 Feb 2026" in problem


def test_a_complaint_cannot_be_extended() -> None:
    problem = extension_problem(Clock(received=D(2026, 7, 1), kind=RequestType.COMPLAINT), D(2026, 7, 2))
    assert problem is not None and "complaint" in problem.lower()


# --- complaints -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "region", "expected"),
    [
        (D(2026, 7, 1), "ENG", D(2026, 7, 31)),  # Fri 31 Jul
        (D(2026, 7, 4), "ENG", D(2026, 8, 3)),  # Mon 3 Aug
        (D(2026, 7, 4), "SCT", D(2026, 7, 31)),  # Mon 3 Aug is the Summer Bank Holiday, Sat/Sun before -> Fri 31 Jul
        (D(2026, 7, 2), "ENG", D(2026, 7, 31)),  # Sat 1 Aug -> back to Fri 31 Jul
        (D(2026, 11, 25), "ENG", D(2026, 12, 24)),  # Fri 25 Dec Christmas -> Thu 24 Dec
        (D(2026, 11, 27), "ENG", D(2026, 12, 24)),  # Sun 27, Sat 26, Fri 25 Dec -> Thu 24 Dec
        (D(2026, 11, 28), "ENG", D(2026, 12, 24)),  # Mon 28 Dec Boxing Day (observed) -> Thu 24 Dec
    ],
)
def test_complaint_acknowledgement_is_30_days_rolled_back(received: date, region: str, expected: date) -> None:
    deadline = compute(Clock(received=received, kind=RequestType.COMPLAINT, region=region))
    assert deadline.due == expected
    assert deadline.month_due is None
    assert "acknowledge within 30 days" in deadline.explanation
    if expected != received + timedelta(days=30):
        assert "so the working day before" in deadline.explanation


def test_acknowledged_complaint_has_no_due_date() -> None:
    clock = Clock(received=D(2026, 7, 1), kind=RequestType.COMPLAINT, acknowledged_on=D(2026, 7, 3))
    deadline = compute(clock)
    assert deadline.due is None
    assert "acknowledged 3 Jul 2026" in deadline.explanation
    assert "without undue delay" in deadline.explanation


# --- the 28-day period ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("received", "expected"),
    [
        (D(2026, 1, 1), D(2026, 1, 29)),  # Thu 29 Jan
        (D(2026, 1, 31), D(2026, 3, 2)),  # Sat 28 Feb -> Mon 2 Mar
        (D(2024, 11, 25), D(2024, 12, 23)),  # Mon 23 Dec 2024
        (D(2024, 11, 27), D(2024, 12, 27)),  # Wed 25 Dec Christmas, Thu 26 Boxing Day -> Fri 27 Dec
        (D(2026, 3, 9), D(2026, 4, 7)),  # Mon 6 Apr Easter Monday -> Tue 7 Apr
    ],
)
def test_28_day_period(received: date, expected: date) -> None:
    deadline = compute(Clock(received=received, period=Period.DAYS_28))
    assert deadline.due == expected
    assert "28 days" in deadline.explanation


def test_28_days_differs_from_a_calendar_month() -> None:
    assert due(D(2026, 7, 1), period=Period.DAYS_28) == D(2026, 7, 29)  # Wed
    assert due(D(2026, 7, 1), period=Period.CALENDAR_MONTH) == D(2026, 8, 3)  # Sat 1 Aug -> Mon 3 Aug


# --- working days left ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "due_on", "region", "left"),
    [
        (D(2026, 3, 9), D(2026, 3, 9), "ENG", 0),  # due today
        (D(2026, 3, 9), D(2026, 3, 10), "ENG", 1),  # due tomorrow
        (D(2026, 3, 6), D(2026, 3, 9), "ENG", 1),  # Fri -> Mon over the weekend
        (D(2026, 3, 7), D(2026, 3, 9), "ENG", 1),  # Sat -> Mon
        (D(2026, 3, 2), D(2026, 3, 13), "ENG", 9),  # Mon -> Fri of the next week
        (D(2026, 4, 2), D(2026, 4, 7), "ENG", 1),  # Good Friday, weekend, Easter Monday
        (D(2026, 4, 2), D(2026, 4, 7), "SCT", 2),  # Easter Monday is a working day in Scotland
        (D(2026, 3, 10), D(2026, 3, 9), "ENG", -1),  # a day late
        (D(2026, 3, 9), D(2026, 3, 6), "ENG", -1),  # due Fri, today Mon
        (D(2026, 3, 8), D(2026, 3, 6), "ENG", -1),  # due Fri, today Sun: overdue never reads as 0
        (D(2026, 3, 13), D(2026, 3, 6), "ENG", -5),  # a working week late
    ],
)
def test_working_days_left(today: date, due_on: date, region: str, left: int) -> None:
    assert working_days_left(today, due_on, region) == left


# --- explanation ------------------------------------------------------------------------------------------------


def test_explanation_of_31_january_2026() -> None:
    deadline = compute(Clock(received=D(2026, 1, 31)))
    assert deadline.steps == (
        "received Sat 31 Jan 2026 (day 1)",
        "one calendar month: 28 Feb 2026 is the month's last day",
        "Sat 28 Feb 2026 is a weekend, Sun 1 Mar 2026 is a weekend, so the next working day: Mon 2 Mar 2026",
    )
    assert deadline.explanation == "; ".join(deadline.steps)


def test_explanation_without_clamping_or_rolling_is_two_steps() -> None:
    assert compute(Clock(received=D(2026, 3, 2))).steps == (
        "received Mon 2 Mar 2026 (day 1)",
        "one calendar month: 2 Apr 2026",
    )


# --- regions ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("region", ["", "GB", "eng", "England", "IE", "XYZ"])
def test_unknown_region_is_an_error(region: str) -> None:
    with pytest.raises(DeadlineError, match="region"):
        compute(Clock(received=D(2026, 3, 2), region=region))


def test_unknown_region_is_an_error_for_complaints_and_extensions_too() -> None:
    with pytest.raises(DeadlineError):
        compute(Clock(received=D(2026, 3, 2), region="XYZ", kind=RequestType.COMPLAINT))
    with pytest.raises(DeadlineError):
        extension_problem(Clock(received=D(2026, 3, 2), region="XYZ"), D(2026, 3, 3))


# --- properties -------------------------------------------------------------------------------------------------


@cache
def _gb_holidays(region: str, year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv=region, years=year))


def _working(day: date, region: str) -> bool:
    return day.weekday() < 5 and day not in _gb_holidays(region, day.year)


received_dates = st.dates(min_value=D(2000, 1, 1), max_value=D(2060, 12, 31))
regions = st.sampled_from(REGIONS)
periods = st.sampled_from(list(Period))
kinds = st.sampled_from(list(RequestType))
PROPERTY = settings(max_examples=300, deadline=None)


@PROPERTY
@given(received=received_dates, region=regions, period=periods, kind=kinds)
def test_due_is_a_working_day_never_before_receipt(
    received: date, region: str, period: Period, kind: RequestType
) -> None:
    deadline = compute(Clock(received=received, region=region, period=period, kind=kind))
    assert deadline.due is not None
    assert deadline.due >= received
    assert _working(deadline.due, region)
    if kind is not RequestType.COMPLAINT:
        assert deadline.due > received
        assert deadline.due == deadline.month_due


@PROPERTY
@given(received=received_dates, region=regions, period=periods, kind=kinds, k=st.integers(1, 40))
def test_a_later_receipt_is_never_due_earlier(
    received: date, region: str, period: Period, kind: RequestType, k: int
) -> None:
    first = compute(Clock(received=received, region=region, period=period, kind=kind)).due
    later = compute(Clock(received=received + timedelta(days=k), region=region, period=period, kind=kind)).due
    assert first is not None and later is not None
    assert later >= first


@settings(max_examples=60, deadline=None)
@given(received=received_dates, region=regions, period=periods, kind=kinds)
def test_a_later_receipt_is_never_due_earlier_for_every_k(
    received: date, region: str, period: Period, kind: RequestType
) -> None:
    dues = [
        compute(Clock(received=received + timedelta(days=k), region=region, period=period, kind=kind)).due
        for k in range(41)
    ]
    assert all(a is not None and b is not None and a <= b for a, b in itertools.pairwise(dues))


@PROPERTY
@given(
    received=received_dates,
    region=regions,
    period=periods,
    kind=kinds.filter(lambda k: k is not RequestType.COMPLAINT),
    after=st.integers(0, 25),
    length=st.integers(0, 60),
    extended=st.booleans(),
)
def test_an_answered_pause_never_makes_it_earlier(
    received: date, region: str, period: Period, kind: RequestType, after: int, length: int, extended: bool
) -> None:
    asked = received + timedelta(days=after)
    base = Clock(received=received, region=region, period=period, kind=kind, extended_on=received if extended else None)
    paused = Clock(
        received=received,
        region=region,
        period=period,
        kind=kind,
        extended_on=base.extended_on,
        pauses=(Pause(asked, asked + timedelta(days=length)),),
    )
    without, with_pause = compute(base), compute(paused)
    assert without.due is not None and with_pause.due is not None
    assert with_pause.due > without.due  # at least one day is added
    assert with_pause.due >= without.due + timedelta(days=length + 1)
    assert _working(with_pause.due, region)
    assert without.month_due is not None and with_pause.month_due is not None
    assert with_pause.month_due > without.month_due


@PROPERTY
@given(
    received=received_dates, region=regions, period=periods, kind=kinds.filter(lambda k: k is not RequestType.COMPLAINT)
)
def test_an_extension_is_never_earlier_than_the_month(
    received: date, region: str, period: Period, kind: RequestType
) -> None:
    month = compute(Clock(received=received, region=region, period=period, kind=kind))
    extended = compute(Clock(received=received, region=region, period=period, kind=kind, extended_on=received))
    assert month.due is not None and extended.due is not None
    assert extended.due > month.due
    assert extended.month_due == month.due
    assert _working(extended.due, region)
    assert extension_problem(Clock(received=received, region=region, period=period, kind=kind), month.due) is None
    assert extension_problem(
        Clock(received=received, region=region, period=period, kind=kind), month.due + timedelta(days=1)
    )


@settings(max_examples=100, deadline=None)
@given(received=received_dates, region=regions)
def test_calendar_month_due_is_the_clamped_date_rolled_forward(received: date, region: str) -> None:
    # An independent model of SPEC.md §1: same date next month, or the month's last day, then the next working day.
    year, month = (received.year, received.month + 1) if received.month < 12 else (received.year + 1, 1)
    day = received.day
    while True:
        try:
            target = D(year, month, day)
            break
        except ValueError:
            day -= 1
    while not _working(target, region):
        target += timedelta(days=1)
    assert compute(Clock(received=received, region=region)).due == target
