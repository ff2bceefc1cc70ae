"""The sign-in dialog, driven the way a clerk would: typing, pressing Enter, reading what it says."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from hartdesk import settings as settings_mod
from hartdesk.errors import SignInError
from hartdesk.security import signin, staff
from hartdesk.ui.account_dialogs import ChangePasswordDialog, TotpEnrolmentDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.signin import SignInDialog
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, TemplateRegister
from tests.totp import FakeClock, enrol, wrong_code
from tests.ui.helpers import Show

NEW_PASSWORD = "Amber-Thistle-Quarry-52"


@pytest.fixture
def dialog(show: Show, ctx: AppContext) -> Iterator[SignInDialog]:
    dlg = show(SignInDialog(ctx))
    yield dlg
    if dlg.signed_in is not None:
        dlg.signed_in.lock()
    dlg.reject()


def type_credentials(qtbot, dlg: SignInDialog, username: str, password: str) -> None:
    qtbot.mouseClick(dlg.username_edit, Qt.MouseButton.LeftButton)
    dlg.username_edit.clear()
    qtbot.keyClicks(dlg.username_edit, username)
    qtbot.keyClick(dlg.username_edit, Qt.Key.Key_Tab)
    qtbot.keyClicks(dlg.password_edit, password)
    qtbot.keyClick(dlg.password_edit, Qt.Key.Key_Return)


def folder_state(path: Path) -> dict[str, tuple[bytes, int]]:
    return {str(p.relative_to(path)): (p.read_bytes(), p.stat().st_mtime_ns) for p in path.rglob("*") if p.is_file()}


def page(dlg: SignInDialog) -> str:
    current = dlg.stack.currentWidget()
    assert current is not None
    return current.objectName()


def test_wrong_password_shows_message_and_changes_nothing(qtbot, dialog: SignInDialog, register_dir: Path) -> None:
    before = folder_state(register_dir)
    type_credentials(qtbot, dialog, ADMIN, "Not-The-Right-Password-1")
    assert dialog.error_label.isVisible()
    assert dialog.error_label.text() == signin.WRONG_CREDENTIALS
    assert dialog.isVisible() and dialog.signed_in is None
    assert dialog.password_edit.text() == ""
    assert folder_state(register_dir) == before


def test_right_password_signs_in(qtbot, dialog: SignInDialog) -> None:
    type_credentials(qtbot, dialog, ADMIN, ADMIN_PASSWORD)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert not dialog.isVisible()
    assert dialog.signed_in is not None
    assert dialog.signed_in.identity.username == ADMIN
    assert dialog.signed_in.register.is_open


def test_empty_user_name_is_asked_for(qtbot, dialog: SignInDialog) -> None:
    qtbot.mouseClick(dialog.signin_button, Qt.MouseButton.LeftButton)
    assert dialog.error_label.text() == "Type your user name."
    assert dialog.signed_in is None


def test_repeated_failures_say_when_to_try_again(qtbot, dialog: SignInDialog) -> None:
    for _ in range(5):
        type_credentials(qtbot, dialog, STAFF, "Not-The-Right-Password-1")
    type_credentials(qtbot, dialog, STAFF, STAFF_PASSWORD)
    assert "Try again at" in dialog.error_label.text()
    assert dialog.signed_in is None


def test_totp_account_refuses_wrong_code_and_accepts_right_one(qtbot, dialog: SignInDialog, register_dir: Path) -> None:
    secret = enrol(register_dir, ADMIN, ADMIN_PASSWORD, FakeClock(time.time() - 60))
    type_credentials(qtbot, dialog, ADMIN, ADMIN_PASSWORD)
    assert page(dialog) == "totp_page"
    assert dialog.focusWidget() is dialog.totp_code_edit

    qtbot.keyClicks(dialog.totp_code_edit, wrong_code(secret, time.time()))
    qtbot.keyClick(dialog.totp_code_edit, Qt.Key.Key_Return)
    assert "not correct" in dialog.error_label.text()
    assert page(dialog) == "totp_page" and dialog.signed_in is None

    qtbot.keyClicks(dialog.totp_code_edit, pyotp.TOTP(secret).now())
    qtbot.keyClick(dialog.totp_code_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in is not None and dialog.signed_in.second_factor_at is not None


def test_escape_on_totp_page_closes_the_register(qtbot, dialog: SignInDialog, register_dir: Path) -> None:
    enrol(register_dir, ADMIN, ADMIN_PASSWORD, FakeClock(time.time() - 60))
    type_credentials(qtbot, dialog, ADMIN, ADMIN_PASSWORD)
    assert page(dialog) == "totp_page"
    qtbot.keyClick(dialog.totp_code_edit, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    # The register was released: another sign-in can open it.
    signin.begin(register_dir, ADMIN, ADMIN_PASSWORD).cancel()


def test_recovery_key_forces_a_new_password_that_then_works(
    qtbot, dialog: SignInDialog, register_dir: Path, template_register: TemplateRegister
) -> None:
    qtbot.mouseClick(dialog.recovery_button, Qt.MouseButton.LeftButton)
    assert page(dialog) == "recovery_key_page"
    qtbot.keyClicks(dialog.recovery_key_edit, "WRONG-KEY0-0000")
    qtbot.keyClick(dialog.recovery_key_edit, Qt.Key.Key_Return)
    assert "recovery key is not correct" in dialog.error_label.text()

    dialog.recovery_key_edit.clear()
    qtbot.keyClicks(dialog.recovery_key_edit, template_register.recovery_key.lower())
    qtbot.keyClick(dialog.recovery_key_edit, Qt.Key.Key_Return)
    assert page(dialog) == "recovery_password_page"
    assert dialog.recovery_admin_combo.currentText() == ADMIN
    field = dialog.recovery_password
    assert field is not None
    qtbot.keyClicks(field.password_edit, NEW_PASSWORD)
    qtbot.keyClicks(field.repeat_edit, NEW_PASSWORD)
    qtbot.keyClick(field.repeat_edit, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in is not None and dialog.signed_in.via_recovery
    dialog.signed_in.lock()
    dialog.signed_in = None
    signin.sign_in(register_dir, ADMIN, NEW_PASSWORD).lock()
    with pytest.raises(SignInError):
        signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)


def test_password_set_by_admin_must_be_changed_at_sign_in(qtbot, dialog: SignInDialog, register_dir: Path) -> None:
    admin = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    staff.change_password(admin, STAFF, "Temporary-Lilac-Saddle-19")
    admin.lock()

    type_credentials(qtbot, dialog, STAFF, "Temporary-Lilac-Saddle-19")
    followup = dialog.followup_dialog()
    assert isinstance(followup, ChangePasswordDialog) and followup.isVisible()
    assert dialog.signed_in is None
    field = followup.password_field
    qtbot.keyClicks(field.password_edit, NEW_PASSWORD)
    qtbot.keyClicks(field.repeat_edit, "something else entirely")
    qtbot.keyClick(field.repeat_edit, Qt.Key.Key_Return)
    assert followup.isVisible() and "not the same" in followup.error_label.text()
    field.repeat_edit.clear()
    qtbot.keyClicks(field.repeat_edit, NEW_PASSWORD)
    qtbot.keyClick(field.repeat_edit, Qt.Key.Key_Return)

    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in is not None and not dialog.signed_in.must_change_password
    dialog.signed_in.lock()
    dialog.signed_in = None
    signin.sign_in(register_dir, STAFF, NEW_PASSWORD).lock()


def test_policy_makes_an_account_without_totp_enrol(qtbot, dialog: SignInDialog, register_dir: Path) -> None:
    admin = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with admin.register.session() as session:
        settings_mod.save(session, settings_mod.load(session).with_changes(require_totp_for_all=True))
    admin.lock()

    type_credentials(qtbot, dialog, STAFF, STAFF_PASSWORD)
    followup = dialog.followup_dialog()
    assert isinstance(followup, TotpEnrolmentDialog)
    secret = followup.panel.secret_label.text().replace(" ", "")
    qtbot.keyClicks(followup.panel.code_edit, wrong_code(secret, time.time()))
    qtbot.keyClick(followup.panel.code_edit, Qt.Key.Key_Return)
    assert followup.isVisible() and "does not match" in followup.error_label.text()
    followup.panel.code_edit.clear()
    qtbot.keyClicks(followup.panel.code_edit, pyotp.TOTP(secret).now())
    qtbot.keyClick(followup.panel.code_edit, Qt.Key.Key_Return)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.signed_in is not None and dialog.signed_in.second_factor_at is not None


def test_demo_register_shows_the_credentials(show: Show, ctx: AppContext) -> None:
    ctx.demo_credentials = ("admin", "demo-pass")
    dlg = show(SignInDialog(ctx))
    note = dlg.findChild(type(dlg.error_label), "demo_note")
    assert note is not None and note.isVisible()
    assert "demo register" in note.text() and "admin" in note.text() and "demo-pass" in note.text()
    assert dlg.username_edit.text() == "admin"
    assert dlg.focusWidget() is dlg.password_edit


def test_a_folder_that_is_not_a_register_gets_a_clear_message(qtbot, show: Show, tmp_path: Path) -> None:
    dlg = show(SignInDialog(AppContext(register_dir=tmp_path / "nothing", tasks=SyncTaskRunner())))
    type_credentials(qtbot, dlg, ADMIN, ADMIN_PASSWORD)
    assert "no hartdesk register" in dlg.error_label.text()


def test_sign_in_in_the_background_shows_busy_then_signs_in(qtbot, show: Show, register_dir: Path) -> None:
    from hartdesk.ui.tasks import TaskRunner

    dlg = show(SignInDialog(AppContext(register_dir=register_dir, tasks=TaskRunner())))
    qtbot.keyClicks(dlg.username_edit, ADMIN)
    qtbot.keyClicks(dlg.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dlg.password_edit, Qt.Key.Key_Return)
    assert dlg.is_busy() and not dlg.password_edit.isEnabled() and dlg.busy_label.isVisible()
    qtbot.keyClick(dlg, Qt.Key.Key_Escape)  # ignored while the password is being checked
    qtbot.waitUntil(lambda: dlg.signed_in is not None)
    assert dlg.result() == QDialog.DialogCode.Accepted and dlg.signed_in is not None
    dlg.signed_in.lock()
