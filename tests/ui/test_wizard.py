"""The first-run wizard, driven page by page by typing and clicking."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QWizard

from hartdesk.security import signin
from hartdesk.ui.context import AppContext
from hartdesk.ui.tasks import SyncTaskRunner
from hartdesk.ui.wizard import FirstRunWizard
from tests.totp import wrong_code
from tests.ui.helpers import Show

PASSWORD = "Granite-Orchard-Pelican-84"
ADDRESS_LINES = ["4 Tamar Street", "Saltash", "PL12 4AB"]


@pytest.fixture
def wizard(show: Show, tmp_path: Path) -> Iterator[FirstRunWizard]:
    wiz = FirstRunWizard(AppContext(register_dir=tmp_path / "register", tasks=SyncTaskRunner()))
    wiz._confirm_leaving = lambda: True  # type: ignore[method-assign]
    yield show(wiz)
    if wiz.signed_in is not None:
        wiz.signed_in.lock()


def click(qtbot, wiz: FirstRunWizard, which: QWizard.WizardButton) -> None:
    button = wiz.button(which)
    assert button.isEnabled(), f"{which} is disabled"
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def fill_agency_page(qtbot, wiz: FirstRunWizard, ico: str = "Z1234567") -> None:
    page = wiz.agency_page
    qtbot.keyClicks(page.name_edit, "Tamar Valley Hosting Ltd")
    for i, line in enumerate(ADDRESS_LINES):
        if i:
            qtbot.keyClick(page.address_edit, Qt.Key.Key_Return)
        qtbot.keyClicks(page.address_edit, line)
    qtbot.keyClicks(page.email_edit, "privacy@tamarvalley.example")
    qtbot.keyClicks(page.ico_edit, ico)


def fill_admin_page(qtbot, wiz: FirstRunWizard) -> None:
    page = wiz.admin_page
    qtbot.keyClicks(page.username_edit, "jo")
    qtbot.keyClicks(page.name_edit, "Jo Trevithick")
    qtbot.keyClicks(page.password_field.password_edit, PASSWORD)
    qtbot.keyClicks(page.password_field.repeat_edit, PASSWORD)


def test_ico_warning_is_shown_for_a_doubtful_number_only(qtbot, wizard: FirstRunWizard) -> None:
    page = wizard.agency_page
    fill_agency_page(qtbot, wizard, ico="12345")
    assert page.ico_warning.isVisible()
    assert "does not look like an ICO registration number" in page.ico_warning.text()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()  # a warning, not a block

    page.ico_edit.clear()
    qtbot.keyClicks(page.ico_edit, "Z1234567")
    assert not page.ico_warning.isVisible()


def test_an_invalid_email_blocks_next(qtbot, wizard: FirstRunWizard) -> None:
    page = wizard.agency_page
    fill_agency_page(qtbot, wizard)
    page.email_edit.clear()
    qtbot.keyClicks(page.email_edit, "privacy at tamarvalley")
    assert page.email_problem.isVisible() and page.email_problem.text()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.email_edit.clear()
    qtbot.keyClicks(page.email_edit, "privacy@tamarvalley.example")
    assert not page.email_problem.isVisible()
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()


def test_weak_password_or_bad_user_name_blocks_creation(qtbot, wizard: FirstRunWizard) -> None:
    fill_agency_page(qtbot, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    page = wizard.admin_page
    qtbot.keyClicks(page.username_edit, "Jo Smith")
    qtbot.keyClicks(page.name_edit, "Jo Smith")
    qtbot.keyClicks(page.password_field.password_edit, "password1234")
    qtbot.keyClicks(page.password_field.repeat_edit, "password1234")
    assert page.username_problem.isVisible()
    assert not wizard.button(QWizard.WizardButton.CommitButton).isEnabled()
    assert not wizard.ctx.register_dir.exists()


def test_the_whole_wizard_creates_a_register_the_admin_can_sign_in_to(
    qtbot, wizard: FirstRunWizard, tmp_path: Path
) -> None:
    fill_agency_page(qtbot, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    assert wizard.currentPage() is wizard.admin_page
    fill_admin_page(qtbot, wizard)
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)

    recovery = wizard.recovery_page
    assert wizard.currentPage() is recovery
    key = recovery.key_label.text()
    assert re.fullmatch(r"[A-Z2-7]{4}(-[A-Z2-7]{4}){7}", key)
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()  # the register exists: no way back

    kit = tmp_path / "kit.pdf"
    wizard._ask_kit_path = lambda: kit  # type: ignore[method-assign]
    qtbot.mouseClick(recovery.save_kit_button, Qt.MouseButton.LeftButton)
    assert kit.read_bytes().startswith(b"%PDF")
    assert str(kit) in recovery.kit_status.text()
    assert not wizard.button(QWizard.WizardButton.BackButton).isEnabled()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    recovery.stored_checkbox.setFocus()
    qtbot.keyClick(recovery.stored_checkbox, Qt.Key.Key_Space)
    assert recovery.stored_checkbox.isChecked()
    click(qtbot, wizard, QWizard.WizardButton.NextButton)

    totp_page = wizard.totp_page
    assert wizard.currentPage() is totp_page
    secret = totp_page.panel.secret_label.text().replace(" ", "")
    assert len(secret) == 32
    qtbot.keyClicks(totp_page.panel.code_edit, wrong_code(secret, time.time()))
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.isVisible() and "does not match" in totp_page.error_label.text()

    qtbot.keyClicks(totp_page.panel.code_edit, pyotp.TOTP(secret).now())
    click(qtbot, wizard, QWizard.WizardButton.FinishButton)
    assert wizard.result() == QDialog.DialogCode.Accepted
    who = wizard.signed_in
    assert who is not None and who.identity.is_admin and who.second_factor_at is not None
    settings = who.settings()
    assert settings.agency_name == "Tamar Valley Hosting Ltd"
    assert settings.agency_address == "\n".join(ADDRESS_LINES)
    assert settings.agency_email == "privacy@tamarvalley.example"
    assert settings.agency_ico_number == "Z1234567"
    who.lock()
    wizard.signed_in = None

    # The admin signs in with the password and a later TOTP code (the one used above is spent).
    later = time.time() + 60
    again = signin.sign_in(wizard.ctx.register_dir, "jo", PASSWORD, pyotp.TOTP(secret).at(later), clock=lambda: later)
    assert again.identity.display_name == "Jo Trevithick"
    again.lock()


def test_an_emergency_kit_that_cannot_be_saved_is_explained(qtbot, wizard: FirstRunWizard, tmp_path: Path) -> None:
    fill_agency_page(qtbot, wizard)
    click(qtbot, wizard, QWizard.WizardButton.NextButton)
    fill_admin_page(qtbot, wizard)
    click(qtbot, wizard, QWizard.WizardButton.CommitButton)
    recovery = wizard.recovery_page
    kit = tmp_path / "no such folder" / "kit.pdf"
    wizard._ask_kit_path = lambda: kit  # type: ignore[method-assign]
    qtbot.mouseClick(recovery.save_kit_button, Qt.MouseButton.LeftButton)
    assert recovery.kit_error.isVisible()
    assert f"The emergency kit could not be saved to {kit}" in recovery.kit_error.text()
    assert recovery.kit_status.text() == ""
    assert not kit.parent.exists()


def test_cancel_before_creation_leaves_no_register(qtbot, wizard: FirstRunWizard) -> None:
    fill_agency_page(qtbot, wizard)
    qtbot.keyClick(wizard, Qt.Key.Key_Escape)
    assert not wizard.isVisible()
    assert wizard.result() == QDialog.DialogCode.Rejected
    assert not wizard.ctx.register_dir.exists()


def test_creation_in_the_background_moves_on_when_done(qtbot, show: Show, tmp_path: Path) -> None:
    from hartdesk.ui.tasks import TaskRunner

    wiz = show(FirstRunWizard(AppContext(register_dir=tmp_path / "register", tasks=TaskRunner())))
    fill_agency_page(qtbot, wiz)
    click(qtbot, wiz, QWizard.WizardButton.NextButton)
    page = wiz.admin_page
    fill_admin_page(qtbot, wiz)
    click(qtbot, wiz, QWizard.WizardButton.CommitButton)
    assert wiz.is_busy() and page.busy.isVisible()
    qtbot.waitUntil(lambda: wiz.currentPage() is wiz.recovery_page)
    assert not wiz.is_busy() and wiz.created is not None and wiz.signed_in is not None
    assert wiz.recovery_page.key_label.text() == wiz.created.recovery_key
    wiz.signed_in.lock()
    wiz.signed_in = None
