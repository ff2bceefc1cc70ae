"""Services as a table model that loads in pages (:class:`~hartdesk.ui.models.base.PagedTableModel`), filtered in
SQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from hartdesk.models.enums import ServiceStatus
from hartdesk.register.services import ServiceQuery, ServiceRow
from hartdesk.ui.models.base import PAGE_SIZE, ROW_ROLE, PagedTableModel
from hartdesk.ui.tasks import TaskRunner

_ENDED_COLOUR = QColor("#7a7a7a")


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
