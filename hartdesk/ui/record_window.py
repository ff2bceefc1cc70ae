"""What the windows of one record (a client, a privacy request) share.

Such a window is not modal, so that a clerk can keep several open beside the list, and Esc closes it; its size is
remembered. It reads the record in one task and shows it; a clerk's error shows inline, anything else in the crash
dialog; a result read before the last reload, or after the window closed, is dropped. Once something is written from
it, it reads the record again and tells whoever shows the record too. There is one window per record: opening a
record that is open already raises its window (:class:`OneWindowEach`). The tabs show small read-only tables
(:class:`ListModel`) and forms of values.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

import shiboken6
from PySide6.QtCore import QByteArray, QModelIndex, QObject, QSettings, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QWidget,
)

from hartdesk import paths
from hartdesk.errors import HartdeskError
from hartdesk.ui import crash
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.base import ROW_ROLE, Index, SmallTableModel
from hartdesk.ui.widgets import (
    make_error_label,
    make_list_table,
    mono_font,
    named,
    open_modal,
    show_message,
    value_label,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

T = TypeVar("T")
RecordT = TypeVar("RecordT")
WindowT = TypeVar("WindowT", bound="RecordWindow[Any]")
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


# --- small read-only tables and forms ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Col(Generic[T]):
    """One column of a :class:`ListModel`: its header, the text of a row, and optionally a tooltip and colour."""

    header: str
    text: Callable[[T], str]
    width: int | None = None
    right: bool = False
    tooltip: Callable[[T], str] | None = None
    colour: Callable[[T], str | None] | None = None
    stretch: bool = False  # shares the table's width with the other stretching columns (long texts that wrap)


class ListModel(SmallTableModel[T]):
    """The rows of one tab's table (a record has few of each): columns given as :class:`Col`."""

    def __init__(self, columns: Sequence[Col[T]], parent: QObject | None = None) -> None:
        SmallTableModel.__init__(self, parent)
        self.columns = list(columns)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or not 0 <= section < len(self.columns):
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header
        if role == Qt.ItemDataRole.TextAlignmentRole and self.columns[section].right:
            return _RIGHT
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None or not 0 <= index.column() < len(self.columns):
            return None
        if role == ROW_ROLE:
            return row
        return self.cell(row, index.column(), role)

    def cell(self, row: T, column: int, role: int) -> Any:
        col = self.columns[column]
        if role == Qt.ItemDataRole.DisplayRole:
            return col.text(row)
        if role == Qt.ItemDataRole.ToolTipRole:
            return (col.tooltip(row) if col.tooltip is not None else col.text(row)) or None
        if role == Qt.ItemDataRole.TextAlignmentRole and col.right:
            return _RIGHT
        if role == Qt.ItemDataRole.ForegroundRole and col.colour is not None:
            colour = col.colour(row)
            return QBrush(QColor(colour)) if colour else None
        return None


def value_form(rows: Sequence[tuple[str, str]], values: dict[str, QLabel]) -> QFormLayout:
    """A form of ``(key, label)`` rows, each value a :func:`value_label` named ``<key>_value`` and kept in
    ``values`` under its key."""
    form = QFormLayout()
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    for key, label in rows:
        value = value_label(f"{key}_value")
        values[key] = value
        form.addRow(label, value)
    return form


def badge_style(colour: str, background: str) -> str:
    """A rounded badge in ``colour`` on ``background`` (a status, beside the record's name)."""
    return (
        f"QLabel {{ color: {colour}; background: {background}; border: 1px solid {colour};"
        " border-radius: 9px; padding: 2px 10px; font-weight: bold; }"
    )


# --- the window -------------------------------------------------------------------------------------------------------


class RecordWindow(QDialog, Generic[RecordT]):
    """The window of the record ``ref`` (``record`` once read).

    A subclass names ``window_name`` (its objectName, and the group its size and column widths are kept under) and
    gives ``read(who, ref, today)``, run on a pool thread to read the record. It shows the record (:meth:`_show`),
    says what can be done (:meth:`_set_actions_enabled`) and whom to tell after a change (:meth:`_tell_changed`). It
    lays out the widgets made here (``ref_label``, ``status_badge``, ``error_label``, ``buttons``), then calls
    :meth:`_restore_geometry` and :meth:`reload`.
    """

    window_name: ClassVar[str]
    default_size: ClassVar[tuple[int, int]]  # the first time it opens

    def __init__(
        self,
        ctx: AppContext,
        ref: str,
        parent: QWidget | None,
        read: Callable[[SignedIn, str, date], RecordT],
        minimum_size: tuple[int, int],
        ref_scale: float,
    ) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.ref = ref
        self.record: RecordT | None = None
        self._read = read
        self._generation = 0
        self.setObjectName(self.window_name)
        self.setWindowTitle(ref)
        self.setModal(False)
        self.setSizeGripEnabled(True)
        self.setMinimumSize(*minimum_size)
        self.setWindowFlag(Qt.WindowType.WindowMaximizeButtonHint, True)

        self.ref_label = named(QLabel(ref), "ref_label")
        self.ref_label.setFont(mono_font(ref_scale, self.ref_label.font()))
        self.ref_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.status_badge = named(QLabel(), "status_badge")
        self.error_label = make_error_label("error_label")
        self.error_label.setTextFormat(Qt.TextFormat.PlainText)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.close_button = self.buttons.button(QDialogButtonBox.StandardButton.Close)
        self.close_button.setObjectName("close_button")
        self.close_button.setAutoDefault(False)
        self.buttons.rejected.connect(self.reject)

    # --- what a subclass says ------------------------------------------------------------------------------------

    def _show(self, record: RecordT) -> None:
        raise NotImplementedError

    def _set_actions_enabled(self, *_: object) -> None:
        """Enable what can be done with the record as shown."""

    def _tell_changed(self) -> None:
        """Tell whoever shows the record that it changed."""

    def today(self) -> date:
        return date.today()

    # --- showing -------------------------------------------------------------------------------------------------

    def list_table(self, name: str, model: ListModel[Any], wrap: bool = False) -> QTableView:
        """A table for ``model`` whose column widths are remembered; ``wrap`` lets long texts take several lines."""
        widths = {i: c.width for i, c in enumerate(model.columns) if c.width is not None}
        table = make_list_table(name, model, widths, f"{self.window_name}/{name}", row_padding=8)
        for i, column in enumerate(model.columns):
            if column.stretch:
                table.horizontalHeader().setSectionResizeMode(i, QHeaderView.ResizeMode.Stretch)
        table.setWordWrap(wrap)
        if wrap:
            table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        return table

    def show_heading(self, ref: str, title: str, status: str, colours: tuple[str, str]) -> None:
        """The record's reference (which an edit may change), the window's title and the status badge."""
        self.ref = ref
        self.setWindowTitle(title)
        self.ref_label.setText(ref)
        self.status_badge.setText(status)
        self.status_badge.setStyleSheet(badge_style(*colours))

    def bring_to_front(self) -> None:
        self.show()
        self.raise_()
        self.activateWindow()

    # --- loading -------------------------------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the record again (after a change, or when opened)."""
        if self.ctx.signed_in is None:
            return
        self._generation += 1
        generation, who, ref, today, read = self._generation, self.ctx.who, self.ref, self.today(), self._read
        self.ctx.tasks.run(
            lambda: read(who, ref, today),
            on_done=lambda record: self._on_record_read(generation, record),
            on_error=lambda exc: self._on_failed(generation, exc),
        )

    def _is_current(self, generation: int) -> bool:
        return shiboken6.isValid(self) and generation == self._generation

    def _on_record_read(self, generation: int, record: RecordT) -> None:
        if not self._is_current(generation):
            return
        self.record = record
        show_message(self.error_label, "")
        self._show(record)
        self._set_actions_enabled()

    def _on_failed(self, generation: int, exc: BaseException) -> None:
        if not self._is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            show_message(self.error_label, exc.message)
        else:
            show_message(self.error_label, "")
            crash.report_unexpected(exc, self)

    # --- changes -------------------------------------------------------------------------------------------------

    def _changed(self) -> None:
        """Something was written: read the record again and tell whoever shows it."""
        if not shiboken6.isValid(self):
            return
        self.reload()
        self._tell_changed()

    def _open_child(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        """Show ``dialog`` window-modal; ``on_accepted`` runs if it is accepted, and it is deleted once closed."""
        open_modal(dialog, on_accepted)

    # --- geometry ------------------------------------------------------------------------------------------------

    @staticmethod
    def _store() -> QSettings:
        folder = paths.config_dir()
        folder.mkdir(parents=True, exist_ok=True)
        return QSettings(str(folder / "ui.ini"), QSettings.Format.IniFormat)

    def _restore_geometry(self) -> None:
        """The size and place the window had when last closed (the default size the first time)."""
        geometry = self._store().value(f"{self.window_name}/geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty() and self.restoreGeometry(geometry):
            return
        self.resize(*self.default_size)

    def done(self, result: int) -> None:
        self._store().setValue(f"{self.window_name}/geometry", self.saveGeometry())
        QDialog.done(self, result)


class OneWindowEach(Generic[WindowT]):
    """The open window of each record, so that opening a record that is open already raises its window."""

    def __init__(self) -> None:
        self._windows: dict[str, WindowT] = {}

    def get(self, key: str) -> WindowT | None:
        window = self._windows.get(key)
        return window if window is not None and shiboken6.isValid(window) else None

    def keep(self, key: str, window: WindowT) -> WindowT:
        """Show ``window`` as the one of ``key`` until it closes (it is deleted then)."""
        window.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._windows[key] = window
        window.finished.connect(lambda _result: self._forget(key, window))
        window.show()
        return window

    def _forget(self, key: str, window: WindowT) -> None:
        if self._windows.get(key) is window:
            del self._windows[key]

    def clear(self) -> None:
        self._windows.clear()
