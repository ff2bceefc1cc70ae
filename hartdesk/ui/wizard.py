"""The first-run wizard: agency details, the first administrator, the recovery key, then TOTP for that admin.

Pressing "Create register" on the administrator page creates the register (in a task) and saves the agency
details; from then on the wizard cannot go back. The recovery key is shown once, with the emergency kit PDF to save
and a box to tick before going on; the last page proves the admin's TOTP code with ``staff.confirm_totp`` before
Finish is accepted. Afterwards :attr:`FirstRunWizard.signed_in` is the admin, signed in with the second factor.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from hartdesk import settings as settings_mod
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    WARNING_STYLE,
    PasswordField,
    TotpEnrolmentPanel,
    align_form_labels,
    email_problem,
    make_error_label,
    mono_font,
    named,
    run_with_busy,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn
    from hartdesk.storage.register import CreatedRegister
    from hartdesk.ui.context import AppContext


@dataclass(frozen=True)
class AgencyDetails:
    name: str
    address: str
    email: str
    ico_number: str


class _BusyRow(QWidget):
    """A label and an endless progress bar, shown while a task runs."""

    def __init__(self) -> None:
        QWidget.__init__(self)
        self.label = QLabel()
        bar = QProgressBar()
        bar.setRange(0, 0)
        bar.setTextVisible(False)
        bar.setMaximumHeight(8)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.label)
        row.addWidget(bar, 1)
        self.setVisible(False)

    def show_busy(self, text: str) -> None:
        self.label.setText(text)
        self.setVisible(bool(text))


class AgencyPage(QWizardPage):
    def __init__(self, register_dir: Path) -> None:
        QWizardPage.__init__(self)
        self.setObjectName("agency_page")
        self.setTitle("Your agency")
        self.setSubTitle(
            "These details appear on letters, data reports and agreements. You can change them later in Settings."
        )
        self.name_edit = named(QLineEdit(), "agency_name_edit")
        self.address_edit = named(QPlainTextEdit(), "agency_address_edit")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setPlaceholderText("Street\nTown\nPostcode")
        line = self.address_edit.fontMetrics().lineSpacing()
        self.address_edit.setFixedHeight(line * 4 + 14)
        self.email_edit = named(QLineEdit(), "agency_email_edit")
        self.email_edit.setPlaceholderText("privacy@youragency.co.uk")
        self.email_problem = make_error_label("agency_email_problem")
        self.ico_edit = named(QLineEdit(), "ico_number_edit")
        self.ico_edit.setPlaceholderText("for example Z1234567")
        self.ico_warning = named(QLabel(), "ico_warning")
        self.ico_warning.setWordWrap(True)
        self.ico_warning.setStyleSheet(WARNING_STYLE)
        self.ico_warning.setVisible(False)
        where = QLabel(f"hartdesk will keep the encrypted register in {escape(str(register_dir))}.")
        where.setWordWrap(True)
        where.setStyleSheet(NOTE_STYLE)

        form = QFormLayout()
        form.addRow("Agency &name:", self.name_edit)
        form.addRow("Postal &address:", self.address_edit)
        form.addRow("Contact &email:", self.email_edit)
        form.addRow("", self.email_problem)
        form.addRow("&ICO registration number:", self.ico_edit)
        form.addRow("", self.ico_warning)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(where)

        self.name_edit.textChanged.connect(self.completeChanged)
        self.address_edit.textChanged.connect(self.completeChanged)
        self.email_edit.textChanged.connect(self._on_email_edit_text_changed)
        self.ico_edit.textChanged.connect(self._on_ico_edit_text_changed)

    @Slot(str)
    def _on_email_edit_text_changed(self, text: str) -> None:
        show_message(self.email_problem, email_problem(text.strip()) if text.strip() else "")
        self.completeChanged.emit()

    @Slot(str)
    def _on_ico_edit_text_changed(self, text: str) -> None:
        doubtful = bool(text.strip()) and not settings_mod.ico_number_looks_valid(text)
        self.ico_warning.setText(
            "This does not look like an ICO registration number, which is a Z and seven more characters (for "
            "example Z1234567 or ZA123456). You can go on and correct it later in Settings."
            if doubtful
            else ""
        )
        self.ico_warning.setVisible(doubtful)

    def isComplete(self) -> bool:
        email = self.email_edit.text().strip()
        return bool(
            self.name_edit.text().strip()
            and self.address_edit.toPlainText().strip()
            and email
            and not email_problem(email)
        )

    def details(self) -> AgencyDetails:
        return AgencyDetails(
            name=self.name_edit.text().strip(),
            address="\n".join(line.strip() for line in self.address_edit.toPlainText().strip().splitlines()),
            email=self.email_edit.text().strip(),
            ico_number=self.ico_edit.text().strip().upper(),
        )


class AdminPage(QWizardPage):
    """The first administrator; "Create register" creates the register (a commit page: no way back)."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        QWizardPage.__init__(self)
        self._wizard = wizard
        self.setObjectName("admin_page")
        self.setTitle("The first administrator")
        self.setSubTitle(
            "This is you: the person who manages staff accounts and the register's settings. You can add "
            "more staff once hartdesk is running."
        )
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "&Create register")
        self.username_edit = named(QLineEdit(), "admin_username_edit")
        self.username_edit.setPlaceholderText("for example jsmith")
        self.username_problem = make_error_label("admin_username_problem")
        self.name_edit = named(QLineEdit(), "admin_name_edit")
        self.name_edit.setPlaceholderText("for example Jo Smith")
        self.password_field = PasswordField(
            lambda: [self.username_edit.text(), self.name_edit.text(), wizard.agency_page.name_edit.text()]
        )
        self.error_label = make_error_label("create_error")
        self.busy = _BusyRow()

        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("", self.username_problem)
        form.addRow("&Full name:", self.name_edit)
        align_form_labels(form, self.password_field.layout())
        layout.addLayout(form)
        layout.addWidget(self.password_field)
        layout.addStretch(1)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy)

        self.username_edit.textChanged.connect(self._on_username_edit_text_changed)
        self.name_edit.textChanged.connect(self.completeChanged)
        self.password_field.changed.connect(self.completeChanged)

    def _username_problem(self) -> str:
        from hartdesk.errors import ValidationError
        from hartdesk.security import staff

        try:
            staff.check_username(self.username_edit.text())
        except ValidationError as exc:
            return exc.message
        return ""

    @Slot(str)
    def _on_username_edit_text_changed(self, text: str) -> None:
        show_message(self.username_problem, self._username_problem() if text.strip() else "")
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        return bool(
            self.username_edit.text().strip()
            and not self._username_problem()
            and self.name_edit.text().strip()
            and self.password_field.is_acceptable()
        )

    def validatePage(self) -> bool:
        """Create the register; with a background runner, the wizard moves on when the task is done."""
        wizard = self._wizard
        if wizard.created is not None:
            return True
        if wizard.is_busy():
            return False
        wizard.create_register(self)
        return wizard.created is not None


class RecoveryKeyPage(QWizardPage):
    def __init__(self, wizard: FirstRunWizard) -> None:
        QWizardPage.__init__(self)
        self._wizard = wizard
        self.setObjectName("recovery_page")
        self.setTitle("Your recovery key")
        self.setSubTitle(
            "If every administrator forgets their password, this key is the only way back into the register. "
            "It is shown only this once."
        )
        advice = QLabel(
            "Save the emergency kit and print it, or write the key down by hand. Keep it somewhere safe, away "
            "from this computer: anyone who has it can open the register."
        )
        advice.setWordWrap(True)
        self.key_label = named(QLabel(), "recovery_key_label")
        self.key_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.key_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.key_label.setFont(mono_font(1.6, self.key_label.font()))
        self.key_label.setFrameShape(QFrame.Shape.StyledPanel)
        self.key_label.setStyleSheet("QLabel { padding: 14px; background: palette(base); }")
        self.key_label.setWordWrap(True)
        self.save_kit_button = named(QPushButton("Save &emergency kit…"), "save_kit_button")
        self.save_kit_button.setAutoDefault(False)
        self.kit_status = named(QLabel(), "kit_status")
        self.kit_status.setWordWrap(True)
        self.kit_error = make_error_label("kit_error")
        self.stored_checkbox = named(QCheckBox("I have &stored the recovery key safely"), "stored_checkbox")
        self.busy = _BusyRow()

        kit_row = QHBoxLayout()
        kit_row.addWidget(self.save_kit_button)
        kit_row.addWidget(self.kit_status, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.key_label)
        layout.addSpacing(4)
        layout.addWidget(advice)
        layout.addSpacing(8)
        layout.addLayout(kit_row)
        layout.addWidget(self.kit_error)
        layout.addWidget(self.busy)
        layout.addStretch(1)
        layout.addWidget(self.stored_checkbox)

        self.save_kit_button.clicked.connect(self._on_save_kit_button_clicked)
        self.stored_checkbox.toggled.connect(self.completeChanged)

    def initializePage(self) -> None:
        created = self._wizard.created
        self.key_label.setText(created.recovery_key if created is not None else "")
        self.save_kit_button.setFocus()

    def isComplete(self) -> bool:
        return self._wizard.created is not None and self.stored_checkbox.isChecked()

    @Slot()
    def _on_save_kit_button_clicked(self) -> None:
        wizard = self._wizard
        created = wizard.created
        if created is None or wizard.is_busy():
            return
        target = wizard._ask_kit_path()
        if target is None:
            return
        agency_name = wizard.agency_page.details().name

        def save() -> Path:
            from hartdesk.documents.emergency_kit import write_emergency_kit

            write_emergency_kit(
                target,
                register_id=created.register_id,
                created_at=created.created_at,
                register_path=created.path,
                recovery_key=created.recovery_key,
                agency_name=agency_name,
            )
            return target

        show_message(self.kit_error, "")
        wizard.run_task(self.busy, "Saving the emergency kit…", save, self._on_kit_saved, self.kit_error)

    def _on_kit_saved(self, path: Path) -> None:
        self.kit_status.setText(f"Saved to {path}. Print it and keep it safe.")
        self.kit_status.setToolTip(str(path))
        self.stored_checkbox.setFocus()


class TotpPage(QWizardPage):
    """TOTP for the new administrator; Finish is accepted only once a code from the app has been checked."""

    def __init__(self, wizard: FirstRunWizard) -> None:
        QWizardPage.__init__(self)
        self._wizard = wizard
        self._started = False
        self._verified = False
        self.setObjectName("totp_page")
        self.setTitle("Two-step sign-in")
        self.setSubTitle(
            "Administrators sign in with their password and a 6-digit code from an app on their phone. Set it "
            "up now, then press Finish."
        )
        self.panel = TotpEnrolmentPanel()
        self.error_label = make_error_label("totp_error")
        self.busy = _BusyRow()
        panel_layout = self.panel.layout()
        if panel_layout is not None:
            panel_layout.setContentsMargins(0, 0, 0, 0)
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        layout.addWidget(self.error_label)
        layout.addWidget(self.busy)
        self.panel.code_edit.textChanged.connect(self.completeChanged)

    def initializePage(self) -> None:
        if self._started:
            return
        from hartdesk.security import staff

        who = self._wizard.signed_in
        assert who is not None

        def start() -> tuple[str, str]:
            uri = staff.start_totp_enrolment(who, who.username)
            return uri, staff.secret_of_pending_enrolment(who, who.username)

        self._wizard.run_task(self.busy, "Preparing…", start, self._on_started, self.error_label)

    def _on_started(self, result: tuple[str, str]) -> None:
        self._started = True
        self.panel.show_enrolment(*result)
        self.completeChanged.emit()

    def isComplete(self) -> bool:
        code = self.panel.code()
        return self._started and len(code) == 6 and code.isdigit()

    def is_verified(self) -> bool:
        return self._verified

    def validatePage(self) -> bool:
        if self._verified:
            return True
        if self._wizard.is_busy() or not self.isComplete():
            return False
        from hartdesk.security import staff

        who = self._wizard.signed_in
        assert who is not None
        code = self.panel.code()

        def confirm() -> None:
            staff.confirm_totp(who, who.username, code)
            who.audit("signin", f"staff:{who.username}", {"totp": True, "first_run": True})

        self._wizard.run_task(
            self.busy,
            "Checking the code…",
            confirm,
            self._on_confirmed,
            self.error_label,
            on_error=self._on_confirm_failed,
        )
        return self._verified

    def _on_confirmed(self, _result: object) -> None:
        was_waiting = not self._verified
        self._verified = True
        if was_waiting and self._wizard.currentPage() is self and not self._wizard.in_validation:
            self._wizard.accept()  # a background runner finished after validatePage returned

    def _on_confirm_failed(self, _exc: BaseException) -> None:
        self.panel.code_edit.clear()
        self.panel.code_edit.setFocus()


class FirstRunWizard(QWizard):
    """Set up hartdesk on a machine with no register; afterwards ``signed_in`` is the new administrator."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QWizard.__init__(self, parent)
        self.ctx = ctx
        self.created: CreatedRegister | None = None
        self.signed_in: SignedIn | None = None
        self._busy = False
        self.in_validation = False
        self.setObjectName("first_run_wizard")
        self.setWindowTitle("Set up hartdesk")
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoDefaultButton, False)
        self.setButtonText(QWizard.WizardButton.NextButton, "&Next >")
        self.setButtonText(QWizard.WizardButton.BackButton, "< &Back")
        self.setButtonText(QWizard.WizardButton.FinishButton, "&Finish")
        self.agency_page = AgencyPage(ctx.register_dir)
        self.admin_page = AdminPage(self)
        self.recovery_page = RecoveryKeyPage(self)
        self.totp_page = TotpPage(self)
        for page in (self.agency_page, self.admin_page, self.recovery_page, self.totp_page):
            self.addPage(page)
        self.setMinimumSize(640, 560)

    # -- tasks ----------------------------------------------------------------------------------------------------

    def is_busy(self) -> bool:
        return self._busy

    def run_task(
        self,
        busy: _BusyRow,
        text: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        error_label: QLabel,
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        def set_busy(on: bool) -> None:
            self._set_busy(on)
            busy.show_busy(text if on else "")

        run_with_busy(
            self.ctx.tasks,
            fn,
            on_done,
            set_busy=set_busy,
            error_label=error_label,
            parent=self,
            on_error=on_error,
        )

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        page = self.currentPage()
        if page is not None:
            for child in page.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
                if not isinstance(child, (QLabel, _BusyRow)):
                    child.setEnabled(not busy)
        if busy:
            for which in (
                QWizard.WizardButton.NextButton,
                QWizard.WizardButton.CommitButton,
                QWizard.WizardButton.FinishButton,
                QWizard.WizardButton.BackButton,
            ):
                self.button(which).setEnabled(False)
        elif page is not None:
            page.completeChanged.emit()  # QWizard recomputes every button from the page's state

    def validateCurrentPage(self) -> bool:
        self.in_validation = True
        try:
            return QWizard.validateCurrentPage(self)
        finally:
            self.in_validation = False

    # -- creating the register ------------------------------------------------------------------------------------

    def create_register(self, page: AdminPage) -> None:
        agency = self.agency_page.details()
        username = page.username_edit.text().strip().lower()
        display_name = page.name_edit.text().strip()
        password = page.password_field.password()
        path, clock = self.ctx.register_dir, self.ctx.clock

        def create() -> tuple[CreatedRegister, SignedIn]:
            from hartdesk.models import Role, StaffMember
            from hartdesk.security import audit, staff
            from hartdesk.security.signin import Identity, SignedIn
            from hartdesk.storage import register as register_mod

            name = staff.check_username(username)
            staff.check_password_quality(password, [name, display_name])
            created, reg = register_mod.create(path, name, display_name, password)
            try:
                with reg.session() as session:
                    settings_mod.save(
                        session,
                        settings_mod.Settings(
                            agency_name=agency.name,
                            agency_address=agency.address,
                            agency_email=agency.email,
                            agency_ico_number=agency.ico_number,
                        ),
                    )
                    audit.record(session, name, "settings.changed", "settings", {"fields": ["agency details"]})
                    staff_id = session.query(StaffMember.id).filter(StaffMember.username == name).scalar()
            except BaseException:
                reg.close()
                raise
            return created, SignedIn(reg, Identity(staff_id, name, display_name, Role.ADMIN), clock)

        self.run_task(page.busy, "Creating the encrypted register…", create, self._on_created, page.error_label)

    def _on_created(self, result: tuple[CreatedRegister, SignedIn]) -> None:
        self.created, self.signed_in = result
        self.admin_page.password_field.clear()
        if not self.in_validation:
            self.next()  # a background runner finished after validatePage returned

    # -- hooks tests replace --------------------------------------------------------------------------------------

    def _ask_kit_path(self) -> Path | None:
        assert self.created is not None
        suggested = Path.home() / f"hartdesk-emergency-kit-{self.created.register_id[:8]}.pdf"
        name, _filter = QFileDialog.getSaveFileName(
            self, "Save the emergency kit", str(suggested), "PDF documents (*.pdf)"
        )
        if not name:
            return None
        path = Path(name)
        return path if path.suffix.lower() == ".pdf" else path.with_suffix(".pdf")

    def _confirm_leaving(self) -> bool:
        answer = QMessageBox.question(
            self,
            "Leave the setup?",
            "The register has been created. If you leave now, two-step sign-in is not set up yet, and if you "
            "have not saved the recovery key it cannot be shown again.\n\nLeave anyway?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes

    # -- closing --------------------------------------------------------------------------------------------------

    def reject(self) -> None:
        if self._busy:
            return
        if self.signed_in is not None:
            if not self._confirm_leaving():
                return
            self.signed_in.lock()
            self.signed_in = None
        QWizard.reject(self)
