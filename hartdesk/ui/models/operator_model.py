"""Operators, the data categories each receives, and the clients each serves, as table models.

Rows are the core's plain dataclasses (:class:`OperatorRow`, :class:`RuleView`, :class:`ServedClient`). Operators and
their rules are a few dozen rows and are replaced whole; the clients an operator serves can be thousands, so they
load in pages.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntEnum
from typing import Any

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QBrush, QColor

from hartdesk.models.enums import DpaStatus, TransferSafeguard
from hartdesk.register.operators import OperatorRow, RuleView, ServedClient
from hartdesk.ui.models.base import PAGE_SIZE, ROW_ROLE, PagedTableModel, SmallTableModel
from hartdesk.ui.tasks import TaskRunner

EVERY_CLIENT = "Every client"
_WARNING_COLOUR = QColor("#8a5a00")

# The table is narrow; the full wording (TransferSafeguard.label) shows in the tooltip and the forms.
SAFEGUARD_SHORT = {
    TransferSafeguard.NOT_RESTRICTED: "Not needed (UK)",
    TransferSafeguard.UK_ADEQUACY: "UK adequacy",
    TransferSafeguard.IDTA: "IDTA",
    TransferSafeguard.ADDENDUM: "UK addendum",
    TransferSafeguard.NONE: "None",
}


# --- operators -------------------------------------------------------------------------------------------------------


class OperatorColumn(IntEnum):
    NAME = 0
    ROLE = 1
    COUNTRY = 2
    SAFEGUARD = 3
    DPA = 4
    SERVICES = 5
    EVERY_CLIENT = 6


OPERATOR_HEADERS = {
    OperatorColumn.NAME: "Name",
    OperatorColumn.ROLE: "Role",
    OperatorColumn.COUNTRY: "Country",
    OperatorColumn.SAFEGUARD: "Transfer safeguard",
    OperatorColumn.DPA: "DPA",
    OperatorColumn.SERVICES: "Services",
    OperatorColumn.EVERY_CLIENT: "Every client",
}


class OperatorDataRole(IntEnum):
    ROW = ROW_ROLE  # the OperatorRow itself
    ID = ROW_ROLE + 1


class OperatorTableModel(SmallTableModel[OperatorRow]):
    """Read-only; the screen replaces the rows after every change."""

    headers = tuple(OPERATOR_HEADERS[column] for column in OperatorColumn)

    def row_of(self, operator_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == operator_id), None)

    def cell(self, row: OperatorRow, column: int, role: int) -> Any:
        column = OperatorColumn(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == OperatorColumn.SAFEGUARD:
                return row.safeguard.label
            if column in (OperatorColumn.NAME, OperatorColumn.ROLE, OperatorColumn.COUNTRY):
                return self._display(row, column)
            if column == OperatorColumn.EVERY_CLIENT and row.serves_every_client:
                return "A data category goes to this operator for every client, whatever services they have"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole and column == OperatorColumn.SERVICES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole and (
            (column == OperatorColumn.SAFEGUARD and row.safeguard is TransferSafeguard.NONE)
            or (column == OperatorColumn.DPA and row.dpa_status is not DpaStatus.SIGNED)
        ):
            return QBrush(_WARNING_COLOUR)
        if role == OperatorDataRole.ID:
            return row.id
        return None

    @staticmethod
    def _display(row: OperatorRow, column: OperatorColumn) -> str:
        match column:
            case OperatorColumn.NAME:
                return row.name
            case OperatorColumn.ROLE:
                return row.role
            case OperatorColumn.COUNTRY:
                return row.country_name
            case OperatorColumn.SAFEGUARD:
                return SAFEGUARD_SHORT.get(row.safeguard, row.safeguard.label)
            case OperatorColumn.DPA:
                return row.dpa_status.label
            case OperatorColumn.SERVICES:
                return str(row.services)
            case OperatorColumn.EVERY_CLIENT:
                return "Yes" if row.serves_every_client else ""


# --- the categories an operator receives ------------------------------------------------------------------------------


class RuleColumn(IntEnum):
    CATEGORY = 0
    FOR = 1
    CONDITION = 2
    PURPOSE = 3


RULE_HEADERS = {
    RuleColumn.CATEGORY: "Data category",
    RuleColumn.FOR: "For",
    RuleColumn.CONDITION: "Condition",
    RuleColumn.PURPOSE: "Purpose",
}


class RuleDataRole(IntEnum):
    ROW = ROW_ROLE  # the RuleView itself
    ID = ROW_ROLE + 1


def rule_scope(rule: RuleView) -> str:
    """Whose data the rule covers: every client, or the clients with services of one kind naming the operator."""
    return EVERY_CLIENT if rule.service_kind is None else f"{rule.service_kind.label} services"


class RuleTableModel(SmallTableModel[RuleView]):
    headers = tuple(RULE_HEADERS[column] for column in RuleColumn)

    def cell(self, row: RuleView, column: int, role: int) -> Any:
        column = RuleColumn(column)
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            match column:
                case RuleColumn.CATEGORY:
                    return row.category_name
                case RuleColumn.FOR:
                    return rule_scope(row)
                case RuleColumn.CONDITION:
                    return row.condition.label
                case RuleColumn.PURPOSE:
                    return row.purpose
        if role == RuleDataRole.ID:
            return row.id
        return None


# --- the clients an operator serves -----------------------------------------------------------------------------------


class ServedColumn(IntEnum):
    REF = 0
    CLIENT = 1
    VIA = 2


SERVED_HEADERS = {
    ServedColumn.REF: "Ref",
    ServedColumn.CLIENT: "Client",
    ServedColumn.VIA: "Through",
}


class ServedDataRole(IntEnum):
    ROW = ROW_ROLE  # the ServedClient itself
    REF = ROW_ROLE + 1


ServedLoader = Callable[[int, int, int], list[ServedClient]]  # (operator id, offset, limit)


class ServedClientModel(PagedTableModel[ServedClient, int]):
    """The clients whose services name one operator (the query is the operator's id), by name, a page at a time."""

    headers = tuple(SERVED_HEADERS[column] for column in ServedColumn)

    def __init__(
        self, tasks: TaskRunner, loader: ServedLoader, parent: QObject | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        PagedTableModel.__init__(self, tasks, loader, lambda row: row.ref, parent, page_size)

    def cell(self, row: ServedClient, column: int, role: int) -> Any:
        column = ServedColumn(column)
        if role == Qt.ItemDataRole.DisplayRole or (role == Qt.ItemDataRole.ToolTipRole and column == ServedColumn.VIA):
            match column:
                case ServedColumn.REF:
                    return row.ref
                case ServedColumn.CLIENT:
                    return row.name
                case ServedColumn.VIA:
                    return row.via
        if role == ServedDataRole.REF:
            return row.ref
        return None
