"""Help → About hartdesk: the version, the register folder and the licences of what hartdesk bundles."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QLabel, QTableWidget
from pytestqt.qtbot import QtBot

from hartdesk.ui.about_dialog import AboutDialog, font_licences
from hartdesk.ui.context import AppContext
from tests.test_version import pyproject_version
from tests.ui.helpers import OpenMainWindow


def rows(table: QTableWidget) -> dict[str, list[str]]:
    return {
        table.item(r, 0).text(): [table.item(r, c).text() for c in range(1, table.columnCount())]
        for r in range(table.rowCount())
    }


def open_about_by_keyboard(qtbot: QtBot, open_main_window: OpenMainWindow, ctx: AppContext) -> AboutDialog:
    window = open_main_window(ctx)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    focus = QApplication.focusWidget() or window
    qtbot.keyClick(focus, Qt.Key.Key_H, Qt.KeyboardModifier.AltModifier)  # &Help
    qtbot.waitUntil(lambda: QApplication.activePopupWidget() is not None)
    qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_A)  # &About hartdesk…
    qtbot.waitUntil(lambda: window.findChild(AboutDialog) is not None and window.findChild(AboutDialog).isVisible())
    dialog = window.findChild(AboutDialog)
    assert dialog is not None
    return dialog


# The offscreen platform can neither raise the menu's popup nor let it grab the keyboard.
@pytest.mark.qt_log_ignore("does not support raise", "does not support grabbing the keyboard")
def test_about_opens_from_the_help_menu_by_keyboard_with_version_and_folder(
    qtbot: QtBot, open_main_window: OpenMainWindow, admin_ctx: AppContext
) -> None:
    dialog = open_about_by_keyboard(qtbot, open_main_window, admin_ctx)
    title = dialog.findChild(QLabel, "about_title")
    assert title is not None and f"hartdesk {pyproject_version()}" in title.text()
    folder = dialog.findChild(QLabel, "about_register")
    assert folder is not None and str(admin_ctx.register_dir) in folder.text()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())


def test_about_lists_the_main_libraries_with_their_installed_licences(qtbot: QtBot, tmp_path: Path) -> None:
    from importlib import metadata

    dialog = AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    libraries = rows(dialog.library_table)
    assert libraries["PySide6-Essentials"][0] == metadata.version("PySide6-Essentials")
    assert "LGPL-3.0" in libraries["PySide6-Essentials"][1]
    assert libraries["SQLAlchemy"] == [metadata.version("SQLAlchemy"), "MIT"]
    assert libraries["reportlab"][0] == metadata.version("reportlab")
    assert "BSD" in libraries["reportlab"][1]
    assert libraries["pikepdf"][1] == "MPL-2.0"
    assert libraries["sqlcipher3"][1] == "Zlib"  # no licence in its metadata: recognised from its LICENSE file
    assert all(licence.strip() and licence != "see the package" for _, licence in libraries.values())


def test_about_shows_each_bundled_fonts_licence(qtbot: QtBot, tmp_path: Path) -> None:
    dialog = AboutDialog(tmp_path)
    qtbot.addWidget(dialog)
    fonts = rows(dialog.font_table)
    assert fonts["DejaVu"] == ["Bitstream Vera licence; DejaVu changes public domain"]
    assert fonts["DroidSansFallback"] == ["Apache-2.0"]
    assert len(fonts) == len(font_licences()) >= 2
    dialog.font_table.setCurrentCell(1, 0)
    assert "Apache License" in dialog.font_text.toPlainText()
