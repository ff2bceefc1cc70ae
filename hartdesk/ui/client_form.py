"""Adding or editing a client: its details, its contacts and its billing and postal addresses.

Each field is checked as the clerk leaves it, with the same checks the register applies on saving
(:mod:`hartdesk.register.fields`), and the message shows in red under the field. On saving, every problem the
register finds (:class:`~hartdesk.errors.FormError`, keyed like ``contacts.0.emails.1``) is shown under the field it
names. Before a new client is saved, clients with the same email or Customer Centre reference are listed, with a way
to open the one already there instead.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import DuplicateError, FormError, HartdeskError, ValidationError
from hartdesk.models import AddressKind, ClientKind
from hartdesk.register import clients, fields
from hartdesk.register.clients import AddressInput, ClientDetail, ClientInput, ContactInput, Duplicate
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import NOTE_STYLE, WARNING_STYLE, make_error_label, named, show_message, stacked

_SEPARATORS = re.compile(r"[,;\n]")
CARD_NUMBER = (
    "This looks like a payment card number. hartdesk must never hold card numbers: "
    "keep only a reference to how the client pays."
)


def split_values(text: str) -> list[str]:
    """The emails or phone numbers typed in one field, separated by commas or semicolons."""
    return [part.strip() for part in _SEPARATORS.split(text) if part.strip()]


def problem_of(check: Callable[[], object]) -> str:
    """The message of the :class:`ValidationError` ``check`` raises; empty when it passes."""
    try:
        check()
    except ValidationError as exc:
        return exc.message
    return ""


def first_problem(values: list[str], check: Callable[[str], object]) -> str:
    for value in values:
        try:
            check(value)
        except ValidationError as exc:
            return exc.message
    return ""


@dataclass
class Field:
    """One input, the red line under it, and the check run when the clerk leaves it."""

    widget: QWidget
    error: QLabel
    check: Callable[[], str] | None = None

    def show(self, message: str) -> None:
        show_message(self.error, message)

    def validate(self) -> bool:
        message = self.check() if self.check is not None else ""
        self.show(message)
        return not message


def line_edit(name: str, max_length: int, placeholder: str = "") -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setMaxLength(max_length)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class FieldGroup:
    """Fields known by a key (``name``, ``emails``...), each checked as it loses focus."""

    def __init__(self) -> None:
        self.fields: dict[str, Field] = {}

    def add_field(self, key: str, widget: QWidget, check: Callable[[], str] | None = None) -> Field:
        error = make_error_label(f"{widget.objectName() or key}_error")
        error.setTextFormat(Qt.TextFormat.PlainText)  # messages quote what was typed
        field = Field(widget, error, check)
        self.fields[key] = field
        if isinstance(widget, QLineEdit):
            widget.editingFinished.connect(field.validate)
            widget.textEdited.connect(lambda _text, field=field: field.show(""))
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(lambda _index, field=field: field.show(""))
        return field

    def field_for(self, key: str) -> Field | None:
        """The field a problem key names: ``emails.1`` is the emails field."""
        parts = key.split(".")
        while parts:
            found = self.fields.get(".".join(parts))
            if found is not None:
                return found
            parts.pop()
        return None

    def clear_problems(self) -> None:
        for field in self.fields.values():
            field.show("")


# --- a contact --------------------------------------------------------------------------------------------------------


class ContactEditor(FieldGroup, QGroupBox):
    """One contact: name, role, emails and phones (several, separated by commas), and whether it is the primary one."""

    remove_requested = Signal(object)  # this editor

    def __init__(self, parent: QWidget | None = None) -> None:
        QGroupBox.__init__(self, parent)
        FieldGroup.__init__(self)
        self.setObjectName("contact_editor")
        self.name_edit = line_edit("contact_name_edit", 200, "Full name")
        self.role_edit = line_edit("contact_role_edit", 80, "e.g. Director, Accounts")
        self.emails_edit = line_edit("contact_emails_edit", 1000, "name@example.co.uk")
        self.phones_edit = line_edit("contact_phones_edit", 400, "020 7946 0018")
        self.primary_radio = named(QRadioButton("Primary contact"), "primary_radio")
        self.primary_radio.setToolTip("The contact whose email and phone show in the list of clients")
        self.remove_button = named(QPushButton("Remove"), "remove_contact_button")
        self.remove_button.setAutoDefault(False)
        self.remove_button.setToolTip("Remove this contact")

        self.add_field("name", self.name_edit, self._name_problem)
        self.add_field(
            "role", self.role_edit, lambda: problem_of(lambda: fields.clean_text(self.role_edit.text(), "role", 80))
        )
        self.add_field("emails", self.emails_edit, lambda: first_problem(self.emails(), fields.check_email))
        self.add_field("phones", self.phones_edit, lambda: first_problem(self.phones(), fields.check_phone))

        form = QFormLayout(self)
        form.addRow("Name:", stacked(self.name_edit, self.fields["name"].error))
        form.addRow("Role:", stacked(self.role_edit, self.fields["role"].error))
        form.addRow("Emails:", stacked(self.emails_edit, self.fields["emails"].error))
        form.addRow("Phones:", stacked(self.phones_edit, self.fields["phones"].error))
        bottom = QHBoxLayout()
        bottom.addWidget(self.primary_radio)
        bottom.addStretch(1)
        bottom.addWidget(self.remove_button)
        form.addRow("", bottom)
        self.remove_button.clicked.connect(lambda: self.remove_requested.emit(self))

    def focus_order(self) -> list[QWidget]:
        return [
            self.name_edit,
            self.role_edit,
            self.emails_edit,
            self.phones_edit,
            self.primary_radio,
            self.remove_button,
        ]

    def emails(self) -> list[str]:
        return split_values(self.emails_edit.text())

    def phones(self) -> list[str]:
        return split_values(self.phones_edit.text())

    def is_blank(self) -> bool:
        return not any(e.text().strip() for e in (self.name_edit, self.role_edit, self.emails_edit, self.phones_edit))

    def _name_problem(self) -> str:
        if self.is_blank():
            return ""
        return problem_of(lambda: fields.clean_text(self.name_edit.text(), "contact's name", 200, True))

    def value(self) -> ContactInput:
        return ContactInput(
            name=self.name_edit.text(),
            role=self.role_edit.text(),
            emails=self.emails(),
            phones=self.phones(),
            is_primary=self.primary_radio.isChecked(),
        )

    def set_value(self, contact: ContactInput) -> None:
        self.name_edit.setText(contact.name)
        self.role_edit.setText(contact.role)
        self.emails_edit.setText(", ".join(contact.emails))
        self.phones_edit.setText(", ".join(contact.phones))
        self.primary_radio.setChecked(contact.is_primary)


# --- an address -------------------------------------------------------------------------------------------------------


def country_combo(name: str) -> QComboBox:
    """Every country by name, the United Kingdom first."""
    combo = named(QComboBox(), name)
    combo.addItem(fields.country_name("GB"), "GB")
    combo.insertSeparator(1)
    for code, country in fields.countries():
        combo.addItem(country, code)
    combo.setCurrentIndex(0)
    combo.setMaxVisibleItems(20)
    return combo


class AddressEditor(FieldGroup, QGroupBox):
    """A billing or postal address; left blank, it is not saved."""

    def __init__(self, kind: AddressKind, title: str, parent: QWidget | None = None) -> None:
        QGroupBox.__init__(self, title, parent)
        FieldGroup.__init__(self)
        self.kind = kind
        self.setObjectName(f"{kind.value}_address_editor")
        self.line1_edit = line_edit("line1_edit", 200, "House number and street")
        self.line2_edit = line_edit("line2_edit", 200)
        self.line3_edit = line_edit("line3_edit", 200)
        self.town_edit = line_edit("town_edit", 100)
        self.county_edit = line_edit("county_edit", 100)
        self.postcode_edit = line_edit("postcode_edit", 16, "SW1A 1AA")
        self.postcode_edit.setMaximumWidth(self.postcode_edit.fontMetrics().horizontalAdvance("MMMM MMMM") + 24)
        self.country_combo = country_combo("country_combo")

        def text_problem(edit: QLineEdit, what: str, length: int, required: bool = False) -> Callable[[], str]:
            return lambda: (
                "" if self.is_blank() else problem_of(lambda: fields.clean_text(edit.text(), what, length, required))
            )

        self.add_field("line1", self.line1_edit, text_problem(self.line1_edit, "first address line", 200, True))
        self.add_field("line2", self.line2_edit, text_problem(self.line2_edit, "second address line", 200))
        self.add_field("line3", self.line3_edit, text_problem(self.line3_edit, "third address line", 200))
        self.add_field("town", self.town_edit, text_problem(self.town_edit, "town", 100))
        self.add_field("county", self.county_edit, text_problem(self.county_edit, "county", 100))
        self.add_field("postcode", self.postcode_edit, self._postcode_problem)
        self.add_field("country", self.country_combo)
        self.country_combo.currentIndexChanged.connect(self._on_country_combo_current_index_changed)

        lines = QWidget()
        column = QVBoxLayout(lines)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        for key in ("line1", "line2", "line3"):
            column.addWidget(self.fields[key].widget)
            column.addWidget(self.fields[key].error)
        form = QFormLayout(self)
        form.addRow("Address:", lines)
        form.addRow("Town:", stacked(self.town_edit, self.fields["town"].error))
        form.addRow("County:", stacked(self.county_edit, self.fields["county"].error))
        form.addRow("Postcode:", stacked(self.postcode_edit, self.fields["postcode"].error))
        form.addRow("Country:", stacked(self.country_combo, self.fields["country"].error))

    def focus_order(self) -> list[QWidget]:
        return [
            self.line1_edit,
            self.line2_edit,
            self.line3_edit,
            self.town_edit,
            self.county_edit,
            self.postcode_edit,
            self.country_combo,
        ]

    def country(self) -> str:
        return str(self.country_combo.currentData() or "GB")

    def _postcode_problem(self) -> str:
        if self.is_blank():
            return ""
        return problem_of(lambda: fields.check_postcode(self.postcode_edit.text(), self.country()))

    @Slot(int)
    def _on_country_combo_current_index_changed(self, _index: int) -> None:
        if self.postcode_edit.text().strip():
            self.fields["postcode"].validate()

    def is_blank(self) -> bool:
        return self.value().is_blank()

    def value(self) -> AddressInput:
        return AddressInput(
            kind=self.kind,
            line1=self.line1_edit.text(),
            line2=self.line2_edit.text(),
            line3=self.line3_edit.text(),
            town=self.town_edit.text(),
            county=self.county_edit.text(),
            postcode=self.postcode_edit.text(),
            country=self.country(),
        )

    def set_value(self, address: AddressInput) -> None:
        self.line1_edit.setText(address.line1)
        self.line2_edit.setText(address.line2)
        self.line3_edit.setText(address.line3)
        self.town_edit.setText(address.town)
        self.county_edit.setText(address.county)
        self.postcode_edit.setText(address.postcode)
        index = self.country_combo.findData(address.country or "GB")
        if index < 0:
            self.country_combo.addItem(address.country, address.country)
            index = self.country_combo.count() - 1
        self.country_combo.setCurrentIndex(index)


def _side_by_side(text: QLabel, button: QPushButton) -> QWidget:
    holder = QWidget()
    row = QHBoxLayout(holder)
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(text, 1)
    row.addWidget(button)
    return holder


# --- the dialog -------------------------------------------------------------------------------------------------------


class ClientFormDialog(FieldGroup, QDialog):
    """New client (``ref`` None) or edit client ``ref``. Accepted once saved: ``saved_ref`` holds the reference."""

    client_saved = Signal(str)  # the reference of the client saved
    open_client_requested = Signal(str)  # "Open C-xxxxx" on the duplicate warning (the form then closes)

    def __init__(self, ctx: AppContext, ref: str | None = None, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        FieldGroup.__init__(self)
        self.ctx = ctx
        self.ref = ref
        self.saved_ref: str | None = None
        self.saved_name = ""
        self.changed_fields: list[str] = []
        self._checked_duplicates: ClientInput | None = None  # "Save anyway" was offered for exactly this input
        self._sent_contacts: list[ContactEditor] = []
        self._sent_addresses: list[AddressEditor] = []
        self.setObjectName("client_form")
        self.setWindowTitle("New client" if ref is None else f"Edit {ref}")
        self.setSizeGripEnabled(True)

        # --- the client ---------------------------------------------------------------------------------------
        self.kind_combo = named(QComboBox(), "kind_combo")
        for kind in ClientKind:
            self.kind_combo.addItem(kind.label, kind)
        self.name_edit = line_edit("name_edit", 200)
        self.trading_name_edit = line_edit("trading_name_edit", 200)
        self.vat_edit = line_edit("vat_edit", 20, "GB980780684")
        self.payment_edit = line_edit("payment_reference_edit", 80, "e.g. Direct Debit mandate DD-4471")
        self.customer_centre_edit = line_edit("customer_centre_edit", 40)
        self.source_edit = line_edit("source_edit", 300, "e.g. Order form, phone call")
        self.notes_edit = named(QPlainTextEdit(), "notes_edit")
        self.notes_edit.setTabChangesFocus(True)
        self.notes_edit.setFixedHeight(self.notes_edit.fontMetrics().lineSpacing() * 4 + 12)

        self.add_field(
            "name",
            self.name_edit,
            lambda: problem_of(lambda: fields.clean_text(self.name_edit.text(), "client's name", 200, True)),
        )
        self.add_field(
            "trading_name",
            self.trading_name_edit,
            lambda: problem_of(lambda: fields.clean_text(self.trading_name_edit.text(), "trading name", 200)),
        )
        self.add_field("vat_number", self.vat_edit, lambda: problem_of(lambda: fields.check_vat(self.vat_edit.text())))
        self.add_field("payment_reference", self.payment_edit, lambda: self._card_problem(self.payment_edit.text()))
        self.add_field(
            "customer_centre_ref",
            self.customer_centre_edit,
            lambda: problem_of(
                lambda: fields.clean_text(self.customer_centre_edit.text(), "Customer Centre reference", 40)
            ),
        )
        self.add_field(
            "source",
            self.source_edit,
            lambda: problem_of(lambda: fields.clean_text(self.source_edit.text(), "source of the data", 300)),
        )
        self.add_field("notes", self.notes_edit, lambda: self._card_problem(self.notes_edit.toPlainText()))
        self.add_field("kind", self.kind_combo)

        details = QGroupBox("Client")
        form = QFormLayout(details)
        form.addRow("&Kind:", self.kind_combo)
        form.addRow("&Name:", stacked(self.name_edit, self.fields["name"].error))
        form.addRow("&Trading name:", stacked(self.trading_name_edit, self.fields["trading_name"].error))
        form.addRow("&VAT number:", stacked(self.vat_edit, self.fields["vat_number"].error))
        payment_note = QLabel("Never a card number.")
        payment_note.setStyleSheet(NOTE_STYLE)
        payment_note.setWordWrap(True)
        form.addRow(
            "Pa&yment reference:", stacked(self.payment_edit, payment_note, self.fields["payment_reference"].error)
        )
        form.addRow(
            "C&ustomer Centre ref:", stacked(self.customer_centre_edit, self.fields["customer_centre_ref"].error)
        )
        form.addRow("Sou&rce of data:", stacked(self.source_edit, self.fields["source"].error))
        form.addRow("N&otes:", stacked(self.notes_edit, self.fields["notes"].error))
        self._label_buddies(form)

        # --- contacts -----------------------------------------------------------------------------------------
        self.contacts_box = QGroupBox("Contacts")
        self.contacts_layout = QVBoxLayout(self.contacts_box)
        contacts_note = QLabel("Separate several emails or phone numbers with commas.")
        contacts_note.setStyleSheet(NOTE_STYLE)
        contacts_note.setWordWrap(True)
        self.contacts_layout.addWidget(contacts_note)
        self.contact_editors: list[ContactEditor] = []
        self.primary_group = QButtonGroup(self)
        self.primary_group.setExclusive(True)
        self.add_contact_button = named(QPushButton("Add &contact"), "add_contact_button")
        self.add_contact_button.setAutoDefault(False)
        self.contacts_layout.addWidget(self.add_contact_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.contacts_layout.addStretch(1)

        # --- addresses ----------------------------------------------------------------------------------------
        self.address_editors: list[AddressEditor] = []
        self.addresses_row = QHBoxLayout()

        # --- duplicates, errors and buttons -------------------------------------------------------------------
        self.duplicates_panel = named(QFrame(), "duplicates_panel")
        self.duplicates_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.duplicates_layout = QVBoxLayout(self.duplicates_panel)
        self.duplicates_panel.hide()
        self.error_label = make_error_label("error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.status_label = named(QLabel(), "status_label")
        self.status_label.setStyleSheet(NOTE_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setObjectName("save_button")
        self.save_button.setText("&Save")
        self.save_button.setToolTip("Save the client (Enter)")
        self.cancel_button = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel_button.setObjectName("cancel_button")
        self.cancel_button.setAutoDefault(False)

        page = QWidget()
        page_layout = QGridLayout(page)
        page_layout.addWidget(details, 0, 0)
        page_layout.addWidget(self.contacts_box, 0, 1)
        page_layout.addLayout(self.addresses_row, 1, 0, 1, 2)
        page_layout.setColumnStretch(0, 1)
        page_layout.setColumnStretch(1, 1)
        page_layout.setRowStretch(2, 1)
        details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.scroll_area, 1)
        layout.addWidget(self.duplicates_panel)
        layout.addWidget(self.error_label)
        bottom = QHBoxLayout()
        bottom.addWidget(self.status_label, 1)
        bottom.addWidget(self.buttons)
        layout.addLayout(bottom)
        # Only now that the button is inside the dialog does the dialog remember it as the default (Enter) button,
        # and give it back that role whenever another button had it for a while.
        self.save_button.setDefault(True)

        self.add_contact_button.clicked.connect(self._on_add_contact_button_clicked)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)

        self._set_addresses([])
        self.add_contact()
        self.resize(980, 700)
        if ref is None:
            self.name_edit.setFocus()
        else:
            self._load(ref)

    @staticmethod
    def _label_buddies(form: QFormLayout) -> None:
        """Each label's mnemonic moves to the field beside it (not to the box holding the field and its error)."""
        for row in range(form.rowCount()):
            label_item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            field_item = form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            label = label_item.widget() if label_item is not None else None
            field = field_item.widget() if field_item is not None else None
            if not isinstance(label, QLabel) or field is None:
                continue
            if not isinstance(field, QLineEdit | QComboBox | QPlainTextEdit):
                inner = field.findChildren(QLineEdit) + field.findChildren(QPlainTextEdit)
                field = inner[0] if inner else field
            label.setBuddy(field)

    @staticmethod
    def _card_problem(text: str) -> str:
        return CARD_NUMBER if clients.looks_like_card_number(text) else ""

    # --- building the contacts and addresses -------------------------------------------------------------------

    def add_contact(self, contact: ContactInput | None = None) -> ContactEditor:
        editor = ContactEditor()
        self.primary_group.addButton(editor.primary_radio)
        editor.remove_requested.connect(self._on_contact_editor_remove_requested)
        self.contact_editors.append(editor)
        self.contacts_layout.insertWidget(self.contacts_layout.indexOf(self.add_contact_button), editor)
        if contact is not None:
            editor.set_value(contact)
        if not any(e.primary_radio.isChecked() for e in self.contact_editors):
            self.contact_editors[0].primary_radio.setChecked(True)
        self._renumber_contacts()
        return editor

    def _renumber_contacts(self) -> None:
        for number, editor in enumerate(self.contact_editors, 1):
            editor.setTitle(f"Contact {number}")
        self._update_tab_order()

    @Slot()
    def _on_add_contact_button_clicked(self) -> None:
        editor = self.add_contact()
        editor.name_edit.setFocus()
        self.scroll_area.ensureWidgetVisible(editor)

    @Slot(object)
    def _on_contact_editor_remove_requested(self, editor: ContactEditor) -> None:
        was_primary = editor.primary_radio.isChecked()
        self.primary_group.removeButton(editor.primary_radio)
        self.contact_editors.remove(editor)
        editor.hide()
        editor.deleteLater()
        if not self.contact_editors:
            self.add_contact()
        elif was_primary:
            self.contact_editors[0].primary_radio.setChecked(True)
        self._renumber_contacts()
        self.contact_editors[0].name_edit.setFocus()

    def _set_addresses(self, addresses: list[AddressInput]) -> None:
        """One editor per address held, and at least a billing and a postal one."""
        for editor in self.address_editors:
            self.addresses_row.removeWidget(editor)
            editor.hide()
            editor.deleteLater()
        self.address_editors = []
        wanted = list(addresses)  # in the register's order, so that saving unchanged changes nothing
        for kind in (AddressKind.BILLING, AddressKind.POSTAL):
            if not any(a.kind is kind for a in wanted):
                wanted.append(AddressInput(kind, ""))
        mnemonics = {AddressKind.BILLING: "&Billing address", AddressKind.POSTAL: "&Postal address"}
        seen: dict[AddressKind, int] = {}
        for address in wanted:
            seen[address.kind] = seen.get(address.kind, 0) + 1
            number = seen[address.kind]
            title = mnemonics.get(address.kind, f"{address.kind.label} address")
            if number > 1:
                title = f"{address.kind.label} address {number}"
            editor = AddressEditor(address.kind, title)
            editor.set_value(address)
            self.address_editors.append(editor)
            self.addresses_row.addWidget(editor, 1)
        self._update_tab_order()

    def _update_tab_order(self) -> None:
        chain: list[QWidget] = [
            self.kind_combo,
            self.name_edit,
            self.trading_name_edit,
            self.vat_edit,
            self.payment_edit,
            self.customer_centre_edit,
            self.source_edit,
            self.notes_edit,
        ]
        for contact in self.contact_editors:
            chain.extend(contact.focus_order())
        chain.append(self.add_contact_button)
        for address in self.address_editors:
            chain.extend(address.focus_order())
        chain.extend([self.save_button, self.cancel_button])
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    # --- loading a client to edit ------------------------------------------------------------------------------

    def _load(self, ref: str) -> None:
        who = self.ctx.who
        self._set_busy(True, "Loading…")

        def load() -> ClientDetail:
            with who.register.session() as session:
                return clients.get_client(session, ref)

        self.ctx.tasks.run(load, on_done=self._on_loaded, on_error=self._on_failed)

    def _on_loaded(self, detail: ClientDetail) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.setWindowTitle(f"Edit {detail.ref} {detail.name}")
        self.set_input(detail.as_input())
        self.name_edit.setFocus()

    def set_input(self, data: ClientInput) -> None:
        """Show ``data`` in the fields."""
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(data.kind)))
        self.name_edit.setText(data.name)
        self.trading_name_edit.setText(data.trading_name)
        self.vat_edit.setText(data.vat_number)
        self.payment_edit.setText(data.payment_reference)
        self.customer_centre_edit.setText(data.customer_centre_ref)
        self.source_edit.setText(data.source)
        self.notes_edit.setPlainText(data.notes)
        for editor in list(self.contact_editors):
            self.primary_group.removeButton(editor.primary_radio)
            editor.hide()
            editor.deleteLater()
        self.contact_editors = []
        for contact in data.contacts:
            self.add_contact(contact)
        if not self.contact_editors:
            self.add_contact()
        self._set_addresses(data.addresses)

    # --- saving ------------------------------------------------------------------------------------------------

    def form_input(self) -> ClientInput:
        """What the fields hold (blank contacts and addresses left out), remembering which editor sent what so that
        the register's problems find their field."""
        self._sent_contacts = [e for e in self.contact_editors if not e.is_blank()]
        self._sent_addresses = [e for e in self.address_editors if not e.is_blank()]
        return ClientInput(
            name=self.name_edit.text(),
            kind=ClientKind(self.kind_combo.currentData()),
            trading_name=self.trading_name_edit.text(),
            vat_number=self.vat_edit.text(),
            payment_reference=self.payment_edit.text(),
            customer_centre_ref=self.customer_centre_edit.text(),
            source=self.source_edit.text(),
            notes=self.notes_edit.toPlainText(),
            contacts=[e.value() for e in self._sent_contacts],
            addresses=[e.value() for e in self._sent_addresses],
        )

    def problem_field(self, key: str) -> Field | None:
        """The field a key of :class:`FormError` names (``contacts.0.emails.1``, ``addresses.1.postcode``...)."""
        parts = key.split(".")
        if parts[0] in {"contacts", "addresses"} and len(parts) >= 3 and parts[1].isdigit():
            editors: list[ContactEditor] | list[AddressEditor]
            editors = self._sent_contacts if parts[0] == "contacts" else self._sent_addresses
            index = int(parts[1])
            if index < len(editors):
                return editors[index].field_for(".".join(parts[2:]))
            return None
        return self.field_for(key)

    def show_problems(self, problems: dict[str, str]) -> None:
        """Each message under its field; the cursor goes to the first; any without a field shows at the bottom."""
        self._clear_all_problems()
        first: Field | None = None
        unplaced = []
        for key, message in problems.items():
            field = self.problem_field(key)
            if field is None:
                unplaced.append(message)
                continue
            field.show(message)
            first = first or field
        count = len(problems)
        summary = "Correct the field marked in red." if count == 1 else f"Correct the {count} fields marked in red."
        show_message(self.error_label, " ".join([*unplaced, summary]) if unplaced else summary)
        if first is not None:
            first.widget.setFocus()
            self.scroll_area.ensureWidgetVisible(first.widget)

    def _clear_all_problems(self) -> None:
        self.clear_problems()
        groups: list[FieldGroup] = [*self.contact_editors, *self.address_editors]
        for group in groups:
            group.clear_problems()
        show_message(self.error_label, "")

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.submit()

    def submit(self) -> None:
        if not self.save_button.isEnabled():
            return
        data = self.form_input()
        try:
            cleaned = clients.validate_client(data)
        except FormError as exc:
            self.show_problems(exc.problems)
            return
        self._clear_all_problems()
        if self.ref is not None or cleaned == self._checked_duplicates:
            self._write(cleaned)
            return
        who = self.ctx.who

        def look() -> tuple[list[Duplicate], list[Duplicate]]:
            with who.register.session() as session:
                # The same Customer Centre account (found without the emails) is refused by the register; the same
                # email is only a warning.
                refused = clients.find_duplicates(session, replace(cleaned, contacts=[]))
                return clients.find_duplicates(session, cleaned), refused

        self.duplicates_panel.hide()
        self._set_busy(True, "Looking for the same client…")
        self.ctx.tasks.run(
            look, on_done=lambda found: self._on_duplicates_found(cleaned, *found), on_error=self._on_failed
        )

    def _on_duplicates_found(self, cleaned: ClientInput, found: list[Duplicate], refused: list[Duplicate]) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if refused:
            dup = refused[0]
            message = f"{dup.ref} {dup.name} already has the Customer Centre reference {cleaned.customer_centre_ref}."
            self.fields["customer_centre_ref"].show(message)
            self.show_duplicates([(dup.ref, message)], can_save=False)
            self.customer_centre_edit.setFocus()
            return
        if not found:
            self._write(cleaned)
            return
        self._checked_duplicates = cleaned
        self.show_duplicates([(d.ref, f"{d.ref} {d.name}: the same {d.reason}.") for d in found], can_save=True)

    def show_duplicates(self, found: list[tuple[str, str]], can_save: bool) -> None:
        """The clients that look like this one (reference, why), each with a button to open it; "Save anyway" when
        the register allows it."""
        while self.duplicates_layout.count():
            item = self.duplicates_layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        heading = QLabel(
            "<b>This client may already be in the register.</b>"
            if can_save
            else "<b>This Customer Centre reference belongs to another client.</b>"
        )
        heading.setStyleSheet(WARNING_STYLE)
        self.duplicates_layout.addWidget(heading)
        for ref, reason in found:
            text = QLabel(reason)
            text.setTextFormat(Qt.TextFormat.PlainText)
            text.setWordWrap(True)
            button = named(QPushButton(f"Open {ref}"), f"open_{ref}_button")
            button.setAutoDefault(False)
            button.setToolTip(f"Close this form and open {ref}")
            button.clicked.connect(lambda _checked=False, ref=ref: self._on_open_duplicate_clicked(ref))
            self.duplicates_layout.addWidget(_side_by_side(text, button))
        if can_save:
            note = QLabel("A shared email is allowed (for example one bookkeeper for several clients).")
            note.setStyleSheet(NOTE_STYLE)
            note.setWordWrap(True)
            self.save_anyway_button = named(QPushButton("Save &anyway"), "save_anyway_button")
            self.save_anyway_button.setAutoDefault(False)
            self.save_anyway_button.clicked.connect(self.submit)
            self.duplicates_layout.addWidget(_side_by_side(note, self.save_anyway_button))
        self.duplicates_panel.show()

    def _on_open_duplicate_clicked(self, ref: str) -> None:
        self.open_client_requested.emit(ref)
        self.reject()

    def _write(self, cleaned: ClientInput) -> None:
        who, ref = self.ctx.who, self.ref

        def work() -> tuple[str, list[str]]:
            with who.register.session() as session:
                if ref is None:
                    return clients.create_client(session, who.username, cleaned), []
                return ref, clients.update_client(session, who.username, ref, cleaned)

        self._set_busy(True, "Saving…")
        self.ctx.tasks.run(work, on_done=self._on_saved, on_error=self._on_failed, serial=True)

    def _on_saved(self, result: tuple[str, list[str]]) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.saved_ref, self.changed_fields = result
        self.saved_name = " ".join(self.name_edit.text().split())
        self.client_saved.emit(self.saved_ref)
        self.accept()

    def _on_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        if isinstance(exc, FormError):
            self.show_problems(exc.problems)
        elif isinstance(exc, DuplicateError):
            self.fields["customer_centre_ref"].show(exc.message)
            show_message(self.error_label, exc.message)
            self.show_duplicates([(exc.existing, exc.message)], can_save=False)
            self.customer_centre_edit.setFocus()
        elif isinstance(exc, HartdeskError):
            show_message(self.error_label, exc.message)
        else:
            show_message(self.error_label, "")
            crash.report_unexpected(exc, self)

    def _set_busy(self, busy: bool, text: str = "") -> None:
        self.save_button.setEnabled(not busy)
        self.scroll_area.setEnabled(not busy)
        self.status_label.setText(text if busy else "")
