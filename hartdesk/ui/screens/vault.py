"""The Vault screen: the logins staff use at registrars and other operators, by operator and client.

The list never holds a secret. A password shows in place (Reveal) or goes on the clipboard (Copy) only after the
person proved a TOTP code within the last few minutes (the step-up dialog asks for one when needed), and each
reveal and copy is in the audit log. A revealed password hides again after 30 seconds, a copied one leaves the
clipboard after 15 (if still there), and both go when hartdesk locks. A login's 2FA key, if kept, gives its current
code here, refreshed while shown.

Time is read from ``ctx.clock`` by a timer ticking a few times a second, so tests move the clock instead of waiting.
Without a usable keyring (none on this computer) a banner says why and the actions that need one are disabled;
the rest of hartdesk is not affected. Every error from the work done in tasks shows in the message line, in words.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime

from PySide6.QtCore import QModelIndex, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QDesktopServices, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import uk_date
from hartdesk.errors import HartdeskError
from hartdesk.security.vault import CredentialDetail, CredentialRow, OtpCode
from hartdesk.ui import clipboard
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.vault_model import VaultColumn, VaultTableModel
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.screens.listing import focus_table, list_labels
from hartdesk.ui.vault_dialogs import (
    Choice,
    CredentialDialog,
    HandoverDialog,
    RotateDialog,
    explain,
    run_with_step_up,
    vault_clients,
)
from hartdesk.ui.widgets import (
    ERROR_STYLE,
    OK_STYLE,
    FlowLayout,
    confirmation,
    labelled,
    make_list_table,
    mono_font,
    named,
    pause_timer,
    search_box,
    value_label,
)

REVEAL_SECONDS = 30  # a revealed password hides again after this
OTP_SHOW_SECONDS = 120  # a 2FA code is refreshed while shown, for this long at most (each code read is audited)
TICK_MS = 250
HIDDEN = "•" * 12
SEARCH_PLACEHOLDER = "Operator, account, client, domain…"
COLUMN_WIDTHS = {  # fits the window's default size beside the sidebar; the clerk's own widths are remembered
    VaultColumn.OPERATOR: 110,
    VaultColumn.ACCOUNT: 165,
    VaultColumn.LOGIN_PAGE: 135,
    VaultColumn.CLIENTS: 135,
    VaultColumn.DOMAINS: 110,
    VaultColumn.OTP: 38,
    VaultColumn.ROTATED: 92,
}  # "Rotation due" takes the rest
REVEAL_TOOLTIP = f"Show the password here for {REVEAL_SECONDS} seconds (asks for your 2FA code)"
NEEDS_KEYRING = "Needs the system keyring, which cannot be used on this computer (see the note above the list)"
ROW_TOOLTIP = "Enter or double-click: Edit. Reveal (Alt+R) and Copy (Alt+C) show the password."


@dataclass(frozen=True)
class Loaded:
    """What one load brings back from the register and the keyring."""

    rows: list[CredentialRow]
    operators: list[Choice]
    clients: list[Choice]
    keyring_problem: str | None


def quiet(label: QLabel) -> None:
    """A secondary note in the palette's placeholder colour (followed when the palette changes, unlike a style
    sheet's ``palette(...)``, which is read once)."""
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)


def _plural(count: int, word: str) -> str:
    return f"{count:,} {word}{'' if count == 1 else 's'}"


def group_code(code: str) -> str:
    """A 2FA code as apps show it: "123 456" (or "1234 5678")."""
    half = len(code) // 2
    return f"{code[:half]} {code[half:]}" if len(code) >= 6 else code


class VaultScreen(Screen):
    title = "Vault"
    icon_name = "fa5s.key"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("vault_screen")
        self._operator_ids: list[int] = []
        self._client_ids: list[int] = []
        self._keyring_problem: str | None = None
        self._select_after_load: int | None = None
        self._focus_list_after_load = False
        self._detail_request = 0
        self._revealed_id: int | None = None  # the login whose password shows
        self._revealed_at = 0.0
        self._otp_id: int | None = None  # the login whose 2FA code shows
        self._otp_code: OtpCode | None = None
        self._otp_read_at = 0.0
        self._otp_first_at = 0.0
        self._otp_loading = False
        self._load_request = 0  # moved on by every load: only the latest one's rows are shown
        self._reloading = False  # the rows are being replaced: what is revealed stays if its login is still chosen
        self._copied_id: int | None = None  # the login whose password hartdesk put on the clipboard

        # --- search and filters -------------------------------------------------------------------------------
        self.search_edit = search_box(
            SEARCH_PLACEHOLDER, "Type part of an operator, account, login page, client or domain (Ctrl+F)"
        )
        self.operator_combo = named(QComboBox(), "operator_filter")
        self.operator_combo.addItem("All operators")
        self.operator_combo.setMinimumContentsLength(14)
        self.operator_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.client_combo = named(QComboBox(), "client_filter")
        self.client_combo.addItem("All clients")
        self.client_combo.setMinimumContentsLength(20)
        self.client_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        operator_label = QLabel("Opera&tor:")
        operator_label.setBuddy(self.operator_combo)
        client_label = QLabel("Clie&nt:")
        client_label.setBuddy(self.client_combo)
        filters_holder = QWidget()
        filters = FlowLayout(filters_holder)
        filters.setContentsMargins(0, 0, 0, 0)
        filters.addWidget(labelled(operator_label, self.operator_combo))
        filters.addWidget(labelled(client_label, self.client_combo))
        top = QHBoxLayout()
        top.addWidget(self.search_edit, 1, Qt.AlignmentFlag.AlignTop)
        top.addWidget(filters_holder, 0)

        # --- the keyring banner ---------------------------------------------------------------------------------
        self.keyring_banner = named(QFrame(), "keyring_banner")
        self.keyring_banner.setStyleSheet(
            "QFrame#keyring_banner { background: #fff6d6; border: 1px solid #e6cf7a; border-radius: 4px; }"
            "QFrame#keyring_banner QLabel { color: #4a3b00; }"
        )
        self.keyring_label = named(QLabel(), "keyring_label")
        self.keyring_label.setWordWrap(True)
        self.keyring_label.setTextFormat(Qt.TextFormat.PlainText)
        banner_row = QHBoxLayout(self.keyring_banner)
        banner_row.setContentsMargins(12, 8, 12, 8)
        banner_row.addWidget(self.keyring_label, 1)
        self.keyring_banner.hide()

        # --- buttons ------------------------------------------------------------------------------------------
        self.add_button = named(QPushButton("Add a &login…"), "add_button")
        self.add_button.setToolTip("Add a login to the vault, with its password (Ctrl+N)")
        self.edit_button = named(QPushButton("&Edit…"), "edit_button")
        self.edit_button.setToolTip("Change the operator, account, login page, clients, domains or notes (Enter)")
        self.rotate_button = named(QPushButton("R&otate…"), "rotate_button")
        self.rotate_button.setToolTip("Store the new password after changing it at the operator")
        self.delete_button = named(QPushButton("&Delete…"), "delete_button")
        self.delete_button.setToolTip("Remove the login and its password from the vault")
        self.handover_button = named(QPushButton("Hando&ver for a client…"), "handover_button")
        self.handover_button.setToolTip(
            "Put a leaving client's logins in a password-protected PDF for their new provider"
        )
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.rotate_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.handover_button)

        # --- the list -----------------------------------------------------------------------------------------
        self.model = VaultTableModel(self)
        self.table = make_list_table("vault_table", self.model, COLUMN_WIDTHS, "vault/header", row_padding=8)
        self.table.setWordWrap(False)
        self.table.setToolTip(ROW_TOOLTIP)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(VaultColumn.DUE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(True)
        self.count_label, self.message_label = list_labels()

        # --- the selected login ---------------------------------------------------------------------------------
        self.detail_box = named(QGroupBox("Selected login"), "detail_box")
        self.heading = named(QLabel(), "detail_heading")
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.notes_label = value_label("detail_notes")
        quiet(self.notes_label)

        # A read-only field rather than a label: a password may be up to 1000 characters, which then scrolls in
        # place instead of widening the window; it can still be selected with the mouse or the keyboard.
        self.secret_label = named(QLineEdit(HIDDEN), "secret_label")
        self.secret_label.setReadOnly(True)
        self.secret_label.setFrame(False)
        self.secret_label.setStyleSheet("QLineEdit#secret_label { background: transparent; }")
        self.secret_label.setFont(mono_font(1.15, self.secret_label.font()))
        self.secret_label.setFixedWidth(self.secret_label.fontMetrics().horizontalAdvance("M" * 24))
        self.secret_label.setToolTip("The password shows here once revealed")
        self.reveal_button = named(QPushButton("&Reveal"), "reveal_button")
        self.reveal_button.setToolTip(REVEAL_TOOLTIP)
        self.copy_button = named(QPushButton("&Copy"), "copy_button")
        self.copy_button.setToolTip(
            f"Put the password on the clipboard for {clipboard.VAULT_CLEAR_SECONDS} seconds, hidden from clipboard "
            "history (asks for your 2FA code)"
        )
        self.secret_note = named(QLabel(), "secret_note")
        quiet(self.secret_note)
        secret_row = QHBoxLayout()
        secret_row.addWidget(self.secret_label)
        secret_row.addWidget(self.reveal_button)
        secret_row.addWidget(self.copy_button)
        secret_row.addWidget(self.secret_note, 1)

        self.otp_label = named(QLabel("—"), "otp_label")
        self.otp_label.setTextFormat(Qt.TextFormat.PlainText)
        self.otp_label.setFont(mono_font(1.15, self.otp_label.font()))
        self.otp_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.otp_label.setFixedWidth(self.secret_label.width())
        self.otp_button = named(QPushButton("Show &2FA code"), "otp_button")
        self.otp_button.setToolTip("Show the login's current 2FA code, refreshed while shown (asks for your 2FA code)")
        self.otp_note = named(QLabel(), "otp_note")
        quiet(self.otp_note)
        otp_row = QHBoxLayout()
        otp_row.addWidget(self.otp_label)
        otp_row.addWidget(self.otp_button)
        otp_row.addWidget(self.otp_note, 1)

        self.open_page_button = named(QPushButton("Open login &page"), "open_page_button")
        self.open_page_button.setToolTip("Open the login page in your web browser")
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading, 1)
        heading_row.addWidget(self.open_page_button)
        detail_form = QFormLayout()
        detail_form.addRow("Password:", secret_row)
        detail_form.addRow("2FA code:", otp_row)
        detail_column = QVBoxLayout(self.detail_box)
        detail_column.addLayout(heading_row)
        detail_column.addLayout(detail_form)
        detail_column.addWidget(self.notes_label)
        self._tooltips = {
            button: button.toolTip()
            for button in (self.add_button, self.rotate_button, self.delete_button, self.handover_button)
        }
        for button in (
            self.add_button,
            self.edit_button,
            self.rotate_button,
            self.delete_button,
            self.handover_button,
            self.reveal_button,
            self.copy_button,
            self.otp_button,
            self.open_page_button,
        ):
            button.setAutoDefault(False)  # Enter stays with the list (Edit)

        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.keyring_banner)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.count_label)
        layout.addWidget(self.detail_box)
        layout.addWidget(self.message_label)

        # --- keyboard -----------------------------------------------------------------------------------------
        self.add_shortcut("Find a login", QKeySequence.StandardKey.Find, self._on_find_action_triggered)
        self.add_shortcut("Add a login", QKeySequence.StandardKey.New, self._on_add_button_clicked)
        chain: list[QWidget] = [
            self.search_edit,
            self.operator_combo,
            self.client_combo,
            self.add_button,
            self.edit_button,
            self.rotate_button,
            self.delete_button,
            self.handover_button,
            self.table,
            self.open_page_button,
            self.reveal_button,
            self.copy_button,
            self.otp_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        # --- time ---------------------------------------------------------------------------------------------
        self.tick_timer = QTimer(self)
        self.tick_timer.setInterval(TICK_MS)
        self.tick_timer.timeout.connect(self._on_tick_timer_timeout)
        self.search_timer = pause_timer(self, 200, self._on_search_timer_timeout)

        self.search_edit.textEdited.connect(lambda _: self.search_timer.start())
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        self.operator_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.client_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.rotate_button.clicked.connect(self._on_rotate_button_clicked)
        self.delete_button.clicked.connect(self._on_delete_button_clicked)
        self.handover_button.clicked.connect(self._on_handover_button_clicked)
        self.reveal_button.clicked.connect(self._on_reveal_button_clicked)
        self.copy_button.clicked.connect(self._on_copy_button_clicked)
        self.otp_button.clicked.connect(self._on_otp_button_clicked)
        self.open_page_button.clicked.connect(self._on_open_page_button_clicked)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._on_table_selection_changed)
        self._show_selected(None)

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        """Read the logins (with the filters' choices and whether the keyring can be used) in a task."""
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        self._load_request += 1
        who, generation, request = self.ctx.who, self._generation, self._load_request
        text = self.search_edit.text().strip()
        operator_id = self._chosen(self.operator_combo, self._operator_ids)
        client_id = self._chosen(self.client_combo, self._client_ids)
        if self._select_after_load is None:
            selected = self.selected_row()
            self._select_after_load = selected.id if selected is not None else None

        def load() -> Loaded:
            from hartdesk.register import operators
            from hartdesk.security.vault import Vault, keyring_problem

            rows = Vault(who).rows(text, operator_id, client_id)
            with who.register.session() as session:
                found = [Choice(r.id, r.name) for r in operators.list_operators(session)]
            return Loaded(rows, found, vault_clients(who), keyring_problem())

        self.ctx.tasks.run(
            load,
            on_done=lambda loaded: self._on_loaded(generation, request, loaded),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )

    def clear(self) -> None:
        """Forget everything shown: the list, the filters, a revealed password and a 2FA code."""
        self._generation += 1
        self._detail_request += 1
        self.search_timer.stop()
        self.hide_secret()
        self.hide_code()
        self._otp_loading = False
        self._copied_id = None
        self.tick_timer.stop()
        self._select_after_load = None
        self._focus_list_after_load = False
        self.model.clear()
        self.search_edit.clear()
        for combo, ids in ((self.operator_combo, self._operator_ids), (self.client_combo, self._client_ids)):
            combo.blockSignals(True)
            while combo.count() > 1:
                combo.removeItem(1)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
            ids.clear()
        self.count_label.clear()
        self._say("")
        self._show_selected(None)
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    # --- loading ----------------------------------------------------------------------------------------------

    @staticmethod
    def _chosen(combo: QComboBox, ids: list[int]) -> int | None:
        index = combo.currentIndex() - 1
        return ids[index] if 0 <= index < len(ids) else None

    def _today(self) -> date:
        return uk_date(datetime.fromtimestamp(self.ctx.clock(), UTC))

    def _on_loaded(self, generation: int, request: int, loaded: Loaded) -> None:
        if not self.is_current(generation) or request != self._load_request:
            return  # the register locked, or a newer search was started meanwhile
        lost = [
            self._fill_filter(self.operator_combo, self._operator_ids, loaded.operators),
            self._fill_filter(self.client_combo, self._client_ids, loaded.clients),
        ]
        if any(lost):  # the operator or client chosen is gone (deleted meanwhile): list everything
            self.refresh()
            return
        self._keyring_problem = loaded.keyring_problem
        self.keyring_label.setText(
            f"The vault cannot be used on this computer: {loaded.keyring_problem} The list below still shows "
            "what the register knows about each login."
            if loaded.keyring_problem
            else ""
        )
        self.keyring_banner.setVisible(bool(loaded.keyring_problem))
        keep, self._select_after_load = self._select_after_load, None
        self.model.set_day(self._today())
        self._reloading = True
        try:
            self.model.set_rows(loaded.rows)
            row = self.model.row_of(keep) if keep is not None else None
            if row is not None:
                self.table.selectRow(row)
                self.table.scrollTo(self.model.index(row, 0))
        finally:
            self._reloading = False
        self._on_table_selection_changed()
        self.count_label.setText(self._describe_total(len(loaded.rows)))
        if self._focus_list_after_load:
            self._focus_list_after_load = False
            if self.model.rowCount():
                focus_table(self.table)

    def _fill_filter(self, combo: QComboBox, ids: list[int], choices: list[Choice]) -> bool:
        """Refill a filter's choices, keeping the one chosen when it is still there; True when it is not."""
        if [c.id for c in choices] == ids and [combo.itemText(i + 1) for i in range(len(ids))] == [
            c.text for c in choices
        ]:
            return False
        chosen = self._chosen(combo, ids)
        combo.blockSignals(True)
        while combo.count() > 1:
            combo.removeItem(1)
        ids[:] = [c.id for c in choices]
        combo.addItems([c.text for c in choices])
        combo.setCurrentIndex(ids.index(chosen) + 1 if chosen in ids else 0)
        combo.blockSignals(False)
        return chosen is not None and chosen not in ids

    def _describe_total(self, total: int) -> str:
        if total:
            return _plural(total, "login")
        filtered = self.operator_combo.currentIndex() > 0 or self.client_combo.currentIndex() > 0
        if filtered or self.search_edit.text().strip():
            return "No login matches."
        return "The vault is empty. Add the first login with Add a login… (Ctrl+N)."

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation) or self.ctx.signed_in is None:
            return
        if isinstance(exc, HartdeskError):
            self._say(explain(exc), ERROR_STYLE)
        else:
            show_error(self, exc)

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))

    def _reload(self, select: int | None, message: str) -> None:
        self._select_after_load = select
        self._say(message, OK_STYLE if message else "")
        self.refresh()

    # --- searching --------------------------------------------------------------------------------------------

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self.refresh()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Enter searches at once and puts the cursor on the first row, so a second Enter edits it."""
        self._focus_list_after_load = True
        self.refresh()

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self.refresh()

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_row(self) -> CredentialRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    @Slot()
    def _on_table_selection_changed(self, *_: object) -> None:
        if self._reloading:
            return
        row = self.selected_row()
        if row is None or row.id != self._revealed_id:
            self.hide_secret()
        if row is None or row.id != self._otp_id:
            self.hide_code()
        self._show_selected(row)

    def _show_selected(self, row: CredentialRow | None) -> None:
        self._detail_request += 1
        self.detail_box.setEnabled(row is not None)
        if row is None:
            self.heading.setText("Choose a login above to see its password or 2FA code.")
            self.notes_label.clear()
            self.notes_label.hide()
        else:
            self.heading.setText(row.reference)
            self._load_notes(row.id)
        self._update_buttons()

    def _load_notes(self, credential_id: int) -> None:
        who, generation, request = self.ctx.who, self._generation, self._detail_request

        def load() -> CredentialDetail:
            from hartdesk.security.vault import Vault

            return Vault(who).get(credential_id)

        def done(detail: CredentialDetail) -> None:
            if self.is_current(generation) and request == self._detail_request:
                self.notes_label.setText(f"Notes: {detail.notes}" if detail.notes else "")
                self.notes_label.setVisible(bool(detail.notes))

        self.ctx.tasks.run(load, on_done=done, on_error=lambda exc: self._on_task_failed(generation, exc))

    def _update_buttons(self) -> None:
        row = self.selected_row()
        keyring = self._keyring_problem is None
        chosen = row is not None
        self.add_button.setEnabled(keyring)
        self.handover_button.setEnabled(keyring)
        self.edit_button.setEnabled(chosen)
        for button in (self.rotate_button, self.delete_button, self.reveal_button, self.copy_button):
            button.setEnabled(chosen and keyring)
        self.otp_button.setEnabled(keyring and row is not None and row.has_otp)
        self.open_page_button.setEnabled(row is not None and bool(row.login_url))
        for button, tooltip in self._tooltips.items():
            button.setToolTip(tooltip if keyring else NEEDS_KEYRING)
        if self._otp_code is None:
            self.otp_label.setText("—")
            self.otp_note.setText("" if row is None or row.has_otp else "No 2FA key kept for this login")

    # --- revealing, copying, 2FA codes --------------------------------------------------------------------------

    @Slot()
    def _on_reveal_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if self._revealed_id == row.id:
            self.hide_secret()
            return
        generation, credential_id = self._generation, row.id
        self._ask_secret(credential_id, "revealed", lambda secret: self._show_secret(generation, credential_id, secret))

    def _ask_secret(self, credential_id: int, purpose: str, on_done: Callable[[str], None]) -> None:
        """Read a login's password in a task (asking for a 2FA code first if needed); ``purpose`` is what the audit
        log says ("revealed" or "copied")."""
        who, generation = self.ctx.who, self._generation

        def read() -> str:
            from hartdesk.security.vault import Vault

            return Vault(who).reveal(credential_id, purpose)

        run_with_step_up(self.ctx, self, read, on_done, lambda exc: self._on_task_failed(generation, exc))

    def _show_secret(self, generation: int, credential_id: int, secret: str) -> None:
        row = self.selected_row()
        if not self.is_current(generation) or row is None or row.id != credential_id:
            return  # another login was chosen meanwhile: its password is not this one
        self._revealed_id = credential_id
        self._revealed_at = self.ctx.clock()
        self.secret_label.setText(secret)
        self.secret_label.setCursorPosition(0)
        self.reveal_button.setText("&Hide")
        self.reveal_button.setToolTip("Hide the password now")
        self._say("")
        self._tick()
        self.tick_timer.start()

    def hide_secret(self) -> None:
        """Hide a revealed password (the timer ran out, another login was chosen, the register locked)."""
        self._revealed_id = None
        self.secret_label.setText(HIDDEN)
        self.reveal_button.setText("&Reveal")
        self.reveal_button.setToolTip(REVEAL_TOOLTIP)
        self.secret_note.clear()  # a copy's countdown comes back with the next tick

    def secret_shown(self) -> str:
        """The password showing now ("" while hidden)."""
        return self.secret_label.text() if self._revealed_id is not None else ""

    @Slot()
    def _on_copy_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        generation, credential_id, reference = self._generation, row.id, row.reference

        def copied(secret: str) -> None:
            if not self.is_current(generation):
                return
            clipboard.copy_secret(secret, clipboard.VAULT_CLEAR_SECONDS, self.ctx.clock)
            self._copied_id = credential_id
            self._say(
                f"The password of {reference} is on the clipboard: paste it now. It leaves the clipboard in "
                f"{clipboard.VAULT_CLEAR_SECONDS} seconds.",
                OK_STYLE,
            )
            self._tick()
            self.tick_timer.start()

        self._ask_secret(credential_id, "copied", copied)

    @Slot()
    def _on_otp_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None:
            return
        if self._otp_id == row.id:
            self.hide_code()
            return
        self._read_code(row.id, ask=True, first=True)

    def _read_code(self, credential_id: int, *, ask: bool, first: bool) -> None:
        who, generation = self.ctx.who, self._generation
        self._otp_loading = True

        def read() -> OtpCode:
            from hartdesk.security.vault import Vault

            return Vault(who).otp_code(credential_id)

        def done(code: OtpCode) -> None:
            self._otp_loading = False
            row = self.selected_row()
            if not self.is_current(generation) or row is None or row.id != credential_id:
                return
            if not first and self._otp_id != credential_id:
                return  # hidden meanwhile
            now = self.ctx.clock()
            self._otp_id, self._otp_code, self._otp_read_at = credential_id, code, now
            if first:
                self._otp_first_at = now
            self.otp_button.setText("Hide &2FA code")
            self._tick()
            self.tick_timer.start()

        def failed(exc: BaseException) -> None:
            self._otp_loading = False
            if not first:  # the step-up window ended while it showed: hide it rather than ask again unprompted
                self.hide_code()
                if isinstance(exc, HartdeskError):
                    self._say("The 2FA code was hidden: show it again to see the next one.")
                    return
            self._on_task_failed(generation, exc)

        def cancelled() -> None:
            self._otp_loading = False

        run_with_step_up(self.ctx, self, read, done, failed, ask=ask, on_cancel=cancelled)

    def hide_code(self) -> None:
        """Hide the 2FA code shown."""
        self._otp_id = None
        self._otp_code = None
        self.otp_label.setText("—")
        self.otp_note.clear()
        self.otp_button.setText("Show &2FA code")

    def code_shown(self) -> str:
        """The 2FA code showing now, digits only ("" while hidden)."""
        return self._otp_code.code if self._otp_code is not None else ""

    @Slot()
    def _on_open_page_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not row.login_url:
            return
        if not QDesktopServices.openUrl(QUrl(row.login_url)):
            self._say(f"No web browser opened {row.login_url}. Copy the address from Edit instead.", ERROR_STYLE)

    # --- time passing -----------------------------------------------------------------------------------------

    @Slot()
    def _on_tick_timer_timeout(self) -> None:
        self._tick()

    def _tick(self) -> None:
        """Count down what shows, hide what ran out and stop the timer once nothing is left to count."""
        now = self.ctx.clock()
        busy = False
        secret_note = ""
        if self._revealed_id is not None:
            left = REVEAL_SECONDS - (now - self._revealed_at)
            if left <= 0:
                self.hide_secret()
            else:
                busy = True
                secret_note = f"Hides again in {int(left + 0.999)} s"
        if self._copied_id is not None:
            guard = clipboard.guard()
            if guard.holds_secret():
                busy = True
                copied = f"On the clipboard for {guard.seconds_left()} s"
                secret_note = f"{secret_note} · {copied}" if secret_note else copied
            else:
                self._copied_id = None
                self._say("The password is no longer on the clipboard.")
        self.secret_note.setText(secret_note)
        code = self._otp_code
        if code is not None and self._otp_id is not None:
            busy = True
            left = code.seconds_left - (now - self._otp_read_at)
            if left <= 0:
                if now - self._otp_first_at >= OTP_SHOW_SECONDS:
                    self.hide_code()
                    self._say("The 2FA code was hidden: show it again when you need the next one.")
                elif not self._otp_loading:
                    self.otp_note.setText("Reading the next code…")
                    self._read_code(self._otp_id, ask=False, first=False)
            else:
                self.otp_label.setText(group_code(code.code))
                self.otp_note.setText(f"{int(left + 0.999)} s left")
        if not busy:
            self.tick_timer.stop()

    # --- changing logins ----------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_activated(self, _index: QModelIndex) -> None:
        self._on_edit_button_clicked()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        if self.ctx.signed_in is None or self._keyring_problem is not None:
            return
        dialog = CredentialDialog(self.ctx, parent=self)

        def added() -> None:
            if dialog.saved_id is not None:
                what = f"{dialog.operator_combo.currentText()} — {dialog.account_edit.text().strip()}"
                self._reload(dialog.saved_id, f"{what} was added to the vault.")

        self.open_dialog(dialog, added)

    @Slot()
    def _on_edit_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.signed_in is None:
            return
        dialog = CredentialDialog(self.ctx, row.id, parent=self)
        credential_id = row.id
        self.open_dialog(dialog, lambda: self._reload(credential_id, "Saved."))

    @Slot()
    def _on_rotate_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.signed_in is None or self._keyring_problem is not None:
            return
        dialog = RotateDialog(self.ctx, row.id, row.reference, row.has_otp, self)
        credential_id, reference = row.id, row.reference
        self.open_dialog(dialog, lambda: self._reload(credential_id, f"The password of {reference} was rotated."))

    @Slot()
    def _on_delete_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or self.ctx.signed_in is None or self._keyring_problem is not None:
            return
        credential_id, reference = row.id, row.reference
        box = confirmation(
            self,
            "delete_confirmation",
            "Delete a login",
            f"Delete {reference}?",
            "The login leaves the vault and its password (and 2FA key) is removed from this computer's keyring. "
            "The account itself stays at the operator.",
            "&Delete",
            lambda: self._delete(credential_id, reference),
        )
        box.open()

    def _delete(self, credential_id: int, reference: str) -> None:
        who, generation = self.ctx.who, self._generation

        def work() -> None:
            from hartdesk.security.vault import Vault

            Vault(who).delete(credential_id)

        self.ctx.tasks.run(
            work,
            on_done=lambda _: self._reload(None, f"{reference} was deleted.") if self.is_current(generation) else None,
            on_error=lambda exc: self._on_task_failed(generation, exc),
            serial=True,
        )

    @Slot()
    def _on_handover_button_clicked(self) -> None:
        if self.ctx.signed_in is None or self._keyring_problem is not None:
            return
        from hartdesk.ui.document_dialog import show_password_once

        dialog = HandoverDialog(self.ctx, self._chosen(self.client_combo, self._client_ids), self)

        def saved(path: str, password: str) -> None:
            self._say(f"The handover was saved to {path}.", OK_STYLE)
            show_password_once(self, password, f"The handover was saved to {path}.")

        dialog.saved.connect(saved)
        self.open_dialog(dialog, lambda: None)
