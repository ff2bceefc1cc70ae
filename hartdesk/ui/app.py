"""Starting the GUI: the first-run wizard where there is no register yet, otherwise the sign-in dialog, then the main
window.

Start-up time is measured against a bare PySide6 window (``make bench``), so the path to the first window imports
only Qt and hartdesk's light modules: SQLAlchemy, Argon2, reportlab, keyring and even qtawesome (whose qtpy layer
costs more than a bare window) are imported by the work that needs them, after the first window is on screen.
"""

from __future__ import annotations

import sys
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QFileOpenEvent, QIcon
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox, QWidget

if TYPE_CHECKING:
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.signin import SignInDialog
    from hartdesk.ui.wizard import FirstRunWizard

# The glyph and colour installer/make_icons.py draws the icon files in resources/icons/ from.
APP_ICON = "fa5s.briefcase"
APP_ICON_COLOUR = "#2a6f97"
# The files that make a folder a register (hartdesk.storage.register.looks_like_register says the same, but
# importing that module loads SQLAlchemy, which the first window must not wait for).
REGISTER_FILES = ("register.db", "keys.json")


class Folder(Enum):
    REGISTER = "register"
    NEW = "new"  # missing or empty: the first-run wizard creates a register there
    FOREIGN = "foreign"  # something else lives there: hartdesk will not touch it


def classify_folder(path: Path) -> Folder:
    if all((path / name).is_file() for name in REGISTER_FILES):
        return Folder.REGISTER
    if not path.exists() or (path.is_dir() and not any(path.iterdir())):
        return Folder.NEW
    return Folder.FOREIGN


def foreign_folder_message(path: Path) -> str:
    return (
        f"The folder {path} is not a hartdesk register, and it is not empty, so hartdesk will not create a new "
        "register there. Choose another folder (hartdesk --register FOLDER), or move its files away."
    )


def app_icon() -> QIcon:
    """The application's icon: the same drawing as the installers' and desktop entry's, at every size shipped (each
    file is read when Qt first needs that size)."""
    from hartdesk.paths import resources_dir

    icon = QIcon()
    for path in sorted((resources_dir() / "icons").glob("hartdesk-*.png")):
        icon.addFile(str(path))
    return icon


def set_identity(app: QApplication) -> None:
    """Name, organisation, version, desktop id and icon, so the desktop groups hartdesk's windows and notifications
    under one entry (the Linux desktop entry is ``<APP_ID>.desktop``; Windows groups by the AppUserModelID)."""
    from hartdesk import APP_ID, APP_NAME, ORG_DOMAIN, ORG_NAME, __version__

    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setOrganizationDomain(ORG_DOMAIN)
    app.setApplicationVersion(__version__)
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(app_icon())
    if sys.platform == "win32":
        set_windows_app_id(APP_ID)


def set_windows_app_id(app_id: str) -> None:
    """Windows groups taskbar buttons by AppUserModelID; without one every window is grouped under python.exe."""
    import contextlib
    import ctypes

    # An old or unusual Windows: the taskbar falls back to grouping by the executable.
    with contextlib.suppress(AttributeError, OSError):
        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(app_id)  # type: ignore[attr-defined]


class Startup(QObject):
    """Shows the first window, then the main window once someone is signed in; quits when they are all gone."""

    def __init__(self, app: QApplication, ctx: AppContext, smoke_test: bool) -> None:
        QObject.__init__(self)
        self.app = app
        self.ctx = ctx
        self.smoke_test = smoke_test
        self.first_window: QWidget | None = None
        self.main_window: MainWindow | None = None
        self._backup_to_open: Path | None = None  # opened while the sign-in or wizard showed: restore it next

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """macOS hands a file opened from the Finder (a backup) to the running application as an event."""
        if event.type() == QEvent.Type.FileOpen and isinstance(event, QFileOpenEvent):
            self.open_backup(Path(event.file()))
            return True
        return QObject.eventFilter(self, watched, event)

    def open_backup(self, backup_file: Path) -> None:
        """A backup opened while hartdesk runs: before anyone signs in, the restore takes the first window's place;
        once someone works in a register, they are told how to restore it without leaving their work."""
        from hartdesk.ui.restore_dialog import RestoreDialog

        window = self.first_window
        if self.main_window is not None:
            self._tell_later(self.main_window, backup_file)
        elif isinstance(window, QDialog) and window.isVisible() and not isinstance(window, RestoreDialog):
            self._backup_to_open = backup_file
            window.reject()  # its ``finished`` then shows the restore
            if window.isVisible():  # busy, or the clerk chose to stay (the wizard asks): the backup waits for them
                self._backup_to_open = None
                self._tell_later(window, backup_file)
        elif window is not None and window.isVisible():  # a restore is already being asked for
            self._tell_later(window, backup_file)

    def _tell_later(self, parent: QWidget, backup_file: Path) -> None:
        box = QMessageBox(
            QMessageBox.Icon.Information,
            "Restore a backup",
            f"To restore the backup {backup_file}, open it again once this window is closed. An administrator can "
            "also restore it from Settings, with Restore a backup….",
            QMessageBox.StandardButton.Ok,
            parent,
        )
        box.setObjectName("open_backup_later_box")
        box.open()

    def start(self, folder: Folder, backup_file: Path | None = None) -> None:
        if backup_file is not None:
            self._show_restore(backup_file, folder)
        elif folder is Folder.NEW:
            self._show_wizard()
        else:
            self._show_signin()

    def _show_restore(self, backup_file: Path, folder: Folder) -> None:
        """A backup file was opened: offer to restore it. A computer without a register gets it as its register;
        otherwise it goes into a new folder beside the register, which is not changed. Either way hartdesk then
        signs in to the restored register; cancelling starts hartdesk as usual."""
        from datetime import date

        from hartdesk.ui.restore_dialog import RestoreDialog, restore_folder_for

        usual = self.ctx.register_dir
        has_register = folder is Folder.REGISTER
        dialog = RestoreDialog(
            self.ctx, backup_file, restore_folder_for(usual, has_register, date.today()), folder_choice=True
        )

        def explain() -> None:
            if dialog.folder == usual:
                dialog.set_note("This computer has no hartdesk register yet, so the backup becomes its register.")
                return
            note = "The backup becomes a separate register, which hartdesk opens now."
            if has_register:
                note = f"This computer's register, in {usual}, is not changed. " + note
            dialog.set_note(
                f"{note} Next time, hartdesk opens {'the usual register' if has_register else 'its own register'}; "
                f'to work in the restored one again, start it with: hartdesk --register "{dialog.folder}"'
            )

        explain()
        dialog.folder_chosen.connect(explain)

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted:
                self.ctx.register_dir = dialog.folder
                self._show_signin()
            else:
                self.start(folder)
            dialog.deleteLater()

        dialog.finished.connect(finished)
        dialog.show()
        self._shown(dialog)

    def _shown(self, window: QWidget) -> None:
        """The first window is on screen: for the smoke test, that is all."""
        self.first_window = window
        if self.smoke_test:
            print(f"first window: {window.objectName()}", flush=True)  # what the checks of the installed program read
            QTimer.singleShot(0, lambda: self.app.exit(0))

    def _show_signin(self) -> None:
        from hartdesk.ui.signin import SignInDialog

        self._show_first_window(SignInDialog(self.ctx))

    def _show_wizard(self) -> None:
        from hartdesk.ui.wizard import FirstRunWizard

        self._show_first_window(FirstRunWizard(self.ctx))

    def _show_first_window(self, window: SignInDialog | FirstRunWizard) -> None:
        """Show ``window``; once it is accepted with someone signed in the main window follows, else hartdesk quits."""

        def finished(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and window.signed_in is not None:
                self.ctx.signed_in = window.signed_in
                self._show_main_window()
            elif self._backup_to_open is not None:
                backup_file, self._backup_to_open = self._backup_to_open, None
                self._show_restore(backup_file, classify_folder(self.ctx.register_dir))
            else:
                self.app.exit(0)
            window.deleteLater()

        window.finished.connect(finished)
        window.show()
        self._shown(window)

    def _show_main_window(self) -> None:
        from hartdesk.ui.main_window import MainWindow

        window = MainWindow(self.ctx)
        window.closed.connect(lambda: self.app.exit(0))
        self.main_window = window
        window.show()


def run(
    register_dir: Path | None, smoke_test: bool = False, demo: bool = False, backup_file: Path | None = None
) -> int:
    """The GUI on ``register_dir`` (the usual one if None); with ``backup_file``, first offer to restore it."""
    from hartdesk import APP_NAME, logsetup, paths
    from hartdesk.ui import crash
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.tasks import TaskRunner

    logsetup.configure()
    app = QApplication.instance() or QApplication(sys.argv[:1] or [APP_NAME])
    assert isinstance(app, QApplication)
    set_identity(app)
    app.setQuitOnLastWindowClosed(False)  # between the sign-in dialog and the main window no window is shown
    crash.install_excepthook()

    folder = register_dir if register_dir is not None else paths.default_register_dir()
    kind = classify_folder(folder)
    if kind is Folder.FOREIGN:
        message = foreign_folder_message(folder)
        sys.stderr.write(f"hartdesk: {message}\n")
        box = QMessageBox(QMessageBox.Icon.Critical, "hartdesk", message)
        box.setObjectName("foreign_folder_box")
        if smoke_test:
            box.show()
            QTimer.singleShot(0, lambda: app.exit(1))
            app.exec()
        else:
            box.exec()
        return 1

    credentials = None
    if demo:
        from hartdesk.demo import DEMO_PASSWORD, DEMO_USER

        credentials = (DEMO_USER, DEMO_PASSWORD)
    tasks = TaskRunner()
    ctx = AppContext(register_dir=folder, tasks=tasks, demo_credentials=credentials)
    startup = Startup(app, ctx, smoke_test)
    if sys.platform == "darwin":  # only macOS hands opened files over as events (elsewhere they are arguments)
        app.installEventFilter(startup)
    startup.start(kind, backup_file)
    code = app.exec()
    tasks.wait_for_all()
    if ctx.signed_in is not None:
        ctx.signed_in.lock()
        ctx.signed_in = None
    return int(code)
