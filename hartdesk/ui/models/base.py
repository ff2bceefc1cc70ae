"""What every list model shares: rows cached as plain dataclasses, one header per column, read-only cells; the short
lists given all their rows at once; and the paging of the lists that can be long, with their count."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt, Signal

from hartdesk.ui.tasks import TaskRunner

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
QueryT = TypeVar("QueryT")
PAGE_SIZE = 200
ROW_ROLE = int(Qt.ItemDataRole.UserRole)  # every model gives the row itself under this role


class RowTableModel(QAbstractTableModel, Generic[RowT]):
    """A flat, read-only table over ``self._rows``; a subclass names its ``headers`` and implements ``cell``."""

    headers: ClassVar[Sequence[str]] = ()  # one per column, in column order

    def __init__(self, parent: QObject | None = None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self._rows: list[RowT] = []

    def row_at(self, index: Index) -> RowT | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def cell(self, row: RowT, column: int, role: int) -> Any:
        """What ``role`` shows for ``column`` of ``row`` (``None`` for nothing)."""
        raise NotImplementedError

    # --- Qt overrides -----------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(self.headers)
        ):
            return self.headers[section]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(self.headers):
            return None
        if role == ROW_ROLE:
            return row
        return self.cell(row, index.column(), role)


class SmallTableModel(RowTableModel[RowT]):
    """A table given every row at once (a short list), replaced whole after each change."""

    def set_rows(self, rows: Sequence[RowT]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])


class PagedTableModel(RowTableModel[RowT], Generic[RowT, QueryT]):
    """Rows of one query, loaded a page at a time through ``tasks``; ``set_query`` starts again from the top.

    The model knows nothing of the register: it is given a ``loader(query, offset, limit)`` returning plain rows and
    the task runner to call it with, so pages load off the GUI thread and the view asks for the next page
    (``canFetchMore``/``fetchMore``) as the clerk scrolls. A page that arrives after the query changed (or the model
    was cleared) is dropped, and a row already shown is never added twice (``key`` names a row), even if rows
    written meanwhile shift the offsets.
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
        self._generation = 0  # results of a load started before the last reset are dropped

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

    def _reset(self, query: QueryT | None, exhausted: bool, loading: bool = False) -> None:
        self.beginResetModel()
        self._generation += 1
        self._query = query
        self._rows = []
        self._keys = set()
        self._exhausted = exhausted
        self._loading = loading
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
        if len(rows) < self._page_size:
            self._exhausted = True
        fresh = [r for r in rows if self._key(r) not in self._keys]
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            self._rows.extend(fresh)
            self._keys.update(self._key(r) for r in fresh)
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


class HasRef(Protocol):
    """A row named by its reference (``C-0001``, ``DSR-2026-0001``)."""

    @property
    def ref(self) -> str: ...


RefRowT = TypeVar("RefRowT", bound=HasRef)


class CountedTableModel(PagedTableModel[RefRowT, QueryT]):
    """A paged list of rows named by their reference whose first page arrives with ``total``, the count of every row
    the query matches: ``counter(query)`` runs in the same task as the first page, and ``query_loaded`` says both
    arrived. The result of a query older than the last ``set_query`` is dropped."""

    query_loaded = Signal()  # the count and the first page of the current query arrived

    def __init__(
        self,
        tasks: TaskRunner,
        loader: Callable[[QueryT, int, int], list[RefRowT]],
        counter: Callable[[QueryT], int],
        parent: QObject | None = None,
        page_size: int = PAGE_SIZE,
    ) -> None:
        PagedTableModel.__init__(self, tasks, loader, lambda row: row.ref, parent, page_size)
        self._counter = counter
        self._total: int | None = None  # None until the first page of the current query arrives

    @property
    def total(self) -> int | None:
        """How many rows match the current query (``None`` while it is loading)."""
        return self._total

    def set_query(self, query: QueryT) -> None:
        """Forget the rows shown and load the count and the first page matching ``query``."""
        self._reset(query, exhausted=False, loading=True)  # loading already: a view's fetchMore waits for this
        generation, offset, limit = self._generation, 0, self._page_size
        loader, counter = self._loader, self._counter
        self._tasks.run(
            lambda: (counter(query), loader(query, offset, limit)),
            on_done=lambda result: self._on_first_page(generation, *result),
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def ref_at(self, index: Index) -> str | None:
        row = self.row_at(index)
        return row.ref if row is not None else None

    def _reset(self, query: QueryT | None, exhausted: bool, loading: bool = False) -> None:
        self._total = None
        PagedTableModel._reset(self, query, exhausted, loading)

    def _on_first_page(self, generation: int, total: int, rows: list[RefRowT]) -> None:
        if generation != self._generation:
            return
        self._total = total
        self._on_page(generation, rows)
        self.query_loaded.emit()
