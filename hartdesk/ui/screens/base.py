"""The base of every sidebar screen."""

from __future__ import annotations

from collections.abc import Callable

import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import open_modal


class Screen(QWidget):
    """A page of the main window. ``title`` shows in the sidebar; ``admin_only`` hides it from staff.

    ``refresh()`` loads data (through ``ctx.tasks``) when the screen is shown; ``clear()`` forgets every value
    shown when the register locks.
    """

    title = ""
    icon_name = "fa5s.circle"  # a qtawesome icon name
    admin_only = False

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QWidget.__init__(self, parent)
        self.ctx = ctx
        self._generation = 0  # moved on by clear(), so that results of work started before are dropped

    def is_current(self, generation: int) -> bool:
        """Whether work started at ``generation`` may show its result: nothing was cleared and the screen lives."""
        return generation == self._generation and shiboken6.isValid(self)

    def refresh(self) -> None:
        """Reload what the screen shows."""

    def clear(self) -> None:
        """Drop everything shown (the register was locked)."""

    def add_shortcut(self, text: str, key: QKeySequence.StandardKey, on_key: Callable[[], None]) -> QAction:
        """An action calling ``on_key`` when ``key`` is pressed while the focus is in this screen."""
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key))
        action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        action.triggered.connect(on_key)
        self.addAction(action)
        return action

    def open_dialog(self, dialog: QDialog, on_accepted: Callable[[], None]) -> None:
        """Show ``dialog`` window-modal; ``on_accepted`` runs if it is accepted, and it is deleted once closed."""
        open_modal(dialog, on_accepted)
