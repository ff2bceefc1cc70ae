"""Opening a backup file (double-clicking it: `hartdesk FILE.hdbackup`) offers to restore it, then signs in to it."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication, QLabel, QMessageBox

from hartdesk import cli
from hartdesk.security.signin import SignedIn
from hartdesk.storage.backup import write_backup
from hartdesk.ui.app import Folder, Startup
from hartdesk.ui.context import AppContext
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.restore_dialog import RestoreDialog, restore_folder_for
from hartdesk.ui.signin import SignInDialog
from hartdesk.ui.tasks import SyncTaskRunner
from tests.conftest import ADMIN, ADMIN_PASSWORD, AGENCY_NAME

BACKUP_PASSWORD = "Heron-Lantern-Biscuit-37"


class QuitRecorder:
    """Stands in for the QApplication that Startup would tell to quit (a test's own event loop must keep running)."""

    def __init__(self) -> None:
        self.exit_codes: list[int] = []

    def exit(self, code: int) -> None:
        self.exit_codes.append(code)


@pytest.fixture
def backup_file(signed_in_admin: SignedIn, tmp_path: Path) -> Path:
    return write_backup(signed_in_admin.register, tmp_path / "office.hdbackup", BACKUP_PASSWORD)


def start_with(qtbot, usual: Path, kind: Folder, backup_file: Path) -> tuple[Startup, QuitRecorder]:
    app = QuitRecorder()
    startup = Startup(app, AppContext(register_dir=usual, tasks=SyncTaskRunner()), smoke_test=False)  # type: ignore[arg-type]
    startup.start(kind, backup_file)
    assert isinstance(startup.first_window, RestoreDialog)
    qtbot.addWidget(startup.first_window)
    startup.first_window.activateWindow()
    qtbot.waitUntil(startup.first_window.isActiveWindow)
    return startup, app


def sign_in_by_keyboard(qtbot, startup: Startup) -> MainWindow:
    dialog = startup.first_window
    assert isinstance(dialog, SignInDialog) and dialog.isVisible()
    qtbot.keyClicks(dialog.username_edit, ADMIN)
    qtbot.keyClicks(dialog.password_edit, ADMIN_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: startup.main_window is not None and startup.main_window.isVisible())
    assert startup.main_window is not None
    qtbot.addWidget(startup.main_window)
    return startup.main_window


def close_main_window(qtbot, startup: Startup, app: QuitRecorder) -> None:
    assert startup.main_window is not None and startup.ctx.signed_in is not None
    startup.main_window.close()
    qtbot.waitUntil(lambda: app.exit_codes == [0])
    assert startup.ctx.signed_in is None  # closing the main window signs out


def test_a_computer_without_a_register_gets_the_backup_as_its_register(
    qtbot, backup_file: Path, tmp_path: Path
) -> None:
    usual = tmp_path / "new-computer" / "register"
    startup, app = start_with(qtbot, usual, Folder.NEW, backup_file)
    dialog = startup.first_window
    assert isinstance(dialog, RestoreDialog)
    assert dialog.folder == usual
    assert "no hartdesk register yet" in dialog.note_label.text()
    assert str(backup_file) in dialog.findChild(QLabel, "restore_intro").text()

    qtbot.keyClicks(dialog.password_edit, "Not-The-Backup-Password-1")
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "backup password is not correct" in dialog.error_label.text()
    assert not usual.exists() or not any(usual.iterdir())

    dialog.password_edit.clear()
    qtbot.keyClicks(dialog.password_edit, BACKUP_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(startup.first_window, SignInDialog))
    assert startup.ctx.register_dir == usual
    assert startup.first_window.findChild(QLabel, "register_label").toolTip() == str(usual)

    window = sign_in_by_keyboard(qtbot, startup)
    assert window.ctx.who.register.path == usual
    assert window.ctx.who.settings().agency_name == AGENCY_NAME
    close_main_window(qtbot, startup, app)


def test_with_a_register_already_the_backup_goes_beside_it_and_the_register_is_untouched(
    qtbot, backup_file: Path, register_dir: Path, tmp_path: Path
) -> None:
    before = {p.name: p.read_bytes() for p in register_dir.iterdir() if p.is_file()}
    startup, app = start_with(qtbot, register_dir, Folder.REGISTER, backup_file)
    dialog = startup.first_window
    assert isinstance(dialog, RestoreDialog)
    assert dialog.folder == register_dir.with_name(f"register-restored-{date.today().isoformat()}")
    assert str(register_dir) in dialog.note_label.text() and "not changed" in dialog.note_label.text()

    chosen = tmp_path / "old-year"
    dialog.choose_folder = lambda: chosen  # type: ignore[method-assign]
    qtbot.keyClick(dialog, Qt.Key.Key_F, Qt.KeyboardModifier.AltModifier)  # Choose another &folder…
    qtbot.waitUntil(lambda: dialog.folder == chosen)  # a mnemonic clicks the button a moment later
    assert str(chosen) in dialog.folder_label.text()
    assert f'hartdesk --register "{chosen}"' in dialog.note_label.text()  # how to come back to it
    assert dialog.password_edit.hasFocus()

    qtbot.keyClicks(dialog.password_edit, BACKUP_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(startup.first_window, SignInDialog))
    assert startup.ctx.register_dir == chosen
    window = sign_in_by_keyboard(qtbot, startup)
    assert window.ctx.who.register.path == chosen
    assert window.ctx.who.settings().agency_name == AGENCY_NAME
    close_main_window(qtbot, startup, app)
    assert {p.name: p.read_bytes() for p in register_dir.iterdir() if p.is_file()} == before


def test_cancelling_starts_hartdesk_as_usual(qtbot, backup_file: Path, register_dir: Path) -> None:
    startup, app = start_with(qtbot, register_dir, Folder.REGISTER, backup_file)
    dialog = startup.first_window
    assert isinstance(dialog, RestoreDialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: isinstance(startup.first_window, SignInDialog))
    assert startup.ctx.register_dir == register_dir
    assert app.exit_codes == []


class HeldTasks:
    """Runs each piece of work only when the test says so, as a slow restore would finish later."""

    def __init__(self) -> None:
        self.held: list[tuple] = []

    def run(self, fn, on_done, on_error, serial: bool = True) -> None:
        self.held.append((fn, on_done, on_error))

    def finish(self) -> None:
        fn, on_done, on_error = self.held.pop(0)
        try:
            result = fn()
        except Exception as exc:
            on_error(exc)
        else:
            on_done(result)


def test_a_restore_under_way_cannot_be_cancelled_half_done(qtbot, backup_file: Path, tmp_path: Path) -> None:
    usual = tmp_path / "new-computer" / "register"
    tasks = HeldTasks()
    startup = Startup(QuitRecorder(), AppContext(register_dir=usual, tasks=tasks), smoke_test=False)  # type: ignore[arg-type]
    startup.start(Folder.NEW, backup_file)
    dialog = startup.first_window
    assert isinstance(dialog, RestoreDialog)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.password_edit, BACKUP_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert len(tasks.held) == 1
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert dialog.isVisible() and startup.first_window is dialog  # not the wizard while the restore runs
    tasks.finish()
    qtbot.waitUntil(lambda: isinstance(startup.first_window, SignInDialog))
    assert startup.ctx.register_dir == usual and (usual / "register.db").is_file()


def test_a_folder_that_cannot_take_the_register_is_refused_in_words(qtbot, backup_file: Path, tmp_path: Path) -> None:
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("keep me")
    not_a_folder = tmp_path / "a-file"
    not_a_folder.write_text("")
    startup, _app = start_with(qtbot, tmp_path / "register", Folder.NEW, backup_file)
    dialog = startup.first_window
    assert isinstance(dialog, RestoreDialog)
    dialog.choose_folder = lambda: occupied  # type: ignore[method-assign]
    qtbot.mouseClick(dialog.choose_button, Qt.MouseButton.LeftButton)
    assert "is not empty" in dialog.error_label.text() and dialog.folder == tmp_path / "register"

    dialog.folder = not_a_folder / "register"  # under a file: it cannot be created
    qtbot.keyClicks(dialog.password_edit, BACKUP_PASSWORD)
    qtbot.keyClick(dialog.password_edit, Qt.Key.Key_Return)
    assert dialog.isVisible() and "cannot create or write to the folder" in dialog.error_label.text()
    assert (occupied / "notes.txt").read_text() == "keep me"


def test_the_proposed_folder_is_never_one_already_there(tmp_path: Path) -> None:
    usual = tmp_path / "register"
    today = date(2026, 11, 22)
    assert restore_folder_for(usual, has_register=False, today=today) == usual
    first = restore_folder_for(usual, has_register=True, today=today)
    assert first == tmp_path / "register-restored-2026-11-22"
    first.mkdir()
    assert restore_folder_for(usual, has_register=True, today=today) == tmp_path / "register-restored-2026-11-22-2"


def test_a_backup_file_alone_on_the_command_line_opens_the_window_with_it(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """What the desktop runs (Windows: `hartdesk-gui.exe gui "%1"`; Linux: `hartdesk gui %f`; macOS: the file alone)."""
    opened: list[object] = []
    monkeypatch.setattr(cli, "cmd_gui", lambda args, io: opened.append((args.command, args.backup)) or 0)
    backup = tmp_path / "Office Backup.HDBACKUP"
    assert cli.main([str(backup)]) == 0
    assert cli.main(["gui", str(backup)]) == 0
    assert opened == [("gui", backup), ("gui", backup)]


def test_smoke_test_with_a_backup_shows_the_restore_window(backup_file: Path, tmp_path: Path) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HARTDESK_HOME=str(tmp_path / "home"))
    env.pop("HARTDESK_REGISTER", None)
    done = subprocess.run(
        [sys.executable, "-m", "hartdesk.cli", "gui", "--smoke-test", str(backup_file)],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "first window: restore_dialog" in done.stdout
    assert not (tmp_path / "home" / "data" / "register").exists()  # nothing restored without the password


def test_a_backup_opened_while_the_sign_in_shows_takes_its_place(qtbot, backup_file: Path, register_dir: Path) -> None:
    """macOS sends a file opened from the Finder as an event, after the first window is already up."""
    app = QuitRecorder()
    startup = Startup(app, AppContext(register_dir=register_dir, tasks=SyncTaskRunner()), smoke_test=False)  # type: ignore[arg-type]
    startup.start(Folder.REGISTER)
    signin = startup.first_window
    assert isinstance(signin, SignInDialog)
    qtbot.addWidget(signin)
    QApplication.instance().installEventFilter(startup)
    try:
        QApplication.sendEvent(QApplication.instance(), QFileOpenEvent(str(backup_file)))
    finally:
        QApplication.instance().removeEventFilter(startup)
    qtbot.waitUntil(lambda: isinstance(startup.first_window, RestoreDialog))
    dialog = startup.first_window
    qtbot.addWidget(dialog)
    assert dialog.backup_file == backup_file and not signin.isVisible()
    assert dialog.folder.parent == register_dir.parent and dialog.folder != register_dir
    assert app.exit_codes == []  # hartdesk did not quit when the sign-in made way


def test_a_backup_opened_while_someone_works_waits_for_them(qtbot, register_dir: Path, tmp_path: Path) -> None:
    backup_file = tmp_path / "office.hdbackup"
    app = QuitRecorder()
    startup = Startup(app, AppContext(register_dir=register_dir, tasks=SyncTaskRunner()), smoke_test=False)  # type: ignore[arg-type]
    startup.start(Folder.REGISTER)
    window = sign_in_by_keyboard(qtbot, startup)
    startup.open_backup(backup_file)
    box = window.findChild(QMessageBox, "open_backup_later_box")
    assert box is not None and box.isVisible()
    assert "open it again" in box.text() and str(backup_file) in box.text()
    assert window.isVisible() and startup.ctx.signed_in is not None
    box.accept()
    close_main_window(qtbot, startup, app)
