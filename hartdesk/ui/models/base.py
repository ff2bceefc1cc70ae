"""What every list model shares: rows cached as plain dataclasses, one header per column, read-only cells."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

Index = QModelIndex | QPersistentModelIndex
RowT = TypeVar("RowT")
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
