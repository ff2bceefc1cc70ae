"""One personal data breach in its own window: the 72-hour clock in large type, what happened, what it touched, the
assessment and the decision on reporting it to the ICO, and everything done since (the timeline).

The clock is worked out on the GUI thread from the moment the agency became aware, at the time ``ctx.clock`` gives,
and again every minute (a timer), so it counts down while the window is open and tests move the clock instead of
waiting. It is red when the deadline passed or less than 24 hours are left, amber under 48, and says so in words.

Each step has its small dialog: the decision on reporting to the ICO (a breach assessed as a risk must be reported:
the register refuses "not reported" then, and the dialog says why), the report made to the ICO (with the reasons
when it was late), an update given in phases or a note, whether the people affected and the client controllers
were told, and closing. The documents — the ICO report, the notice to each client whose data it touched (the agency
being their processor) and, for a high risk, the notice to the people affected — are made in the document window;
once one is saved, printed or emailed it is on the timeline. The window is not modal, Esc closes it, and there is
one window per breach.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QMenu,
    QPushButton,
    QRadioButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from hartdesk.models.enums import BreachDecision, BreachRisk
from hartdesk.privacy import breaches
from hartdesk.privacy.breaches import BreachClock, BreachDetail, BreachEventView, uk_time
from hartdesk.ui import crash
from hartdesk.ui.breach_form import BreachForm, buddy_label, datetime_edit, people_text, records_text
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.breach_model import risk_text, short_moment
from hartdesk.ui.record_window import Col, ListModel, OneWindowEach, RecordWindow, value_form
from hartdesk.ui.request_intake import from_qdatetime, line_edit, text_edit, uk_now
from hartdesk.ui.widgets import (
    NOTE_STYLE,
    OK_STYLE,
    FlowLayout,
    FormDialog,
    confirmation,
    countdown_panel,
    named,
    scrolling,
    show_message,
    table_with_buttons,
    value_label,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.privacy.produce import Made
    from hartdesk.security.signin import SignedIn
    from hartdesk.settings import Settings
    from hartdesk.ui.document_dialog import DocumentDialog, Maker

TICK_MS = 60_000  # the clock is worked out again every minute
# (text colour, background) of the clock's panel by level; dark enough on their tint to read (WCAG AA).
LEVEL_PANEL = {
    breaches.OVERDUE: ("#a61b1b", "#f8e1e1"),
    breaches.URGENT: ("#a61b1b", "#f8e1e1"),
    breaches.SOON: ("#7a4f00", "#fdf0d5"),
    breaches.RUNNING: ("#1f4e79", "#e1ecf7"),
    breaches.DECIDED: ("#3d3d3d", "#ececec"),
}
LEVEL_BADGE = {
    breaches.OVERDUE: "Overdue",
    breaches.URGENT: "Under 24 hours",
    breaches.SOON: "Under 48 hours",
    breaches.RUNNING: "Clock running",
    breaches.DECIDED: "Decided",
}
STATUS_COLOURS = {
    "waiting": ("#a61b1b", "#f8e1e1"),
    "to-report": ("#7a4f00", "#fdf0d5"),
    "reported": ("#1b5e2b", "#e3f4e6"),
    "not-reported": ("#3d3d3d", "#ececec"),
    "closed": ("#3d3d3d", "#ececec"),
}
EVENT_WORDS = {
    "logged": "Logged",
    "updated": "Updated",
    "decided": "ICO decision",
    "ico-notified": "Reported to the ICO",
    "ico-update": "Update to the ICO",
    "note": "Note",
    "people-told": "People affected",
    "controllers-told": "Controllers told",
    "document": "Document",
    "closed": "Closed",
}
ONLY_HIGH_RISK = (
    "Only for a high risk: the people affected must be told when the breach is likely to result in a high risk to "
    "their rights and freedoms (UK GDPR Art. 34). Assess the risk as high first (Edit…)."
)


def now_of(ctx: AppContext) -> datetime:
    """Now, on the app's clock (tests move ``ctx.clock``)."""
    return datetime.fromtimestamp(ctx.clock(), UTC)


def clock_at(d: BreachDetail, now: datetime) -> BreachClock:
    return breaches.clock(d.aware_at, now, decided=d.decision is not None)


def status_of(d: BreachDetail) -> tuple[str, str]:
    """(the words of the status badge, its colour key)."""
    if d.closed_at is not None:
        return "Closed", "closed"
    if d.decision is None:
        return "Waiting for the ICO decision", "waiting"
    if d.decision is BreachDecision.NOT_NOTIFY:
        return "Not reported to the ICO", "not-reported"
    if d.ico_notified_at is None:
        return "To report to the ICO", "to-report"
    return "Reported to the ICO", "reported"


def clock_headline(d: BreachDetail, clock: BreachClock) -> str:
    """The line in large type: the time left to decide (or how late it is), or the decision once recorded."""
    if d.decision is not None:
        when = f" on {uk_time(d.decided_at)}" if d.decided_at is not None else ""
        late = d.decided_at is not None and d.decided_at - d.aware_at > breaches.CLOCK
        return f"Decided{when}: {d.decision.label.lower()}" + (" (after the 72 hours)" if late else "")
    words = clock.words().split(" (", 1)[0]  # the deadline goes on the line under it
    return words[:1].upper() + words[1:]


def clock_note(d: BreachDetail, clock: BreachClock) -> str:
    return f"Deadline {uk_time(clock.deadline)}: 72 hours after the agency became aware, {uk_time(d.aware_at)}."


def optional_moment(moment: datetime | None, empty: str = "—") -> str:
    return uk_time(moment) if moment is not None else empty


def count_text(value: int | None, words: Callable[[int], str]) -> str:
    return words(value) if value is not None else "Not estimated"


# --- what the window shows, read in one go ----------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachRecord:
    detail: BreachDetail


def read_record(who: SignedIn, ref: str, now: datetime) -> BreachRecord:
    """Runs on a pool thread: the breach as the window shows it."""
    with who.register.session() as session:
        return BreachRecord(breaches.get_breach(session, ref, now))


# --- the makers of its documents --------------------------------------------------------------------------------------


def ico_report_maker(ref: str, now: datetime) -> Maker:
    def make(session: Session, settings: Settings, _today: date, _for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_breach_ico_summary(session, ref, settings, now)

    return make


def controller_notice_maker(ref: str, client_ref: str, now: datetime) -> Maker:
    def make(session: Session, settings: Settings, _today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_breach_controller_notice(session, ref, client_ref, settings, now, for_post=for_post)

    return make


def people_notice_maker(ref: str, now: datetime) -> Maker:
    def make(session: Session, settings: Settings, _today: date, for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_breach_people_notice(session, ref, settings, now, for_post=for_post)

    return make


def register_maker(now: datetime) -> Maker:
    def make(session: Session, settings: Settings, _today: date, _for_post: bool) -> Made:
        from hartdesk.privacy import produce

        return produce.make_breach_register(session, settings, now)

    return make


# --- the window -------------------------------------------------------------------------------------------------------


class BreachWindow(RecordWindow[BreachRecord]):
    """The window of breach ``ref``; the callbacks given to :meth:`add_listener` run after every change."""

    window_name = "breach_window"
    default_size = (1000, 700)

    def __init__(self, ctx: AppContext, ref: str, parent: QWidget | None = None) -> None:
        RecordWindow.__init__(
            self,
            ctx,
            ref,
            parent,
            lambda who, ref, _today: read_record(who, ref, now_of(ctx)),
            minimum_size=(780, 540),
            ref_scale=1.3,
        )
        self._listeners: list[Callable[[], None]] = []

        # --- header: reference, summary, status ------------------------------------------------------------------
        self.summary_label = value_label("summary_label")
        font = self.summary_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.summary_label.setFont(font)
        header_row = QHBoxLayout()
        header_row.addWidget(self.ref_label)
        header_row.addSpacing(8)
        header_row.addWidget(self.summary_label, 1)
        header_row.addWidget(self.status_badge, 0, Qt.AlignmentFlag.AlignVCenter)

        # --- the 72-hour clock -----------------------------------------------------------------------------------
        self.clock_note = value_label("clock_note")
        self.clock_frame, self.clock_label, self.level_badge = countdown_panel(
            "clock_frame", "clock_label", "level_badge", [self.clock_note]
        )
        self.clock_level = ""  # the level shown (one of the breaches module's levels)
        self.tick = QTimer(self)
        self.tick.setInterval(TICK_MS)
        self.tick.timeout.connect(self.update_clock)

        self.notice_label = named(QLabel(), "notice_label")
        self.notice_label.setStyleSheet(OK_STYLE)
        self.notice_label.setWordWrap(True)
        self.notice_label.setTextFormat(Qt.TextFormat.PlainText)
        self.notice_label.setVisible(False)

        self.tabs = named(QTabWidget(), "tabs")
        self.tabs.addTab(self._build_facts_tab(), "&Facts")
        self.tabs.addTab(self._build_affected_tab(), "&Affected")
        self.tabs.addTab(self._build_assessment_tab(), "A&ssessment")
        self.tabs.addTab(self._build_timeline_tab(), "&Timeline")

        # --- what can be done ------------------------------------------------------------------------------------
        self.edit_button = self._button("&Edit…", "edit_button", "Correct or complete the facts and the assessment")
        self.decision_button = self._button(
            "Record ICO &decision…", "decision_button", "Record whether the breach is reported to the ICO, and why"
        )
        self.notified_button = self._button(
            "&Reported to the ICO…", "notified_button", "Record when the ICO was told and the reference it gave"
        )
        self.update_button = self._button(
            "Add &update…", "update_button", "An update given to the ICO in phases, or a note on the timeline"
        )
        self.people_button = self._button(
            "&People told…", "people_button", "Record that the people affected were told, and how (or why not)"
        )
        self.controllers_button = self._button(
            "C&ontrollers told…", "controllers_button", "Record that the clients whose data it touched were told"
        )
        self.close_breach_button = self._button("Close &breach…", "close_breach_button", "Nothing more to do")
        self.actions_box = named(QWidget(), "actions_box")
        actions = FlowLayout(self.actions_box, h_spacing=8, v_spacing=6)
        actions.setContentsMargins(0, 0, 0, 0)
        for widget in (
            self.edit_button,
            self.decision_button,
            self.notified_button,
            self.update_button,
            self.people_button,
            self.controllers_button,
            self.close_breach_button,
        ):
            actions.addWidget(widget)

        self.ico_report_button = self._button(
            "&ICO report…", "ico_report_button", "The breach as reported to the ICO, to preview, save or send"
        )
        self.client_notice_button = self._button(
            "&Notice to a client…",
            "client_notice_button",
            "The notice to a client whose data it touched (the agency is their processor: UK GDPR Art. 33(2))",
        )
        self.client_notice_menu = named(QMenu(self.client_notice_button), "client_notice_menu")
        self.client_notice_button.setMenu(self.client_notice_menu)
        self.client_notice_menu.aboutToShow.connect(self._fill_client_notice_menu)
        self.people_notice_button = self._button("Notice to the peop&le…", "people_notice_button", ONLY_HIGH_RISK)
        documents = QHBoxLayout()
        documents.setContentsMargins(0, 0, 0, 0)
        documents.addWidget(QLabel("Documents:"))
        for widget in (self.ico_report_button, self.client_notice_button, self.people_notice_button):
            documents.addWidget(widget)
        documents.addStretch(1)
        documents.addWidget(self.buttons)

        layout = QVBoxLayout(self)
        layout.addLayout(header_row)
        layout.addWidget(self.clock_frame)
        layout.addWidget(self.error_label)
        layout.addWidget(self.notice_label)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.actions_box)
        layout.addLayout(documents)

        self.edit_button.clicked.connect(self._on_edit_button_clicked)
        self.decision_button.clicked.connect(self._on_decision_button_clicked)
        self.notified_button.clicked.connect(self._on_notified_button_clicked)
        self.update_button.clicked.connect(self._on_update_button_clicked)
        self.people_button.clicked.connect(self._on_people_button_clicked)
        self.controllers_button.clicked.connect(self._on_controllers_button_clicked)
        self.close_breach_button.clicked.connect(self._on_close_breach_button_clicked)
        self.ico_report_button.clicked.connect(self._on_ico_report_button_clicked)
        self.people_notice_button.clicked.connect(self._on_people_notice_button_clicked)

        self._set_actions_enabled()
        self._restore_geometry()
        self.tick.start()
        self.reload()

    @staticmethod
    def _button(text: str, name: str, tooltip: str) -> QPushButton:
        button = named(QPushButton(text), name)
        button.setToolTip(tooltip)
        button.setAutoDefault(False)
        return button

    # --- tabs ----------------------------------------------------------------------------------------------------

    def _build_facts_tab(self) -> QWidget:
        self.facts_values: dict[str, QLabel] = {}
        form = value_form(
            [
                ("summary", "Summary:"),
                ("details", "What happened:"),
                ("occurred", "When it happened:"),
                ("aware", "Aware since:"),
                ("deadline", "ICO deadline:"),
                ("categories", "Data categories:"),
                ("people", "People (approx.):"),
                ("records", "Records (approx.):"),
                ("logged", "Logged:"),
            ],
            self.facts_values,
        )
        return _page(form)

    def _build_affected_tab(self) -> QWidget:
        self.affected_values: dict[str, QLabel] = {}
        form = value_form(
            [("clients", "Clients chosen:"), ("services", "Services:"), ("operators", "Operators:")],
            self.affected_values,
        )
        self.affected_model: ListModel[tuple[str, str, bool]] = ListModel(
            [
                Col("Ref", lambda c: c[0], 90),
                Col("Client", lambda c: c[1], 300),
                Col("How", lambda c: "Chosen" if c[2] else "Through a service or operator chosen"),
            ],
            self,
        )
        self.affected_table = self.list_table("affected_table", self.affected_model)
        heading = named(QLabel("Clients affected — the controllers to tell, as their processor:"), "affected_heading")
        heading.setWordWrap(True)
        page = QWidget()
        column = QVBoxLayout(page)
        column.addLayout(form)
        column.addWidget(heading)
        column.addWidget(self.affected_table, 1)
        return page

    def _build_assessment_tab(self) -> QWidget:
        self.assessment_values: dict[str, QLabel] = {}
        form = value_form(
            [
                ("consequences", "Likely consequences:"),
                ("measures_taken", "Measures taken:"),
                ("measures_proposed", "Measures proposed:"),
                ("risk", "Risk:"),
                ("decision", "ICO decision:"),
                ("reason", "Why:"),
                ("ico_notified", "Reported to the ICO:"),
                ("ico_reference", "ICO reference:"),
                ("late_reason", "Reasons for the delay:"),
                ("people_told", "People affected:"),
                ("controllers_told", "Client controllers:"),
                ("closed", "Closed:"),
            ],
            self.assessment_values,
        )
        return _page(form)

    def _build_timeline_tab(self) -> QWidget:
        self.timeline_model: ListModel[BreachEventView] = ListModel(
            [
                Col("When", lambda e: short_moment(e.at), 130, tooltip=lambda e: uk_time(e.at)),
                Col("What", lambda e: EVENT_WORDS.get(e.kind, e.kind), 140),
                Col("Summary", lambda e: e.summary, stretch=True),
                Col("By", lambda e: e.by, 80),
            ],
            self,
        )
        self.timeline_table = self.list_table("timeline_table", self.timeline_model, wrap=True)
        self.timeline_table.horizontalHeader().setStretchLastSection(False)
        return table_with_buttons(self.timeline_table)

    # --- showing -------------------------------------------------------------------------------------------------

    def add_listener(self, on_changed: Callable[[], None]) -> None:
        """Call ``on_changed`` after every change made from this window (once, however often it is added)."""
        if on_changed not in self._listeners:
            self._listeners.append(on_changed)

    def now(self) -> datetime:
        return now_of(self.ctx)

    def _show(self, record: BreachRecord) -> None:
        d = record.detail
        status, colour_key = status_of(d)
        self.show_heading(d.ref, f"{d.ref} — {d.summary}", status, STATUS_COLOURS[colour_key])
        self.summary_label.setText(d.summary)
        self.update_clock()

        occurred = optional_moment(d.occurred_at, "")
        if d.occurred_note:
            occurred = f"{occurred} ({d.occurred_note})" if occurred else d.occurred_note
        facts = {
            "summary": d.summary,
            "details": d.details or "—",
            "occurred": occurred or "Not known",
            "aware": uk_time(d.aware_at),
            "deadline": uk_time(d.aware_at + breaches.CLOCK),
            "categories": "\n".join(d.categories) or "None recorded",
            "people": count_text(d.people_count, people_text),
            "records": count_text(d.records_count, records_text),
            "logged": next((f"{uk_time(e.at)} by {e.by}" for e in d.events if e.kind == "logged"), "—"),
        }
        for key, text in facts.items():
            self.facts_values[key].setText(text)

        chosen = {ref for ref, _ in d.clients}
        affected = {
            "clients": "\n".join(f"{ref} {name}" for ref, name in d.clients) or "None",
            "services": "\n".join(text for _, text in d.services) or "None",
            "operators": "\n".join(f"{name} ({country})" for _, name, country in d.operators) or "None",
        }
        for key, text in affected.items():
            self.affected_values[key].setText(text)
        self.affected_model.set_rows([(ref, name, ref in chosen) for ref, name in d.affected_clients])

        reason = d.decision_reason or "—"
        decision = "Not decided yet"
        if d.decision is not None:
            decision = d.decision.label
            if d.decided_at is not None:
                decision += f" (decided {uk_time(d.decided_at)})"
        people_told = "Not recorded"
        if d.people_told_how:
            told = f"Told on {uk_time(d.people_told_at)}" if d.people_told_at is not None else "Not told"
            people_told = f"{told}: {d.people_told_how}"
        assessment = {
            "consequences": d.consequences or "—",
            "measures_taken": d.measures_taken or "—",
            "measures_proposed": d.measures_proposed or "—",
            "risk": d.risk.label if d.risk is not None else "Not assessed yet",
            "decision": decision,
            "reason": reason,
            "ico_notified": optional_moment(d.ico_notified_at, "Not yet"),
            "ico_reference": d.ico_reference or "—",
            "late_reason": d.late_reason or "—",
            "people_told": people_told,
            "controllers_told": optional_moment(d.controllers_told_at, "Not recorded"),
            "closed": optional_moment(d.closed_at, "Open"),
        }
        for key, text in assessment.items():
            self.assessment_values[key].setText(text)
        self.timeline_model.set_rows(sorted(d.events, key=lambda e: e.at))

    @Slot()
    def update_clock(self) -> None:
        """The countdown at the time ``ctx.clock`` gives now (every minute, and after each reading)."""
        if self.record is None or not shiboken6.isValid(self):
            return
        d = self.record.detail
        clock = clock_at(d, self.now())
        level = breaches.DECIDED if d.closed_at is not None else clock.level
        colour, background = LEVEL_PANEL[level]
        self.clock_frame.setStyleSheet(
            f"QFrame#clock_frame {{ background: {background}; border: 1px solid {colour}; border-radius: 6px; }}"
            f"QFrame#clock_frame QLabel {{ color: #1e1e1e; background: transparent; border: none; }}"
            f"QFrame#clock_frame QLabel#clock_label {{ color: {colour}; }}"
            f"QFrame#clock_frame QLabel#level_badge {{ color: #ffffff; background: {colour}; border-radius: 9px;"
            " padding: 2px 10px; font-weight: bold; }"
        )
        self.clock_label.setText(clock_headline(d, clock))
        self.clock_note.setText(clock_note(d, clock))
        self.level_badge.setText(LEVEL_BADGE[level])
        self.clock_level = level

    # --- what can be done ----------------------------------------------------------------------------------------

    @Slot()
    def _set_actions_enabled(self, *_: object) -> None:
        d = self.record.detail if self.record is not None else None
        open_ = d is not None and d.closed_at is None
        for button in (self.edit_button, self.people_button, self.controllers_button):
            button.setEnabled(open_)
        self.update_button.setEnabled(d is not None)
        self.decision_button.setEnabled(open_ and d is not None and d.risk is not None)
        self.decision_button.setToolTip(
            "Assess the risk first (Edit…): the decision follows from it"
            if d is not None and d.risk is None
            else "Record whether the breach is reported to the ICO, and why"
        )
        can_report = open_ and d is not None and d.decision is BreachDecision.NOTIFY
        self.notified_button.setEnabled(can_report)
        self.notified_button.setToolTip(
            "Record when the ICO was told and the reference it gave"
            if can_report or d is None
            else "Record the decision to report the breach to the ICO first"
        )
        self.close_breach_button.setEnabled(open_ and d is not None and d.decision is not None)
        self.close_breach_button.setToolTip(
            "Nothing more to do: the breach stays in the register"
            if d is None or d.decision is not None
            else "Record the ICO decision before closing the breach"
        )
        self.ico_report_button.setEnabled(d is not None)
        self.client_notice_button.setEnabled(d is not None and bool(d.affected_clients))
        if d is not None and not d.affected_clients:
            self.client_notice_button.setToolTip(
                "No client is affected: tick the clients, services or operators (Edit…)"
            )
        else:
            self.client_notice_button.setToolTip(
                "The notice to a client whose data it touched (the agency is their processor: UK GDPR Art. 33(2))"
            )
        high = d is not None and d.risk is BreachRisk.HIGH
        self.people_notice_button.setEnabled(high)
        self.people_notice_button.setToolTip(
            "The notice to the people affected, in plain words (UK GDPR Art. 34)" if high else ONLY_HIGH_RISK
        )

    # --- actions -------------------------------------------------------------------------------------------------

    def _detail(self) -> BreachDetail | None:
        return self.record.detail if self.record is not None else None

    @Slot()
    def _on_edit_button_clicked(self) -> BreachForm | None:
        d = self._detail()
        if d is None or not self.edit_button.isEnabled():
            return None
        self._say("")
        form = BreachForm(self.ctx, d.ref, self)
        self._open_child(form, lambda: self._done("Saved."))
        return form

    @Slot()
    def _on_decision_button_clicked(self) -> None:
        d = self._detail()
        if d is not None and self.decision_button.isEnabled():
            self._say("")
            self._open_child(DecisionDialog(self.ctx, d, self), lambda: self._done("The ICO decision is recorded."))

    @Slot()
    def _on_notified_button_clicked(self) -> None:
        d = self._detail()
        if d is not None and self.notified_button.isEnabled():
            self._say("")
            self._open_child(
                NotifiedDialog(self.ctx, d, self), lambda: self._done("The report to the ICO is recorded.")
            )

    @Slot()
    def _on_update_button_clicked(self) -> None:
        d = self._detail()
        if d is not None and self.update_button.isEnabled():
            self._say("")
            self._open_child(UpdateDialog(self.ctx, d, self), lambda: self._done("Added to the timeline."))

    @Slot()
    def _on_people_button_clicked(self) -> None:
        d = self._detail()
        if d is not None and self.people_button.isEnabled():
            self._say("")
            self._open_child(PeopleToldDialog(self.ctx, d, self), lambda: self._done("Recorded."))

    @Slot()
    def _on_controllers_button_clicked(self) -> None:
        d = self._detail()
        if d is not None and self.controllers_button.isEnabled():
            self._say("")
            self._open_child(ControllersToldDialog(self.ctx, d, self), lambda: self._done("Recorded."))

    @Slot()
    def _on_close_breach_button_clicked(self) -> None:
        d = self._detail()
        if d is None or not self.close_breach_button.isEnabled():
            return
        self._say("")
        box = confirmation(
            self,
            "close_confirmation",
            "Close the breach",
            f"Close {d.ref}?",
            "The breach stays in the register with everything recorded (UK GDPR Art. 33(5)); notes can still be "
            "added to its timeline.",
            "Close &breach",
            self._close_breach,
        )
        box.open()

    def _close_breach(self) -> None:
        who, ref, now = self.ctx.who, self.ref, uk_now(self.ctx)

        def work() -> None:
            with who.register.session() as session:
                breaches.close_breach(session, who.username, ref, now)

        self.ctx.tasks.run(work, on_done=lambda _: self._done(f"{ref} is closed."), on_error=self._failed, serial=True)

    def _done(self, notice: str) -> None:
        if shiboken6.isValid(self):
            self._changed()
            self._say(notice)

    # --- documents -----------------------------------------------------------------------------------------------

    def open_document(self, title: str, maker: Maker, for_post: bool) -> DocumentDialog:
        """The document dialog for ``maker`` (not modal); the timeline is read again after each delivery."""
        from hartdesk.ui.document_dialog import open_document

        self._say("")
        return open_document(self.ctx, self, title, maker, self._changed, for_post=for_post)

    @Slot()
    def _on_ico_report_button_clicked(self) -> DocumentDialog | None:
        if self.record is None:
            return None
        return self.open_document(f"ICO report — {self.ref}", ico_report_maker(self.ref, uk_now(self.ctx)), False)

    def _fill_client_notice_menu(self) -> None:
        self.client_notice_menu.clear()
        d = self._detail()
        for ref, name in d.affected_clients if d is not None else ():
            action = self.client_notice_menu.addAction(f"{ref} {name}")
            action.setObjectName(f"client_notice_{ref}")
            action.triggered.connect(lambda _checked=False, r=ref: self.make_client_notice(r))

    def make_client_notice(self, client_ref: str) -> DocumentDialog | None:
        d = self._detail()
        if d is None:
            return None
        name = dict(d.affected_clients).get(client_ref, "")
        title = f"Breach notice to {client_ref} {name} — {d.ref}".replace("  ", " ")
        return self.open_document(title, controller_notice_maker(d.ref, client_ref, uk_now(self.ctx)), True)

    @Slot()
    def _on_people_notice_button_clicked(self) -> DocumentDialog | None:
        d = self._detail()
        if d is None or d.risk is not BreachRisk.HIGH:
            return None
        return self.open_document(
            f"Notice to the people affected — {d.ref}", people_notice_maker(d.ref, uk_now(self.ctx)), False
        )

    # --- changes -------------------------------------------------------------------------------------------------

    def _tell_changed(self) -> None:
        """Tell whoever opened the window (and every screen that opened it again since)."""
        for listener in list(self._listeners):
            owner = getattr(listener, "__self__", None)
            if isinstance(owner, QObject) and not shiboken6.isValid(owner):
                self._listeners.remove(listener)
                continue
            listener()

    def _say(self, notice: str) -> None:
        show_message(self.error_label, "")
        show_message(self.notice_label, notice)

    def _failed(self, exc: BaseException) -> None:
        if not shiboken6.isValid(self):
            return
        show_message(self.notice_label, "")
        from hartdesk.errors import HartdeskError

        if isinstance(exc, HartdeskError):
            show_message(self.error_label, exc.message)
        else:
            crash.report_unexpected(exc, self)

    def done(self, result: int) -> None:
        self.tick.stop()
        RecordWindow.done(self, result)


def _page(*parts: QLayout) -> QWidget:
    """A tab of ``parts`` one under the other at the top, scrolling when the window is short."""
    page = QWidget()
    column = QVBoxLayout(page)
    for part in parts:
        column.addLayout(part)
    column.addStretch(1)
    return scrolling(page)


# --- the dialogs of each step -----------------------------------------------------------------------------------------


class StepDialog(FormDialog):
    """A small form about breach ``detail``: an intro, fields with their own messages; Ctrl+Enter records."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, title: str, ok_text: str, parent: QWidget) -> None:
        FormDialog.__init__(self, ctx, f"{title} — {detail.ref}", ok_text, parent)
        self.detail = detail
        self.now = uk_now(ctx)
        self.setMinimumWidth(560)
        for key in ("Ctrl+Return", "Ctrl+Enter"):
            QShortcut(QKeySequence(key), self).activated.connect(self._on_buttons_accepted)
        self.form = QFormLayout()

    def add_intro(self, text: str) -> QLabel:
        intro = named(QLabel(text), "intro_label")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        self.layout_.addWidget(intro)
        self.layout_.addSpacing(6)
        return intro

    def add_row(self, label: str, key: str, field: QWidget, focus: QWidget | None = None) -> None:
        wrapped = self.problems.wrap(key, field, focus)
        self.form.addRow(buddy_label(label, wrapped), wrapped)

    def finish(self, first: QWidget, *order: QWidget) -> None:
        self.layout_.addLayout(self.form)
        hint = named(QLabel("Ctrl+Enter records; Tab moves on; Esc cancels."), "hint_label")
        hint.setStyleSheet(NOTE_STYLE)
        self.layout_.addWidget(hint)
        self.layout_.addStretch(1)
        self.finish_layout()
        for a, b in itertools.pairwise((first, *order)):
            QWidget.setTabOrder(a, b)
        first.setFocus()

    def record(self, write: Callable[[Session, str], object]) -> None:
        """Run ``write(session, username)`` in one serial task; accepted once it is written."""
        who = self.ctx.who

        def work() -> None:
            with who.register.session() as session:
                write(session, who.username)

        self.save(work, lambda _: self.accept())


class DecisionDialog(StepDialog):
    """Report the breach to the ICO, or not (with the reasons); a breach with a risk must be reported."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, parent: QWidget) -> None:
        StepDialog.__init__(self, ctx, detail, "The decision on reporting to the ICO", "&Record", parent)
        self.setObjectName("decision_dialog")
        risk = detail.risk
        self.add_intro(
            f"The breach is assessed as: {risk.label.lower() if risk is not None else 'not assessed'}. A breach "
            "likely to result in a risk to people's rights and freedoms is reported to the ICO within 72 hours of "
            "becoming aware of it; one unlikely to is not, and the reasons are recorded."
        )
        self.notify_radio = named(QRadioButton("Re&port it to the ICO"), "notify_radio")
        self.not_notify_radio = named(QRadioButton("&Not reported: unlikely to result in a risk"), "not_notify_radio")
        group = QButtonGroup(self)
        group.addButton(self.notify_radio)
        group.addButton(self.not_notify_radio)
        if risk is not None and risk is not BreachRisk.NONE:
            self.notify_radio.setChecked(True)
            self.not_notify_radio.setEnabled(False)
            self.not_notify_radio.setToolTip(
                f"Assessed as {risk_text(risk).lower()}: it must be reported. Change the assessment first (Edit…) "
                "if it is unlikely to result in a risk."
            )
        elif detail.decision is not None:
            (self.notify_radio if detail.decision is BreachDecision.NOTIFY else self.not_notify_radio).setChecked(True)
        choice = QWidget()
        column = QVBoxLayout(choice)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.notify_radio)
        column.addWidget(self.not_notify_radio)
        self.reason_edit = text_edit("reason_edit", 4, "Why (required when it is not reported)")
        self.reason_edit.setPlainText(detail.decision_reason)
        self.add_row("Decision:", "decision", choice, self.notify_radio)
        self.add_row("&Why:", "reason", self.reason_edit)
        self.finish(self.notify_radio, self.not_notify_radio, self.reason_edit)
        if self.notify_radio.isChecked():
            self.reason_edit.setFocus()

    def submit(self) -> None:
        if self.notify_radio.isChecked():
            decision = BreachDecision.NOTIFY
        elif self.not_notify_radio.isChecked():
            decision = BreachDecision.NOT_NOTIFY
        else:
            self.problems.set("decision", "Choose whether the breach is reported to the ICO.")
            self.notify_radio.setFocus()
            return
        ref, reason, now = self.detail.ref, self.reason_edit.toPlainText(), uk_now(self.ctx)
        self.record(lambda s, actor: breaches.record_decision(s, actor, ref, decision, reason, now))


class NotifiedDialog(StepDialog):
    """When the ICO was told and its reference; the reasons for the delay when that was after the 72 hours."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, parent: QWidget) -> None:
        StepDialog.__init__(self, ctx, detail, "Reported to the ICO", "&Record", parent)
        self.setObjectName("notified_dialog")
        self.add_intro(
            f"The 72 hours end {uk_time(detail.aware_at + breaches.CLOCK)}. A report made later must give the "
            "reasons for the delay (UK GDPR Art. 33(1))."
        )
        self.at_edit = datetime_edit("at_edit", self.now, self.now)
        self.reference_edit = line_edit("reference_edit", 60, "the reference the ICO gave, e.g. IC-123456-A1B2")
        self.reference_edit.setText(detail.ico_reference)
        self.late_edit = text_edit("late_edit", 3, "why the ICO was told after the 72 hours")
        self.late_edit.setPlainText(detail.late_reason)
        self.add_row("&Told the ICO on:", "ico_notified_at", self.at_edit)
        self.add_row("ICO re&ference:", "ico_reference", self.reference_edit)
        late = self.problems.wrap("late_reason", self.late_edit)
        self.late_label = buddy_label("Reasons for the &delay:", late)
        self.form.addRow(self.late_label, late)
        self.late_box = late
        self.at_edit.dateTimeChanged.connect(self._show_late)
        self.finish(self.at_edit, self.reference_edit, self.late_edit)
        self._show_late()

    def is_late(self) -> bool:
        return from_qdatetime(self.at_edit.dateTime()) - self.detail.aware_at > breaches.CLOCK

    @Slot()
    def _show_late(self, *_: object) -> None:
        late = self.is_late()
        self.late_label.setVisible(late)
        self.late_box.setVisible(late)

    def submit(self) -> None:
        ref, now = self.detail.ref, uk_now(self.ctx)
        at, reference = from_qdatetime(self.at_edit.dateTime()), self.reference_edit.text()
        late = self.late_edit.toPlainText() if self.is_late() else ""
        self.record(lambda s, actor: breaches.record_ico_notified(s, actor, ref, at, reference, late, now))


class UpdateDialog(StepDialog):
    """An update given to the ICO in phases (Art. 33(4)), or a note on the timeline."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, parent: QWidget) -> None:
        StepDialog.__init__(self, ctx, detail, "Add an update", "&Add", parent)
        self.setObjectName("update_dialog")
        self.add_intro(
            "Information the ICO did not have at first can be given in phases. Record each update sent to the ICO, "
            "or any note worth keeping on the breach's timeline."
        )
        self.at_edit = datetime_edit("at_edit", self.now, self.now)
        self.to_ico_check = named(QCheckBox("&Sent to the ICO (an update in phases)"), "to_ico_check")
        self.to_ico_check.setChecked(detail.ico_notified_at is not None)
        self.summary_edit = text_edit("summary_edit", 4, "what was found out, sent or done")
        self.add_row("&When:", "at", self.at_edit)
        self.form.addRow("", self.to_ico_check)
        self.add_row("&Update:", "update", self.summary_edit)
        self.finish(self.summary_edit, self.at_edit, self.to_ico_check)

    def submit(self) -> None:
        ref, at = self.detail.ref, from_qdatetime(self.at_edit.dateTime())
        summary, to_ico = self.summary_edit.toPlainText(), self.to_ico_check.isChecked()
        self.record(lambda s, actor: breaches.add_update(s, actor, ref, summary, at, to_ico))


class PeopleToldDialog(StepDialog):
    """The people affected were told (when and how), or why they were not (Art. 34)."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, parent: QWidget) -> None:
        StepDialog.__init__(self, ctx, detail, "The people affected", "&Record", parent)
        self.setObjectName("people_dialog")
        self.add_intro(
            "A breach likely to result in a high risk to people is told to them without undue delay, in plain "
            "words. Where they are not told (the data was encrypted, the risk was removed, or it would take "
            "disproportionate effort and a public notice was made instead), record why."
        )
        self.told_radio = named(QRadioButton("&Told them"), "told_radio")
        self.not_told_radio = named(QRadioButton("&Not told"), "not_told_radio")
        group = QButtonGroup(self)
        group.addButton(self.told_radio)
        group.addButton(self.not_told_radio)
        self.told_radio.setChecked(detail.people_told_at is not None or not detail.people_told_how)
        self.not_told_radio.setChecked(not self.told_radio.isChecked())
        choice = QWidget()
        row = QHBoxLayout(choice)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.told_radio)
        row.addWidget(self.not_told_radio)
        row.addStretch(1)
        self.at_edit = datetime_edit("at_edit", self.now, self.now)
        self.how_edit = text_edit("how_edit", 3, "how they were told, e.g. email to each on 2 Apr; or why not")
        self.how_edit.setPlainText(detail.people_told_how)
        self.form.addRow("", choice)
        self.add_row("&When:", "people_told_at", self.at_edit)
        self.add_row("&How (or why not):", "how", self.how_edit)
        self.told_radio.toggled.connect(self.at_edit.setEnabled)
        self.at_edit.setEnabled(self.told_radio.isChecked())
        self.finish(self.told_radio, self.not_told_radio, self.at_edit, self.how_edit)

    def submit(self) -> None:
        ref, how = self.detail.ref, self.how_edit.toPlainText()
        at = from_qdatetime(self.at_edit.dateTime()) if self.told_radio.isChecked() else None
        self.record(lambda s, actor: breaches.record_people_told(s, actor, ref, at, how))


class ControllersToldDialog(StepDialog):
    """The client controllers (the agency being their processor) were told, without undue delay (Art. 33(2))."""

    def __init__(self, ctx: AppContext, detail: BreachDetail, parent: QWidget) -> None:
        StepDialog.__init__(self, ctx, detail, "The client controllers", "&Record", parent)
        self.setObjectName("controllers_dialog")
        count = len(detail.affected_clients)
        self.add_intro(
            f"As their processor, the agency tells each client whose data the breach touched without undue delay "
            f"({count} client{'s' if count != 1 else ''}: see the Affected tab; Notice to a client… makes each "
            "notice)."
        )
        self.at_edit = datetime_edit("at_edit", self.now, self.now)
        self.add_row("&Told on:", "controllers_told_at", self.at_edit)
        self.finish(self.at_edit)

    def submit(self) -> None:
        ref, at = self.detail.ref, from_qdatetime(self.at_edit.dateTime())
        self.record(lambda s, actor: breaches.record_controllers_told(s, actor, ref, at))


# --- one window per breach --------------------------------------------------------------------------------------------

_windows: OneWindowEach[BreachWindow] = OneWindowEach()


def breach_window(ref: str) -> BreachWindow | None:
    """The open window of breach ``ref``, if there is one."""
    window = _windows.get(ref.strip().upper())
    return window if window is not None and window.isVisible() else None


def open_breach(ctx: AppContext, parent: QWidget, ref: str, on_changed: Callable[[], None]) -> BreachWindow:
    """Open the window of breach ``ref`` (or raise it when it is open already); ``on_changed`` runs after every
    change made from it. The window is not modal and is deleted once closed."""
    key = ref.strip().upper()
    window = breach_window(key)
    if window is not None and window.ctx is ctx:
        window.add_listener(on_changed)
        window.bring_to_front()
        return window
    window = BreachWindow(ctx, key, parent)
    window.add_listener(on_changed)
    return _windows.keep(key, window)
