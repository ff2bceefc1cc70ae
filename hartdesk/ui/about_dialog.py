"""Help → About hartdesk: the version, the register folder, and the licences of everything hartdesk bundles.

The licences are read at run time from what is installed (each library's package metadata, the licence files beside
the fonts), so the list stays true when a dependency is added, upgraded or relicensed.
"""

from __future__ import annotations

import platform
import re
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPlainTextEdit,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk import APP_NAME, __version__, paths
from hartdesk.components import runtime_distributions
from hartdesk.ui.widgets import named

DESCRIPTION = (
    "The back office of a small UK web-hosting agency: an encrypted register of clients, their services and the "
    "operators that process their data, privacy requests with their deadlines, documents and a credentials vault."
)
# Native libraries inside a wheel carry no package metadata of their own.
NATIVE_LIBRARIES = (("SQLCipher (inside sqlcipher3)", "4.x", "BSD-3-Clause (Zetetic LLC)"),)
# Licence texts recognised by a phrase, for packages (and fonts) whose metadata names none.
KNOWN_TEXTS = (
    ("Bitstream Vera", "Bitstream Vera licence; DejaVu changes public domain"),
    ("Apache License", "Apache-2.0"),
    ("Mozilla Public License", "MPL-2.0"),
    ("GNU LESSER GENERAL PUBLIC", "LGPL"),
    ("GNU GENERAL PUBLIC", "GPL"),
    ("Permission is hereby granted, free of charge", "MIT"),
    ("Redistribution and use in source and binary forms", "BSD"),
    ("provided 'as-is', without any express or implied warranty", "Zlib"),
)
CLASSIFIER_PREFIXES = ("License :: OSI Approved :: ", "License :: ")


@dataclass(frozen=True)
class Component:
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class FontLicence:
    name: str  # from the file name: LICENSE-DejaVu.txt → DejaVu
    licence: str
    text: str


def recognise(text: str) -> str | None:
    folded = " ".join(text.split()).casefold()
    return next((name for phrase, name in KNOWN_TEXTS if phrase.casefold() in folded), None)


def _field(meta: metadata.PackageMetadata, name: str) -> str:
    """A metadata field, or "" where the package leaves it out (``meta[name]`` warns, and will raise, then)."""
    values = meta.get_all(name) or []
    return str(values[0]) if values else ""


def licence_of(dist: metadata.Distribution) -> str:
    """The licence a package declares: its SPDX expression, else its classifiers, else a short License field, else
    what its bundled licence file says."""
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.removeprefix(CLASSIFIER_PREFIXES[0]).removeprefix(CLASSIFIER_PREFIXES[1])
        for c in meta.get_all("Classifier") or []
        if c.startswith("License :: ")
    ]
    if classifiers:
        return " / ".join(classifiers)
    field = _field(meta, "License").strip()
    if field and field.upper() != "UNKNOWN" and "\n" not in field and len(field) <= 40:
        return field
    for file in dist.files or []:
        if re.search(r"(LICEN[CS]E|COPYING)", file.name, re.IGNORECASE):
            try:
                found = recognise(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError):
                continue
            if found:
                return found
    if field:
        return field.splitlines()[0][:60]
    return "see the package"


def bundled_libraries() -> list[Component]:
    """Python, then every library hartdesk needs at run time, directly or not (test extras left out), then native
    libraries."""
    components = [Component("Python", platform.python_version(), "PSF-2.0")]
    for dist in runtime_distributions():
        components.append(Component(str(dist.metadata["Name"]).replace("_", "-"), dist.version, licence_of(dist)))
    head, rest = components[:1], sorted(components[1:], key=lambda c: c.name.casefold())
    return [*head, *rest, *(Component(*native) for native in NATIVE_LIBRARIES)]


def font_licences(folder: Path | None = None) -> list[FontLicence]:
    """One entry per licence file shipped with the fonts (``LICENSE-<font>.txt``)."""
    folder = folder if folder is not None else paths.resources_dir() / "fonts"
    found = []
    for file in sorted(folder.glob("LICENSE-*.txt")):
        text = file.read_text(encoding="utf-8", errors="replace")
        name = file.stem.removeprefix("LICENSE-")
        found.append(FontLicence(name, recognise(text) or "see the licence text", text))
    return found


def _table(object_name: str, headers: list[str], rows: list[tuple[str, ...]]) -> QTableWidget:
    table = named(QTableWidget(len(rows), len(headers)), object_name)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().setVisible(False)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setAlternatingRowColors(True)
    for row, values in enumerate(rows):
        for column, value in enumerate(values):
            table.setItem(row, column, QTableWidgetItem(value))
    header = table.horizontalHeader()
    for column in range(len(headers) - 1):
        header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
    header.setStretchLastSection(True)
    return table


class AboutDialog(QDialog):
    def __init__(self, register_dir: Path, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.setObjectName("about_dialog")
        self.setWindowTitle(f"About {APP_NAME}")
        self.resize(640, 520)
        self.libraries = bundled_libraries()
        self.fonts = font_licences()

        title = named(QLabel(f"<h2>{APP_NAME} {__version__}</h2>"), "about_title")
        description = named(QLabel(DESCRIPTION), "about_description")
        description.setWordWrap(True)
        folder = named(QLabel(f"Register folder: {register_dir}"), "about_register")
        folder.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        folder.setWordWrap(True)
        log = named(QLabel(f"Log file: {paths.log_file()}"), "about_log")
        log.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        log.setWordWrap(True)

        self.library_table = _table(
            "about_libraries",
            ["Library", "Version", "Licence"],
            [(c.name, c.version, c.licence) for c in self.libraries],
        )
        self.font_table = _table("about_fonts", ["Font", "Licence"], [(f.name, f.licence) for f in self.fonts])
        self.font_text = named(QPlainTextEdit(), "about_font_text")
        self.font_text.setReadOnly(True)
        self.font_table.currentCellChanged.connect(self._on_font_table_current_cell_changed)
        fonts_page = QWidget()
        fonts_layout = QVBoxLayout(fonts_page)
        fonts_layout.addWidget(self.font_table, 1)
        fonts_layout.addWidget(self.font_text, 2)
        self.tabs = named(QTabWidget(), "about_tabs")
        self.tabs.addTab(self.library_table, "&Libraries")
        self.tabs.addTab(fonts_page, "&Fonts")
        if self.fonts:
            self.font_table.setCurrentCell(0, 0)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        for widget in (title, description, folder, log):
            layout.addWidget(widget)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)
        self.library_table.setFocus()

    @Slot(int, int, int, int)
    def _on_font_table_current_cell_changed(self, row: int, _column: int, _old_row: int, _old_column: int) -> None:
        self.font_text.setPlainText(self.fonts[row].text if 0 <= row < len(self.fonts) else "")
