"""The Settings screen: typing, saving (with its audit row), and backup/restore through the window."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from hartdesk.security import audit
from hartdesk.security.signin import SignedIn, sign_in
from hartdesk.storage.backup import write_backup
from hartdesk.ui.restore_dialog import RestoreDialog
from hartdesk.ui.screens.settings import BackupDialog, SettingsScreen, SmtpPasswordSetDialog
from tests.conftest import ADMIN, ADMIN_PASSWORD, AGENCY_NAME
from tests.ui.helpers import OpenScreen, open_child

BACKUP_PASSWORD = "Amber-Tortoise-Quilt-52"
SIZE = (900, 700)


@pytest.fixture
def screen(open_screen: OpenScreen) -> SettingsScreen:
    return open_screen(SettingsScreen, SIZE)


def retype(qtbot, edit, value: str) -> None:
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(edit, value)


def audit_rows(who: SignedIn, action: str) -> list[audit.AuditRow]:
    with who.register.session() as session:
        return audit.query(session, action=action)


def test_shows_the_stored_settings(screen: SettingsScreen) -> None:
    assert screen.name_edit.text() == AGENCY_NAME
    assert screen.address_edit.toPlainText().splitlines()[-1] == "TR1 9QZ"
    assert screen.ico_edit.text() == "Z1234567"
    assert screen.ico_warning.isHidden()
    assert screen.region_combo.currentText() == "England (ENG)"
    assert [screen.region_combo.itemData(i) for i in range(screen.region_combo.count())] == ["ENG", "WLS", "SCT", "NIR"]


def test_a_doubtful_ico_number_warns_but_still_saves(qtbot, screen: SettingsScreen, signed_in_admin) -> None:
    retype(qtbot, screen.ico_edit, "12345")
    assert screen.ico_warning.isVisible()
    assert "does not look like an ICO registration number" in screen.ico_warning.text()

    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert screen.status_label.text() == "Saved."
    assert signed_in_admin.settings().agency_ico_number == "12345"
    [row] = audit_rows(signed_in_admin, "settings.changed")
    assert row.actor == ADMIN
    assert json.loads(row.details) == {"fields": ["agency_ico_number"]}
    assert "12345" not in row.details  # names of the changed fields, never their values

    retype(qtbot, screen.ico_edit, "z7654321")
    assert screen.ico_warning.isHidden()


def test_an_invalid_email_blocks_saving(qtbot, screen: SettingsScreen, signed_in_admin) -> None:
    retype(qtbot, screen.email_edit, "privacy@@pemberton")
    retype(qtbot, screen.name_edit, "Another Name Ltd")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "The contact email is not valid" in screen.status_label.text()
    assert screen.email_edit.hasFocus()
    assert signed_in_admin.settings().agency_name == AGENCY_NAME
    assert audit_rows(signed_in_admin, "settings.changed") == []


def test_saved_values_survive_signing_out_and_in(
    qtbot, screen: SettingsScreen, register_dir: Path, signed_in_admin: SignedIn, open_screen: OpenScreen
) -> None:
    retype(qtbot, screen.name_edit, "Trevellas Web Ltd")
    screen.address_edit.setFocus()
    screen.address_edit.selectAll()
    qtbot.keyClick(screen.address_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(screen.address_edit, "2 Harbour Row")
    qtbot.keyClick(screen.address_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(screen.address_edit, "St Ives")
    screen.region_combo.setFocus()
    qtbot.keyClicks(screen.region_combo, "Scotland")
    retype(qtbot, screen.idle_spin.lineEdit(), "15")
    retype(qtbot, screen.step_up_spin.lineEdit(), "3")
    screen.activateWindow()
    qtbot.waitActive(screen)
    qtbot.keyClick(screen.step_up_spin, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert screen.status_label.text() == "Saved."

    signed_in_admin.lock()
    again = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        fresh = open_screen(SettingsScreen, SIZE, who=again)
        assert fresh.name_edit.text() == "Trevellas Web Ltd"
        assert fresh.address_edit.toPlainText() == "2 Harbour Row\nSt Ives"
        assert fresh.region_combo.currentData() == "SCT"
        assert fresh.idle_spin.value() == 15
        assert fresh.step_up_spin.value() == 3
        [row] = audit_rows(again, "settings.changed")
        assert set(json.loads(row.details)["fields"]) == {
            "agency_name",
            "agency_address",
            "bank_holiday_region",
            "idle_lock_minutes",
            "step_up_minutes",
        }
    finally:
        again.lock()


def test_backup_then_restore_through_the_window(
    qtbot, screen: SettingsScreen, signed_in_admin: SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup_file = tmp_path / "office-backup.hdbackup"
    restored = tmp_path / "restored"
    monkeypatch.setattr(screen, "choose_backup_target", lambda: backup_file)
    monkeypatch.setattr(screen, "choose_backup_file", lambda: backup_file)
    monkeypatch.setattr(screen, "choose_restore_folder", lambda: restored)

    qtbot.mouseClick(screen.backup_button, Qt.MouseButton.LeftButton)
    backup_dialog = open_child(screen, BackupDialog)
    qtbot.keyClicks(backup_dialog.password.password_edit, BACKUP_PASSWORD)
    qtbot.keyClicks(backup_dialog.password.repeat_edit, BACKUP_PASSWORD)
    qtbot.keyClick(backup_dialog.password.repeat_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: backup_file.is_file() and not backup_dialog.isVisible())
    assert str(backup_file) in screen.backup_status.text()
    assert [r.action for r in audit_rows(signed_in_admin, "register.backup")] == ["register.backup"]

    qtbot.mouseClick(screen.restore_button, Qt.MouseButton.LeftButton)
    restore_dialog = open_child(screen, RestoreDialog)
    qtbot.keyClicks(restore_dialog.password_edit, BACKUP_PASSWORD)
    qtbot.keyClick(restore_dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: screen.findChild(QMessageBox, "restored_message") is not None)
    message = open_child(screen, QMessageBox, "restored_message").text()
    assert str(restored) in message
    assert "usual passwords" in message

    alice = sign_in(restored, ADMIN, ADMIN_PASSWORD)
    try:
        assert alice.settings().agency_name == AGENCY_NAME
    finally:
        alice.lock()


def test_a_wrong_backup_password_is_explained(
    qtbot, screen: SettingsScreen, signed_in_admin: SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    backup_file = write_backup(signed_in_admin.register, tmp_path / "b.hdbackup", BACKUP_PASSWORD)
    restored = tmp_path / "restored"
    monkeypatch.setattr(screen, "choose_backup_file", lambda: backup_file)
    monkeypatch.setattr(screen, "choose_restore_folder", lambda: restored)

    qtbot.mouseClick(screen.restore_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, RestoreDialog)
    qtbot.keyClicks(dialog.password_edit, "Not-The-Right-One-99")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)

    assert dialog.isVisible()
    assert dialog.error_label.isVisible()
    assert "backup password is not correct" in dialog.error_label.text()
    assert not restored.exists() or not any(restored.iterdir())
    assert screen.findChild(QMessageBox, "restored_message") is None


def test_restore_refuses_a_folder_that_is_not_empty(
    qtbot, screen: SettingsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("keep me")
    monkeypatch.setattr(screen, "choose_backup_file", lambda: tmp_path / "b.hdbackup")
    monkeypatch.setattr(screen, "choose_restore_folder", lambda: occupied)
    qtbot.mouseClick(screen.restore_button, Qt.MouseButton.LeftButton)
    assert screen.findChild(RestoreDialog) is None
    assert "is not empty" in screen.backup_status.text()
    assert (occupied / "notes.txt").read_text() == "keep me"


def test_clear_forgets_every_value(screen: SettingsScreen) -> None:
    screen.clear()
    assert screen.name_edit.text() == ""
    assert screen.address_edit.toPlainText() == ""
    assert not screen.save_button.isEnabled()


def test_record_keeping_settings_are_saved_and_a_bad_year_end_is_refused(
    qtbot, screen: SettingsScreen, signed_in_admin
) -> None:
    screen.invoice_years_spin.setValue(7)
    retype(qtbot, screen.privacy_version_edit, "2026-2")
    retype(qtbot, screen.year_end_edit, "02-30")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "financial year" in screen.status_label.text()
    assert signed_in_admin.settings().invoice_retention_years == 6
    retype(qtbot, screen.year_end_edit, "12-31")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    saved = signed_in_admin.settings()
    assert (saved.invoice_retention_years, saved.financial_year_end, saved.privacy_policy_version) == (
        7,
        "12-31",
        "2026-2",
    )


def test_retention_periods_are_typed_and_saved(qtbot, screen: SettingsScreen, signed_in_admin) -> None:
    for spin, value in (
        (screen.closed_months_spin, "36"),
        (screen.request_months_spin, "12"),
        (screen.backup_days_spin, "14"),
    ):
        spin.setFocus()
        spin.selectAll()
        qtbot.keyClicks(spin, value)
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    saved = signed_in_admin.settings()
    assert (saved.closed_client_retention_months, saved.request_file_retention_months, saved.backup_keep_days) == (
        36,
        12,
        14,
    )


def test_document_and_email_settings_are_saved(
    qtbot, screen: SettingsScreen, signed_in_admin: SignedIn, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    wording = tmp_path / "wording"
    wording.mkdir()
    assert screen.page_size_combo.currentData() == "A4"
    assert screen.measures_edit.toPlainText().startswith("Encryption:")  # hartdesk's words until the agency's own
    retype(qtbot, screen.phone_edit, "01872 555 010")
    retype(qtbot, screen.contact_name_edit, "Morwenna Trelawny")
    retype(qtbot, screen.contact_position_edit, "Director")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(logo), ""))
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(wording))
    qtbot.mouseClick(screen.logo_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(screen.wording_button, Qt.MouseButton.LeftButton)
    screen.page_size_combo.setFocus()
    qtbot.keyClick(screen.page_size_combo, Qt.Key.Key_Down)
    screen.ico_contact_edit.setFocus()
    screen.ico_contact_edit.selectAll()
    qtbot.keyClick(screen.ico_contact_edit, Qt.Key.Key_Delete)
    qtbot.keyClicks(screen.ico_contact_edit, "Information Commissioner's Office")
    qtbot.keyClick(screen.ico_contact_edit, Qt.Key.Key_Return)
    qtbot.keyClicks(screen.ico_contact_edit, "Manchester")
    retype(qtbot, screen.dpa_version_edit, "2.1")
    retype(qtbot, screen.notice_spin.lineEdit(), "45")
    retype(qtbot, screen.smtp_host_edit, "smtp.pemberton.example")
    retype(qtbot, screen.smtp_port_spin.lineEdit(), "2525")
    retype(qtbot, screen.smtp_username_edit, "office")
    retype(qtbot, screen.smtp_sender_edit, "privacy@pemberton.example")
    qtbot.mouseClick(screen.smtp_starttls_check, Qt.MouseButton.LeftButton)
    retype(qtbot, screen.smtp_timeout_spin.lineEdit(), "30")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert screen.status_label.text() == "Saved."

    saved = signed_in_admin.settings()
    assert (saved.agency_phone, saved.agency_contact_name, saved.agency_contact_position) == (
        "01872 555 010",
        "Morwenna Trelawny",
        "Director",
    )
    assert (saved.agency_logo, saved.wording_folder, saved.page_size) == (str(logo), str(wording), "Letter")
    assert saved.ico_contact == "Information Commissioner's Office\nManchester"
    assert (saved.dpa_version, saved.subprocessor_notice_days) == ("2.1", 45)
    assert (saved.smtp_host, saved.smtp_port, saved.smtp_username, saved.smtp_sender) == (
        "smtp.pemberton.example",
        2525,
        "office",
        "privacy@pemberton.example",
    )
    assert (saved.smtp_starttls, saved.smtp_timeout_seconds) == (False, 30)


def test_a_bad_sender_or_a_missing_logo_is_refused(qtbot, screen: SettingsScreen, signed_in_admin: SignedIn) -> None:
    retype(qtbot, screen.smtp_sender_edit, "privacy@@pemberton")
    retype(qtbot, screen.logo_edit, "/nowhere/logo.png")
    qtbot.mouseClick(screen.save_button, Qt.MouseButton.LeftButton)
    assert "'Send emails from' is not a valid email address" in screen.status_label.text()
    assert "There is no logo file /nowhere/logo.png" in screen.status_label.text()
    assert signed_in_admin.settings().smtp_sender == ""


def test_the_mail_server_password_goes_to_the_keyring(qtbot, screen: SettingsScreen, signed_in_admin: SignedIn) -> None:
    from keyring.backends import fail

    from hartdesk.security import keyrings
    from tests.keyrings import MemoryKeyring

    qtbot.mouseClick(screen.smtp_password_button, Qt.MouseButton.LeftButton)
    assert screen.smtp_status.text() == "Fill in the SMTP user name first."

    retype(qtbot, screen.smtp_username_edit, "office")
    keyrings.use(fail.Keyring())
    qtbot.mouseClick(screen.smtp_password_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, SmtpPasswordSetDialog)
    qtbot.keyClicks(dialog.password_edit, "mail-secret")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible()
    assert "system keyring, where hartdesk keeps the mail server's password, is not available" in (
        dialog.error_label.text()
    )
    dialog.reject()

    memory = MemoryKeyring()
    keyrings.use(memory)
    qtbot.mouseClick(screen.smtp_password_button, Qt.MouseButton.LeftButton)
    dialog = open_child(screen, SmtpPasswordSetDialog)
    qtbot.keyClicks(dialog.password_edit, "mail-secret")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert not dialog.isVisible()
    assert screen.smtp_status.text() == "The password is kept in the keyring."
    register_id = signed_in_admin.register.register_id
    assert memory.secrets == {(f"hartdesk:{register_id}", "smtp:office"): "mail-secret"}
    assert "mail-secret" not in json.dumps([r.details for r in audit_rows(signed_in_admin, "settings.changed")])
