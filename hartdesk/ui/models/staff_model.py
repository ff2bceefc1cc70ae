"""The list of staff accounts as a table model (rows are :class:`~hartdesk.security.staff.StaffRow`)."""

from __future__ import annotations

from enum import IntEnum
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QBrush, QColor

from hartdesk.models import Role
from hartdesk.security.staff import StaffRow

Index = QModelIndex | QPersistentModelIndex

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
    ROW = int(Qt.ItemDataRole.UserRole)  # the StaffRow itself
    USERNAME = int(Qt.ItemDataRole.UserRole) + 1
    ACTIVE = int(Qt.ItemDataRole.UserRole) + 2


def local_date(value: Any) -> str:
    return value.astimezone().strftime("%d/%m/%Y") if value is not None else ""


class StaffTableModel(QAbstractTableModel):
    """Read-only; the screen replaces the rows after every change (a few dozen accounts at most)."""

    def __init__(self, parent: Any = None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self._rows: list[StaffRow] = []

    # --- what the screen uses -------------------------------------------------------------------------------

    def set_rows(self, rows: list[StaffRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def clear(self) -> None:
        self.set_rows([])

    def row_at(self, index: Index) -> StaffRow | None:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        return self._rows[index.row()]

    def row_of(self, username: str) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.username == username), None)

    # --- Qt overrides -----------------------------------------------------------------------------------------

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if (
            orientation == Qt.Orientation.Horizontal
            and role == Qt.ItemDataRole.DisplayRole
            and 0 <= section < len(Column)
        ):
            return HEADERS[Column(section)]
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(Column):
            return None
        column = Column(index.column())
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole and column == Column.STATUS and row.disabled_at is not None:
            return f"Disabled on {local_date(row.disabled_at)}"
        if role == Qt.ItemDataRole.ForegroundRole and not row.active:
            return QBrush(_DISABLED_COLOUR)
        if role == StaffDataRole.ROW:
            return row
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
