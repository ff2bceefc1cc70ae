"""The list of staff accounts as a table model (rows are :class:`~hartdesk.security.staff.StaffRow`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor

from hartdesk.models import Role
from hartdesk.security.staff import StaffRow
from hartdesk.ui.models.base import ROW_ROLE, SmallTableModel

ROLE_NAMES = {Role.ADMIN: "Administrator", Role.STAFF: "Staff"}
_DISABLED_COLOUR = QColor("#7a7a7a")


class Column(IntEnum):
    USERNAME = 0
    NAME = 1
    ROLE = 2
    STATUS = 3
    TOTP = 4
    CREATED = 5


HEADERS = {
    Column.USERNAME: "User name",
    Column.NAME: "Full name",
    Column.ROLE: "Role",
    Column.STATUS: "Status",
    Column.TOTP: "TOTP",
    Column.CREATED: "Created",
}


class StaffDataRole(IntEnum):
    ROW = ROW_ROLE  # the StaffRow itself
    USERNAME = ROW_ROLE + 1
    ACTIVE = ROW_ROLE + 2


def local_date(value: Any) -> str:
    return value.astimezone().strftime("%d/%m/%Y") if value is not None else ""


class StaffTableModel(SmallTableModel[StaffRow]):
    """Read-only; the screen replaces the rows after every change (a few dozen accounts at most)."""

    headers = tuple(HEADERS[column] for column in Column)

    # --- what the screen uses -------------------------------------------------------------------------------

    def row_of(self, username: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.username == username), None)

    # --- cells -----------------------------------------------------------------------------------------------

    def cell(self, row: StaffRow, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.STATUS and row.disabled_at is not None:
            return f"Disabled on {local_date(row.disabled_at)}"
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(_DISABLED_COLOUR)
        if role == StaffDataRole.USERNAME:
            return row.username
        if role == StaffDataRole.ACTIVE:
            return row.active
        return None

    @staticmethod
    def _display(row: StaffRow, column: Column) -> str:
        match column:
            case Column.USERNAME:
                return row.username
            case Column.NAME:
                return row.display_name
            case Column.ROLE:
                return ROLE_NAMES.get(row.role, str(row.role))
            case Column.STATUS:
                return "Active" if row.active else "Disabled"
            case Column.TOTP:
                return "Yes" if row.totp_enrolled else "No"
            case Column.CREATED:
                return local_date(row.created_at)
