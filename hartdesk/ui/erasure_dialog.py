"""Erasing a client under an erasure request (UK GDPR Art. 17): the plan first, then the erasure, then the letters.

The first page shows the plan (:func:`hartdesk.privacy.erasure.plan`, made in a task): what will be erased — with the
values themselves, so the administrator can check them — what will be kept, why and until when, which operators
must be told (Art. 19), which vault logins and which files go. Whatever stops the erasure is said at the top, and the
erasure cannot be started then. The administrator types their password again and ticks that they checked the plan;
the password check and the erasure run in one serial task, so a wrong password erases nothing. The plan is
fingerprinted: if the register changed since it was made, the erasure refuses and the plan is made again.

The second page says what to do next: the confirmation letter to the person, and the notices to the operators.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import format_uk_date
from hartdesk.errors import SignInError, ThrottledError, ValidationError
from hartdesk.ui.context import AppContext
from hartdesk.ui.notices_panel import NoticesPanel
from hartdesk.ui.request_actions import ui_today
from hartdesk.ui.widgets import (
    ERROR_COLOUR,
    NOTE_STYLE,
    OK_COLOUR,
    make_error_label,
    named,
    scrolling,
    show_failure,
    show_message,
    value_label,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.privacy.erasure import ErasurePlan, ErasureResult
    from hartdesk.privacy.produce import Made
    from hartdesk.settings import Settings
    from hartdesk.ui.document_dialog import DocumentDialog, Maker

ONLY_ADMIN = "Only an administrator can erase data"
NO_UNTIL = "No end date"  # the note that the client existed: the "why" says it holds nothing personal
DONE_TEXT = "Erased. Now send the confirmation and tell the operators."
BUSY_PLAN = "Working out what will be erased and what will be kept…"
BUSY_ERASE = "Checking your password, then erasing… (this can take a little while)"
ALTERNATE_BACKGROUND = "#f3f5f7"


def confirmation_maker(request_ref: str) -> Maker:
    """The letter confirming the erasure done under ``request_ref``."""

    def make(session: Session, settings: Settings, today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_erasure_confirmation(session, request_ref, settings, today, for_post=for_post)

    return make


def confirmation_title(request_ref: str) -> str:
    from hartdesk.models.enums import LetterKind

    return f"{LetterKind.ERASURE_CONFIRMATION.label} — {request_ref}"


def until_text(until: date | None) -> str:
    return format_uk_date(until) if until is not None else NO_UNTIL


def _size_text(size: int) -> str:
    from hartdesk.privacy.attachments import describe_size

    return describe_size(size)


# --- pieces of the plan page ------------------------------------------------------------------------------------------


def _bold(label: QLabel, scale: float) -> QLabel:
    """``label`` in bold, ``scale`` times the size of the text around it."""
    font = label.font()
    font.setPointSizeF(font.pointSizeF() * scale)
    font.setBold(True)
    label.setFont(font)
    return label


def _heading(text: str, name: str) -> QLabel:
    label = _bold(named(QLabel(text), name), 1.15)
    label.setContentsMargins(0, 10, 0, 2)
    return label


def _note(text: str) -> QLabel:
    label = value_label("note_label")
    label.setText(text)
    label.setStyleSheet(NOTE_STYLE)
    return label


def _two_columns(name: str, spacing: int) -> tuple[QWidget, QGridLayout]:
    """A box named ``name`` with a grid whose second column takes the width."""
    box = named(QWidget(), name)
    grid = QGridLayout(box)
    grid.setContentsMargins(8, 0, 0, 0)
    grid.setHorizontalSpacing(spacing)
    grid.setVerticalSpacing(3)
    grid.setColumnStretch(1, 1)
    return box, grid


def _bullets(lines: Sequence[str], name: str) -> QWidget:
    """``lines`` one under the other, each after a bullet, wrapping under its own start (not under the bullet)."""
    box, grid = _two_columns(name, 6)
    for row, line in enumerate(lines):
        bullet = QLabel("•")
        grid.addWidget(bullet, row, 0, Qt.AlignmentFlag.AlignTop)
        label = value_label(f"{name}_line")
        label.setText(line)
        grid.addWidget(label, row, 1)
    return box


def _pairs(lines: Sequence[str], name: str) -> QWidget:
    """The values the register holds ("Email: a@b, c@d"), each name in bold beside its values."""
    box, grid = _two_columns(name, 12)
    for row, line in enumerate(lines):
        key, sep, value = line.partition(": ")
        what = _bold(value_label(f"{name}_key"), 1.0)
        what.setText(key + ":" if sep else key)
        what.setWordWrap(False)
        grid.addWidget(what, row, 0, Qt.AlignmentFlag.AlignTop)
        shown = value_label(f"{name}_value")
        shown.setText(value)
        grid.addWidget(shown, row, 1)
    return box


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], stretches: Sequence[int], name: str) -> QFrame:
    """A small table of wrapping texts (never cut off, never a scroll bar of its own): a header row, then ``rows``
    on alternating backgrounds."""
    frame = named(QFrame(), name)
    frame.setStyleSheet(f"QFrame#{name} {{ border: 1px solid #c8ccd0; border-radius: 4px; }}")
    grid = QGridLayout(frame)
    grid.setContentsMargins(1, 1, 1, 1)
    grid.setSpacing(0)
    for col, stretch in enumerate(stretches):
        grid.setColumnStretch(col, stretch)
    for col, text in enumerate(headers):
        label = named(QLabel(text), f"{name}_header")
        label.setStyleSheet("font-weight: bold; padding: 5px 8px; border-bottom: 1px solid #c8ccd0;")
        grid.addWidget(label, 0, col)
    for r, cells in enumerate(rows, start=1):
        background = ALTERNATE_BACKGROUND if r % 2 == 0 else "transparent"
        for col, text in enumerate(cells):
            cell = value_label(f"{name}_cell")
            cell.setText(text)
            cell.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
            cell.setStyleSheet(f"QLabel {{ background: {background}; padding: 5px 8px; }}")
            if col == len(cells) - 1:
                cell.setWordWrap(False)  # a date is never split over two lines
            grid.addWidget(cell, r, col)
    return frame


def _clear(layout: QVBoxLayout) -> None:
    while (item := layout.takeAt(0)) is not None:
        widget = item.widget()
        if widget is not None:
            widget.hide()
            widget.deleteLater()


# --- the dialog -------------------------------------------------------------------------------------------------------


class ErasureDialog(QDialog):
    """Erase client ``client_ref`` under request ``request_ref``.

    ``erased`` once the erasure is done; ``document_recorded`` after the confirmation or a notice was saved, printed
    or emailed (the request window reads its timeline again). ``for_post``: the confirmation starts as a letter for
    post (the request came by post) or for email.
    """

    erased = Signal()
    document_recorded = Signal()

    def __init__(
        self, ctx: AppContext, client_ref: str, request_ref: str, for_post: bool, parent: QWidget | None = None
    ) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.client_ref = client_ref
        self.request_ref = request_ref
        self.for_post = for_post
        self.plan: ErasurePlan | None = None
        self.erasure_result: ErasureResult | None = None
        self._busy = False
        self._generation = 0
        self.setObjectName("erasure_dialog")
        self.setWindowTitle(f"Erase {client_ref} — {request_ref}")
        self.setSizeGripEnabled(True)
        self.setMinimumSize(640, 480)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.stack = named(QStackedWidget(), "pages")
        self.plan_page = self._build_plan_page()
        self.done_page = self._build_done_page()
        self.stack.addWidget(self.plan_page)
        self.stack.addWidget(self.done_page)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.resize(900, 780)
        self.load_plan()

    # --- the plan page -------------------------------------------------------------------------------------------

    def _build_plan_page(self) -> QWidget:
        page = named(QWidget(), "plan_page")
        self.header_label = named(QLabel(f"Erase {self.client_ref} under {self.request_ref}"), "header_label")
        self.header_label.setTextFormat(Qt.TextFormat.PlainText)
        self.header_label.setWordWrap(True)
        self.header_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        _bold(self.header_label, 1.35)
        self.busy_label = named(QLabel(BUSY_PLAN), "busy_label")
        self.busy_label.setStyleSheet(NOTE_STYLE)

        self.blockers_frame = named(QFrame(), "blockers_frame")
        self.blockers_frame.setStyleSheet(
            f"QFrame#blockers_frame {{ border: 2px solid {ERROR_COLOUR}; border-radius: 6px; background: #fdf2f2; }}"
            "QFrame#blockers_frame QLabel { border: none; background: transparent; color: #1e1e1e; }"
        )
        blockers_title = named(QLabel("This erasure cannot run yet"), "blockers_title")
        blockers_title.setStyleSheet(f"color: {ERROR_COLOUR}; font-weight: bold;")
        self.blockers_box = QVBoxLayout()
        blockers_column = QVBoxLayout(self.blockers_frame)
        blockers_column.setContentsMargins(12, 8, 12, 8)
        blockers_column.addWidget(blockers_title)
        blockers_column.addLayout(self.blockers_box)
        self.blockers_frame.hide()

        content = named(QWidget(), "plan_content")
        self.sections = QVBoxLayout()
        self.sections.setContentsMargins(0, 0, 0, 0)
        column = QVBoxLayout(content)
        column.setContentsMargins(4, 0, 12, 0)
        column.addLayout(self.sections)
        column.addStretch(1)
        self.plan_scroll = named(scrolling(content), "plan_scroll")

        self.password_edit = named(QLineEdit(), "password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText("the password you sign in with")
        self.password_edit.setMaximumWidth(320)
        password_label = QLabel("&Your password:")
        password_label.setBuddy(self.password_edit)
        self.checked_check = named(
            QCheckBox("I have &checked what will be erased and what will be kept"), "checked_check"
        )
        self.error_label = make_error_label("error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.erase_busy_label = named(QLabel(BUSY_ERASE), "erase_busy_label")
        self.erase_busy_label.setStyleSheet(NOTE_STYLE)
        self.erase_busy_label.hide()
        self.erase_button = named(QPushButton("Erase &permanently"), "erase_button")
        self.erase_button.setToolTip("Erase what the plan says, at once and for good; nothing can bring it back")
        self.erase_button.setStyleSheet(
            f"QPushButton#erase_button:enabled {{ background: {ERROR_COLOUR}; color: #ffffff; font-weight: bold;"
            " border: 1px solid #7d1414; border-radius: 4px; padding: 5px 14px; }"
        )
        self.erase_button.setDefault(True)
        self.cancel_button = named(QPushButton("Cancel"), "cancel_button")
        self.cancel_button.setAutoDefault(False)
        self.erase_button.clicked.connect(self._on_erase_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.password_edit.textChanged.connect(self._set_enabled)
        self.checked_check.toggled.connect(self._set_enabled)

        confirm = named(QFrame(), "confirm_frame")
        confirm.setFrameShape(QFrame.Shape.StyledPanel)
        password_row = QHBoxLayout()
        password_row.addWidget(password_label)
        password_row.addWidget(self.password_edit, 1)
        password_row.addStretch(1)
        buttons_row = QHBoxLayout()
        buttons_row.addWidget(self.erase_busy_label, 1)
        buttons_row.addStretch(0)
        buttons_row.addWidget(self.erase_button)
        buttons_row.addWidget(self.cancel_button)
        confirm_column = QVBoxLayout(confirm)
        confirm_column.addLayout(password_row)
        confirm_column.addWidget(self.checked_check)
        confirm_column.addWidget(self.error_label)
        confirm_column.addLayout(buttons_row)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.header_label)
        layout.addWidget(self.busy_label)
        layout.addWidget(self.blockers_frame)
        layout.addWidget(self.plan_scroll, 1)
        layout.addWidget(confirm)
        self._set_enabled()
        return page

    def load_plan(self, keep_message: bool = False) -> None:
        """Make the plan (again) in a task; the box is unticked, since the admin has to check the new plan."""
        self.plan = None
        self.checked_check.setChecked(False)
        if not keep_message:
            show_message(self.error_label, "")
        if self.ctx.signed_in is None:
            return
        if not self.ctx.who.identity.is_admin:
            self.busy_label.hide()
            show_message(self.error_label, f"{ONLY_ADMIN}.")
            self._set_enabled()
            return
        self._generation += 1
        generation, who, today = self._generation, self.ctx.who, ui_today(self.ctx)
        client_ref, request_ref = self.client_ref, self.request_ref

        def work() -> ErasurePlan:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import erasure

            with who.register.session() as session:
                return erasure.plan(session, client_ref, settings_mod.load(session), today, request_ref=request_ref)

        self.busy_label.setText(BUSY_PLAN)
        self.busy_label.show()
        self._set_enabled()
        self.ctx.tasks.run(
            work,
            on_done=lambda plan: self._on_plan_made(generation, plan),
            on_error=lambda exc: self._on_plan_failed(generation, exc),
        )

    def _on_plan_made(self, generation: int, plan: ErasurePlan) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.plan = plan
        self.busy_label.hide()
        self.show_plan(plan)
        self._set_enabled()
        if plan.can_run:
            self.password_edit.setFocus()

    def _on_plan_failed(self, generation: int, exc: BaseException) -> None:
        if not shiboken6.isValid(self) or generation != self._generation:
            return
        self.busy_label.hide()
        show_failure(self.error_label, exc, self)
        self._set_enabled()

    def show_plan(self, plan: ErasurePlan) -> None:
        self.header_label.setText(f"Erase {plan.client_ref} {plan.subject} under {plan.request_ref}")
        _clear(self.blockers_box)
        for sentence in plan.blockers:
            label = value_label("blocker_label")
            label.setText(f"• {sentence}")
            self.blockers_box.addWidget(label)
            label.show()  # at once, not after the next turn of the event loop
        self.blockers_frame.setVisible(bool(plan.blockers))

        _clear(self.sections)

        def add(widget: QWidget) -> None:
            self.sections.addWidget(widget)
            widget.show()  # at once, not after the next turn of the event loop

        add(_heading("Will be erased", "erased_heading"))
        add(_note("What the register holds now (shown only here, to check it):"))
        add(_pairs(plan.details, "details"))
        add(_note("What the confirmation letter and the erasure record will say:"))
        add(_bullets(plan.erased, "erased"))

        add(_heading("Will be kept", "kept_heading"))
        kept_rows = []
        for k in plan.kept:
            what = k.what + (f"\nKept: {', '.join(k.fields)}" if k.fields else "")
            kept_rows.append((what, k.ground, until_text(k.until)))
        add(_table(("What", "Why", "Until"), kept_rows, (5, 5, 0), "kept_table"))

        def add_list(lines: list[str], name: str, none: str, after: str = "") -> None:
            if not lines:
                add(_note(none))
                return
            add(_bullets(lines, name))
            if after:
                add(_note(after))

        add(_heading("Operators to tell (Art. 19)", "operators_heading"))
        add_list(
            [
                f"{n.operator_name}: {', '.join(n.categories)}" + (f" — through {', '.join(n.via)}" if n.via else "")
                for n in plan.notices
            ],
            "operators",
            "None: no operator received the data.",
            "A notice to each is made after the erasure, to save, print or email.",
        )
        add(_heading("Logins deleted from the vault / unlinked", "logins_heading"))
        add_list(
            [
                f"{x.operator_name}, {x.account_name}: "
                + (
                    "deleted from the vault, its password too"
                    if x.deleted
                    else "unlinked only (it serves other clients too, so it stays)"
                )
                for x in plan.logins
            ],
            "logins",
            "None.",
        )
        add(_heading("Files deleted", "files_heading"))
        add_list(
            [
                f"{a.filename} ({_size_text(a.size)}), "
                + (f"kept with {a.request_ref}" if a.request_ref else "the signed copy of an agreement")
                for a in plan.attachments
            ],
            "files",
            "None.",
        )

    def texts(self) -> list[str]:
        """Every text the plan page shows (what a clerk reads, for tests and screen readers alike)."""
        return [
            label.text()
            for label in self.plan_page.findChildren(QLabel)
            if label.isVisibleTo(self) and label.text() and not label.isHidden()
        ]

    @Slot()
    def _set_enabled(self, *_: object) -> None:
        ready = self.plan is not None and self.plan.can_run and not self._busy
        self.password_edit.setEnabled(ready)
        self.checked_check.setEnabled(ready)
        self.erase_button.setEnabled(ready and bool(self.password_edit.text()) and self.checked_check.isChecked())
        self.cancel_button.setEnabled(not self._busy)

    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        self.erase_busy_label.setVisible(busy)
        self._set_enabled()

    def is_busy(self) -> bool:
        return self._busy

    # --- erasing -------------------------------------------------------------------------------------------------

    @Slot()
    def _on_erase_button_clicked(self) -> None:
        plan = self.plan
        if plan is None or not self.erase_button.isEnabled():
            return
        password = self.password_edit.text()
        self.password_edit.clear()
        who, today = self.ctx.who, ui_today(self.ctx)

        def work() -> ErasureResult:
            from hartdesk.privacy import erasure

            who.require_admin()
            who.confirm_password(password)
            return erasure.erase(who.register, who.username, plan, who.settings(), today)

        show_message(self.error_label, "")
        self._set_busy(True)
        self.ctx.tasks.run(work, on_done=self._on_erased, on_error=self._on_erase_failed, serial=True)

    def _on_erased(self, result: ErasureResult) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        self.erasure_result = result
        self.show_done(result)
        self.erased.emit()

    def _on_erase_failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        self._set_busy(False)
        show_failure(self.error_label, exc, self)
        if isinstance(exc, (SignInError, ThrottledError)):
            self.password_edit.setFocus()
        elif isinstance(exc, ValidationError):  # the register changed, or something now stops it: look again
            self.load_plan(keep_message=True)

    def reject(self) -> None:
        """Not while the erasure runs: it finishes either way, and the next page says what to do next."""
        if not self._busy:
            QDialog.reject(self)

    # --- the done page -------------------------------------------------------------------------------------------

    def _build_done_page(self) -> QWidget:
        page = named(QWidget(), "done_page")
        self.done_label = named(QLabel(DONE_TEXT), "done_label")
        self.done_label.setWordWrap(True)
        _bold(self.done_label, 1.35)
        self.done_label.setStyleSheet(f"color: {OK_COLOUR};")
        self.summary_label = value_label("summary_label")
        self.keyring_label = value_label("keyring_label")
        self.keyring_label.setStyleSheet(f"color: {ERROR_COLOUR};")
        self.keyring_label.hide()

        self.confirmation_button = named(QPushButton("&Confirmation letter…"), "confirmation_button")
        self.confirmation_button.setToolTip("The letter telling the person what was erased, and what is kept and why")
        self.confirmation_button.setAutoDefault(False)
        self.confirmation_button.clicked.connect(self._on_confirmation_button_clicked)
        letter_note = _note("It tells the person what was erased, and what is kept, why and until when.")
        letter_row = QHBoxLayout()
        letter_row.addWidget(self.confirmation_button)
        letter_row.addWidget(letter_note, 1)

        self.notices_panel = NoticesPanel(self.ctx, self.request_ref, fit_rows=True)
        self.notices_panel.notice_recorded.connect(self.document_recorded)
        self.done_buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close = self.done_buttons.button(QDialogButtonBox.StandardButton.Close)
        close.setObjectName("close_button")
        close.setAutoDefault(False)
        self.done_buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.done_label)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.keyring_label)
        layout.addWidget(_heading("1. The confirmation to the person", "confirmation_heading"))
        layout.addLayout(letter_row)
        layout.addWidget(_heading("2. The operators to tell (Art. 19)", "notices_heading"))
        layout.addWidget(self.notices_panel)
        layout.addStretch(1)
        layout.addWidget(self.done_buttons)
        return page

    def show_done(self, result: ErasureResult) -> None:
        self.summary_label.setText(
            f"{result.client_ref} was erased under {result.request_ref}, and the request is completed; the erasure "
            "is on its timeline and in the audit log."
        )
        left = result.keyring_entries_left
        self.keyring_label.setText(
            f"{left} login password{'s' if left != 1 else ''} could not be deleted from the keyring yet: hartdesk "
            "deletes them at the next sign-in, once the keyring answers."
            if left
            else ""
        )
        self.keyring_label.setVisible(bool(left))
        self.stack.setCurrentWidget(self.done_page)
        self.setWindowTitle(f"Erased {result.client_ref} — {result.request_ref}")
        self.notices_panel.refresh()
        self.confirmation_button.setFocus()

    def open_confirmation(self) -> DocumentDialog:
        from hartdesk.ui.document_dialog import open_document

        title, maker = confirmation_title(self.request_ref), confirmation_maker(self.request_ref)
        return open_document(self.ctx, self, title, maker, self.document_recorded.emit, for_post=self.for_post)

    @Slot()
    def _on_confirmation_button_clicked(self) -> None:
        self.open_confirmation()
