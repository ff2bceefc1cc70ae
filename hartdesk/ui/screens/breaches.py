"""The Breaches screen: the register of personal data breaches (UK GDPR Art. 33(5)), every one, reported or not,
newest first, with its 72-hour clock; log a new one, open one, and make the register as a PDF.

Every member of staff can log a breach: whoever finds one writes it down at once, so that the clock is known. The
list is read in a task; its clocks are worked out again every minute from ``ctx.clock`` (red when less than 24 hours
are left to decide on reporting to the ICO, or the time has passed; amber under 48), without reading the register
again.
"""

from __future__ import annotations

import itertools

import shiboken6
from PySide6.QtCore import QItemSelection, QModelIndex, QTimer, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.privacy.breaches import BreachRow
from hartdesk.ui.breach_form import BreachForm
from hartdesk.ui.breach_window import now_of, open_breach, register_maker
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.breach_model import BreachTableModel, Column
from hartdesk.ui.request_intake import uk_now
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.screens.listing import RefSelection, focus_table, list_labels
from hartdesk.ui.widgets import ERROR_STYLE, NOTE_STYLE, make_list_table, named

TICK_MS = 60_000  # the clocks are worked out again every minute
COLUMN_WIDTHS = {  # fits the window's default size beside the sidebar; the clerk's own widths are remembered
    Column.REF: 90,
    Column.AWARE: 128,
    Column.CLOCK: 150,
    Column.RISK: 90,
    Column.DECISION: 100,
    Column.REPORTED: 92,
    Column.CLIENTS: 56,
}  # the summary takes the rest
HINT = (
    "Enter or a double-click opens a breach. Red: under 24 hours left to decide on reporting to the ICO, or overdue; "
    "amber: under 48 hours."
)


def count_text(count: int) -> str:
    return f"{count} breach" if count == 1 else f"{count} breaches"


class BreachesScreen(RefSelection, Screen):
    title = "Breaches"
    icon_name = "fa5s.exclamation-triangle"
    admin_only = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("breaches_screen")

        self.log_button = named(QPushButton("&Log a breach…"), "log_button")
        self.log_button.setToolTip("Write down a personal data breach as soon as it is found (Ctrl+N)")
        self.open_button = named(QPushButton("&Open"), "open_button")
        self.open_button.setToolTip("Open the selected breach (Enter or double-click)")
        self.register_button = named(QPushButton("Breach &register…"), "register_button")
        self.register_button.setToolTip("Every breach, reported or not, as a PDF (UK GDPR Art. 33(5))")
        top = QHBoxLayout()
        for button in (self.log_button, self.open_button, self.register_button):
            button.setAutoDefault(False)
            top.addWidget(button)
        top.addStretch(1)

        self.model = BreachTableModel(self)
        self.table = make_list_table("breaches_table", self.model, COLUMN_WIDTHS, "breaches/header", row_padding=8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(Column.SUMMARY, QHeaderView.ResizeMode.Stretch)
        self.count_label, self.message_label = list_labels()
        self.hint_label = named(QLabel(HINT), "hint_label")
        self.hint_label.setWordWrap(True)
        self.hint_label.setStyleSheet(NOTE_STYLE)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.hint_label)
        layout.addWidget(self.message_label)

        self.add_shortcut("Log a breach", QKeySequence.StandardKey.New, self._on_log_requested)
        for first, second in itertools.pairwise([self.log_button, self.open_button, self.register_button, self.table]):
            QWidget.setTabOrder(first, second)
        self.log_button.clicked.connect(self._on_log_requested)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.register_button.clicked.connect(self._on_register_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._update_buttons)
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.update_clocks)
        self.tick.start()
        self._update_buttons()

    # --- loading ----------------------------------------------------------------------------------------------

    def refresh(self, select: str | None = None) -> None:
        who = self.ctx.signed_in
        if who is None:
            return
        keep = select or self.selected_ref()
        generation, now = self._generation, now_of(self.ctx)

        def load() -> list[BreachRow]:
            from hartdesk.privacy import breaches

            with who.register.session() as session:
                return breaches.list_breaches(session, now)

        def loaded(rows: list[BreachRow]) -> None:
            if not self.is_current(generation) or self.ctx.signed_in is None:
                return
            self.model.set_breaches(rows, now)
            self.count_label.setText(
                count_text(len(rows)) if rows else "No breaches recorded. Log one with Log a breach… (Ctrl+N)."
            )
            if keep is not None:
                self.select_ref(keep)

        def failed(exc: BaseException) -> None:
            if not self.is_current(generation) or self.ctx.signed_in is None:
                return
            if isinstance(exc, HartdeskError):
                self._say(exc.message, ERROR_STYLE)
            else:
                show_error(self, exc)

        self.ctx.tasks.run(load, on_done=loaded, on_error=failed)

    def clear(self) -> None:
        self._generation += 1
        self.model.clear()
        self.count_label.clear()
        self._say("")
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    @Slot()
    def update_clocks(self) -> None:
        """Work the clocks out again at the time ``ctx.clock`` gives now."""
        if shiboken6.isValid(self):
            self.model.set_now(now_of(self.ctx))

    # --- what is selected -------------------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_ref() is not None)

    # --- opening ----------------------------------------------------------------------------------------------

    def open_ref(self, ref: str) -> None:
        """The breach's window; the list is read again after each change made there."""
        if self.ctx.signed_in is not None:
            open_breach(self.ctx, self, ref, lambda: self._on_breach_changed(ref))

    def _on_breach_changed(self, ref: str) -> None:
        if self.ctx.signed_in is not None:
            self.refresh(select=ref)

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        ref = self.model.ref_at(index)
        if ref is not None:
            self.open_ref(ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.selected_ref()
        if ref is not None:
            self.open_ref(ref)

    # --- logging ----------------------------------------------------------------------------------------------

    @Slot()
    def _on_log_requested(self) -> None:
        self.log_breach()

    def log_breach(self) -> BreachForm | None:
        """The form of a new breach; once logged, the list shows it selected."""
        if self.ctx.signed_in is None:
            return None
        form = BreachForm(self.ctx, None, self)
        form.breach_saved.connect(self._on_breach_logged)
        self.open_dialog(form, lambda: None)
        return form

    @Slot(str)
    def _on_breach_logged(self, ref: str) -> None:
        self._say(f"{ref} logged: the 72 hours to decide on reporting to the ICO are running.")
        self.refresh(select=ref)
        focus_table(self.table)

    # --- the register as a PDF --------------------------------------------------------------------------------

    @Slot()
    def _on_register_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import open_document

        if self.ctx.signed_in is None:
            return
        self._say("")
        open_document(
            self.ctx, self, "The breach register", register_maker(uk_now(self.ctx)), self.refresh, for_post=False
        )

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))
        window = self.window()
        if text and not style and isinstance(window, QMainWindow):
            window.statusBar().showMessage(text, 10000)
