"""The sign-in dialog: user name and password, then the TOTP code where the account has one, or the recovery key.

The slow steps (Argon2id, opening the register) run through ``ctx.tasks`` while the dialog shows that it is busy.
A sign-in may need more before the person can work: choosing their own password (``must_change_password``) and
setting up TOTP (the policy requires it); those open :mod:`hartdesk.ui.account_dialogs` on top. When everything is
done, :attr:`SignInDialog.signed_in` holds the result and the dialog is accepted. Every error is shown inline in
plain words (``signin_error``), never as a traceback.

Only Qt and hartdesk's light modules are imported at module level: this dialog is the first window, and its start-up
time is measured.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk.ui.widgets import (
    NOTE_STYLE,
    PasswordField,
    align_form_labels,
    make_error_label,
    mono_font,
    named,
    run_with_busy,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import PendingSignIn, RecoverySignIn, SignedIn
    from hartdesk.ui.context import AppContext

PASSWORD_PAGE, TOTP_PAGE, RECOVERY_KEY_PAGE, RECOVERY_PASSWORD_PAGE = range(4)


class SignInDialog(QDialog):
    """Sign in to the register at ``ctx.register_dir``; afterwards ``signed_in`` is the open session."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.signed_in: SignedIn | None = None
        self._pending: PendingSignIn | None = None
        self._recovery: RecoverySignIn | None = None
        self._candidate: SignedIn | None = None
        self._needs_enrolment = False
        self._busy = False
        self._followup: QDialog | None = None
        self.setObjectName("signin_dialog")
        self.setWindowTitle("Sign in")

        heading = named(QLabel("Sign in to hartdesk"), "signin_heading")
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        heading.setFont(font)
        where = named(QLabel(), "register_label")
        where.setStyleSheet(NOTE_STYLE)
        where.setToolTip(str(ctx.register_dir))
        where.setText(
            where.fontMetrics().elidedText(f"Register: {ctx.register_dir}", Qt.TextElideMode.ElideMiddle, 420)
        )

        # The error and busy lines sit above the current page's buttons; _show_page moves them there.
        self.error_label = make_error_label("signin_error")
        self.busy_label = named(QLabel(), "signin_busy_label")
        self.busy_bar = named(QProgressBar(), "signin_busy_bar")
        self.busy_bar.setRange(0, 0)
        self.busy_bar.setMaximumHeight(8)
        self.busy_bar.setTextVisible(False)
        self.status_box = named(QWidget(), "signin_status")
        status_layout = QVBoxLayout(self.status_box)
        status_layout.setContentsMargins(0, 4, 0, 0)
        busy_row = QHBoxLayout()
        busy_row.addWidget(self.busy_label)
        busy_row.addWidget(self.busy_bar, 1)
        status_layout.addWidget(self.error_label)
        status_layout.addLayout(busy_row)
        self.busy_label.setVisible(False)
        self.busy_bar.setVisible(False)
        self._page_layouts: dict[int, QVBoxLayout] = {}
        self._primary: dict[int, QPushButton] = {}  # each page's default button
        self._status_layout: QVBoxLayout | None = None

        self.stack = named(QStackedWidget(), "signin_pages")
        self.stack.addWidget(self._build_password_page())
        self.stack.addWidget(self._build_totp_page())
        self.stack.addWidget(self._build_recovery_key_page())
        self.stack.addWidget(self._build_recovery_password_page())

        layout = QVBoxLayout(self)
        layout.setSpacing(8)
        layout.addWidget(heading)
        layout.addWidget(where)
        if ctx.demo_credentials is not None:
            layout.addWidget(self._build_demo_note(*ctx.demo_credentials))
        layout.addSpacing(4)
        layout.addWidget(self.stack)
        self.setMinimumWidth(480)
        self._show_page(PASSWORD_PAGE)

    # -- building -------------------------------------------------------------------------------------------------

    def _build_demo_note(self, user: str, password: str) -> QLabel:
        note = named(QLabel(), "demo_note")
        note.setWordWrap(True)
        note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note.setText(
            "This is a <b>demo register</b> filled with fictional data, for trying hartdesk out.<br>"
            f"User name: <b>{escape(user)}</b> &nbsp; Password: <b>{escape(password)}</b>"
        )
        note.setStyleSheet(
            "QLabel { background: #fff6d6; color: #4a3b00; border: 1px solid #e6cf7a; border-radius: 4px;"
            " padding: 6px; }"
        )
        self.username_edit.setText(user)
        return note

    def _build_password_page(self) -> QWidget:
        page = named(QWidget(), "password_page")
        self.username_edit = named(QLineEdit(), "username_edit")
        self.username_edit.setPlaceholderText("for example jsmith")
        self.password_edit = named(QLineEdit(), "password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        form = QFormLayout()
        form.addRow("&User name:", self.username_edit)
        form.addRow("&Password:", self.password_edit)
        self.recovery_button = named(QPushButton("Use &recovery key…"), "recovery_button")
        self.signin_button = named(QPushButton("&Sign in"), "signin_button")
        cancel = named(QPushButton("Cancel"), "cancel_button")
        self.recovery_button.clicked.connect(self._on_recovery_button_clicked)
        self.signin_button.clicked.connect(self._on_signin_button_clicked)
        self._lay_out_page(PASSWORD_PAGE, page, [form], self.recovery_button, self.signin_button, cancel)
        QWidget.setTabOrder(self.username_edit, self.password_edit)
        QWidget.setTabOrder(self.password_edit, self.signin_button)
        QWidget.setTabOrder(self.signin_button, cancel)
        QWidget.setTabOrder(cancel, self.recovery_button)
        return page

    def _build_totp_page(self) -> QWidget:
        page = named(QWidget(), "totp_page")
        self.totp_intro = named(QLabel(), "totp_intro")
        self.totp_intro.setWordWrap(True)
        self.totp_code_edit = named(QLineEdit(), "totp_code_edit")
        self.totp_code_edit.setPlaceholderText("123456")
        self.totp_code_edit.setMaxLength(7)
        self.totp_code_edit.setFont(mono_font(1.3, self.totp_code_edit.font()))
        form = QFormLayout()
        form.addRow("&Code:", self.totp_code_edit)
        back = named(QPushButton("&Back"), "totp_back_button")
        self.totp_button = named(QPushButton("&Sign in"), "totp_signin_button")
        back.clicked.connect(self._on_totp_back_clicked)
        self.totp_button.clicked.connect(self._on_totp_button_clicked)
        self._lay_out_page(TOTP_PAGE, page, [self.totp_intro, form], back, self.totp_button)
        return page

    def _build_recovery_key_page(self) -> QWidget:
        page = named(QWidget(), "recovery_key_page")
        intro = QLabel(
            "Type the recovery key from the emergency kit that was printed when this register was created. "
            "It lets you choose a new password for an administrator."
        )
        intro.setWordWrap(True)
        self.recovery_key_edit = named(QLineEdit(), "recovery_key_edit")
        self.recovery_key_edit.setPlaceholderText("XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX")
        self.recovery_key_edit.setFont(mono_font())
        form = QFormLayout()
        form.addRow("Recovery &key:", self.recovery_key_edit)
        back = named(QPushButton("&Back"), "recovery_key_back_button")
        self.recovery_unlock_button = named(QPushButton("&Unlock"), "recovery_unlock_button")
        back.clicked.connect(self._on_recovery_key_back_clicked)
        self.recovery_unlock_button.clicked.connect(self._on_recovery_unlock_clicked)
        self._lay_out_page(RECOVERY_KEY_PAGE, page, [intro, form], back, self.recovery_unlock_button)
        return page

    def _build_recovery_password_page(self) -> QWidget:
        page = named(QWidget(), "recovery_password_page")
        intro = QLabel(
            "The recovery key is correct. Choose the administrator who will sign in, and their new password."
        )
        intro.setWordWrap(True)
        self.recovery_admin_combo = named(QComboBox(), "recovery_admin_combo")
        form = QFormLayout()
        form.addRow("&Administrator:", self.recovery_admin_combo)
        self._recovery_form = form
        back = named(QPushButton("&Back"), "recovery_password_back_button")
        self.recovery_set_button = named(QPushButton("Set password and sign &in"), "recovery_set_button")
        back.clicked.connect(self._on_recovery_password_back_clicked)
        self.recovery_set_button.clicked.connect(self._on_recovery_set_clicked)
        self._recovery_layout = self._lay_out_page(
            RECOVERY_PASSWORD_PAGE, page, [intro, form], back, self.recovery_set_button
        )
        # The PasswordField (and zxcvbn behind it) is built on first use, off the path to the first window.
        self.recovery_password: PasswordField | None = None
        return page

    def _lay_out_page(
        self,
        index: int,
        page: QWidget,
        parts: list[QWidget | QLayout],
        left: QPushButton,
        primary: QPushButton,
        cancel: QPushButton | None = None,
    ) -> QVBoxLayout:
        """``parts`` one below the other, then ``left`` apart from ``primary`` (the page's default) and Cancel."""
        cancel = cancel if cancel is not None else QPushButton("Cancel")
        cancel.clicked.connect(self.reject)
        self._primary[index] = primary
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        for part in parts:
            if isinstance(part, QLayout):
                layout.addLayout(part)
            else:
                layout.addWidget(part)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 8, 0, 0)
        buttons.addWidget(left)
        buttons.addStretch(1)
        buttons.addWidget(primary)
        buttons.addWidget(cancel)
        layout.addLayout(buttons)
        self._page_layouts[index] = layout
        return layout

    def _recovery_password_field(self) -> PasswordField:
        if self.recovery_password is None:
            self.recovery_password = PasswordField(lambda: [self.recovery_admin_combo.currentText()])
            self.recovery_password.setObjectName("recovery_password_field")
            self._recovery_layout.insertWidget(2, self.recovery_password)
            align_form_labels(self._recovery_form, self.recovery_password.layout())
            QWidget.setTabOrder(self.recovery_admin_combo, self.recovery_password.password_edit)
            QWidget.setTabOrder(self.recovery_password.password_edit, self.recovery_password.repeat_edit)
            QWidget.setTabOrder(self.recovery_password.repeat_edit, self.recovery_set_button)
        return self.recovery_password

    # -- state ----------------------------------------------------------------------------------------------------

    def _show_page(self, index: int) -> None:
        self.stack.setCurrentIndex(index)
        if self._status_layout is not None:
            self._status_layout.removeWidget(self.status_box)
        self._status_layout = self._page_layouts[index]
        self._status_layout.insertWidget(self._status_layout.count() - 1, self.status_box)
        for page, button in self._primary.items():
            button.setDefault(page == index)
        # Only the current page's height counts, so the dialog does not keep the tallest page's size.
        for i in range(self.stack.count()):
            widget = self.stack.widget(i)
            if widget is not None:
                policy = widget.sizePolicy()
                policy.setVerticalPolicy(policy.Policy.Preferred if i == index else policy.Policy.Ignored)
                widget.setSizePolicy(policy)
        self.stack.adjustSize()
        self.adjustSize()
        if index == PASSWORD_PAGE:
            focus = self.password_edit if self.username_edit.text() else self.username_edit
        elif index == TOTP_PAGE:
            focus = self.totp_code_edit
        elif index == RECOVERY_KEY_PAGE:
            focus = self.recovery_key_edit
        else:
            focus = self._recovery_password_field().password_edit
        focus.setFocus()

    def is_busy(self) -> bool:
        return self._busy

    def _set_busy(self, text: str) -> None:
        self._busy = bool(text)
        for kind in (QLineEdit, QPushButton, QComboBox):
            for widget in self.stack.findChildren(kind):
                widget.setEnabled(not self._busy)
        self.busy_label.setText(text)
        self.busy_label.setVisible(self._busy)
        self.busy_bar.setVisible(self._busy)

    def _run(
        self,
        busy_text: str,
        fn: Callable[[], Any],
        on_done: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        run_with_busy(
            self.ctx.tasks,
            fn,
            on_done,
            set_busy=lambda busy: self._set_busy(busy_text if busy else ""),
            error_label=self.error_label,
            parent=self,
            on_error=on_error,
        )

    def show_error(self, text: str) -> None:
        show_message(self.error_label, text)

    # -- password -------------------------------------------------------------------------------------------------

    @Slot()
    def _on_signin_button_clicked(self) -> None:
        username = self.username_edit.text().strip()
        password = self.password_edit.text()
        if not username:
            self.show_error("Type your user name.")
            self.username_edit.setFocus()
            return
        if not password:
            self.show_error("Type your password.")
            self.password_edit.setFocus()
            return
        path, clock = self.ctx.register_dir, self.ctx.clock

        def begin() -> PendingSignIn:
            from hartdesk.security import signin

            return signin.begin(path, username, password, clock)

        self._run("Checking the password…", begin, self._on_begun, self._on_password_failed)

    def _on_password_failed(self, _exc: BaseException) -> None:
        self.password_edit.clear()
        self.password_edit.setFocus()

    def _on_begun(self, pending: PendingSignIn) -> None:
        self.password_edit.clear()
        self._pending = pending
        self._needs_enrolment = pending.needs_enrolment
        if pending.needs_totp:
            self.totp_intro.setText(
                f"Hello {escape(pending.identity.display_name)}. Enter the 6-digit code that your "
                "authenticator app shows for hartdesk."
            )
            self.totp_code_edit.clear()
            self._show_page(TOTP_PAGE)
        else:
            self._finish(None)

    # -- TOTP -----------------------------------------------------------------------------------------------------

    @Slot()
    def _on_totp_button_clicked(self) -> None:
        code = self.totp_code_edit.text().strip().replace(" ", "")
        if len(code) != 6 or not code.isdigit():
            self.show_error("Type the 6 digits your authenticator app shows.")
            self.totp_code_edit.setFocus()
            return
        self._finish(code)

    def _finish(self, code: str | None) -> None:
        pending = self._pending
        assert pending is not None
        self._run(
            "Signing in…" if code is None else "Checking the code…",
            lambda: pending.finish(code),
            self._on_finished,
            self._on_totp_failed,
        )

    def _on_totp_failed(self, _exc: BaseException) -> None:
        if self.stack.currentIndex() == TOTP_PAGE:
            self.totp_code_edit.clear()
            self.totp_code_edit.setFocus()

    @Slot()
    def _on_totp_back_clicked(self) -> None:
        self._cancel_pending()
        show_message(self.error_label, "")
        self._show_page(PASSWORD_PAGE)

    def _on_finished(self, signed_in: SignedIn) -> None:
        self._pending = None  # the open register now belongs to signed_in
        self._candidate = signed_in
        self._continue()

    # -- what must happen before the person can work -------------------------------------------------------------

    def _continue(self) -> None:
        from hartdesk.ui.account_dialogs import ChangePasswordDialog, TotpEnrolmentDialog

        candidate = self._candidate
        assert candidate is not None
        if candidate.must_change_password:
            dialog: QDialog = ChangePasswordDialog(
                self.ctx, candidate.username, forced=True, parent=self, who=candidate
            )
            self._open_followup(dialog, "You need to choose a new password before you can use hartdesk.")
        elif self._needs_enrolment:
            dialog = TotpEnrolmentDialog(self.ctx, candidate.username, parent=self, who=candidate)
            self._open_followup(dialog, "This register asks every account for a TOTP code: set one up to continue.")
        else:
            self._candidate = None
            self.signed_in = candidate
            self.accept()

    def _open_followup(self, dialog: QDialog, why_needed: str) -> None:
        self._followup = dialog

        def finished(result: int) -> None:
            self._followup = None
            dialog.deleteLater()
            if result == QDialog.DialogCode.Accepted:
                if dialog.objectName() == "totp_enrolment_dialog":
                    self._needs_enrolment = False
                self._continue()
            else:
                self._drop_candidate()
                self._show_page(PASSWORD_PAGE)
                self.show_error(why_needed)

        dialog.finished.connect(finished)
        dialog.open()

    def followup_dialog(self) -> QDialog | None:
        """The password or TOTP dialog open on top of this one, if any (for tests and the main window)."""
        return self._followup

    # -- recovery -------------------------------------------------------------------------------------------------

    @Slot()
    def _on_recovery_button_clicked(self) -> None:
        show_message(self.error_label, "")
        self.recovery_key_edit.clear()
        self._show_page(RECOVERY_KEY_PAGE)

    @Slot()
    def _on_recovery_key_back_clicked(self) -> None:
        show_message(self.error_label, "")
        self._show_page(PASSWORD_PAGE)

    @Slot()
    def _on_recovery_unlock_clicked(self) -> None:
        key = self.recovery_key_edit.text().strip()
        if not key:
            self.show_error("Type the recovery key from the emergency kit.")
            self.recovery_key_edit.setFocus()
            return
        path, clock = self.ctx.register_dir, self.ctx.clock

        def unlock() -> tuple[RecoverySignIn, list[str]]:
            from hartdesk.security import signin

            recovery = signin.begin_recovery(path, key, clock)
            try:
                return recovery, recovery.admins()
            except BaseException:
                recovery.cancel()
                raise

        self._run(
            "Checking the recovery key…",
            unlock,
            self._on_recovery_unlocked,
            lambda _exc: self.recovery_key_edit.setFocus(),
        )

    def _on_recovery_unlocked(self, result: tuple[RecoverySignIn, list[str]]) -> None:
        self._recovery, admins = result
        self.recovery_key_edit.clear()
        self.recovery_admin_combo.clear()
        self.recovery_admin_combo.addItems(admins)
        self._recovery_password_field().clear()
        self._show_page(RECOVERY_PASSWORD_PAGE)

    @Slot()
    def _on_recovery_password_back_clicked(self) -> None:
        self._cancel_recovery()
        show_message(self.error_label, "")
        self._show_page(RECOVERY_KEY_PAGE)

    @Slot()
    def _on_recovery_set_clicked(self) -> None:
        recovery = self._recovery
        username = self.recovery_admin_combo.currentText()
        if recovery is None or not username:
            self.show_error("Choose one of the register's administrators.")
            return
        field = self._recovery_password_field()
        problem = field.problem()
        if problem:
            self.show_error(problem)
            field.password_edit.setFocus()
            return
        password = field.password()
        self._run(
            "Saving the new password…", lambda: recovery.set_new_password(username, password), self._on_recovery_done
        )

    def _on_recovery_done(self, signed_in: SignedIn) -> None:
        self._recovery = None  # the open register now belongs to signed_in
        self._recovery_password_field().clear()
        self._candidate = signed_in
        self._continue()

    # -- closing --------------------------------------------------------------------------------------------------

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.cancel()
            self._pending = None

    def _cancel_recovery(self) -> None:
        if self._recovery is not None:
            self._recovery.cancel()
            self._recovery = None

    def _drop_candidate(self) -> None:
        if self._candidate is not None:
            self._candidate.lock()
            self._candidate = None

    def reject(self) -> None:
        """Esc or Cancel: nothing stays open unless sign-in finished."""
        if self._busy:
            return
        self._cancel_pending()
        self._cancel_recovery()
        self._drop_candidate()
        self.password_edit.clear()
        if self.recovery_password is not None:
            self.recovery_password.clear()
        QDialog.reject(self)
