"""The Staff screen (administrators): who can sign in, adding, disabling and enabling accounts, passwords, TOTP."""

from __future__ import annotations

from PySide6.QtCore import QItemSelection, Qt, Slot
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.models import Role
from hartdesk.security import staff
from hartdesk.security.staff import StaffRow
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.staff_model import Column, StaffTableModel
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import (
    ERROR_STYLE,
    PasswordField,
    WorkDialog,
    align_form_labels,
    confirmation,
    make_list_table,
)

COLUMN_WIDTHS = {Column.USERNAME: 130, Column.NAME: 220, Column.ROLE: 120, Column.STATUS: 90, Column.TOTP: 60}


class AddStaffDialog(WorkDialog):
    """User name, full name, role and a first password; ``added`` holds the new row once accepted."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, "Add a staff member", "&Add", parent)
        self.setObjectName("add_staff_dialog")
        self.added: StaffRow | None = None
        self.username_edit = QLineEdit()
        self.username_edit.setObjectName("username_edit")
        self.username_edit.setPlaceholderText("e.g. jsmith")
        self.username_edit.setMaxLength(40)
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("display_name_edit")
        self.name_edit.setMaxLength(200)
        self.role_combo = QComboBox()
        self.role_combo.setObjectName("role_combo")
        self.role_combo.addItem("Staff", Role.STAFF)
        self.role_combo.addItem("Administrator", Role.ADMIN)
        self.password = PasswordField(lambda: [self.username_edit.text(), self.name_edit.text()])
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Full name:", self.name_edit)
        form.addRow("R&ole:", self.role_combo)
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.password)
        self.finish_layout()
        self.setMinimumWidth(460)
        align_form_labels(form, self.password.layout())
        QWidget.setTabOrder(self.username_edit, self.name_edit)
        QWidget.setTabOrder(self.name_edit, self.role_combo)
        QWidget.setTabOrder(self.role_combo, self.password.password_edit)
        QWidget.setTabOrder(self.password.password_edit, self.password.repeat_edit)
        self.username_edit.setFocus()

    def submit(self) -> None:
        if not self.username_edit.text().strip():
            self.show_problem("Type a user name.", self.username_edit)
            return
        if not self.password_ok(self.password):
            return
        who = self.ctx.who
        username, name = self.username_edit.text(), self.name_edit.text()
        role, password = Role(self.role_combo.currentData()), self.password.password()
        self.run_work(lambda: staff.add_staff(who, username, name, role, password), self._on_added)

    def _on_added(self, row: StaffRow) -> None:
        self.added = row
        self.password.clear()
        self.accept()


class EnableStaffDialog(WorkDialog):
    """A disabled account gets a new key slot with a password the administrator chooses."""

    def __init__(self, ctx: AppContext, row: StaffRow, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, f"Enable {row.username}", "&Enable", parent)
        self.setObjectName("enable_staff_dialog")
        self.username = row.username
        intro = QLabel(
            f"Choose a new password for {row.display_name} ({row.username}). Give it to them in person; "
            "they will be asked to choose their own when they next sign in."
        )
        intro.setWordWrap(True)
        self.password = PasswordField(lambda: [row.username, row.display_name])
        self.layout_.addWidget(intro)
        self.layout_.addWidget(self.password)
        self.finish_layout()
        self.setMinimumWidth(460)
        self.password.password_edit.setFocus()

    def submit(self) -> None:
        if not self.password_ok(self.password):
            return
        who, username, password = self.ctx.who, self.username, self.password.password()
        self.run_work(lambda: staff.enable_staff(who, username, password), self._on_enabled)

    def _on_enabled(self, _: object) -> None:
        self.password.clear()
        self.accept()


class StaffScreen(Screen):
    title = "Staff"
    icon_name = "fa5s.users"
    admin_only = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self._select_after_load: str | None = None

        intro = QLabel(
            "Everyone who can sign in to this register. Disabling an account removes its key at once; "
            "enabling it again needs a new password."
        )
        intro.setWordWrap(True)

        self.add_button = QPushButton("&Add…")
        self.add_button.setObjectName("add_button")
        self.add_button.setToolTip("Add a staff member (Ctrl+N)")
        self.disable_button = QPushButton("&Disable…")
        self.disable_button.setObjectName("disable_button")
        self.enable_button = QPushButton("E&nable…")
        self.enable_button.setObjectName("enable_button")
        self.reset_password_button = QPushButton("&Reset password…")
        self.reset_password_button.setObjectName("reset_password_button")
        self.totp_button = QPushButton("Set up &TOTP…")
        self.totp_button.setObjectName("totp_button")
        buttons = QHBoxLayout()
        for button in (
            self.add_button,
            self.disable_button,
            self.enable_button,
            self.reset_password_button,
            self.totp_button,
        ):
            buttons.addWidget(button)
        buttons.addStretch(1)

        self.model = StaffTableModel(self)
        self.table = make_list_table("staff_table", self.model, COLUMN_WIDTHS, "staff/header", row_padding=10)

        self.message_label = QLabel()
        self.message_label.setObjectName("message_label")
        self.message_label.setWordWrap(True)
        self.message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(buttons)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.message_label)

        self.add_action = self.add_shortcut(
            "Add a staff member", QKeySequence.StandardKey.New, self._on_add_button_clicked
        )

        QWidget.setTabOrder(self.table, self.add_button)
        QWidget.setTabOrder(self.add_button, self.disable_button)
        QWidget.setTabOrder(self.disable_button, self.enable_button)
        QWidget.setTabOrder(self.enable_button, self.reset_password_button)
        QWidget.setTabOrder(self.reset_password_button, self.totp_button)

        self.add_button.clicked.connect(self._on_add_button_clicked)
        self.disable_button.clicked.connect(self._on_disable_button_clicked)
        self.enable_button.clicked.connect(self._on_enable_button_clicked)
        self.reset_password_button.clicked.connect(self._on_reset_password_button_clicked)
        self.totp_button.clicked.connect(self._on_totp_button_clicked)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        who = self.ctx.who
        generation = self._generation
        self.ctx.tasks.run(
            lambda: staff.list_staff(who),
            on_done=lambda rows: self._on_staff_loaded(generation, rows),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )

    def clear(self) -> None:
        self._generation += 1
        self._select_after_load = None
        self.model.clear()
        self.message_label.clear()
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    # --- what is selected -------------------------------------------------------------------------------------

    def selected_row(self) -> StaffRow | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0]) if rows else None

    def select_username(self, username: str) -> None:
        row = self.model.row_of(username)
        if row is not None:
            self.table.selectRow(row)
            self.table.scrollTo(self.model.index(row, 0))

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        row = self.selected_row()
        me = self.ctx.signed_in.username if self.ctx.signed_in is not None else None
        is_me = row is not None and row.username == me
        active = row is not None and row.active
        self.disable_button.setEnabled(active and not is_me)
        self.enable_button.setEnabled(row is not None and not row.active)
        self.reset_password_button.setEnabled(active)
        self.totp_button.setEnabled(active)
        self.disable_button.setToolTip("You cannot disable your own account." if is_me else "")

    # --- loading ----------------------------------------------------------------------------------------------

    def _reload(self, select: str | None, message: str) -> None:
        self._select_after_load = select
        self.message_label.setText(message)
        self.message_label.setStyleSheet("")
        self.refresh()

    def _on_staff_loaded(self, generation: int, rows: list[StaffRow]) -> None:
        if not self.is_current(generation):
            return
        selected = self.selected_row()
        keep = self._select_after_load or (selected.username if selected is not None else None)
        self._select_after_load = None
        self.model.set_rows(rows)
        if keep:
            self.select_username(keep)

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            self.message_label.setText(exc.message)
            self.message_label.setStyleSheet(ERROR_STYLE)
        else:
            show_error(self, exc)

    # --- actions ----------------------------------------------------------------------------------------------

    @Slot()
    def _on_add_button_clicked(self) -> None:
        dialog = AddStaffDialog(self.ctx, self)

        def added() -> None:
            row = dialog.added
            if row is not None:
                self._reload(row.username, f"{row.username} can now sign in.")

        self.open_dialog(dialog, added)

    @Slot()
    def _on_disable_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not row.active:
            return
        username = row.username
        box = confirmation(
            self,
            "disable_confirmation",
            "Disable an account",
            f"Disable {row.display_name} ({row.username})?",
            "Their access ends at once: their key is removed and the register is re-keyed, which can take a few "
            "seconds. You can enable the account again later with a new password.",
            "&Disable",
            lambda: self._disable(username),
        )
        box.open()

    def _disable(self, username: str) -> None:
        who, generation = self.ctx.who, self._generation
        self.message_label.setText(f"Disabling {username} and re-keying the register…")
        self.message_label.setStyleSheet("")
        self.disable_button.setEnabled(False)
        self.ctx.tasks.run(
            lambda: staff.disable_staff(who, username),
            on_done=lambda _: (
                self._reload(username, f"{username} is disabled: their key was removed and the register re-keyed.")
                if self.is_current(generation)
                else None
            ),
            on_error=lambda exc: self._on_task_failed(generation, exc),
            serial=True,
        )

    @Slot()
    def _on_enable_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or row.active:
            return
        dialog = EnableStaffDialog(self.ctx, row, self)
        username = row.username
        self.open_dialog(dialog, lambda: self._reload(username, f"{username} can sign in again with the new password."))

    @Slot()
    def _on_reset_password_button_clicked(self) -> None:
        from hartdesk.ui.account_dialogs import ChangePasswordDialog

        row = self.selected_row()
        if row is None or not row.active:
            return
        username = row.username
        dialog = ChangePasswordDialog(self.ctx, username, parent=self)
        self.open_dialog(
            dialog,
            lambda: self._reload(
                username,
                f"The password of {username} was changed."
                + ("" if username == self.ctx.who.username else " They will choose their own when they next sign in."),
            ),
        )

    @Slot()
    def _on_totp_button_clicked(self) -> None:
        row = self.selected_row()
        if row is None or not row.active:
            return
        username = row.username
        if not row.totp_enrolled:
            self._enrol_totp(username)
            return
        box = confirmation(
            self,
            "replace_totp_confirmation",
            "Replace a TOTP code",
            f"{row.display_name} ({row.username}) already has a TOTP code set up. Replace it?",
            "Their current authenticator app stops working as soon as you continue, until they scan the new code. "
            "Do this with them beside you.",
            "&Replace",
            lambda: self._enrol_totp(username),
        )
        box.open()

    def _enrol_totp(self, username: str) -> None:
        from hartdesk.ui.account_dialogs import TotpEnrolmentDialog

        dialog = TotpEnrolmentDialog(self.ctx, username, parent=self)
        self.open_dialog(dialog, lambda: self._reload(username, f"{username} now signs in with a TOTP code."))
