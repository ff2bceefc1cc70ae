"""The base of every sidebar screen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from hartdesk.ui.context import AppContext


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

    def refresh(self) -> None:
        """Reload what the screen shows."""

    def clear(self) -> None:
        """Drop everything shown (the register was locked)."""
