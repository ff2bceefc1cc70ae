"""One client's record: details, contacts and addresses, services, invoices, consent, who holds what, the documents
made for the client (with a data report or a data processing agreement made from here), and activity.

The dialog reads everything in one task (one session) and shows it tab by tab; every change made from here (status,
consent, services, an edit) runs as a serial task, reloads the record and emits ``client_changed`` so that the list
of clients can show it too. It is not modal: a clerk can keep several clients open beside the list.

A client whose data is restricted (UK GDPR Art. 18) has a framed banner above the tabs saying so in the words of
:func:`hartdesk.privacy.rights.restriction_text`, with "Lift restriction…" for an administrator.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import settings as settings_mod
from hartdesk.errors import HartdeskError
from hartdesk.models import ClientStatus, ConsentChange, InvoiceStatus, PolicyDocument, TransferSafeguard
from hartdesk.models.enums import DocumentKind
from hartdesk.privacy.rights import restriction_text
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
from hartdesk.register.documents import DocumentRow, list_documents
from hartdesk.register.whoholds import Disclosure, HeldCategory, WhoHoldsWhat, who_holds_what
from hartdesk.security import audit
from hartdesk.security.audit import AuditRow
from hartdesk.settings import Settings
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.audit_model import AuditFilter, AuditTableModel
from hartdesk.ui.models.audit_model import Column as AuditColumn
from hartdesk.ui.models.client_model import RESTRICTED_WORD, restricted_colour
from hartdesk.ui.record_window import Col, ListModel, RecordWindow, value_form
from hartdesk.ui.widgets import (
    ERROR_COLOUR,
    NOTE_STYLE,
    WARNING_STYLE,
    confirmation,
    make_list_table,
    named,
    scrolling,
    show_message,
    table_with_buttons,
    value_label,
)

if TYPE_CHECKING:
    from hartdesk.ui.document_dialog import DocumentDialog, Maker

STATUS_COLOURS = {
    ClientStatus.ACTIVE: ("#1b6e2b", "#e3f4e6"),
    ClientStatus.SUSPENDED: ("#8a5a00", "#fdf0d5"),
    ClientStatus.CLOSED: ("#4a4a4a", "#e6e6e6"),
    ClientStatus.ERASED: ("#a61b1b", "#f8e1e1"),
}
OTHER_COLOURS = ("#333333", "#eeeeee")
RESTRICTED_HEADING = "Restricted: keep this client's data stored, but do not use it"
RESTRICTED_TINT = (224, 48, 30, 36)  # behind the banner: light enough for the palette's own text on either palette


def restriction_banner_style(strong: str) -> str:
    """The banner's frame in ``strong`` (the palette's restricted colour) around a translucent red tint."""
    r, g, b, a = RESTRICTED_TINT
    return (
        f"QFrame#restriction_banner {{ border: 2px solid {strong}; border-radius: 6px;"
        f" background: rgba({r}, {g}, {b}, {a}); }}"
    )


def uk_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def local_moment(value: datetime) -> str:
    return value.astimezone().strftime("%d/%m/%Y %H:%M")


def heading(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
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
    documents: list[DocumentRow]


def read_record(who: Any, ref: str, today: date) -> ClientRecord:
    """Runs on a pool thread: everything the dialog shows except the activity (which pages on its own)."""
    with who.register.session() as session:
        settings = settings_mod.load(session)
        detail = clients.get_client(session, ref)
        holds = who_holds_what(session, detail.ref, settings, today)
        documents = list_documents(session, client_ref=detail.ref)
    return ClientRecord(detail, holds, settings, documents)


# --- the dialog -------------------------------------------------------------------------------------------------------


class ClientDetailDialog(RecordWindow[ClientRecord]):
    """The record of client ``ref``; ``client_changed(ref)`` after every change made from it."""

    client_changed = Signal(str)
    window_name = "client_detail"
    default_size = (980, 660)

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None) -> None:
        RecordWindow.__init__(self, ctx, ref, parent, read_record, minimum_size=(720, 480), ref_scale=1.15)

        # --- header -------------------------------------------------------------------------------------------
        self.name_label = value_label("name_label")
        font = self.name_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.name_label.setFont(font)
        self.trading_label = value_label("trading_label")
        self.trading_label.setStyleSheet(NOTE_STYLE)
        header_row = QHBoxLayout()
        header_row.addWidget(self.ref_label)
        header_row.addWidget(self.name_label, 1)
        header_row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)
        self.restriction_banner = self._build_restriction_banner()

        self.tabs = named(QTabWidget(), "tabs")
        self.tabs.addTab(self._build_details_tab(), "&Details")
        self.tabs.addTab(self._build_contacts_tab(), "C&ontacts && addresses")
        self.tabs.addTab(self._build_services_tab(), "&Services")
        self.tabs.addTab(self._build_invoices_tab(), "&Invoices")
        self.tabs.addTab(self._build_consent_tab(), "Co&nsent")
        self.tabs.addTab(self._build_holds_tab(), "&Who holds what")
        self.tabs.addTab(self._build_documents_tab(), "Doc&uments")
        self.tabs.addTab(self._build_activity_tab(), "Ac&tivity")

        self.edit_button = named(QPushButton("&Edit…"), "edit_button")
        self.edit_button.setToolTip("Change the client's details, contacts and addresses (Ctrl+E)")
        self.edit_button.setAutoDefault(False)
        self.report_button = named(QPushButton("D&ata report…"), "report_button")
        self.report_button.setToolTip("Everything we hold about the client, as a PDF with JSON and CSV copies")
        self.dpa_button = named(QPushButton("Data processing agree&ment…"), "dpa_button")
        self.dpa_button.setToolTip("The data processing agreement for the services we run for the client")
        for button in (self.report_button, self.dpa_button):
            button.setAutoDefault(False)
        self.report_button.clicked.connect(self._on_report_button_clicked)
        self.dpa_button.clicked.connect(self._on_dpa_button_clicked)
        bottom = QHBoxLayout()
        bottom.addWidget(self.edit_button)
        bottom.addSpacing(12)
        bottom.addWidget(self.report_button)
        bottom.addWidget(self.dpa_button)
        bottom.addStretch(1)
        bottom.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(header_row)
        layout.addWidget(self.trading_label)
        layout.addWidget(self.restriction_banner)
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

    # --- the restriction banner ----------------------------------------------------------------------------------

    def _build_restriction_banner(self) -> QFrame:
        banner = named(QFrame(), "restriction_banner")
        self.restriction_heading = named(QLabel(RESTRICTED_HEADING), "restriction_heading")
        self.restriction_heading.setWordWrap(True)
        self.restriction_label = value_label("restriction_label")
        self.lift_button = named(QPushButton("Li&ft restriction…"), "lift_restriction_button")
        self.lift_button.setToolTip("End the restriction, once the person has been told (UK GDPR Art. 18(3))")
        self.lift_button.setAutoDefault(False)
        who = self.ctx.signed_in
        self.lift_button.setVisible(who is not None and who.identity.is_admin)
        self.lift_button.clicked.connect(self._on_lift_button_clicked)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addWidget(self.restriction_heading)
        words.addWidget(self.restriction_label)
        row = QHBoxLayout(banner)
        row.setContentsMargins(12, 8, 12, 8)
        row.addLayout(words, 1)
        row.addWidget(self.lift_button, 0, Qt.AlignmentFlag.AlignVCenter)
        banner.hide()
        return banner

    def _show_restriction(self, d: ClientDetail) -> None:
        """The banner, in the colours of the palette in use, when the client is restricted."""
        text = restriction_text(d.restricted_on, d.restriction_note)
        self.restriction_label.setText(text)
        if text:
            strong = restricted_colour().name()
            self.restriction_banner.setStyleSheet(restriction_banner_style(strong))
            self.restriction_heading.setStyleSheet(f"color: {strong}; font-weight: bold;")
        self.restriction_banner.setVisible(bool(text))

    @Slot()
    def _on_lift_button_clicked(self) -> None:
        from hartdesk.ui.rights_dialogs import open_lift_restriction

        d = self.record.detail if self.record is not None else None
        if d is None or d.restricted_on is None or not self.lift_button.isVisible():
            return
        open_lift_restriction(self, self.ctx, d.ref, self._changed)

    # --- tabs ----------------------------------------------------------------------------------------------------

    def _build_details_tab(self) -> QWidget:
        self.detail_values: dict[str, QLabel] = {}
        form = value_form(
            [
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
            ],
            self.detail_values,
        )
        self.suspend_button = named(QPushButton("Sus&pend…"), "suspend_button")
        self.suspend_button.setToolTip("Stop the client's services for now (for example unpaid invoices)")
        self.close_account_button = named(QPushButton("&Close account…"), "close_account_button")
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
        return scrolling(page)

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
        self.contacts_table = self.list_table("contacts_table", self.contacts_model)
        self.addresses_table = self.list_table("addresses_table", self.addresses_model)
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
        self.services_table = self.list_table("services_table", self.services_model)
        self.add_service_button = named(QPushButton("Add ser&vice…"), "add_service_button")
        self.edit_service_button = named(QPushButton("Edit servi&ce…"), "edit_service_button")
        self.delete_service_button = named(QPushButton("De&lete service…"), "delete_service_button")
        self.add_service_button.clicked.connect(self._on_add_service_button_clicked)
        self.edit_service_button.clicked.connect(self._on_edit_service_button_clicked)
        self.delete_service_button.clicked.connect(self._on_delete_service_button_clicked)
        self.services_table.activated.connect(self._on_edit_service_button_clicked)
        self.services_table.selectionModel().selectionChanged.connect(self._set_actions_enabled)
        self.services_model.modelReset.connect(self._set_actions_enabled)
        return table_with_buttons(
            self.services_table, self.add_service_button, self.edit_service_button, self.delete_service_button
        )

    def _build_invoices_tab(self) -> QWidget:
        self.invoices_model: ListModel[InvoiceView] = ListModel(
            [
                Col("Number", lambda i: i.number, 110),
                Col("Date", lambda i: uk_date(i.issued_on), 90),
                Col("Amount", lambda i: fields.format_pounds(i.amount_pence), 100, right=True),
                Col("Status", lambda i: InvoiceStatus(i.status).label, 80),
                Col("Billed to", lambda i: i.billed_name, tooltip=lambda i: i.billed_address or i.billed_name),
                Col(
                    "Kept until",
                    lambda i: uk_date(i.delete_on) if i.delete_on else "",
                    90,
                    tooltip=lambda i: (
                        "Kept for HMRC after the client was erased; deleted by the retention review"
                        if i.delete_on
                        else ""
                    ),
                ),
            ],
            self,
        )
        self.invoices_table = self.list_table("invoices_table", self.invoices_model)
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
        self.consents_table = self.list_table("consents_table", self.consents_model)
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
        self.acceptances_table = self.list_table("acceptances_table", self.acceptances_model)
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
        self.categories_table = self.list_table("categories_table", self.categories_model, wrap=True)
        self.recipients_table = self.list_table("recipients_table", self.recipients_model, wrap=True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addWidget(self.holds_intro)
        column.addWidget(heading("What we hold"))
        column.addWidget(self.categories_table, 3)
        column.addWidget(heading("Who receives it"))
        column.addWidget(self.recipients_table, 1)
        return page

    def _build_documents_tab(self) -> QWidget:
        from hartdesk.ui.screens.documents import document_columns

        self.documents_model: ListModel[DocumentRow] = ListModel(document_columns(with_client=False), self)
        self.documents_table = self.list_table("documents_table", self.documents_model)
        self.signed_button = named(QPushButton("Record si&gned copy…"), "signed_button")
        self.signed_button.setToolTip("Keep the scan of the data processing agreement that came back signed")
        self.signed_button.clicked.connect(self._on_signed_button_clicked)
        self.documents_table.selectionModel().selectionChanged.connect(self._set_actions_enabled)
        self.documents_model.modelReset.connect(self._set_actions_enabled)
        return table_with_buttons(self.documents_table, self.signed_button)

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
        """Read the client again (after a change, or when opened), and its activity."""
        RecordWindow.reload(self)
        if self.ctx.signed_in is not None:
            self.activity_model.set_filter(AuditFilter())

    def _load_activity(self, _filter: AuditFilter, offset: int, limit: int) -> list[AuditRow]:
        who, target = self.ctx.who, f"client:{self.ref}"
        with who.register.session() as session:
            return audit.query(session, target=target, limit=limit, offset=offset)

    def _show(self, record: ClientRecord) -> None:
        d = record.detail
        self.show_heading(d.ref, f"{d.ref} {d.name}", d.status.label, STATUS_COLOURS.get(d.status, OTHER_COLOURS))
        self.name_label.setText(d.name)
        self.trading_label.setText(f"Trading as {d.trading_name}" if d.trading_name else "")
        self.trading_label.setVisible(bool(d.trading_name))

        self._show_restriction(d)
        status = d.status.label
        if d.status is not ClientStatus.ACTIVE:
            status += f" since {fields.format_uk_date(d.status_changed_on)}"
        if d.restricted_on is not None:
            status += f" · {RESTRICTED_WORD} (see above)"
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
        self._show_documents(record.documents)

    def _show_documents(self, documents: list[DocumentRow]) -> None:
        """The documents, the one chosen before still chosen."""
        chosen = self.selected_document()
        self.documents_model.set_rows(documents)
        ids = [d.id for d in documents]
        if chosen is not None and chosen.id in ids:
            self.documents_table.selectRow(ids.index(chosen.id))

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
        self.report_button.setEnabled(editable)
        self.dpa_button.setEnabled(editable)
        document = self.selected_document()
        self.signed_button.setEnabled(document is not None and document.kind is DocumentKind.DPA)

    def selected_document(self) -> DocumentRow | None:
        rows = self.documents_table.selectionModel().selectedRows()
        return self.documents_model.row_at(rows[0]) if rows else None

    def selected_service(self) -> ServiceView | None:
        rows = self.services_table.selectionModel().selectedRows()
        return self.services_model.row_at(rows[0]) if rows else None

    def _tell_changed(self) -> None:
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

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        from hartdesk.ui.client_form import ClientFormDialog

        if self.record is None or not self.edit_button.isEnabled():
            return
        self._open_child(ClientFormDialog(self.ctx, self.ref, self), self._changed)

    # --- documents -----------------------------------------------------------------------------------------------

    def open_document(self, title: str, maker: Maker) -> DocumentDialog:
        """The document dialog for ``maker`` (not modal); the documents shown are read again after each delivery."""
        from hartdesk.ui.document_dialog import open_document

        return open_document(self.ctx, self, title, maker, self._changed)

    @Slot()
    def _on_report_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import data_report_maker

        if self.record is not None and self.report_button.isEnabled():
            d = self.record.detail
            self.open_document(f"Data report — {d.ref} {d.name}", data_report_maker(d.ref))

    @Slot()
    def _on_dpa_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import dpa_maker

        if self.record is not None and self.dpa_button.isEnabled():
            d = self.record.detail
            self.open_document(f"Data processing agreement — {d.ref} {d.name}", dpa_maker(d.ref))

    @Slot()
    def _on_signed_button_clicked(self) -> None:
        from hartdesk.ui.document_dialog import SignedCopyDialog

        document = self.selected_document()
        if document is None or document.kind is not DocumentKind.DPA:
            return
        self._open_child(SignedCopyDialog(self.ctx, document, self), self._changed)

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
