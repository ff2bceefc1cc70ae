"""The credentials vault's dialogs: a login added or changed, its password rotated, the second factor proved again,
and a leaving client's logins handed over.

Showing a secret needs a TOTP code proved within the last few minutes (:meth:`SignedIn.require_step_up`).
:func:`run_with_step_up` runs such work in a task and, when the core answers :class:`StepUpRequiredError`, asks for
the code in a :class:`StepUpDialog` and runs the work again once it is accepted. Every other error comes back to the
caller, which shows it in words.
"""

from __future__ import annotations

import itertools
import secrets
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import shiboken6
from PySide6.QtCore import QEvent, QObject, QRegularExpression, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import (
    FormError,
    HartdeskError,
    StepUpRequiredError,
    ThrottledError,
    TotpNotSetUpError,
    ValidationError,
)
from hartdesk.ui import crash
from hartdesk.ui.service_form import plain_text_edit
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    FormDialog,
    WorkDialog,
    grow_to_fit,
    look_up,
    mono_font,
    named,
    open_modal,
    pause_timer,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn
    from hartdesk.security.vault import CredentialDetail, CredentialInput, HandoverFile
    from hartdesk.ui.context import AppContext

TOTP_HINT = 'It is in the Account menu: "Set up two-step sign-in (TOTP)…".'
GENERATED_LENGTH = 24
DEFAULT_ROTATION_DAYS = 90
LOOK_UP_DELAY_MS = 250
PDF_FILTER = "PDF files (*.pdf);;All files (*)"
# Characters a password generator may use: no quotes, backslash or space, which some registrars' forms mangle.
SYMBOLS = "!#$%&()*+,-./:;<=>?@[]^_{|}~"


def generate_password(length: int = GENERATED_LENGTH) -> str:
    """A strong random password (from the operating system's random source via :mod:`secrets`) holding at least one
    lower-case letter, capital, digit and symbol, as registrars' rules often ask."""
    classes = (string.ascii_lowercase, string.ascii_uppercase, string.digits, SYMBOLS)
    alphabet = "".join(classes)
    while True:
        password = "".join(secrets.choice(alphabet) for _ in range(length))
        if all(any(c in chars for c in password) for chars in classes):
            return password


def explain(exc: HartdeskError) -> str:
    """A clerk's error in words; "set up TOTP first" also says where (the Account menu)."""
    return f"{exc.message} {TOTP_HINT}" if isinstance(exc, TotpNotSetUpError) else exc.message


# --- step-up ----------------------------------------------------------------------------------------------------------


class StepUpDialog(WorkDialog):
    """The 6-digit code from the person's authenticator app, proved with :meth:`SignedIn.step_up`; accepted once it
    was right. A wrong code, the lock-out after too many (with the time it ends) and a missing TOTP set-up show in
    the dialog; the code field is emptied for the next try."""

    def __init__(self, ctx: AppContext, reason: str = "", parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Confirm it is you", "&Confirm", parent)
        self.setObjectName("step_up_dialog")
        self.setMinimumWidth(440)
        intro = named(QLabel(reason or "Enter the 6-digit code from your authenticator app first."), "step_up_intro")
        intro.setWordWrap(True)
        note = QLabel(
            "The vault shows a password, a 2FA code or a handover only to someone who has proved their second factor "
            "in the last few minutes. Each code works once."
        )
        note.setWordWrap(True)
        note.setStyleSheet(NOTE_STYLE)
        self.code_edit = named(QLineEdit(), "step_up_code_edit")
        self.code_edit.setPlaceholderText("123456")
        self.code_edit.setMaxLength(7)  # "123 456" as some apps show it
        self.code_edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"[0-9 ]{0,7}"), self.code_edit))
        self.code_edit.setFont(mono_font(1.4, self.code_edit.font()))
        self.code_edit.setMaximumWidth(self.code_edit.fontMetrics().horizontalAdvance("0000000") + 24)
        form = QFormLayout()
        form.addRow("&Code from the app:", self.code_edit)
        self.layout_.addWidget(intro)
        self.layout_.addWidget(note)
        self.layout_.addSpacing(4)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.error_label.setObjectName("step_up_error")
        self.code_edit.setFocus()

    def code(self) -> str:
        return self.code_edit.text().replace(" ", "")

    def submit(self) -> None:
        code = self.code()
        if len(code) != 6:
            self.show_problem("Enter the 6 digits your authenticator app shows now.", self.code_edit)
            return
        who = self.ctx.who
        self.run_work(lambda: who.step_up(code), lambda _: self.accept())

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, HartdeskError):
            self.show_problem(explain(exc))
            self.code_edit.clear()
            self.code_edit.setFocus()
            if isinstance(exc, ThrottledError | TotpNotSetUpError):
                self.code_edit.setEnabled(False)  # no code can work now
                self.ok_button.setEnabled(False)
            grow_to_fit(self)
        else:
            WorkDialog.show_error(self, exc)


def run_with_step_up(
    ctx: AppContext,
    parent: QWidget,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None],
    *,
    ask: bool = True,
    on_cancel: Callable[[], None] | None = None,
) -> None:
    """Run ``fn`` (a serial task: showing a secret is audited); if it needs a fresh second factor, ask for the code
    and run it once more. When the person cancels the code only ``on_cancel`` is called; nothing is called after
    ``parent`` is gone or the register locked."""

    def alive() -> bool:
        return shiboken6.isValid(parent) and ctx.signed_in is not None

    def done(result: Any) -> None:
        if alive():
            on_done(result)

    def failed(exc: BaseException) -> None:
        if not alive():
            return
        if isinstance(exc, StepUpRequiredError) and ask:
            dialog = StepUpDialog(ctx, exc.message, parent)
            if on_cancel is not None:
                dialog.rejected.connect(on_cancel)
            open_modal(dialog, lambda: run_with_step_up(ctx, parent, fn, on_done, on_error, ask=False))
            return
        on_error(exc)

    ctx.tasks.run(fn, on_done=done, on_error=failed, serial=True)


# --- choosing clients and their domains -------------------------------------------------------------------------------


def _add_note(view: QListWidget, text: str) -> None:
    """A line in an empty list saying what will show there (it cannot be chosen)."""
    item = QListWidgetItem(text)
    item.setFlags(Qt.ItemFlag.NoItemFlags)
    view.addItem(item)


@dataclass(frozen=True)
class Choice:
    id: int
    text: str


class ClientsChooser(QWidget):
    """Clients found as the clerk types (Enter or a double-click adds the one highlighted) and the clients chosen
    (Delete or Remove takes one out). ``changed`` after each change."""

    changed = Signal()

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.ctx = ctx
        self._asked = 0
        self._found: list[Choice] = []
        self._chosen: list[Choice] = []
        self.find_edit = named(QLineEdit(), "client_find_edit")
        self.find_edit.setPlaceholderText("Type a client's name, reference or domain")
        self.find_edit.setClearButtonEnabled(True)
        self.find_edit.installEventFilter(self)
        self.matches = named(QListWidget(), "client_matches")
        self.matches.setToolTip("Enter or double-click adds the client highlighted")
        self.matches.installEventFilter(self)
        row_height = self.matches.fontMetrics().height() + 6
        self.matches.setFixedHeight(4 * row_height + 6)
        self.matches.setWordWrap(True)
        self.chosen_list = named(QListWidget(), "chosen_clients")
        self.chosen_list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.chosen_list.setFixedHeight(3 * row_height + 6)
        self.chosen_list.setToolTip("The clients this login serves (Delete takes the one highlighted out)")
        self.chosen_list.installEventFilter(self)
        self.remove_button = named(QPushButton("Remo&ve client"), "remove_client_button")
        self.remove_button.setAutoDefault(False)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.remove_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.find_edit)
        layout.addWidget(self.matches)
        layout.addWidget(self.chosen_list)
        layout.addLayout(buttons)
        self.setFocusProxy(self.find_edit)
        self.timer = pause_timer(self, LOOK_UP_DELAY_MS, self._look_up)
        self.find_edit.textEdited.connect(lambda _: self.timer.start())
        self.matches.itemActivated.connect(lambda _item: self._add_current())
        self.remove_button.clicked.connect(self._remove_current)
        self.chosen_list.currentRowChanged.connect(lambda _row: self._show_state())
        self._refill()
        self._show_matches([])

    def chosen(self) -> list[Choice]:
        return list(self._chosen)

    def set_chosen(self, choices: Sequence[Choice]) -> None:
        self._chosen = list(choices)
        self._refill()
        self.changed.emit()

    def add(self, choice: Choice) -> None:
        if all(c.id != choice.id for c in self._chosen):
            self._chosen.append(choice)
            self._refill()
            self.changed.emit()

    def match_texts(self) -> list[str]:
        return [c.text for c in self._found]

    def _refill(self) -> None:
        self.chosen_list.clear()
        self.chosen_list.addItems([c.text for c in self._chosen])
        if not self._chosen:
            _add_note(self.chosen_list, "No client chosen yet.")
        self._show_state()

    def _show_state(self) -> None:
        self.remove_button.setEnabled(0 <= self.chosen_list.currentRow() < len(self._chosen))

    @Slot()
    def _look_up(self) -> None:
        typed = self.find_edit.text().strip()
        self._asked += 1
        asked = self._asked
        if not typed or self.ctx.signed_in is None:
            self._show_matches([])
            return
        who = self.ctx.who

        def find() -> list[Choice]:
            from hartdesk.register import search

            with who.register.session() as session:
                rows = search.list_clients(session, search.ClientQuery(text=typed), 0, 8)
            return [Choice(r.id, f"{r.ref} {r.name}") for r in rows]

        look_up(self.ctx.tasks, self, find, lambda: asked == self._asked, self._show_matches)

    def _show_matches(self, found: list[Choice]) -> None:
        self._found = found
        self.matches.clear()
        self.matches.addItems([c.text for c in found])
        if found:
            self.matches.setCurrentRow(0)
        elif self.find_edit.text().strip() and not self.timer.isActive():
            _add_note(self.matches, "No client found.")
        else:
            _add_note(self.matches, "Type above: the clients found show here (Enter adds the one highlighted).")

    def _add_typed(self) -> None:
        """Enter in the search box: look up what was typed (at once) and add the match highlighted."""
        if self.timer.isActive():
            self.timer.stop()
            self._look_up()
        if self._found:
            self._add_current()

    def _add_current(self) -> None:
        row = self.matches.currentRow()
        if 0 <= row < len(self._found):
            self.add(self._found[row])
            self.find_edit.clear()
            self._show_matches([])
            self.find_edit.setFocus()

    @Slot()
    def _remove_current(self) -> None:
        row = self.chosen_list.currentRow()
        if 0 <= row < len(self._chosen):
            del self._chosen[row]
            self._refill()
            self.changed.emit()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box moves to the matches; Enter there or on a match adds it (rather than pressing the
        dialog's OK); Delete in the chosen list takes one out."""
        if event.type() == QEvent.Type.KeyPress and isinstance(event, QKeyEvent):
            key = event.key()
            if watched is self.find_edit and key == Qt.Key.Key_Down and self._found:
                self.matches.setFocus()
                return True
            if watched is self.find_edit and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                if not self.find_edit.text().strip():
                    return False  # nothing typed: Enter is the dialog's
                self._add_typed()
                return True
            if watched is self.matches and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
                self._add_current()
                return True
            if watched is self.chosen_list and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
                self._remove_current()
                return True
        return QWidget.eventFilter(self, watched, event)


def services_of(who: SignedIn, client_ids: Sequence[int]) -> list[Choice]:
    """The services (domains first among them) of the clients ``client_ids`` (runs in a task)."""
    from hartdesk.security.vault import services_of_clients

    if not client_ids:
        return []
    with who.register.session() as session:
        rows = services_of_clients(session, client_ids)
    several = len({ref for *_, ref in rows}) > 1  # the client's reference only tells services apart then
    return [
        Choice(sid, f"{identifier} ({kind.label}, {ref})" if several else f"{identifier} ({kind.label})")
        for sid, identifier, kind, ref in rows
    ]


class DomainsChooser(QListWidget):
    """The services of the chosen clients, each with a tick box: those ticked are the domains the login manages.
    What was ticked stays ticked when the clients change, as long as its client is still chosen."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QListWidget.__init__(self, parent)
        self.setObjectName("domains_list")
        self.ctx = ctx
        self._asked = 0
        self._wanted: set[int] = set()
        self.setToolTip("Tick the domains (or other services) this login manages; Space ticks the one highlighted")
        self.setFixedHeight(5 * (self.fontMetrics().height() + 6) + 6)
        self.itemChanged.connect(self._on_item_changed)

    def ticked(self) -> tuple[int, ...]:
        found = []
        for row in range(self.count()):
            item = self.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                found.append(int(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(found)

    def texts(self) -> list[str]:
        return [self.item(row).text() for row in range(self.count())]

    def load(self, client_ids: Sequence[int], wanted: Sequence[int] | None = None) -> None:
        """List the services of ``client_ids``; ``wanted`` (else those ticked now) are ticked."""
        if wanted is not None:
            self._wanted = set(wanted)
        self._asked += 1
        asked, who, ids = self._asked, self.ctx.who, tuple(client_ids)

        def done(choices: list[Choice]) -> None:
            if shiboken6.isValid(self) and asked == self._asked:
                self._fill(choices)

        self.ctx.tasks.run(lambda: services_of(who, ids), on_done=done, on_error=self._on_failed)

    def _on_failed(self, exc: BaseException) -> None:
        if not isinstance(exc, HartdeskError):  # a clerk's error (the register locked) only means no list
            crash.report_unexpected(exc, self if shiboken6.isValid(self) else None)

    def _fill(self, choices: list[Choice]) -> None:
        self.blockSignals(True)
        self.clear()
        for choice in choices:
            item = QListWidgetItem(choice.text)
            item.setData(Qt.ItemDataRole.UserRole, choice.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if choice.id in self._wanted else Qt.CheckState.Unchecked)
            self.addItem(item)
        self.blockSignals(False)
        if not choices:
            _add_note(self, "Choose a client first: their domains show here.")

    @Slot(QListWidgetItem)
    def _on_item_changed(self, item: QListWidgetItem) -> None:
        value = item.data(Qt.ItemDataRole.UserRole)
        if value is None:
            return
        if item.checkState() == Qt.CheckState.Checked:
            self._wanted.add(int(value))
        else:
            self._wanted.discard(int(value))


# --- passwords ----------------------------------------------------------------------------------------------------


class SecretField(QWidget):
    """A password typed (hidden unless Show is ticked) or generated, as the registrar will know it."""

    def __init__(self, name: str, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.edit = named(QLineEdit(), name)
        self.edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.edit.setFont(mono_font(1.0, self.edit.font()))
        self.edit.setPlaceholderText("the password as set at the operator")
        self.show_check = named(QCheckBox("S&how"), f"{name}_show_check")
        self.show_check.setToolTip("Show the password as typed")
        self.generate_button = named(QPushButton("&Generate"), f"{name}_generate_button")
        self.generate_button.setAutoDefault(False)
        self.generate_button.setToolTip(
            f"Make a strong random password ({GENERATED_LENGTH} characters) to set at the operator"
        )
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit, 1)
        row.addWidget(self.show_check)
        row.addWidget(self.generate_button)
        self.setFocusProxy(self.edit)
        self.show_check.toggled.connect(self._on_show_check_toggled)
        self.generate_button.clicked.connect(self._on_generate_button_clicked)

    def text(self) -> str:
        return self.edit.text()

    @Slot(bool)
    def _on_show_check_toggled(self, shown: bool) -> None:
        self.edit.setEchoMode(QLineEdit.EchoMode.Normal if shown else QLineEdit.EchoMode.Password)

    @Slot()
    def _on_generate_button_clicked(self) -> None:
        self.edit.setText(generate_password())
        self.show_check.setChecked(True)  # the clerk sets it at the operator next: they need to see it
        self.edit.setFocus()


def otp_key_edit(name: str) -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setPlaceholderText("optional: base32 key or otpauth://… address")
    edit.setToolTip(
        "The 2FA (TOTP) key the operator showed when two-step sign-in was set up for this account: the letters "
        "A–Z and digits 2–7, or the otpauth:// address from its QR code. hartdesk then shows the current code."
    )
    return edit


def secret_problems(secret: str, otp_key: str | None) -> dict[str, str]:
    """What is wrong with a password and a 2FA key, keyed by their fields (runs in a task)."""
    from hartdesk.security.vault import check_secret, parse_otp_key

    problems: dict[str, str] = {}
    try:
        check_secret(secret)
    except ValidationError as exc:
        problems["secret"] = exc.message
    if otp_key:
        try:
            parse_otp_key(otp_key)
        except ValidationError as exc:
            problems["otp_key"] = exc.message
    return problems


# --- adding or changing a login ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Operators:
    ids: list[int]
    names: list[str]


class CredentialDialog(FormDialog):
    """Add a login to the vault (no ``credential_id``: with its password and optional 2FA key) or change what the
    register says about one (its password changes with Rotate). ``saved_id`` holds its id once accepted.

    Every problem shows under its field, all at once, and nothing typed is lost."""

    def __init__(self, ctx: AppContext, credential_id: int | None = None, parent: QWidget | None = None) -> None:
        adding = credential_id is None
        FormDialog.__init__(
            self, ctx, "Add a login" if adding else "Change a login", "&Add" if adding else "&Save", parent
        )
        self.setObjectName("credential_dialog")
        self.credential_id = credential_id
        self.saved_id: int | None = None
        self._operators = Operators([], [])
        p = self.problems

        self.operator_combo = named(QComboBox(), "operator_combo")
        self.operator_combo.setMinimumContentsLength(18)
        self.account_edit = named(QLineEdit(), "account_edit")
        self.account_edit.setMaxLength(200)
        self.account_edit.setPlaceholderText("the user name or email you sign in with")
        self.url_edit = named(QLineEdit(), "url_edit")
        self.url_edit.setMaxLength(500)
        self.url_edit.setPlaceholderText("https://…")
        self.secret_field = SecretField("secret_edit") if adding else None
        self.otp_edit = otp_key_edit("otp_edit") if adding else None
        self.rotate_check = named(QCheckBox("Remind me to change it every"), "rotate_check")
        self.rotate_spin = named(QSpinBox(), "rotate_spin")
        self.rotate_spin.setRange(1, 3650)
        self.rotate_spin.setValue(DEFAULT_ROTATION_DAYS)
        self.rotate_spin.setSuffix(" days")
        self.rotate_spin.setEnabled(False)
        rotation = QWidget()
        rotation_row = QHBoxLayout(rotation)
        rotation_row.setContentsMargins(0, 0, 0, 0)
        rotation_row.addWidget(self.rotate_check)
        rotation_row.addWidget(self.rotate_spin)
        rotation_row.addStretch(1)
        rotation.setFocusProxy(self.rotate_check)
        self.notes_edit = plain_text_edit("notes_edit", 3)
        self.notes_edit.setMinimumHeight(self.notes_edit.height())
        self.notes_edit.setMaximumHeight(16_777_215)  # the notes take the height the clients and domains leave
        self.notes_edit.setPlaceholderText("e.g. security questions are in the client's file; who else uses it")

        login_box = QGroupBox("Login")
        login_form = QFormLayout(login_box)
        login_form.addRow("&Operator:", p.wrap("operator", self.operator_combo))
        login_form.addRow("Acco&unt name:", p.wrap("account_name", self.account_edit))
        login_form.addRow("&Login page:", p.wrap("login_url", self.url_edit))
        if self.secret_field is not None and self.otp_edit is not None:
            login_form.addRow("&Password:", p.wrap("secret", self.secret_field, self.secret_field.edit))
            login_form.addRow("&2FA key:", p.wrap("otp_key", self.otp_edit))
        login_form.addRow("&Rotation:", p.wrap("rotate_every_days", rotation, self.rotate_check))
        notes_box = p.wrap("notes", self.notes_edit)
        notes_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        login_form.addRow("No&tes:", notes_box)

        self.clients = ClientsChooser(ctx)
        self.domains = DomainsChooser(ctx)
        serves_box = QGroupBox("Serves")
        serves_form = QFormLayout(serves_box)
        serves_form.addRow("&Clients:", p.wrap("clients", self.clients, self.clients.find_edit))
        serves_form.addRow("&Domains:", p.wrap("domains", self.domains))
        serves_note = QLabel("Only the services of the clients chosen are listed.")
        serves_note.setStyleSheet(NOTE_STYLE)
        serves_note.setWordWrap(True)
        serves_form.addRow("", serves_note)

        columns = QHBoxLayout()
        columns.addWidget(login_box, 5)
        columns.addWidget(serves_box, 4)
        self.layout_.addLayout(columns)
        self.finish_layout()
        self.setMinimumWidth(900)

        chain: list[QWidget] = [self.operator_combo, self.account_edit, self.url_edit]
        if self.secret_field is not None and self.otp_edit is not None:
            chain += [
                self.secret_field.edit,
                self.secret_field.show_check,
                self.secret_field.generate_button,
                self.otp_edit,
            ]
        chain += [
            self.rotate_check,
            self.rotate_spin,
            self.notes_edit,
            self.clients.find_edit,
            self.clients.matches,
            self.clients.chosen_list,
            self.clients.remove_button,
            self.domains,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.rotate_check.toggled.connect(self.rotate_spin.setEnabled)
        self.clients.changed.connect(self._on_clients_changed)
        self.domains.load([])
        who = ctx.who

        def read() -> tuple[Operators, CredentialDetail | None]:
            from hartdesk.register import operators
            from hartdesk.security.vault import Vault

            with who.register.session() as session:
                rows = operators.list_operators(session)
            found = Operators([r.id for r in rows], [r.name for r in rows])
            return found, (Vault(who).get(credential_id) if credential_id is not None else None)

        self.load(read, self._on_loaded)
        self.operator_combo.setFocus()

    def _on_loaded(self, loaded: tuple[Operators, CredentialDetail | None]) -> None:
        found, detail = loaded
        self._operators = found
        self.operator_combo.clear()
        self.operator_combo.addItems(["Choose an operator…", *found.names])
        if not found.names:
            self.problems.set("operator", "Add the operator on the Operators screen first (an administrator can).")
        if detail is None:
            return
        self.operator_combo.setCurrentIndex(found.ids.index(detail.operator_id) + 1)
        self.account_edit.setText(detail.account_name)
        self.url_edit.setText(detail.login_url)
        self.notes_edit.setPlainText(detail.notes)
        if detail.rotate_every_days is not None:
            self.rotate_check.setChecked(True)
            self.rotate_spin.setValue(detail.rotate_every_days)
        self.clients.blockSignals(True)
        self.clients.set_chosen([Choice(i, t) for i, t in zip(detail.client_ids, detail.clients, strict=True)])
        self.clients.blockSignals(False)
        self.domains.load(detail.client_ids, detail.service_ids)

    @Slot()
    def _on_clients_changed(self) -> None:
        self.problems.set("domains", "")
        self.domains.load([c.id for c in self.clients.chosen()])

    def data(self) -> CredentialInput:
        from hartdesk.security.vault import CredentialInput

        index = self.operator_combo.currentIndex() - 1
        operator_id = self._operators.ids[index] if 0 <= index < len(self._operators.ids) else None
        return CredentialInput(
            operator_id=operator_id,
            account_name=self.account_edit.text(),
            login_url=self.url_edit.text(),
            notes=self.notes_edit.toPlainText(),
            client_ids=tuple(c.id for c in self.clients.chosen()),
            service_ids=self.domains.ticked(),
            rotate_every_days=self.rotate_spin.value() if self.rotate_check.isChecked() else None,
        )

    def submit(self) -> None:
        data, who, credential_id = self.data(), self.ctx.who, self.credential_id
        secret = self.secret_field.text() if self.secret_field is not None else ""
        otp_key = self.otp_edit.text() if self.otp_edit is not None else ""

        def work() -> int:
            from hartdesk.security.vault import Vault, validate

            problems: dict[str, str] = {}
            try:
                validate(data)
            except FormError as exc:
                problems.update(exc.problems)
            if credential_id is None:
                problems.update(secret_problems(secret, otp_key))
            if problems:
                raise FormError(problems)
            vault = Vault(who)
            if credential_id is None:
                return vault.add(data, secret, otp_key)
            vault.update(credential_id, data)
            return credential_id

        def saved(credential: int) -> None:
            self.saved_id = credential
            self.accept()

        self.save(work, saved)


# --- rotating a password --------------------------------------------------------------------------------------------


OTP_KEEP, OTP_REPLACE, OTP_REMOVE = 0, 1, 2


class RotateDialog(FormDialog):
    """A login's new password (and, if chosen, a new 2FA key or none): the old ones are put back if the register
    cannot record the change."""

    def __init__(
        self, ctx: AppContext, credential_id: int, reference: str, has_otp: bool, parent: QWidget | None = None
    ) -> None:
        FormDialog.__init__(self, ctx, "Rotate a password", "&Rotate", parent)
        self.setObjectName("rotate_dialog")
        self.setMinimumWidth(620)
        self.credential_id = credential_id
        p = self.problems
        intro = named(QLabel(), "rotate_intro")
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setWordWrap(True)
        intro.setText(
            f"{reference}: change the password at the operator first, then store the new one here. The date it was "
            "last rotated becomes today."
        )
        self.secret_field = SecretField("new_secret_edit")
        self.otp_combo = named(QComboBox(), "otp_combo")
        if has_otp:
            self.otp_combo.addItems(["Keep the 2FA key", "Replace the 2FA key", "Remove the 2FA key"])
        else:
            self.otp_combo.addItems(["No 2FA key", "Add a 2FA key"])
        self.otp_edit = otp_key_edit("new_otp_edit")
        self.otp_edit.setEnabled(False)
        form = QFormLayout()
        form.addRow("New &password:", p.wrap("secret", self.secret_field, self.secret_field.edit))
        form.addRow("&2FA:", self.otp_combo)
        form.addRow("2FA &key:", p.wrap("otp_key", self.otp_edit))
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.otp_combo.currentIndexChanged.connect(lambda index: self.otp_edit.setEnabled(index == OTP_REPLACE))
        self.secret_field.edit.setFocus()

    def otp_key(self) -> str | None:
        """None keeps the 2FA key, "" removes it, else the new key."""
        index = self.otp_combo.currentIndex()
        if index == OTP_REPLACE:
            return self.otp_edit.text()
        if index == OTP_REMOVE:
            return ""
        return None

    def submit(self) -> None:
        who, credential_id, secret, otp_key = self.ctx.who, self.credential_id, self.secret_field.text(), self.otp_key()
        if otp_key is not None and self.otp_combo.currentIndex() == OTP_REPLACE and not otp_key.strip():
            self.problems.set("otp_key", "Paste the new 2FA key, or choose to keep or remove it.")
            self.otp_edit.setFocus()
            return

        def work() -> None:
            from hartdesk.security.vault import Vault

            problems = secret_problems(secret, otp_key)
            if problems:
                raise FormError(problems)
            Vault(who).rotate(credential_id, secret, otp_key)

        self.save(work, lambda _: self.accept())


# --- handover -------------------------------------------------------------------------------------------------------


def vault_clients(who: SignedIn) -> list[Choice]:
    """The clients some login in the vault serves, directly or through one of their domains (runs in a task)."""
    from hartdesk.security.vault import clients_with_logins

    with who.register.session() as session:
        rows = clients_with_logins(session)
    return [Choice(cid, f"{ref} {name}") for cid, ref, name in rows]


class HandoverDialog(WorkDialog):
    """Export every login serving a leaving client (directly or through its domains) into an encrypted PDF for the
    new provider: after step-up, audited. The file is written where the clerk chooses; ``saved`` then hands its path
    and password to the caller, which shows the password once."""

    saved = Signal(str, str)  # (path, password)

    def __init__(self, ctx: AppContext, client_id: int | None = None, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Hand over a client's logins", "&Make the handover…", parent)
        self._preferred = client_id
        self.setObjectName("handover_dialog")
        self.setMinimumWidth(560)
        self._clients: list[Choice] = []
        intro = QLabel(
            "When a client leaves, their new provider needs the logins for the client's domains. hartdesk puts them "
            "in a PDF protected with a password that is shown to you once: send the file, and give the password "
            "by phone. Making it needs your 2FA code and is recorded in the audit log."
        )
        intro.setWordWrap(True)
        self.client_combo = named(QComboBox(), "handover_client_combo")
        self.client_combo.setMinimumContentsLength(30)
        self.provider_edit = named(QLineEdit(), "provider_edit")
        self.provider_edit.setMaxLength(200)
        self.provider_edit.setPlaceholderText("e.g. Northwind Hosting Ltd")
        form = QFormLayout()
        form.addRow("&Client:", self.client_combo)
        form.addRow("&New provider:", self.provider_edit)
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.ok_button.setEnabled(False)
        who = ctx.who
        self.ctx.tasks.run(
            lambda: vault_clients(who),
            on_done=self._on_clients_loaded,
            on_error=lambda exc: self.show_error(exc) if shiboken6.isValid(self) else None,
        )
        self.client_combo.setFocus()

    def _on_clients_loaded(self, clients: list[Choice]) -> None:
        if not shiboken6.isValid(self):
            return
        self._clients = clients
        self.client_combo.clear()
        self.client_combo.addItems([c.text for c in clients])
        self.ok_button.setEnabled(bool(clients))
        if self._preferred is not None:
            self.choose_client(self._preferred)
        if not clients:
            self.show_problem("No login in the vault serves a client yet.")

    def choose_client(self, client_id: int) -> None:
        ids = [c.id for c in self._clients]
        if client_id in ids:
            self.client_combo.setCurrentIndex(ids.index(client_id))

    def choose_target(self, filename: str) -> Path | None:
        """Where to write the PDF (a file dialog)."""
        from hartdesk.ui.document_dialog import last_folder, with_suffix

        name, _ = QFileDialog.getSaveFileName(self, "Save the handover as", str(last_folder() / filename), PDF_FILTER)
        return with_suffix(name, ".pdf") if name else None

    def submit(self) -> None:
        index = self.client_combo.currentIndex()
        if not 0 <= index < len(self._clients):
            self.show_problem("Choose the client who is leaving.", self.client_combo)
            return
        client_id, provider, who = self._clients[index].id, self.provider_edit.text(), self.ctx.who

        def make() -> HandoverFile:
            from hartdesk.security.vault import Vault

            return Vault(who).handover(client_id, provider)

        self.show_problem("")
        self.ok_button.setEnabled(False)
        run_with_step_up(
            self.ctx, self, make, self._on_made, self._on_failed, on_cancel=lambda: self.ok_button.setEnabled(True)
        )

    def _on_failed(self, exc: BaseException) -> None:
        self.ok_button.setEnabled(True)
        self.show_error(exc)

    def show_error(self, exc: BaseException) -> None:
        if isinstance(exc, HartdeskError):
            self.show_problem(explain(exc))
            grow_to_fit(self)
        else:
            WorkDialog.show_error(self, exc)

    def _on_made(self, made: HandoverFile) -> None:
        self.ok_button.setEnabled(True)
        path = self.choose_target(made.filename)
        if path is None:
            self.show_problem("Not saved: the handover was made but written nowhere. Make it again to save it.")
            return

        def write() -> Path:
            from hartdesk.fileio import write_atomically

            try:
                write_atomically(path, made.pdf)
            except OSError as exc:
                raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
            return path

        def written(saved: Path) -> None:
            from hartdesk.ui.document_dialog import remember_folder

            remember_folder(saved)
            self.saved.emit(str(saved), made.password)
            self.accept()

        self.run_work(write, written)
