"""The client list as a table model that loads in pages, searched, filtered and sorted in SQL.

Like the audit model, it knows nothing of the register: it is given a ``counter(query)`` and a
``loader(query, offset, limit)`` (:func:`~hartdesk.register.search.count_clients` and
:func:`~hartdesk.register.search.list_clients` behind a session of their own) and the task runner to call them with,
so every query runs off the GUI thread. The first page and the count arrive together; the view asks for the next
page (``canFetchMore``/``fetchMore``) as the clerk scrolls. A result of a query older than the last ``set_query`` is
dropped, so typing quickly never shows the rows of an earlier search.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from hartdesk.models import ClientStatus
from hartdesk.register.search import ClientQuery, ClientRow, ClientSort
from hartdesk.ui.models.base import ROW_ROLE, Index, RowTableModel
from hartdesk.ui.tasks import TaskRunner

PAGE_SIZE = 200
_INACTIVE_COLOUR = QColor("#7a7a7a")


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


class ClientDataRole(IntEnum):
    ROW = ROW_ROLE  # the ClientRow itself
    REF = ROW_ROLE + 1


Loader = Callable[[ClientQuery, int, int], list[ClientRow]]
Counter = Callable[[ClientQuery], int]


def count_text(count: int) -> str:
    """ "1 client", "1 234 clients" (thousands grouped with a space, as the agency writes them)."""
    number = f"{count:,}".replace(",", " ")
    return f"{number} client" if count == 1 else f"{number} clients"


class ClientTableModel(RowTableModel[ClientRow]):
    """Rows are cached :class:`ClientRow` dataclasses; ``set_query`` starts again from the first page."""

    query_loaded = Signal()  # the count and the first page of the current query arrived
    page_loaded = Signal()  # after each page arrives (the first one too, and an empty last page)
    load_failed = Signal(object)  # the exception

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(
        self,
        tasks: TaskRunner,
        loader: Loader,
        counter: Counter,
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        RowTableModel.__init__(self, parent)
        self._tasks = tasks
        self._loader = loader
        self._counter = counter
        self._page_size = page_size
        self._query = ClientQuery()
        self._total: int | None = None  # None until the first page of the current query arrives
        self._exhausted = True  # nothing to fetch until a query is set
        self._loading = False
        self._generation = 0  # results of a load started before the last reset are dropped

    # --- what the screen uses -------------------------------------------------------------------------------

    @property
    def query(self) -> ClientQuery:
        return self._query

    @property
    def total(self) -> int | None:
        """How many clients match the current query (``None`` while it is loading)."""
        return self._total

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return not self._exhausted

    def set_query(self, query: ClientQuery) -> None:
        """Forget the rows shown and load the count and first page matching ``query``."""
        self._reset(query, exhausted=False, loading=True)  # loading already: a view's fetchMore waits for this
        generation, offset, limit = self._generation, 0, self._page_size
        loader, counter = self._loader, self._counter
        self._tasks.run(
            lambda: (counter(query), loader(query, offset, limit)),
            on_done=lambda result: self._on_first_page(generation, *result),
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def reload(self) -> None:
        """Run the current query again (after a client was added or changed)."""
        self.set_query(self._query)

    def clear(self) -> None:
        """Forget every row (the register locked); nothing loads until the next ``set_query``."""
        self._reset(ClientQuery(sort=self._query.sort, descending=self._query.descending), exhausted=True)

    def row_of(self, ref: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.ref == ref), None)

    def ref_at(self, index: Index) -> str | None:
        row = self.row_at(index)
        return row.ref if row is not None else None

    def _reset(self, query: ClientQuery, exhausted: bool, loading: bool = False) -> None:
        self.beginResetModel()
        self._generation += 1
        self._query = query
        self._rows = []
        self._total = None
        self._exhausted = exhausted
        self._loading = loading
        self.endResetModel()

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
        if key is self._query.sort and descending == self._query.descending:
            return
        query = ClientQuery(self._query.text, self._query.status, self._query.service_kind, key, descending)
        if self._exhausted and self._total is None and not self._rows:
            self._query = query  # nothing loaded yet (cleared): remember the order for the next query
            return
        self.set_query(query)

    def sort_column(self) -> Column:
        return SORT_COLUMNS[self._query.sort]

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._query.descending else Qt.SortOrder.AscendingOrder

    # --- paging ----------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, query, offset, limit = self._generation, self._query, len(self._rows), self._page_size
        loader = self._loader
        self._tasks.run(
            lambda: loader(query, offset, limit),
            on_done=lambda rows: self._on_page(generation, rows),
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def _on_first_page(self, generation: int, total: int, rows: list[ClientRow]) -> None:
        if generation != self._generation:
            return
        self._total = total
        self._on_page(generation, rows)
        self.query_loaded.emit()

    def _on_page(self, generation: int, rows: list[ClientRow]) -> None:
        if generation != self._generation:
            return
        if len(rows) < self._page_size:
            self._exhausted = True
        # A client added since the first page shifts the offsets; never show one client twice.
        seen = {r.id for r in self._rows[-self._page_size :]} if self._rows else set()
        rows = [r for r in rows if r.id not in seen]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        # Still "loading" while the rows go in, so that a view asking for more meanwhile waits for the next call.
        self._loading = False
        self.page_loaded.emit()

    def _on_page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.load_failed.emit(exc)

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
        return RowTableModel.headerData(self, section, orientation, role)

    def cell(self, row: ClientRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.NAME and row.trading_name:
                return f"Trading as {row.trading_name}"
            return None
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
                return row.status.label
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
