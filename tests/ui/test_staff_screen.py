"""The Staff screen, driven like an administrator would: type into the dialogs, click, press keys, read the table."""

from __future__ import annotations

import time
from pathlib import Path

import pyotp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QPushButton

from hartdesk.errors import SignInError
from hartdesk.security import staff
from hartdesk.security.signin import SignedIn, sign_in
from hartdesk.ui.models.staff_model import Column, StaffDataRole, StaffTableModel
from hartdesk.ui.screens.staff import AddStaffDialog, EnableStaffDialog, StaffScreen
from tests.conftest import ADMIN, STAFF, STAFF_PASSWORD
from tests.ui.helpers import OpenScreen, open_child

NEW_PASSWORD = "Amber-Tortoise-Quilt-52"


@pytest.fixture
def screen(open_screen: OpenScreen) -> StaffScreen:
    return open_screen(StaffScreen, (900, 500))


def shown(screen: StaffScreen) -> dict[str, dict[Column, str]]:
    """What the table shows, by user name."""
    model = screen.table.model()
    table = {}
    for row in range(model.rowCount()):
        cells = {c: model.index(row, c).data() for c in Column}
        table[cells[Column.USERNAME]] = cells
    return table


def click_row(qtbot, screen: StaffScreen, username: str) -> None:
    row = next(r for r in range(screen.model.rowCount()) if screen.model.index(r, 0).data() == username)
    rect = screen.table.visualRect(screen.model.index(row, Column.NAME))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    selected = screen.selected_row()
    assert selected is not None and selected.username == username


def type_password(qtbot, field, password: str) -> None:
    qtbot.keyClicks(field.password_edit, password)
    qtbot.keyClicks(field.repeat_edit, password)


def test_the_table_lists_every_account(screen: StaffScreen, qtmodeltester) -> None:
    table = shown(screen)
    assert set(table) == {ADMIN, STAFF}
    assert table[STAFF][Column.NAME] == "Bob Clerk"
    assert table[STAFF][Column.ROLE] == "Staff"
    assert table[ADMIN][Column.ROLE] == "Administrator"
    assert table[STAFF][Column.STATUS] == "Active"
    assert table[STAFF][Column.TOTP] == "No"
    assert table[STAFF][Column.CREATED].count("/") == 2
    qtmodeltester.check(screen.model)


def test_buttons_follow_the_selection(qtbot, screen: StaffScreen) -> None:
    assert not screen.disable_button.isEnabled()
    assert not screen.reset_password_button.isEnabled()
    click_row(qtbot, screen, ADMIN)
    assert not screen.disable_button.isEnabled(), "nobody can disable their own account"
    assert screen.reset_password_button.isEnabled()
    assert not screen.enable_button.isEnabled()
    click_row(qtbot, screen, STAFF)
    assert screen.disable_button.isEnabled()
    assert screen.totp_button.isEnabled()
    assert not screen.enable_button.isEnabled()


def test_add_a_staff_member_from_the_keyboard(qtbot, screen: StaffScreen, register_dir: Path) -> None:
    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    dialog = open_child(screen, AddStaffDialog)

    qtbot.keyClicks(dialog.username_edit, "carol")
    qtbot.keyClicks(dialog.name_edit, "Carol Jones")
    type_password(qtbot, dialog.password, NEW_PASSWORD)
    qtbot.keyClick(dialog.password.repeat_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: "carol" in shown(screen))
    assert not dialog.isVisible()
    assert shown(screen)["carol"][Column.NAME] == "Carol Jones"
    assert shown(screen)["carol"][Column.STATUS] == "Active"
    assert [i.data(StaffDataRole.USERNAME) for i in screen.table.selectionModel().selectedRows()] == ["carol"]
    assert "carol can now sign in" in screen.message_label.text()

    screen.ctx.who.lock()
    carol = sign_in(register_dir, "carol", NEW_PASSWORD)
    assert carol.identity.display_name == "Carol Jones"
    carol.lock()


def test_a_weak_password_is_refused_with_the_reason(qtbot, screen: StaffScreen) -> None:
    qtbot.mouseClick(screen.add_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, AddStaffDialog)
    qtbot.keyClicks(dialog.username_edit, "carol")
    qtbot.keyClicks(dialog.name_edit, "Carol Jones")
    type_password(qtbot, dialog.password, "password1234")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    reason = staff.password_feedback("password1234").message
    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert reason in dialog.error_label.text()
    assert "carol" not in shown(screen)
    assert "carol" not in [r.username for r in staff.list_staff(screen.ctx.who)]

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_disable_then_enable_bob(qtbot, screen: StaffScreen, register_dir: Path) -> None:
    click_row(qtbot, screen, STAFF)
    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "disable_confirmation")
    assert "ends at once" in box.informativeText()
    assert "re-keyed" in box.informativeText()
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)

    qtbot.waitUntil(lambda: shown(screen)[STAFF][Column.STATUS] == "Disabled")
    assert "re-keyed" in screen.message_label.text()
    assert screen.enable_button.isEnabled()
    assert not screen.disable_button.isEnabled()

    qtbot.mouseClick(screen.enable_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, EnableStaffDialog)
    type_password(qtbot, dialog.password, NEW_PASSWORD)
    qtbot.keyClick(dialog.password.repeat_edit, Qt.Key.Key_Enter)
    qtbot.waitUntil(lambda: shown(screen)[STAFF][Column.STATUS] == "Active")

    screen.ctx.who.lock()
    with pytest.raises(SignInError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD)
    sign_in(register_dir, STAFF, NEW_PASSWORD).lock()


def test_disabled_bob_cannot_sign_in(qtbot, screen: StaffScreen, register_dir: Path) -> None:
    click_row(qtbot, screen, STAFF)
    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "disable_confirmation")
    qtbot.keyClick(box, Qt.Key.Key_Escape)  # Esc cancels: nothing happens
    assert shown(screen)[STAFF][Column.STATUS] == "Active"

    qtbot.mouseClick(screen.disable_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "disable_confirmation")
    qtbot.mouseClick(open_child(box, QPushButton, "yes_button"), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: shown(screen)[STAFF][Column.STATUS] == "Disabled")

    screen.ctx.who.lock()
    with pytest.raises(SignInError):
        sign_in(register_dir, STAFF, STAFF_PASSWORD)


def test_set_up_totp_for_bob(qtbot, screen: StaffScreen, register_dir: Path) -> None:
    from hartdesk.ui.account_dialogs import TotpEnrolmentDialog

    click_row(qtbot, screen, STAFF)
    qtbot.mouseClick(screen.totp_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, TotpEnrolmentDialog)
    secret = dialog.panel.secret_label.text().replace(" ", "")
    assert len(secret) == 32

    qtbot.keyClicks(dialog.panel.code_edit, pyotp.TOTP(secret).now())
    qtbot.keyClick(dialog.panel.code_edit, Qt.Key.Key_Return)

    qtbot.waitUntil(lambda: shown(screen)[STAFF][Column.TOTP] == "Yes")
    assert not dialog.isVisible()

    # Replacing it asks first; Cancel keeps the working code.
    click_row(qtbot, screen, STAFF)
    qtbot.mouseClick(screen.totp_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "replace_totp_confirmation")
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    assert not any(d.isVisible() for d in screen.findChildren(TotpEnrolmentDialog))

    screen.ctx.who.lock()
    next_code = pyotp.TOTP(secret).at(time.time() + 30)  # the code used above cannot be replayed
    sign_in(register_dir, STAFF, STAFF_PASSWORD, totp_code=next_code).lock()


def test_clear_forgets_every_row(screen: StaffScreen) -> None:
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.message_label.text() == ""


def test_model_passes_the_model_tester(qtmodeltester, signed_in_admin: SignedIn) -> None:
    model = StaffTableModel()
    model.set_rows(staff.list_staff(signed_in_admin))
    qtmodeltester.check(model)
    model.clear()
    qtmodeltester.check(model)
