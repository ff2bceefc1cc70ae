"""The Vault screen and its dialogs, driven like a clerk: add a login, reveal and copy its password after a 2FA code,
watch them hide and leave the clipboard as the (injected) clock moves on, lock, and hand a client's logins over.

Alice (the administrator) enrols TOTP first; her sign-in code is then forgotten, so the first secret shown asks for a
new one in the step-up dialog. Every test runs with an in-memory keyring (tests/conftest.py).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import keyring.backends.fail
import pikepdf
import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QClipboard, QGuiApplication
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

from hartdesk.register import clients as clients_mod
from hartdesk.security import audit, keyrings
from hartdesk.security.signin import SignedIn, sign_in
from hartdesk.security.vault import CredentialInput, OtpKey, Vault
from hartdesk.ui import clipboard
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import PasswordShownDialog
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.models.vault_model import VaultColumn, amber
from hartdesk.ui.screens.clients import ClientsScreen
from hartdesk.ui.screens.vault import HIDDEN, REVEAL_SECONDS, VaultScreen
from hartdesk.ui.tasks import SyncTaskRunner
from hartdesk.ui.vault_dialogs import CredentialDialog, HandoverDialog, RotateDialog, StepUpDialog, generate_password
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, run_cli
from tests.keyrings import MemoryKeyring
from tests.totp import FakeClock, code_at, enrol, wrong_code
from tests.ui.helpers import OpenMainWindow, Show, column, open_child
from tests.ui.test_services_screen import Agency, choose, fill_agency

SIZE = (1100, 720)
DAY = 24 * 3600
HARBOUR_SECRET = "Tr1ton-Lighthouse-§-42"
BRAMBLE_SECRET = "oak & ash / 7 spaces  kept"
OTP_KEY = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


# --- fixtures ---------------------------------------------------------------------------------------------------------


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def totp_secret(register_dir: Path, clock: FakeClock) -> str:
    """Alice's TOTP secret."""
    return enrol(register_dir, ADMIN, ADMIN_PASSWORD, clock)


@pytest.fixture
def who(register_dir: Path, clock: FakeClock, totp_secret: str) -> Iterator[SignedIn]:
    signed_in = sign_in(register_dir, ADMIN, ADMIN_PASSWORD, code_at(totp_secret, clock.now), clock=clock)
    signed_in.forget_step_up()  # the next secret shown asks for a new code
    clock.now += 30
    yield signed_in
    signed_in.lock()


@pytest.fixture
def agency(who: SignedIn) -> Agency:
    return fill_agency(who)


@dataclass(frozen=True)
class Logins:
    harbour: int  # GoDaddy, for Harbour Lights Café and its domain, with a 2FA key
    bramble: int  # Fasthosts, for Bramble & Oak Joinery, rotation due


@pytest.fixture
def logins(who: SignedIn, agency: Agency, clock: FakeClock) -> Logins:
    """Two logins added 40 days ago; Bramble's was to be changed every 30 days."""
    from hartdesk.register import operators

    with who.register.session() as s:
        by_name = {o.name: o.id for o in operators.list_operators(s)}
        harbour = clients_mod.client_id_for(s, agency.harbour)
        bramble = clients_mod.client_id_for(s, agency.bramble)
        domain = clients_mod.get_client(s, agency.harbour).services[0].id
    clock.now -= 40 * DAY
    vault = Vault(who)
    harbour_id = vault.add(
        CredentialInput(
            by_name["GoDaddy"],
            "harbour-admin@harbourlights.co.uk",
            "https://sso.godaddy.example/login",
            notes="Security answer in the client's file.",
            client_ids=(harbour,),
            service_ids=(domain,),
        ),
        HARBOUR_SECRET,
        OTP_KEY,
    )
    bramble_id = vault.add(
        CredentialInput(
            by_name["Fasthosts"],
            "bramble-oak",
            "admin.fasthosts.example",
            client_ids=(bramble,),
            rotate_every_days=30,
        ),
        BRAMBLE_SECRET,
    )
    clock.now += 40 * DAY
    return Logins(harbour_id, bramble_id)


@pytest.fixture
def ctx(register_dir: Path, clock: FakeClock, who: SignedIn) -> AppContext:
    return AppContext(register_dir=register_dir, tasks=SyncTaskRunner(), clock=clock, signed_in=who)


@pytest.fixture
def screen(qtbot: Any, show: Show, ctx: AppContext, logins: Logins) -> VaultScreen:
    shown = show(VaultScreen(ctx), SIZE)
    shown.refresh()
    activate(qtbot, shown)
    return shown


@pytest.fixture(autouse=True)
def clipboard_left_clean() -> Iterator[None]:
    """No test leaves a secret (nor its timer) behind for the next."""
    yield
    clipboard.forget_secret()
    QGuiApplication.clipboard().clear()


# --- helpers ----------------------------------------------------------------------------------------------------------


def activate(qtbot: Any, window: QWidget) -> None:
    """The window active, as a clerk's is (keyboard shortcuts and mnemonics need it)."""
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def click(qtbot: Any, button: QPushButton) -> None:
    assert button.isEnabled(), button.text()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def select(qtbot: Any, screen: VaultScreen, account: str) -> None:
    row = column(screen.table, VaultColumn.ACCOUNT).index(account)
    rect = screen.table.visualRect(screen.model.index(row, VaultColumn.ACCOUNT))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.heading.text().endswith(account)


def enter_code(qtbot: Any, parent: QWidget, code: str) -> StepUpDialog:
    """Type ``code`` into the step-up dialog ``parent`` has open, and press Enter."""
    dialog = open_child(parent, StepUpDialog)
    qtbot.keyClicks(dialog.code_edit, code)
    qtbot.keyClick(dialog.code_edit, Qt.Key.Key_Return)
    return dialog


def copy_password(qtbot: Any, screen: VaultScreen, account: str, code: str) -> QClipboard:
    """Choose ``account``, press Copy and give ``code`` to the step-up dialog; the clipboard, which then holds the
    password."""
    select(qtbot, screen, account)
    click(qtbot, screen.copy_button)
    enter_code(qtbot, screen, code)
    return QGuiApplication.clipboard()


def wait_tick(qtbot: Any, timer: Any) -> None:
    """Let ``timer`` (which must be running) fire once."""
    assert timer.isActive()
    with qtbot.waitSignal(timer.timeout, timeout=2000):
        pass


def audit_rows(who: SignedIn, action: str) -> list[audit.AuditRow]:
    with who.register.session() as s:
        return audit.query(s, action=action)


def entry(who: SignedIn, name: str) -> tuple[str, str]:
    return (keyrings.service_name(who.register.register_id), name)


def fill_login(qtbot: Any, dialog: CredentialDialog, account: str, secret: str) -> None:
    """Operator Fasthosts, ``account``, a login page, ``secret``, and the client Kernow Plumbing Ltd."""
    choose(qtbot, dialog.operator_combo, "Fasthosts")
    qtbot.keyClicks(dialog.account_edit, account)
    qtbot.keyClicks(dialog.url_edit, "admin.fasthosts.example/kernow")
    assert dialog.secret_field is not None
    qtbot.keyClicks(dialog.secret_field.edit, secret)


# --- adding -----------------------------------------------------------------------------------------------------------


def test_add_a_login_through_the_dialog(
    qtbot: Any, screen: VaultScreen, who: SignedIn, memory_keyring: MemoryKeyring
) -> None:
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)  # Ctrl+N
    dialog = open_child(screen, CredentialDialog)
    choose(qtbot, dialog.operator_combo, "GoDaddy")
    qtbot.keyClicks(dialog.account_edit, "penrose-family")
    qtbot.keyClicks(dialog.url_edit, "dcc.godaddy.example")
    assert dialog.secret_field is not None and dialog.otp_edit is not None
    qtbot.keyClicks(dialog.secret_field.edit, "Lantern-Quay-2026!")
    assert dialog.secret_field.edit.echoMode() == dialog.secret_field.edit.EchoMode.Password
    qtbot.keyClicks(dialog.otp_edit, "jbsw y3dp ehpk 3pxp")  # as a registrar's page groups it
    qtbot.keyClicks(dialog.clients.find_edit, "Harbour")
    qtbot.waitUntil(lambda: dialog.clients.match_texts() != [])
    qtbot.keyClick(dialog.clients.find_edit, Qt.Key.Key_Return)
    assert [c.text for c in dialog.clients.chosen()] == [screen.model.rows()[1].clients[0]]
    # Only the chosen client's services are offered; tick the domain from the keyboard.
    assert dialog.domains.texts() == ["harbourlights.co.uk (Domain registration)", "harbourlights.co.uk (Web hosting)"]
    dialog.domains.setFocus()
    dialog.domains.setCurrentRow(0)
    qtbot.keyClick(dialog.domains, Qt.Key.Key_Space)
    assert len(dialog.domains.ticked()) == 1
    click(qtbot, dialog.ok_button)

    assert not dialog.isVisible()
    assert "GoDaddy — penrose-family was added to the vault." in screen.message_label.text()
    assert column(screen.table, VaultColumn.ACCOUNT) == [
        "bramble-oak",
        "harbour-admin@harbourlights.co.uk",
        "penrose-family",
    ]
    assert screen.heading.text() == "GoDaddy — penrose-family"  # the new login is selected
    [added] = [r for r in screen.model.rows() if r.account_name == "penrose-family"]
    assert added.login_url == "https://dcc.godaddy.example"
    assert added.domains == ("harbourlights.co.uk",) and added.has_otp
    assert memory_keyring.secrets[entry(who, f"credential:{added.id}")] == "Lantern-Quay-2026!"
    assert memory_keyring.secrets[entry(who, f"credential:{added.id}:otp")].startswith("otpauth://totp/")


def test_generate_makes_a_strong_password_and_shows_it(qtbot: Any, screen: VaultScreen) -> None:
    click(qtbot, screen.add_button)
    dialog = open_child(screen, CredentialDialog)
    assert dialog.secret_field is not None
    click(qtbot, dialog.secret_field.generate_button)
    made = dialog.secret_field.text()
    assert len(made) == 24 and made != generate_password()
    assert any(c.isupper() for c in made) and any(c.islower() for c in made) and any(c.isdigit() for c in made)
    assert dialog.secret_field.edit.echoMode() == dialog.secret_field.edit.EchoMode.Normal
    qtbot.mouseClick(dialog.secret_field.show_check, Qt.MouseButton.LeftButton)  # hide it again
    assert dialog.secret_field.edit.echoMode() == dialog.secret_field.edit.EchoMode.Password
    dialog.reject()


def test_every_problem_shows_at_its_field_and_nothing_typed_is_lost(qtbot: Any, screen: VaultScreen) -> None:
    click(qtbot, screen.add_button)
    dialog = open_child(screen, CredentialDialog)
    assert dialog.otp_edit is not None
    qtbot.keyClicks(dialog.url_edit, "not a web address")
    qtbot.keyClicks(dialog.otp_edit, "not-base32!")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.problems.message("operator") == "Choose the operator this login is for."
    assert dialog.problems.message("account_name").startswith("Fill in the account name")
    assert dialog.problems.message("login_url").startswith("The login page must be a web address")
    assert dialog.problems.message("secret") == "Fill in the password."
    assert dialog.problems.message("otp_key").startswith("The 2FA key must be")
    assert dialog.url_edit.text() == "not a web address" and dialog.otp_edit.text() == "not-base32!"
    dialog.reject()


def test_a_password_over_1000_characters_is_refused_and_the_input_kept(qtbot: Any, screen: VaultScreen) -> None:
    click(qtbot, screen.add_button)
    dialog = open_child(screen, CredentialDialog)
    fill_login(qtbot, dialog, "kernow-plumbing", "x" * 1001)
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.problems.message("secret").startswith("The password is 1,001 characters long")
    assert "at most 1,000" in dialog.problems.message("secret")
    assert dialog.secret_field is not None and dialog.secret_field.text() == "x" * 1001
    assert dialog.account_edit.text() == "kernow-plumbing"
    assert dialog.operator_combo.currentText() == "Fasthosts"
    dialog.reject()
    assert len(screen.model.rows()) == 2


def test_a_locked_keyring_is_explained_and_nothing_is_added(
    qtbot: Any, screen: VaultScreen, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.locked = True  # the person refused to unlock it
    click(qtbot, screen.add_button)
    dialog = open_child(screen, CredentialDialog)
    fill_login(qtbot, dialog, "kernow-plumbing", "Copper-Pipe-Valve-9")
    click(qtbot, dialog.ok_button)
    assert dialog.isVisible()
    assert dialog.error_label.text().startswith("The system keyring is locked and was not unlocked.")
    assert dialog.account_edit.text() == "kernow-plumbing"  # ready to try again once unlocked
    dialog.reject()
    screen.refresh()
    assert column(screen.table, VaultColumn.ACCOUNT) == ["bramble-oak", "harbour-admin@harbourlights.co.uk"]


# --- revealing, copying, 2FA codes ------------------------------------------------------------------------------------


def test_reveal_asks_for_a_code_then_hides_after_30_seconds(
    qtbot: Any, screen: VaultScreen, clock: FakeClock, totp_secret: str, who: SignedIn
) -> None:
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    assert screen.secret_label.text() == HIDDEN
    click(qtbot, screen.reveal_button)
    dialog = enter_code(qtbot, screen, code_at(totp_secret, clock.now))
    assert not dialog.isVisible()

    assert screen.secret_label.text() == HARBOUR_SECRET == screen.secret_shown()
    assert screen.secret_label.font().styleHint() == screen.secret_label.font().StyleHint.Monospace
    assert screen.secret_label.isReadOnly()  # selectable, not editable
    assert screen.secret_note.text() == f"Hides again in {REVEAL_SECONDS} s"
    assert screen.reveal_button.text() == "&Hide"

    screen.refresh()  # the list read again (another search, a change saved): the same login stays revealed
    assert screen.secret_shown() == HARBOUR_SECRET
    clock.now += 12
    wait_tick(qtbot, screen.tick_timer)
    assert screen.secret_note.text() == "Hides again in 18 s" and screen.secret_shown() == HARBOUR_SECRET
    clock.now += 19
    wait_tick(qtbot, screen.tick_timer)
    assert screen.secret_label.text() == HIDDEN and screen.secret_shown() == ""
    assert screen.reveal_button.text() == "&Reveal" and not screen.tick_timer.isActive()

    # Within the step-up window the next reveal needs no new code (Alt+R from the keyboard).
    activate(qtbot, screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: screen.secret_shown() == HARBOUR_SECRET)  # a mnemonic clicks after a short animation
    assert not [d for d in screen.findChildren(StepUpDialog) if d.isVisible()]
    assert len(audit_rows(who, "vault.revealed")) == 2


def test_copy_marks_the_clipboard_and_clears_it_after_15_seconds(
    qtbot: Any, screen: VaultScreen, clock: FakeClock, totp_secret: str
) -> None:
    board = copy_password(qtbot, screen, "bramble-oak", code_at(totp_secret, clock.now))
    assert board.text() == BRAMBLE_SECRET  # spaces and all
    assert bytes(board.mimeData().data("x-kde-passwordManagerHint").data()) == b"secret"
    assert "is on the clipboard" in screen.message_label.text()
    assert screen.secret_note.text() == "On the clipboard for 15 s"
    assert screen.secret_shown() == ""  # copying does not reveal

    guard = clipboard.guard()
    clock.now += 14
    wait_tick(qtbot, guard.timer)
    assert board.text() == BRAMBLE_SECRET
    clock.now += 1
    wait_tick(qtbot, guard.timer)
    assert board.text() == ""
    qtbot.waitUntil(lambda: screen.message_label.text() == "The password is no longer on the clipboard.")
    assert screen.secret_note.text() == ""


def test_something_copied_meanwhile_is_not_cleared(
    qtbot: Any, screen: VaultScreen, clock: FakeClock, totp_secret: str
) -> None:
    board = copy_password(qtbot, screen, "bramble-oak", code_at(totp_secret, clock.now))
    assert board.text() == BRAMBLE_SECRET
    guard = clipboard.guard()
    board.setText("harbourlights.co.uk")  # the clerk copies something else
    clock.now += 16
    qtbot.waitUntil(lambda: not guard.timer.isActive(), timeout=2000)
    assert board.text() == "harbourlights.co.uk"


def test_the_2fa_code_shows_with_its_seconds_left_and_refreshes(
    qtbot: Any, screen: VaultScreen, clock: FakeClock, totp_secret: str, who: SignedIn
) -> None:
    clock.now = (clock.now // 30) * 30 + 20  # 10 seconds before this code's period ends
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    assert not screen.copy_button.isHidden() and screen.otp_button.isEnabled()
    click(qtbot, screen.otp_button)
    enter_code(qtbot, screen, code_at(totp_secret, clock.now))
    key = OtpKey(OTP_KEY)
    expected = key.code(clock.now).code
    assert screen.code_shown() == expected
    assert screen.otp_label.text() == f"{expected[:3]} {expected[3:]}"
    assert screen.otp_note.text() == "10 s left"
    clock.now += 11  # the next period: the next code is read without asking again
    wait_tick(qtbot, screen.tick_timer)
    assert screen.code_shown() == key.code(clock.now).code != expected
    wait_tick(qtbot, screen.tick_timer)
    assert screen.otp_note.text() == "29 s left"
    assert len(audit_rows(who, "vault.otp_shown")) == 2
    select(qtbot, screen, "bramble-oak")  # another login: the code goes
    assert screen.code_shown() == "" and not screen.otp_button.isEnabled()
    assert screen.otp_label.text() == "—" and screen.otp_note.text() == "No 2FA key kept for this login"


def test_ctrl_l_hides_the_password_and_clears_the_clipboard(
    qtbot: Any, open_main_window: OpenMainWindow, ctx: AppContext, logins: Logins, clock: FakeClock, totp_secret: str
) -> None:
    window: MainWindow = open_main_window(ctx)
    screen = window.screen_of(VaultScreen)
    assert screen is not None and window.screen_titles().index("Vault") == 6
    window.show_screen(screen)
    copy_password(qtbot, screen, "bramble-oak", code_at(totp_secret, clock.now))
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    click(qtbot, screen.reveal_button)
    assert screen.secret_shown() == HARBOUR_SECRET
    assert QGuiApplication.clipboard().text() == BRAMBLE_SECRET

    activate(qtbot, window)
    qtbot.keyClick(screen.table, Qt.Key.Key_L, Qt.KeyboardModifier.ControlModifier)
    assert window.is_locked()
    assert screen.secret_label.text() == HIDDEN and screen.secret_shown() == ""
    assert screen.model.rowCount() == 0
    assert QGuiApplication.clipboard().text() == ""


def test_five_wrong_codes_lock_the_vault_for_a_while(
    qtbot: Any, screen: VaultScreen, clock: FakeClock, totp_secret: str
) -> None:
    select(qtbot, screen, "bramble-oak")
    click(qtbot, screen.reveal_button)
    for attempt in range(1, 5):
        dialog = enter_code(qtbot, screen, wrong_code(totp_secret, clock.now))
        assert dialog.isVisible(), attempt
        assert dialog.error_label.text() == (
            "The TOTP code is not correct, or it was already used. Wait for the next code."
        )
        assert dialog.code_edit.text() == ""  # ready for the next try
    dialog = enter_code(qtbot, screen, wrong_code(totp_secret, clock.now))
    assert dialog.error_label.text().startswith("Too many wrong codes: passwords stay hidden from you until ")
    assert not dialog.code_edit.isEnabled() and not dialog.ok_button.isEnabled()
    dialog.reject()
    assert screen.secret_shown() == ""
    # Asking again while locked out says so on the screen (the right code cannot help until then).
    click(qtbot, screen.reveal_button)
    assert screen.message_label.text().startswith("Too many wrong codes")
    assert not [d for d in screen.findChildren(StepUpDialog) if d.isVisible()]


def test_someone_without_totp_is_told_to_enrol_first(
    show: Show, qtbot: Any, register_dir: Path, clock: FakeClock, logins: Logins, who: SignedIn
) -> None:
    who.lock()  # one person at a time has the register open in this process
    bob = sign_in(register_dir, STAFF, STAFF_PASSWORD, clock=clock)
    try:
        screen = show(VaultScreen(AppContext(register_dir, SyncTaskRunner(), clock, bob)), SIZE)
        screen.refresh()
        activate(qtbot, screen)
        select(qtbot, screen, "bramble-oak")
        click(qtbot, screen.reveal_button)
        assert not [d for d in screen.findChildren(StepUpDialog) if d.isVisible()]
        message = screen.message_label.text()
        assert message.startswith("Set up two-step sign-in for your account first")
        assert "Account menu" in message and screen.secret_shown() == ""
    finally:
        bob.lock()


# --- keyring trouble --------------------------------------------------------------------------------------------------


def test_without_a_keyring_the_vault_says_why_and_the_rest_works(
    qtbot: Any, open_main_window: OpenMainWindow, ctx: AppContext, logins: Logins
) -> None:
    keyrings.use(keyring.backends.fail.Keyring())  # a headless Linux session: no Secret Service
    window: MainWindow = open_main_window(ctx)
    screen = window.screen_of(VaultScreen)
    assert screen is not None
    window.show_screen(screen)
    assert screen.keyring_banner.isVisible()
    assert "has no system keyring that hartdesk can use" in screen.keyring_label.text()
    assert column(screen.table, VaultColumn.ACCOUNT) == ["bramble-oak", "harbour-admin@harbourlights.co.uk"]
    select(qtbot, screen, "bramble-oak")
    for button in (
        screen.add_button,
        screen.rotate_button,
        screen.delete_button,
        screen.reveal_button,
        screen.copy_button,
        screen.otp_button,
        screen.handover_button,
    ):
        assert not button.isEnabled(), button.text()
    assert screen.edit_button.isEnabled() and screen.open_page_button.isEnabled()
    assert screen.add_button.toolTip().startswith("Needs the system keyring")

    clients = window.screen_of(ClientsScreen)
    assert clients is not None
    window.show_screen(clients)
    qtbot.waitUntil(lambda: clients.model.rowCount() == 3)


# --- editing, rotating, deleting --------------------------------------------------------------------------------------


def test_edit_a_login_from_the_keyboard(qtbot: Any, screen: VaultScreen, who: SignedIn) -> None:
    select(qtbot, screen, "bramble-oak")
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # Enter edits
    dialog = open_child(screen, CredentialDialog)
    assert dialog.secret_field is None  # the password changes with Rotate
    assert dialog.operator_combo.currentText() == "Fasthosts"
    assert dialog.account_edit.text() == "bramble-oak"
    assert dialog.url_edit.text() == "https://admin.fasthosts.example"
    assert dialog.rotate_check.isChecked() and dialog.rotate_spin.value() == 30
    assert [c.text.split(" ", 1)[1] for c in dialog.clients.chosen()] == ["Bramble & Oak Joinery"]
    dialog.account_edit.selectAll()
    qtbot.keyClicks(dialog.account_edit, "bramble-oak-joinery")
    dialog.rotate_check.setFocus()
    qtbot.keyClick(dialog.rotate_check, Qt.Key.Key_Space)  # no more reminder
    qtbot.keyClick(dialog.account_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert screen.heading.text() == "Fasthosts — bramble-oak-joinery"
    [row] = [r for r in screen.model.rows() if r.account_name == "bramble-oak-joinery"]
    assert row.rotation_due is None
    [edited] = audit_rows(who, "vault.edited")
    assert "account_name" in edited.details and "rotate_every_days" in edited.details


def test_rotate_stores_the_new_password(
    qtbot: Any, screen: VaultScreen, who: SignedIn, memory_keyring: MemoryKeyring, logins: Logins
) -> None:
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    click(qtbot, screen.rotate_button)
    dialog = open_child(screen, RotateDialog)
    qtbot.keyClicks(dialog.secret_field.edit, "New-Tide-Harbour-77")
    choose(qtbot, dialog.otp_combo, "Remove the 2FA key")
    click(qtbot, dialog.ok_button)
    assert not dialog.isVisible()
    assert "was rotated" in screen.message_label.text()
    assert memory_keyring.secrets[entry(who, f"credential:{logins.harbour}")] == "New-Tide-Harbour-77"
    assert entry(who, f"credential:{logins.harbour}:otp") not in memory_keyring.secrets
    [row] = [r for r in screen.model.rows() if r.id == logins.harbour]
    assert not row.has_otp


def test_delete_removes_the_login_and_its_secrets(
    qtbot: Any, screen: VaultScreen, who: SignedIn, memory_keyring: MemoryKeyring, logins: Logins
) -> None:
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    qtbot.keyClick(screen.table, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(screen.findChildren(QMessageBox)))
    box = open_child(screen, QMessageBox, "delete_confirmation")
    assert box.text() == "Delete GoDaddy — harbour-admin@harbourlights.co.uk?"
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)
    assert column(screen.table, VaultColumn.ACCOUNT) == ["bramble-oak"]
    assert screen.message_label.text() == "GoDaddy — harbour-admin@harbourlights.co.uk was deleted."
    assert entry(who, f"credential:{logins.harbour}") not in memory_keyring.secrets
    assert entry(who, f"credential:{logins.harbour}:otp") not in memory_keyring.secrets
    assert entry(who, f"credential:{logins.bramble}") in memory_keyring.secrets


# --- the list ---------------------------------------------------------------------------------------------------------


def test_the_list_by_operator_and_client_with_rotation_due_in_amber(
    qtbot: Any, screen: VaultScreen, qtmodeltester: Any
) -> None:
    qtmodeltester.check(screen.model)
    assert screen.model.headers == (
        "Operator",
        "Account",
        "Login page",
        "Clients",
        "Domains",
        "2FA",
        "Last rotated",
        "Rotation due",
    )
    harbour, bramble = screen.model.rows()[1], screen.model.rows()[0]
    model = screen.model
    assert [model.index(1, c).data() for c in (VaultColumn.OPERATOR, VaultColumn.LOGIN_PAGE, VaultColumn.OTP)] == [
        "GoDaddy",
        "sso.godaddy.example/login",
        "Yes",
    ]
    assert model.index(1, VaultColumn.DOMAINS).data() == "harbourlights.co.uk"
    assert model.index(1, VaultColumn.CLIENTS).data().endswith("Harbour Lights Café")
    assert harbour.rotation_due is None and model.index(1, VaultColumn.DUE).data() == ""
    assert bramble.rotation_due is not None and model.index(0, VaultColumn.DUE).data()
    due_colour = model.index(0, VaultColumn.DUE).data(Qt.ItemDataRole.ForegroundRole).color()
    assert due_colour == amber()
    assert model.index(0, VaultColumn.DUE).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, VaultColumn.DUE).data(Qt.ItemDataRole.ToolTipRole).startswith("Rotation due")
    assert screen.count_label.text() == "2 logins"

    choose(qtbot, screen.operator_combo, "GoDaddy")
    assert column(screen.table, VaultColumn.ACCOUNT) == ["harbour-admin@harbourlights.co.uk"]
    choose(qtbot, screen.operator_combo, "All operators")
    choose(qtbot, screen.client_combo, screen.client_combo.itemText(1))  # clients served, by reference
    assert [screen.client_combo.itemText(i).split(" ", 1)[1] for i in range(1, screen.client_combo.count())] == [
        "Harbour Lights Café",
        "Bramble & Oak Joinery",
    ]
    assert column(screen.table, VaultColumn.ACCOUNT) == ["harbour-admin@harbourlights.co.uk"]
    choose(qtbot, screen.client_combo, "All clients")
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, "bramble")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)  # at once, and into the list
    assert column(screen.table, VaultColumn.ACCOUNT) == ["bramble-oak"]
    assert screen.table.hasFocus() and screen.heading.text() == "Fasthosts — bramble-oak"
    screen.search_edit.selectAll()
    qtbot.keyClicks(screen.search_edit, "nothing-like-this")
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert screen.count_label.text() == "No login matches."


def test_open_login_page_opens_the_browser(qtbot: Any, screen: VaultScreen, monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtGui import QDesktopServices

    opened: list[str] = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url.toString()) or True)
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    qtbot.keyClick(screen.table, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(opened))
    assert opened == ["https://sso.godaddy.example/login"]


# --- handover ---------------------------------------------------------------------------------------------------------


def test_handover_writes_an_encrypted_pdf_whose_password_is_shown_once(
    qtbot: Any,
    screen: VaultScreen,
    who: SignedIn,
    clock: FakeClock,
    totp_secret: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    target = tmp_path / "handover.pdf"
    asked: list[str] = []

    def save_as(parent: QWidget, title: str, suggested: str, *args: Any, **kwargs: Any) -> tuple[str, str]:
        asked.append(Path(suggested).name)
        return str(target), ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_as)
    qtbot.keyClick(screen.table, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: bool(screen.findChildren(HandoverDialog)))
    dialog = open_child(screen, HandoverDialog)
    choose(qtbot, dialog.client_combo, dialog.client_combo.itemText(0))
    assert dialog.client_combo.currentText().endswith("Harbour Lights Café")
    qtbot.keyClicks(dialog.provider_edit, "Northwind Hosting Ltd")
    click(qtbot, dialog.ok_button)
    enter_code(qtbot, dialog, code_at(totp_secret, clock.now))
    assert not dialog.isVisible()
    assert asked and asked[0].endswith("logins handover.pdf")

    shown = open_child(screen, PasswordShownDialog)
    password = shown.password_label.text()
    assert password and f"saved to {target}" in screen.message_label.text()
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(target)
    with pikepdf.open(target, password=password) as pdf:
        assert pdf.is_encrypted and len(pdf.pages) >= 1
    shown.accept()
    assert shown.password_label.text() == ""  # shown once
    [exported] = audit_rows(who, "vault.exported")
    assert exported.actor == ADMIN and HARBOUR_SECRET not in exported.details


def test_a_handover_whose_code_was_cancelled_can_be_made_again(qtbot: Any, screen: VaultScreen) -> None:
    click(qtbot, screen.handover_button)
    dialog = open_child(screen, HandoverDialog)
    click(qtbot, dialog.ok_button)
    open_child(dialog, StepUpDialog).reject()  # Esc: the clerk has no phone at hand
    assert dialog.isVisible() and dialog.ok_button.isEnabled()
    click(qtbot, dialog.ok_button)  # asks for the code again
    assert open_child(dialog, StepUpDialog).isVisible()
    dialog.reject()


# --- the audit log ----------------------------------------------------------------------------------------------------


def test_every_reveal_and_copy_is_audited_without_the_secret_and_verify_passes(
    qtbot: Any, screen: VaultScreen, who: SignedIn, clock: FakeClock, totp_secret: str, register_dir: Path
) -> None:
    select(qtbot, screen, "harbour-admin@harbourlights.co.uk")
    click(qtbot, screen.reveal_button)
    enter_code(qtbot, screen, code_at(totp_secret, clock.now))
    click(qtbot, screen.copy_button)
    select(qtbot, screen, "bramble-oak")
    click(qtbot, screen.copy_button)
    [revealed] = audit_rows(who, "vault.revealed")
    copied = audit_rows(who, "vault.copied")
    assert revealed.actor == ADMIN and revealed.target == f"credential:{screen.model.rows()[1].id}"
    assert [row.target for row in copied] == [f"credential:{r.id}" for r in screen.model.rows()]
    with who.register.session() as s:
        everything = audit.query(s, limit=10_000)
    for row in everything:
        for secret in (HARBOUR_SECRET, BRAMBLE_SECRET, OTP_KEY):
            assert secret not in row.details and secret not in row.target
    assert [r.action for r in everything if r.action == "signin.step_up"] == ["signin.step_up"]

    screen.ctx.signed_in = None
    who.lock()  # the register is used by one window at a time
    code, _out, err = run_cli(
        "verify", "--register", str(register_dir), "--user", STAFF, "--password-stdin", stdin=f"{STAFF_PASSWORD}\n"
    )
    assert code == 0, err
