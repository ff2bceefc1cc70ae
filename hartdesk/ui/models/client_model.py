"""The client list as a table model that loads in pages (:class:`~hartdesk.ui.models.base.PagedTableModel`),
searched, filtered and sorted in SQL.

Besides the ``loader(query, offset, limit)`` it is given a ``counter(query)``
(:func:`~hartdesk.register.search.list_clients` and :func:`~hartdesk.register.search.count_clients` behind a session
of their own); the first page and the count arrive together (:class:`~hartdesk.ui.models.base.CountedTableModel`). A
result of a query older than the last ``set_query`` is dropped, so typing quickly never shows the rows of an earlier
search.

A client whose data is restricted (UK GDPR Art. 18) says so in its status ("Active · restricted"), with a lock in a
colour chosen for the palette in use and the whole restriction sentence as the tooltip, so the mark never rests on
colour alone. The loader gives such rows as :class:`ListedClient`; a plain :class:`ClientRow` is a client that is not
restricted.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import fields as dataclass_fields
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor, QIcon

from hartdesk.models import ClientStatus
from hartdesk.register.search import ClientQuery, ClientRow, ClientSort
from hartdesk.ui.models.base import PAGE_SIZE, ROW_ROLE, CountedTableModel
from hartdesk.ui.models.request_model import dark_palette
from hartdesk.ui.tasks import TaskRunner

_INACTIVE_COLOUR = QColor("#7a7a7a")
# The mark of a restricted client: (on a light palette, on a dark palette), each readable on its base (WCAG AA).
RESTRICTED_COLOURS = ("#a61b1b", "#ff8a80")
RESTRICTED_ICON = "fa5s.lock"
RESTRICTED_WORD = "restricted"


class Column(IntEnum):
    REF = 0
    NAME = 1
    STATUS = 2
    EMAIL = 3
    PHONE = 4
    POSTCODE = 5
    SERVICES = 6
    OPENED = 7


HEADERS = {
    Column.REF: "Ref",
    Column.NAME: "Name",
    Column.STATUS: "Status",
    Column.EMAIL: "Email",
    Column.PHONE: "Phone",
    Column.POSTCODE: "Postcode",
    Column.SERVICES: "Services",
    Column.OPENED: "Client since",
}

# Only these columns sort, because only these are sorted in SQL (a page of rows sorted in memory would lie).
SORT_KEYS = {
    Column.REF: ClientSort.REF,
    Column.NAME: ClientSort.NAME,
    Column.STATUS: ClientSort.STATUS,
    Column.OPENED: ClientSort.OPENED,
}
SORT_COLUMNS = {key: column for column, key in SORT_KEYS.items()}


@dataclass(frozen=True)
class ListedClient(ClientRow):
    """A row of the list with what the search does not give: the restriction sentence, "" when not restricted."""

    restriction: str = ""

    @classmethod
    def of(cls, row: ClientRow, restriction: str) -> ListedClient:
        return cls(**{f.name: getattr(row, f.name) for f in dataclass_fields(ClientRow)}, restriction=restriction)


def restriction_of(row: ClientRow) -> str:
    """The restriction sentence of a listed client ("" when it is not restricted)."""
    return row.restriction if isinstance(row, ListedClient) else ""


def restricted_colour() -> QColor:
    """The colour of the restricted mark, chosen for the palette in use."""
    return QColor(RESTRICTED_COLOURS[1] if dark_palette() else RESTRICTED_COLOURS[0])


@functools.cache
def _restricted_icon(colour: str) -> QIcon:
    import qtawesome  # on first use: it costs a noticeable fraction of start-up time

    try:
        return qtawesome.icon(RESTRICTED_ICON, color=colour)
    except Exception:  # a missing icon font must not stop the list; the words say it all
        return QIcon()


class ClientDataRole(IntEnum):
    ROW = ROW_ROLE  # the ClientRow itself
    REF = ROW_ROLE + 1


Loader = Callable[[ClientQuery, int, int], list[ClientRow]]
Counter = Callable[[ClientQuery], int]


def count_text(count: int) -> str:
    """ "1 client", "1 234 clients" (thousands grouped with a space, as the agency writes them)."""
    number = f"{count:,}".replace(",", " ")
    return f"{number} client" if count == 1 else f"{number} clients"


class ClientTableModel(CountedTableModel[ClientRow, ClientQuery]):
    """Rows are cached :class:`ClientRow` dataclasses; ``set_query`` starts again from the first page, which arrives
    with the count of every client the query matches."""

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
        self._query = ClientQuery()  # never None: cleared, it still holds the sort order

    # --- what the screen uses -------------------------------------------------------------------------------

    @property
    def query(self) -> ClientQuery:
        return self._query if self._query is not None else ClientQuery()

    def reload(self) -> None:
        """Run the current query again (after a client was added or changed)."""
        self.set_query(self.query)

    def clear(self) -> None:
        """Forget every row (the register locked); nothing loads until the next ``set_query``."""
        self._reset(ClientQuery(sort=self.query.sort, descending=self.query.descending), exhausted=True)

    # --- sorting (in SQL) ------------------------------------------------------------------------------------

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Sort by ``column`` if it is one sorted in SQL; any other column is ignored."""
        try:
            key = SORT_KEYS.get(Column(column))
        except ValueError:
            key = None
        if key is None:
            return
        descending = order == Qt.SortOrder.DescendingOrder
        current = self.query
        if key is current.sort and descending == current.descending:
            return
        query = ClientQuery(current.text, current.status, current.service_kind, key, descending)
        if self._exhausted and self._total is None and not self._rows:
            self._query = query  # nothing loaded yet (cleared): remember the order for the next query
            return
        self.set_query(query)

    def sort_column(self) -> Column:
        return SORT_COLUMNS[self.query.sort]

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self.query.descending else Qt.SortOrder.AscendingOrder

    # --- cells -----------------------------------------------------------------------------------------------

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.ToolTipRole
            and 0 <= section < len(self.headers)
        ):
            column = Column(section)
            return "Click to sort" if column in SORT_KEYS else "This column cannot be sorted"
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.TextAlignmentRole
            and section == Column.SERVICES
        ):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return CountedTableModel.headerData(self, section, orientation, role)

    def cell(self, row: ClientRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        restriction = restriction_of(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME and row.trading_name:
                return f"Trading as {row.trading_name}"
            if column == Column.STATUS and restriction:
                return restriction
            return None
        if column == Column.STATUS and restriction:
            if role == Qt.ItemDataRole.DecorationRole:
                return _restricted_icon(restricted_colour().name())
            if role == Qt.ItemDataRole.ForegroundRole:
                return QBrush(restricted_colour())
        if role == Qt.ItemDataRole.TextAlignmentRole and column == Column.SERVICES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and row.status is not ClientStatus.ACTIVE:
            return QBrush(_INACTIVE_COLOUR)
        if role == ClientDataRole.REF:
            return row.ref
        return None

    @staticmethod
    def _display(row: ClientRow, column: Column) -> str:
        match column:
            case Column.REF:
                return row.ref
            case Column.NAME:
                return row.name
            case Column.STATUS:
                return f"{row.status.label} · {RESTRICTED_WORD}" if restriction_of(row) else row.status.label
            case Column.EMAIL:
                return row.email
            case Column.PHONE:
                return row.phone
            case Column.POSTCODE:
                return row.postcode
            case Column.SERVICES:
                return str(row.services)
            case Column.OPENED:
                return row.opened_on.strftime("%d/%m/%Y")
