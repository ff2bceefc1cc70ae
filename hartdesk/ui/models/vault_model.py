"""The logins in the credentials vault, as a table model (never their secrets: the vault's rows hold none).

Even a busy agency keeps a few thousand logins at most (benchmarks/bench_vault.py lists 2 000), so the list is given
whole (:class:`SmallTableModel`) after each search. A login whose rotation reminder has come shows its due date in
amber, bold, with a tooltip saying so.
"""

from __future__ import annotations

from datetime import date
from enum import IntEnum
from typing import Any
from urllib.parse import urlsplit

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont, QGuiApplication, QPalette

from hartdesk.dates import format_short_date
from hartdesk.security.vault import CredentialRow
from hartdesk.ui.models.base import ROW_ROLE, SmallTableModel


class VaultColumn(IntEnum):
    OPERATOR = 0
    ACCOUNT = 1
    LOGIN_PAGE = 2
    CLIENTS = 3
    DOMAINS = 4
    OTP = 5
    ROTATED = 6
    DUE = 7


VAULT_HEADERS = {
    VaultColumn.OPERATOR: "Operator",
    VaultColumn.ACCOUNT: "Account",
    VaultColumn.LOGIN_PAGE: "Login page",
    VaultColumn.CLIENTS: "Clients",
    VaultColumn.DOMAINS: "Domains",
    VaultColumn.OTP: "2FA",
    VaultColumn.ROTATED: "Last rotated",
    VaultColumn.DUE: "Rotation due",
}


class VaultDataRole(IntEnum):
    ROW = ROW_ROLE  # the CredentialRow itself
    ID = ROW_ROLE + 1


def amber() -> QColor:
    """The warning colour, readable on the palette in use (a darker amber on light windows, a lighter on dark)."""
    base = QGuiApplication.palette().color(QPalette.ColorRole.Base)
    return QColor("#8a5a00") if base.lightness() >= 128 else QColor("#f2b84b")


def short_url(url: str) -> str:
    """A login page without its scheme (``https://`` says nothing in a narrow column)."""
    parts = urlsplit(url)
    if not parts.hostname:
        return url
    rest = parts.path.rstrip("/") + (f"?{parts.query}" if parts.query else "")
    return parts.netloc + rest


class VaultTableModel(SmallTableModel[CredentialRow]):
    """Read-only; the screen replaces the rows after every search or change, with the day rotation is judged on."""

    headers = tuple(VAULT_HEADERS[column] for column in VaultColumn)

    def __init__(self, parent: Any = None) -> None:
        SmallTableModel.__init__(self, parent)
        self.today = date.min

    def set_day(self, today: date) -> None:
        """The day "rotation due" is judged on (the app's clock), set before the rows."""
        self.today = today

    def row_of(self, credential_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.id == credential_id), None)

    def rows(self) -> list[CredentialRow]:
        return list(self._rows)

    def cell(self, row: CredentialRow, column: int, role: int) -> Any:
        column = VaultColumn(column)
        due = row.rotation_overdue(self.today)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == VaultColumn.LOGIN_PAGE:
                return row.login_url or None
            if column == VaultColumn.OTP:
                return "A 2FA key is kept: the screen shows its current code" if row.has_otp else "No 2FA key kept"
            if column == VaultColumn.DUE:
                if row.rotation_due is None:
                    return "No rotation reminder"
                return "Rotation due: change this password (Rotate)" if due else "When the password should be changed"
            return self._display(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole and column == VaultColumn.DUE and due:
            return QBrush(amber())
        if role == Qt.ItemDataRole.FontRole and column == VaultColumn.DUE and due:
            font = QFont()
            font.setBold(True)
            return font
        if role == Qt.ItemDataRole.TextAlignmentRole and column == VaultColumn.OTP:
            return int(Qt.AlignmentFlag.AlignCenter)
        if role == VaultDataRole.ID:
            return row.id
        return None

    @staticmethod
    def _display(row: CredentialRow, column: VaultColumn) -> str:
        match column:
            case VaultColumn.OPERATOR:
                return row.operator
            case VaultColumn.ACCOUNT:
                return row.account_name
            case VaultColumn.LOGIN_PAGE:
                return short_url(row.login_url)
            case VaultColumn.CLIENTS:
                return ", ".join(row.clients)
            case VaultColumn.DOMAINS:
                return ", ".join(row.domains)
            case VaultColumn.OTP:
                return "Yes" if row.has_otp else "No"
            case VaultColumn.ROTATED:
                return format_short_date(row.rotated_on)
            case VaultColumn.DUE:
                return format_short_date(row.rotation_due) if row.rotation_due is not None else ""
