"""What several windows share: inline messages and their colours, messages under the fields of a form, running a task
while showing it is busy, list tables with remembered column widths, a row of fields that wraps, a dialog whose OK
button runs one task (and one whose fields carry their own messages), a password field with strength feedback and a
TOTP enrolment panel.

Only Qt and hartdesk's light modules are imported here, because the sign-in dialog (the first window, whose
start-up time is measured) uses this module; the password and TOTP code behind the widgets load on first use.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import shiboken6
from PySide6.QtCore import QAbstractItemModel, QObject, QRect, QSettings, QSize, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QFont, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hartdesk import paths
from hartdesk.errors import FormError, HartdeskError, ValidationError
from hartdesk.ui import crash

if TYPE_CHECKING:
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.tasks import TaskRunner

_Q = TypeVar("_Q", bound=QObject)
_Column = TypeVar("_Column", bound=int)
_Found = TypeVar("_Found")

ERROR_COLOUR = "#a61b1b"
OK_COLOUR = "#1b6e2b"
ERROR_STYLE = f"color: {ERROR_COLOUR};"
OK_STYLE = f"color: {OK_COLOUR};"
WARNING_STYLE = "color: #8a5a00;"
NOTE_STYLE = "color: palette(placeholder-text);"
UNEXPECTED = "Something unexpected went wrong. The details were written to the log file."


# --- small helpers ----------------------------------------------------------------------------------------------------


def named(obj: _Q, name: str) -> _Q:
    """``obj`` with its objectName set (what tests and style sheets find it by)."""
    obj.setObjectName(name)
    return obj


def make_error_label(object_name: str) -> QLabel:
    """A red, word-wrapped, selectable label for an inline error (empty and hidden when there is none)."""
    label = named(QLabel(), object_name)
    label.setWordWrap(True)
    label.setStyleSheet(ERROR_STYLE)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setVisible(False)
    return label


def countdown_panel(
    frame_name: str, headline_name: str, badge_name: str, notes: Sequence[QWidget]
) -> tuple[QFrame, QLabel, QLabel]:
    """A deadline in large type with a badge beside it and ``notes`` under it (a request's due date, a breach's 72
    hours): the frame (coloured by its caller), the headline and the badge."""
    frame = named(QFrame(), frame_name)
    headline = named(QLabel(), headline_name)
    headline.setTextFormat(Qt.TextFormat.PlainText)
    headline.setWordWrap(True)
    headline.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    font = headline.font()
    font.setPointSizeF(font.pointSizeF() * 1.6)
    font.setBold(True)
    headline.setFont(font)
    badge = named(QLabel(), badge_name)
    row = QHBoxLayout()
    row.addWidget(headline, 1)
    row.addWidget(badge, 0, Qt.AlignmentFlag.AlignTop)
    column = QVBoxLayout(frame)
    column.setContentsMargins(14, 10, 14, 10)
    column.setSpacing(4)
    column.addLayout(row)
    for note in notes:
        column.addWidget(note)
    return frame, headline, badge


def value_label(name: str) -> QLabel:
    """A label showing a value read from the register: plain text (never markup), wrapping, selectable."""
    label = named(QLabel(), name)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_message(label: QLabel, text: str) -> None:
    label.setText(text)
    label.setVisible(bool(text))


def show_failure(label: QLabel, exc: BaseException, parent: QWidget | None = None) -> None:
    """A clerk's error as its plain message; anything else as the crash dialog (and a short note inline)."""
    if isinstance(exc, HartdeskError):
        show_message(label, exc.message)
        return
    show_message(label, UNEXPECTED)
    crash.report_unexpected(exc, parent)


def stacked(*widgets: QWidget) -> QWidget:
    """``widgets`` one under the other as one form field (a field, then the message or note under it)."""
    box = QWidget()
    column = QVBoxLayout(box)
    column.setContentsMargins(0, 0, 0, 0)
    column.setSpacing(2)
    for widget in widgets:
        column.addWidget(widget)
    return box


def table_with_buttons(table: QTableView, *buttons: QPushButton) -> QWidget:
    """``table`` taking the height, with ``buttons`` in a row under it on the left (never auto-default, so that
    Enter stays with the table)."""
    row = QHBoxLayout()
    for button in buttons:
        button.setAutoDefault(False)
        row.addWidget(button)
    row.addStretch(1)
    page = QWidget()
    column = QVBoxLayout(page)
    column.addWidget(table, 1)
    column.addLayout(row)
    return page


def chooser_row(label: str, field: QLineEdit, button: QPushButton) -> QHBoxLayout:
    """``label`` (its mnemonic reaching ``field``), ``field`` taking the width, then ``button`` that chooses a file or
    folder for it (never auto-default, so that Enter stays with the dialog's own button)."""
    button.setAutoDefault(False)
    buddy = QLabel(label)
    buddy.setBuddy(field)
    row = QHBoxLayout()
    row.addWidget(buddy)
    row.addWidget(field, 1)
    row.addWidget(button)
    return row


def scrolling(page: QWidget) -> QScrollArea:
    """``page`` in a frameless scroll area, so that a long page scrolls in a short window instead of squeezing."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setWidget(page)
    return scroll


def open_modal(dialog: QDialog, on_accepted: Callable[[], None]) -> None:
    """Show ``dialog`` window-modal; ``on_accepted`` runs if it is accepted, and it is deleted once closed."""
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.accepted.connect(on_accepted)
    dialog.open()


def grow_to_fit(window: QWidget) -> None:
    """Grow (never shrink) ``window`` to show every message that appeared."""
    hint = window.sizeHint()
    if hint.width() > window.width() or hint.height() > window.height():
        window.resize(max(hint.width(), window.width()), max(hint.height(), window.height()))


class FieldProblems:
    """A red message under each field of a form, keyed like ``FormError.problems`` (``identifier``,
    ``registrant_address.postcode``...)."""

    def __init__(self) -> None:
        self._fields: dict[str, tuple[QWidget, QLabel]] = {}

    def wrap(self, key: str, field: QWidget, focus: QWidget | None = None) -> QWidget:
        """``field`` with its (hidden) message label below; the pair takes the place of the field in a form."""
        label = make_error_label(f"{key}_error")
        box = stacked(field, label)
        box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)  # no taller than it needs
        target = focus or field
        box.setFocusProxy(target)  # the row's label mnemonic (its buddy is the box) reaches the field
        self._fields[key] = (target, label)
        return box

    def label(self, key: str) -> QLabel:
        return self._fields[key][1]

    def message(self, key: str) -> str:
        label = self._fields[key][1]
        return label.text() if not label.isHidden() else ""

    def set(self, key: str, message: str) -> None:
        show_message(self._fields[key][1], message)

    def clear(self) -> None:
        for _, label in self._fields.values():
            show_message(label, "")

    def show(self, problems: Mapping[str, str]) -> dict[str, str]:
        """Show each problem under its field and put the cursor in the first such field (in form order); return
        the problems no field here is named after."""
        self.clear()
        rest = {}
        for key, message in problems.items():
            if key in self._fields:
                self.set(key, message)
            else:
                rest[key] = message
        first = next((widget for key, (widget, _) in self._fields.items() if key in problems), None)
        if first is not None:
            first.setFocus()
        return rest

    def show_failure(self, exc: BaseException, error_label: QLabel, window: QWidget) -> None:
        """A :class:`FormError` under the fields it names (the rest in ``error_label``, ``window`` growing to show
        them); another clerk's error in ``error_label``; anything else in the crash dialog."""
        if isinstance(exc, FormError):
            rest = self.show(exc.problems)
            show_message(error_label, " ".join(rest.values()))
            grow_to_fit(window)
        elif isinstance(exc, HartdeskError):
            show_message(error_label, exc.message)
        else:
            crash.show_error(window, exc)


def run_with_busy(
    tasks: TaskRunner,
    fn: Callable[[], Any],
    on_done: Callable[[Any], None],
    *,
    set_busy: Callable[[bool], None],
    error_label: QLabel,
    parent: QWidget,
    on_error: Callable[[BaseException], None] | None = None,
) -> None:
    """Run ``fn`` as a serial task with ``set_busy(True)`` meanwhile; then ``on_done`` with its result, or the
    failure in ``error_label`` (:func:`show_failure`) followed by ``on_error``."""
    show_message(error_label, "")
    set_busy(True)

    def done(result: Any) -> None:
        set_busy(False)
        on_done(result)

    def failed(exc: BaseException) -> None:
        set_busy(False)
        show_failure(error_label, exc, parent)
        if on_error is not None:
            on_error(exc)

    tasks.run(fn, on_done=done, on_error=failed, serial=True)


def look_up(
    tasks: TaskRunner,
    owner: QWidget,
    finder: Callable[[], list[_Found]],
    is_latest: Callable[[], bool],
    show: Callable[[list[_Found]], None],
) -> None:
    """Search-as-you-type for ``owner``: run ``finder`` in a task and ``show`` what it found, unless ``owner`` is gone
    or a newer look-up was started meanwhile (``is_latest``). A failure shows no matches; a clerk's error (the
    register locked) means only that, anything else is reported too."""

    def done(found: list[_Found]) -> None:
        if shiboken6.isValid(owner) and is_latest():
            show(found)

    def failed(exc: BaseException) -> None:
        alive = shiboken6.isValid(owner)
        if alive and is_latest():
            show([])
        if not isinstance(exc, HartdeskError):
            crash.report_unexpected(exc, owner if alive else None)

    tasks.run(finder, on_done=done, on_error=failed)


def align_form_labels(*forms: QLayout | None) -> None:
    """Give the labels of several stacked forms one width, so their fields line up."""
    labels = []
    for form in forms:
        if not isinstance(form, QFormLayout):
            continue
        for row in range(form.rowCount()):
            item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
            widget = item.widget() if item is not None else None
            if widget is not None:
                labels.append(widget)
    if labels:
        width = max(label.sizeHint().width() for label in labels)
        for label in labels:
            label.setMinimumWidth(width)


def email_problem(address: str) -> str:
    """Why ``address`` is not an email address (its syntax only, never DNS); empty when it is one."""
    from email_validator import EmailNotValidError, validate_email

    try:
        validate_email(address, check_deliverability=False)
    except EmailNotValidError as exc:
        return str(exc)
    return ""


def mono_font(scale: float = 1.0, base: QFont | None = None) -> QFont:
    """A fixed-width font for codes and keys; ``scale`` times the point size of ``base``."""
    font = QFont("monospace")
    font.setStyleHint(QFont.StyleHint.Monospace)
    if base is not None and scale != 1.0:
        font.setPointSizeF(base.pointSizeF() * scale)
    return font


def make_list_table(
    name: str, model: QAbstractItemModel, column_widths: Mapping[_Column, int], settings_key: str, row_padding: int
) -> QTableView:
    """A read-only table of rows, one selected at a time, whose column widths are remembered under ``settings_key``.

    ``row_padding`` is the space around a line of text in each row, in pixels.
    """
    table = named(QTableView(), name)
    table.setModel(model)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.setTabKeyNavigation(False)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + row_padding)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    for column, width in column_widths.items():
        header.resizeSection(column, width)
    remember_column_widths(table, settings_key)
    return table


def search_box(placeholder: str, tooltip: str) -> QLineEdit:
    """The search box of a list (``search_edit``), wide enough to show its placeholder."""
    edit = named(QLineEdit(), "search_edit")
    edit.setPlaceholderText(placeholder)
    edit.setToolTip(tooltip)
    edit.setClearButtonEnabled(True)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance(placeholder) + 40)
    return edit


def pause_timer(parent: QObject, delay_ms: int, on_pause: Callable[[], None]) -> QTimer:
    """A single-shot timer calling ``on_pause`` ``delay_ms`` after it was last started (each key typed starts it)."""
    timer = QTimer(parent)
    timer.setSingleShot(True)
    timer.setInterval(delay_ms)
    timer.timeout.connect(on_pause)
    return timer


def confirmation(
    parent: QWidget,
    name: str,
    title: str,
    text: str,
    details: str,
    yes: str,
    on_yes: Callable[[], None],
    role: QMessageBox.ButtonRole = QMessageBox.ButtonRole.AcceptRole,
) -> QMessageBox:
    """A warning whose safe choice (Cancel) is the default (and Esc); ``on_yes`` runs only for ``yes`` (its button
    is ``yes_button``). Deleted once closed; the caller opens it."""
    box = QMessageBox(parent)
    box.setObjectName(name)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title)
    box.setText(text)
    box.setInformativeText(details)
    yes_button = box.addButton(yes, role)
    yes_button.setObjectName("yes_button")
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.finished.connect(lambda _: on_yes() if box.clickedButton() is yes_button else None)
    return box


def remember_column_widths(view: QTableView, key: str) -> QSettings:
    """Restore the header's saved state and save it whenever a column is resized (kept per machine)."""
    store = QSettings(str(paths.config_dir() / "ui.ini"), QSettings.Format.IniFormat, view)
    header = view.horizontalHeader()
    state = store.value(key)
    if state is not None:
        header.restoreState(state)
    header.sectionResized.connect(lambda *_: store.setValue(key, header.saveState()))
    return store


# --- a row that wraps -------------------------------------------------------------------------------------------------


class FlowLayout(QLayout):
    """Items side by side at their preferred sizes, wrapping onto another line when the width runs out.

    Like Qt's Flow Layout example: a row of filters then fits a narrow window instead of widening it.
    """

    def __init__(self, parent: QWidget | None = None, h_spacing: int = 12, v_spacing: int = 6) -> None:
        QLayout.__init__(self, parent)
        self._items: list[QLayoutItem] = []
        self._h_spacing = h_spacing
        self._v_spacing = v_spacing

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._arrange(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        QLayout.setGeometry(self, rect)
        self._arrange(rect, move=True)

    def sizeHint(self) -> QSize:
        """Everything on one line."""
        shown = self._shown()
        width = sum(item.sizeHint().width() for item in shown) + self._h_spacing * max(0, len(shown) - 1)
        height = max((item.sizeHint().height() for item in shown), default=0)
        return QSize(width, height) + self._margins()

    def minimumSize(self) -> QSize:
        """One item a line: as narrow as the widest item."""
        size = QSize(0, 0)
        for item in self._shown():
            size = size.expandedTo(item.minimumSize())
        return size + self._margins()

    def _shown(self) -> list[QLayoutItem]:
        return [item for item in self._items if not item.isEmpty()]

    def _margins(self) -> QSize:
        margins = self.contentsMargins()
        return QSize(margins.left() + margins.right(), margins.top() + margins.bottom())

    def _arrange(self, rect: QRect, move: bool) -> int:
        """Fill lines from the left of ``rect``, each item centred in its line's height; the height it takes."""
        margins = self.contentsMargins()
        area = rect.adjusted(margins.left(), margins.top(), -margins.right(), -margins.bottom())
        lines: list[list[QLayoutItem]] = []
        used = 0
        for item in self._shown():
            width = item.sizeHint().width()
            if not lines or (lines[-1] and used + self._h_spacing + width > area.width()):
                lines.append([])
                used = -self._h_spacing
            lines[-1].append(item)
            used += self._h_spacing + width
        y = area.y()
        for line in lines:
            height = max(item.sizeHint().height() for item in line)
            x = area.x()
            for item in line:
                hint = item.sizeHint()
                if move:
                    item.setGeometry(QRect(x, y + (height - hint.height()) // 2, hint.width(), hint.height()))
                x += hint.width() + self._h_spacing
            y += height + self._v_spacing
        content = y - area.y() - (self._v_spacing if lines else 0)
        return content + margins.top() + margins.bottom()


def labelled(*widgets: QWidget) -> QWidget:
    """``widgets`` side by side as one unit (a label and its field), so that a :class:`FlowLayout` keeps them
    together."""
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    for widget in widgets:
        row.addWidget(widget)
    return box


# --- a dialog that runs one task --------------------------------------------------------------------------------------


class WorkDialog(QDialog):
    """A small dialog whose OK button runs one piece of work in a task; a clerk's error shows inline, in words.

    Subclasses add their fields to ``layout_``, call ``finish_layout()`` and implement ``submit()``. Closing the
    dialog while the work runs is allowed: its result is then dropped.
    """

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.setWindowTitle(title)
        self.error_label = make_error_label("error_label")
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText(ok_text)
        self.ok_button.setDefault(True)
        self.buttons.accepted.connect(self._on_buttons_accepted)
        self.buttons.rejected.connect(self.reject)
        self.layout_ = QVBoxLayout(self)

    def finish_layout(self) -> None:
        self.layout_.addWidget(self.error_label)
        self.layout_.addWidget(self.buttons)

    def show_problem(self, message: str, focus: QWidget | None = None) -> None:
        show_message(self.error_label, message)
        if focus is not None:
            focus.setFocus()

    def password_ok(self, field: PasswordField) -> bool:
        """Whether ``field`` holds a usable new password; if not, the dialog says why and puts the cursor there."""
        problem = field.problem()
        if problem:
            self.show_problem(problem, field.password_edit)
        return not problem

    def run_work(self, fn: Callable[[], Any], on_done: Callable[[Any], None], serial: bool = True) -> None:
        """Run ``fn`` in a task (``serial`` for a write) with the OK button disabled; ``on_done`` gets its result."""
        self.show_problem("")
        self.ok_button.setEnabled(False)

        def done(result: Any) -> None:
            if shiboken6.isValid(self):
                self.ok_button.setEnabled(True)
                on_done(result)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.ok_button.setEnabled(True)
                self.show_error(exc)

        self.ctx.tasks.run(fn, on_done=done, on_error=failed, serial=serial)

    def show_error(self, exc: BaseException) -> None:
        """A clerk's error inline, in words; anything else in the crash dialog."""
        if isinstance(exc, HartdeskError):
            self.show_problem(exc.message)
        else:
            crash.show_error(self, exc)

    @Slot()
    def _on_buttons_accepted(self) -> None:
        self.submit()

    def submit(self) -> None:
        raise NotImplementedError


def ask_one_password(dialog: WorkDialog, intro: QLabel, name: str, label: str) -> QLineEdit:
    """Lay ``dialog`` out as ``intro`` above one password field (labelled ``label``, named ``name``), the cursor in
    it; the field."""
    intro.setWordWrap(True)
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setEchoMode(QLineEdit.EchoMode.Password)
    form = QFormLayout()
    form.addRow(label, edit)
    dialog.layout_.addWidget(intro)
    dialog.layout_.addLayout(form)
    dialog.finish_layout()
    edit.setFocus()
    return edit


class FormDialog(WorkDialog):
    """A :class:`WorkDialog` whose fields carry their own messages (``self.problems``)."""

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None = None) -> None:
        WorkDialog.__init__(self, ctx, title, ok_text, parent)
        self.problems = FieldProblems()
        self._loaded = True

    def finish_layout(self) -> None:
        WorkDialog.finish_layout(self)
        # Said again now the button is inside the dialog: only then does QDialog make it the default for Enter
        # (otherwise the first button after the focused field would be).
        self.ok_button.setDefault(False)
        self.ok_button.setDefault(True)

    def finish_scrolling_form(self, page: QWidget, hint: QLabel, ok_tooltip: str, ok_name: str) -> None:
        """Lay out a long form: ``page`` in a scroll area, ``hint`` under it, then the buttons. Enter never submits a
        half-filled form: it moves on; Ctrl+Enter or the button itself submits (the dialog's keyPressEvent)."""
        self.scroll_area = QScrollArea()
        self.scroll_area.setWidgetResizable(True)
        self.scroll_area.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll_area.setWidget(page)
        self.layout_.addWidget(self.scroll_area, 1)
        self.hint_label = hint
        self.layout_.addWidget(hint)
        self.finish_layout()
        self.ok_button.setDefault(False)
        self.ok_button.setAutoDefault(False)
        self.ok_button.setToolTip(ok_tooltip)
        self.ok_button.setObjectName(ok_name)
        self.cancel_button = self.buttons.button(self.buttons.StandardButton.Cancel)
        self.cancel_button.setAutoDefault(False)

    def show_error(self, exc: BaseException) -> None:
        """As :meth:`WorkDialog.show_error`, but a :class:`FormError` shows under the fields it names."""
        self.problems.show_failure(exc, self.error_label, self)

    def load(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Read what the form shows in a task, with OK disabled until it arrives."""
        self._loaded = False
        self.ok_button.setEnabled(False)

        def done(result: Any) -> None:
            if shiboken6.isValid(self):
                self._loaded = True
                self.ok_button.setEnabled(True)
                on_done(result)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                WorkDialog.show_error(self, exc)

        self.ctx.tasks.run(fn, on_done=done, on_error=failed)

    def save(self, fn: Callable[[], Any], on_done: Callable[[Any], None]) -> None:
        """Run the write ``fn`` (serially); a :class:`FormError` shows under the fields it names."""
        if self._loaded:
            self.problems.clear()
            self.run_work(fn, on_done)

    def check_on_leave(self, edit: QLineEdit, key: str, check: Callable[[str], object]) -> None:
        """Check ``edit`` with ``check`` when the cursor leaves it (if not empty); typing clears the message."""

        def checked() -> None:
            text = edit.text().strip()
            if not text:
                return
            try:
                check(text)
            except ValidationError as exc:
                self.problems.set(key, exc.message)
                grow_to_fit(self)

        edit.editingFinished.connect(checked)
        edit.textEdited.connect(lambda _: self.problems.set(key, ""))


# --- passwords and TOTP -----------------------------------------------------------------------------------------------


class PasswordField(QWidget):
    """A new password typed twice, with zxcvbn's feedback shown as the person types."""

    changed = Signal()

    def __init__(self, user_inputs: Callable[[], list[str]] | None = None, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        from hartdesk.security import staff

        self._user_inputs = user_inputs or (lambda: [])
        self.password_edit = named(QLineEdit(), "password_edit")
        self.password_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.password_edit.setPlaceholderText(f"at least {staff.MIN_PASSWORD_LENGTH} characters")
        self.repeat_edit = named(QLineEdit(), "password_repeat_edit")
        self.repeat_edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.feedback = named(QLabel(), "password_feedback")
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
        from hartdesk.security import staff

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
        self.feedback.setStyleSheet(ERROR_STYLE if problem else OK_STYLE)
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
        self.qr = named(QLabel(), "totp_qr")
        self.qr.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret_label = named(QLabel(), "totp_secret_label")
        self.secret_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.secret_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.secret_label.setFont(mono_font(1.2, self.secret_label.font()))
        self.code_edit = named(QLineEdit(), "totp_code_edit")
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
        from hartdesk.security import totp

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
