"""The Retention screen (administrators): what has passed its retention period, and deleting it (SPEC.md §3).

The list is :func:`hartdesk.privacy.retention.review`, made in the background. "Delete what is due…" asks for the
administrator's password again (checked in the background: Argon2 takes a moment), then says in numbers what will
go, then takes away exactly the list on screen (:func:`~hartdesk.privacy.retention.apply_and_wipe` refuses if the
register changed meanwhile) and wipes the freed space. A closed client that cannot go yet (a service still running)
stays in the list, tinted, with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from enum import IntEnum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import format_short_date
from hartdesk.errors import HartdeskError, ThrottledError
from hartdesk.privacy.retention import CLIENT, DueItem, counts, what_goes
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.base import SmallTableModel
from hartdesk.ui.models.request_model import dark_palette
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    WorkDialog,
    confirmation,
    grow_to_fit,
    make_list_table,
    named,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

AUDIT_NOTE = "Audit entries are never deleted: they are the proof of everything else."
NOTHING_DUE = "Nothing has passed its retention period."
BLOCKED_PREFIX = "Cannot go yet: "
# (tint behind the row, words on a light palette, words on a dark palette): the amber of "needs you first"
BLOCKED_COLOURS = ("#f0a500", "#8a5a00", "#ffd180")
TINT_ALPHA = 56


class Column(IntEnum):
    KIND = 0
    REF = 1
    WHAT = 2
    DUE = 3
    RULE = 4
    STATUS = 5


HEADERS = {
    Column.KIND: "Kind",
    Column.REF: "Reference",
    Column.WHAT: "What",
    Column.DUE: "Due since",
    Column.RULE: "Rule",
    Column.STATUS: "Can it go?",
}
COLUMN_WIDTHS = {
    Column.KIND: 100,
    Column.REF: 95,
    Column.WHAT: 250,
    Column.DUE: 95,
    Column.RULE: 175,
}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def status_text(item: DueItem) -> str:
    if item.blocked:
        return BLOCKED_PREFIX + item.blocked
    return "Can go: it will be erased" if item.kind == CLIENT else "Can go: it will be deleted"


class RetentionModel(SmallTableModel[DueItem]):
    """The review list; a row that cannot go yet is tinted amber and says why."""

    headers = tuple(HEADERS[column] for column in Column)

    def cell(self, row: DueItem, column: int, role: int) -> Any:
        column = Column(column)
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == Qt.ItemDataRole.ToolTipRole:  # on a row that cannot go, every cell says why (in a narrow window)
            return status_text(row) if row.blocked else self._display(row, column)
        if not row.blocked:
            return None
        if role == Qt.ItemDataRole.BackgroundRole:
            tint = QColor(BLOCKED_COLOURS[0])
            tint.setAlpha(TINT_ALPHA)
            return QBrush(tint)
        if role == Qt.ItemDataRole.ForegroundRole and column == Column.STATUS:
            return QBrush(QColor(BLOCKED_COLOURS[2] if dark_palette() else BLOCKED_COLOURS[1]))
        return None

    @staticmethod
    def _display(row: DueItem, column: Column) -> str:
        match column:
            case Column.KIND:
                return row.kind_label
            case Column.REF:
                return row.ref
            case Column.WHAT:
                return row.what
            case Column.DUE:
                return format_short_date(row.due_since)
            case Column.RULE:
                return row.rule
            case Column.STATUS:
                return status_text(row)


class ConfirmPasswordDialog(WorkDialog):
    """The administrator's password once more before something that cannot be undone; accepted once it was right
    (:meth:`SignedIn.confirm_password`, whose wrong tries count towards the sign-in lock-out)."""

    def __init__(self, ctx: AppContext, reason: str, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Confirm it is you", "&Continue", parent)
        self.setObjectName("confirm_password_dialog")
        self.setMinimumWidth(440)
        intro = named(QLabel(reason), "confirm_password_intro")
        intro.setWordWrap(True)
        self.password_edit = named(QLineEdit(), "confirm_password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Your &password:", self.password_edit)
        self.layout_.addWidget(intro)
        self.layout_.addSpacing(4)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.error_label.setObjectName("confirm_password_error")
        self.password_edit.setFocus()

    def submit(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.show_problem("Type your password.", self.password_edit)
            return
        who = self.ctx.who
        self.run_work(lambda: who.confirm_password(password), lambda _: self._on_confirmed())

    def _on_confirmed(self) -> None:
        self.password_edit.clear()
        self.accept()

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, HartdeskError):
            self.show_problem(exc.message)
            self.password_edit.clear()
            self.password_edit.setFocus()
            if isinstance(exc, ThrottledError):
                self.password_edit.setEnabled(False)
                self.ok_button.setEnabled(False)
            grow_to_fit(self)
        else:
            WorkDialog.show_error(self, exc)


def load_review(who: SignedIn, today: date) -> list[DueItem]:
    """Runs on a pool thread: the review list on ``today``."""
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import retention

    with who.register.session() as session:
        return retention.review(session, settings_mod.load(session), today)


def apply_review(who: SignedIn, today: date, previewed: Sequence[DueItem]) -> list[DueItem]:
    """Runs on a pool thread: take away exactly ``previewed``, then wipe the freed space."""
    from hartdesk.privacy import retention

    return retention.apply_and_wipe(who.register, who.username, who.settings(), today, previewed)


class RetentionScreen(Screen):
    title = "Retention"
    icon_name = "fa5s.hourglass-end"
    admin_only = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("retention_screen")
        self._items: list[DueItem] = []
        self._loaded = False
        self._busy = False

        intro = QLabel(
            "Records kept longer than the retention periods in Settings: closed clients (erased, their invoices kept "
            "until their own date), invoices past their tax retention date, and closed privacy request files."
        )
        intro.setWordWrap(True)
        self.audit_note = named(QLabel(AUDIT_NOTE), "audit_note")
        self.audit_note.setStyleSheet(NOTE_STYLE)
        self.audit_note.setWordWrap(True)

        self.summary_label = named(QLabel(), "summary_label")
        font = self.summary_label.font()
        font.setBold(True)
        self.summary_label.setFont(font)
        self.summary_label.setWordWrap(True)

        self.model = RetentionModel(self)
        self.table = make_list_table("retention_table", self.model, COLUMN_WIDTHS, "retention/header", row_padding=8)
        self.table.setWordWrap(True)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = named(QLabel(NOTHING_DUE), "empty_label")
        self.empty_label.setFont(font)  # the answer the screen gives, as plain as the summary of a list

        self.delete_button = named(QPushButton("&Delete what is due…"), "delete_button")
        self.delete_button.setToolTip("Asks for your password, then says what will go before anything is deleted")
        self.delete_button.setAutoDefault(False)
        self.message_label = named(QLabel(), "message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.setVisible(False)
        bottom = QHBoxLayout()
        bottom.addWidget(self.delete_button, 0, Qt.AlignmentFlag.AlignTop)
        bottom.addSpacing(8)
        bottom.addWidget(self.message_label, 1)
        bottom.addStretch(0)  # keeps the button its own size while there is no message

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.audit_note)
        layout.addSpacing(4)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty_label)
        layout.addStretch(0)
        layout.addLayout(bottom)

        self.add_shortcut("Review again", QKeySequence.StandardKey.Refresh, self.refresh)
        QWidget.setTabOrder(self.table, self.delete_button)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self._show_items(None)

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        from hartdesk.ui.request_actions import ui_today

        who = self.ctx.signed_in
        if who is None:
            return
        generation, today = self._generation, ui_today(self.ctx)
        if not self._loaded:
            self.summary_label.setText("Looking for records past their retention period…")
            self.summary_label.setVisible(True)
        self._update_button()
        self.ctx.tasks.run(
            lambda: load_review(who, today),
            on_done=lambda items: self._on_review_loaded(generation, items),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )

    def clear(self) -> None:
        self._generation += 1
        self._busy = False
        self._show_items(None)
        self._show_message("")

    # --- the list ---------------------------------------------------------------------------------------------

    def items(self) -> list[DueItem]:
        return list(self._items)

    def _on_review_loaded(self, generation: int, items: list[DueItem]) -> None:
        if self.is_current(generation) and self.ctx.signed_in is not None:
            self._show_items(items)

    def _show_items(self, items: list[DueItem] | None) -> None:
        """Show ``items`` (``None``: nothing known, the register is locked)."""
        self._loaded = items is not None
        self._items = list(items or [])
        self.model.set_rows(self._items)
        self.table.setVisible(bool(self._items))
        self.empty_label.setVisible(items is not None and not items)
        can_go = sum(1 for item in self._items if not item.blocked)
        blocked = len(self._items) - can_go
        summary = ""
        if self._items:
            if can_go:
                summary = f"{_plural(can_go, 'record')} can go now" + (
                    f"; {blocked} cannot go yet." if blocked else "."
                )
            else:
                summary = f"Nothing can go now: {_plural(blocked, 'record')} cannot go yet."
        self.summary_label.setText(summary)
        self.summary_label.setVisible(bool(summary))
        self._update_button()

    def _update_button(self) -> None:
        self.delete_button.setEnabled(self._loaded and not self._busy and any(not item.blocked for item in self._items))

    def _show_message(self, text: str, style: str = OK_STYLE) -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation) or self.ctx.signed_in is None:
            return  # locked meanwhile: the work under way fails quietly
        self._busy = False
        if isinstance(exc, HartdeskError):
            self._show_message(exc.message, ERROR_STYLE)
            self.refresh()  # the list may have changed under us: show it as it is now
        else:
            self._update_button()
            crash.report_unexpected(exc, self)

    # --- deleting ---------------------------------------------------------------------------------------------

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        previewed = list(self._items)
        if self.ctx.signed_in is None or not any(not item.blocked for item in previewed):
            return
        self._show_message("")
        dialog = ConfirmPasswordDialog(
            self.ctx,
            "Deleting records past their retention period cannot be undone. Type your password to confirm it is you.",
            self,
        )
        self.open_dialog(dialog, lambda: self._confirm(previewed))

    def _confirm(self, previewed: list[DueItem]) -> None:
        if self.ctx.signed_in is None or previewed != self._items:
            return
        blocked = sum(1 for item in previewed if item.blocked)
        details = ["This cannot be undone."]
        if counts(previewed)["clients"]:
            details.append("The invoices of an erased client stay until their own retention date.")
        if blocked:
            details.append(f"{_plural(blocked, 'record')} that cannot go yet {'stays' if blocked == 1 else 'stay'}.")
        details.append(AUDIT_NOTE)
        box = confirmation(
            self,
            "retention_confirm",
            "Delete what is due",
            what_goes(previewed) + ".",
            " ".join(details),
            "&Delete",
            lambda: self._apply(previewed),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.open()

    def _apply(self, previewed: list[DueItem]) -> None:
        from hartdesk.ui.request_actions import ui_today

        who = self.ctx.signed_in
        if who is None:
            return
        generation, today = self._generation, ui_today(self.ctx)
        self._busy = True
        self._update_button()
        self._show_message("Deleting, then wiping the freed space in the register file…", NOTE_STYLE)
        self.ctx.tasks.run(
            lambda: apply_review(who, today, previewed),
            on_done=lambda done: self._on_applied(generation, done),
            on_error=lambda exc: self._on_task_failed(generation, exc),
            serial=True,
        )

    def _on_applied(self, generation: int, done: list[DueItem]) -> None:
        if not self.is_current(generation) or self.ctx.signed_in is None:
            return
        self._busy = False
        if done:
            self._show_message(f"Done: {what_goes(done, done=True)}. The freed space in the register file was wiped.")
        else:
            self._show_message("Nothing could go.")
        self.refresh()
