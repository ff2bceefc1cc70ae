"""The breach register as a table: every breach, newest first, with its 72-hour clock in words and colour.

Breaches are few, so the model is given every row at once (:class:`SmallTableModel`). The clock is worked out again
from each row's moment of awareness whenever the model is told the time (:meth:`BreachTableModel.set_now`), so a
timer ticking once a minute keeps the countdown true without reading the register again. The clock's level picks
the colour — red when the deadline passed or less than 24 hours are left, amber under 48 — and the words say the
same, so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont

from hartdesk.dates import format_short_date, uk_date, uk_time
from hartdesk.models.enums import BreachDecision, BreachRisk
from hartdesk.privacy import breaches
from hartdesk.privacy.breaches import BreachClock, BreachRow
from hartdesk.ui.models.base import Index, SmallTableModel
from hartdesk.ui.models.request_model import TINT_ALPHA, dark_palette


class Column(IntEnum):
    REF = 0
    SUMMARY = 1
    AWARE = 2
    CLOCK = 3
    RISK = 4
    DECISION = 5
    REPORTED = 6
    CLIENTS = 7


HEADERS = {
    Column.REF: "Ref",
    Column.SUMMARY: "Summary",
    Column.AWARE: "Aware since",
    Column.CLOCK: "72-hour clock",
    Column.RISK: "Risk",
    Column.DECISION: "ICO decision",
    Column.REPORTED: "Reported on",
    Column.CLIENTS: "Clients",
}

# (tint behind the row, strong colour on a light palette, strong colour on a dark palette)
LEVEL_COLOURS = {
    breaches.OVERDUE: ("#e0301e", "#a61b1b", "#ff8a80"),
    breaches.URGENT: ("#e0301e", "#a61b1b", "#ff8a80"),
    breaches.SOON: ("#f0a500", "#8a5a00", "#ffd180"),
}
RED_LEVELS = (breaches.OVERDUE, breaches.URGENT)
RISK_WORDS = {BreachRisk.NONE: "No risk", BreachRisk.RISK: "Risk", BreachRisk.HIGH: "High risk"}
DECISION_WORDS = {BreachDecision.NOTIFY: "Report to ICO", BreachDecision.NOT_NOTIFY: "Not reported"}
LEVEL_WORDS = {
    breaches.OVERDUE: "The 72 hours have passed: decide now, and give the reasons for the delay",
    breaches.URGENT: "Less than 24 hours left to decide on reporting to the ICO",
    breaches.SOON: "Less than 48 hours left to decide on reporting to the ICO",
}


def risk_text(risk: BreachRisk | None) -> str:
    return RISK_WORDS[risk] if risk is not None else "Not assessed"


def decision_text(decision: BreachDecision | None) -> str:
    return DECISION_WORDS[decision] if decision is not None else "—"


def short_moment(moment: datetime) -> str:
    """30 Mar 2027 11:00, in UK time (the zone is in the tooltip and the window)."""
    return uk_time(moment, weekday=False, zone=False)


def short_day(moment: datetime) -> str:
    """30 Mar 2027, in the UK."""
    return format_short_date(uk_date(moment))


def clock_cell(clock: BreachClock) -> str:
    """The clock in a few words for a list — "22 hours left", "Overdue by 8 hours", "ICO decision recorded" — from
    the register's own sentence (:meth:`BreachClock.words`, with the deadline: the cell's tooltip)."""
    words = clock.words()
    if clock.level == breaches.DECIDED:
        return words
    if clock.level == breaches.OVERDUE:
        return "Overdue by " + words.split(" passed ", 1)[-1].split(" ago", 1)[0]
    return words.split(" left", 1)[0] + " left"


def level_colour(level: str) -> QColor | None:
    """The colour of the countdown's words at this level, chosen for the palette in use (``None``: the text's own)."""
    colours = LEVEL_COLOURS.get(level)
    if colours is None:
        return None
    return QColor(colours[2] if dark_palette() else colours[1])


def level_tint(level: str) -> QColor | None:
    """The translucent colour behind a row at this level."""
    colours = LEVEL_COLOURS.get(level)
    if colours is None:
        return None
    tint = QColor(colours[0])
    tint.setAlpha(TINT_ALPHA)
    return tint


def level_brush(level: str, role: int, says_when: bool) -> QBrush | None:
    """The tint behind every cell of a pressing row, and the strong colour of the cells saying when (``says_when``)."""
    if role == Qt.ItemDataRole.BackgroundRole:
        colour = level_tint(level)
    elif role == Qt.ItemDataRole.ForegroundRole and says_when:
        colour = level_colour(level)
    else:
        return None
    return QBrush(colour) if colour is not None else None


def clock_of(row: BreachRow, now: datetime | None) -> BreachClock:
    """The row's clock at ``now`` (as read, when no time was given since)."""
    if now is None:
        return row.clock
    return breaches.clock(row.aware_at, now, decided=row.decision is not None)


class BreachTableModel(SmallTableModel[BreachRow]):
    """Rows are cached :class:`BreachRow` dataclasses; the clock is worked out at the time last given."""

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(self, parent: QObject | None = None) -> None:
        SmallTableModel.__init__(self, parent)
        self._now: datetime | None = None
        self._bold = QFont()
        self._bold.setBold(True)

    def set_breaches(self, rows: Sequence[BreachRow], now: datetime) -> None:
        self._now = now
        self.set_rows(rows)

    def set_now(self, now: datetime) -> None:
        """Work every clock out again at ``now`` (the rows stay)."""
        self._now = now
        if self._rows:
            self.dataChanged.emit(self.index(0, 0), self.index(len(self._rows) - 1, len(self.headers) - 1))

    def clock_at(self, row: BreachRow) -> BreachClock:
        return clock_of(row, self._now)

    def ref_at(self, index: Index) -> str | None:
        row = self.row_at(index)
        return row.ref if row is not None else None

    def row_of(self, ref: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.ref == ref), None)

    def cell(self, row: BreachRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role in (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole):
            if row.closed_at is not None:
                return None
            return level_brush(self.clock_at(row).level, role, column == Column.CLOCK)
        if role == Qt.ItemDataRole.FontRole and column == Column.CLOCK and self.clock_at(row).level in RED_LEVELS:
            return self._bold
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.CLIENTS:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, row: BreachRow, column: Column) -> str:
        match column:
            case Column.REF:
                return row.ref
            case Column.SUMMARY:
                return row.summary
            case Column.AWARE:
                return short_moment(row.aware_at)
            case Column.CLOCK:
                return clock_cell(self.clock_at(row))
            case Column.RISK:
                return risk_text(row.risk)
            case Column.DECISION:
                return decision_text(row.decision)
            case Column.REPORTED:
                return short_day(row.ico_notified_at) if row.ico_notified_at is not None else "—"
            case Column.CLIENTS:
                return str(row.clients)

    def _tooltip(self, row: BreachRow, column: Column) -> str | None:
        match column:
            case Column.AWARE:
                return f"The agency became aware on {breaches.uk_time(row.aware_at)}: the 72 hours start there"
            case Column.CLOCK:
                clock = self.clock_at(row)
                lines = [clock.words(), LEVEL_WORDS.get(clock.level, "")]
                if row.closed_at is not None:
                    lines.append(f"Closed on {breaches.uk_time(row.closed_at)}")
                return "\n".join(x for x in lines if x)
            case Column.RISK:
                return row.risk.label if row.risk is not None else "The risk to people is not assessed yet"
            case Column.DECISION:
                return row.decision.label if row.decision is not None else "No decision on reporting to the ICO yet"
            case Column.REPORTED:
                return breaches.uk_time(row.ico_notified_at) if row.ico_notified_at is not None else None
            case Column.CLIENTS:
                return "The clients chosen as affected"
        return self._display(row, column) or None
