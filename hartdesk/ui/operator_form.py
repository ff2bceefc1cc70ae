"""Adding or changing an operator (a third party that processes client data), and giving it a data category."""

from __future__ import annotations

from PySide6.QtCore import Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import ValidationError
from hartdesk.models.enums import DpaStatus, RecipientCondition, ServiceKind, TransferSafeguard
from hartdesk.register import fields, operators
from hartdesk.register.operators import CategoryView, OperatorDetail, OperatorInput
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.operator_model import EVERY_CLIENT
from hartdesk.ui.service_form import country_combo, date_edit, plain_text_edit, set_combo_data, show_date
from hartdesk.ui.widgets import FormDialog, align_form_labels, grow_to_fit, named

ACCOUNT_NAME, LOGIN_URL = 0, 1


class OperatorFormDialog(FormDialog):
    """Add an operator (no ``operator_id``) or change one; ``saved_id`` holds its id once accepted.

    The core refuses a transfer safeguard that does not fit the country (an operator in the UK needs none; one
    abroad needs one, or "None" said plainly); its message shows under the safeguard.
    """

    def __init__(self, ctx: AppContext, operator_id: int | None = None, parent: QWidget | None = None) -> None:
        FormDialog.__init__(
            self,
            ctx,
            "Add an operator" if operator_id is None else "Change an operator",
            "&Add" if operator_id is None else "&Save",
            parent,
        )
        self.setObjectName("operator_form_dialog")
        self.operator_id = operator_id
        self.saved_id: int | None = None
        p = self.problems

        self.name_edit = named(QLineEdit(), "name_edit")
        self.name_edit.setMaxLength(120)
        self.role_edit = named(QLineEdit(), "role_edit")
        self.role_edit.setMaxLength(120)
        self.role_edit.setPlaceholderText("e.g. Domain registrar, Backup storage")
        self.country_combo = country_combo("country_combo")
        self.safeguard_combo = named(QComboBox(), "safeguard_combo")
        for safeguard in TransferSafeguard:
            self.safeguard_combo.addItem(safeguard.label, safeguard)
        self.safeguard_combo.setToolTip(
            "What makes sending client data to this operator lawful when it is outside the UK"
        )
        operator_box = QGroupBox("Operator")
        operator_form = QFormLayout(operator_box)
        operator_form.addRow("&Name:", p.wrap("name", self.name_edit))
        operator_form.addRow("&Role:", p.wrap("role", self.role_edit))
        operator_form.addRow("&Country:", p.wrap("country", self.country_combo))
        operator_form.addRow("Transfer &safeguard:", p.wrap("safeguard", self.safeguard_combo))

        self.contact_name_edit = named(QLineEdit(), "contact_name_edit")
        self.contact_email_edit = named(QLineEdit(), "contact_email_edit")
        self.contact_email_edit.setPlaceholderText("privacy@example.com")
        self.address_edit = plain_text_edit("address_edit", 3)
        contact_box = QGroupBox("Contact")
        contact_form = QFormLayout(contact_box)
        contact_form.addRow("Contact na&me:", p.wrap("contact_name", self.contact_name_edit))
        contact_form.addRow("&Email:", p.wrap("contact_email", self.contact_email_edit))
        contact_form.addRow("A&ddress:", p.wrap("address", self.address_edit))

        self.dpa_combo = named(QComboBox(), "dpa_combo")
        for status in DpaStatus:
            self.dpa_combo.addItem(status.label, status)
        self.dpa_signed_edit = date_edit("dpa_signed_edit")
        self.dpa_document_edit = named(QLineEdit(), "dpa_document_edit")
        self.dpa_document_edit.setPlaceholderText("where the signed copy is kept")
        dpa_box = QGroupBox("Data processing agreement")
        dpa_form = QFormLayout(dpa_box)
        dpa_form.addRow("S&tatus:", self.dpa_combo)
        dpa_form.addRow("Si&gned on:", p.wrap("dpa_signed_on", self.dpa_signed_edit))
        dpa_form.addRow("Doc&ument:", p.wrap("dpa_document", self.dpa_document_edit))

        self.accounts_table = named(QTableWidget(0, 2), "accounts_table")
        self.accounts_table.setHorizontalHeaderLabels(["Account name", "Login URL"])
        self.accounts_table.verticalHeader().hide()
        self.accounts_table.setWordWrap(False)
        self.accounts_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.accounts_table.setTabKeyNavigation(False)
        self.accounts_table.horizontalHeader().setSectionResizeMode(ACCOUNT_NAME, QHeaderView.ResizeMode.Interactive)
        self.accounts_table.horizontalHeader().resizeSection(ACCOUNT_NAME, 150)
        self.accounts_table.horizontalHeader().setStretchLastSection(True)
        self.accounts_table.setFixedHeight(self.accounts_table.fontMetrics().height() * 6 + 20)
        self.accounts_table.setToolTip("Passwords are never kept here: they go in the credentials vault")
        self.add_account_button = named(QPushButton("Add a&ccount"), "add_account_button")
        self.remove_account_button = named(QPushButton("Remo&ve account"), "remove_account_button")
        for button in (self.add_account_button, self.remove_account_button):
            button.setAutoDefault(False)  # Enter saves the operator
        account_buttons = QHBoxLayout()
        account_buttons.addWidget(self.add_account_button)
        account_buttons.addWidget(self.remove_account_button)
        account_buttons.addStretch(1)
        accounts_box = QGroupBox("Accounts with this operator")
        accounts_column = QVBoxLayout(accounts_box)
        accounts_column.addWidget(self.accounts_table)
        accounts_column.addLayout(account_buttons)

        self.security_notes_edit = plain_text_edit("security_notes_edit", 2)
        self.notes_edit = plain_text_edit("notes_edit", 2)
        notes_box = QGroupBox("Notes")
        notes_form = QFormLayout(notes_box)
        notes_form.addRow("Secur&ity:", p.wrap("security_notes", self.security_notes_edit))
        notes_form.addRow("Ot&her:", p.wrap("notes", self.notes_edit))

        left = QVBoxLayout()
        left.addWidget(operator_box)
        left.addWidget(contact_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(dpa_box)
        right.addWidget(accounts_box)
        right.addWidget(notes_box)
        right.addStretch(1)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 1)
        self.layout_.addLayout(columns)
        self.finish_layout()
        align_form_labels(operator_form, contact_form)
        align_form_labels(dpa_form, notes_form)
        self.setMinimumWidth(880)

        for first, second in (
            (self.name_edit, self.role_edit),
            (self.role_edit, self.country_combo),
            (self.country_combo, self.safeguard_combo),
            (self.safeguard_combo, self.contact_name_edit),
            (self.contact_name_edit, self.contact_email_edit),
            (self.contact_email_edit, self.address_edit),
            (self.address_edit, self.dpa_combo),
            (self.dpa_combo, self.dpa_signed_edit),
            (self.dpa_signed_edit, self.dpa_document_edit),
            (self.dpa_document_edit, self.accounts_table),
            (self.accounts_table, self.add_account_button),
            (self.add_account_button, self.remove_account_button),
            (self.remove_account_button, self.security_notes_edit),
            (self.security_notes_edit, self.notes_edit),
        ):
            QWidget.setTabOrder(first, second)

        self.check_on_leave(self.contact_email_edit, "contact_email", fields.check_email)
        self.check_on_leave(self.dpa_signed_edit, "dpa_signed_on", lambda t: fields.check_date(t, "date signed"))
        self.country_combo.currentIndexChanged.connect(lambda _: self.problems.set("safeguard", ""))
        self.safeguard_combo.currentIndexChanged.connect(lambda _: self.problems.set("safeguard", ""))
        self.add_account_button.clicked.connect(self._on_add_account_button_clicked)
        self.remove_account_button.clicked.connect(self._on_remove_account_button_clicked)

        if operator_id is None:
            set_combo_data(self.safeguard_combo, TransferSafeguard.NOT_RESTRICTED)
        else:
            who = ctx.who

            def read() -> OperatorDetail:
                with who.register.session() as session:
                    return operators.get_operator(session, operator_id)

            self.load(read, self._on_loaded)
        self.name_edit.setFocus()

    # --- accounts ------------------------------------------------------------------------------------------------

    def add_account(self, name: str = "", url: str = "") -> None:
        row = self.accounts_table.rowCount()
        self.accounts_table.insertRow(row)
        self.accounts_table.setItem(row, ACCOUNT_NAME, QTableWidgetItem(name))
        self.accounts_table.setItem(row, LOGIN_URL, QTableWidgetItem(url))

    def accounts(self) -> list[tuple[str, str]]:
        found = []
        for row in range(self.accounts_table.rowCount()):
            name, url = (self.accounts_table.item(row, c) for c in (ACCOUNT_NAME, LOGIN_URL))
            found.append((name.text() if name else "", url.text() if url else ""))
        return found

    @Slot()
    def _on_add_account_button_clicked(self) -> None:
        self.add_account()
        row = self.accounts_table.rowCount() - 1
        self.accounts_table.setCurrentCell(row, ACCOUNT_NAME)
        self.accounts_table.setFocus()
        item = self.accounts_table.item(row, ACCOUNT_NAME)
        if item is not None:
            self.accounts_table.editItem(item)

    @Slot()
    def _on_remove_account_button_clicked(self) -> None:
        row = self.accounts_table.currentRow()
        if row >= 0:
            self.accounts_table.removeRow(row)

    # --- loading and saving --------------------------------------------------------------------------------------

    def _on_loaded(self, detail: OperatorDetail) -> None:
        v = detail.values
        self.name_edit.setText(v.name)
        self.role_edit.setText(v.role)
        set_combo_data(self.country_combo, v.country)
        set_combo_data(self.safeguard_combo, v.safeguard)
        self.contact_name_edit.setText(v.contact_name)
        self.contact_email_edit.setText(v.contact_email)
        self.address_edit.setPlainText(v.address)
        set_combo_data(self.dpa_combo, v.dpa_status)
        self.dpa_signed_edit.setText(show_date(v.dpa_signed_on))
        self.dpa_document_edit.setText(v.dpa_document)
        self.security_notes_edit.setPlainText(v.security_notes)
        self.notes_edit.setPlainText(v.notes)
        for name, url in v.accounts:
            self.add_account(name, url)
        self.setWindowTitle(f"Change {v.name}")

    def operator_input(self) -> OperatorInput | None:
        """What the form holds, or ``None`` after showing why the DPA date cannot be read."""
        try:
            signed_on = fields.check_date(self.dpa_signed_edit.text(), "date the DPA was signed")
        except ValidationError as exc:
            self.problems.show({"dpa_signed_on": exc.message})
            grow_to_fit(self)
            return None
        return OperatorInput(
            name=self.name_edit.text(),
            role=self.role_edit.text(),
            country=self.country_combo.currentData() or "GB",
            safeguard=TransferSafeguard(self.safeguard_combo.currentData()),
            contact_name=self.contact_name_edit.text(),
            contact_email=self.contact_email_edit.text(),
            address=self.address_edit.toPlainText(),
            dpa_status=DpaStatus(self.dpa_combo.currentData()),
            dpa_signed_on=signed_on,
            dpa_document=self.dpa_document_edit.text(),
            security_notes=self.security_notes_edit.toPlainText(),
            notes=self.notes_edit.toPlainText(),
            accounts=self.accounts(),
        )

    def submit(self) -> None:
        data = self.operator_input()
        if data is None:
            return
        who, operator_id = self.ctx.who, self.operator_id

        def write() -> int:
            who.require_admin()
            with who.register.session() as session:
                if operator_id is None:
                    return operators.create_operator(session, who.username, data)
                operators.update_operator(session, who.username, operator_id, data)
                return operator_id

        self.save(write, self._on_saved)

    def _on_saved(self, operator_id: int) -> None:
        self.saved_id = operator_id
        self.accept()


class RuleDialog(FormDialog):
    """The operator receives one data category: for every client, or for clients with services of one kind that
    name it (administrators only)."""

    def __init__(self, ctx: AppContext, operator_id: int, operator_name: str, parent: QWidget | None = None) -> None:
        FormDialog.__init__(self, ctx, f"A data category {operator_name} receives", "&Add", parent)
        self.setObjectName("rule_dialog")
        self.operator_id = operator_id
        self.saved_id: int | None = None
        self._categories: list[CategoryView] = []
        intro = QLabel(
            f"Choose what {operator_name} receives, and whose: every client's, or only that of clients with a "
            "service of one kind that names it."
        )
        intro.setWordWrap(True)
        self.category_combo = named(QComboBox(), "category_combo")
        self.scope_combo = named(QComboBox(), "scope_combo")
        self.scope_combo.addItem(EVERY_CLIENT, None)
        for kind in ServiceKind:
            self.scope_combo.addItem(f"{kind.label} services", kind)
        self.condition_combo = named(QComboBox(), "condition_combo")
        for condition in RecipientCondition:
            self.condition_combo.addItem(condition.label, condition)
        self.purpose_edit = named(QLineEdit(), "purpose_edit")
        self.purpose_edit.setMaxLength(300)
        self.purpose_edit.setPlaceholderText("e.g. to register the client's domain names")
        form = QFormLayout()
        form.addRow("Data &category:", self.category_combo)
        form.addRow("&For:", self.scope_combo)
        form.addRow("C&ondition:", self.condition_combo)
        form.addRow("&Purpose:", self.problems.wrap("purpose", self.purpose_edit))
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.setMinimumWidth(520)
        self.category_combo.currentIndexChanged.connect(self._on_category_combo_current_index_changed)

        who = ctx.who

        def read() -> list[CategoryView]:
            with who.register.session() as session:
                return operators.list_categories(session)

        self.load(read, self._on_loaded)
        self.category_combo.setFocus()

    def _on_loaded(self, categories: list[CategoryView]) -> None:
        self._categories = categories
        self.category_combo.blockSignals(True)
        for category in categories:
            self.category_combo.addItem(category.values.name, category.values.code)
        self.category_combo.blockSignals(False)
        self._on_category_combo_current_index_changed()

    @Slot()
    def _on_category_combo_current_index_changed(self, *_: object) -> None:
        """Offer the first kind of service the category concerns (most rules follow it), or every client."""
        index = self.category_combo.currentIndex()
        if 0 <= index < len(self._categories):
            kinds = self._categories[index].values.service_kinds
            first = min(kinds, key=list(ServiceKind).index) if kinds else None
            self.scope_combo.setCurrentIndex(max(0, self.scope_combo.findData(first)) if first else 0)

    def submit(self) -> None:
        code = self.category_combo.currentData()
        if code is None:
            self.show_problem("There is no data category to choose.")
            return
        who, operator_id = self.ctx.who, self.operator_id
        scope = self.scope_combo.currentData()  # Qt gives enums back as str
        kind = ServiceKind(scope) if scope is not None else None
        condition = RecipientCondition(self.condition_combo.currentData())
        purpose = self.purpose_edit.text()

        def write() -> int:
            who.require_admin()
            with who.register.session() as session:
                return operators.add_rule(session, who.username, operator_id, code, kind, condition, purpose)

        self.save(write, self._on_saved)

    def _on_saved(self, rule_id: int) -> None:
        self.saved_id = rule_id
        self.accept()
