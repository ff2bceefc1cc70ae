"""The audit log as a table model that loads in pages, newest first, filtered in SQL.

The model knows nothing of the register: it is given a ``loader(filter, offset, limit)`` that returns
:class:`~hartdesk.security.audit.AuditRow` lists, and the task runner to call it with, so pages load off the GUI
thread and the view asks for the next page (``canFetchMore``/``fetchMore``) as the clerk scrolls.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QModelIndex, QObject, Qt, Signal

from hartdesk.security.audit import AuditRow
from hartdesk.ui.models.base import ROW_ROLE, Index, RowTableModel
from hartdesk.ui.tasks import TaskRunner

PAGE_SIZE = 200


class Column(IntEnum):
    WHEN = 0
    WHO = 1
    ACTION = 2
    RECORD = 3
    DETAILS = 4


HEADERS = {
    Column.WHEN: "When",
    Column.WHO: "Who",
    Column.ACTION: "Action",
    Column.RECORD: "Record",
    Column.DETAILS: "Details",
}


class AuditDataRole(IntEnum):
    ROW = ROW_ROLE  # the AuditRow itself
    ID = ROW_ROLE + 1


@dataclass(frozen=True)
class AuditFilter:
    """What the clerk picked; ``None`` means "any". ``since``/``until`` are aware datetimes (until exclusive)."""

    actor: str | None = None
    action: str | None = None
    since: datetime | None = None
    until: datetime | None = None


Loader = Callable[[AuditFilter, int, int], list[AuditRow]]


def local_time(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M:%S")


def _plain(value: object) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_plain(v) for v in value)
    return str(value)


def details_text(details: str) -> str:
    """The stored JSON as "key: value; ..." (an empty object shows as nothing)."""
    try:
        parsed = json.loads(details)
    except ValueError:
        return details
    if not isinstance(parsed, dict):
        return details
    parts = []
    for key, value in parsed.items():
        parts.append(f"{key}: {_plain(value)}")
    return "; ".join(parts)


class AuditTableModel(RowTableModel[AuditRow]):
    """Rows are cached :class:`AuditRow` dataclasses; ``set_filter`` starts again from the newest row."""

    page_loaded = Signal()  # after each page arrives (also an empty last page)
    load_failed = Signal(object)  # the exception

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(
        self, tasks: TaskRunner, loader: Loader, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        RowTableModel.__init__(self, parent)
        self._tasks = tasks
        self._loader = loader
        self._page_size = page_size
        self._filter = AuditFilter()
        self._exhausted = True  # nothing to fetch until a filter is set
        self._loading = False
        self._generation = 0  # results of a load started before the last reset are dropped

    # --- what the screen uses -------------------------------------------------------------------------------

    @property
    def current_filter(self) -> AuditFilter:
        return self._filter

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def has_more(self) -> bool:
        return not self._exhausted

    def set_filter(self, audit_filter: AuditFilter) -> None:
        """Forget the rows shown and load the first page matching ``audit_filter``."""
        self._reset(audit_filter, exhausted=False)
        self.fetchMore(QModelIndex())

    def clear(self) -> None:
        """Forget every row (the register locked); nothing loads until the next ``set_filter``."""
        self._reset(AuditFilter(), exhausted=True)

    def _reset(self, audit_filter: AuditFilter, exhausted: bool) -> None:
        self.beginResetModel()
        self._generation += 1
        self._filter = audit_filter
        self._rows = []
        self._exhausted = exhausted
        self._loading = False
        self.endResetModel()

    # --- paging ----------------------------------------------------------------------------------------------

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and not self._exhausted and not self._loading

    def fetchMore(self, parent: Index) -> None:
        if not self.canFetchMore(parent):
            return
        self._loading = True
        generation, audit_filter, offset = self._generation, self._filter, len(self._rows)
        self._tasks.run(
            lambda: self._loader(audit_filter, offset, self._page_size),
            on_done=lambda rows: self._on_page(generation, rows),
            on_error=lambda exc: self._on_page_failed(generation, exc),
        )

    def _on_page(self, generation: int, rows: list[AuditRow]) -> None:
        if generation != self._generation:
            return
        self._loading = False
        if len(rows) < self._page_size:
            self._exhausted = True
        if self._rows:
            # Rows written since the first page shift the offsets; never show one row twice.
            oldest = self._rows[-1].id
            rows = [r for r in rows if r.id < oldest]
        if rows:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(rows) - 1)
            self._rows.extend(rows)
            self.endInsertRows()
        self.page_loaded.emit()

    def _on_page_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation:
            return
        self._loading = False
        self._exhausted = True
        self.load_failed.emit(exc)

    # --- cells -----------------------------------------------------------------------------------------------

    def cell(self, row: AuditRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == Column.DETAILS:
                return details_text(row.details) or None
            if column == Column.WHEN:
                return f"Audit row {row.id}"
            if column == Column.RECORD:
                return row.target or None
            return None
        if role == AuditDataRole.ID:
            return row.id
        return None

    @staticmethod
    def _display(row: AuditRow, column: Column) -> str:
        match column:
            case Column.WHEN:
                return local_time(row.at)
            case Column.WHO:
                return row.actor
            case Column.ACTION:
                return row.action
            case Column.RECORD:
                return row.target
            case Column.DETAILS:
                return details_text(row.details)
