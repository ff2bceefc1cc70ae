"""The start page: whose register this is, who is signed in, where it lives and when it was last backed up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from html import escape
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.ui.context import AppContext
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import named

ROLE_NAMES = {"admin": "administrator", "staff": "staff"}


@dataclass(frozen=True)
class HomeFacts:
    agency_name: str
    display_name: str
    role: str
    register_path: Path
    register_id: str
    has_totp: bool
    last_backup: datetime | None


def role_name(role: object) -> str:
    value = getattr(role, "value", role)
    return ROLE_NAMES.get(str(value), str(value))


def snapshot_time(folder: Path) -> datetime | None:
    """When an automatic snapshot was made, from its folder name (``20260301T140501123456Z-auto``)."""
    stamp = folder.name.split("-", 1)[0]
    try:
        return datetime.strptime(stamp, "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        try:
            return datetime.fromtimestamp(folder.stat().st_mtime, UTC)
        except OSError:
            return None


def describe_moment(moment: datetime) -> str:
    local = moment.astimezone()
    return f"{local.day} {local:%B %Y} at {local:%H:%M}"


class HomeScreen(Screen):
    title = "Home"
    icon_name = "fa5s.home"
    admin_only = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self.setObjectName("home_screen")
        self.heading = named(QLabel(), "home_agency")
        font = self.heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.7)
        font.setBold(True)
        self.heading.setFont(font)
        self.heading.setWordWrap(True)
        self.heading.setTextFormat(Qt.TextFormat.PlainText)
        self.who_label = named(QLabel(), "home_who")

        self.totp_warning = named(QFrame(), "totp_warning")
        self.totp_warning.setStyleSheet(
            "QFrame#totp_warning { background: #fff6d6; border: 1px solid #e6cf7a; border-radius: 4px; }"
            "QFrame#totp_warning QLabel { color: #4a3b00; }"
        )
        warning_text = QLabel(
            "<b>Your account has no two-step sign-in yet.</b> Anyone who learns your password could open the "
            "register. Set up a TOTP code with an authenticator app on your phone."
        )
        warning_text.setWordWrap(True)
        self.setup_totp_button = named(QPushButton("Set up &two-step sign-in…"), "setup_totp_button")
        self.setup_totp_button.clicked.connect(self._on_setup_totp_button_clicked)
        warning_row = QHBoxLayout(self.totp_warning)
        warning_row.setContentsMargins(12, 10, 12, 10)
        warning_row.addWidget(warning_text, 1)
        warning_row.addWidget(self.setup_totp_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.totp_warning.setVisible(False)

        box = QGroupBox("This register")
        self.path_label = _value_label("home_register_path")
        self.id_label = _value_label("home_register_id")
        self.backup_label = _value_label("home_last_backup")
        form = QFormLayout(box)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        form.addRow("Folder:", self.path_label)
        form.addRow("Register id:", self.id_label)
        form.addRow("Last automatic backup:", self.backup_label)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(24, 20, 24, 20)
        layout.setSpacing(12)
        layout.addWidget(self.heading)
        layout.addWidget(self.who_label)
        layout.addWidget(self.totp_warning)
        layout.addWidget(box)
        layout.addStretch(1)
        self._dialog: QWidget | None = None

    def refresh(self) -> None:
        who = self.ctx.signed_in
        if who is None:
            return

        def load() -> HomeFacts:
            from hartdesk.security import staff
            from hartdesk.storage import backup

            settings = who.settings()
            mine = next((row for row in staff.list_staff(who) if row.username == who.username), None)
            snapshots = backup.list_snapshots(who.register.register_id)
            return HomeFacts(
                agency_name=settings.agency_name,
                display_name=who.identity.display_name,
                role=role_name(who.identity.role),
                register_path=who.register.path,
                register_id=who.register.register_id,
                has_totp=bool(mine and mine.totp_enrolled),
                last_backup=snapshot_time(snapshots[0]) if snapshots else None,
            )

        self.ctx.tasks.run(load, on_done=self._show, on_error=self._on_load_failed)

    def _on_load_failed(self, exc: BaseException) -> None:
        if self.ctx.signed_in is not None:  # after a lock, a load that was under way fails quietly
            from hartdesk.ui import crash

            crash.report_unexpected(exc, self)

    def _show(self, facts: HomeFacts) -> None:
        if self.ctx.signed_in is None:
            return  # locked while loading
        self.heading.setText(facts.agency_name or "Welcome to hartdesk")
        self.who_label.setText(f"Signed in as <b>{escape(facts.display_name)}</b> ({escape(facts.role)}).")
        self.totp_warning.setVisible(not facts.has_totp)
        self.path_label.setText(str(facts.register_path))
        self.id_label.setText(facts.register_id)
        self.backup_label.setText(
            describe_moment(facts.last_backup)
            if facts.last_backup is not None
            else "None yet: hartdesk makes one each time you close it."
        )

    def clear(self) -> None:
        for label in (self.heading, self.who_label, self.path_label, self.id_label, self.backup_label):
            label.clear()
        self.totp_warning.setVisible(False)
        if self._dialog is not None:
            self._dialog.close()

    @Slot()
    def _on_setup_totp_button_clicked(self) -> None:
        from hartdesk.ui.account_dialogs import TotpEnrolmentDialog

        who = self.ctx.signed_in
        if who is None:
            return
        dialog = TotpEnrolmentDialog(self.ctx, who.username, parent=self)
        self._dialog = dialog

        def finished(result: int) -> None:
            self._dialog = None
            dialog.deleteLater()
            if result == TotpEnrolmentDialog.DialogCode.Accepted:
                self.refresh()

        dialog.finished.connect(finished)
        dialog.open()


def _value_label(name: str) -> QLabel:
    label = named(QLabel(), name)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    return label
