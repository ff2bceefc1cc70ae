"""The Settings screen (administrators): agency details, bank holidays and how a privacy request's time limit is
counted, locking and TOTP policy, what documents say and how they are emailed (the mail server's password goes to the
keyring, never to the register); backups."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hartdesk import BACKUP_SUFFIX
from hartdesk import settings as settings_mod
from hartdesk.errors import HartdeskError
from hartdesk.security import audit
from hartdesk.settings import Settings
from hartdesk.storage import backup
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.restore_dialog import RestoreDialog
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import (
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    WARNING_STYLE,
    PasswordField,
    WorkDialog,
    align_form_labels,
    ask_one_password,
    email_problem,
    scrolling,
)

BACKUP_FILTER = f"hartdesk backups (*{BACKUP_SUFFIX});;All files (*)"
LOGO_FILTER = "Pictures (*.png *.jpg *.jpeg);;All files (*)"
ICO_WARNING = (
    "This does not look like an ICO registration number (a Z followed by seven characters, for example "
    "Z1234567). Check the ICO's register of fee payers; you can still save it."
)


class BackupDialog(WorkDialog):
    """Asks the backup password twice, then writes the backup (audited as ``register.backup``)."""

    def __init__(self, ctx: AppContext, target: Path, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Back up the register", "&Back up", parent)
        self.setObjectName("backup_dialog")
        self.setMinimumWidth(480)
        self.target = target
        self.written: Path | None = None
        intro = QLabel(
            f"The backup will be written to <b>{html.escape(str(target))}</b>.<br><br>Choose a password for it. "
            "Anyone with the file and this password can read the whole register, and without the password "
            "the backup cannot be restored: keep it somewhere safe, apart from the file."
        )
        intro.setWordWrap(True)
        self.password = PasswordField()
        self.layout_.addWidget(intro)
        self.layout_.addWidget(self.password)
        self.finish_layout()
        self.password.password_edit.setFocus()

    def submit(self) -> None:
        if not self.password_ok(self.password):
            return
        who, target, password = self.ctx.who, self.target, self.password.password()

        def work() -> Path:
            written = backup.write_backup(who.register, target, password)
            who.audit("register.backup", f"register:{who.register.register_id}")
            return written

        self.run_work(work, self._on_written)

    def _on_written(self, written: Path) -> None:
        self.written = written
        self.password.clear()
        self.accept()


class SmtpPasswordSetDialog(WorkDialog):
    """The mail server's password, kept in this computer's keyring (never in the register); empty forgets it."""

    def __init__(self, ctx: AppContext, username: str, host: str, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Mail server password", "&Keep", parent)
        self.setObjectName("smtp_password_set_dialog")
        self.setMinimumWidth(460)
        self.username = username
        self.kept = False
        where = f" on {host}" if host else ""
        intro = QLabel(
            f"The password of {username}{where}. It is kept in this computer's keyring, never in the register, "
            "and used when a document is sent by email. Leave it empty to forget the one kept."
        )
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.password_edit = ask_one_password(self, intro, "smtp_password_edit", "&Password:")

    def submit(self) -> None:
        from hartdesk.security.smtp_secret import set_smtp_password

        register_id, username, password = self.ctx.who.register.register_id, self.username, self.password_edit.text()

        def done(_: object) -> None:
            self.kept = bool(password)
            self.password_edit.clear()
            self.accept()

        self.run_work(lambda: set_smtp_password(register_id, username, password), done, serial=False)


class SettingsScreen(Screen):
    title = "Settings"
    icon_name = "fa5s.cog"
    admin_only = True

    settings_saved = Signal(object)  # the Settings now in force (the main window re-reads its idle lock)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self._loaded: Settings | None = None
        label = settings_mod.label

        # --- agency -----------------------------------------------------------------------------------------
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("agency_name_edit")
        self.name_edit.setMaxLength(200)
        self.address_edit = QPlainTextEdit()
        self.address_edit.setObjectName("agency_address_edit")
        self.address_edit.setTabChangesFocus(True)
        self.address_edit.setFixedHeight(self.address_edit.fontMetrics().lineSpacing() * 5 + 12)
        self.email_edit = QLineEdit()
        self.email_edit.setObjectName("agency_email_edit")
        self.email_edit.setPlaceholderText("privacy@example.co.uk")
        self.ico_edit = QLineEdit()
        self.ico_edit.setObjectName("agency_ico_edit")
        self.ico_edit.setPlaceholderText("Z1234567")
        self.ico_edit.setMaxLength(20)
        self.ico_warning = QLabel(ICO_WARNING)
        self.ico_warning.setObjectName("ico_warning")
        self.ico_warning.setWordWrap(True)
        self.ico_warning.setStyleSheet(WARNING_STYLE)
        self.ico_warning.hide()
        agency = QGroupBox("Agency")
        agency_form = QFormLayout(agency)
        agency_form.addRow(_mnemonic(label("agency_name"), "n"), self.name_edit)
        agency_form.addRow(_mnemonic(label("agency_address"), "a"), self.address_edit)
        agency_form.addRow(_mnemonic(label("agency_email"), "e"), self.email_edit)
        agency_form.addRow(_mnemonic(label("agency_ico_number"), "I"), _stacked(self.ico_edit, self.ico_warning))

        # --- rules ------------------------------------------------------------------------------------------
        self.region_combo = QComboBox()
        self.region_combo.setObjectName("region_combo")
        for code, name in settings_mod.BANK_HOLIDAY_REGIONS.items():
            self.region_combo.addItem(f"{name} ({code})", code)
        self.period_combo = QComboBox()
        self.period_combo.setObjectName("period_combo")
        for code, name in settings_mod.REQUEST_PERIODS.items():
            self.period_combo.addItem(name, code)
        self.idle_spin = QSpinBox()
        self.idle_spin.setObjectName("idle_lock_spin")
        self.idle_spin.setRange(1, 240)
        self.idle_spin.setSuffix(" minutes")
        self.step_up_spin = QSpinBox()
        self.step_up_spin.setObjectName("step_up_spin")
        self.step_up_spin.setRange(1, 60)
        self.step_up_spin.setSuffix(" minutes")
        self.require_totp_check = QCheckBox(_mnemonic(label("require_totp_for_all"), "R", colon=False))
        self.require_totp_check.setObjectName("require_totp_check")
        rules = QGroupBox("Working rules")
        rules_form = QFormLayout(rules)
        rules_form.addRow("&Bank holidays of:", _beside(self.region_combo, _hint("Statutory deadlines skip them.")))
        rules_form.addRow(
            "&Count a request's time limit as:",
            _beside(self.period_combo, _hint("the ICO accepts either; new requests and changes use it")),
        )
        rules_form.addRow(
            "&Lock the window after:", _beside(self.idle_spin, _hint("without use (Ctrl+L locks at once)"))
        )
        rules_form.addRow(
            "A TOTP code &stays valid for:",
            _beside(self.step_up_spin, _hint("before revealing a password asks for a new one")),
        )
        rules_form.addRow("", self.require_totp_check)

        # --- records ----------------------------------------------------------------------------------------
        self.invoice_years_spin = QSpinBox()
        self.invoice_years_spin.setObjectName("invoice_years_spin")
        self.invoice_years_spin.setRange(1, 20)
        self.invoice_years_spin.setSuffix(" years")
        self.year_end_edit = QLineEdit()
        self.year_end_edit.setObjectName("year_end_edit")
        self.year_end_edit.setInputMask("99-99")
        self.year_end_edit.setMaximumWidth(80)
        self.privacy_version_edit = QLineEdit()
        self.privacy_version_edit.setObjectName("privacy_version_edit")
        self.privacy_version_edit.setMaxLength(40)
        self.privacy_version_edit.setPlaceholderText("for example 2026-1")
        self.terms_version_edit = QLineEdit()
        self.terms_version_edit.setObjectName("terms_version_edit")
        self.terms_version_edit.setMaxLength(40)
        self.closed_months_spin = _spin("closed_months_spin", 1, 240, " months")
        self.request_months_spin = _spin("request_months_spin", 1, 240, " months")
        self.backup_days_spin = _spin("backup_days_spin", 1, 3650, " days")
        records = QGroupBox("Records")
        records_form = QFormLayout(records)
        records_form.addRow(
            "&Keep invoices for:", _beside(self.invoice_years_spin, _hint("after the end of their financial year"))
        )
        records_form.addRow(
            "&Financial year ends on:", _beside(self.year_end_edit, _hint("month-day, for example 03-31"))
        )
        records_form.addRow(
            "Current &privacy policy:",
            _beside(self.privacy_version_edit, _hint("clients who accepted another version are flagged")),
        )
        records_form.addRow("Current &terms of service:", self.terms_version_edit)
        records_form.addRow(
            "Erase closed clients after:",
            _beside(self.closed_months_spin, _hint("the retention review offers them for erasure")),
        )
        records_form.addRow(
            "Delete closed re&quest files after:",
            _beside(self.request_months_spin, _hint("the record that a request was dealt with")),
        )
        records_form.addRow(
            "Delete automatic backups after:",
            _beside(self.backup_days_spin, _hint("erasure letters tell people this figure")),
        )

        # --- documents --------------------------------------------------------------------------------------
        self.phone_edit = _line("agency_phone_edit", 40, "01872 000000")
        self.contact_name_edit = _line("contact_name_edit", 200, "the person who signs letters and agreements")
        self.contact_position_edit = _line("contact_position_edit", 200, "for example Director")
        self.logo_edit = _line("logo_edit", 1000, "empty: no logo")
        self.logo_button = QPushButton("Choose…")
        self.logo_button.setObjectName("logo_button")
        self.page_size_combo = QComboBox()
        self.page_size_combo.setObjectName("page_size_combo")
        for code, name in settings_mod.PAGE_SIZES.items():
            self.page_size_combo.addItem(name, code)
        self.ico_contact_edit = _text_box("ico_contact_edit", 4)
        self.dpa_version_edit = _line("dpa_version_edit", 20, "1.0")
        self.dpa_version_edit.setMaximumWidth(120)
        self.notice_spin = QSpinBox()
        self.notice_spin.setObjectName("subprocessor_notice_spin")
        self.notice_spin.setRange(1, 365)
        self.notice_spin.setSuffix(" days")
        self.measures_edit = _text_box("security_measures_edit", 8)
        self.wording_edit = _line("wording_folder_edit", 1000, "empty: hartdesk's own wording")
        self.wording_button = QPushButton("Choose…")
        self.wording_button.setObjectName("wording_button")
        documents = QGroupBox("Documents")
        documents_form = QFormLayout(documents)
        documents_form.addRow(_mnemonic(label("agency_phone"), "o"), self.phone_edit)
        documents_form.addRow(label("agency_contact_name") + ":", self.contact_name_edit)
        documents_form.addRow(label("agency_contact_position") + ":", self.contact_position_edit)
        documents_form.addRow(label("agency_logo") + ":", _with_button(self.logo_edit, self.logo_button))
        documents_form.addRow(
            _mnemonic(label("page_size"), "z"), _beside(self.page_size_combo, _hint("of every document made"))
        )
        documents_form.addRow(_mnemonic(label("ico_contact"), "m"), self.ico_contact_edit)
        documents_form.addRow(
            _mnemonic(label("dpa_version"), "D"),
            _beside(self.dpa_version_edit, _hint("a new version is offered to every client")),
        )
        documents_form.addRow(
            label("subprocessor_notice_days").replace(" (days)", "") + ":",
            _beside(self.notice_spin, _hint("before a new sub-processor starts (in the DPA)")),
        )
        documents_form.addRow(_mnemonic(label("security_measures"), "y"), self.measures_edit)
        documents_form.addRow("Own wording folder:", _with_button(self.wording_edit, self.wording_button))
        documents_form.addRow("", _hint("Letters and DPA clauses there replace hartdesk's, file by file."))

        # --- email ------------------------------------------------------------------------------------------
        self.smtp_host_edit = _line("smtp_host_edit", 200, "smtp.example.co.uk")
        self.smtp_port_spin = QSpinBox()
        self.smtp_port_spin.setObjectName("smtp_port_spin")
        self.smtp_port_spin.setRange(1, 65535)
        self.smtp_username_edit = _line("smtp_username_edit", 200, "the user name at the mail server")
        self.smtp_sender_edit = _line("smtp_sender_edit", 200, "privacy@example.co.uk (empty: the contact email)")
        self.smtp_starttls_check = QCheckBox(label("smtp_starttls") + " (encrypt the connection before signing in)")
        self.smtp_starttls_check.setObjectName("smtp_starttls_check")
        self.smtp_timeout_spin = QSpinBox()
        self.smtp_timeout_spin.setObjectName("smtp_timeout_spin")
        self.smtp_timeout_spin.setRange(1, 300)
        self.smtp_timeout_spin.setSuffix(" seconds")
        self.smtp_password_button = QPushButton("Set pass&word…")
        self.smtp_password_button.setObjectName("smtp_password_button")
        self.smtp_password_button.setToolTip("Keep the mail server's password in this computer's keyring")
        self.smtp_status = QLabel()
        self.smtp_status.setObjectName("smtp_status")
        self.smtp_status.setWordWrap(True)
        self.smtp_status.hide()
        email = QGroupBox("Email (SMTP)")
        email_form = QFormLayout(email)
        email_form.addRow(label("smtp_host") + ":", self.smtp_host_edit)
        email_form.addRow(label("smtp_port") + ":", _beside(self.smtp_port_spin, _hint("usually 587 (STARTTLS)")))
        email_form.addRow(label("smtp_username") + ":", self.smtp_username_edit)
        email_form.addRow(label("smtp_sender") + ":", self.smtp_sender_edit)
        email_form.addRow("", self.smtp_starttls_check)
        email_form.addRow("Time-out:", _beside(self.smtp_timeout_spin, _hint("waiting for the mail server")))
        email_form.addRow(
            "Password:",
            _beside(self.smtp_password_button, _hint("kept in the keyring, never in the register")),
        )
        email_form.addRow("", self.smtp_status)

        self.save_button = QPushButton("Sa&ve")
        self.save_button.setObjectName("save_button")
        self.save_button.setToolTip("Save the settings (Ctrl+S)")
        self.save_button.setDefault(False)
        self.status_label = QLabel()
        self.status_label.setObjectName("status_label")
        self.status_label.setWordWrap(True)
        save_row = QHBoxLayout()
        save_row.addWidget(self.save_button)
        save_row.addWidget(self.status_label, 1)
        self.save_action = self.add_shortcut(
            "Save the settings", QKeySequence.StandardKey.Save, self._on_save_button_clicked
        )

        # --- backups ----------------------------------------------------------------------------------------
        backups = QGroupBox("Backups")
        backup_intro = QLabel(
            "A backup is one file, locked with its own password, that can be restored on any computer. hartdesk "
            "also keeps the last 10 automatic backups each time it closes."
        )
        backup_intro.setWordWrap(True)
        self.backup_button = QPushButton("Back &up now…")
        self.backup_button.setObjectName("backup_button")
        self.restore_button = QPushButton("Res&tore a backup…")
        self.restore_button.setObjectName("restore_button")
        self.backup_status = QLabel()
        self.backup_status.setObjectName("backup_status")
        self.backup_status.setWordWrap(True)
        self.backup_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.backup_status.hide()
        backup_buttons = QHBoxLayout()
        backup_buttons.addWidget(self.backup_button)
        backup_buttons.addWidget(self.restore_button)
        backup_buttons.addStretch(1)
        backups_layout = QVBoxLayout(backups)
        backups_layout.addWidget(backup_intro)
        backups_layout.addLayout(backup_buttons)
        backups_layout.addWidget(self.backup_status)

        _point_labels_at_fields(agency_form, rules_form, records_form, documents_form, email_form)
        align_form_labels(agency_form, rules_form, records_form, documents_form, email_form)

        page = QWidget()
        page_layout = QVBoxLayout(page)
        page_layout.addWidget(agency)
        page_layout.addWidget(rules)
        page_layout.addWidget(records)
        page_layout.addWidget(documents)
        page_layout.addWidget(email)
        page_layout.addLayout(save_row)
        page_layout.addSpacing(8)
        page_layout.addWidget(backups)
        page_layout.addStretch(1)
        page.setMaximumWidth(760)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scrolling(page))

        for first, second in (
            (self.name_edit, self.address_edit),
            (self.address_edit, self.email_edit),
            (self.email_edit, self.ico_edit),
            (self.ico_edit, self.region_combo),
            (self.region_combo, self.period_combo),
            (self.period_combo, self.idle_spin),
            (self.idle_spin, self.step_up_spin),
            (self.step_up_spin, self.require_totp_check),
            (self.require_totp_check, self.invoice_years_spin),
            (self.invoice_years_spin, self.year_end_edit),
            (self.year_end_edit, self.privacy_version_edit),
            (self.privacy_version_edit, self.terms_version_edit),
            (self.terms_version_edit, self.phone_edit),
            (self.phone_edit, self.contact_name_edit),
            (self.contact_name_edit, self.contact_position_edit),
            (self.contact_position_edit, self.logo_edit),
            (self.logo_edit, self.logo_button),
            (self.logo_button, self.page_size_combo),
            (self.page_size_combo, self.ico_contact_edit),
            (self.ico_contact_edit, self.dpa_version_edit),
            (self.dpa_version_edit, self.notice_spin),
            (self.notice_spin, self.measures_edit),
            (self.measures_edit, self.wording_edit),
            (self.wording_edit, self.wording_button),
            (self.wording_button, self.smtp_host_edit),
            (self.smtp_host_edit, self.smtp_port_spin),
            (self.smtp_port_spin, self.smtp_username_edit),
            (self.smtp_username_edit, self.smtp_sender_edit),
            (self.smtp_sender_edit, self.smtp_starttls_check),
            (self.smtp_starttls_check, self.smtp_timeout_spin),
            (self.smtp_timeout_spin, self.smtp_password_button),
            (self.smtp_password_button, self.save_button),
            (self.save_button, self.backup_button),
            (self.backup_button, self.restore_button),
        ):
            QWidget.setTabOrder(first, second)

        self.ico_edit.textChanged.connect(self._on_ico_edit_text_changed)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.backup_button.clicked.connect(self._on_backup_button_clicked)
        self.restore_button.clicked.connect(self._on_restore_button_clicked)
        self.logo_button.clicked.connect(self._on_logo_button_clicked)
        self.wording_button.clicked.connect(self._on_wording_button_clicked)
        self.smtp_password_button.clicked.connect(self._on_smtp_password_button_clicked)
        self._set_editable(False)

    # --- file choices (tests replace these) -------------------------------------------------------------------

    def choose_backup_target(self) -> Path | None:
        suggested = Path.home() / f"hartdesk-backup-{date.today().isoformat()}{BACKUP_SUFFIX}"
        name, _ = QFileDialog.getSaveFileName(
            self,
            "Back up the register to",
            str(suggested),
            BACKUP_FILTER,
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        return Path(name) if name else None

    def choose_backup_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Choose the backup to restore", str(Path.home()), BACKUP_FILTER)
        return Path(name) if name else None

    def choose_restore_folder(self) -> Path | None:
        name = QFileDialog.getExistingDirectory(
            self, "Choose a new, empty folder for the restored register", str(Path.home())
        )
        return Path(name) if name else None

    def choose_logo(self) -> Path | None:
        start = self.logo_edit.text().strip() or str(Path.home())
        name, _ = QFileDialog.getOpenFileName(self, "The agency's logo", start, LOGO_FILTER)
        return Path(name) if name else None

    def choose_wording_folder(self) -> Path | None:
        start = self.wording_edit.text().strip() or str(Path.home())
        name = QFileDialog.getExistingDirectory(self, "The folder with the agency's own wording", start)
        return Path(name) if name else None

    @Slot()
    def _on_logo_button_clicked(self) -> None:
        path = self.choose_logo()
        if path is not None:
            self.logo_edit.setText(str(path))

    @Slot()
    def _on_wording_button_clicked(self) -> None:
        path = self.choose_wording_folder()
        if path is not None:
            self.wording_edit.setText(str(path))

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        who, generation = self.ctx.who, self._generation
        self.ctx.tasks.run(
            who.settings,
            on_done=lambda loaded: self._on_settings_loaded(generation, loaded),
            on_error=lambda exc: self._on_task_failed(generation, exc, self.status_label),
        )

    def clear(self) -> None:
        self._generation += 1
        self._loaded = None
        for edit in (self.name_edit, self.email_edit, self.ico_edit):
            edit.clear()
        self.address_edit.clear()
        self.region_combo.setCurrentIndex(0)
        self.period_combo.setCurrentIndex(0)
        self.idle_spin.setValue(self.idle_spin.minimum())
        self.step_up_spin.setValue(self.step_up_spin.minimum())
        self.require_totp_check.setChecked(False)
        self.invoice_years_spin.setValue(self.invoice_years_spin.minimum())
        for edit in (
            self.year_end_edit,
            self.privacy_version_edit,
            self.terms_version_edit,
            self.phone_edit,
            self.contact_name_edit,
            self.contact_position_edit,
            self.logo_edit,
            self.dpa_version_edit,
            self.wording_edit,
            self.smtp_host_edit,
            self.smtp_username_edit,
            self.smtp_sender_edit,
        ):
            edit.clear()
        self.ico_contact_edit.clear()
        self.measures_edit.clear()
        self.page_size_combo.setCurrentIndex(0)
        for spin in (self.notice_spin, self.smtp_port_spin, self.smtp_timeout_spin):
            spin.setValue(spin.minimum())
        self.smtp_starttls_check.setChecked(False)
        self._say(self.smtp_status, "")
        self.status_label.clear()
        self._say(self.backup_status, "")
        self._set_editable(False)
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    def _set_editable(self, editable: bool) -> None:
        for widget in (
            self.name_edit,
            self.address_edit,
            self.email_edit,
            self.ico_edit,
            self.region_combo,
            self.period_combo,
            self.idle_spin,
            self.step_up_spin,
            self.require_totp_check,
            self.invoice_years_spin,
            self.year_end_edit,
            self.privacy_version_edit,
            self.terms_version_edit,
            self.phone_edit,
            self.contact_name_edit,
            self.contact_position_edit,
            self.logo_edit,
            self.logo_button,
            self.page_size_combo,
            self.ico_contact_edit,
            self.dpa_version_edit,
            self.notice_spin,
            self.measures_edit,
            self.wording_edit,
            self.wording_button,
            self.smtp_host_edit,
            self.smtp_port_spin,
            self.smtp_username_edit,
            self.smtp_sender_edit,
            self.smtp_starttls_check,
            self.smtp_timeout_spin,
            self.smtp_password_button,
            self.save_button,
            self.backup_button,
            self.restore_button,
        ):
            widget.setEnabled(editable)
        self.save_action.setEnabled(editable)

    def _on_settings_loaded(self, generation: int, loaded: Settings) -> None:
        if not self.is_current(generation):
            return
        self._loaded = loaded
        self.name_edit.setText(loaded.agency_name)
        self.address_edit.setPlainText(loaded.agency_address)
        self.email_edit.setText(loaded.agency_email)
        self.ico_edit.setText(loaded.agency_ico_number)
        self.region_combo.setCurrentIndex(max(0, self.region_combo.findData(loaded.bank_holiday_region)))
        self.period_combo.setCurrentIndex(max(0, self.period_combo.findData(loaded.request_period)))
        self.idle_spin.setValue(loaded.idle_lock_minutes)
        self.step_up_spin.setValue(loaded.step_up_minutes)
        self.require_totp_check.setChecked(loaded.require_totp_for_all)
        self.invoice_years_spin.setValue(loaded.invoice_retention_years)
        self.year_end_edit.setText(loaded.financial_year_end)
        self.privacy_version_edit.setText(loaded.privacy_policy_version)
        self.terms_version_edit.setText(loaded.terms_version)
        self.closed_months_spin.setValue(loaded.closed_client_retention_months)
        self.request_months_spin.setValue(loaded.request_file_retention_months)
        self.backup_days_spin.setValue(loaded.backup_keep_days)
        self.phone_edit.setText(loaded.agency_phone)
        self.contact_name_edit.setText(loaded.agency_contact_name)
        self.contact_position_edit.setText(loaded.agency_contact_position)
        self.logo_edit.setText(loaded.agency_logo)
        self.page_size_combo.setCurrentIndex(max(0, self.page_size_combo.findData(loaded.page_size)))
        self.ico_contact_edit.setPlainText(loaded.ico_contact)
        self.dpa_version_edit.setText(loaded.dpa_version)
        self.notice_spin.setValue(loaded.subprocessor_notice_days)
        self.measures_edit.setPlainText(loaded.security_measures)
        self.wording_edit.setText(loaded.wording_folder)
        self.smtp_host_edit.setText(loaded.smtp_host)
        self.smtp_port_spin.setValue(loaded.smtp_port)
        self.smtp_username_edit.setText(loaded.smtp_username)
        self.smtp_sender_edit.setText(loaded.smtp_sender)
        self.smtp_starttls_check.setChecked(loaded.smtp_starttls)
        self.smtp_timeout_spin.setValue(loaded.smtp_timeout_seconds)
        self._set_editable(True)

    def _on_task_failed(self, generation: int, exc: BaseException, label: QLabel) -> None:
        if not self.is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            self._say(label, exc.message, ERROR_STYLE)
        else:
            show_error(self, exc)

    @staticmethod
    def _say(label: QLabel, text: str, style: str = "") -> None:
        label.setText(text)
        label.setStyleSheet(style)
        label.setVisible(bool(text))

    # --- saving -----------------------------------------------------------------------------------------------

    @Slot(str)
    def _on_ico_edit_text_changed(self, text: str) -> None:
        self.ico_warning.setVisible(bool(text.strip()) and not settings_mod.ico_number_looks_valid(text))

    def edited_settings(self) -> Settings:
        """The settings as shown (settings this screen does not show keep their stored values)."""
        base = self._loaded or Settings()
        return base.with_changes(
            agency_name=self.name_edit.text().strip(),
            agency_address=self.address_edit.toPlainText().strip(),
            agency_email=self.email_edit.text().strip(),
            agency_ico_number=self.ico_edit.text().strip().upper(),
            bank_holiday_region=self.region_combo.currentData(),
            request_period=self.period_combo.currentData(),
            idle_lock_minutes=self.idle_spin.value(),
            step_up_minutes=self.step_up_spin.value(),
            require_totp_for_all=self.require_totp_check.isChecked(),
            invoice_retention_years=self.invoice_years_spin.value(),
            financial_year_end=self.year_end_edit.text().strip(),
            privacy_policy_version=self.privacy_version_edit.text().strip(),
            terms_version=self.terms_version_edit.text().strip(),
            closed_client_retention_months=self.closed_months_spin.value(),
            request_file_retention_months=self.request_months_spin.value(),
            backup_keep_days=self.backup_days_spin.value(),
            agency_phone=self.phone_edit.text().strip(),
            agency_contact_name=self.contact_name_edit.text().strip(),
            agency_contact_position=self.contact_position_edit.text().strip(),
            agency_logo=self.logo_edit.text().strip(),
            page_size=self.page_size_combo.currentData(),
            ico_contact=self.ico_contact_edit.toPlainText().strip(),
            dpa_version=self.dpa_version_edit.text().strip(),
            subprocessor_notice_days=self.notice_spin.value(),
            security_measures=self.measures_edit.toPlainText().strip(),
            wording_folder=self.wording_edit.text().strip(),
            smtp_host=self.smtp_host_edit.text().strip(),
            smtp_port=self.smtp_port_spin.value(),
            smtp_username=self.smtp_username_edit.text().strip(),
            smtp_sender=self.smtp_sender_edit.text().strip(),
            smtp_starttls=self.smtp_starttls_check.isChecked(),
            smtp_timeout_seconds=self.smtp_timeout_spin.value(),
        )

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if self._loaded is None or not self.save_button.isEnabled():
            return
        new = self.edited_settings()
        problems = settings_mod.validate(new)
        bad_email = email_problem(new.agency_email) if new.agency_email else ""
        if bad_email:
            problems.insert(0, f"The contact email is not valid: {bad_email}")
        bad_sender = email_problem(new.smtp_sender) if new.smtp_sender else ""
        if bad_sender:
            problems.append(f"'{settings_mod.label('smtp_sender')}' is not a valid email address: {bad_sender}")
        if new.agency_logo and not Path(new.agency_logo).expanduser().is_file():
            problems.append(f"There is no logo file {new.agency_logo}: choose the PNG or JPEG file again.")
        if new.wording_folder and not Path(new.wording_folder).expanduser().is_dir():
            problems.append(f"There is no folder {new.wording_folder} for the agency's own wording.")
        if problems:
            self._say(self.status_label, " ".join(problems), ERROR_STYLE)
            if bad_email:
                self.email_edit.setFocus()
                self.email_edit.selectAll()
            return
        who, generation = self.ctx.who, self._generation

        def work() -> list[str]:
            with who.register.session() as session:
                changed = settings_mod.save(session, new)
                if changed:
                    audit.record(session, who.username, "settings.changed", "settings", {"fields": changed})
            return changed

        self.save_button.setEnabled(False)
        self._say(self.status_label, "Saving…")
        self.ctx.tasks.run(
            work,
            on_done=lambda changed: self._on_saved(generation, new, changed),
            on_error=lambda exc: self._on_save_failed(generation, exc),
            serial=True,
        )

    def _on_saved(self, generation: int, new: Settings, changed: list[str]) -> None:
        if not self.is_current(generation):
            return
        self._loaded = new
        self.save_button.setEnabled(True)
        self._say(self.status_label, "Saved." if changed else "Saved (nothing had changed).", OK_STYLE)
        self.settings_saved.emit(new)

    def _on_save_failed(self, generation: int, exc: BaseException) -> None:
        if self.is_current(generation):
            self.save_button.setEnabled(True)
            self.status_label.clear()
        self._on_task_failed(generation, exc, self.status_label)

    # --- the mail server's password ----------------------------------------------------------------------------

    @Slot()
    def _on_smtp_password_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        username = self.smtp_username_edit.text().strip()
        if not username:
            self._say(self.smtp_status, "Fill in the SMTP user name first.", ERROR_STYLE)
            self.smtp_username_edit.setFocus()
            return
        dialog = SmtpPasswordSetDialog(self.ctx, username, self.smtp_host_edit.text().strip(), self)

        def saved() -> None:
            text = "The password is kept in the keyring." if dialog.kept else "The password was forgotten."
            self._say(self.smtp_status, text, OK_STYLE)

        self.open_dialog(dialog, saved)

    # --- backups ----------------------------------------------------------------------------------------------

    @Slot()
    def _on_backup_button_clicked(self) -> None:
        target = self.choose_backup_target()
        if target is None:
            return
        if not target.suffix:
            target = target.with_suffix(BACKUP_SUFFIX)
        if target.exists():
            self._say(self.backup_status, f"{target} already exists. Choose another file name.", ERROR_STYLE)
            return
        dialog = BackupDialog(self.ctx, target, self)

        def written() -> None:
            if dialog.written is not None:
                self._say(self.backup_status, f"Backed up to {dialog.written}.", OK_STYLE)

        self.open_dialog(dialog, written)

    @Slot()
    def _on_restore_button_clicked(self) -> None:
        backup_file = self.choose_backup_file()
        if backup_file is None:
            return
        folder = self.choose_restore_folder()
        if folder is None:
            return
        if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            self._say(
                self.backup_status,
                f"The folder {folder} is not empty. Choose or create a new, empty folder for the restored register.",
                ERROR_STYLE,
            )
            return
        dialog = RestoreDialog(self.ctx, backup_file, folder, self)
        self.open_dialog(dialog, lambda: self._on_restored(folder))

    def _on_restored(self, folder: Path) -> None:
        text = (
            f"The backup was restored into {folder}. It is a separate register: to work in it, start hartdesk "
            f'with that folder (hartdesk --register "{folder}"). Staff sign in with their usual passwords.'
        )
        self._say(self.backup_status, text, OK_STYLE)
        box = QMessageBox(QMessageBox.Icon.Information, "Backup restored", text, QMessageBox.StandardButton.Ok, self)
        box.setObjectName("restored_message")
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()


def _stacked(field: QWidget, below: QWidget) -> QWidget:
    """``field`` with ``below`` under it, as one form field (the label's mnemonic still reaches ``field``)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field)
    layout.addWidget(below)
    box.setFocusProxy(field)
    return box


def _point_labels_at_fields(*forms: QFormLayout) -> None:
    """Make each label's mnemonic reach its field: a label moves the focus only to a buddy that takes focus itself,
    so a row built with :func:`_stacked` or :func:`_beside` gets the field inside as the buddy, not its box."""
    for form in forms:
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            label = item.widget() if item is not None else None
            if not isinstance(label, QLabel) or label.buddy() is None:
                continue
            buddy = label.buddy()
            field = buddy.focusProxy()
            if buddy.focusPolicy() == Qt.FocusPolicy.NoFocus and field is not None:
                label.setBuddy(field)


def _beside(field: QWidget, after: QWidget) -> QWidget:
    """``field`` at its natural width with a short note after it, as one form field."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field)
    layout.addSpacing(6)
    layout.addWidget(after, 1)
    box.setFocusProxy(field)
    return box


def _spin(name: str, low: int, high: int, suffix: str) -> QSpinBox:
    spin = QSpinBox()
    spin.setObjectName(name)
    spin.setRange(low, high)
    spin.setSuffix(suffix)
    return spin


def _line(name: str, max_length: int, placeholder: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def _text_box(name: str, lines: int) -> QPlainTextEdit:
    """A box of several lines; Tab moves on (it does not type a tab)."""
    box = QPlainTextEdit()
    box.setObjectName(name)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * lines + 12)
    return box


def _with_button(field: QWidget, button: QPushButton) -> QWidget:
    """``field`` taking the width, with ``button`` (a chooser) after it, as one form field."""
    box = QWidget()
    layout = QHBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    layout.addWidget(field, 1)
    layout.addWidget(button)
    box.setFocusProxy(field)
    return box


def _hint(text: str) -> QLabel:
    hint = QLabel(text)
    hint.setStyleSheet(NOTE_STYLE)
    return hint


def _mnemonic(text: str, letter: str, colon: bool = True) -> str:
    """``text`` with an ``&`` before the first ``letter`` (so Alt+letter reaches the field)."""
    at = text.find(letter)
    marked = text if at < 0 else f"{text[:at]}&{text[at:]}"
    return f"{marked}:" if colon else marked
