"""The audit log as a table model that loads in pages (:class:`~hartdesk.ui.models.base.PagedTableModel`), newest
first, filtered in SQL: its loader is given an :class:`AuditFilter` and returns
:class:`~hartdesk.security.audit.AuditRow` lists.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt

from hartdesk.security.audit import AuditRow
from hartdesk.ui.models.base import PAGE_SIZE, ROW_ROLE, PagedTableModel
from hartdesk.ui.tasks import TaskRunner


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
        if key == "sealed":
            # Before/after values of a rectification, sealed with the client's key (gone once it is erased).
            parts.append("values before and after: sealed")
        else:
            parts.append(f"{key}: {_plain(value)}")
    return "; ".join(parts)


class AuditTableModel(PagedTableModel[AuditRow, AuditFilter]):
    """Rows are cached :class:`AuditRow` dataclasses; ``set_filter`` starts again from the newest row."""

    headers = tuple(HEADERS[column] for column in Column)

    def __init__(
        self, tasks: TaskRunner, loader: Loader, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        PagedTableModel.__init__(self, tasks, loader, lambda row: row.id, parent, page_size)

    def set_filter(self, audit_filter: AuditFilter) -> None:
        """Forget the rows shown and load the first page matching ``audit_filter``."""
        self.set_query(audit_filter)

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
