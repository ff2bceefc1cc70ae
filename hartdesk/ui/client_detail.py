"""One client's record: details, contacts and addresses, services, invoices, consent, who holds what, and activity.

The dialog reads everything in one task (one session) and shows it tab by tab; every change made from here (status,
consent, services, an edit) runs as a serial task, reloads the record and emits ``client_changed`` so that the list
of clients can show it too. It is not modal: a clerk can keep several clients open beside the list.
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QByteArray, QModelIndex, QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QAction, QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import paths
from hartdesk import settings as settings_mod
from hartdesk.errors import HartdeskError
from hartdesk.models import ClientStatus, ConsentChange, InvoiceStatus, PolicyDocument, TransferSafeguard
from hartdesk.register import clients, fields, services
from hartdesk.register.clients import (
    AcceptanceView,
    AddressView,
    ClientDetail,
    ConsentView,
    ContactView,
    InvoiceView,
    ServiceView,
)
from hartdesk.register.whoholds import Disclosure, HeldCategory, WhoHoldsWhat, who_holds_what
from hartdesk.security import audit
from hartdesk.security.audit import AuditRow
from hartdesk.settings import Settings
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.audit_model import AuditFilter, AuditTableModel
from hartdesk.ui.models.audit_model import Column as AuditColumn
from hartdesk.ui.models.base import ROW_ROLE, Index, RowTableModel
from hartdesk.ui.widgets import (
    ERROR_COLOUR,
    NOTE_STYLE,
    WARNING_STYLE,
    confirmation,
    make_error_label,
    make_list_table,
    mono_font,
    named,
    show_message,
)

T = TypeVar("T")
GEOMETRY_KEY = "client_detail/geometry"
STATUS_COLOURS = {
    ClientStatus.ACTIVE: ("#1b6e2b", "#e3f4e6"),
    ClientStatus.SUSPENDED: ("#8a5a00", "#fdf0d5"),
    ClientStatus.CLOSED: ("#4a4a4a", "#e6e6e6"),
    ClientStatus.ERASED: ("#a61b1b", "#f8e1e1"),
}
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


def uk_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def local_moment(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


# --- a small read-only table ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col(Generic[T]):
    """One column of a :class:`ListModel`: its header, the text of a row, and optionally a tooltip and colour."""

    header: str
    text: Callable[[T], str]
    width: int | None = None
    right: bool = False
    tooltip: Callable[[T], str] | None = None
    colour: Callable[[T], str | None] | None = None
    stretch: bool = False  # shares the table's width with the other stretching columns (long texts that wrap)


class ListModel(RowTableModel[T]):
    """The rows of one tab's table (a client has few of each): columns given as :class:`Col`."""

    def __init__(self, columns: Sequence[Col[T]], parent: QObject | None = None) -> None:
        RowTableModel.__init__(self, parent)
        self.columns = list(columns)

    def set_rows(self, rows: Sequence[T]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def rows(self) -> list[T]:
        return list(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].right:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        if role == ROW_ROLE:
            return row
        return self.cell(row, index.column(), role)

    def cell(self, row: T, column: int, role: int) -> Any:
        col = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (col.tooltip(row) if col.tooltip is not None else col.text(row)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None


def list_table(name: str, model: ListModel[Any], wrap: bool = False) -> QTableView:
    """A table for ``model`` whose column widths are remembered; ``wrap`` lets long texts take several lines."""
    widths = {i: c.width for i, c in enumerate(model.columns) if c.width is not None}
    table = make_list_table(name, model, widths, f"client_detail/{name}", row_padding=8)
    for i, column in enumerate(model.columns):
        if column.stretch:
            table.horizontalHeader().setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
    if wrap:
        table.setWordWrap(True)
        table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    else:
        table.setWordWrap(False)
    return table


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    return label


def value_label(name: str) -> QLabel:
    label = named(QLabel(), name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def contact_role(contact: ContactView) -> str:
    """The contact's role, and whether they are the primary contact ("Director (primary)")."""
    parts = [contact.role, "(primary)" if contact.is_primary else ""]
    return " ".join(p for p in parts if p)


# --- what the dialog shows, read in one go ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ClientRecord:
    detail: ClientDetail
    holds: WhoHoldsWhat
    settings: Settings


def read_record(who: Any, ref: str, today: date) -> ClientRecord:
    """Runs on a pool thread: everything the dialog shows except the activity (which pages on its own)."""
    with who.register.session() as session:
        settings = settings_mod.load(session)
        detail = clients.get_client(session, ref)
        holds = who_holds_what(session, detail.ref, settings, today)
    return ClientRecord(detail, holds, settings)


# --- the dialog -------------------------------------------------------------------------------------------------------


class ClientDetailDialog(QDialog):
    """The record of client ``ref``; ``client_changed(ref)`` after every change made from it."""

    client_changed = Signal(str)

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.ref = ref
        self.record: ClientRecord | None = None
        self._generation = 0
        self.setObjectName("client_detail")
        self.setWindowTitle(ref)
        self.setModal(False)
        self.setSizeGripEnabled(True)
        self.setMinimumSize(720, 480)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        # --- header -------------------------------------------------------------------------------------------
        self.ref_label = named(QLabel(ref), "ref_label")
        self.ref_label.setFont(mono_font(1.15, self.ref_label.font()))
        self.ref_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.name_label = value_label("name_label")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.status_badge = named(QLabel(), "status_badge")
        self.trading_label = value_label("trading_label")
        self.trading_label.setStyleSheet(NOTE_STYLE)
        self.error_label = make_error_label("error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        header_row = QHBoxLayout()
        header_row.addWidget(self.ref_label)
        header_row.addWidget(self.name_label, 1)
        header_row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)

        self.tabs = named(QTabWidget(), "tabs")
        self.tabs.addTab(self._build_details_tab(), "&Details")
        self.tabs.addTab(self._build_contacts_tab(), "C&ontacts && addresses")
        self.tabs.addTab(self._build_services_tab(), "&Services")
        self.tabs.addTab(self._build_invoices_tab(), "&Invoices")
        self.tabs.addTab(self._build_consent_tab(), "Co&nsent")
        self.tabs.addTab(self._build_holds_tab(), "&Who holds what")
        self.tabs.addTab(self._build_activity_tab(), "Ac&tivity")

        self.edit_button = named(QPushButton("&Edit…"), "edit_button")
        self.edit_button.setToolTip("Change the client's details, contacts and addresses (Ctrl+E)")
        self.edit_button.setAutoDefault(False)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("close_button")
        self.close_button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)
        bottom = QHBoxLayout()
        bottom.addWidget(self.edit_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(header_row)
        layout.addWidget(self.trading_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(bottom)

        self.edit_action = QAction("Edit the client", self)
        self.edit_action.setShortcut(QKeySequence("Ctrl+E"))
        self.edit_action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # this dialog is its own window
        self.edit_action.triggered.connect(self._on_edit_button_clicked)
        self.addAction(self.edit_action)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)

        self._set_actions_enabled()
        self._restore_geometry()
        self.reload()

    # --- tabs ----------------------------------------------------------------------------------------------------

    def _build_details_tab(self) -> QWidget:
        self.detail_values: dict[str, QLabel] = {}
        form = QFormLayout()
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        for key, label in (
            ("kind", "Kind:"),
            ("name", "Name:"),
            ("trading_name", "Trading name:"),
            ("status", "Status:"),
            ("opened_on", "Client since:"),
            ("vat_number", "VAT number:"),
            ("payment_reference", "Payment reference:"),
            ("customer_centre_ref", "Customer Centre ref:"),
            ("source", "Source of data:"),
            ("notes", "Notes:"),
            ("updated", "Last changed:"),
        ):
            value = value_label(f"{key}_value")
            self.detail_values[key] = value
            form.addRow(label, value)
        self.suspend_button = named(QPushButton("Sus&pend…"), "suspend_button")
        self.suspend_button.setToolTip("Stop the client's services for now (for example unpaid invoices)")
        self.close_account_button = named(QPushButton("Close &account…"), "close_account_button")
        self.close_account_button.setToolTip("The client has left; their data is kept for the retention periods")
        self.reopen_button = named(QPushButton("&Reopen…"), "reopen_button")
        self.reopen_button.setToolTip("Make the client active again")
        status_row = QHBoxLayout()
        for button in (self.suspend_button, self.close_account_button, self.reopen_button):
            button.setAutoDefault(False)
            status_row.addWidget(button)
        status_row.addStretch(1)
        self.suspend_button.clicked.connect(lambda: self._ask_status(ClientStatus.SUSPENDED))
        self.close_account_button.clicked.connect(lambda: self._ask_status(ClientStatus.CLOSED))
        self.reopen_button.clicked.connect(lambda: self._ask_status(ClientStatus.ACTIVE))

        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(form)
        column.addStretch(1)
        column.addLayout(status_row)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(page)
        return scroll

    def _build_contacts_tab(self) -> QWidget:
        self.contacts_model: ListModel[ContactView] = ListModel(
            [
                Col("Name", lambda c: c.name, 180),
                Col("Role", contact_role, 150),
                Col("Emails", lambda c: ", ".join(c.emails), 240),
                Col("Phones", lambda c: ", ".join(c.phones_display)),
            ],
            self,
        )
        self.addresses_model: ListModel[AddressView] = ListModel(
            [
                Col("Kind", lambda a: a.kind.label, 100),
                Col("Address", lambda a: ", ".join(a.lines[:-1] if a.country == "GB" else a.lines), 420),
                Col("Postcode", lambda a: a.postcode, 90),
                Col("Country", lambda a: fields.country_name(a.country)),
            ],
            self,
        )
        self.contacts_table = list_table("contacts_table", self.contacts_model)
        self.addresses_table = list_table("addresses_table", self.addresses_model)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Contacts"))
        column.addWidget(self.contacts_table, 1)
        column.addWidget(heading("Addresses"))
        column.addWidget(self.addresses_table, 1)
        return page

    def _build_services_tab(self) -> QWidget:
        self.services_model: ListModel[ServiceView] = ListModel(
            [
                Col("Service", lambda s: s.kind.label, 140),
                Col("Domain or name", lambda s: s.identifier, 200),
                Col("Plan", lambda s: s.plan, 120),
                Col("Status", lambda s: s.status.label, 80),
                Col("Started", lambda s: uk_date(s.start_date), 85),
                Col("Renews", lambda s: uk_date(s.renewal_date), 85),
                Col("Operators", lambda s: ", ".join(s.operators)),
            ],
            self,
        )
        self.services_table = list_table("services_table", self.services_model)
        self.add_service_button = named(QPushButton("Add ser&vice…"), "add_service_button")
        self.edit_service_button = named(QPushButton("Edit servi&ce…"), "edit_service_button")
        self.delete_service_button = named(QPushButton("De&lete service…"), "delete_service_button")
        row = QHBoxLayout()
        for button in (self.add_service_button, self.edit_service_button, self.delete_service_button):
            button.setAutoDefault(False)
            row.addWidget(button)
        row.addStretch(1)
        self.add_service_button.clicked.connect(self._on_add_service_button_clicked)
        self.edit_service_button.clicked.connect(self._on_edit_service_button_clicked)
        self.delete_service_button.clicked.connect(self._on_delete_service_button_clicked)
        self.services_table.activated.connect(self._on_edit_service_button_clicked)
        self.services_table.selectionModel().selectionChanged.connect(self._set_actions_enabled)
        self.services_model.modelReset.connect(self._set_actions_enabled)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.services_table, 1)
        column.addLayout(row)
        return page

    def _build_invoices_tab(self) -> QWidget:
        self.invoices_model: ListModel[InvoiceView] = ListModel(
            [
                Col("Number", lambda i: i.number, 110),
                Col("Date", lambda i: uk_date(i.issued_on), 90),
                Col("Amount", lambda i: fields.format_pounds(i.amount_pence), 100, right=True),
                Col("Status", lambda i: InvoiceStatus(i.status).label, 80),
                Col("Billed to", lambda i: i.billed_name, tooltip=lambda i: i.billed_address or i.billed_name),
            ],
            self,
        )
        self.invoices_table = list_table("invoices_table", self.invoices_model)
        self.invoices_total = named(QLabel(), "invoices_total")
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.invoices_table, 1)
        column.addWidget(self.invoices_total)
        return page

    def _build_consent_tab(self) -> QWidget:
        self.consent_state = named(QLabel(), "consent_state")
        self.consent_state.setWordWrap(True)
        self.consent_state.setTextFormat(Qt.TextFormat.RichText)
        self.consents_model: ListModel[ConsentView] = ListModel(
            [
                Col("When", lambda c: local_moment(c.at), 130),
                Col("Change", lambda c: c.change.label, 90),
                Col("How", lambda c: c.method, 220),
                Col("Recorded by", lambda c: c.recorded_by, 100),
                Col("Note", lambda c: c.note),
            ],
            self,
        )
        self.consents_table = list_table("consents_table", self.consents_model)
        self.give_consent_button = named(QPushButton("Record consent &given…"), "give_consent_button")
        self.withdraw_consent_button = named(QPushButton("Record wit&hdrawal…"), "withdraw_consent_button")
        buttons = QHBoxLayout()
        for button in (self.give_consent_button, self.withdraw_consent_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        buttons.addStretch(1)
        self.give_consent_button.clicked.connect(lambda: self._record_consent(ConsentChange.GIVEN))
        self.withdraw_consent_button.clicked.connect(lambda: self._record_consent(ConsentChange.WITHDRAWN))

        self.policy_warning = named(QLabel(), "policy_warning")
        self.policy_warning.setWordWrap(True)
        self.policy_warning.setTextFormat(Qt.TextFormat.RichText)
        self.policy_warning.setStyleSheet(WARNING_STYLE)
        self.policy_warning.hide()
        self.acceptances_model: ListModel[AcceptanceView] = ListModel(
            [
                Col("Document", lambda a: a.document.label, 160),
                Col("Version", lambda a: a.version, 90),
                Col("Accepted", lambda a: local_moment(a.accepted_at), 130),
                Col("How", lambda a: a.method),
            ],
            self,
        )
        self.acceptances_table = list_table("acceptances_table", self.acceptances_model)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(heading("Marketing consent"))
        column.addWidget(self.consent_state)
        column.addWidget(self.consents_table, 2)
        column.addLayout(buttons)
        column.addSpacing(6)
        column.addWidget(heading("Policies accepted"))
        column.addWidget(self.policy_warning)
        column.addWidget(self.acceptances_table, 1)
        return page

    def _build_holds_tab(self) -> QWidget:
        self.holds_intro = named(QLabel(), "holds_intro")
        self.holds_intro.setWordWrap(True)
        self.categories_model: ListModel[HeldCategory] = ListModel(
            [
                Col("Category", lambda c: c.name, 120, tooltip=_category_tooltip),
                Col("Purpose", lambda c: c.purpose, stretch=True),
                Col("Lawful basis", lambda c: c.lawful_basis.label, 150),
                Col("Retention", lambda c: c.retention, stretch=True),
                Col("Source", lambda c: c.source, stretch=True),
            ],
            self,
        )
        self.recipients_model: ListModel[Disclosure] = ListModel(
            [
                Col("Operator", lambda d: d.operator_name, 120, tooltip=lambda d: f"{d.operator_name}: {d.role}"),
                Col("Country", lambda d: d.country_name, 110),
                Col("Safeguard", lambda d: d.safeguard.label, colour=_safeguard_colour, stretch=True),
                Col("Categories", lambda d: ", ".join(d.category_names), stretch=True),
                Col("Via", lambda d: ", ".join(d.via), stretch=True),
            ],
            self,
        )
        self.categories_table = list_table("categories_table", self.categories_model, wrap=True)
        self.recipients_table = list_table("recipients_table", self.recipients_model, wrap=True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.holds_intro)
        column.addWidget(heading("What we hold"))
        column.addWidget(self.categories_table, 3)
        column.addWidget(heading("Who receives it"))
        column.addWidget(self.recipients_table, 1)
        return page

    def _build_activity_tab(self) -> QWidget:
        self.activity_model = AuditTableModel(self.ctx.tasks, self._load_activity, self)
        self.activity_table = make_list_table(
            "activity_table",
            self.activity_model,
            {AuditColumn.WHEN: 150, AuditColumn.WHO: 90, AuditColumn.ACTION: 160, AuditColumn.RECORD: 90},
            "client_detail/activity_table",
            row_padding=8,
        )
        self.activity_table.setWordWrap(False)
        self.activity_table.hideColumn(AuditColumn.RECORD)  # always this client
        self.activity_model.load_failed.connect(lambda exc: self._on_failed(self._generation, exc))
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.activity_table, 1)
        return page

    # --- loading -------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the client again (after a change, or when opened)."""
        if self.ctx.signed_in is None:
            return
        self._generation += 1
        generation, who, ref, today = self._generation, self.ctx.who, self.ref, date.today()
        self.ctx.tasks.run(
            lambda: read_record(who, ref, today),
            on_done=lambda record: self._on_record_read(generation, record),
            on_error=lambda exc: self._on_failed(generation, exc),
        )
        self.activity_model.set_filter(AuditFilter())

    def _is_current(self, generation: int) -> bool:
        return shiboken6.isValid(self) and generation == self._generation

    def _load_activity(self, _filter: AuditFilter, offset: int, limit: int) -> list[AuditRow]:
        who, target = self.ctx.who, f"client:{self.ref}"
        with who.register.session() as session:
            return audit.query(session, target=target, limit=limit, offset=offset)

    def _on_record_read(self, generation: int, record: ClientRecord) -> None:
        if not self._is_current(generation):
            return
        self.record = record
        show_message(self.error_label, "")
        self._show(record)
        self._set_actions_enabled()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if not self._is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            show_message(self.error_label, exc.message)
        else:
            show_message(self.error_label, "")
            crash.report_unexpected(exc, self)

    def _show(self, record: ClientRecord) -> None:
        d = record.detail
        self.ref = d.ref
        self.setWindowTitle(f"{d.ref} {d.name}")
        self.ref_label.setText(d.ref)
        self.name_label.setText(d.name)
        colour, background = STATUS_COLOURS.get(d.status, ("#333333", "#eeeeee"))
        self.status_badge.setText(d.status.label)
        self.status_badge.setStyleSheet(
            f"QLabel {{ color: {colour}; background: {background}; border: 1px solid {colour};"
            " border-radius: 9px; padding: 2px 10px; font-weight: bold; }"
        )
        self.trading_label.setText(f"Trading as {d.trading_name}" if d.trading_name else "")
        self.trading_label.setVisible(bool(d.trading_name))

        status = d.status.label
        if d.status is not ClientStatus.ACTIVE:
            status += f" since {fields.format_uk_date(d.status_changed_on)}"
        values = {
            "kind": d.kind.label,
            "name": d.name,
            "trading_name": d.trading_name or "—",
            "status": status,
            "opened_on": fields.format_uk_date(d.opened_on),
            "vat_number": d.vat_number or "—",
            "payment_reference": d.payment_reference or "—",
            "customer_centre_ref": d.customer_centre_ref or "—",
            "source": d.source or "—",
            "notes": d.notes or "—",
            "updated": local_moment(d.updated_at),
        }
        for key, text in values.items():
            self.detail_values[key].setText(text)

        self.contacts_model.set_rows(d.contacts)
        self.addresses_model.set_rows(d.addresses)
        self.services_model.set_rows(d.services)
        self.invoices_model.set_rows(d.invoices)
        total = sum(i.amount_pence for i in d.invoices if InvoiceStatus(i.status) is not InvoiceStatus.VOID)
        count = len(d.invoices)
        self.invoices_total.setText(
            "No invoices."
            if not count
            else f"{count} invoice{'s' if count != 1 else ''}, {fields.format_pounds(total)} in total "
            "(void ones left out)."
        )
        self.consents_model.set_rows(d.consents)
        self.consent_state.setText(consent_statement(d))
        self.acceptances_model.set_rows(d.acceptances)
        warning = policy_warning(d, record.settings)
        self.policy_warning.setText(warning)
        self.policy_warning.setVisible(bool(warning))

        holds = record.holds
        self.holds_intro.setText(
            f"As of {fields.format_uk_date(holds.as_of)}, we hold {len(holds.categories)} "
            f"categor{'y' if len(holds.categories) == 1 else 'ies'} of data about this client, and "
            f"{len(holds.recipients)} operator{' receives' if len(holds.recipients) == 1 else 's receive'} some of it."
        )
        self.categories_model.set_rows(holds.categories)
        self.recipients_model.set_rows(holds.recipients)

    # --- what can be done ----------------------------------------------------------------------------------------

    @Slot()
    def _set_actions_enabled(self, *_: object) -> None:
        d = self.record.detail if self.record is not None else None
        status = d.status if d is not None else None
        editable = d is not None and status is not ClientStatus.ERASED
        self.edit_button.setEnabled(editable)
        self.edit_action.setEnabled(editable)
        self.suspend_button.setEnabled(status is ClientStatus.ACTIVE)
        self.close_account_button.setEnabled(status in {ClientStatus.ACTIVE, ClientStatus.SUSPENDED})
        self.reopen_button.setEnabled(status in {ClientStatus.SUSPENDED, ClientStatus.CLOSED})
        self.give_consent_button.setEnabled(editable)
        self.withdraw_consent_button.setEnabled(editable)
        self.add_service_button.setEnabled(editable)
        selected = self.selected_service() is not None
        self.edit_service_button.setEnabled(editable and selected)
        self.delete_service_button.setEnabled(editable and selected)

    def selected_service(self) -> ServiceView | None:
        rows = self.services_table.selectionModel().selectedRows()
        return self.services_model.row_at(rows[0]) if rows else None

    def _changed(self) -> None:
        """Something was written: read the client again and tell the list."""
        if not shiboken6.isValid(self):
            return
        self.reload()
        self.client_changed.emit(self.ref)

    def _run_write(self, fn: Callable[[], object]) -> None:
        def failed(exc: BaseException) -> None:
            if not shiboken6.isValid(self):
                return
            if isinstance(exc, HartdeskError):
                show_message(self.error_label, exc.message)
            else:
                crash.report_unexpected(exc, self)

        self.ctx.tasks.run(fn, on_done=lambda _: self._changed(), on_error=failed, serial=True)

    def _open_child(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(on_accepted)
        dialog.open()

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        from hartdesk.ui.client_form import ClientFormDialog

        if self.record is None or not self.edit_button.isEnabled():
            return
        self._open_child(ClientFormDialog(self.ctx, self.ref, self), self._changed)

    # --- status --------------------------------------------------------------------------------------------------

    def _ask_status(self, status: ClientStatus) -> None:
        if self.record is None:
            return
        d = self.record.detail
        texts = {
            ClientStatus.SUSPENDED: (
                "Suspend",
                f"Suspend {d.ref} {d.name}?",
                "Use this while the client's services are stopped (for example unpaid invoices). "
                "Nothing is deleted; you can reopen the client later.",
                "Sus&pend",
            ),
            ClientStatus.CLOSED: (
                "Close the account",
                f"Close the account of {d.ref} {d.name}?",
                "The client has left. Their data is kept only for the retention periods that follow the end of the "
                "relationship (see Who holds what), then reviewed for deletion.",
                "Close &account",
            ),
            ClientStatus.ACTIVE: (
                "Reopen",
                f"Reopen {d.ref} {d.name}?",
                "The client becomes active again.",
                "&Reopen",
            ),
        }
        title, text, details, yes = texts[status]
        box = confirmation(self, "status_confirmation", title, text, details, yes, lambda: self._set_status(status))
        box.setTextFormat(Qt.TextFormat.PlainText)  # the text holds the client's name
        box.setIcon(QMessageBox.Icon.Question)
        box.open()

    def _set_status(self, status: ClientStatus) -> None:
        who, ref = self.ctx.who, self.ref

        def work() -> None:
            with who.register.session() as session:
                clients.set_status(session, who.username, ref, status)

        self._run_write(work)

    # --- consent -------------------------------------------------------------------------------------------------

    def _record_consent(self, change: ConsentChange) -> None:
        from hartdesk.ui.consent_dialog import ConsentDialog

        if self.record is None:
            return
        self._open_child(ConsentDialog(self.ctx, self.ref, change, self.record.detail.name, self), self._changed)

    # --- services ------------------------------------------------------------------------------------------------

    def _service_dialog(self, service_id: int | None) -> None:
        from hartdesk.ui.service_form import ServiceDialog  # on first use

        self._open_child(ServiceDialog(self.ctx, self.ref, service_id, self), self._changed)

    @Slot()
    def _on_add_service_button_clicked(self) -> None:
        if self.add_service_button.isEnabled():
            self._service_dialog(None)

    @Slot()
    def _on_edit_service_button_clicked(self, *_: object) -> None:
        service = self.selected_service()
        if service is not None and self.edit_service_button.isEnabled():
            self._service_dialog(service.id)

    @Slot()
    def _on_delete_service_button_clicked(self) -> None:
        service = self.selected_service()
        if service is None:
            return
        service_id = service.id
        who = self.ctx.who

        def delete() -> None:
            with who.register.session() as session:
                services.delete_service(session, who.username, service_id)

        box = confirmation(
            self,
            "delete_service_confirmation",
            "Delete a service",
            f"Delete {service.kind.label.lower()} {service.identifier} from {self.ref}?",
            "Only for a service entered by mistake. A service the client had and stopped should be set to "
            "Ended instead, so its retention period can run.",
            "&Delete",
            lambda: self._run_write(delete),
            QMessageBox.ButtonRole.DestructiveRole,
        )
        box.setTextFormat(Qt.TextFormat.PlainText)  # the text holds the client's name
        box.open()

    # --- geometry ------------------------------------------------------------------------------------------------

    @staticmethod
    def _store() -> QSettings:
        folder = paths.config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        geometry = self._store().value(GEOMETRY_KEY)
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        self.resize(980, 660)

    def done(self, result: int) -> None:
        self._store().setValue(GEOMETRY_KEY, self.saveGeometry())
        QDialog.done(self, result)


# --- plain words ------------------------------------------------------------------------------------------------------


def consent_statement(d: ClientDetail) -> str:
    """The current state of marketing consent, said plainly."""
    events = [c for c in d.consents if c.purpose == clients.MARKETING]
    state = d.marketing_consent
    if state == "none" or not events:
        return (
            "<b>None recorded.</b> This client has not given consent to marketing: do not send them marketing emails."
        )
    last = events[-1]
    when = fields.format_uk_date(last.at.astimezone())
    how = html.escape(last.method)
    if state == ConsentChange.GIVEN.value:
        return f"<b>Given</b> on {when} ({how}). Marketing emails may be sent until the client withdraws it."
    return f"<b style='color:{ERROR_COLOUR}'>Withdrawn</b> on {when} ({how}). Do not send this client marketing emails."


def policy_warning(d: ClientDetail, settings: Settings) -> str:
    """A warning for each current policy version the client has not accepted (empty when there is none)."""
    lines = []
    for document, version in (
        (PolicyDocument.PRIVACY_POLICY, settings.privacy_policy_version),
        (PolicyDocument.TERMS, settings.terms_version),
    ):
        if not d.needs_reacceptance(document, version):
            continue
        accepted = d.accepted_version(document)
        before = (
            f"they last accepted version {html.escape(accepted.version)} on "
            f"{fields.format_uk_date(accepted.accepted_at.astimezone())}"
            if accepted is not None
            else "they have never accepted it"
        )
        lines.append(
            f"⚠ Has not accepted the current {document.label.lower()} (version {html.escape(version)}): {before}."
        )
    return "<br>".join(lines)


def _category_tooltip(category: HeldCategory) -> str:
    evidence = "; ".join(category.evidence)
    return f"{category.description}\nHeld because of: {evidence}" if category.description else f"Held: {evidence}"


def _safeguard_colour(disclosure: Disclosure) -> str | None:
    return ERROR_COLOUR if disclosure.safeguard is TransferSafeguard.NONE else None
