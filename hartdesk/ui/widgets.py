"""Small widgets shared by several screens: a password field with strength feedback, a TOTP enrolment panel."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtGui import QPixmap
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from hartdesk.security import staff, totp


class PasswordField(QWidget):
    """A new password typed twice, with zxcvbn's feedback shown as the person types."""

    changed = Signal()

    def __init__(self, user_inputs: Callable[[], list[str]] | None = None, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self._user_inputs = user_inputs or (lambda: [])
        self.password_edit = QLineEdit(objectName="password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"at least {staff.MIN_PASSWORD_LENGTH} characters")
        self.repeat_edit = QLineEdit(objectName="password_repeat_edit")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.feedback = QLabel(objectName="password_feedback")
        self.feedback.setWordWrap(True)
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow("&Password:", self.password_edit)
        form.addRow("&Repeat password:", self.repeat_edit)
        form.addRow("", self.feedback)
        self.password_edit.textChanged.connect(self._on_text_changed)
        self.repeat_edit.textChanged.connect(self._on_text_changed)
        self._on_text_changed()

    def password(self) -> str:
        return self.password_edit.text()

    def problem(self) -> str:
        """Why the password cannot be used yet; empty when it can."""
        text = self.password_edit.text()
        feedback = staff.password_feedback(text, self._user_inputs())
        if not feedback.acceptable:
            return feedback.message
        if self.repeat_edit.text() != text:
            return "The two passwords are not the same yet."
        return ""

    def is_acceptable(self) -> bool:
        return not self.problem()

    def clear(self) -> None:
        self.password_edit.clear()
        self.repeat_edit.clear()

    @Slot()
    def _on_text_changed(self) -> None:
        problem = self.problem() if self.password_edit.text() else ""
        self.feedback.setText(problem or ("Strong enough." if self.password_edit.text() else ""))
        self.feedback.setStyleSheet("color: #a61b1b;" if problem else "color: #1b6e2b;")
        self.changed.emit()


class TotpEnrolmentPanel(QWidget):
    """The QR code and the secret as text, and a field for the first code from the app."""

    def __init__(self, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        intro = QLabel(
            "Scan this code with an authenticator app (for example Google Authenticator, Microsoft "
            "Authenticator or 2FAS), or type the key below into the app. Then enter the 6-digit code it shows."
        )
        intro.setWordWrap(True)
        self.qr = QLabel(objectName="totp_qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret_label = QLabel(objectName="totp_secret_label")
        self.secret_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        font = self.secret_label.font()
        font.setFamily("monospace")
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.secret_label.setFont(font)
        self.code_edit = QLineEdit(objectName="totp_code_edit")
        self.code_edit.setPlaceholderText("123456")
        self.code_edit.setMaxLength(7)
        self.code_edit.setInputMask("")
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.qr)
        layout.addWidget(self.secret_label)
        form = QFormLayout()
        form.addRow("&Code from the app:", self.code_edit)
        layout.addLayout(form)

    def show_enrolment(self, uri: str, secret: str) -> None:
        pixmap = QPixmap()
        pixmap.loadFromData(totp.qr_png(uri, scale=5), "PNG")
        self.qr.setPixmap(pixmap)
        self.secret_label.setText(totp.group_secret(secret))
        self.code_edit.clear()
        self.code_edit.setFocus()

    def code(self) -> str:
        return self.code_edit.text().strip().replace(" ", "")

    def clear(self) -> None:
        self.qr.clear()
        self.secret_label.clear()
        self.code_edit.clear()
