"""Recording that a client gave or withdrew marketing consent: when, and how (which the law asks us to be able to
show). Consent is never switched on or off without such a record."""

from __future__ import annotations

import html
from datetime import datetime

from PySide6.QtCore import QDateTime
from PySide6.QtWidgets import QComboBox, QDateTimeEdit, QFormLayout, QLabel, QLineEdit, QWidget

from hartdesk.models import ConsentChange
from hartdesk.register import clients
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import NOTE_STYLE, WorkDialog, named

GIVEN_METHODS = (
    "Ticked the box on the order form",
    "By email",
    "By phone",
    "By letter",
    "In person",
)
WITHDRAWN_METHODS = (
    "Unsubscribe link in an email",
    "By email",
    "By phone",
    "By letter",
    "In person",
)


class ConsentDialog(WorkDialog):
    """Given or withdrawn (``change``), the date and time, how (required) and a note; written with the audit row."""

    def __init__(
        self, ctx: AppContext, ref: str, change: ConsentChange, name: str = "", parent: QWidget | None = None
    ) -> None:
        given = change is ConsentChange.GIVEN
        WorkDialog.__init__(
            self,
            ctx,
            "Record marketing consent" if given else "Record withdrawal of consent",
            "&Record",
            parent,
        )
        self.setObjectName("consent_dialog")
        self.ref = ref
        self.change = change
        who = html.escape(f"{ref} {name}".strip())
        intro = QLabel(
            f"Record that {who} <b>gave</b> consent to marketing emails."
            if given
            else f"Record that {who} <b>withdrew</b> consent to marketing emails. Stop sending them at once."
        )
        intro.setWordWrap(True)
        self.method_combo = named(QComboBox(), "method_combo")
        self.method_combo.setEditable(True)
        self.method_combo.addItems(GIVEN_METHODS if given else WITHDRAWN_METHODS)
        self.method_combo.setCurrentIndex(-1)
        self.method_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        line = self.method_combo.lineEdit()
        if line is not None:
            line.setMaxLength(120)
            line.setPlaceholderText("Choose or type how" + (" it was given" if given else " it was withdrawn"))
        self.when_edit = named(QDateTimeEdit(QDateTime.currentDateTime()), "when_edit")
        self.when_edit.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setMaximumDateTime(QDateTime.currentDateTime().addSecs(60))
        self.note_edit = named(QLineEdit(), "note_edit")
        self.note_edit.setMaxLength(2000)
        self.note_edit.setPlaceholderText("Optional, e.g. the date of the email")
        hint = QLabel("Keep the evidence (the email, the form) where the agency keeps its records.")
        hint.setStyleSheet(NOTE_STYLE)
        hint.setWordWrap(True)
        form = QFormLayout()
        form.addRow("&How:", self.method_combo)
        form.addRow("&When:", self.when_edit)
        form.addRow("&Note:", self.note_edit)
        self.layout_.addWidget(intro)
        self.layout_.addLayout(form)
        self.layout_.addWidget(hint)
        self.finish_layout()
        self.ok_button.setDefault(True)  # again, now that it is inside the dialog: Enter records after a problem too
        self.setMinimumWidth(500)
        QWidget.setTabOrder(self.method_combo, self.when_edit)
        QWidget.setTabOrder(self.when_edit, self.note_edit)
        self.method_combo.setFocus()

    def method(self) -> str:
        return self.method_combo.currentText().strip()

    def when(self) -> datetime:
        """The moment chosen, on this computer's clock, as an aware datetime."""
        value = self.when_edit.dateTime().toPython()
        assert isinstance(value, datetime)
        return value.astimezone()

    def submit(self) -> None:
        method = self.method()
        if not method:
            given = self.change is ConsentChange.GIVEN
            self.show_problem(
                "Say how the client gave their consent." if given else "Say how the client withdrew their consent.",
                self.method_combo,
            )
            return
        who, ref, change, at, note = self.ctx.who, self.ref, self.change, self.when(), self.note_edit.text()

        def work() -> None:
            with who.register.session() as session:
                clients.record_consent(session, who.username, ref, change, method, at=at, note=note)

        self.run_work(work, lambda _: self.accept())
