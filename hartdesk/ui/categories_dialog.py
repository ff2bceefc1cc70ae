"""The data categories (administrators): what kinds of personal data the agency holds, why, on what lawful basis,
where from and for how long. Data reports, the record of processing and retention all read them.

One category is edited at a time: while it has unsaved changes the list is locked, and Save or Revert unlocks it.
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from hartdesk.models.enums import LawfulBasis, RetentionKind, ServiceKind
from hartdesk.register import operators
from hartdesk.register.operators import CategoryInput, CategoryView
from hartdesk.ui.context import AppContext
from hartdesk.ui.service_form import plain_text_edit, set_combo_data
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    WARNING_STYLE,
    FieldProblems,
    align_form_labels,
    make_error_label,
    named,
    show_message,
    stacked,
)

PERIOD_UNITS = {
    RetentionKind.AFTER_RELATIONSHIP: " months",
    RetentionKind.AFTER_SERVICE_ENDS: " months",
    RetentionKind.ROLLING_DAYS: " days",
}
UNSAVED = "Unsaved changes: Save them, or Revert."
DISCARD = "This category has unsaved changes. Save them, or press Esc again to close without saving."


class CategoriesDialog(QDialog):
    """Lists the categories and edits one; ``saved`` counts the categories saved while it was open."""

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        QDialog.__init__(self, parent)
        self.ctx = ctx
        self.setObjectName("categories_dialog")
        self.setWindowTitle("Data categories")
        self.saved = 0
        self._categories: list[CategoryView] = []
        self._current_id: int | None = None  # the category in the form (None: a new one)
        self._filling = False
        self._dirty = False
        self._warned = False
        self.problems = FieldProblems()
        p = self.problems

        self.category_list = named(QListWidget(), "category_list")
        self.category_list.setMinimumWidth(200)
        self.new_button = named(QPushButton("&New category"), "new_button")
        list_column = QVBoxLayout()
        list_column.addWidget(self.category_list, 1)
        list_column.addWidget(self.new_button)

        self.code_edit = named(QLineEdit(), "code_edit")
        self.code_edit.setMaxLength(40)
        self.code_edit.setPlaceholderText("e.g. newsletters")
        self.name_edit = named(QLineEdit(), "name_edit")
        self.name_edit.setMaxLength(120)
        self.description_edit = plain_text_edit("description_edit", 3)
        self.purpose_edit = plain_text_edit("purpose_edit", 3)
        self.basis_combo = named(QComboBox(), "basis_combo")
        for basis in LawfulBasis:
            self.basis_combo.addItem(basis.label, basis)
        self.source_edit = named(QLineEdit(), "source_edit")
        self.source_edit.setMaxLength(300)
        self.retention_combo = named(QComboBox(), "retention_combo")
        for kind in RetentionKind:
            self.retention_combo.addItem(kind.label, kind)
        self.period_spin = named(QSpinBox(), "period_spin")
        self.period_spin.setRange(0, 1200)
        retention = QWidget()
        retention_row = QHBoxLayout(retention)
        retention_row.setContentsMargins(0, 0, 0, 0)
        retention_row.addWidget(self.retention_combo, 1)
        retention_row.addWidget(self.period_spin)
        self.processor_check = named(
            QCheckBox("We process it as a processor, on the client's instructions"), "processor_check"
        )
        self.kinds_list = named(QListWidget(), "kinds_list")
        for service_kind in ServiceKind:
            item = QListWidgetItem(service_kind.label)
            item.setData(Qt.ItemDataRole.UserRole, service_kind)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.kinds_list.addItem(item)
        self.kinds_list.setFixedHeight(self.kinds_list.sizeHintForRow(0) * len(ServiceKind) + 6)
        kinds_note = QLabel("Tick none if it concerns every client.")
        kinds_note.setStyleSheet(NOTE_STYLE)
        kinds = stacked(self.kinds_list, kinds_note)
        kinds.setFocusProxy(self.kinds_list)
        kinds.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.form = QFormLayout()
        self.form.addRow("Co&de:", p.wrap("code", self.code_edit))
        self.form.addRow("&Name:", p.wrap("name", self.name_edit))
        self.form.addRow("Descr&iption:", p.wrap("description", self.description_edit))
        self.form.addRow("&Purpose:", p.wrap("purpose", self.purpose_edit))
        self.form.addRow("&Lawful basis:", self.basis_combo)
        self.form.addRow("Sou&rce:", p.wrap("source", self.source_edit))
        self.form.addRow("&Kept:", p.wrap("retention_period", retention, self.retention_combo))
        self.form.addRow("", self.processor_check)
        self.form.addRow("Ser&vices:", kinds)
        align_form_labels(self.form)

        self.state_label = named(QLabel(), "state_label")
        self.state_label.setWordWrap(True)
        self.error_label = make_error_label("error_label")
        self.save_button = named(QPushButton("&Save"), "save_button")
        self.revert_button = named(QPushButton("Re&vert"), "revert_button")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.buttons.addButton(self.save_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.addButton(self.revert_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self._on_close_requested)

        columns = QHBoxLayout()
        columns.addLayout(list_column)
        columns.addLayout(self.form, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns, 1)
        layout.addWidget(self.state_label)
        layout.addWidget(self.error_label)
        layout.addWidget(self.buttons)
        self.setMinimumSize(820, 560)
        self.new_button.setAutoDefault(False)
        self.revert_button.setAutoDefault(False)
        self.save_button.setDefault(False)
        self.save_button.setDefault(True)  # now that it is inside the dialog, Enter presses it

        for edit in (self.code_edit, self.name_edit, self.source_edit):
            edit.textEdited.connect(self._on_changed)
        for text in (self.description_edit, self.purpose_edit):
            text.textChanged.connect(self._on_changed)
        self.basis_combo.currentIndexChanged.connect(self._on_changed)
        self.retention_combo.currentIndexChanged.connect(self._on_retention_combo_current_index_changed)
        self.period_spin.valueChanged.connect(self._on_changed)
        self.processor_check.toggled.connect(self._on_changed)
        self.kinds_list.itemChanged.connect(self._on_changed)
        self.category_list.currentRowChanged.connect(self._on_category_list_current_row_changed)
        self.new_button.clicked.connect(self._on_new_button_clicked)
        self.save_button.clicked.connect(self._on_save_button_clicked)
        self.revert_button.clicked.connect(self._on_revert_button_clicked)
        self._set_dirty(False)
        self._set_form_enabled(False)
        self.load()

    # --- loading ----------------------------------------------------------------------------------------------

    def load(self, select: int | None = None) -> None:
        who = self.ctx.who

        def read() -> list[CategoryView]:
            with who.register.session() as session:
                return operators.list_categories(session)

        self.ctx.tasks.run(read, on_done=lambda rows: self._on_loaded(rows, select), on_error=self._on_failed)

    def _on_loaded(self, categories: list[CategoryView], select: int | None) -> None:
        if not shiboken6.isValid(self):
            return
        self._categories = categories
        self.category_list.blockSignals(True)
        self.category_list.clear()
        for category in categories:
            self.category_list.addItem(category.values.name)
        self.category_list.blockSignals(False)
        row = next((i for i, c in enumerate(categories) if c.id == select), 0) if categories else -1
        self.category_list.setCurrentRow(row)
        self._on_category_list_current_row_changed(row)

    def _on_failed(self, exc: BaseException) -> None:
        if shiboken6.isValid(self):
            self.problems.show_failure(exc, self.error_label, self)

    # --- the form ---------------------------------------------------------------------------------------------

    def current_category(self) -> CategoryView | None:
        return next((c for c in self._categories if c.id == self._current_id), None)

    def _fill(self, values: CategoryInput | None, category_id: int | None) -> None:
        self._filling = True
        try:
            self._current_id = category_id
            shown = values or CategoryInput("", "", "", LawfulBasis.CONTRACT, "", RetentionKind.AFTER_RELATIONSHIP)
            self.code_edit.setText(shown.code)
            # A category's code names it to the rest of hartdesk (who-holds-what looks for some by code).
            self.code_edit.setReadOnly(category_id is not None)
            self.code_edit.setToolTip(
                "The code cannot change once the category is saved" if category_id is not None else ""
            )
            self.name_edit.setText(shown.name)
            self.description_edit.setPlainText(shown.description)
            self.purpose_edit.setPlainText(shown.purpose)
            set_combo_data(self.basis_combo, shown.lawful_basis)
            self.source_edit.setText(shown.source)
            set_combo_data(self.retention_combo, shown.retention_kind)
            self.period_spin.setValue(shown.retention_period)
            self.processor_check.setChecked(shown.as_processor)
            for row in range(self.kinds_list.count()):
                item = self.kinds_list.item(row)
                ticked = item.data(Qt.ItemDataRole.UserRole) in shown.service_kinds
                item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self._update_period()
        finally:
            self._filling = False
        self.problems.clear()
        show_message(self.error_label, "")
        self._set_form_enabled(True)
        self._set_dirty(False)

    def values(self) -> CategoryInput:
        kinds = []
        for row in range(self.kinds_list.count()):
            item = self.kinds_list.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                kinds.append(ServiceKind(item.data(Qt.ItemDataRole.UserRole)))
        return CategoryInput(
            code=self.code_edit.text(),
            name=self.name_edit.text(),
            purpose=self.purpose_edit.toPlainText(),
            lawful_basis=LawfulBasis(self.basis_combo.currentData()),
            source=self.source_edit.text(),
            retention_kind=RetentionKind(self.retention_combo.currentData()),
            retention_period=self.period_spin.value() if self.period_spin.isEnabled() else 0,
            description=self.description_edit.toPlainText(),
            as_processor=self.processor_check.isChecked(),
            service_kinds=kinds,
        )

    def _update_period(self) -> None:
        unit = PERIOD_UNITS.get(RetentionKind(self.retention_combo.currentData()))
        self.period_spin.setEnabled(unit is not None)
        self.period_spin.setSuffix(unit or "")
        self.period_spin.setSpecialValueText("" if unit else "—")

    def _set_form_enabled(self, enabled: bool) -> None:
        for row in range(self.form.rowCount()):
            item = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.setEnabled(enabled)

    def _set_dirty(self, dirty: bool) -> None:
        self._dirty = dirty
        self._warned = False
        self.category_list.setEnabled(not dirty)
        self.new_button.setEnabled(not dirty)
        self.save_button.setEnabled(dirty)
        self.revert_button.setEnabled(dirty)
        self.state_label.setText(UNSAVED if dirty else "")
        self.state_label.setStyleSheet("")

    def has_changes(self) -> bool:
        return self._dirty

    @Slot()
    def _on_changed(self, *_: Any) -> None:
        if not self._filling and not self._dirty:
            self._set_dirty(True)

    @Slot()
    def _on_retention_combo_current_index_changed(self, *_: object) -> None:
        self._update_period()
        self._on_changed()

    @Slot(int)
    def _on_category_list_current_row_changed(self, row: int) -> None:
        if 0 <= row < len(self._categories):
            category = self._categories[row]
            self._fill(category.values, category.id)

    @Slot()
    def _on_new_button_clicked(self) -> None:
        self.category_list.clearSelection()
        self._fill(None, None)
        self._set_dirty(True)
        self.code_edit.setFocus()

    @Slot()
    def _on_revert_button_clicked(self) -> None:
        category = self.current_category()
        if category is not None:
            self._fill(category.values, category.id)
        else:
            self._on_loaded(self._categories, None)
        self.category_list.setFocus()

    # --- saving -----------------------------------------------------------------------------------------------

    @Slot()
    def _on_save_button_clicked(self) -> None:
        if not self._dirty:
            return
        who, data, category_id = self.ctx.who, self.values(), self._current_id

        def write() -> int:
            who.require_admin()
            with who.register.session() as session:
                return operators.save_category(session, who.username, data, category_id)

        self.problems.clear()
        show_message(self.error_label, "")
        self.save_button.setEnabled(False)

        def failed(exc: BaseException) -> None:
            if shiboken6.isValid(self):
                self.save_button.setEnabled(True)
                self._on_failed(exc)

        self.ctx.tasks.run(write, on_done=self._on_saved, on_error=failed, serial=True)

    def _on_saved(self, category_id: int) -> None:
        if not shiboken6.isValid(self):
            return
        self.saved += 1
        name = self.name_edit.text().strip()
        self._set_dirty(False)
        self.load(category_id)
        self.state_label.setText(f"{name} was saved.")
        self.category_list.setFocus()

    @Slot()
    def _on_close_requested(self) -> None:
        """Close (or Esc) with unsaved changes warns first; doing it again closes without saving. Locking the
        register calls ``reject()``, which always closes."""
        if self._dirty and not self._warned:
            self._warned = True
            self.state_label.setText(DISCARD)
            self.state_label.setStyleSheet(WARNING_STYLE)
            return
        self.reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and event.modifiers() == Qt.KeyboardModifier.NoModifier:
            self._on_close_requested()
            return
        QDialog.keyPressEvent(self, event)
