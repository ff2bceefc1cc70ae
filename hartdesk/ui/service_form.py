"""Adding or changing one service of a client, and the small field helpers the register's forms share.

The core checks everything (:func:`hartdesk.register.services.validate_service`) and names each wrong field in a
:class:`~hartdesk.errors.FormError`; the form (a :class:`~hartdesk.ui.widgets.FormDialog`) shows each message under
its field. A few fields are also checked as the clerk leaves them, with the same ``fields.check_*`` functions, so a
typo shows before Save.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QWidget,
)

from hartdesk.errors import ValidationError
from hartdesk.models.enums import AddressKind, ServiceKind, ServiceStatus
from hartdesk.register import fields, operators, services
from hartdesk.register.clients import AddressInput
from hartdesk.register.services import DOMAIN_KINDS, ServiceInput
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import FormDialog, align_form_labels, grow_to_fit, named

DATE_PLACEHOLDER = "dd/mm/yyyy"


def date_edit(name: str) -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setPlaceholderText(DATE_PLACEHOLDER)
    edit.setToolTip("Write the date as 31/03/2026 or 2026-03-31; leave it empty if there is none.")
    edit.setMaxLength(10)
    edit.setMaximumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 24)
    return edit


def show_date(value: date | None) -> str:
    return value.strftime("%d/%m/%Y") if value is not None else ""


def country_combo(name: str) -> QComboBox:
    """Every country by name (type its first letters to jump), the United Kingdom first."""
    combo = named(QComboBox(), name)
    combo.addItem(fields.country_name("GB"), "GB")
    combo.insertSeparator(1)
    for code, country in fields.countries():
        if code != "GB":
            combo.addItem(country, code)
    combo.setMaxVisibleItems(20)
    return combo


def set_combo_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def plain_text_edit(name: str, lines: int) -> QPlainTextEdit:
    edit = named(QPlainTextEdit(), name)
    edit.setTabChangesFocus(True)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 12)
    return edit


# --- the service dialog ----------------------------------------------------------------------------------------------


class ServiceDialog(FormDialog):
    """Add a service to the client ``client_ref`` (no ``service_id``) or change one; ``saved_id`` holds the service's
    id once accepted. The registrant (a domain's legal owner) shows only for domain registrations."""

    def __init__(
        self, ctx: AppContext, client_ref: str, service_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        title = f"Add a service for {client_ref}" if service_id is None else f"Change a service of {client_ref}"
        FormDialog.__init__(self, ctx, title, "&Add" if service_id is None else "&Save", parent)
        self.setObjectName("service_dialog")
        self.client_ref = client_ref
        self.service_id = service_id
        self.saved_id: int | None = None
        self._line3 = ""  # a third address line read from the register is kept as it was

        self.kind_combo = named(QComboBox(), "kind_combo")
        for kind in ServiceKind:
            self.kind_combo.addItem(kind.label, kind)
        self.identifier_edit = named(QLineEdit(), "identifier_edit")
        self.identifier_edit.setMaxLength(253)
        self.identifier_edit.setMinimumWidth(300)
        self.identifier_label = QLabel()
        self.plan_edit = named(QLineEdit(), "plan_edit")
        self.plan_edit.setMaxLength(120)
        self.plan_edit.setPlaceholderText("e.g. Business 10 GB")
        self.status_combo = named(QComboBox(), "status_combo")
        for status in ServiceStatus:
            self.status_combo.addItem(status.label, status)
        set_combo_data(self.status_combo, ServiceStatus.ACTIVE)
        self.start_edit = date_edit("start_date_edit")
        self.renewal_edit = date_edit("renewal_date_edit")
        self.end_edit = date_edit("end_date_edit")
        self.operators_list = named(QListWidget(), "operators_list")
        self.operators_list.setToolTip("Tick every operator that handles this service (Space ticks the current one)")
        self.operators_list.setFixedHeight(self.operators_list.fontMetrics().height() * 6 + 16)
        self.operators_list.setMinimumWidth(300)
        self.notes_edit = plain_text_edit("notes_edit", 3)

        p = self.problems
        form = QFormLayout()
        form.addRow("&Kind:", self.kind_combo)
        self.identifier_label.setBuddy(p.wrap("identifier", self.identifier_edit))
        form.addRow(self.identifier_label, self.identifier_label.buddy())
        form.addRow("&Plan:", p.wrap("plan", self.plan_edit))
        form.addRow("S&tatus:", self.status_combo)
        form.addRow("&Started on:", p.wrap("start_date", self.start_edit))
        form.addRow("&Renews on:", p.wrap("renewal_date", self.renewal_edit))
        form.addRow("&Ended on:", p.wrap("end_date", self.end_edit))
        form.addRow("&Operators:", p.wrap("operators", self.operators_list))
        form.addRow("&Notes:", p.wrap("notes", self.notes_edit))

        self.registrant_box = named(QGroupBox("Registrant (the domain's legal owner)"), "registrant_box")
        self.registrant_name_edit = named(QLineEdit(), "registrant_name_edit")
        self.registrant_organisation_edit = named(QLineEdit(), "registrant_organisation_edit")
        self.registrant_email_edit = named(QLineEdit(), "registrant_email_edit")
        self.registrant_phone_edit = named(QLineEdit(), "registrant_phone_edit")
        self.line1_edit = named(QLineEdit(), "registrant_line1_edit")
        self.line2_edit = named(QLineEdit(), "registrant_line2_edit")
        self.town_edit = named(QLineEdit(), "registrant_town_edit")
        self.county_edit = named(QLineEdit(), "registrant_county_edit")
        self.postcode_edit = named(QLineEdit(), "registrant_postcode_edit")
        self.postcode_edit.setMaxLength(16)
        self.country_combo = country_combo("registrant_country_combo")
        registrant = QFormLayout(self.registrant_box)
        registrant.addRow("N&ame:", p.wrap("registrant_name", self.registrant_name_edit))
        registrant.addRow("Or&ganisation:", p.wrap("registrant_organisation", self.registrant_organisation_edit))
        registrant.addRow("E&mail:", p.wrap("registrant_email", self.registrant_email_edit))
        registrant.addRow("P&hone:", p.wrap("registrant_phone", self.registrant_phone_edit))
        registrant.addRow("Address &line 1:", p.wrap("registrant_address.line1", self.line1_edit))
        registrant.addRow("Address line &2:", p.wrap("registrant_address.line2", self.line2_edit))
        registrant.addRow("To&wn:", p.wrap("registrant_address.town", self.town_edit))
        registrant.addRow("Co&unty:", p.wrap("registrant_address.county", self.county_edit))
        registrant.addRow("Post&code:", p.wrap("registrant_address.postcode", self.postcode_edit))
        registrant.addRow("Countr&y:", p.wrap("registrant_address.country", self.country_combo))

        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addWidget(self.registrant_box, 1, Qt.AlignmentFlag.AlignTop)
        self.layout_.addLayout(columns)
        self.finish_layout()
        self.setMinimumWidth(460)
        align_form_labels(form)
        align_form_labels(registrant)

        self.check_on_leave(self.start_edit, "start_date", lambda t: fields.check_date(t, "start date"))
        self.check_on_leave(self.renewal_edit, "renewal_date", lambda t: fields.check_date(t, "renewal date"))
        self.check_on_leave(self.end_edit, "end_date", lambda t: fields.check_date(t, "end date"))
        self.check_on_leave(self.identifier_edit, "identifier", self._check_identifier)
        self.check_on_leave(self.registrant_email_edit, "registrant_email", fields.check_email)
        self.check_on_leave(self.registrant_phone_edit, "registrant_phone", fields.check_phone)
        self.check_on_leave(
            self.postcode_edit,
            "registrant_address.postcode",
            lambda t: fields.check_postcode(t, self.country_combo.currentData() or "GB"),
        )
        self.kind_combo.currentIndexChanged.connect(self._on_kind_combo_current_index_changed)
        self._on_kind_combo_current_index_changed()

        who, service_id = ctx.who, service_id

        def read() -> tuple[list[str], ServiceInput | None]:
            with who.register.session() as session:
                existing = services.get_service(session, service_id)[1] if service_id is not None else None
                return operators.operator_names(session), existing

        self.load(read, self._on_loaded)
        (self.kind_combo if service_id is None else self.identifier_edit).setFocus()

    # --- what is shown -------------------------------------------------------------------------------------------

    def kind(self) -> ServiceKind:
        return ServiceKind(self.kind_combo.currentData())

    def _check_identifier(self, text: str) -> object:
        return fields.check_domain(text) if self.kind() in DOMAIN_KINDS else None

    @Slot()
    def _on_kind_combo_current_index_changed(self, *_: object) -> None:
        is_domain = self.kind() in DOMAIN_KINDS
        self.identifier_label.setText("&Domain name:" if is_domain else "&Domain or name:")
        self.identifier_edit.setPlaceholderText(
            "example.co.uk" if is_domain else "example.co.uk, or the account's name"
        )
        self.problems.set("identifier", "")
        if self.registrant_box.isHidden() == is_domain:
            self.registrant_box.setVisible(is_domain)
            if self.isVisible():
                self.adjustSize()

    def _on_loaded(self, loaded: tuple[list[str], ServiceInput | None]) -> None:
        names, existing = loaded
        ticked = set(existing.operators) if existing is not None else set()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if name in ticked else Qt.CheckState.Unchecked)
            self.operators_list.addItem(item)
        if not names:
            self.problems.set("operators", "No operators yet: add them under Operators.")
        if existing is not None:
            self._show_service(existing)

    def _show_service(self, data: ServiceInput) -> None:
        set_combo_data(self.kind_combo, data.kind)
        set_combo_data(self.status_combo, data.status)
        self.identifier_edit.setText(data.identifier)
        self.plan_edit.setText(data.plan)
        self.start_edit.setText(show_date(data.start_date))
        self.renewal_edit.setText(show_date(data.renewal_date))
        self.end_edit.setText(show_date(data.end_date))
        self.notes_edit.setPlainText(data.notes)
        self.registrant_name_edit.setText(data.registrant_name)
        self.registrant_organisation_edit.setText(data.registrant_organisation)
        self.registrant_email_edit.setText(data.registrant_email)
        self.registrant_phone_edit.setText(data.registrant_phone)
        address = data.registrant_address
        if address is not None:
            self.line1_edit.setText(address.line1)
            self.line2_edit.setText(address.line2)
            self._line3 = address.line3
            self.town_edit.setText(address.town)
            self.county_edit.setText(address.county)
            self.postcode_edit.setText(address.postcode)
            set_combo_data(self.country_combo, address.country)
        self.setWindowTitle(f"{data.identifier} ({self.client_ref})")

    def ticked_operators(self) -> list[str]:
        items = (self.operators_list.item(row) for row in range(self.operators_list.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def _dates(self) -> dict[str, date | None] | None:
        """The three dates, or ``None`` after showing why one cannot be read."""
        found: dict[str, date | None] = {}
        problems = {}
        for key, edit, what in (
            ("start_date", self.start_edit, "start date"),
            ("renewal_date", self.renewal_edit, "renewal date"),
            ("end_date", self.end_edit, "end date"),
        ):
            try:
                found[key] = fields.check_date(edit.text(), what)
            except ValidationError as exc:
                problems[key] = exc.message
        if problems:
            self.problems.show(problems)
            grow_to_fit(self)
            return None
        for key, edit in (
            ("start_date", self.start_edit),
            ("renewal_date", self.renewal_edit),
            ("end_date", self.end_edit),
        ):
            edit.setText(show_date(found[key]))
        return found

    def service_input(self, dates: Mapping[str, date | None]) -> ServiceInput:
        """What the form holds (registrant fields only for a domain registration)."""
        data = ServiceInput(
            kind=self.kind(),
            identifier=self.identifier_edit.text(),
            plan=self.plan_edit.text(),
            status=ServiceStatus(self.status_combo.currentData()),
            start_date=dates["start_date"],
            renewal_date=dates["renewal_date"],
            end_date=dates["end_date"],
            operators=self.ticked_operators(),
            notes=self.notes_edit.toPlainText(),
        )
        if data.kind in DOMAIN_KINDS:
            data.registrant_name = self.registrant_name_edit.text()
            data.registrant_organisation = self.registrant_organisation_edit.text()
            data.registrant_email = self.registrant_email_edit.text()
            data.registrant_phone = self.registrant_phone_edit.text()
            data.registrant_address = AddressInput(
                AddressKind.REGISTRANT,
                self.line1_edit.text(),
                self.line2_edit.text(),
                self._line3,
                self.town_edit.text(),
                self.county_edit.text(),
                self.postcode_edit.text(),
                self.country_combo.currentData() or "GB",
            )
        return data

    # --- saving --------------------------------------------------------------------------------------------------

    def submit(self) -> None:
        dates = self._dates()
        if dates is None:
            self.show_problem("")
            return
        data = self.service_input(dates)
        who, ref, service_id = self.ctx.who, self.client_ref, self.service_id

        def write() -> int:
            with who.register.session() as session:
                if service_id is None:
                    return services.add_service(session, who.username, ref, data)
                services.update_service(session, who.username, service_id, data)
                return service_id

        self.save(write, self._on_saved)

    def _on_saved(self, service_id: int) -> None:
        self.saved_id = service_id
        self.accept()
