"""The list of privacy requests as a table model that loads in pages, filtered in SQL, in the register's own order
(open requests by due date first, then closed ones newest first).

Each row is coloured by how urgent it is — overdue red, due within three working days amber, waiting for the
requester a neutral blue-grey — with a translucent tint that reads on light and dark palettes alike, and the
"Working days left" column says the same in words ("overdue by 2"), so nothing rests on colour alone.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from hartdesk.dates import format_short_date
from hartdesk.models.enums import RequestStatus, RequestType
from hartdesk.privacy.requests import RequestQuery, RequestRow, Urgency
from hartdesk.ui.models.base import PAGE_SIZE, ROW_ROLE, CountedTableModel
from hartdesk.ui.tasks import TaskRunner


class Column(IntEnum):
    REF = 0
    TYPE = 1
    CHANNEL = 2
    STATUS = 3
    REQUESTER = 4
    CLIENT = 5
    RECEIVED = 6
    DUE = 7
    COUNTDOWN = 8


HEADERS = {
    Column.REF: "Ref",
    Column.TYPE: "Type",
    Column.CHANNEL: "Channel",
    Column.STATUS: "Status",
    Column.REQUESTER: "Requester",
    Column.CLIENT: "Client",
    Column.RECEIVED: "Received",
    Column.DUE: "Due",
    Column.COUNTDOWN: "Working days left",
}


class RequestDataRole(IntEnum):
    ROW = ROW_ROLE  # the RequestRow itself
    REF = ROW_ROLE + 1
    URGENCY = ROW_ROLE + 2  # one of the Urgency values


# (tint behind the row, strong colour on a light palette, strong colour on a dark palette)
URGENCY_COLOURS = {
    Urgency.OVERDUE: ("#e0301e", "#a61b1b", "#ff8a80"),
    Urgency.SOON: ("#f0a500", "#8a5a00", "#ffd180"),
    Urgency.WAITING: ("#6b88a8", "#3d5a7a", "#a8c4e0"),
}
TINT_ALPHA = 56  # of 255: light enough for the text on either palette to keep its contrast
URGENCY_WORDS = {
    Urgency.OVERDUE: "Past its due date: answer it now",
    Urgency.SOON: "Due within three working days",
    Urgency.WAITING: "Waiting for the requester: the clock is stopped until they answer",
}

Loader = Callable[[RequestQuery, int, int], list[RequestRow]]
Counter = Callable[[RequestQuery], int]


def short_type(kind: RequestType) -> str:
    """ "Access" for "Access (a copy of their data)": the list shows the short word, the tooltip the whole label."""
    return kind.label.split(" (")[0]


def count_text(count: int) -> str:
    """ "1 request", "1 234 requests"."""
    number = f"{count:,}".replace(",", " ")
    return f"{number} request" if count == 1 else f"{number} requests"


def dark_palette() -> bool:
    """Whether the application's windows are dark (light text on a dark base)."""
    palette = QGuiApplication.palette()
    return palette.color(QPalette.ColorRole.Base).lightness() < palette.color(QPalette.ColorRole.Text).lightness()


def urgency_tint(urgency: str) -> QColor | None:
    """The translucent colour behind a row of this urgency (``None`` for a request that is not pressing)."""
    colours = URGENCY_COLOURS.get(urgency)
    if colours is None:
        return None
    tint = QColor(colours[0])
    tint.setAlpha(TINT_ALPHA)
    return tint


def urgency_colour(urgency: str) -> QColor | None:
    """The colour of the countdown's words for this urgency, chosen for the palette in use."""
    colours = URGENCY_COLOURS.get(urgency)
    if colours is None:
        return None
    return QColor(colours[2] if dark_palette() else colours[1])


URGENCY_ROLES = (Qt.ItemDataRole.BackgroundRole, Qt.ItemDataRole.ForegroundRole)


def urgency_brush(urgency: str, role: int, says_when: bool) -> QBrush | None:
    """How a row of this urgency is painted in ``role`` (one of ``URGENCY_ROLES``): the tint behind every cell, and
    the strong colour of the words in the cells that say when it is due (``says_when``)."""
    if role == Qt.ItemDataRole.BackgroundRole:
        colour = urgency_tint(urgency)
    elif role == Qt.ItemDataRole.ForegroundRole and says_when:
        colour = urgency_colour(urgency)
    else:
        return None
    return QBrush(colour) if colour is not None else None


def countdown_text(row: RequestRow) -> str:
    """The "Working days left" cell: "overdue by 2", "due today", "15" while the clock runs, else the request's own
    words ("clock stopped", "no fixed date"); how a closed request ended ("answered on time", "answered late",
    "withdrawn"). The whole sentence (:attr:`RequestRow.countdown`) is the cell's tooltip."""
    if row.status.is_closed:
        if row.closed_on is None or row.status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED):
            return row.status.label.lower()
        return "answered on time" if row.due_on is None or row.closed_on <= row.due_on else "answered late"
    left = row.working_days_left
    if row.urgency == Urgency.WAITING or left is None:
        return row.countdown
    if left < 0:
        return f"overdue by {-left}"
    return "due today" if left == 0 else str(left)


class RequestTableModel(CountedTableModel[RequestRow, RequestQuery]):
    """Rows are cached :class:`RequestRow` dataclasses; ``set_query`` starts again from the first page, which
    arrives with the count of every request the query matches."""

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(
        self,
        tasks: TaskRunner,
        loader: Loader,
        counter: Counter,
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        CountedTableModel.__init__(self, tasks, loader, counter, parent, page_size)
        self._bold = QFont()
        self._bold.setBold(True)

    # --- cells -----------------------------------------------------------------------------------------------

    def cell(self, row: RequestRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role in URGENCY_ROLES:
            return urgency_brush(row.urgency, role, column in (Column.COUNTDOWN, Column.DUE))
        if role == Qt.ItemDataRole.FontRole and column == Column.COUNTDOWN and row.urgency == Urgency.OVERDUE:
            return self._bold
        if role == RequestDataRole.REF:
            return row.ref
        if role == RequestDataRole.URGENCY:
            return row.urgency
        return None

    @staticmethod
    def _display(row: RequestRow, column: Column) -> str:
        match column:
            case Column.REF:
                return row.ref
            case Column.TYPE:
                return short_type(row.kind)
            case Column.CHANNEL:
                return row.channel.label
            case Column.STATUS:
                return row.status.label
            case Column.REQUESTER:
                return row.requester_name
            case Column.CLIENT:
                return row.client_ref
            case Column.RECEIVED:
                return format_short_date(row.received_on)
            case Column.DUE:
                return format_short_date(row.due_on) if row.due_on is not None else "—"
            case Column.COUNTDOWN:
                return countdown_text(row)

    @staticmethod
    def _tooltip(row: RequestRow, column: Column) -> str | None:
        match column:
            case Column.TYPE:
                return row.kind.label
            case Column.REQUESTER:
                return "\n".join(x for x in (row.requester_name, row.requester_email, row.subject) if x) or None
            case Column.DUE | Column.COUNTDOWN:
                due = f"due {format_short_date(row.due_on, weekday=True)}" if row.due_on is not None else ""
                closed = f"closed {format_short_date(row.closed_on)}" if row.closed_on is not None else ""
                words = URGENCY_WORDS.get(row.urgency, "")
                lines = [", ".join(x for x in (row.countdown, due, closed) if x).capitalize(), words]
                return "\n".join(x for x in lines if x) or None
        return None
