"""Restoring a backup: from Settings (the file and folder already chosen there), or by opening a backup file, which
is what double-clicking one does (``hartdesk FILE.hdbackup``, see ``hartdesk.ui.app``). The backup always becomes a
register of its own, in a new, empty folder; no other register changes."""

from __future__ import annotations

import html
from datetime import date
from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QWidget,
)

from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import NOTE_STYLE, WorkDialog


def restore_folder_for(register_dir: Path, has_register: bool, today: date) -> Path:
    """Where an opened backup is restored unless the clerk chooses otherwise: this computer's register folder when it
    has no register yet (a new or replaced computer), otherwise a new folder beside it, never one in use."""
    if not has_register:
        return register_dir
    base = register_dir.with_name(f"{register_dir.name}-restored-{today.isoformat()}")
    candidate, n = base, 2
    while candidate.exists():
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    return candidate


class RestoreDialog(WorkDialog):
    """Asks the backup's password and restores it into ``folder`` (which must be new or empty); ``note`` says what
    this means for the register in use. With ``folder_choice`` the clerk can pick another folder
    (``folder_chosen`` follows)."""

    folder_chosen = Signal()

    def __init__(
        self,
        ctx: AppContext,
        backup_file: Path,
        folder: Path,
        parent: QWidget | None = None,
        *,
        note: str = "The register open now is not changed.",
        folder_choice: bool = False,
    ) -> None:
        WorkDialog.__init__(self, ctx, "Restore a backup", "&Restore", parent)
        self.setObjectName("restore_dialog")
        self.setMinimumWidth(520)
        self.backup_file = backup_file
        self.folder = folder
        self.register_id: str | None = None
        self._busy = False  # restoring: the dialog stays until it is done (half a restore must not be left behind)

        intro = QLabel(f"Restore the backup <b>{html.escape(str(backup_file))}</b>")
        intro.setObjectName("restore_intro")
        intro.setWordWrap(True)
        self.folder_label = QLabel()
        self.folder_label.setObjectName("restore_folder_label")
        self.folder_label.setWordWrap(True)
        self._show_folder()
        self.note_label = QLabel(note)
        self.note_label.setObjectName("restore_note")
        self.note_label.setWordWrap(True)
        self.note_label.setStyleSheet(NOTE_STYLE)
        self.layout_.addWidget(intro)
        self.choose_button: QPushButton | None = None
        if folder_choice:
            row = QHBoxLayout()
            row.addWidget(self.folder_label, 1)
            self.choose_button = QPushButton("Choose another &folder…")
            self.choose_button.setObjectName("choose_restore_folder_button")
            self.choose_button.setAutoDefault(False)
            self.choose_button.clicked.connect(self._on_choose_button_clicked)
            row.addWidget(self.choose_button)
            self.layout_.addLayout(row)
        else:
            self.layout_.addWidget(self.folder_label)
        self.layout_.addWidget(self.note_label)
        self.password_edit = QLineEdit()
        self.password_edit.setObjectName("backup_password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("Backup &password:", self.password_edit)
        self.layout_.addLayout(form)
        self.finish_layout()
        self.password_edit.setFocus()
        if not backup_file.is_file():  # moved or deleted since it was chosen: say so before a password is typed
            self.show_problem(f"There is no backup file at {backup_file}.", self.password_edit)

    def _show_folder(self) -> None:
        self.folder_label.setText(f"into the new register folder <b>{html.escape(str(self.folder))}</b>.")

    def set_note(self, note: str) -> None:
        self.note_label.setText(note)

    def choose_folder(self) -> Path | None:
        """A new, empty folder from the file dialog (tests replace this)."""
        name = QFileDialog.getExistingDirectory(
            self, "Choose a new, empty folder for the restored register", str(self.folder.parent)
        )
        return Path(name) if name else None

    @Slot()
    def _on_choose_button_clicked(self) -> None:
        folder = self.choose_folder()
        if folder is None:
            self.password_edit.setFocus()
        elif folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
            self.show_problem(f"The folder {folder} is not empty. Choose or create a new, empty folder.")
        else:
            self.folder = folder
            self._show_folder()
            self.folder_chosen.emit()
            self.show_problem("")
            self.password_edit.setFocus()

    def submit(self) -> None:
        password = self.password_edit.text()
        if not password:
            self.show_problem("Type the password that was chosen when the backup was made.", self.password_edit)
            return
        backup_file, folder = self.backup_file, self.folder

        def restore() -> str:
            from hartdesk.storage import backup  # SQLCipher and the key slots: not needed to show the dialog

            return backup.restore(backup_file, password, folder)

        self._set_busy(True)
        self.run_work(restore, self._on_restored, serial=False)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setEnabled(not busy)
        if self.choose_button is not None:
            self.choose_button.setEnabled(not busy)
        self.password_edit.setEnabled(not busy)

    def reject(self) -> None:
        if not self._busy:  # Esc, Cancel and the title bar's close wait until the restore is done
            WorkDialog.reject(self)

    def _on_restored(self, register_id: str) -> None:
        self._set_busy(False)
        self.register_id = register_id
        self.password_edit.clear()
        self.accept()

    def show_error(self, exc: BaseException) -> None:
        self._set_busy(False)
        WorkDialog.show_error(self, exc)

    def show_problem(self, message: str, focus: QWidget | None = None) -> None:
        WorkDialog.show_problem(self, message, focus)
        if message and focus is None:
            self.password_edit.selectAll()
            self.password_edit.setFocus()
