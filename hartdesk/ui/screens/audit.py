"""The Audit log screen (administrators): browse the chain by person, action and date, and verify the register."""

from __future__ import annotations

import html
from datetime import date, datetime, time, timedelta

from PySide6.QtCore import QDate, Qt, Slot
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.errors import HartdeskError
from hartdesk.security import audit
from hartdesk.security.audit import AuditRow
from hartdesk.storage.verify import Check, verify
from hartdesk.ui.context import AppContext
from hartdesk.ui.crash import show_error
from hartdesk.ui.models.audit_model import AuditDataRole, AuditFilter, AuditTableModel, Column
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.widgets import ERROR_COLOUR, OK_COLOUR, FlowLayout, labelled, make_list_table

EVERYONE = "Everyone"
ALL_ACTIONS = "All actions"
DATE_FORMAT = "dd/MM/yyyy"
COLUMN_WIDTHS = {Column.WHEN: 150, Column.WHO: 100, Column.ACTION: 190, Column.RECORD: 220}


def _day(qdate: QDate) -> date:
    return date(qdate.year(), qdate.month(), qdate.day())


def local_day_start(day: date) -> datetime:
    """Midnight at the start of ``day`` on this computer's clock, as an aware datetime."""
    return datetime.combine(day, time.min).astimezone()


class AuditScreen(Screen):
    title = "Audit log"
    icon_name = "fa5s.history"
    admin_only = True

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        Screen.__init__(self, ctx, parent)

        self.person_combo = QComboBox()
        self.person_combo.setObjectName("person_combo")
        self.person_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.person_combo.setMinimumContentsLength(12)
        self.action_combo = QComboBox()
        self.action_combo.setObjectName("action_combo")
        self.action_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.action_combo.setMinimumContentsLength(18)
        person_label = QLabel("&Person:")
        person_label.setBuddy(self.person_combo)
        action_label = QLabel("&Action:")
        action_label.setBuddy(self.action_combo)

        today = QDate.currentDate()
        self.from_check = QCheckBox("&From:")
        self.from_check.setObjectName("from_check")
        self.from_date = self._date_edit("from_date", today.addDays(-30))
        self.to_check = QCheckBox("&To:")
        self.to_check.setObjectName("to_check")
        self.to_date = self._date_edit("to_date", today)
        self.clear_filters_button = QPushButton("&Clear filters")
        self.clear_filters_button.setObjectName("clear_filters_button")

        # The filters wrap onto a second line in a narrow window rather than making the window wider.
        filters = FlowLayout()
        filters.addWidget(labelled(person_label, self.person_combo))
        filters.addWidget(labelled(action_label, self.action_combo))
        filters.addWidget(labelled(self.from_check, self.from_date, self.to_check, self.to_date))
        filters.addWidget(self.clear_filters_button)

        self.model = AuditTableModel(ctx.tasks, self._load_page, self)
        self.table = make_list_table("audit_table", self.model, COLUMN_WIDTHS, "audit/header", row_padding=8)
        self.table.setWordWrap(False)

        self.count_label = QLabel()
        self.count_label.setObjectName("count_label")
        self.verify_button = QPushButton("&Verify register")
        self.verify_button.setObjectName("verify_button")
        self.verify_button.setToolTip(
            "Check the encryption of every page, the database's integrity and that no audit row was changed"
        )
        bottom = QHBoxLayout()
        bottom.addWidget(self.count_label, 1)
        bottom.addWidget(self.verify_button)

        self.verify_label = QLabel()
        self.verify_label.setObjectName("verify_label")
        self.verify_label.setWordWrap(True)
        self.verify_label.setTextFormat(Qt.TextFormat.RichText)
        self.verify_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.verify_label.hide()

        layout = QVBoxLayout(self)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(bottom)
        layout.addWidget(self.verify_label)

        for first, second in (
            (self.person_combo, self.action_combo),
            (self.action_combo, self.from_check),
            (self.from_check, self.from_date),
            (self.from_date, self.to_check),
            (self.to_check, self.to_date),
            (self.to_date, self.clear_filters_button),
            (self.clear_filters_button, self.table),
            (self.table, self.verify_button),
        ):
            QWidget.setTabOrder(first, second)

        self._reset_combos()
        self.person_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.action_combo.currentIndexChanged.connect(self._on_filter_changed)
        self.from_check.toggled.connect(self._on_filter_changed)
        self.to_check.toggled.connect(self._on_filter_changed)
        self.from_date.dateChanged.connect(self._on_filter_changed)
        self.to_date.dateChanged.connect(self._on_filter_changed)
        self.clear_filters_button.clicked.connect(self._on_clear_filters_button_clicked)
        self.verify_button.clicked.connect(self._on_verify_button_clicked)
        self.model.page_loaded.connect(self._on_model_page_loaded)
        self.model.load_failed.connect(self._on_model_load_failed)
        self._update_date_edits()

    def _date_edit(self, name: str, initial: QDate) -> QDateEdit:
        edit = QDateEdit(initial)
        edit.setObjectName(name)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat(DATE_FORMAT)
        edit.setEnabled(False)
        return edit

    # --- Screen -----------------------------------------------------------------------------------------------

    def refresh(self) -> None:
        who, generation = self.ctx.who, self._generation

        def load() -> tuple[list[str], list[str]]:
            with who.register.session() as session:
                return audit.distinct_values(session)

        self.ctx.tasks.run(
            load,
            on_done=lambda values: self._on_choices_loaded(generation, *values),
            on_error=lambda exc: self._on_task_failed(generation, exc),
        )
        self.model.set_filter(self.current_filter())

    def clear(self) -> None:
        self._generation += 1
        self.model.clear()
        self._reset_combos()
        self.count_label.clear()
        self.verify_label.clear()
        self.verify_label.hide()
        self.verify_button.setEnabled(True)

    # --- filters ----------------------------------------------------------------------------------------------

    def current_filter(self) -> AuditFilter:
        since = local_day_start(_day(self.from_date.date())) if self.from_check.isChecked() else None
        until = None
        if self.to_check.isChecked():
            until = local_day_start(_day(self.to_date.date()) + timedelta(days=1))
        return AuditFilter(
            actor=self.person_combo.currentData(),
            action=self.action_combo.currentData(),
            since=since,
            until=until,
        )

    def _reset_combos(self) -> None:
        self._fill_combo(self.person_combo, EVERYONE, [])
        self._fill_combo(self.action_combo, ALL_ACTIONS, [])

    @staticmethod
    def _fill_combo(combo: QComboBox, everything: str, values: list[str]) -> None:
        """Replace the choices, keeping the current one if it still occurs (without a filter-changed signal)."""
        current = combo.currentData()
        combo.blockSignals(True)
        try:
            combo.clear()
            combo.addItem(everything, None)
            for value in values:
                combo.addItem(value, value)
            if current is not None and current not in values:
                combo.addItem(current, current)
            combo.setCurrentIndex(max(0, combo.findData(current)) if current is not None else 0)
        finally:
            combo.blockSignals(False)

    def _on_choices_loaded(self, generation: int, actors: list[str], actions: list[str]) -> None:
        if not self.is_current(generation):
            return
        self._fill_combo(self.person_combo, EVERYONE, actors)
        self._fill_combo(self.action_combo, ALL_ACTIONS, actions)

    def _update_date_edits(self) -> None:
        self.from_date.setEnabled(self.from_check.isChecked())
        self.to_date.setEnabled(self.to_check.isChecked())

    @Slot()
    def _on_filter_changed(self, *_: object) -> None:
        self._update_date_edits()
        if self.ctx.signed_in is None:
            return
        self.model.set_filter(self.current_filter())

    @Slot()
    def _on_clear_filters_button_clicked(self) -> None:
        for widget in (self.person_combo, self.action_combo, self.from_check, self.to_check):
            widget.blockSignals(True)
        self.person_combo.setCurrentIndex(0)
        self.action_combo.setCurrentIndex(0)
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        for widget in (self.person_combo, self.action_combo, self.from_check, self.to_check):
            widget.blockSignals(False)
        self._on_filter_changed()

    # --- loading ----------------------------------------------------------------------------------------------

    def _load_page(self, audit_filter: AuditFilter, offset: int, limit: int) -> list[AuditRow]:
        """Runs on a pool thread: reads one page; touches no widget."""
        who = self.ctx.who
        with who.register.session() as session:
            return audit.query(
                session,
                actor=audit_filter.actor,
                action=audit_filter.action,
                since=audit_filter.since,
                until=audit_filter.until,
                limit=limit,
                offset=offset,
            )

    @Slot()
    def _on_model_page_loaded(self) -> None:
        count = self.model.rowCount()
        if count == 0:
            text = "No audit entries match these filters."
        elif self.model.has_more:
            text = f"Showing the newest {count} entries; scroll down for more."
        else:
            text = "1 entry." if count == 1 else f"{count} entries."
        self.count_label.setText(text)

    @Slot(object)
    def _on_model_load_failed(self, exc: BaseException) -> None:
        self._on_task_failed(self._generation, exc)

    def _on_task_failed(self, generation: int, exc: BaseException) -> None:
        if not self.is_current(generation):
            return
        if isinstance(exc, HartdeskError):
            self.count_label.setText(exc.message)
        else:
            show_error(self, exc)

    # --- verify -----------------------------------------------------------------------------------------------

    @Slot()
    def _on_verify_button_clicked(self) -> None:
        who, generation = self.ctx.who, self._generation

        def work() -> list[Check]:
            checks = verify(who.register)
            who.audit("register.verified", f"register:{who.register.register_id}", {"ok": all(c.ok for c in checks)})
            return checks

        self.verify_button.setEnabled(False)
        self.verify_label.setText("Checking the register…")
        self.verify_label.setStyleSheet("")
        self.verify_label.show()

        def failed(exc: BaseException) -> None:
            if self.is_current(generation):
                self.verify_button.setEnabled(True)
                self.verify_label.hide()
            self._on_task_failed(generation, exc)

        self.ctx.tasks.run(
            work, on_done=lambda checks: self._on_verified(generation, checks), on_error=failed, serial=True
        )

    def _on_verified(self, generation: int, checks: list[Check]) -> None:
        if not self.is_current(generation):
            return
        self.verify_button.setEnabled(True)
        failed = [c for c in checks if not c.ok]
        if failed:
            summary = (
                f"<b style='color:{ERROR_COLOUR}'>The register failed {len(failed)} check"
                f"{'' if len(failed) == 1 else 's'}.</b> Change nothing more and tell whoever looks after "
                "hartdesk: an earlier backup may still hold the register as it was."
            )
        else:
            summary = f"<b style='color:{OK_COLOUR}'>The register is sound: every check passed.</b>"
        lines = []
        for check in checks:
            mark, colour = ("✔", OK_COLOUR) if check.ok else ("✘", ERROR_COLOUR)
            lines.append(
                f"<span style='color:{colour}'>{mark}</span> {html.escape(check.name)}: {html.escape(check.detail)}"
            )
        self.verify_label.setText(summary + "<br>" + "<br>".join(lines))
        broken = next((c for c in failed if c.name == "Audit chain"), None)
        if broken is not None:
            self._select_audit_row(broken.detail)

    def _select_audit_row(self, detail: str) -> None:
        """Select the first broken audit row in the table when it is among the rows loaded."""
        digits = "".join(ch for ch in detail.rsplit(" ", 1)[-1] if ch.isdigit())
        if not digits:
            return
        wanted = int(digits)
        for row in range(self.model.rowCount()):
            index = self.model.index(row, 0)
            if self.model.data(index, AuditDataRole.ID) == wanted:
                self.table.selectRow(row)
                self.table.scrollTo(index)
                return
