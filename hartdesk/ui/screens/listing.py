"""The base of the screens that search a long list of records as the clerk types (Clients, Requests).

Every search runs in a task: typing restarts a short timer and the query runs when the clerk pauses; Enter runs it at
once and puts the cursor on the first row, so that a second Enter opens it (Down in the search box moves into the
list too). The model drops the result of any query older than the last one, so the window never waits on the
register and never shows the rows of an earlier search; the row selected before stays selected when it is still
listed.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from PySide6.QtCore import QEvent, QItemSelection, QModelIndex, QObject, Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QComboBox, QDialog, QLabel, QLineEdit, QPushButton, QTableView, QWidget

from hartdesk.errors import HartdeskError
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.base import CountedTableModel
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import ERROR_STYLE, named, pause_timer, search_box

ModelT = TypeVar("ModelT", bound=CountedTableModel[Any, Any])


def list_labels() -> tuple[QLabel, QLabel]:
    """The ``count_label`` under a list, and the ``message_label`` saying what was done (plain text, selectable,
    hidden while empty)."""
    count_label = named(QLabel(), "count_label")
    message_label = named(QLabel(), "message_label")
    message_label.setWordWrap(True)
    message_label.setTextFormat(Qt.TextFormat.PlainText)
    message_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    message_label.hide()
    return count_label, message_label


def focus_table(table: QTableView) -> None:
    """Put the cursor in ``table``, on its first row when no row is selected (so that Enter opens it)."""
    table.setFocus(Qt.FocusReason.OtherFocusReason)
    if not table.selectionModel().hasSelection():
        table.selectRow(0)


class RefSelection:
    """A list whose rows are records with a reference (``model.ref_at``/``row_of``): the one selected, and selecting
    one by its reference."""

    table: QTableView
    model: Any

    def selected_ref(self) -> str | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.ref_at(rows[0]) if rows else None

    def select_ref(self, ref: str) -> bool:
        row = self.model.row_of(ref)
        if row is None:
            return False
        self.table.selectRow(row)
        self.table.scrollTo(self.model.index(row, 0))
        return True


class SearchListScreen(RefSelection, Screen, Generic[ModelT]):
    """A screen of ``search_edit`` and filters over the ``table`` of a :class:`CountedTableModel`, with
    ``count_label`` under it and ``message_label`` saying what was done.

    A subclass makes ``search_edit`` (:meth:`make_search_box`), the labels (:meth:`make_labels`), its ``model``,
    ``table`` and ``open_button``, lays them out, then calls :meth:`connect_list` with its filters. It says what the
    search box and filters ask (:meth:`current_query`), what the count says (:meth:`describe_total`) and how a record
    opens (:meth:`open_ref`).
    """

    search_delay_ms = 200  # the pause in typing after which the search runs
    model: ModelT
    table: QTableView
    open_button: QPushButton

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)
        self._select_after_load: str | None = None
        self._focus_list_after_load = False
        self._filters: tuple[QComboBox, ...] = ()

    def make_search_box(self, placeholder: str, tooltip: str) -> QLineEdit:
        self.search_edit = search_box(placeholder, tooltip)
        self.search_edit.installEventFilter(self)
        return self.search_edit

    def make_labels(self) -> None:
        self.count_label, self.message_label = list_labels()

    def connect_list(self, filters: tuple[QComboBox, ...]) -> None:
        """Search as the clerk types or changes one of ``filters``; open the row chosen."""
        self._filters = filters
        self.search_timer = pause_timer(self, self.search_delay_ms, self._on_search_timer_timeout)
        self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
        self.search_edit.returnPressed.connect(self._on_search_edit_return_pressed)
        for combo in filters:
            combo.currentIndexChanged.connect(self._on_filter_changed)
        self.table.activated.connect(self._on_table_activated)
        self.table.selectionModel().selectionChanged.connect(self._on_table_selection_changed)
        self.open_button.clicked.connect(self._on_open_button_clicked)
        self.model.query_loaded.connect(self._on_model_query_loaded)
        self.model.page_loaded.connect(self._update_buttons)
        self.model.load_failed.connect(self._on_model_load_failed)
        self.model.modelReset.connect(self._update_buttons)
        self._update_buttons()

    # --- what a subclass says ---------------------------------------------------------------------------------

    def current_query(self) -> Any:
        """The query the search box and the filters ask for now."""
        raise NotImplementedError

    def describe_total(self, total: int) -> str:
        """What ``count_label`` says once the current query's count arrived."""
        raise NotImplementedError

    def open_ref(self, ref: str) -> None:
        """Open the record ``ref`` (Enter or a double-click in the list, or the Open button)."""
        raise NotImplementedError

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        self.run_search()

    def clear(self) -> None:
        self._generation += 1
        self.search_timer.stop()
        self._select_after_load = None
        self._focus_list_after_load = False
        self.model.clear()
        self.search_edit.clear()
        for combo in self._filters:
            combo.blockSignals(True)
            combo.setCurrentIndex(0)
            combo.blockSignals(False)
        self.count_label.clear()
        self._say("")
        for dialog in self.findChildren(QDialog):
            dialog.reject()

    # --- searching --------------------------------------------------------------------------------------------

    def run_search(self) -> None:
        """Run the query shown now (without waiting for the typing pause)."""
        self.search_timer.stop()
        if self.ctx.signed_in is None:
            return
        selected = self.selected_ref()
        if self._select_after_load is None and selected is not None:
            self._select_after_load = selected
        self.count_label.setText("Searching…")
        self.model.set_query(self.current_query())

    def search_selecting(self, ref: str) -> None:
        """Run the query again (a record was added or changed) and select ``ref`` once it is listed."""
        self._select_after_load = ref
        self.run_search()

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self.search_timer.start()

    @Slot()
    def _on_search_timer_timeout(self) -> None:
        self.run_search()

    @Slot()
    def _on_search_edit_return_pressed(self) -> None:
        """Enter searches at once and puts the cursor on the first row, so a second Enter opens it."""
        self._focus_list_after_load = True
        if self.search_timer.isActive() or self.current_query() != self.model.query or self.model.total is None:
            self.run_search()
        else:
            self._focus_list()

    def _focus_list(self) -> None:
        self._focus_list_after_load = False
        if self.model.rowCount() > 0:
            focus_table(self.table)

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self.run_search()

    @Slot()
    def _on_find_action_triggered(self) -> None:
        self.search_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.search_edit.selectAll()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """Down in the search box moves into the list."""
        if (
            watched is self.search_edit
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() == Qt.Key.Key_Down
            and self.model.rowCount() > 0
        ):
            self._focus_list()
            return True
        return Screen.eventFilter(self, watched, event)

    # --- loading ----------------------------------------------------------------------------------------------

    @Slot()
    def _on_model_query_loaded(self) -> None:
        self.count_label.setText(self.describe_total(self.model.total or 0))
        keep, self._select_after_load = self._select_after_load, None
        if keep is not None:
            self.select_ref(keep)
        if self._focus_list_after_load:
            self._focus_list()

    @Slot(object)
    def _on_model_load_failed(self, exc: BaseException) -> None:
        self._focus_list_after_load = False
        self.count_label.clear()
        if isinstance(exc, HartdeskError):
            self._say(exc.message, ERROR_STYLE)
        elif self.ctx.signed_in is not None:
            show_error(self, exc)

    # --- what is selected -------------------------------------------------------------------------------------

    @Slot(QItemSelection, QItemSelection)
    def _on_table_selection_changed(self, *_: object) -> None:
        self._update_buttons()

    @Slot()
    def _update_buttons(self) -> None:
        self.open_button.setEnabled(self.selected_ref() is not None)

    # --- opening ----------------------------------------------------------------------------------------------

    @Slot(QModelIndex)
    def _on_table_activated(self, index: QModelIndex) -> None:
        ref = self.model.ref_at(index)
        if ref is not None:
            self.open_ref(ref)

    @Slot()
    def _on_open_button_clicked(self) -> None:
        ref = self.selected_ref()
        if ref is not None:
            self.open_ref(ref)

    def _say(self, text: str, style: str = "") -> None:
        self.message_label.setText(text)
        self.message_label.setStyleSheet(style)
        self.message_label.setVisible(bool(text))
