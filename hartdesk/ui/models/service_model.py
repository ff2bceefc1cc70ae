"""Services as a table model that loads in pages, filtered in SQL; and the paging every such list shares.

The models know nothing of the register: each is given a ``loader(query, offset, limit)`` returning plain rows, and
the task runner to call it with, so pages load off the GUI thread and the view asks for the next page
(``canFetchMore``/``fetchMore``) as the clerk scrolls.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from datetime import date
from enum import IntEnum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal
from PySide6.QtGui import QBrush, QColor

from hartdesk.models.enums import ServiceStatus
from hartdesk.register.services import ServiceQuery, ServiceRow
from hartdesk.ui.models.base import ROW_ROLE, Index, RowTableModel
from hartdesk.ui.tasks import TaskRunner

PAGE_SIZE = 200
_ENDED_COLOUR = QColor("#7a7a7a")
RowT = TypeVar("RowT")
QueryT = TypeVar("QueryT")


class PagedTableModel(RowTableModel[RowT], Generic[RowT, QueryT]):
    """Rows of one query, loaded a page at a time through ``tasks``; ``set_query`` starts again from the top.

    A page that arrives after the query changed (or the model was cleared) is dropped, and a row already shown is
    never added twice (``key`` names a row), even if rows written meanwhile shift the offsets.
    """

    page_loaded = Signal()  # after each page arrives (also an empty last page)
    load_failed = Signal(object)  # the exception

    def __init__(
        self,
        tasks: TaskRunner,
        loader: Callable[[QueryT, int, int], list[RowT]],
        key: Callable[[RowT], Hashable],
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        RowTableModel.__init__(self, parent)
        self._tasks = tasks
        self._loader = loader
        self._key = key
        self._keys: set[Hashable] = set()
        self._page_size = page_size
        self._query: QueryT | None = None
        self._exhausted = True  # nothing to fetch until a query is set
        self._loading = False
        self._generation = 0

    # --- what the screen uses -------------------------------------------------------------------------------

    @property
    def query(self) -> QueryT | None:
        return self._query

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return not self._exhausted

    def set_query(self, query: QueryT) -> None:
        """Forget the rows shown and load the first page matching ``query``."""
        self._reset(query, exhausted=False)
        self.fetchMore(QModelIndex())

    def clear(self) -> None:
        """Forget every row (the register locked); nothing loads until the next ``set_query``."""
        self._reset(None, exhausted=True)

    def row_of(self, key: Hashable) -> int | None:
        return next((i for i, r in enumerate(self._rows) if self._key(r) == key), None)

    def _reset(self, query: QueryT | None, exhausted: bool) -> None:
        self.beginResetModel()
        self._generation += 1
        self._query = query
        self._rows = []
        self._keys = set()
        self._exhausted = exhausted
        self._loading = False
        self.endResetModel()

    # --- paging ----------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading and self._query is not None

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, query, offset, limit = self._generation, self._query, len(self._rows), self._page_size
        assert query is not None
        loader = self._loader
        self._tasks.run(
            lambda: loader(query, offset, limit),
            on_done=lambda rows: self._on_page(generation, rows),
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def _on_page(self, generation: int, rows: list[RowT]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if len(rows) < self._page_size:
            self._exhausted = True
        fresh = [r for r in rows if self._key(r) not in self._keys]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._keys.update(self._key(r) for r in fresh)
            self.endInsertRows()
        self.page_loaded.emit()

    def _on_page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.load_failed.emit(exc)


# --- services ------------------------------------------------------------------------------------------------------


class Column(IntEnum):
    SERVICE = 0
    KIND = 1
    STATUS = 2
    CLIENT = 3
    REF = 4
    RENEWAL = 5
    START = 6


HEADERS = {
    Column.SERVICE: "Domain or name",
    Column.KIND: "Kind",
    Column.STATUS: "Status",
    Column.CLIENT: "Client",
    Column.REF: "Ref",
    Column.RENEWAL: "Renewal",
    Column.START: "Started",
}


class ServiceDataRole(IntEnum):
    ROW = ROW_ROLE  # the ServiceRow itself
    ID = ROW_ROLE + 1
    CLIENT_REF = ROW_ROLE + 2


ServiceLoader = Callable[[ServiceQuery, int, int], list[ServiceRow]]


def uk_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


class ServiceTableModel(PagedTableModel[ServiceRow, ServiceQuery]):
    """Rows are cached :class:`ServiceRow` dataclasses, by domain or name (the order the core sorts them in)."""

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(
        self, tasks: TaskRunner, loader: ServiceLoader, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        PagedTableModel.__init__(self, tasks, loader, lambda row: row.id, parent, page_size)

    def cell(self, row: ServiceRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.CLIENT:
            return f"{row.client_name} ({row.client_ref})"
        if role == Qt.ItemDataRole.ForegroundRole and row.status is ServiceStatus.ENDED:
            return QBrush(_ENDED_COLOUR)
        if role == ServiceDataRole.ID:
            return row.id
        if role == ServiceDataRole.CLIENT_REF:
            return row.client_ref
        return None

    @staticmethod
    def _display(row: ServiceRow, column: Column) -> str:
        match column:
            case Column.SERVICE:
                return row.identifier
            case Column.KIND:
                return row.kind.label
            case Column.STATUS:
                return row.status.label
            case Column.CLIENT:
                return row.client_name
            case Column.REF:
                return row.client_ref
            case Column.RENEWAL:
                return uk_date(row.renewal_date)
            case Column.START:
                return uk_date(row.start_date)
