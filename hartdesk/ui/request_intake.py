"""Logging a new privacy request, one dialog for each way a request arrives: by email, on the phone, by post or in
person.

:class:`RequestIntakeDialog` holds what every channel shares — the requester (with the clients and contacts they may
be, suggested as the clerk types), whose data it is, the request itself — and the saving; each channel's subclass
adds the fields only it has (the email file and its attachments; the time of a call and the identity questions
asked; the letter's dates and its scan; a visit and the identity seen) and says how they go into the
:class:`~hartdesk.privacy.requests.RequestInput`.

Saving checks the form and looks for the same request already logged in a task; a request received before the
register was created, or one that looks like a request already logged, asks the clerk first. The request is then
logged in one transaction (:func:`~hartdesk.privacy.requests.log_request`), and a problem the register finds shows
under its field with nothing saved. Enter moves to the next field (a half-filled form is never logged by
accident); Ctrl+Enter, or the Log request button, logs; Esc cancels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar

import shiboken6
from PySide6.QtCore import QDate, QDateTime, QEvent, QObject, Qt, QTime, Signal, Slot
from PySide6.QtGui import QAction, QDragEnterEvent, QDropEvent, QKeyEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDateTimeEdit,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QPlainTextEdit,
    QPushButton,
    QRadioButton,
    QSizePolicy,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from hartdesk.dates import UK, format_short_date, uk_date
from hartdesk.errors import FormError, ValidationError
from hartdesk.models.enums import IdentityMethod, RequestChannel, RequestRole, RequestType
from hartdesk.privacy.attachments import describe_size
from hartdesk.privacy.requests import IdentityAnswer, NewAttachment, PossibleDuplicate, RequestInput, Suggestion
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    WARNING_STYLE,
    FormDialog,
    confirmation,
    look_up,
    make_error_label,
    named,
    pause_timer,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.privacy.mail import MailMessage
    from hartdesk.ui.tasks import TaskRunner

LOOK_UP_DELAY_MS = 300  # the pause in typing after which the register is searched for the requester
MAIL_FILTER = "Saved emails (*.eml *.msg);;All files (*)"
SCAN_FILTER = "Scans (*.pdf *.png *.jpg *.jpeg *.tif *.tiff);;All files (*)"
DATE_FORMAT = "dd/MM/yyyy"
DATE_TIME_FORMAT = "dd/MM/yyyy HH:mm"
COMMON_QUESTIONS = (
    "Postcode of the billing address",
    "First line of the billing address",
    "Email address we hold for them",
    "A domain name on their account",
    "Amount of the last invoice",
    "Date of the last payment",
)
DUPLICATE_REASONS = {
    "same email": "from the same email",
    "same client": "for the same client",
    "same name": "from someone of the same name",
}
MEDIA_TYPES = {
    "application/pdf": "PDF",
    "message/rfc822": "Email message",
    "application/vnd.ms-outlook": "Outlook message",
    "image/png": "PNG image",
    "image/jpeg": "JPEG image",
    "image/tiff": "TIFF image",
    "text/plain": "Text",
}


# --- small helpers ----------------------------------------------------------------------------------------------------


def uk_now(ctx: AppContext) -> datetime:
    """Now in the UK, on the context's clock (requests are dated by the UK date whatever the computer's zone)."""
    return datetime.fromtimestamp(ctx.clock(), UK)


def uk_today_of(ctx: AppContext) -> date:
    return uk_now(ctx).date()


def to_qdate(value: date) -> QDate:
    return QDate(value.year, value.month, value.day)


def from_qdate(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def to_qdatetime(value: datetime) -> QDateTime:
    """The wall-clock time of ``value`` (UK time), whatever the computer's own zone."""
    return QDateTime(to_qdate(value.date()), QTime(value.hour, value.minute))


def from_qdatetime(value: QDateTime) -> datetime:
    """The wall-clock time shown, read as UK time (an aware datetime)."""
    day, time = value.date(), value.time()
    return datetime(day.year(), day.month(), day.day(), time.hour(), time.minute(), tzinfo=UK)


def type_text(media_type: str) -> str:
    return MEDIA_TYPES.get(media_type, media_type)


def day_text(day: date, today: date) -> str:
    """ "3 Nov" this year, "3 Nov 2025" another."""
    text = format_short_date(day)
    return text.rsplit(" ", 1)[0] if day.year == today.year else text


def duplicate_text(dup: PossibleDuplicate, today: date) -> str:
    """ "R-2026-0012 from the same email, received 3 Nov, still open"."""
    reason = DUPLICATE_REASONS.get(dup.reason, f"with the {dup.reason}")
    state = "still open" if not dup.status.is_closed else dup.status.label.lower()
    return f"{dup.ref} {reason}, received {day_text(dup.received_on, today)}, {state}"


def suggestion_text(s: Suggestion) -> str:
    """ "Zoë Łukasiewicz-Öztürk — C-00042 Zoe's Bakery (same email)"."""
    client = f"{s.client_ref} {s.client_name}"
    return f"{s.contact_name} — {client} ({s.reason})" if s.contact_name else f"{client} ({s.reason})"


def date_edit(name: str, value: date, latest: date) -> QDateEdit:
    """A date with a calendar to pick it from, no later than ``latest``."""
    edit = named(QDateEdit(to_qdate(value)), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setMaximumDate(to_qdate(latest))
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    return edit


def line_edit(name: str, max_length: int, placeholder: str = "") -> QLineEdit:
    edit = named(QLineEdit(), name)
    edit.setMaxLength(max_length)
    edit.setPlaceholderText(placeholder)
    return edit


def text_edit(name: str, lines: int, placeholder: str = "") -> QPlainTextEdit:
    """Several lines of text; Tab leaves it (Enter starts a new line)."""
    edit = named(QPlainTextEdit(), name)
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(placeholder)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * lines + 14)
    return edit


def note_label(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    if name:
        label.setObjectName(name)
    label.setStyleSheet(NOTE_STYLE)
    label.setWordWrap(True)
    return label


def button(text: str, name: str, tooltip: str = "") -> QPushButton:
    """A button that Enter in another field never presses."""
    made = named(QPushButton(text), name)
    made.setAutoDefault(False)
    if tooltip:
        made.setToolTip(tooltip)
    return made


def read_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of ``path`` (run in a task); a clerk's message if it cannot be read or is too large."""
    try:
        if limit is not None and path.stat().st_size > limit:
            raise ValidationError(f"{path.name} is larger than {describe_size(limit)}: hartdesk cannot keep it.")
        return path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{path} cannot be read: {exc.strerror or exc}.") from None


# --- parts the dialogs share ------------------------------------------------------------------------------------------


class ChoiceList(QWidget):
    """Matches found in the register as the clerk types, one of which can be chosen; the choice then shows on a line
    of its own with a Clear button (and the matches hide).

    ``look_up_soon(finder)`` runs ``finder()`` in a task after a short pause (each call restarts the pause); an
    answer to anything but the latest look-up is dropped. Enter or a double-click on a match chooses it.
    """

    choice_changed = Signal()

    def __init__(self, tasks: TaskRunner, name: str, heading: str, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName(name)
        self._tasks = tasks
        self._values: list[object] = []
        self._finder: Callable[[], list[tuple[str, object]]] | None = None
        self._asked = 0  # moved on by each look-up: only the answer to the latest is shown
        self.chosen: object | None = None
        self.heading = note_label(heading)
        self.matches = named(QListWidget(), f"{name}_matches")
        self.matches.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._row_height = self.matches.fontMetrics().height() + 4
        self.matches.setToolTip("Enter or double-click links the one chosen")
        self.matches.installEventFilter(self)
        self.chosen_label = named(QLabel(), f"{name}_chosen")
        self.chosen_label.setWordWrap(True)
        self.chosen_label.setTextFormat(Qt.TextFormat.PlainText)
        self.clear_button = button("Clear", f"{name}_clear_button", "Forget the choice")
        chosen_row = QHBoxLayout()
        chosen_row.setContentsMargins(0, 0, 0, 0)
        chosen_row.addWidget(self.chosen_label, 1)
        chosen_row.addWidget(self.clear_button, 0, Qt.AlignmentFlag.AlignTop)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.heading)
        layout.addWidget(self.matches)
        layout.addLayout(chosen_row)
        self.timer = pause_timer(self, LOOK_UP_DELAY_MS, self._on_timer_timeout)
        self.matches.itemActivated.connect(lambda _item: self._choose_current())
        self.clear_button.clicked.connect(self.clear_choice)
        self._show_state()

    def look_up_soon(self, finder: Callable[[], list[tuple[str, object]]] | None) -> None:
        """Look up with ``finder`` (run in a task) once typing pauses; ``None`` forgets the matches."""
        self._finder = finder
        if finder is None:
            self.timer.stop()
            self._asked += 1
            self.set_matches([])
        else:
            self.timer.start()

    @Slot()
    def _on_timer_timeout(self) -> None:
        finder = self._finder
        if finder is None:
            return
        self._asked += 1
        asked = self._asked
        look_up(self._tasks, self, finder, lambda: asked == self._asked, self.set_matches)

    def set_matches(self, found: Sequence[tuple[str, object]]) -> None:
        self.matches.clear()
        self._values = [value for _, value in found]
        self.matches.addItems([text for text, _ in found])
        if found:
            self.matches.setCurrentRow(0)
        rows = min(max(len(found), 1), 4)  # as tall as the matches, up to four (then it scrolls)
        self.matches.setFixedHeight(rows * max(self._row_height, self.matches.sizeHintForRow(0)) + 6)
        self._show_state()

    def match_texts(self) -> list[str]:
        return [self.matches.item(i).text() for i in range(self.matches.count())]

    def choose(self, text: str, value: object) -> None:
        self.chosen = value
        self.chosen_label.setText(text)
        self._show_state()
        self.choice_changed.emit()

    def clear_choice(self) -> None:
        had_focus = self.clear_button.hasFocus()
        self.chosen = None
        self.chosen_label.clear()
        self._show_state()
        if had_focus and not self.matches.isHidden():
            self.matches.setFocus()
        self.choice_changed.emit()

    def _choose_current(self) -> None:
        row = self.matches.currentRow()
        if 0 <= row < len(self._values):
            self.choose(self.matches.item(row).text(), self._values[row])
            self.clear_button.setFocus()

    def _show_state(self) -> None:
        chosen = self.chosen is not None
        listed = bool(self._values) and not chosen
        self.heading.setVisible(listed)
        self.matches.setVisible(listed)
        self.chosen_label.setVisible(chosen)
        self.clear_button.setVisible(chosen)
        self.setVisible(listed or chosen)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Enter on a match chooses it (instead of reaching the dialog)."""
        if (
            watched is self.matches
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and not event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            self._choose_current()
            return True
        return QWidget.eventFilter(self, watched, event)

    def focus_order(self) -> list[QWidget]:
        return [self.matches, self.clear_button]


@dataclass(frozen=True)
class ListedFile:
    """A file to be kept with the request, already checked (:func:`~hartdesk.privacy.attachments.check_attachment`)."""

    filename: str
    media_type: str
    content: bytes
    is_original: bool = False

    def as_new(self) -> NewAttachment:
        return NewAttachment(self.filename, self.content, self.is_original)


class FileList(QWidget):
    """The files kept with the request: name, type and size; optionally a button to remove the one selected."""

    def __init__(self, name: str, empty_text: str, removable: bool, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName(name)
        self.files: list[ListedFile] = []
        self.tree = named(QTreeWidget(), f"{name}_tree")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Name", "Type", "Size"])
        self.tree.setRootIsDecorated(False)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setMaximumHeight(self.tree.fontMetrics().lineSpacing() * 4 + 30)
        header = self.tree.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.empty_label = note_label(empty_text, f"{name}_empty")
        self.remove_button = button("Remo&ve", f"{name}_remove_button", "Remove the file selected")
        self.remove_button.setVisible(removable)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.empty_label)
        layout.addWidget(self.tree)
        self.buttons = QHBoxLayout()  # the button adding files goes here too
        self.buttons.addWidget(self.remove_button)
        self.buttons.addStretch(1)
        layout.addLayout(self.buttons)
        self._removable = removable
        self.remove_button.clicked.connect(self._on_remove_button_clicked)
        self._refresh()

    def set_files(self, files: Sequence[ListedFile]) -> None:
        self.files = list(files)
        self._refresh()

    def add(self, file: ListedFile) -> None:
        self.files.append(file)
        self._refresh()
        last = self.tree.topLevelItem(len(self.files) - 1)
        if last is not None:
            self.tree.setCurrentItem(last)

    def names(self) -> list[str]:
        return [f.filename for f in self.files]

    def _refresh(self) -> None:
        self.tree.clear()
        for f in self.files:
            name = f"{f.filename} (the original message)" if f.is_original else f.filename
            item = QTreeWidgetItem([name, type_text(f.media_type), describe_size(len(f.content))])
            item.setToolTip(0, name)
            item.setTextAlignment(2, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.tree.addTopLevelItem(item)
        self.tree.setVisible(bool(self.files))
        self.empty_label.setVisible(not self.files)
        self.remove_button.setVisible(self._removable and bool(self.files))

    @Slot()
    def _on_remove_button_clicked(self) -> None:
        current = self.tree.currentItem()
        row = self.tree.indexOfTopLevelItem(current) if current is not None else -1
        if 0 <= row < len(self.files):
            del self.files[row]
            self._refresh()

    def focus_order(self) -> list[QWidget]:
        return [self.tree, self.remove_button]


class QuestionRow(QWidget):
    """One question asked (typed, or one of the common ones from the list), whether it was answered correctly, and
    a button removing the row."""

    def __init__(self, number: int, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.question_combo = named(QComboBox(), f"question_combo_{number}")
        self.question_combo.setEditable(True)
        self.question_combo.addItems(COMMON_QUESTIONS)
        self.question_combo.setCurrentIndex(-1)
        self.question_combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.question_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.question_combo.setToolTip("Type the question asked, or choose a common one")
        line = self.question_combo.lineEdit()
        if line is not None:
            line.setMaxLength(300)
            line.setPlaceholderText("e.g. postcode of their address")
        self.correct_check = named(QCheckBox("Answered correctly"), f"correct_check_{number}")
        self.remove_button = named(QToolButton(), f"remove_question_button_{number}")
        self.remove_button.setText("✕")
        self.remove_button.setToolTip("Remove this question")
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.question_combo, 1)
        row.addWidget(self.correct_check)
        row.addWidget(self.remove_button)

    def answer(self) -> IdentityAnswer | None:
        question = self.question_combo.currentText()
        return IdentityAnswer(question, self.correct_check.isChecked()) if question.strip() else None

    def focus_order(self) -> list[QWidget]:
        return [self.question_combo, self.correct_check, self.remove_button]


class IdentityQuestions(QWidget):
    """The questions asked to check who the person is, each with "answered correctly"; rows are added and removed
    as needed, and a blank one is left out."""

    rows_changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName("identity_questions")
        self.rows: list[QuestionRow] = []
        self._made = 0
        self.rows_layout = QVBoxLayout()
        self.rows_layout.setContentsMargins(0, 0, 0, 0)
        self.add_button = button("Add &question", "add_question_button", "Another question asked")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(self.rows_layout)
        layout.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.add_button.clicked.connect(self._on_add_button_clicked)

    def add_row(self) -> QuestionRow:
        row = QuestionRow(self._made)
        self._made += 1
        row.remove_button.clicked.connect(lambda: self._remove(row))
        self.rows.append(row)
        self.rows_layout.addWidget(row)
        self.rows_changed.emit()
        return row

    def answers(self) -> tuple[IdentityAnswer, ...]:
        return tuple(answer for row in self.rows if (answer := row.answer()) is not None)

    def _remove(self, row: QuestionRow) -> None:
        if row not in self.rows:
            return
        index = self.rows.index(row)
        self.rows.remove(row)
        self.rows_layout.removeWidget(row)
        row.hide()
        row.deleteLater()
        self.rows_changed.emit()
        if self.rows:
            self.rows[min(index, len(self.rows) - 1)].question_combo.setFocus()
        else:
            self.add_button.setFocus()

    @Slot()
    def _on_add_button_clicked(self) -> None:
        self.add_row().question_combo.setFocus()

    def focus_order(self) -> list[QWidget]:
        return [*itertools.chain.from_iterable(row.focus_order() for row in self.rows), self.add_button]


@dataclass(frozen=True)
class _Checked:
    """What the check before saving found."""

    data: RequestInput  # cleaned
    started: date | None  # the day the register was created
    duplicates: list[PossibleDuplicate]


# --- the dialog -------------------------------------------------------------------------------------------------------


class RequestIntakeDialog(FormDialog):
    """What every channel shares; a subclass sets ``channel`` and adds its own fields through the hooks below.

    Accepted once the request is logged: ``saved_ref`` and ``saved_due`` hold its reference and due date.
    """

    channel: ClassVar[RequestChannel]
    window_title: ClassVar[str] = "New request"
    section_title: ClassVar[str] = ""  # the group of the channel's own fields (when, and what came with it)
    extra_title: ClassVar[str] = ""  # the group under "Whose data" (attachments, identity...), if any

    request_logged = Signal(str)  # the reference

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        FormDialog.__init__(self, ctx, self.window_title, "&Log request", parent)
        self.setObjectName("request_intake")
        self.setSizeGripEnabled(True)
        self.saved_ref: str | None = None
        self.saved_due: date | None = None
        self.now = uk_now(ctx)
        self.today = self.now.date()
        self._sent_files: tuple[ListedFile, ...] = ()
        self._shown = False

        # --- the requester ------------------------------------------------------------------------------------
        self.name_edit = line_edit("name_edit", 200, "Full name, as they gave it")
        self.email_edit = line_edit("email_edit", 320, "name@example.co.uk")
        self.phone_edit = line_edit("phone_edit", 40, "020 7946 0018")
        self.address_edit = text_edit("address_edit", 3, "Postal address, if they gave one")
        self.suggestions = ChoiceList(ctx.tasks, "suggestions", "Already in the register? Choose one to link:")
        requester_box = QGroupBox("Requester")
        requester = QFormLayout(requester_box)
        requester.addRow("&Name:", self.problems.wrap("requester_name", self.name_edit))
        requester.addRow("E&mail:", self.problems.wrap("requester_email", self.email_edit))
        requester.addRow("&Phone:", self.problems.wrap("requester_phone", self.phone_edit))
        requester.addRow("&Address:", self.problems.wrap("requester_address", self.address_edit))
        requester.addRow(self.problems.wrap("client_ref", self.suggestions, self.suggestions.matches))

        # --- whose data ---------------------------------------------------------------------------------------
        self.ours_radio = named(QRadioButton("O&urs (the agency is the controller)"), "ours_radio")
        self.client_radio = named(QRadioButton("A cl&ient's (forward the request to them)"), "client_radio")
        self.ours_radio.setChecked(True)
        self.role_group = QButtonGroup(self)
        self.role_group.addButton(self.ours_radio)
        self.role_group.addButton(self.client_radio)
        self.controller_edit = line_edit("controller_edit", 200, "Type the client's name or reference")
        self.controller_label = QLabel("&Find the client:")
        self.controller_label.setBuddy(self.controller_edit)
        self.controller = ChoiceList(ctx.tasks, "controller", "Choose the client whose data it is:")
        controller_box = QWidget()
        controller_column = QVBoxLayout(controller_box)
        controller_column.setContentsMargins(0, 0, 0, 0)
        controller_row = QHBoxLayout()
        controller_row.addWidget(self.controller_label)
        controller_row.addWidget(self.controller_edit, 1)
        controller_column.addLayout(controller_row)
        controller_column.addWidget(self.controller)
        self.controller_box = self.problems.wrap("controller_client_ref", controller_box, self.controller_edit)
        whose_box = QGroupBox("Whose data")
        whose = QVBoxLayout(whose_box)
        whose.addWidget(self.ours_radio)
        whose.addWidget(self.client_radio)
        whose.addWidget(self.controller_box)

        # --- the request --------------------------------------------------------------------------------------
        self.type_combo = named(QComboBox(), "type_combo")
        self.type_combo.addItems([kind.label for kind in RequestType])
        self.type_choices = list(RequestType)
        self.subject_edit = line_edit("subject_edit", 300, "A few words, e.g. copy of everything held")
        self.details_edit = text_edit("details_edit", 8, "What they asked for, in their words where possible")
        self.details_edit.setMinimumHeight(self.details_edit.height())
        self.details_edit.setMaximumHeight(16777215)
        self.note_edit = text_edit("note_edit", 3, "Anything else worth keeping")
        request_box = QGroupBox(self.section_title or "Request")
        self.request_form = QFormLayout(request_box)
        self.build_when(self.request_form)
        self.request_form.addRow("&Type:", self.type_combo)
        self.request_form.addRow("Su&bject:", self.problems.wrap("subject", self.subject_edit))
        details = self.problems.wrap("details", self.details_edit)
        details.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.request_form.addRow("&What was asked:", details)
        self.request_form.addRow("Not&e:", self.problems.wrap("note", self.note_edit))

        # --- the page -----------------------------------------------------------------------------------------
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        top = self.build_top()
        if top is not None:
            grid.addWidget(top, 0, 0, 1, 2)
        left = QVBoxLayout()
        left.addWidget(requester_box)
        left.addWidget(whose_box)
        extra = self.build_extra()
        if extra is not None:
            extra_box = QGroupBox(self.extra_title)
            QVBoxLayout(extra_box).addWidget(extra)
            left.addWidget(extra_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(request_box, 1)  # what was asked grows with the window
        grid.addLayout(left, 1, 0)
        grid.addLayout(right, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.finish_scrolling_form(
            page,
            note_label("Enter moves to the next field; Ctrl+Enter logs the request; Esc cancels."),
            "Log the request (Ctrl+Enter)",
            "log_button",
        )

        self.name_edit.textEdited.connect(self._on_requester_edited)
        self.email_edit.textEdited.connect(self._on_requester_edited)
        self.phone_edit.textEdited.connect(self._on_requester_edited)
        self.suggestions.choice_changed.connect(self._on_suggestions_choice_changed)
        self.controller_edit.textEdited.connect(self._on_controller_edit_text_edited)
        self.client_radio.toggled.connect(self._on_client_radio_toggled)
        self.controller.choice_changed.connect(self._on_controller_choice_changed)
        self._on_client_radio_toggled(False)
        self.update_tab_order()
        self.resize(980, 660)

    # --- hooks for each channel -------------------------------------------------------------------------------

    def build_when(self, form: QFormLayout) -> None:
        """Add the rows saying when the request arrived to the top of the request's ``form``."""
        raise NotImplementedError

    def build_top(self) -> QWidget | None:
        """A row across the top of the dialog, if the channel has one."""
        return None

    def build_extra(self) -> QWidget | None:
        """The group under "Whose data" (titled ``extra_title``), if the channel has one."""
        return None

    def when_focus(self) -> list[QWidget]:
        return []

    def top_focus(self) -> list[QWidget]:
        return []

    def extra_focus(self) -> list[QWidget]:
        return []

    def channel_input(self, data: RequestInput) -> RequestInput:
        """``data`` with what only this channel knows."""
        return data

    def channel_problems(self, data: RequestInput) -> dict[str, str]:
        """Problems only this channel looks for (keyed like :class:`FormError`)."""
        return {}

    def first_field(self) -> QWidget:
        return self.name_edit

    # --- focus and keys ---------------------------------------------------------------------------------------

    def update_tab_order(self) -> None:
        chain: list[QWidget] = [
            *self.top_focus(),
            self.name_edit,
            self.email_edit,
            self.phone_edit,
            self.address_edit,
            *self.suggestions.focus_order(),
            self.ours_radio,
            self.client_radio,
            self.controller_edit,
            *self.controller.focus_order(),
            *self.extra_focus(),
            *self.when_focus(),
            self.type_combo,
            self.subject_edit,
            self.details_edit,
            self.note_edit,
            self.ok_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

    def showEvent(self, event: QShowEvent) -> None:
        FormDialog.showEvent(self, event)
        if not self._shown:
            self._shown = True
            self.first_field().setFocus()
        self.ok_button.setDefault(False)  # the button box makes it the default as it shows: Enter must not log

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Enter logs; Enter presses the button that has the focus, and in a field moves to the next one."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                if self.ok_button.isEnabled():
                    self.submit()
                return
            focus = self.focusWidget()
            if isinstance(focus, QPushButton | QToolButton):
                focus.click()
            else:
                self.focusNextChild()
            return
        FormDialog.keyPressEvent(self, event)

    # --- finding the requester and the controller -------------------------------------------------------------

    @Slot()
    def _on_requester_edited(self, *_: object) -> None:
        self.look_up_requester()

    def look_up_requester(self) -> None:
        """Suggest the clients and contacts the requester may be, once typing pauses."""
        name, email, phone = self.name_edit.text().strip(), self.email_edit.text().strip(), self.phone_edit.text()
        if self.ctx.signed_in is None or not (len(name) >= 2 or email or phone.strip()):
            self.suggestions.look_up_soon(None)
            return
        who = self.ctx.who

        def find() -> list[tuple[str, object]]:
            from hartdesk.privacy import requests

            with who.register.session() as session:
                found = requests.suggest_requesters(session, name=name, email=email, phone=phone)
            return [(suggestion_text(s), s) for s in found]

        self.suggestions.look_up_soon(find)

    @Slot()
    def _on_suggestions_choice_changed(self) -> None:
        chosen = self.suggestions.chosen
        if isinstance(chosen, Suggestion):
            who = f" (contact {chosen.contact_name})" if chosen.contact_name else ""
            self.suggestions.chosen_label.setText(f"Linked to {chosen.client_ref} {chosen.client_name}{who}")
            self.problems.set("client_ref", "")
        else:
            self.look_up_requester()

    def linked(self) -> Suggestion | None:
        chosen = self.suggestions.chosen
        return chosen if isinstance(chosen, Suggestion) else None

    @Slot(str)
    def _on_controller_edit_text_edited(self, text: str) -> None:
        typed = text.strip()
        if not typed or self.ctx.signed_in is None:
            self.controller.look_up_soon(None)
            return
        who = self.ctx.who

        def find() -> list[tuple[str, object]]:
            from hartdesk.register import search

            with who.register.session() as session:
                rows = search.list_clients(session, search.ClientQuery(text=typed), 0, 8)
            return [(f"{r.ref} {r.name}", r.ref) for r in rows]

        self.controller.look_up_soon(find)

    @Slot(bool)
    def _on_client_radio_toggled(self, checked: bool) -> None:
        self.controller_box.setVisible(checked)
        if not checked:
            self.problems.set("controller_client_ref", "")

    @Slot()
    def _on_controller_choice_changed(self) -> None:
        self.controller_edit.setVisible(self.controller.chosen is None)
        self.controller_label.setVisible(self.controller.chosen is None)
        if self.controller.chosen is None:
            self.controller_edit.setFocus()
        else:
            self.problems.set("controller_client_ref", "")

    # --- saving -----------------------------------------------------------------------------------------------

    def form_input(self) -> RequestInput:
        """What the fields hold."""
        linked = self.linked()
        processor = self.client_radio.isChecked()
        data = RequestInput(
            kind=self.type_choices[max(0, self.type_combo.currentIndex())],
            channel=self.channel,
            received_on=self.today,
            requester_name=self.name_edit.text(),
            requester_email=self.email_edit.text(),
            requester_phone=self.phone_edit.text(),
            requester_address=self.address_edit.toPlainText(),
            client_ref=linked.client_ref if linked is not None else "",
            contact_id=linked.contact_id if linked is not None else None,
            role=RequestRole.PROCESSOR if processor else RequestRole.CONTROLLER,
            controller_client_ref=str(self.controller.chosen or "") if processor else "",
            subject=self.subject_edit.text(),
            details=self.details_edit.toPlainText(),
            note=self.note_edit.toPlainText(),
        )
        return self.channel_input(data)

    def show_error(self, exc: BaseException) -> None:
        """A :class:`FormError` under its fields: a question's or a file's problem under the list it is in."""
        if isinstance(exc, FormError):
            exc = FormError(self._placed(exc.problems))
        FormDialog.show_error(self, exc)

    def _placed(self, problems: dict[str, str]) -> dict[str, str]:
        placed: dict[str, str] = {}
        for key, message in problems.items():
            head, _, rest = key.partition(".")
            if head == "identity_questions" and rest.isdigit():
                placed.setdefault("identity_questions", f"Question {int(rest) + 1}: {message}")
            elif head == "attachments" and rest.isdigit() and int(rest) < len(self._sent_files):
                placed.setdefault("attachments", f"{self._sent_files[int(rest)].filename}: {message}")
            elif key == "received_at":
                placed.setdefault("received_on", message)
            else:
                placed.setdefault(key, message)
        return placed

    def submit(self) -> None:
        if self.ctx.signed_in is None or not self.ok_button.isEnabled():
            return
        data = self.form_input()
        extra = self.channel_problems(data)
        who, today = self.ctx.who, self.today

        def check() -> _Checked:
            from hartdesk.privacy import requests

            problems: dict[str, str] = {}
            try:
                cleaned = requests.validate_request(data, today)
            except FormError as exc:
                problems = dict(exc.problems)
                cleaned = data
            problems.update({k: v for k, v in extra.items() if k not in problems})
            if problems:
                raise FormError(problems)
            with who.register.session() as session:
                return _Checked(
                    cleaned, requests.register_started(session), requests.likely_duplicates(session, cleaned)
                )

        self.problems.clear()
        self.run_work(check, self._on_checked, serial=False)

    def _on_checked(self, checked: _Checked) -> None:
        started = checked.started
        if started is not None and checked.data.received_on < started:
            box = confirmation(
                self,
                "earlier_confirmation",
                "Received before the register began",
                f"This register was created on {format_short_date(started)}; log a request received before then?",
                f"The request is dated {format_short_date(checked.data.received_on)}. Its due date is counted from "
                "that day.",
                "&Log it",
                lambda: self._confirm_duplicates(checked, None),
            )
            box.open()
            return
        self._confirm_duplicates(checked, started)

    def _confirm_duplicates(self, checked: _Checked, earliest: date | None) -> None:
        if not checked.duplicates:
            self._write(checked.data, earliest)
            return
        lines = [duplicate_text(d, self.today) for d in checked.duplicates]
        if len(lines) == 1:
            text = f"{lines[0]}. Log this one anyway?"
        else:
            text = "These requests look like this one:\n" + "\n".join(f"• {line}" for line in lines)
            text += "\nLog this one anyway?"
        box = confirmation(
            self,
            "duplicate_confirmation",
            "The same request?",
            text,
            "If the person asked again, log it and note that it repeats the earlier one.",
            "&Log anyway",
            lambda: self._write(checked.data, earliest),
        )
        box.setTextFormat(Qt.TextFormat.PlainText)
        box.open()

    def _write(self, data: RequestInput, earliest: date | None) -> None:
        who, today = self.ctx.who, self.today

        def work() -> tuple[str, date | None]:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import requests

            with who.register.session() as session:
                made = requests.log_request(session, who.username, data, settings_mod.load(session), today, earliest)
                return made.ref, made.due_on

        self.save(work, self._on_logged)

    def _on_logged(self, result: tuple[str, date | None]) -> None:
        self.saved_ref, self.saved_due = result
        self.request_logged.emit(self.saved_ref)
        self.accept()


# --- by email ---------------------------------------------------------------------------------------------------------


class EmailIntakeDialog(RequestIntakeDialog):
    """A request that arrived by email: open the saved message (or drop it on the window) and confirm what it says."""

    channel = RequestChannel.EMAIL
    window_title = "New request by email"
    section_title = "Request"
    extra_title = "Attachments kept with the request"

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        RequestIntakeDialog.__init__(self, ctx, parent)
        # A file dropped on a text field would otherwise be pasted into it as its path.
        for edit in self.findChildren(QLineEdit):
            edit.installEventFilter(self)
        for text in self.findChildren(QPlainTextEdit):
            text.viewport().installEventFilter(self)

    def build_when(self, form: QFormLayout) -> None:
        self.received_edit = date_edit("received_edit", self.today, self.today)
        form.addRow("&Received:", self.problems.wrap("received_on", self.received_edit))

    def build_top(self) -> QWidget:
        self.setAcceptDrops(True)
        self.open_email_button = button("&Open email…", "open_email_button", "Open a saved .eml or .msg file (Ctrl+O)")
        open_action = QAction(self)
        open_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Open))
        open_action.triggered.connect(self._on_open_email_button_clicked)
        self.addAction(open_action)
        self.file_label = named(QLabel(), "file_label")
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.file_label.setStyleSheet(NOTE_STYLE)
        self.file_label.setText("or drop a saved email (.eml or .msg) onto this window")
        self.file_error = make_error_label("file_error")
        self.file_error.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings_box = named(QLabel(), "warnings_box")
        self.warnings_box.setTextFormat(Qt.TextFormat.PlainText)
        self.warnings_box.setWordWrap(True)
        self.warnings_box.setFrameShape(QFrame.Shape.StyledPanel)
        self.warnings_box.setStyleSheet(f"QLabel#warnings_box {{ {WARNING_STYLE} padding: 4px; }}")
        self.warnings_box.hide()
        top = QWidget()
        column = QVBoxLayout(top)
        column.setContentsMargins(0, 0, 0, 4)
        row = QHBoxLayout()
        row.addWidget(self.open_email_button)
        row.addWidget(self.file_label, 1)
        column.addLayout(row)
        column.addWidget(self.file_error)
        column.addWidget(self.warnings_box)
        self.open_email_button.clicked.connect(self._on_open_email_button_clicked)
        return top

    def build_extra(self) -> QWidget:
        self.attachments = FileList("attachments", "Open an email to list what came with it.", removable=False)
        return self.problems.wrap("attachments", self.attachments, self.attachments.tree)

    def top_focus(self) -> list[QWidget]:
        return [self.open_email_button]

    def when_focus(self) -> list[QWidget]:
        return [self.received_edit]

    def extra_focus(self) -> list[QWidget]:
        return [self.attachments.tree]

    def first_field(self) -> QWidget:
        return self.open_email_button

    def channel_input(self, data: RequestInput) -> RequestInput:
        self._sent_files = tuple(self.attachments.files)
        return replace(
            data,
            received_on=from_qdate(self.received_edit.date()),
            attachments=tuple(f.as_new() for f in self._sent_files),
        )

    # --- reading the message ----------------------------------------------------------------------------------

    def choose_email_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Open a saved email", str(Path.home()), MAIL_FILTER)
        return Path(name) if name else None

    @Slot()
    def _on_open_email_button_clicked(self) -> None:
        path = self.choose_email_file()
        if path is not None:
            self.read_email(path)

    def read_email(self, path: Path) -> None:
        """Read the message at ``path`` in a task and fill the form with it; a file that cannot be read says why
        and changes nothing."""
        show_message(self.file_error, "")
        self.file_label.setText(f"Reading {path.name}…")
        self.open_email_button.setEnabled(False)

        def read() -> MailMessage:
            from hartdesk.privacy import mail

            return mail.read_message(path.name, read_file(path, mail.MAX_MESSAGE_BYTES))

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.open_email_button.setEnabled(True)
                self.file_label.setText("")
                if isinstance(exc, ValidationError):
                    show_message(self.file_error, exc.message)
                else:
                    self.show_error(exc)

        self.ctx.tasks.run(read, on_done=lambda message: self._on_email_read(path, message), on_error=failed)

    def _on_email_read(self, path: Path, message: MailMessage) -> None:
        if not shiboken6.isValid(self):
            return
        self.open_email_button.setEnabled(True)
        self.file_label.setText(f"Read from {path.name}. Check what it says, then log the request.")
        self.name_edit.setText(message.sender_name or message.sender_email)
        self.email_edit.setText(message.sender_email)
        self.subject_edit.setText(message.subject)
        self.details_edit.setPlainText(message.body)
        warnings = list(message.warnings)
        if message.sent_at is None:
            received = self.today
            warnings.append("The received date was set to today: change it if the email arrived earlier.")
        else:
            received = min(uk_date(message.sent_at), self.today)
        self.received_edit.setDate(to_qdate(received))
        self.note_edit.setPlainText("\n".join(warnings))
        self.warnings_box.setText("\n".join(f"⚠ {w}" for w in warnings))
        self.warnings_box.setVisible(bool(warnings))
        original = message.original
        files = [ListedFile(original.filename, original.media_type, original.content, True)] if original else []
        files += [ListedFile(a.filename, a.media_type, a.content) for a in message.attachments]
        self.attachments.set_files(files)
        self.problems.clear()
        self.look_up_requester()
        self.name_edit.setFocus()

    # --- dropping a file --------------------------------------------------------------------------------------

    @staticmethod
    def dropped_file(event: QDragEnterEvent | QDropEvent) -> Path | None:
        mime = event.mimeData()
        if not mime.hasUrls():
            return None
        local = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
        return Path(local[0]) if len(local) == 1 else None

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self.dropped_file(event) is not None:
            event.acceptProposedAction()
        else:
            FormDialog.dragEnterEvent(self, event)

    def dropEvent(self, event: QDropEvent) -> None:
        path = self.dropped_file(event)
        if path is None:
            FormDialog.dropEvent(self, event)
            return
        event.acceptProposedAction()
        self.read_email(path)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A file dragged over a text field is taken by the dialog (a piece of text still drops into the field)."""
        if isinstance(event, QDragEnterEvent | QDropEvent) and self.dropped_file(event) is not None:
            event.acceptProposedAction()
            if event.type() == QEvent.Type.Drop:
                self.dropEvent(event)
            return True
        return RequestIntakeDialog.eventFilter(self, watched, event)


# --- on the phone and in person ---------------------------------------------------------------------------------------


class SpokenIntakeDialog(RequestIntakeDialog):
    """A request made to a member of staff (on the phone or face to face): when it was made, to the minute, and the
    questions asked to check who the person is."""

    when_label: ClassVar[str] = "&When:"
    extra_title = "Identity"

    def build_when(self, form: QFormLayout) -> None:
        self.when_edit = named(QDateTimeEdit(to_qdatetime(self.now)), "when_edit")
        self.when_edit.setCalendarPopup(True)
        self.when_edit.setDisplayFormat(DATE_TIME_FORMAT)
        self.when_edit.setMaximumDateTime(to_qdatetime(self.now))
        self.when_edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        form.addRow(self.when_label, self.problems.wrap("received_on", self.when_edit))

    def build_extra(self) -> QWidget:
        self.questions = IdentityQuestions()
        self.questions.add_row()
        self.questions.rows_changed.connect(self.update_tab_order)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.build_identity(column)
        column.addWidget(note_label("Questions asked to check who they are, and whether each answer matched:"))
        column.addWidget(self.problems.wrap("identity_questions", self.questions, self.questions.add_button))
        return box

    def build_identity(self, column: QVBoxLayout) -> None:
        """Identity fields above the questions (none on the phone)."""

    def identity_focus(self) -> list[QWidget]:
        return []

    def when_focus(self) -> list[QWidget]:
        return [self.when_edit]

    def extra_focus(self) -> list[QWidget]:
        return [*self.identity_focus(), *self.questions.focus_order()]

    def received_at(self) -> datetime:
        return from_qdatetime(self.when_edit.dateTime())

    def channel_input(self, data: RequestInput) -> RequestInput:
        at = self.received_at()
        return replace(data, received_at=at, received_on=at.date(), identity_questions=self.questions.answers())


class PhoneIntakeDialog(SpokenIntakeDialog):
    channel = RequestChannel.PHONE
    window_title = "New request by phone"
    section_title = "The call"
    when_label = "Time of the &call:"

    def channel_problems(self, data: RequestInput) -> dict[str, str]:
        if not data.requester_phone.strip():
            return {"requester_phone": "Enter the number the caller is on, to call them back."}
        return {}


class InPersonIntakeDialog(SpokenIntakeDialog):
    channel = RequestChannel.IN_PERSON
    window_title = "New request made in person"
    section_title = "The visit"
    when_label = "Time of the &visit:"

    def build_identity(self, column: QVBoxLayout) -> None:
        self.seen_check = named(QCheckBox("Identity &seen in person"), "seen_check")
        self.evidence_edit = line_edit("evidence_edit", 300, "What was seen, e.g. passport; copies not kept")
        self.evidence_edit.setEnabled(False)
        column.addWidget(self.seen_check)
        column.addWidget(self.problems.wrap("identity_evidence", self.evidence_edit))
        self.seen_check.toggled.connect(self.evidence_edit.setEnabled)

    def identity_focus(self) -> list[QWidget]:
        return [self.seen_check, self.evidence_edit]

    def channel_input(self, data: RequestInput) -> RequestInput:
        data = SpokenIntakeDialog.channel_input(self, data)
        if not self.seen_check.isChecked():
            return data
        return replace(
            data,
            identity_method=IdentityMethod.IN_PERSON,
            identity_verified=True,
            identity_evidence=self.evidence_edit.text() or "Seen in person",
        )


# --- by post ----------------------------------------------------------------------------------------------------------


class PostIntakeDialog(RequestIntakeDialog):
    """A letter: the day it arrived, the date written on it (if any), the sender's address and its scan."""

    channel = RequestChannel.POST
    window_title = "New request by post"
    section_title = "The letter"
    extra_title = "Scanned letter"

    def build_when(self, form: QFormLayout) -> None:
        self.received_edit = date_edit("received_edit", self.today, self.today)
        self.dated_check = named(QCheckBox("&Dated"), "dated_check")
        self.dated_check.setToolTip("Tick if the letter carries a date, and give it")
        self.letter_date_edit = date_edit("letter_date_edit", self.today, self.today)
        self.letter_date_edit.setEnabled(False)
        letter_date = QWidget()
        row = QHBoxLayout(letter_date)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.dated_check)
        row.addWidget(self.letter_date_edit)
        row.addStretch(1)
        form.addRow("&Received:", self.problems.wrap("received_on", self.received_edit))
        form.addRow("Date on the letter:", self.problems.wrap("letter_date", letter_date, self.dated_check))
        self.dated_check.toggled.connect(self._on_dated_check_toggled)

    def build_extra(self) -> QWidget:
        self.scans = FileList("scans", "No scan yet: add the letter as a PDF or an image.", removable=True)
        self.add_scan_button = button("Add &scanned letter…", "add_scan_button", "A PDF or an image of the letter")
        self.scan_error = make_error_label("scan_error")
        self.scan_error.setTextFormat(Qt.TextFormat.PlainText)
        box = QWidget()
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.scans.buttons.insertWidget(0, self.add_scan_button)
        column.addWidget(self.scans)
        column.addWidget(self.scan_error)
        self.add_scan_button.clicked.connect(self._on_add_scan_button_clicked)
        return self.problems.wrap("attachments", box, self.add_scan_button)

    def when_focus(self) -> list[QWidget]:
        return [self.received_edit, self.dated_check, self.letter_date_edit]

    def extra_focus(self) -> list[QWidget]:
        return [self.scans.tree, self.add_scan_button, self.scans.remove_button]

    @Slot(bool)
    def _on_dated_check_toggled(self, checked: bool) -> None:
        self.letter_date_edit.setEnabled(checked)
        if checked:
            self.letter_date_edit.setFocus()
        else:
            self.problems.set("letter_date", "")

    def channel_input(self, data: RequestInput) -> RequestInput:
        self._sent_files = tuple(self.scans.files)
        return replace(
            data,
            received_on=from_qdate(self.received_edit.date()),
            letter_date=from_qdate(self.letter_date_edit.date()) if self.dated_check.isChecked() else None,
            attachments=tuple(f.as_new() for f in self._sent_files),
        )

    def choose_scan_file(self) -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self, "Add a scanned letter", str(Path.home()), SCAN_FILTER)
        return Path(name) if name else None

    @Slot()
    def _on_add_scan_button_clicked(self) -> None:
        path = self.choose_scan_file()
        if path is not None:
            self.add_scan(path)

    def add_scan(self, path: Path) -> None:
        """Read and check the file in a task: a file that is not what it claims is refused at once, with why."""
        show_message(self.scan_error, "")
        self.add_scan_button.setEnabled(False)

        def check() -> ListedFile:
            from hartdesk.privacy import attachments

            content = read_file(path, attachments.MAX_ATTACHMENT_BYTES)
            checked = attachments.check_attachment(path.name, content)
            return ListedFile(checked.filename, checked.media_type, checked.content)

        def done(file: ListedFile) -> None:
            if shiboken6.isValid(self):
                self.add_scan_button.setEnabled(True)
                self.scans.add(file)
                self.problems.set("attachments", "")

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.add_scan_button.setEnabled(True)
                if isinstance(exc, ValidationError):
                    show_message(self.scan_error, exc.message)
                else:
                    self.show_error(exc)

        self.ctx.tasks.run(check, on_done=done, on_error=failed)


DIALOGS: dict[RequestChannel, type[RequestIntakeDialog]] = {
    RequestChannel.EMAIL: EmailIntakeDialog,
    RequestChannel.PHONE: PhoneIntakeDialog,
    RequestChannel.POST: PostIntakeDialog,
    RequestChannel.IN_PERSON: InPersonIntakeDialog,
}


def intake_dialog(ctx: AppContext, channel: RequestChannel, parent: QWidget | None = None) -> RequestIntakeDialog:
    """The dialog logging a request that arrived by ``channel``."""
    return DIALOGS[channel](ctx, parent)
