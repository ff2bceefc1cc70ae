"""The Services screen: every client's services, found by client or domain name and filtered by kind, status and
operator; Enter opens the client."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QItemSelection, QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.models.enums import ServiceKind, ServiceStatus
from hartdesk.register import operators, services
from hartdesk.register.operators import OperatorRow
from hartdesk.register.services import ServiceQuery, ServiceRow
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.service_model import Column, ServiceTableModel
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import ERROR_STYLE, FlowLayout, labelled, make_list_table, named, pause_timer, search_box

SEARCH_DELAY_MS = 250  # typing pauses this long before the query runs
COLUMN_WIDTHS = {
    Column.SERVICE: 210,
    Column.KIND: 140,
    Column.STATUS: 70,
    Column.CLIENT: 200,
    Column.REF: 70,
    Column.RENEWAL: 85,
}
SEARCH_PLACEHOLDER = "Client, domain name, email, postcode…"


def open_client_detail(ctx: AppContext, ref: str, parent: QWidget, on_closed: Callable[[], None]) -> None:
    """Open the client's window (not modal, like the Clients screen's; deleted once closed, then ``on_closed``)."""
    from hartdesk.ui.client_detail import ClientDetailDialog

    dialog = ClientDetailDialog(ctx, ref, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.finished.connect(lambda _: on_closed())
    dialog.show()


class ServicesScreen(Screen):
    title = "Services"
    icon_name = "fa5s.server"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self._select_after_load: int | None = None

        self.search_edit = search_box(
            SEARCH_PLACEHOLDER,
            "Type part of a client's name, email, phone, postcode or reference, or of a domain name (Ctrl+F)",
        )
        search_label = QLabel("&Search:")
        search_label.setBuddy(self.search_edit)
        self.kind_combo = named(QComboBox(), "kind_combo")
        self.kind_combo.addItem("All kinds", None)
        for kind in ServiceKind:
            self.kind_combo.addItem(kind.label, kind)
        kind_label = QLabel("&Kind:")
        kind_label.setBuddy(self.kind_combo)
        self.status_combo = named(QComboBox(), "status_combo")
        self.status_combo.addItem("Any status", None)
        for status in ServiceStatus:
            self.status_combo.addItem(status.label, status)
        status_label = QLabel("S&tatus:")
        status_label.setBuddy(self.status_combo)
        self.operator_combo = named(QComboBox(), "operator_combo")
        self.operator_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.operator_combo.setMinimumContentsLength(14)
        operator_label = QLabel("O&perator:")
        operator_label.setBuddy(self.operator_combo)
        self._fill_operators([])

        filters = FlowLayout()
        filters.addWidget(labelled(search_label, self.search_edit))
        filters.addWidget(labelled(kind_label, self.kind_combo))
        filters.addWidget(labelled(status_label, self.status_combo))
        filters.addWidget(labelled(operator_label, self.operator_combo))

        self.model = ServiceTableModel(ctx.tasks, self._load_page, self)
        self.table = make_list_table("services_table", self.model, COLUMN_WIDTHS, "services/header", row_padding=8)
        self.table.setWordWrap(False)

        self.count_label = named(QLabel(), "count_label")
        self.count_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.open_button = named(QPushButton("&Open client"), "open_button")
        self.open_button.setToolTip("Open the client of the selected service (Enter)")
        self.edit_button = named(QPushButton("&Edit service…"), "edit_button")
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.edit_button)
        bottom.addWidget(self.open_button)

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)

        self.search_timer = pause_timer(self, SEARCH_DELAY_MS, self._run_query)
        self.find_action = self.add_shortcut(
            "Find a service", QKeySequence.StandardKey.Find, self._on_find_action_triggered
        )

        for first, second in (
            (self.search_edit, self.kind_combo),
            (self.kind_combo, self.status_combo),
            (self.status_combo, self.operator_combo),
            (self.operator_combo, self.table),
            (self.table, self.edit_button),
            (self.edit_button, self.open_button),
        ):
            QWidget.setTabOrder(first, second)

        self.search_edit.textChanged.connect(self._on_search_edit_text_changed)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.kind_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.status_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.operator_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.table.activated.connect(self._on_table_activated)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.modelReset.connect(self._update_buttons)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self._count: int | None = None
        self._update_buttons()

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        who, generation = self.ctx.who, self._generation

        def load() -> list[OperatorRow]:
            with who.register.session() as session:
                return operators.list_operators(session)

        self.ctx.tasks.run(
            load,
            on_done=lambda rows: self._on_operators_loaded(generation, rows),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )
        self._run_query()

    def clear(self) -> None:
        self._generation += 1
        self.search_timer.stop()
        self.model.clear()
        self.count_label.clear()
        self._count = None
        self._select_after_load = None
        self._fill_operators([])
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    # --- filters ----------------------------------------------------------------------------------------------

    def current_query(self) -> ServiceQuery:
        kind, status = self.kind_combo.currentData(), self.status_combo.currentData()  # Qt gives enums back as str
        return ServiceQuery(
            text=self.search_edit.text().strip(),
            kind=ServiceKind(kind) if kind is not None else None,
            status=ServiceStatus(status) if status is not None else None,
            operator_id=self.operator_combo.currentData(),
        )

    def search(self, text: str) -> None:
        """Show the services matching ``text`` (what typing it into the search box does, without the pause)."""
        self.search_edit.setText(text)
        self._run_query()

    def _fill_operators(self, rows: list[OperatorRow]) -> None:
        """Replace the operators offered, keeping the one chosen if it is still there (without a query)."""
        current = self.operator_combo.currentData()
        self.operator_combo.blockSignals(True)
        try:
            self.operator_combo.clear()
            self.operator_combo.addItem("Any operator", None)
            for row in rows:
                self.operator_combo.addItem(row.name, row.id)
            self.operator_combo.setCurrentIndex(max(0, self.operator_combo.findData(current)))
        finally:
            self.operator_combo.blockSignals(False)
        if current is not None and self.operator_combo.currentData() != current:
            self._on_filter_changed()

    def _on_operators_loaded(self, generation: int, rows: list[OperatorRow]) -> None:
        if self.is_current(generation):
            self._fill_operators(rows)

    @Slot(str)
    def _on_search_edit_text_changed(self, _text: str) -> None:
        self.search_timer.start()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        if self.search_timer.isActive():
            self._run_query()
        if self.model.rowCount():
            self.table.setFocus()
            if not self.table.selectionModel().hasSelection():
                self.table.selectRow(0)

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self._run_query()

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus()
        self.search_edit.selectAll()

    def _run_query(self) -> None:
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        query = self.current_query()
        who, generation = self.ctx.who, self._generation
        self._count = None
        self.count_label.setText("Searching…")
        self.count_label.setStyleSheet("")
        self.model.set_query(query)

        def count() -> int:
            with who.register.session() as session:
                return services.count_services(session, query)

        self.ctx.tasks.run(
            count,
            on_done=lambda n: self._on_counted(generation, query, n),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )

    # --- loading ----------------------------------------------------------------------------------------------

    def _load_page(self, query: ServiceQuery, offset: int, limit: int) -> list[ServiceRow]:
        """Runs on a pool thread: reads one page; touches no widget."""
        who = self.ctx.who
        with who.register.session() as session:
            return services.list_services(session, query, offset, limit)

    def _on_counted(self, generation: int, query: ServiceQuery, count: int) -> None:
        if not self.is_current(generation) or query != self.model.query:
            return  # a newer query is on its way
        self._count = count
        self._show_count()

    @Slot()
    def _on_model_page_loaded(self) -> None:
        self._show_count()
        if self._select_after_load is not None:
            row = self.model.row_of(self._select_after_load)
            self._select_after_load = None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))

    def _show_count(self) -> None:
        shown, total = self.model.rowCount(), self._count
        if total is None:
            return
        if total == 0:
            text = "No services match." if self._filtering() else "No services yet: add them from a client."
        elif shown < total:
            text = f"Showing {shown:,} of {total:,} services; scroll down for more."
        else:
            text = "1 service." if total == 1 else f"{total:,} services."
        self.count_label.setText(text)

    def _filtering(self) -> bool:
        query = self.current_query()
        return bool(query.text) or any(v is not None for v in (query.kind, query.status, query.operator_id))

    @Slot(object)
    def _on_model_load_failed(self, exc: BaseException) -> None:
        self._on_task_failed(self._generation, exc)

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            self.count_label.setText(exc.message)
            self.count_label.setStyleSheet(ERROR_STYLE)
        else:
            show_error(self, exc)

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_row(self) -> ServiceRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        selected = self.selected_row() is not None
        self.open_button.setEnabled(selected)
        self.edit_button.setEnabled(selected)

    # --- opening ----------------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.open_service(row)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        row = self.selected_row()
        if row is not None:
            self.open_service(row)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.selected_row()
        if row is not None:
            self._edit(row)

    def open_service(self, row: ServiceRow) -> None:
        """Open the service's client, whose window lists all its services."""
        service_id = row.id
        open_client_detail(self.ctx, row.client_ref, self, lambda: self._reload(service_id))

    def _edit(self, row: ServiceRow) -> None:
        from hartdesk.ui.service_form import ServiceDialog

        dialog = ServiceDialog(self.ctx, row.client_ref, row.id, self)
        service_id = row.id
        self.open_dialog(dialog, lambda: self._reload(service_id))

    def _reload(self, select: int | None) -> None:
        if self.ctx.signed_in is None:
            return
        self._select_after_load = select
        self._run_query()
