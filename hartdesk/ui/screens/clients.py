"""The Clients screen: search as you type, filter by status and service, sort, and open or add a client.

Every search runs in a task: typing restarts a short timer and the query runs when the clerk pauses (Enter runs it at
once), and the model drops the result of any query older than the last one, so the window never waits on the
register and never shows the rows of an earlier search.
"""

from __future__ import annotations

from pathlib import Path

import shiboken6
from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.models import ClientStatus, ServiceKind
from hartdesk.register import fields, search
from hartdesk.register.search import ClientQuery, ClientRow
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.client_model import ClientTableModel, Column, count_text
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import ERROR_STYLE, FlowLayout, labelled, make_list_table, named, pause_timer, search_box

SEARCH_PLACEHOLDER = "Search name, email, phone, postcode, domain, reference…"
ALL_STATUSES = "All statuses"
ANY_SERVICE = "Any service"
COLUMN_WIDTHS = {  # fits the window's default size beside the sidebar; the clerk's own widths are remembered
    Column.REF: 75,
    Column.NAME: 200,
    Column.STATUS: 80,
    Column.EMAIL: 180,
    Column.PHONE: 115,
    Column.POSTCODE: 75,
    Column.SERVICES: 60,
}
CSV_FILTER = "CSV files (*.csv);;All files (*)"


def warm_up_checks() -> None:
    """Load the country list and the email, phone and VAT libraries off the GUI thread, before the first client
    form needs them (together they take a noticeable tenth of a second the first time)."""
    fields.countries()
    for check, value in (
        (fields.check_email, "a@b.example"),
        (fields.check_phone, "020 7946 0018"),
        (fields.check_vat, "GB980780684"),
    ):
        check(value)


class ClientsScreen(Screen):
    title = "Clients"
    icon_name = "fa5s.address-book"
    admin_only = False

    search_delay_ms = 150  # the pause in typing after which the search runs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("clients_screen")
        self._details: dict[str, ClientDetailDialog] = {}
        self._select_after_load: str | None = None
        self._focus_list_after_load = False
        self._warmed_up = False

        # --- search and filters -------------------------------------------------------------------------------
        self.search_edit = search_box(SEARCH_PLACEHOLDER, "Type part of anything we hold about the client (Ctrl+F)")
        self.search_edit.installEventFilter(self)
        # The choices are kept here rather than as item data: PySide6 6.12 loses a reference to None each time
        # an item's data that is None is read back (and crashes once None runs out of references).
        self.status_choices: list[ClientStatus | None] = [None, *ClientStatus]
        self.service_choices: list[ServiceKind | None] = [None, *ServiceKind]
        self.status_combo = named(QComboBox(), "status_combo")
        self.status_combo.addItems([ALL_STATUSES, *(status.label for status in ClientStatus)])
        self.service_combo = named(QComboBox(), "service_combo")
        self.service_combo.addItems([ANY_SERVICE, *(kind.label for kind in ServiceKind)])
        status_label = QLabel("&Status:")
        status_label.setBuddy(self.status_combo)
        service_label = QLabel("Ser&vice:")
        service_label.setBuddy(self.service_combo)
        filters = FlowLayout()
        filters.addWidget(self.search_edit)
        filters.addWidget(labelled(status_label, self.status_combo))
        filters.addWidget(labelled(service_label, self.service_combo))

        # --- buttons ------------------------------------------------------------------------------------------
        self.new_button = named(QPushButton("&New client…"), "new_button")
        self.new_button.setToolTip("Add a client (Ctrl+N)")
        self.open_button = named(QPushButton("&Open"), "open_button")
        self.open_button.setToolTip("Open the selected client (Enter or double-click)")
        self.import_button = named(QPushButton("&Import…"), "import_button")
        self.import_button.setToolTip("Add clients from a CSV file")
        self.export_button = named(QPushButton("E&xport…"), "export_button")
        self.export_button.setToolTip("Write every client to a CSV file")
        buttons = QHBoxLayout()
        buttons.addWidget(self.new_button)
        buttons.addWidget(self.open_button)
        buttons.addStretch(1)
        buttons.addWidget(self.import_button)
        buttons.addWidget(self.export_button)

        # --- the list -----------------------------------------------------------------------------------------
        self.model = ClientTableModel(ctx.tasks, self._load_page, self._count, self)
        self.table = make_list_table("clients_table", self.model, COLUMN_WIDTHS, "clients/header", row_padding=8)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSortIndicatorShown(True)
        header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
        self.table.setSortingEnabled(True)

        self.count_label = named(QLabel(), "count_label")
        self.message_label = named(QLabel(), "message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextFormat(Qt.TextFormat.PlainText)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message_label.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.message_label)

        # --- keyboard -----------------------------------------------------------------------------------------
        self.find_action = self.add_shortcut(
            "Find a client", QKeySequence.StandardKey.Find, self._on_find_action_triggered
        )
        self.new_action = self.add_shortcut("Add a client", QKeySequence.StandardKey.New, self._on_new_button_clicked)
        for first, second in (
            (self.search_edit, self.status_combo),
            (self.status_combo, self.service_combo),
            (self.service_combo, self.new_button),
            (self.new_button, self.open_button),
            (self.open_button, self.import_button),
            (self.import_button, self.export_button),
            (self.export_button, self.table),
        ):
            QWidget.setTabOrder(first, second)

        self.search_timer = pause_timer(self, self.search_delay_ms, self._on_search_timer_timeout)

        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.status_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.service_combo.currentIndexChanged.connect(self._on_filter_changed)
        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.model.query_loaded.connect(self._on_model_query_loaded)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.run_search()
        if not self._warmed_up:
            self._warmed_up = True
            self.ctx.tasks.run(warm_up_checks)

    def clear(self) -> None:
        self._generation += 1
        self.search_timer.stop()
        self._select_after_load = None
        self._focus_list_after_load = False
        self.model.clear()
        self.search_edit.clear()
        for combo in (self.status_combo, self.service_combo):
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.count_label.clear()
        self._say("")
        for dialog in self.findChildren(QDialog):
            dialog.reject()
        self._details.clear()

    # --- searching --------------------------------------------------------------------------------------------

    def current_query(self) -> ClientQuery:
        return ClientQuery(
            text=self.search_edit.text().strip(),
            status=self.status_choices[max(0, self.status_combo.currentIndex())],
            service_kind=self.service_choices[max(0, self.service_combo.currentIndex())],
            sort=self.model.query.sort,
            descending=self.model.query.descending,
        )

    def run_search(self) -> None:
        """Run the query shown now (without waiting for the typing pause)."""
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        selected = self.selected_ref()
        if self._select_after_load is None and selected is not None:
            self._select_after_load = selected
        self.count_label.setText("Searching…")
        self.model.set_query(self.current_query())

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self.search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self.run_search()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Enter searches at once and puts the cursor on the first client, so a second Enter opens it."""
        self._focus_list_after_load = True
        if self.search_timer.isActive() or self.current_query() != self.model.query or self.model.total is None:
            self.run_search()
        else:
            self._focus_list()

    def _focus_list(self) -> None:
        self._focus_list_after_load = False
        if self.model.rowCount() > 0:
            self.table.setFocus(Qt.FocusReason.OtherFocusReason)
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self.run_search()

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box moves into the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self._focus_list()
            return True
        return Screen.eventFilter(self, watched, event)

    @Slot(int, Qt.SortOrder)
    def _on_header_sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column that is not sorted in SQL puts the indicator back where the rows really are."""
        if column != self.model.sort_column():
            header = self.table.horizontalHeader()
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())

    # --- loading (tasks run these on a pool thread: they touch no widget) -------------------------------------

    def _load_page(self, query: ClientQuery, offset: int, limit: int) -> list[ClientRow]:
        who = self.ctx.who
        with who.register.session() as session:
            return search.list_clients(session, query, offset, limit)

    def _count(self, query: ClientQuery) -> int:
        who = self.ctx.who
        with who.register.session() as session:
            return search.count_clients(session, query)

    @Slot()
    def _on_model_query_loaded(self) -> None:
        total = self.model.total or 0
        query = self.model.query
        if total:
            self.count_label.setText(count_text(total))
        elif query.text or query.status is not None or query.service_kind is not None:
            self.count_label.setText("No clients match.")
        else:
            self.count_label.setText("No clients yet. Add the first with New client (Ctrl+N).")
        keep, self._select_after_load = self._select_after_load, None
        if keep is not None:
            self.select_ref(keep)
        if self._focus_list_after_load:
            self._focus_list()

    @Slot()
    def _on_model_page_loaded(self) -> None:
        self._update_buttons()

    @Slot(object)
    def _on_model_load_failed(self, exc: BaseException) -> None:
        self._focus_list_after_load = False
        self.count_label.clear()
        if isinstance(exc, HartdeskError):
            self._say(exc.message, ERROR_STYLE)
        elif self.ctx.signed_in is not None:
            show_error(self, exc)

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ref_at(rows[0]) if rows else None

    def select_ref(self, ref: str) -> bool:
        row = self.model.row_of(ref)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_ref() is not None)

    # --- opening and adding -----------------------------------------------------------------------------------

    def open_client(self, ref: str) -> ClientDetailDialog:
        """Show the client's record (raising its window if it is open already)."""
        dialog = self._details.get(ref)
        if dialog is not None and shiboken6.isValid(dialog):
            dialog.show()
            dialog.raise_()
            dialog.activateWindow()
            return dialog
        dialog = ClientDetailDialog(self.ctx, ref, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.client_changed.connect(self._on_detail_client_changed)
        dialog.finished.connect(lambda _result, ref=ref, dialog=dialog: self._forget_detail(ref, dialog))
        self._details[ref] = dialog
        dialog.show()
        return dialog

    def _forget_detail(self, ref: str, dialog: ClientDetailDialog) -> None:
        if self._details.get(ref) is dialog:
            del self._details[ref]

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        ref = self.model.ref_at(index)
        if ref is not None:
            self.open_client(ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.selected_ref()
        if ref is not None:
            self.open_client(ref)

    @Slot()
    def _on_new_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        dialog = ClientFormDialog(self.ctx, parent=self)
        dialog.open_client_requested.connect(self.open_client)

        def saved() -> None:
            ref = dialog.saved_ref
            if ref is not None:
                self._say(f"{ref} {dialog.saved_name} was added.")
                self._select_after_load = ref
                self.run_search()
                self.open_client(ref)

        self.open_dialog(dialog, saved)

    @Slot(str)
    def _on_detail_client_changed(self, ref: str) -> None:
        self._select_after_load = ref
        self.run_search()

    # --- import and export ------------------------------------------------------------------------------------

    @Slot()
    def _on_import_clicked(self) -> None:
        from hartdesk.ui.import_dialog import ImportDialog  # on first use: the wizard is only needed now

        if self.ctx.signed_in is None:
            return
        self.open_dialog(ImportDialog(self.ctx, kind="clients", parent=self), self.run_search)

    def choose_export_path(self) -> Path | None:
        """Where to write the CSV file (tests replace this)."""
        name, _ = QFileDialog.getSaveFileName(
            self, "Export every client to", str(Path.home() / "hartdesk-clients.csv"), CSV_FILTER
        )
        return Path(name) if name else None

    @Slot()
    def _on_export_clicked(self) -> None:
        from hartdesk.ui.import_dialog import export_clients_to

        path = self.choose_export_path()
        if path is None:
            return
        generation = self._generation

        def done(count: int, target: Path) -> None:
            if self.is_current(generation):
                self._say(f"{count_text(count)} written to {target}.")

        export_clients_to(self.ctx, self, path=path, on_done=done)

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))
