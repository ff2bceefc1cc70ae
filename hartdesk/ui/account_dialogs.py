"""Dialogs about one person's own sign-in: a new password, and setting up the TOTP code.

Both run their work through ``ctx.tasks``, show a clerk's error inline and stay open until the change has been
made; ``accept()`` means it is done. The Staff screen opens them for any account (as an administrator); sign-in
opens them for the person signing in, passing ``who`` because nobody is in ``ctx.signed_in`` yet.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QPushButton, QVBoxLayout, QWidget

from hartdesk.ui.widgets import (
    PasswordField,
    TotpEnrolmentPanel,
    make_error_label,
    named,
    run_with_busy,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn
    from hartdesk.ui.context import AppContext


class _TaskDialog(QDialog):
    """A dialog whose main button runs one task at a time; Esc is ignored while it runs."""

    def __init__(self, ctx: AppContext, who: SignedIn | None, parent: QWidget | None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.who = who if who is not None else ctx.who
        self._busy = False
        self.error_label = make_error_label("dialog_error")

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for child in self.findChildren(QWidget, options=Qt.FindChildOption.FindDirectChildrenOnly):
            if not isinstance(child, QLabel):
                child.setEnabled(not busy)
        self.setCursor(Qt.CursorShape.BusyCursor if busy else Qt.CursorShape.ArrowCursor)

    def _run(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        run_with_busy(
            self.ctx.tasks,
            fn,
            on_done,
            set_busy=self._set_busy,
            error_label=self.error_label,
            parent=self,
            on_error=lambda _exc: self._after_failure(),
        )

    def _after_failure(self) -> None:
        """Where the focus goes after an error."""

    def reject(self) -> None:
        if self._busy:
            return
        QDialog.reject(self)


class ChangePasswordDialog(_TaskDialog):
    """A new password for ``username`` (one's own, or anyone's for an administrator).

    ``forced`` says the person must choose one before they can go on (after an administrator set their password or
    a recovery-key sign-in); cancelling then means not signing in, which the caller handles.
    """

    password_changed = Signal(str)  # the user name

    def __init__(
        self,
        ctx: AppContext,
        username: str,
        forced: bool = False,
        parent: QWidget | None = None,
        *,
        who: SignedIn | None = None,
    ) -> None:
        _TaskDialog.__init__(self, ctx, who, parent)
        self.username = username
        self.forced = forced
        own = username == self.who.username
        self.setWindowTitle("Choose a new password" if forced else "Change password")
        self.setObjectName("change_password_dialog")
        if forced:
            text = "Before you continue, choose a new password of your own for <b>{}</b>."
        elif own:
            text = "Choose a new password for your account <b>{}</b>."
        else:
            text = (
                "Choose a new password for <b>{}</b>. They will be asked to choose their own the next time "
                "they sign in."
            )
        intro = named(QLabel(text.format(escape(username))), "change_password_intro")
        intro.setWordWrap(True)
        self.password_field = PasswordField(lambda: [username, self.who.identity.display_name])
        self.buttons = QDialogButtonBox()
        self.ok_button = named(QPushButton("&Change password"), "change_password_button")
        self.ok_button.setDefault(True)
        self.buttons.addButton(self.ok_button, QDialogButtonBox.ButtonRole.AcceptRole)
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        if forced:
            cancel.setText("&Sign out")
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(6)
        layout.addWidget(self.password_field)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self.password_field.password_edit.setFocus()

    @Slot()
    def _on_ok_clicked(self) -> None:
        problem = self.password_field.problem()
        if problem:
            show_message(self.error_label, problem)
            self.password_field.password_edit.setFocus()
            return
        from hartdesk.security import staff

        who, username, password = self.who, self.username, self.password_field.password()
        self._run(lambda: staff.change_password(who, username, password), self._on_changed)

    def _on_changed(self, _result: object) -> None:
        self.password_field.clear()
        self.password_changed.emit(self.username)
        self.accept()

    def _after_failure(self) -> None:
        self.password_field.password_edit.setFocus()


class TotpEnrolmentDialog(_TaskDialog):
    """Set up (or replace) the TOTP code of ``username``: QR code and key, then one code to prove it works."""

    totp_enrolled = Signal(str)  # the user name

    def __init__(
        self, ctx: AppContext, username: str, parent: QWidget | None = None, *, who: SignedIn | None = None
    ) -> None:
        _TaskDialog.__init__(self, ctx, who, parent)
        self.username = username
        self.setWindowTitle("Set up two-step sign-in")
        self.setObjectName("totp_enrolment_dialog")
        own = username == self.who.username
        heading = QLabel(
            "Two-step sign-in: after your password, hartdesk will ask for a 6-digit code from an app on your phone."
            if own
            else f"Set up two-step sign-in for <b>{escape(username)}</b>. They need their phone with them."
        )
        heading.setWordWrap(True)
        self.panel = TotpEnrolmentPanel()
        panel_layout = self.panel.layout()
        if panel_layout is not None:
            panel_layout.setContentsMargins(0, 0, 0, 0)
        self.buttons = QDialogButtonBox()
        self.confirm_button = named(QPushButton("&Confirm"), "totp_confirm_button")
        self.confirm_button.setDefault(True)
        self.buttons.addButton(self.confirm_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_confirm_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.panel)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)
        self._started = False
        self._start()

    def _start(self) -> None:
        from hartdesk.security import staff

        who, username = self.who, self.username

        def start() -> tuple[str, str]:
            uri = staff.start_totp_enrolment(who, username)
            return uri, staff.secret_of_pending_enrolment(who, username)

        self._run(start, self._on_started)

    def _on_started(self, result: tuple[str, str]) -> None:
        uri, secret = result
        self._started = True
        self.panel.show_enrolment(uri, secret)
        self.panel.code_edit.setFocus()

    @Slot()
    def _on_confirm_clicked(self) -> None:
        if not self._started:
            return
        code = self.panel.code()
        if len(code) != 6 or not code.isdigit():
            show_message(self.error_label, "Type the 6-digit code your authenticator app shows.")
            self.panel.code_edit.setFocus()
            return
        from hartdesk.security import staff

        who, username = self.who, self.username
        self._run(lambda: staff.confirm_totp(who, username, code), self._on_confirmed)

    def _on_confirmed(self, _result: object) -> None:
        self.totp_enrolled.emit(self.username)
        self.accept()

    def _after_failure(self) -> None:
        self.panel.code_edit.selectAll()
        self.panel.code_edit.setFocus()
