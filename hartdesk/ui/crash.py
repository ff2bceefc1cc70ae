"""Unexpected errors: a dialog with the log file's path (like qutebrowser's crash handler), never silence.

Errors a clerk can act on (:class:`HartdeskError`) get a plain message box instead.
"""

from __future__ import annotations

import logging
import sys
from types import TracebackType

from PySide6.QtWidgets import QApplication, QMessageBox, QWidget

from hartdesk import paths
from hartdesk.errors import HartdeskError

log = logging.getLogger(__name__)


def show_error(parent: QWidget | None, exc: BaseException, title: str = "hartdesk") -> None:
    """A HartdeskError as a plain message; anything else as a crash report."""
    if isinstance(exc, HartdeskError):
        QMessageBox.warning(parent, title, exc.message)
    else:
        report_unexpected(exc, parent)


def report_unexpected(exc: BaseException, parent: QWidget | None = None) -> None:
    log.error("unexpected error", exc_info=(type(exc), exc, exc.__traceback__))
    if QApplication.instance() is None:
        return
    box = QMessageBox(parent or QApplication.activeWindow())
    box.setIcon(QMessageBox.Icon.Critical)
    box.setWindowTitle("hartdesk: something went wrong")
    box.setText("hartdesk hit an unexpected problem. Your saved work is safe.")
    box.setInformativeText(
        f"The details were written to the log file:\n{paths.log_file()}\n\n"
        "Please send that file to whoever looks after hartdesk."
    )
    box.setObjectName("crash_dialog")
    box.exec()


def install_excepthook() -> None:
    def hook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, exc, tb)
            return
        report_unexpected(exc.with_traceback(tb))

    sys.excepthook = hook
