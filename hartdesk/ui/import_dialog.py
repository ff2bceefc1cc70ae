"""Importing a CSV file (clients, services or invoices) in three steps, and exporting every client to one.

1. *Choose the file*: read in a task with :func:`csvio.read_csv`; a file that cannot be read says why on the page.
2. *Match the columns*: for each of hartdesk's columns, the file's column that holds it (guessed from the headers;
   the clerk can change any), with the first rows of the file to see what is where.
3. *Check*: every row is checked (nothing is written) and every problem listed. Errors block the import; warnings
   need the clerk's confirmation. Importing checks the rows again and writes them in the same transaction (all or
   nothing), so nothing can change in between.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import shiboken6
from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QSettings, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QGuiApplication, QIcon
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from hartdesk import paths
from hartdesk.errors import HartdeskError
from hartdesk.register import csvio
from hartdesk.register.csvio import COLUMNS, Column, CsvTable, ImportKind, ImportPlan, Problem
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.base import Index, RowTableModel
from hartdesk.ui.tasks import Progress
from hartdesk.ui.widgets import (
    ERROR_COLOUR,
    ERROR_STYLE,
    NOTE_STYLE,
    OK_STYLE,
    UNEXPECTED,
    WARNING_STYLE,
    chooser_row,
    make_error_label,
    make_list_table,
    named,
    show_message,
)

CSV_FILTER = "CSV files (*.csv *.txt);;All files (*)"
NOT_IN_FILE = "— not in the file —"
NOTHING_WRITTEN = "Nothing has been written. Correct the file and choose it again."
WARNING_COLOUR = "#8a5a00"
PREVIEW_ROWS = 5
ROW_PADDING = 8
NOUNS = {ImportKind.CLIENTS: "client", ImportKind.SERVICES: "service", ImportKind.INVOICES: "invoice"}
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
STEPS = ("Choose the file", "Match the columns", "Check")


def number(n: int) -> str:
    """1 203 (thousands grouped with a space, as the agency writes them)."""
    return f"{n:,}".replace(",", " ")


def counted(n: int, noun: str) -> str:
    return f"{number(n)} {noun}" if n == 1 else f"{number(n)} {noun}s"


def summary_text(plan: ImportPlan) -> str:
    """ "1 203 rows: 1 198 ready, 5 with problems, 2 warnings"."""
    bad_lines = len({p.line for p in plan.errors})
    return (
        f"{counted(plan.rows, 'row')}: {number(plan.rows - bad_lines)} ready, {number(bad_lines)} with problems, "
        f"{counted(len(plan.warnings), 'warning')}"
    )


@functools.cache
def _icon(name: str, colour: str) -> QIcon:
    import qtawesome

    try:
        return qtawesome.icon(name, color=colour)
    except Exception:  # an unknown icon name must not stop the dialog
        return QIcon()


# --- models -----------------------------------------------------------------------------------------------------------


class ColumnsModel(RowTableModel[Column]):
    """What each of hartdesk's columns holds (page 1), so the clerk can prepare the file."""

    headers: ClassVar[Sequence[str]] = ("Column", "Required", "What it holds")

    def __init__(self, columns: Sequence[Column], parent: QObject | None = None) -> None:
        RowTableModel.__init__(self, parent)
        self._rows = list(columns)

    def cell(self, row: Column, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            return (row.key, "required" if row.required else "", row.help)[column]
        if role == Qt.ItemDataRole.ToolTipRole and column == 2:
            return row.help
        if role == Qt.ItemDataRole.FontRole and column == 0 and row.required:
            font = QFont()
            font.setBold(True)
            return font
        return None


class PreviewModel(QAbstractTableModel):
    """The first rows of the file as it was read, under its own headers and the hartdesk column each one feeds."""

    def __init__(self, parent: QObject | None = None) -> None:
        QAbstractTableModel.__init__(self, parent)
        self._headers: list[str] = []
        self._rows: list[list[str]] = []
        self._targets: dict[int, list[str]] = {}  # file column -> hartdesk keys

    def set_table(self, table: CsvTable | None) -> None:
        self.beginResetModel()
        if table is None:
            self._headers, self._rows = [], []
        else:
            self._headers = [header_label(table.headers, i) for i in range(len(table.headers))]
            self._rows = [list(row) for row in table.rows[:PREVIEW_ROWS]]
        self._targets = {}
        self.endResetModel()

    def set_mapping(self, mapping: dict[str, int | None]) -> None:
        targets: dict[int, list[str]] = {}
        for key, index in mapping.items():
            if index is not None:
                targets.setdefault(index, []).append(key)
        self._targets = targets
        if self._headers:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(self._headers) - 1)

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._headers)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Vertical:
            if role == Qt.ItemDataRole.DisplayRole and 0 <= section < len(self._rows):
                return str(section + 2)  # the line in the file: the header is line 1
            return None
        if not 0 <= section < len(self._headers):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            keys = self._targets.get(section)
            return f"{self._headers[section]}\n→ {', '.join(keys)}" if keys else f"{self._headers[section]}\n"
        if role == Qt.ItemDataRole.ToolTipRole:
            keys = self._targets.get(section)
            return f"Imported as {', '.join(keys)}" if keys else "Not imported"
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        row = self._rows[index.row()]
        value = row[index.column()] if index.column() < len(row) else ""
        if role == Qt.ItemDataRole.DisplayRole:
            return value.replace("\r\n", " ").replace("\n", " ")  # a cell with line breaks stays on one line
        if role == Qt.ItemDataRole.ToolTipRole:
            return value or None
        if role == Qt.ItemDataRole.ForegroundRole and index.column() not in self._targets:
            return QColor("#808080")
        return None


class ProblemModel(RowTableModel[Problem]):
    """Every problem found in the file: errors in red, warnings in amber, each with its icon and its word."""

    headers: ClassVar[Sequence[str]] = ("Line", "Type", "Column", "Problem")

    def __init__(self, parent: QObject | None = None) -> None:
        RowTableModel.__init__(self, parent)
        self._column_names: dict[str, str] = {}

    def set_problems(self, problems: Sequence[Problem], column_names: dict[str, str]) -> None:
        """``column_names`` says how each hartdesk column is shown (with the file's header that feeds it)."""
        self.beginResetModel()
        self._rows = list(problems)
        self._column_names = column_names
        self.endResetModel()

    def cell(self, row: Problem, column: int, role: int) -> Any:
        if role == Qt.ItemDataRole.DisplayRole:
            if column == 0:
                return str(row.line)
            if column == 1:
                return "warning" if row.warning else "error"
            if column == 2:
                return self._column_names.get(row.column, row.column) if row.column else "(the whole row)"
            return row.message
        if role == Qt.ItemDataRole.ToolTipRole and column == 3:
            return row.message
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            if row.warning:
                return _icon("fa5s.exclamation-triangle", WARNING_COLOUR)
            return _icon("fa5s.times-circle", ERROR_COLOUR)
        if role == Qt.ItemDataRole.ForegroundRole and column == 1:
            return QColor(WARNING_COLOUR if row.warning else ERROR_COLOUR)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


def header_label(headers: Sequence[str], index: int) -> str:
    """How the file's column ``index`` is named in lists: its header, told apart from a blank or repeated one."""
    header = headers[index]
    if not header:
        return f"(column {index + 1}, no heading)"
    if list(headers).count(header) > 1:
        return f"{header} (column {index + 1})"
    return header


# --- the dialog -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Committed:
    """What the import task found: the plan it made just before writing, and how many rows it wrote (``None`` if
    it wrote nothing because the register changed since the check)."""

    plan: ImportPlan
    count: int | None


class ImportDialog(QDialog):
    """The import wizard; ``imported`` tells how many records were written (the dialog then accepts)."""

    imported = Signal(int)

    def __init__(self, ctx: AppContext, kind: ImportKind | str, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.kind = ImportKind(kind)
        self.noun = NOUNS[self.kind]
        self.columns = COLUMNS[self.kind]
        self.setObjectName("import_dialog")
        self.setWindowTitle(f"Import {self.noun}s from a CSV file")
        self.table_read: CsvTable | None = None
        self.file_path: Path | None = None
        self.plan: ImportPlan | None = None
        self._generation = 0  # moved on when the clerk goes back or closes: later results are dropped
        self._committing = False
        self._progress_text = ""

        self.step_label = named(QLabel(), "step_label")
        font = self.step_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        self.step_label.setFont(font)
        self.pages = named(QStackedWidget(), "pages")
        self.pages.addWidget(self._build_file_page())
        self.pages.addWidget(self._build_mapping_page())
        self.pages.addWidget(self._build_check_page())

        self.back_button = named(QPushButton("&Back"), "back_button")
        self.next_button = named(QPushButton("&Next"), "next_button")
        self.check_button = named(QPushButton("&Check the rows"), "check_button")
        self.import_button = named(QPushButton("&Import"), "import_button")
        self.cancel_button = named(QPushButton("Cancel"), "cancel_button")
        buttons = QHBoxLayout()
        buttons.addWidget(self.back_button)
        buttons.addStretch(1)
        for button in (self.next_button, self.check_button, self.import_button, self.cancel_button):
            button.setAutoDefault(False)
            buttons.addWidget(button)
        self.back_button.setAutoDefault(False)

        layout = QVBoxLayout(self)
        layout.addWidget(self.step_label)
        layout.addWidget(self.pages, 1)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout.addWidget(line)
        layout.addLayout(buttons)

        self.path_edit.textChanged.connect(self._on_path_edit_text_changed)
        self.browse_button.clicked.connect(self._on_browse_button_clicked)
        self.back_button.clicked.connect(self._on_back_button_clicked)
        self.next_button.clicked.connect(self._on_next_button_clicked)
        self.check_button.clicked.connect(self._on_check_button_clicked)
        self.import_button.clicked.connect(self._on_import_button_clicked)
        self.cancel_button.clicked.connect(self.reject)
        self.confirm_check.toggled.connect(self._on_confirm_check_toggled)

        self.resize(860, 640)
        self.setMinimumSize(720, 520)
        self._restore_geometry()
        self._go_to(0)
        self.path_edit.setFocus()

    # --- building the pages -------------------------------------------------------------------------------------------

    def _build_file_page(self) -> QWidget:
        page = QWidget()
        intro = QLabel(
            "Choose a CSV file saved from a spreadsheet (UTF-8 or Windows-1252 text; columns separated by commas, "
            "semicolons or tabs). Its first line must name the columns. Nothing is written before you have seen "
            "every row checked."
        )
        intro.setWordWrap(True)
        self.path_edit = named(QLineEdit(), "path_edit")
        self.path_edit.setPlaceholderText("the CSV file's full name, or choose it with Browse…")
        self.path_edit.setClearButtonEnabled(True)
        self.browse_button = named(QPushButton("B&rowse…"), "browse_button")
        file_row = chooser_row("&File:", self.path_edit, self.browse_button)
        self.file_error = make_error_label("file_error")
        self.file_busy = named(QLabel("Reading the file…"), "file_busy")
        self.file_busy.setStyleSheet(NOTE_STYLE)
        self.file_busy.hide()
        columns_label = QLabel(
            f"The columns hartdesk reads for {self.noun}s (the file may name them differently, and need not have "
            "them all; the next step matches them):"
        )
        columns_label.setWordWrap(True)
        self.columns_model = ColumnsModel(self.columns, page)
        self.columns_table = make_list_table(
            "columns_table", self.columns_model, {0: 190, 1: 80}, f"import/{self.kind.value}/columns", ROW_PADDING
        )
        self.columns_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.columns_table.setWordWrap(False)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.file_busy)
        layout.addWidget(self.file_error)
        layout.addSpacing(6)
        layout.addWidget(columns_label)
        layout.addWidget(self.columns_table, 1)
        return page

    def _build_mapping_page(self) -> QWidget:
        page = QWidget()
        self.file_info = named(QLabel(), "file_info")
        self.file_info.setWordWrap(True)
        self.file_info.setTextFormat(Qt.TextFormat.PlainText)
        intro = QLabel(
            "For each of hartdesk's columns, choose the column of your file that holds it. Columns in bold are "
            "required; leave the others “not in the file” if your file has no such column."
        )
        intro.setWordWrap(True)
        self.combos: dict[str, QComboBox] = {}
        grid_box = QWidget()
        grid = QGridLayout(grid_box)
        grid.setContentsMargins(0, 0, 6, 0)
        grid.setHorizontalSpacing(10)
        grid.setVerticalSpacing(4)
        for row, column in enumerate(self.columns):
            label = QLabel(f"{column.key} *" if column.required else column.key)
            if column.required:
                bold = label.font()
                bold.setBold(True)
                label.setFont(bold)
            combo = named(QComboBox(), f"map_{column.key}")
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(18)
            combo.setToolTip(column.help)
            combo.currentIndexChanged.connect(self._on_mapping_changed)
            label.setBuddy(combo)
            help_label = QLabel(column.help)
            help_label.setStyleSheet(NOTE_STYLE)
            help_label.setWordWrap(True)
            grid.addWidget(label, row, 0)
            grid.addWidget(combo, row, 1)
            grid.addWidget(help_label, row, 2)
            self.combos[column.key] = combo
        grid.setColumnStretch(2, 1)
        scroll = named(QScrollArea(), "mapping_scroll")
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_box)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.mapping_error = make_error_label("mapping_error")
        preview_label = QLabel("The first rows of the file (line numbers on the left; grey columns are not read):")
        self.preview_model = PreviewModel(page)
        self.preview_table = named(QTableView(), "preview_table")
        self.preview_table.setModel(self.preview_model)
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.preview_table.setTabKeyNavigation(False)
        self.preview_table.setWordWrap(False)
        self.preview_table.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.preview_table.horizontalHeader().setDefaultAlignment(
            Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop
        )
        self.preview_table.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + ROW_PADDING)
        self.preview_table.verticalHeader().setDefaultAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.file_info)
        layout.addWidget(intro)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.mapping_error)
        layout.addWidget(preview_label)
        layout.addWidget(self.preview_table)
        return page

    def _build_check_page(self) -> QWidget:
        page = QWidget()
        self.summary_label = named(QLabel(), "summary_label")
        bold = self.summary_label.font()
        bold.setBold(True)
        self.summary_label.setFont(bold)
        self.summary_label.setWordWrap(True)
        self.progress_bar = named(QProgressBar(), "progress_bar")
        self.progress_bar.setTextVisible(True)
        self.progress_label = named(QLabel(), "progress_label")
        self.progress_label.setStyleSheet(NOTE_STYLE)
        self.problem_model = ProblemModel(page)
        self.problem_table = make_list_table(
            "problem_table",
            self.problem_model,
            {0: 60, 1: 100, 2: 170},
            f"import/{self.kind.value}/problems",
            ROW_PADDING,
        )
        self.problem_table.setWordWrap(False)
        self.outcome_label = named(QLabel(), "outcome_label")
        self.outcome_label.setWordWrap(True)
        self.outcome_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.confirm_check = named(QCheckBox(), "confirm_check")
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary_label)
        layout.addWidget(self.progress_bar)
        layout.addWidget(self.progress_label)
        layout.addWidget(self.problem_table, 1)
        layout.addWidget(self.outcome_label)
        layout.addWidget(self.confirm_check)
        layout.addStretch(0)  # takes the room only while there is no problem to list
        return page

    # --- moving between pages -----------------------------------------------------------------------------------------

    def current_step(self) -> int:
        return self.pages.currentIndex()

    def _go_to(self, step: int) -> None:
        self.pages.setCurrentIndex(step)
        self.step_label.setText(f"Step {step + 1} of {len(STEPS)}: {STEPS[step]}")
        self.back_button.setVisible(step > 0)
        self.next_button.setVisible(step == 0)
        self.check_button.setVisible(step == 1)
        self.import_button.setVisible(step == 2)
        default = (self.next_button, self.check_button, self.import_button)[step]
        for button in (self.next_button, self.check_button, self.import_button):
            button.setDefault(button is default)
        self._update_buttons()

    def _update_buttons(self, busy: bool = False) -> None:
        step = self.current_step()
        self.back_button.setEnabled(not busy)
        self.browse_button.setEnabled(not busy)
        self.path_edit.setReadOnly(busy)
        self.next_button.setEnabled(not busy and bool(self.path_edit.text().strip()))
        self.check_button.setEnabled(not busy and not self._missing_columns())
        warnings_ok = self.confirm_check.isHidden() or self.confirm_check.isChecked()
        self.import_button.setEnabled(
            not busy and step == 2 and self.plan is not None and self.plan.ok and bool(self.plan.items) and warnings_ok
        )
        self.confirm_check.setEnabled(not busy)
        self.cancel_button.setEnabled(not self._committing)

    def _next_generation(self) -> int:
        self._generation += 1
        return self._generation

    def _run(
        self,
        fn: Callable[..., Any],
        on_done: Callable[[Any], None],
        on_failed: Callable[[str], None],
        *,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        """Run ``fn`` in a task. ``on_done`` gets its result; ``on_failed`` the plain message of a clerk's error (an
        unexpected one goes to the crash dialog too). Both are dropped if the clerk has gone back or closed the
        dialog meanwhile."""
        generation = self._generation

        def current() -> bool:
            return shiboken6.isValid(self) and generation == self._generation

        def done(result: Any) -> None:
            if current():
                on_done(result)

        def failed(exc: BaseException) -> None:
            alive = shiboken6.isValid(self)
            if alive:
                self._committing = False
                self._update_buttons()
            if current():
                on_failed(exc.message if isinstance(exc, HartdeskError) else UNEXPECTED)
            if not isinstance(exc, HartdeskError):
                crash.report_unexpected(exc, self if alive else None)

        def progressed(done_: int, total: int) -> None:
            if current() and on_progress is not None:
                on_progress(done_, total)

        self.ctx.tasks.run(
            fn, on_done=done, on_error=failed, serial=serial, on_progress=progressed if on_progress else None
        )

    @Slot()
    def _on_back_button_clicked(self) -> None:
        if self.current_step() > 0 and not self._committing:
            self._next_generation()
            self._go_to(self.current_step() - 1)
            if self.current_step() == 0:
                self.path_edit.setFocus()
            else:
                self._first_combo().setFocus()

    def reject(self) -> None:
        """Esc and Cancel close the dialog, except while the rows are being written (that cannot stop halfway)."""
        if self._committing:
            return
        self._next_generation()
        QDialog.reject(self)

    def done(self, result: int) -> None:
        self._save_geometry()
        QDialog.done(self, result)

    # --- step 1: the file ---------------------------------------------------------------------------------------------

    def choose_file(self) -> Path | None:
        """The file the clerk picks in the system's file dialog (tests replace this)."""
        typed = Path(self.path_edit.text().strip()).expanduser()
        start = typed.parent if self.path_edit.text().strip() and typed.parent.is_dir() else Path.home()
        name, _ = QFileDialog.getOpenFileName(self, f"Choose the CSV file of {self.noun}s", str(start), CSV_FILTER)
        return Path(name) if name else None

    @Slot()
    def _on_browse_button_clicked(self) -> None:
        chosen = self.choose_file()
        if chosen is not None:
            self.path_edit.setText(str(chosen))
            self.next_button.setFocus()

    @Slot(str)
    def _on_path_edit_text_changed(self, _text: str) -> None:
        show_message(self.file_error, "")
        self._update_buttons()

    @Slot()
    def _on_next_button_clicked(self) -> None:
        typed = self.path_edit.text().strip()
        if not typed:
            show_message(self.file_error, "Type the file's name, or choose it with Browse….")
            self.path_edit.setFocus()
            return
        path = Path(typed).expanduser()
        show_message(self.file_error, "")
        self.file_busy.show()
        self._update_buttons(busy=True)
        self._next_generation()
        self._run(lambda: read_file(path), lambda table: self._on_file_read(path, table), self._on_file_failed)

    def _on_file_failed(self, message: str) -> None:
        self.file_busy.hide()
        self._update_buttons()
        show_message(self.file_error, message)
        self.path_edit.setFocus()
        self.path_edit.selectAll()

    def _on_file_read(self, path: Path, table: CsvTable) -> None:
        """Show the columns page; a file read again with the same headers (corrected) keeps the columns chosen."""
        if not table.rows:
            self._on_file_failed("The file has a line of column names but no rows under it.")
            return
        self.file_busy.hide()
        same_columns = self.table_read is not None and self.table_read.headers == table.headers
        wanted = self.mapping() if same_columns else csvio.guess_mapping(self.kind, table.headers)
        self.file_path, self.table_read, self.plan = path, table, None
        separator = SEPARATORS.get(table.delimiter, repr(table.delimiter))
        self.file_info.setText(
            f"{path.name}: {counted(len(table.rows), 'row')} and {counted(len(table.headers), 'column')}. "
            f"Text encoding: {table.encoding}. Separated by {separator}."
        )
        labels = [header_label(table.headers, i) for i in range(len(table.headers))]
        for key, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(NOT_IN_FILE, None)
            for i, label in enumerate(labels):
                combo.addItem(label, i)
            index = wanted.get(key)
            combo.setCurrentIndex(0 if index is None else index + 1)
            combo.blockSignals(False)
        self.preview_model.set_table(table)
        self._on_mapping_changed()
        self.preview_table.resizeColumnsToContents()
        header = self.preview_table.horizontalHeader()
        for column in range(self.preview_model.columnCount()):
            header.resizeSection(column, min(max(header.sectionSize(column), 90), 280))
        self._fit_preview_height()
        self._go_to(1)
        self._first_combo().setFocus()

    def _fit_preview_height(self) -> None:
        """Tall enough for its rows, its two-line header and a horizontal scroll bar, and no more."""
        view = self.preview_table
        rows = sum(view.rowHeight(r) for r in range(self.preview_model.rowCount()))
        scroll_bar = view.horizontalScrollBar().sizeHint().height()
        view.setFixedHeight(view.horizontalHeader().sizeHint().height() + rows + scroll_bar + 2 * view.frameWidth())

    def _first_combo(self) -> QComboBox:
        """The first required column's combo (where the clerk most likely has something to check)."""
        first = next((c for c in self.columns if c.required), self.columns[0])
        return self.combos[first.key]

    # --- step 2: the columns ------------------------------------------------------------------------------------------

    def mapping(self) -> dict[str, int | None]:
        """For each hartdesk column, the index of the file's column chosen for it (``None``: not in the file)."""
        return {key: combo.currentData() for key, combo in self.combos.items()}

    def _missing_columns(self) -> list[str]:
        if self.table_read is None:
            return [c.key for c in self.columns if c.required]
        mapping = self.mapping()
        return [c.key for c in self.columns if c.required and mapping.get(c.key) is None]

    @Slot()
    def _on_mapping_changed(self) -> None:
        missing = self._missing_columns() if self.table_read is not None else []
        show_message(self.mapping_error, f"Choose the file's column for: {', '.join(missing)}." if missing else "")
        self.preview_model.set_mapping(self.mapping())
        header = self.preview_table.horizontalHeader()
        for column in range(self.preview_model.columnCount()):  # widen a column whose header grew; never narrow
            wanted = min(header.sectionSizeFromContents(column).width(), 280)
            if header.sectionSize(column) < wanted:
                header.resizeSection(column, wanted)
        self._update_buttons()

    def _column_names(self) -> dict[str, str]:
        """How each hartdesk column is named in the problem list: with the file's header when it differs."""
        names = {}
        headers = self.table_read.headers if self.table_read is not None else []
        for key, index in self.mapping().items():
            header = header_label(headers, index) if index is not None else ""
            names[key] = key if not header or header.casefold() == key.casefold() else f"{key} ({header})"
        return names

    @Slot()
    def _on_check_button_clicked(self) -> None:
        if self.table_read is None or self._missing_columns():
            return
        who, kind, table, mapping = self.ctx.who, self.kind, self.table_read, self.mapping()
        self.plan = None
        self.problem_model.set_problems([], {})
        self._show_outcome("", "")
        self.summary_label.setText(f"Checking {counted(len(table.rows), 'row')}…")
        self._start_progress(len(table.rows), "Checking row {done} of {total}…")
        self._next_generation()
        self._go_to(2)
        self._update_buttons(busy=True)

        def work(report: Progress) -> ImportPlan:
            with who.register.session() as session:
                return csvio.plan_import(session, kind, table, mapping, progress=report)

        self._run(work, self._on_plan_ready, self._on_check_failed, on_progress=self._on_progress)

    def _on_check_failed(self, message: str) -> None:
        """The whole file was refused (or the check could not run): the page says why; Back leads to a fix."""
        self.progress_bar.hide()
        self.summary_label.setText("The rows could not be checked.")
        self._show_outcome(f"{message} {NOTHING_WRITTEN}", ERROR_STYLE)
        self._update_buttons()
        self.back_button.setFocus()

    # --- step 3: the check --------------------------------------------------------------------------------------------

    def _start_progress(self, total: int, text: str) -> None:
        """Show the bar at 0 of ``total``; ``text`` may hold {done} and {total} (and Qt's %p for the percentage)."""
        self._progress_text = text
        self.progress_bar.setRange(0, max(total, 1))
        self._on_progress(0, total)
        self.progress_bar.show()
        self.progress_label.hide()

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0 and self.progress_bar.maximum() != total:
            self.progress_bar.setMaximum(total)
        value = min(done, self.progress_bar.maximum())
        self.progress_bar.setFormat(self._progress_text.format(done=number(value), total=number(total)))
        self.progress_bar.setValue(value)

    def _on_plan_ready(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.progress_bar.setValue(self.progress_bar.maximum())
        self.progress_bar.hide()
        self.summary_label.setText(summary_text(plan) + ".")
        self.problem_model.set_problems(plan.problems, self._column_names())
        self.problem_table.setVisible(bool(plan.problems))
        nouns = f"{self.noun}s" if len(plan.items) != 1 else self.noun
        writes = (
            f"Import writes all {number(len(plan.items))} {nouns} at once"
            if len(plan.items) > 1
            else (f"Import writes the {self.noun}")
        )
        if not plan.ok:
            self._show_outcome(NOTHING_WRITTEN, ERROR_STYLE)
        elif not plan.items:
            self._show_outcome("The file has no rows to import.", ERROR_STYLE)
        elif plan.warnings:
            self._show_outcome(
                f"Nothing has been written yet. The warnings do not stop the import, but read them first: {writes}.",
                WARNING_STYLE,
            )
            self.confirm_check.setText(
                f"I have &read the {counted(len(plan.warnings), 'warning')}; import these {nouns} anyway"
            )
            self.confirm_check.setChecked(False)
            self.confirm_check.show()
        else:
            self._show_outcome(
                f"Every row is ready. Nothing has been written yet: {writes}.",
                OK_STYLE,
            )
        self._update_buttons()
        if self.import_button.isEnabled():
            self.import_button.setFocus()
        elif not self.confirm_check.isHidden():
            self.confirm_check.setFocus()
        elif plan.problems:
            self.problem_table.setFocus()
            self.problem_table.selectRow(0)

    def _show_outcome(self, text: str, style: str) -> None:
        self.outcome_label.setStyleSheet(style)
        show_message(self.outcome_label, text)
        self.confirm_check.hide()
        self.confirm_check.setChecked(False)

    @Slot(bool)
    def _on_confirm_check_toggled(self, _checked: bool) -> None:
        self._update_buttons()

    @Slot()
    def _on_import_button_clicked(self) -> None:
        if not self.import_button.isEnabled() or self.table_read is None or self.plan is None:
            return
        who, kind, table, mapping = self.ctx.who, self.kind, self.table_read, self.mapping()
        accepted_warnings = frozenset(self.plan.warnings)
        rows = len(table.rows)

        def work(report: Progress) -> _Committed:
            with who.register.session() as session:
                plan = csvio.plan_import(session, kind, table, mapping, progress=lambda d, _t: report(d, 2 * rows))
                if not plan.ok or not frozenset(plan.warnings) <= accepted_warnings:
                    return _Committed(plan, None)  # the register changed since the check: nothing is written
                total = rows + len(plan.items)
                report(rows, total)
                count = csvio.commit_import(session, who.username, plan, progress=lambda d, _t: report(rows + d, total))
            return _Committed(plan, count)

        self._committing = True
        self._update_buttons(busy=True)
        self._start_progress(2 * rows, "Importing… %p%")
        self.progress_label.setText("Checking the rows again, then writing them all at once…")
        self.progress_label.show()
        self._run(work, self._on_committed, self._on_commit_failed, serial=True, on_progress=self._on_progress)

    def _on_commit_failed(self, message: str) -> None:
        """All or nothing: the transaction was rolled back."""
        self.progress_bar.hide()
        self.progress_label.hide()
        self.summary_label.setText("The import failed.")
        self._show_outcome(f"{message} Nothing has been written.", ERROR_STYLE)
        self._update_buttons()

    def _on_committed(self, result: _Committed) -> None:
        self._committing = False
        self.progress_bar.hide()
        self.progress_label.hide()
        if result.count is None:
            self._on_plan_ready(result.plan)
            self.outcome_label.setText(
                "The register has changed since the check; checked again, the file has the problems listed. "
                + self.outcome_label.text()
            )
            return
        count = result.count
        message = f"{counted(count, self.noun)} imported."
        self.summary_label.setText(message)
        self._show_outcome(message, OK_STYLE)
        self.imported.emit(count)
        parent = self.parentWidget()
        self.accept()
        _tell(parent, QMessageBox.Icon.Information, "Import finished", message, "imported_message")

    # --- window geometry ----------------------------------------------------------------------------------------------

    def _settings(self) -> QSettings:
        return QSettings(str(paths.config_dir() / "ui.ini"), QSettings.Format.IniFormat, self)

    def _restore_geometry(self) -> None:
        geometry = self._settings().value("import_dialog/geometry")
        if geometry is not None:
            self.restoreGeometry(geometry)

    def _save_geometry(self) -> None:
        self._settings().setValue("import_dialog/geometry", self.saveGeometry())


def read_file(path: Path) -> CsvTable:
    """The file read as CSV; a file that cannot be opened is a :class:`csvio.CsvError` saying why."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise csvio.CsvError(f"There is no file {path}. Check its name and folder.") from None
    except IsADirectoryError:
        raise csvio.CsvError(f"{path} is a folder. Choose a CSV file in it.") from None
    except PermissionError:
        raise csvio.CsvError(f"hartdesk may not read {path}. Check the file's permissions.") from None
    except OSError as exc:
        raise csvio.CsvError(f"{path} cannot be read: {exc.strerror or exc}.") from None
    return csvio.read_csv(data)


# --- exporting --------------------------------------------------------------------------------------------------------


def choose_export_file(parent: QWidget | None) -> Path | None:
    """Where to write the clients (the system's save dialog; ``None`` if the clerk cancels)."""
    name, _ = QFileDialog.getSaveFileName(
        parent, "Export every client to", str(Path.home() / "clients.csv"), CSV_FILTER
    )
    if not name:
        return None
    path = Path(name)
    return path if path.suffix else path.with_suffix(".csv")


def export_clients_to(
    ctx: AppContext,
    parent: QWidget | None,
    *,
    path: Path | None = None,
    on_done: Callable[[int, Path], None] | None = None,
) -> None:
    """Ask for a file name (unless ``path`` is given), write every client to it in a task (audited as
    ``export.clients``), then say "N clients exported to PATH"; ``on_done(count, path)`` follows a success."""
    target = path if path is not None else choose_export_file(parent)
    if target is None:
        return
    who = ctx.who

    def work() -> int:
        from hartdesk.security import audit

        with who.register.session() as session:
            count = csvio.export_clients(session, target)
            audit.record(session, who.username, "export.clients", "", {"rows": count})  # as the command line does
        return count

    def done(count: int) -> None:
        QGuiApplication.restoreOverrideCursor()
        _tell(
            parent, QMessageBox.Icon.Information, "Export finished", f"{counted(count, 'client')} exported to {target}."
        )
        if on_done is not None:
            on_done(count, target)

    def failed(exc: BaseException) -> None:
        QGuiApplication.restoreOverrideCursor()
        if isinstance(exc, HartdeskError):
            _tell(parent, QMessageBox.Icon.Warning, "Export failed", exc.message)
        elif isinstance(exc, OSError):
            _tell(
                parent, QMessageBox.Icon.Warning, "Export failed", f"{target} cannot be written: {exc.strerror or exc}."
            )
        else:
            crash.report_unexpected(exc, parent if parent is not None and shiboken6.isValid(parent) else None)

    QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    ctx.tasks.run(work, on_done=done, on_error=failed, serial=True)


_unowned: set[QMessageBox] = set()  # boxes without a parent, kept alive until closed


def _tell(parent: QWidget | None, icon: QMessageBox.Icon, title: str, text: str, name: str = "export_message") -> None:
    """A message box that does not block (its parent keeps it alive; it is deleted once closed)."""
    if parent is not None and not shiboken6.isValid(parent):
        parent = None
    box = QMessageBox(icon, title, text, QMessageBox.StandardButton.Ok, parent)
    box.setObjectName(name)
    box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    box.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if parent is None:
        _unowned.add(box)
        box.finished.connect(lambda _result: _unowned.discard(box))
    box.open()
