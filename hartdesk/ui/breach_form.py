"""Logging a personal data breach, and editing what is known of it as the facts come in.

The form asks what happened, when it happened (if known) and when the agency became aware of it — the 72 hours
before the ICO must be told start there (UK time, now by default) — and what it touched: clients found as the clerk
types, services likewise, and the operators involved, each ticked in a list. *Estimate* adds up, in a task, how many
people and records those reach and the data categories involved (:func:`hartdesk.privacy.breaches.estimate`); the
clerk then corrects the figures. Last come the likely consequences, the measures taken and proposed, and the risk.

Saving runs :func:`~hartdesk.privacy.breaches.log_breach` (or ``update_breach``) as one serial task; a problem the
register finds shows under its field with nothing saved. Enter moves to the next field; Ctrl+Enter saves; Esc
cancels.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, Qt, Signal, Slot
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from hartdesk.models.enums import BreachRisk
from hartdesk.privacy.breaches import BreachDetail, BreachInput, Estimate
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_intake import (
    DATE_TIME_FORMAT,
    button,
    from_qdatetime,
    line_edit,
    note_label,
    text_edit,
    to_qdatetime,
    uk_now,
)
from hartdesk.ui.widgets import (
    FormDialog,
    align_form_labels,
    look_up,
    named,
    pause_timer,
    show_failure,
    show_message,
)

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn
    from hartdesk.ui.tasks import TaskRunner

LOOK_UP_DELAY_MS = 250  # the pause in typing after which the register is searched
FOUND_LIMIT = 30  # matches listed under a search box (the chosen ones are listed too)
MAX_COUNT = 100_000_000  # people or records (the register refuses more)
NOT_GIVEN = -1  # a count left to the estimate
RISK_CHOICES: list[BreachRisk | None] = [None, *BreachRisk]
Found = list[tuple[str, object]]  # (text shown, key)


def datetime_edit(name: str, value: datetime, latest: datetime) -> QDateTimeEdit:
    """A date and time in UK wall-clock time (typed as dd/mm/yyyy hh:mm or picked in a calendar), up to ``latest``."""
    edit = named(QDateTimeEdit(to_qdatetime(value)), name)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(DATE_TIME_FORMAT)
    edit.setMaximumDateTime(to_qdatetime(latest))
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00/00/0000 00:00") + 48)
    return edit


def count_spin(name: str) -> QSpinBox:
    """An approximate count; "—" leaves it to the estimate made when saving."""
    spin = named(QSpinBox(), name)
    spin.setRange(NOT_GIVEN, MAX_COUNT)
    spin.setSpecialValueText("—")
    spin.setValue(NOT_GIVEN)
    spin.setGroupSeparatorShown(True)
    spin.setToolTip("An approximate number; leave it at — to have it estimated from what is ticked when saving")
    spin.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
    spin.setMinimumWidth(spin.fontMetrics().horizontalAdvance("100,000,000") + 48)
    return spin


def count_of(spin: QSpinBox) -> int | None:
    return None if spin.value() == NOT_GIVEN else spin.value()


def set_count(spin: QSpinBox, value: int | None) -> None:
    spin.setValue(NOT_GIVEN if value is None else value)


def categories_of(edit: QPlainTextEdit) -> tuple[str, ...]:
    return tuple(line.strip() for line in edit.toPlainText().splitlines() if line.strip())


def people_text(count: int) -> str:
    return f"{count:,} {'person' if count == 1 else 'people'}"


def records_text(count: int) -> str:
    return f"{count:,} record{'s' if count != 1 else ''}"


def estimate_text(found: Estimate) -> str:
    """What the estimate reached, in a sentence."""
    if not found.client_refs:
        return "Nothing ticked reaches a client's data: tick the clients, services or operators involved."
    refs = ", ".join(found.client_refs[:8]) + (
        f" and {len(found.client_refs) - 8} more" if len(found.client_refs) > 8 else ""
    )
    clients = f"{len(found.client_refs)} client{'s' if len(found.client_refs) != 1 else ''}"
    return (
        f"Estimated from {clients} ({refs}): {people_text(found.people)}, {records_text(found.records)}, "
        f"{len(found.categories)} data categor{'ies' if len(found.categories) != 1 else 'y'}. Correct them if you "
        "know better."
    )


def buddy_label(text: str, field: QWidget) -> QLabel:
    """A label whose mnemonic puts the cursor in ``field`` — in the widget it hands its focus to, if any (a label
    does nothing for a buddy that takes no focus itself, such as a field wrapped with its message)."""
    target, proxy = field, field.focusProxy()
    while proxy is not None:
        target, proxy = proxy, proxy.focusProxy()
    label = QLabel(text)
    label.setBuddy(target)
    return label


# --- a list to tick several records in --------------------------------------------------------------------------------


class PickList(QWidget):
    """Records to tick, several at once: what ``finder(typed)`` finds (run in a task as the clerk types in the
    search box, when there is one) under the ones ticked already, which stay listed first. Space ticks the record
    under the cursor."""

    changed = Signal()

    def __init__(
        self, tasks: TaskRunner, name: str, placeholder: str = "", rows: int = 5, parent: QWidget | None = None
    ) -> None:
        QWidget.__init__(self, parent)
        self.setObjectName(name)
        self._tasks = tasks
        self._finder: Callable[[str], Found] | None = None
        self._asked = 0  # moved on by each look-up: only the answer to the latest is shown
        self._found: Found = []
        self.chosen: dict[object, str] = {}  # key -> text, in the order ticked
        self._keys: list[object] = []  # the key of each row listed
        self.search_edit: QLineEdit | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        if placeholder:
            self.search_edit = named(QLineEdit(), f"{name}_search")
            self.search_edit.setPlaceholderText(placeholder)
            self.search_edit.setClearButtonEnabled(True)
            self.search_edit.textEdited.connect(self._on_search_edit_text_edited)
            self.search_edit.returnPressed.connect(self.look_up_now)
            layout.addWidget(self.search_edit)
        self.list = named(QListWidget(), f"{name}_list")
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setToolTip("Space ticks or unticks the one under the cursor")
        # A long row is shortened in the middle (its tooltip has it whole) rather than scrolled sideways, and each
        # row is as tall as its tick box or its text, whichever is taller.
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        indicator = self.list.style().pixelMetric(QStyle.PixelMetric.PM_IndicatorHeight)
        row_height = max(self.list.fontMetrics().height(), indicator) + 2
        self.list.setFixedHeight(row_height * rows + 2 * self.list.frameWidth() + 4)
        self.list.itemChanged.connect(self._on_list_item_changed)
        layout.addWidget(self.list)
        self.summary_label = named(QLabel(), f"{name}_summary")
        self.summary_label.setTextFormat(Qt.TextFormat.PlainText)
        self.summary_label.setWordWrap(True)
        self.summary_label.setStyleSheet("color: palette(placeholder-text);")
        layout.addWidget(self.summary_label)
        self.timer = pause_timer(self, LOOK_UP_DELAY_MS, self.look_up_now)
        self.setFocusProxy(self.search_edit or self.list)
        self._show_summary()

    def set_finder(self, finder: Callable[[str], Found]) -> None:
        """How to find records (run in a task with the text typed) and list them at once."""
        self._finder = finder
        self.look_up_now()

    @Slot(str)
    def _on_search_edit_text_edited(self, _text: str) -> None:
        self.timer.start()

    @Slot()
    def look_up_now(self) -> None:
        self.timer.stop()
        finder = self._finder
        if finder is None:
            return
        typed = self.search_edit.text().strip() if self.search_edit is not None else ""
        self._asked += 1
        asked = self._asked
        look_up(self._tasks, self, lambda: finder(typed), lambda: asked == self._asked, self.set_found)

    def set_found(self, found: Found) -> None:
        self._found = list(found)
        self._rebuild()

    def set_chosen(self, chosen: Sequence[tuple[str, object]]) -> None:
        self.chosen = {key: text for text, key in chosen}
        self._rebuild()

    def chosen_keys(self) -> list[object]:
        return list(self.chosen)

    def texts(self) -> list[str]:
        """What the list shows, top to bottom, ticked ones marked with ✓."""
        return [
            ("✓ " if self.list.item(i).checkState() == Qt.CheckState.Checked else "  ") + self.list.item(i).text()
            for i in range(self.list.count())
        ]

    def _rebuild(self) -> None:
        current = self.list.currentRow()
        current_key = self._keys[current] if 0 <= current < len(self._keys) else None
        rows = [(text, key, True) for key, text in self.chosen.items()]
        rows += [(text, key, False) for text, key in self._found if key not in self.chosen]
        self.list.blockSignals(True)
        self.list.clear()
        self._keys = []
        for text, key, ticked in rows:
            item = QListWidgetItem(text)
            item.setToolTip(text)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._keys.append(key)
        if self._keys:  # the cursor on a row (Space ticks it) without it looking chosen
            row = self._keys.index(current_key) if current_key in self._keys else 0
            self.list.setCurrentRow(row, QItemSelectionModel.SelectionFlag.NoUpdate)
        self.list.blockSignals(False)
        self._show_summary()

    @Slot(QListWidgetItem)
    def _on_list_item_changed(self, item: QListWidgetItem) -> None:
        row = self.list.row(item)
        if not 0 <= row < len(self._keys):
            return
        key = self._keys[row]
        if item.checkState() == Qt.CheckState.Checked:
            self.chosen[key] = item.text()
        else:
            self.chosen.pop(key, None)
        self._show_summary()
        self.changed.emit()

    def _show_summary(self) -> None:
        count = len(self.chosen)
        self.summary_label.setText(f"{count} ticked" if count else "None ticked")

    def focus_order(self) -> list[QWidget]:
        return [w for w in (self.search_edit, self.list) if w is not None]


# --- finding what to tick (run in tasks: no widget is touched) --------------------------------------------------------


@dataclass(frozen=True)
class Finders:
    """How each list finds its records in ``who``'s register."""

    who: SignedIn

    def clients(self, typed: str) -> Found:
        from hartdesk.register import search

        with self.who.register.session() as session:
            rows = search.list_clients(session, search.ClientQuery(text=typed), 0, FOUND_LIMIT)
        return [(f"{r.ref} {r.name}", r.ref) for r in rows]

    def services(self, typed: str) -> Found:
        from hartdesk.register import services

        with self.who.register.session() as session:
            rows = services.list_services(session, services.ServiceQuery(text=typed), 0, FOUND_LIMIT)
        return [(service_text(r.identifier, r.kind.label, r.client_ref), r.id) for r in rows]

    def operators(self, _typed: str) -> Found:
        from hartdesk.register import operators

        with self.who.register.session() as session:
            rows = operators.list_operators(session)
        return [(operator_text(r.name, r.country_name), r.id) for r in rows]


def service_text(identifier: str, kind: str, client_ref: str) -> str:
    return f"{identifier} ({kind.lower()}), {client_ref}"


def operator_text(name: str, country: str) -> str:
    return f"{name} ({country})" if country else name


# --- the form ---------------------------------------------------------------------------------------------------------


class BreachForm(FormDialog):
    """Log a new breach (``ref`` None) or edit breach ``ref``; accepted once saved (``saved_ref`` says which)."""

    breach_saved = Signal(str)  # the reference

    def __init__(self, ctx: AppContext, ref: str | None = None, parent: QWidget | None = None) -> None:
        title = f"Edit breach {ref}" if ref else "Log a personal data breach"
        FormDialog.__init__(self, ctx, title, "&Save" if ref else "&Log the breach", parent)
        self.setObjectName("breach_form")
        self.setSizeGripEnabled(True)
        self.ref = ref
        self.saved_ref: str | None = None
        self.now = uk_now(ctx)
        self._shown = False
        who = ctx.who
        finders = Finders(who)

        # --- what happened, and when ----------------------------------------------------------------------------
        self.summary_edit = line_edit("summary_edit", 300, "A few words, e.g. laptop with client files stolen")
        self.details_edit = text_edit("details_edit", 4, "What happened, how it was found, what is known so far")
        self.occurred_check = named(QCheckBox("Known"), "occurred_check")
        self.occurred_check.setToolTip("Tick when the time it happened is known, even roughly")
        self.occurred_edit = datetime_edit("occurred_edit", self.now, self.now)
        self.occurred_note_edit = line_edit("occurred_note_edit", 300, "or in words, e.g. over the weekend")
        occurred_row = QWidget()
        occurred_layout = QGridLayout(occurred_row)
        occurred_layout.setContentsMargins(0, 0, 0, 0)
        occurred_layout.addWidget(self.occurred_check, 0, 0)
        occurred_layout.addWidget(self.occurred_edit, 0, 1, Qt.AlignmentFlag.AlignLeft)
        occurred_layout.addWidget(self.occurred_note_edit, 1, 0, 1, 2)
        occurred_layout.setColumnStretch(1, 1)
        self.aware_edit = datetime_edit("aware_edit", self.now, self.now)
        self.aware_edit.setToolTip("When the agency became reasonably certain a breach happened (UK time)")
        aware_row = QWidget()
        aware_layout = QVBoxLayout(aware_row)
        aware_layout.setContentsMargins(0, 0, 0, 0)
        aware_layout.setSpacing(2)
        aware_layout.addWidget(self.aware_edit)
        aware_layout.addWidget(note_label("UK time. The 72 hours to decide on reporting to the ICO start here."))
        facts_box = QGroupBox("What happened")
        facts = QFormLayout(facts_box)
        facts.addRow(self._label("S&ummary:", self.summary_edit), self.problems.wrap("summary", self.summary_edit))
        facts.addRow(
            self._label("&What happened:", self.details_edit), self.problems.wrap("details", self.details_edit)
        )
        occurred = self.problems.wrap("occurred_at", occurred_row, self.occurred_check)
        facts.addRow(self._label("When it &happened:", occurred), occurred)
        aware = self.problems.wrap("aware_at", aware_row, self.aware_edit)
        facts.addRow(self._label("&Aware since:", aware), aware)

        # --- what it touched ------------------------------------------------------------------------------------
        self.clients = PickList(ctx.tasks, "clients", "Type a client's name or reference to find it", rows=4)
        self.services = PickList(ctx.tasks, "services", "Type a domain, plan or client to find a service", rows=4)
        self.operators = PickList(ctx.tasks, "operators", rows=4)
        self.estimate_button = button(
            "Esti&mate",
            "estimate_button",
            "Count the people and records the ticked clients, services and operators reach",
        )
        self.estimate_label = named(note_label(""), "estimate_label")
        self.estimate_label.setTextFormat(Qt.TextFormat.PlainText)
        self.estimate_label.hide()
        touched_box = QGroupBox("What it touched")
        touched = QFormLayout(touched_box)
        clients = self.problems.wrap("client_refs", self.clients, self.clients.search_edit)
        touched.addRow(self._label("Cli&ents:", clients), clients)
        services = self.problems.wrap("service_ids", self.services, self.services.search_edit)
        touched.addRow(self._label("Ser&vices:", services), services)
        operators = self.problems.wrap("operator_ids", self.operators, self.operators.list)
        touched.addRow(self._label("&Operators:", operators), operators)
        estimate_row = QHBoxLayout()
        estimate_row.addWidget(self.estimate_button)
        estimate_row.addStretch(1)
        touched.addRow("", estimate_row)
        touched.addRow(self.estimate_label)

        # --- how many, and the assessment -----------------------------------------------------------------------
        self.categories_edit = text_edit("categories_edit", 5, "One per line, e.g. Contact details")
        self.people_spin = count_spin("people_spin")
        self.records_spin = count_spin("records_spin")
        self.consequences_edit = text_edit(
            "consequences_edit", 3, "For the people affected, e.g. phishing emails using their details"
        )
        self.measures_taken_edit = text_edit("measures_taken_edit", 3, "What was done to deal with it")
        self.measures_proposed_edit = text_edit("measures_proposed_edit", 3, "What will be done, incl. to limit harm")
        self.risk_combo = named(QComboBox(), "risk_combo")
        self.risk_combo.addItems(["Not assessed yet", *(risk.label for risk in BreachRisk)])
        self.risk_combo.setToolTip(
            "No risk: nothing to report to the ICO (the reasons are recorded). A risk: report to the ICO within 72 "
            "hours. A high risk: tell the people affected too."
        )
        scale_box = QGroupBox("How many")
        scale = QFormLayout(scale_box)
        categories = self.problems.wrap("categories", self.categories_edit)
        scale.addRow(self._label("Data cate&gories:", categories), categories)
        people = self.problems.wrap("people_count", self.people_spin)
        scale.addRow(self._label("&People (approx.):", people), people)
        records = self.problems.wrap("records_count", self.records_spin)
        scale.addRow(self._label("&Records (approx.):", records), records)
        assessment_box = QGroupBox("Assessment")
        assessment = QFormLayout(assessment_box)
        consequences = self.problems.wrap("consequences", self.consequences_edit)
        assessment.addRow(self._label("Likely co&nsequences:", consequences), consequences)
        taken = self.problems.wrap("measures_taken", self.measures_taken_edit)
        assessment.addRow(self._label("Measures &taken:", taken), taken)
        proposed = self.problems.wrap("measures_proposed", self.measures_proposed_edit)
        assessment.addRow(self._label("Measures propose&d:", proposed), proposed)
        risk = self.problems.wrap("risk", self.risk_combo)
        assessment.addRow(self._label("R&isk:", risk), risk)

        # --- the page -------------------------------------------------------------------------------------------
        page = QWidget()
        grid = QGridLayout(page)
        grid.setContentsMargins(0, 0, 0, 0)
        # What happened and the assessment on the left; what it touched and how many that reaches on the right.
        left = QVBoxLayout()
        left.addWidget(facts_box)
        left.addWidget(assessment_box)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(touched_box)
        right.addWidget(scale_box)
        right.addStretch(1)
        grid.addLayout(left, 0, 0)
        grid.addLayout(right, 0, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.finish_scrolling_form(
            page,
            note_label("Enter moves to the next field; Space ticks; Ctrl+Enter saves; Esc cancels."),
            "Save the breach (Ctrl+Enter)",
            "save_button",
        )

        chain: list[QWidget] = [
            self.summary_edit,
            self.details_edit,
            self.occurred_check,
            self.occurred_edit,
            self.occurred_note_edit,
            self.aware_edit,
            *self.clients.focus_order(),
            *self.services.focus_order(),
            *self.operators.focus_order(),
            self.estimate_button,
            self.categories_edit,
            self.people_spin,
            self.records_spin,
            self.consequences_edit,
            self.measures_taken_edit,
            self.measures_proposed_edit,
            self.risk_combo,
            self.ok_button,
            self.cancel_button,
        ]
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)

        self.occurred_check.toggled.connect(self.occurred_edit.setEnabled)
        self.occurred_edit.setEnabled(False)
        self.estimate_button.clicked.connect(self._on_estimate_button_clicked)
        align_form_labels(facts, assessment)
        align_form_labels(touched, scale)
        self.resize(1060, 720)

        self.clients.set_finder(finders.clients)
        self.services.set_finder(finders.services)
        self.operators.set_finder(finders.operators)
        if ref is not None:
            self._load(ref)

    @staticmethod
    def _label(text: str, buddy: QWidget) -> QLabel:
        return buddy_label(text, buddy)

    # --- editing: what is known already ---------------------------------------------------------------------------

    def _load(self, ref: str) -> None:
        who, now = self.ctx.who, self.now

        def read() -> BreachDetail:
            from hartdesk.privacy import breaches

            with who.register.session() as session:
                return breaches.get_breach(session, ref, now)

        self.load(read, self.show_detail)

    def show_detail(self, d: BreachDetail) -> None:
        """Fill the form with breach ``d`` as recorded."""
        self.summary_edit.setText(d.summary)
        self.details_edit.setPlainText(d.details)
        self.occurred_check.setChecked(d.occurred_at is not None)
        if d.occurred_at is not None:
            self.occurred_edit.setDateTime(to_qdatetime(d.occurred_at.astimezone(self.now.tzinfo)))
        self.occurred_note_edit.setText(d.occurred_note)
        self.aware_edit.setDateTime(to_qdatetime(d.aware_at.astimezone(self.now.tzinfo)))
        self.clients.set_chosen([(f"{ref} {name}", ref) for ref, name in d.clients])
        self.services.set_chosen([(text, service_id) for service_id, text in d.services])
        self.operators.set_chosen([(operator_text(name, country), oid) for oid, name, country in d.operators])
        self.categories_edit.setPlainText("\n".join(d.categories))
        set_count(self.people_spin, d.people_count)
        set_count(self.records_spin, d.records_count)
        self.consequences_edit.setPlainText(d.consequences)
        self.measures_taken_edit.setPlainText(d.measures_taken)
        self.measures_proposed_edit.setPlainText(d.measures_proposed)
        self.risk_combo.setCurrentIndex(RISK_CHOICES.index(d.risk))

    # --- the estimate ---------------------------------------------------------------------------------------------

    @Slot()
    def _on_estimate_button_clicked(self) -> None:
        if self.ctx.signed_in is None:
            return
        who, now = self.ctx.who, uk_now(self.ctx)
        refs, service_ids, operator_ids = self.touched()

        def work() -> Estimate:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import breaches

            with who.register.session() as session:
                return breaches.estimate(session, settings_mod.load(session), now, refs, service_ids, operator_ids)

        def done(found: Estimate) -> None:
            self.estimate_button.setEnabled(True)
            self.show_estimate(found)

        def failed(exc: BaseException) -> None:
            self.estimate_button.setEnabled(True)
            show_failure(self.estimate_label, exc, self)

        self.estimate_button.setEnabled(False)
        show_message(self.estimate_label, "Counting…")
        self.ctx.tasks.run(work, on_done=done, on_error=failed)

    def show_estimate(self, found: Estimate) -> None:
        self.categories_edit.setPlainText("\n".join(found.categories))
        self.people_spin.setValue(found.people)
        self.records_spin.setValue(found.records)
        show_message(self.estimate_label, estimate_text(found))

    # --- focus and keys -------------------------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        FormDialog.showEvent(self, event)
        if not self._shown:
            self._shown = True
            self.summary_edit.setFocus()
        self.ok_button.setDefault(False)  # the button box makes it the default as it shows: Enter must not save

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Ctrl+Enter saves; Enter presses the button that has the focus, and in a field moves to the next one."""
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
                if self.ok_button.isEnabled():
                    self.submit()
                return
            focus = self.focusWidget()
            if isinstance(focus, QPushButton | QToolButton):
                focus.click()
            else:
                self.focusNextChild()
            return
        FormDialog.keyPressEvent(self, event)

    # --- saving ---------------------------------------------------------------------------------------------------

    def touched(self) -> tuple[tuple[str, ...], tuple[int, ...], tuple[int, ...]]:
        """The client references, service ids and operator ids ticked."""
        return (
            tuple(str(k) for k in self.clients.chosen_keys()),
            tuple(int(str(k)) for k in self.services.chosen_keys()),
            tuple(int(str(k)) for k in self.operators.chosen_keys()),
        )

    def form_input(self) -> BreachInput:
        refs, service_ids, operator_ids = self.touched()
        return BreachInput(
            summary=self.summary_edit.text(),
            aware_at=from_qdatetime(self.aware_edit.dateTime()),
            details=self.details_edit.toPlainText(),
            occurred_at=from_qdatetime(self.occurred_edit.dateTime()) if self.occurred_check.isChecked() else None,
            occurred_note=self.occurred_note_edit.text(),
            client_refs=refs,
            service_ids=service_ids,
            operator_ids=operator_ids,
            categories=categories_of(self.categories_edit),
            people_count=count_of(self.people_spin),
            records_count=count_of(self.records_spin),
            consequences=self.consequences_edit.toPlainText(),
            measures_taken=self.measures_taken_edit.toPlainText(),
            measures_proposed=self.measures_proposed_edit.toPlainText(),
            risk=RISK_CHOICES[max(0, self.risk_combo.currentIndex())],
        )

    def show_error(self, exc: BaseException) -> None:
        """As the form's, with the note on when it happened under the time it happened."""
        from hartdesk.errors import FormError

        if isinstance(exc, FormError) and "occurred_note" in exc.problems and "occurred_at" not in exc.problems:
            problems = dict(exc.problems)
            problems["occurred_at"] = problems.pop("occurred_note")
            exc = FormError(problems)
        FormDialog.show_error(self, exc)

    def submit(self) -> None:
        if self.ctx.signed_in is None or not self.ok_button.isEnabled():
            return
        data, who, ref, now = self.form_input(), self.ctx.who, self.ref, uk_now(self.ctx)

        def work() -> str:
            from hartdesk import settings as settings_mod
            from hartdesk.privacy import breaches

            with who.register.session() as session:
                settings = settings_mod.load(session)
                if ref is None:
                    return breaches.log_breach(session, who.username, data, settings, now).ref
                breaches.update_breach(session, who.username, ref, data, settings, now)
                return ref

        self.save(work, self._on_saved)

    def _on_saved(self, ref: str) -> None:
        self.saved_ref = ref
        self.breach_saved.emit(ref)
        self.accept()
