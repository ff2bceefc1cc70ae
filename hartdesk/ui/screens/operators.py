"""The Operators screen: the third parties that process client data, what each receives and whom it serves.

Everyone can look; administrators add, change and delete operators, decide which data categories each receives
and edit the categories themselves (the register's record of processing rests on them).
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.register import fields, operators
from hartdesk.register.operators import OperatorDetail, OperatorRow, RuleView, ServedClient
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.operator_model import (
    OperatorColumn,
    OperatorTableModel,
    RuleColumn,
    RuleTableModel,
    ServedClientModel,
    ServedColumn,
)
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.screens.services import open_client_detail
from hartdesk.ui.widgets import ERROR_STYLE, NOTE_STYLE, confirmation, make_list_table, named, table_with_buttons

OPERATOR_WIDTHS = {
    OperatorColumn.NAME: 200,
    OperatorColumn.ROLE: 185,
    OperatorColumn.COUNTRY: 105,
    OperatorColumn.SAFEGUARD: 135,
    OperatorColumn.DPA: 85,
    OperatorColumn.SERVICES: 60,
}
RULE_WIDTHS = {RuleColumn.CATEGORY: 200, RuleColumn.FOR: 180, RuleColumn.CONDITION: 240}
SERVED_WIDTHS = {ServedColumn.REF: 80, ServedColumn.CLIENT: 240}
NO_OPERATOR = "Choose an operator above to see the data it receives and the clients it serves."


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def describe(detail: OperatorDetail, served: int) -> str:
    """The operator's facts as rich text (every value escaped)."""
    v = detail.values
    e = html.escape
    lines = [f"{e(v.role)} · {e(fields.country_name(v.country))} · Transfer safeguard: {e(v.safeguard.label)}"]
    dpa = f"Data processing agreement: {e(v.dpa_status.label)}"
    if v.dpa_signed_on is not None:
        dpa += f" on {e(fields.format_uk_date(v.dpa_signed_on))}"
    if v.dpa_document:
        dpa += f" ({e(v.dpa_document)})"
    lines.append(dpa)
    contact = ", ".join(e(part) for part in (v.contact_name, v.contact_email) if part)
    if contact:
        lines.append(f"Contact: {contact}")
    if v.accounts:
        accounts = "; ".join(e(name) + (f" ({e(url)})" if url else "") for name, url in v.accounts)
        lines.append(f"Accounts: {accounts}")
    if detail.services:
        reach = f"Named by {_plural(detail.services, 'service')} of {_plural(served, 'client')}."
    else:
        reach = "No service names it."
    if detail.serves_every_client:
        reach += f" Receives data of every client ({_plural(detail.clients, 'client')}) through a rule below."
    lines.append(reach)
    return "<br>".join(lines)


class OperatorsScreen(Screen):
    title = "Operators"
    icon_name = "fa5s.building"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.is_admin = ctx.who.identity.is_admin
        self._select_after_load: int | None = None
        self._detail: OperatorDetail | None = None
        self._detail_request = 0  # moved on by every selection, so an older operator's detail is dropped
        self._served_total = 0

        # --- the operators --------------------------------------------------------------------------------------
        self.new_button = named(QPushButton("&New operator…"), "new_button")
        self.new_button.setToolTip("Add an operator (Ctrl+N)")
        self.edit_button = named(QPushButton("&Edit…"), "edit_button")
        self.edit_button.setToolTip("Change the selected operator (Enter)")
        self.delete_button = named(QPushButton("&Delete…"), "delete_button")
        self.categories_button = named(QPushButton("Data &categories…"), "categories_button")
        self.categories_button.setToolTip("The kinds of personal data the agency holds, why, and for how long")
        buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.categories_button)

        self.model = OperatorTableModel(self)
        self.table = make_list_table("operators_table", self.model, OPERATOR_WIDTHS, "operators/header", row_padding=8)
        self.table.setWordWrap(False)

        # --- the selected operator --------------------------------------------------------------------------------
        self.heading = named(QLabel(), "operator_heading")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        self.heading.setFont(font)
        self.facts_label = named(QLabel(), "facts_label")
        self.facts_label.setWordWrap(True)
        self.facts_label.setTextFormat(Qt.TextFormat.RichText)
        self.facts_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.rules_model = RuleTableModel(self)
        self.rules_table = make_list_table("rules_table", self.rules_model, RULE_WIDTHS, "operators/rules", 8)
        self.rules_table.setWordWrap(False)
        self.add_rule_button = named(QPushButton("&Add a category…"), "add_rule_button")
        self.remove_rule_button = named(QPushButton("&Remove category…"), "remove_rule_button")
        rules_page = table_with_buttons(self.rules_table, self.add_rule_button, self.remove_rule_button)

        self.served_model = ServedClientModel(ctx.tasks, self._load_served_page, self)
        self.served_table = make_list_table("served_table", self.served_model, SERVED_WIDTHS, "operators/served", 8)
        self.served_table.setWordWrap(False)
        self.served_label = named(QLabel(), "served_label")
        self.served_label.setWordWrap(True)
        self.open_client_button = named(QPushButton("&Open client"), "open_client_button")
        self.open_client_button.setToolTip("Open the selected client (Enter)")
        served_bottom = QHBoxLayout()
        served_bottom.addWidget(self.served_label, 1)
        served_bottom.addWidget(self.open_client_button)
        served_page = QWidget()
        served_column = QVBoxLayout(served_page)
        served_column.addWidget(self.served_table, 1)
        served_column.addLayout(served_bottom)

        self.tabs = named(QTabWidget(), "detail_tabs")
        self.tabs.addTab(rules_page, "Data categories")
        self.tabs.addTab(served_page, "Clients served")

        detail = named(QWidget(), "operator_detail")
        detail_column = QVBoxLayout(detail)
        detail_column.setContentsMargins(0, 6, 0, 0)
        detail_column.addWidget(self.heading)
        detail_column.addWidget(self.facts_label)
        detail_column.addWidget(self.tabs, 1)

        self.splitter = named(QSplitter(Qt.Orientation.Vertical), "operators_splitter")
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(self.table)
        self.splitter.addWidget(detail)
        self.splitter.setStretchFactor(0, 2)
        self.splitter.setStretchFactor(1, 3)
        self.splitter.setSizes([270, 400])

        self.message_label = named(QLabel(), "message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.message_label)

        self.new_action = self.add_shortcut(
            "Add an operator", QKeySequence.StandardKey.New, self._on_new_button_clicked
        )
        self.new_action.setEnabled(self.is_admin)

        for widget in (
            self.new_button,
            self.edit_button,
            self.delete_button,
            self.categories_button,
            self.add_rule_button,
            self.remove_rule_button,
        ):
            widget.setVisible(self.is_admin)

        for first, second in (
            (self.new_button, self.edit_button),
            (self.edit_button, self.delete_button),
            (self.delete_button, self.categories_button),
            (self.categories_button, self.table),
            (self.table, self.tabs),
            (self.tabs, self.rules_table),
            (self.rules_table, self.add_rule_button),
            (self.add_rule_button, self.remove_rule_button),
            (self.remove_rule_button, self.served_table),
            (self.served_table, self.open_client_button),
        ):
            QWidget.setTabOrder(first, second)

        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.categories_button.clicked.connect(self._on_categories_button_clicked)
        self.add_rule_button.clicked.connect(self._on_add_rule_button_clicked)
        self.remove_rule_button.clicked.connect(self._on_remove_rule_button_clicked)
        self.open_client_button.clicked.connect(self._on_open_client_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.served_table.activated.connect(self._on_served_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.rules_table.selectionModel().selectionChanged.connect(self._on_detail_selection_changed)
        self.served_table.selectionModel().selectionChanged.connect(self._on_detail_selection_changed)
        self.served_model.page_loaded.connect(self._on_served_model_page_loaded)
        self.served_model.load_failed.connect(self._on_served_model_load_failed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        self._show_detail(None, 0)

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

    def clear(self) -> None:
        self._generation += 1
        self._detail_request += 1
        self._select_after_load = None
        self.model.clear()
        self._show_detail(None, 0)
        self.message_label.clear()
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_row(self) -> OperatorRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def selected_rule(self) -> RuleView | None:
        rows = self.rules_table.selectionModel().selectedRows()
        return self.rules_model.row_at(rows[0]) if rows else None

    def selected_client(self) -> ServedClient | None:
        rows = self.served_table.selectionModel().selectedRows()
        return self.served_model.row_at(rows[0]) if rows else None

    def show_operator(self, operator_id: int) -> None:
        """Select the operator (once the list has loaded, if it has not yet) and show its detail."""
        row = self.model.row_of(operator_id)
        if row is not None:
            self._select(row)
            self.table.setFocus()
            return
        self._select_after_load = operator_id
        if self.ctx.signed_in is not None:
            self.refresh()

    def _select(self, row: int) -> None:
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))

    @Slot()
    def _on_table_selection_changed(self, *_: object) -> None:
        row = self.selected_row()
        self.edit_button.setEnabled(row is not None)
        self.delete_button.setEnabled(row is not None)
        if row is None:
            self._detail_request += 1
            self._show_detail(None, 0)
        elif self._detail is None or self._detail.id != row.id:
            self._load_detail(row.id)
        self._update_detail_buttons()

    @Slot()
    def _on_detail_selection_changed(self, *_: object) -> None:
        self._update_detail_buttons()

    def _update_detail_buttons(self) -> None:
        self.add_rule_button.setEnabled(self._detail is not None)
        self.remove_rule_button.setEnabled(self.selected_rule() is not None)
        self.open_client_button.setEnabled(self.selected_client() is not None)

    # --- loading ----------------------------------------------------------------------------------------------

    def _reload(self, select: int | None, message: str) -> None:
        self._select_after_load = select
        self._detail = None  # the selected operator's detail is read again
        self._say(message)
        self.refresh()

    def _on_operators_loaded(self, generation: int, rows: list[OperatorRow]) -> None:
        if not self.is_current(generation):
            return
        selected = self.selected_row()
        keep = self._select_after_load or (selected.id if selected is not None else None)
        self._select_after_load = None
        self._detail = None
        self.model.set_rows(rows)
        row = self.model.row_of(keep) if keep is not None else None
        if row is not None:
            self._select(row)

    def _load_detail(self, operator_id: int) -> None:
        who, generation = self.ctx.who, self._generation
        self._detail_request += 1
        request = self._detail_request

        def load() -> tuple[OperatorDetail, int]:
            with who.register.session() as session:
                return operators.get_operator(session, operator_id), operators.count_clients_served(
                    session, operator_id
                )

        def done(loaded: tuple[OperatorDetail, int]) -> None:
            if self.is_current(generation) and request == self._detail_request:
                self._show_detail(*loaded)

        self.ctx.tasks.run(load, on_done=done, on_error=lambda exc: self._on_task_failed(generation, exc))
        self.served_model.set_query(operator_id)

    def _show_detail(self, detail: OperatorDetail | None, served: int) -> None:
        self._detail = detail
        if detail is None:
            self.heading.setText("")
            self.facts_label.setText(NO_OPERATOR)
            self.facts_label.setStyleSheet(NOTE_STYLE)
            self.rules_model.clear()
            self.served_model.clear()
            self.served_label.clear()
            self.tabs.setTabText(0, "Data categories")
            self.tabs.setTabText(1, "Clients served")
            self.tabs.setEnabled(False)
        else:
            self.heading.setText(detail.values.name)
            self.facts_label.setText(describe(detail, served))
            self.facts_label.setStyleSheet("")
            self.rules_model.set_rows(detail.rules)
            self.tabs.setTabText(0, f"Data categories ({len(detail.rules)})")
            self.tabs.setTabText(1, f"Clients served ({served:,})")
            self.tabs.setEnabled(True)
            self._served_total = served
            self._on_served_model_page_loaded()
        self._update_detail_buttons()

    def _load_served_page(self, operator_id: int, offset: int, limit: int) -> list[ServedClient]:
        """Runs on a pool thread: reads one page; touches no widget."""
        who = self.ctx.who
        with who.register.session() as session:
            return operators.clients_served(session, operator_id, offset, limit)

    @Slot()
    def _on_served_model_page_loaded(self) -> None:
        detail = self._detail
        if detail is None:
            return
        shown, total = self.served_model.rowCount(), self._served_total
        name = detail.values.name
        if total == 0:
            text = f"No client has a service that names {name}."
        elif shown < total:
            text = f"Showing {shown:,} of {total:,} clients whose services name {name}; scroll down for more."
        else:
            text = f"{_plural(total, 'client')} with services that name {name}."
        if detail.serves_every_client:
            text += " It also receives data of every client (see Data categories)."
        self.served_label.setText(text)

    @Slot(object)
    def _on_served_model_load_failed(self, exc: BaseException) -> None:
        self._on_task_failed(self._generation, exc)

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            self._say(exc.message, ERROR_STYLE)
        else:
            show_error(self, exc)

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)

    # --- operators --------------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_activated(self, _index: QModelIndex) -> None:
        if self.is_admin:
            self._on_edit_button_clicked()
        else:
            self.tabs.setFocus()

    @Slot()
    def _on_new_button_clicked(self) -> None:
        if not self.is_admin or self.ctx.signed_in is None:
            return
        from hartdesk.ui.operator_form import OperatorFormDialog

        dialog = OperatorFormDialog(self.ctx, parent=self)

        def saved() -> None:
            if dialog.saved_id is not None:
                self._reload(dialog.saved_id, f"{dialog.name_edit.text().strip()} was added.")

        self.open_dialog(dialog, saved)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not self.is_admin:
            return
        from hartdesk.ui.operator_form import OperatorFormDialog

        dialog = OperatorFormDialog(self.ctx, row.id, parent=self)
        operator_id = row.id
        self.open_dialog(dialog, lambda: self._reload(operator_id, f"{dialog.name_edit.text().strip()} was saved."))

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not self.is_admin:
            return
        operator_id, name = row.id, row.name
        box = confirmation(
            self,
            "delete_confirmation",
            "Delete an operator",
            f"Delete {name}?",
            "The operator, its accounts and the data categories it receives are removed from the register. "
            "An operator still named by a service cannot be deleted.",
            "&Delete",
            lambda: self._delete(operator_id, name),
        )
        box.open()

    def _delete(self, operator_id: int, name: str) -> None:
        who, generation = self.ctx.who, self._generation

        def work() -> None:
            who.require_admin()
            with who.register.session() as session:
                operators.delete_operator(session, who.username, operator_id)

        self.ctx.tasks.run(
            work,
            on_done=lambda _: self._reload(None, f"{name} was deleted.") if self.is_current(generation) else None,
            on_error=lambda exc: self._on_task_failed(generation, exc),
            serial=True,
        )

    @Slot()
    def _on_categories_button_clicked(self) -> None:
        if not self.is_admin:
            return
        from hartdesk.ui.categories_dialog import CategoriesDialog

        dialog = CategoriesDialog(self.ctx, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(lambda _: self._on_categories_closed(dialog.saved))
        dialog.open()

    def _on_categories_closed(self, saved: int) -> None:
        if saved and self.ctx.signed_in is not None:
            row = self.selected_row()
            self._reload(row.id if row is not None else None, "")

    # --- rules ------------------------------------------------------------------------------------------------

    @Slot()
    def _on_add_rule_button_clicked(self) -> None:
        detail = self._detail
        if detail is None or not self.is_admin:
            return
        from hartdesk.ui.operator_form import RuleDialog

        dialog = RuleDialog(self.ctx, detail.id, detail.values.name, self)
        operator_id = detail.id
        self.open_dialog(
            dialog,
            lambda: self._reload(
                operator_id, f"{detail.values.name} now receives {dialog.category_combo.currentText()}."
            ),
        )

    @Slot()
    def _on_remove_rule_button_clicked(self) -> None:
        rule, detail = self.selected_rule(), self._detail
        if rule is None or detail is None or not self.is_admin:
            return
        rule_id, operator_id, name = rule.id, detail.id, detail.values.name
        box = confirmation(
            self,
            "remove_rule_confirmation",
            "Remove a data category",
            f"Stop recording that {name} receives {rule.category_name}?",
            "Data reports and the record of processing will no longer list it for this operator.",
            "&Remove",
            lambda: self._remove_rule(rule_id, operator_id, f"{name} no longer receives {rule.category_name}."),
        )
        box.open()

    def _remove_rule(self, rule_id: int, operator_id: int, message: str) -> None:
        who, generation = self.ctx.who, self._generation

        def work() -> None:
            who.require_admin()
            with who.register.session() as session:
                operators.remove_rule(session, who.username, rule_id)

        self.ctx.tasks.run(
            work,
            on_done=lambda _: self._reload(operator_id, message) if self.is_current(generation) else None,
            on_error=lambda exc: self._on_task_failed(generation, exc),
            serial=True,
        )

    # --- clients ----------------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_served_table_activated(self, index: QModelIndex) -> None:
        row = self.served_model.row_at(index)
        if row is not None:
            self.open_client(row.ref)

    @Slot()
    def _on_open_client_button_clicked(self) -> None:
        row = self.selected_client()
        if row is not None:
            self.open_client(row.ref)

    def open_client(self, ref: str) -> None:
        selected = self.selected_row()
        keep = selected.id if selected is not None else None
        open_client_detail(self.ctx, ref, self, lambda: self._reload(keep, ""))
