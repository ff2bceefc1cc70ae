"""The Clients screen: search as you type (:class:`~hartdesk.ui.screens.listing.SearchListScreen`), filter by status
and service, sort, and open or add a client; import and export them. A client whose data is restricted is marked in
the Status column (:mod:`hartdesk.ui.models.client_model`)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.models import ClientStatus, ServiceKind
from hartdesk.privacy.rights import restriction_text
from hartdesk.register import clients, fields, search
from hartdesk.register.search import ClientQuery, ClientRow
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.client_form import ClientFormDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.client_model import ClientTableModel, Column, ListedClient, count_text
from hartdesk.ui.record_window import OneWindowEach
from hartdesk.ui.screens.listing import SearchListScreen
from hartdesk.ui.widgets import FlowLayout, labelled, make_list_table, named

SEARCH_PLACEHOLDER = "Search name, email, phone, postcode, domain, reference…"
ALL_STATUSES = "All statuses"
ANY_SERVICE = "Any service"
COLUMN_WIDTHS = {  # fits the window's default size beside the sidebar; the clerk's own widths are remembered
    Column.REF: 68,
    Column.NAME: 180,
    Column.STATUS: 145,  # "Active · restricted" with its lock
    Column.EMAIL: 155,
    Column.PHONE: 110,
    Column.POSTCODE: 70,
    Column.SERVICES: 58,
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


class ClientsScreen(SearchListScreen[ClientTableModel]):
    title = "Clients"
    icon_name = "fa5s.address-book"
    admin_only = False

    search_delay_ms = 150  # the pause in typing after which the search runs

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        SearchListScreen.__init__(self, ctx, parent)
        self.setObjectName("clients_screen")
        self._details: OneWindowEach[ClientDetailDialog] = OneWindowEach()
        self._warmed_up = False

        # --- search and filters -------------------------------------------------------------------------------
        self.make_search_box(SEARCH_PLACEHOLDER, "Type part of anything we hold about the client (Ctrl+F)")
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
        self.make_labels()

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

        header.sortIndicatorChanged.connect(self._on_header_sort_indicator_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.import_button.clicked.connect(self._on_import_clicked)
        self.export_button.clicked.connect(self._on_export_clicked)
        self.connect_list((self.status_combo, self.service_combo))

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        SearchListScreen.refresh(self)
        if not self._warmed_up:
            self._warmed_up = True
            self.ctx.tasks.run(warm_up_checks)

    def clear(self) -> None:
        SearchListScreen.clear(self)
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

    def describe_total(self, total: int) -> str:
        query = self.model.query
        if total:
            return count_text(total)
        if query.text or query.status is not None or query.service_kind is not None:
            return "No clients match."
        return "No clients yet. Add the first with New client (Ctrl+N)."

    @Slot(int, Qt.SortOrder)
    def _on_header_sort_indicator_changed(self, column: int, _order: Qt.SortOrder) -> None:
        """A click on a column that is not sorted in SQL puts the indicator back where the rows really are."""
        if column != self.model.sort_column():
            header = self.table.horizontalHeader()
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())

    # --- loading (tasks run these on a pool thread: they touch no widget) -------------------------------------

    def _load_page(self, query: ClientQuery, offset: int, limit: int) -> list[ClientRow]:
        """A page of clients, the restricted ones marked (:class:`ListedClient`)."""
        who = self.ctx.who
        with who.register.session() as session:
            rows = search.list_clients(session, query, offset, limit)
            restricted = clients.restrictions(session, [row.id for row in rows])
        return [
            ListedClient.of(row, restriction_text(*restricted[row.id])) if row.id in restricted else row for row in rows
        ]

    def _count(self, query: ClientQuery) -> int:
        who = self.ctx.who
        with who.register.session() as session:
            return search.count_clients(session, query)

    # --- opening and adding -----------------------------------------------------------------------------------

    def open_client(self, ref: str) -> ClientDetailDialog:
        """Show the client's record (raising its window if it is open already)."""
        dialog = self._details.get(ref)
        if dialog is not None:
            dialog.bring_to_front()
            return dialog
        dialog = ClientDetailDialog(self.ctx, ref, self)
        dialog.client_changed.connect(self._on_detail_client_changed)
        return self._details.keep(ref, dialog)

    def open_ref(self, ref: str) -> None:
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
                self.search_selecting(ref)
                self.open_client(ref)

        self.open_dialog(dialog, saved)

    @Slot(str)
    def _on_detail_client_changed(self, ref: str) -> None:
        self.search_selecting(ref)

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
