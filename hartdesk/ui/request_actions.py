"""One small dialog per workflow action of a privacy request (ask for identity, stop the clock, extend, refuse...).

Each dialog asks for the day it happened (today by default, never in the future, never before the request arrived)
and the few words the action needs, then runs the action of :mod:`hartdesk.privacy.requests` as one serial task in
one session. The domain decides what is allowed: when it says no (an extension after the first month, a reason left
empty), its sentence shows in the dialog, what was typed stays, and nothing is written.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from enum import Enum
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QDate, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QSizePolicy,
    QWidget,
)

from hartdesk.dates import format_short_date, uk_date
from hartdesk.models.enums import EventKind, IdentityMethod, RefusalReason
from hartdesk.ui.context import AppContext
from hartdesk.ui.widgets import NOTE_STYLE, WorkDialog, named

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from hartdesk.privacy.requests import RequestDetail
    from hartdesk.settings import Settings

DATE_FORMAT = "dd/MM/yyyy"
TEXT_LINES = 4  # the height of a text box, in lines


def ui_today(ctx: AppContext) -> date:
    """Today in the UK on the app's clock (tests move ``ctx.clock`` to fix the day)."""
    return uk_date(datetime.fromtimestamp(ctx.clock(), UTC))


# --- what each action asks for ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextField:
    """The free text an action needs (``lines`` 1: a line; more: a box)."""

    label: str
    placeholder: str = ""
    lines: int = TEXT_LINES


@dataclass(frozen=True)
class ActionSpec:
    button: str  # on the request window, with its mnemonic
    tooltip: str
    title: str
    ok: str
    date_label: str
    text: TextField | None = None
    choices: type[Enum] | None = None  # a LabelledEnum the clerk must choose from
    choice_label: str = ""
    choice_placeholder: str = ""
    amount: bool = False  # a fee in pounds


# The names come from hartdesk.privacy.requests.Action; they are repeated as strings so that this module (and the
# main window that imports the request window) does not load SQLAlchemy before the first window is shown.
ACTIONS: dict[str, ActionSpec] = {
    "ask-identity": ActionSpec(
        "Ask for &identity…",
        "Record that evidence of identity was asked for: the clock does not start until it arrives",
        "Ask for evidence of identity",
        "&Record",
        "&Date asked:",
        TextField("&What was asked for:", "for example a copy of photo ID and a recent utility bill", 1),
    ),
    "identity-received": ActionSpec(
        "Identity recei&ved…",
        "Record how the requester's identity was confirmed",
        "Identity confirmed",
        "&Record",
        "&Date received:",
        TextField("&Evidence:", "what was seen, for example passport and council tax bill; copies not kept"),
        IdentityMethod,
        "&How:",
        "Choose how the identity was confirmed",
    ),
    "ask-clarification": ActionSpec(
        "Ask to c&larify…",
        "Stop the clock while the requester says what they mean",
        "Ask for clarification",
        "&Stop the clock",
        "&Date asked:",
        TextField("&Question:", "what the requester was asked"),
    ),
    "clarification-received": ActionSpec(
        "C&larification received…",
        "The requester answered: the clock runs again, the stopped days are added",
        "Clarification received",
        "&Restart the clock",
        "&Date received:",
        TextField("&Answer:", "optional: what the requester said"),
    ),
    "ask-fee": ActionSpec(
        "Ask for a &fee…",
        "Only for a manifestly unfounded or excessive request, or further copies",
        "Ask for a fee",
        "Ask for the &fee",
        "&Date asked:",
        TextField("&Reason:", "why a fee is charged, for example a further copy of a report already sent"),
        amount=True,
    ),
    "fee-paid": ActionSpec(
        "&Fee paid…",
        "The fee arrived: the clock starts on that day",
        "Fee paid",
        "&Record",
        "&Date paid:",
    ),
    "acknowledge": ActionSpec(
        "Ac&knowledge…",
        "Record that the complaint was acknowledged",
        "Acknowledge the complaint",
        "&Record",
        "&Date acknowledged:",
    ),
    "extend": ActionSpec(
        "E&xtend…",
        "Extend by two more months (complex or several requests); only within the first month",
        "Extend the time limit",
        "E&xtend",
        "&Date the person was told:",
        TextField("&Reason:", "why the request needs longer; the person must be told it"),
    ),
    "forward": ActionSpec(
        "For&ward…",
        "Forward the request to the client whose data it is",
        "Forward to the controller",
        "&Record",
        "&Date forwarded:",
        TextField("&How:", "for example emailed to the shop owner with the original message", 1),
    ),
    "refuse": ActionSpec(
        "&Refuse…",
        "Refuse the request (an exemption applies, or it is manifestly unfounded or excessive)",
        "Refuse the request",
        "Re&fuse",
        "&Date of the reply:",
        TextField("&Explanation:", "the reasons given to the person"),
        RefusalReason,
        "Re&ason:",
        "Choose why the request is refused",
    ),
    "complete": ActionSpec(
        "&Complete…",
        "The request was answered",
        "Complete the request",
        "&Complete",
        "&Date answered:",
        TextField("&Outcome:", "how the request was answered, for example data report sent by email"),
    ),
    "withdraw": ActionSpec(
        "Withdraw&n…",
        "The requester no longer wants an answer",
        "Withdrawn by the requester",
        "&Record",
        "&Date withdrawn:",
        TextField("&Note:", "optional, for example sorted out on the phone"),
    ),
    "reopen": ActionSpec(
        "&Reopen…",
        "Open the request again; its due date is worked out again",
        "Reopen the request",
        "Re&open",
        "&Date reopened:",
        TextField("&Reason:", "why the request is open again"),
    ),
}


def button_text(action: str) -> str:
    spec = ACTIONS.get(action)
    return spec.button if spec is not None else action


def intro_text(action: str, d: RequestDetail) -> str:
    """What the action means for this request, in a sentence or two (plain text)."""
    month = format_short_date(d.month_due, weekday=True) if d.month_due is not None else ""
    controller = f"{d.controller_ref} {d.controller_name}".strip() or "the client whose data it is"
    texts = {
        "ask-identity": "Ask only for what is reasonable to be sure who the requester is. The clock does not start "
        "until the evidence arrives.",
        "identity-received": "Record how the identity was confirmed. If the evidence was asked for, the clock starts "
        "on the day it arrived.",
        "ask-clarification": "Stop the clock only where it is genuinely needed, for example very large volumes. The "
        "days from the day you ask until the day the answer arrives are added to the due date.",
        "clarification-received": "The clock runs again from the day after the answer arrived; the days it was "
        "stopped are added to the due date.",
        "ask-fee": "A reasonable fee covers the administrative cost, only where the request is manifestly unfounded or "
        "excessive, or for further copies. The clock starts when it is paid.",
        "fee-paid": "The clock starts on the day the fee was paid.",
        "acknowledge": "After acknowledging, investigate without undue delay and tell the complainant the outcome.",
        "extend": "A complex request, or several from the same person, may take two more months: three months from "
        "day 1. The person must be told, with the reasons, within the first month"
        + (f" (by {month})." if month else "."),
        "forward": f"The agency only processes this data for {controller}. Forward the request to them; they "
        "answer it.",
        "refuse": "The refusal must go out within the time limit, with the reasons, the right to complain to the ICO "
        "and the right to seek a judicial remedy.",
        "complete": "Record how the request was answered. The request closes.",
        "withdraw": "The requester no longer wants an answer. The request closes.",
        "reopen": "The request opens again and its due date is worked out again.",
    }
    return texts.get(action, "")


# --- running an action ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActionInput:
    """What the clerk gave the dialog."""

    on: date
    text: str = ""
    choice: Any = None
    amount: str = ""


def perform(
    session: Session, actor: str, ref: str, action: str, given: ActionInput, settings: Settings, today: date
) -> None:
    """Run ``action`` on request ``ref`` (raises the domain's ValidationError when it is not allowed)."""
    from hartdesk.privacy import requests as rq

    with_text = {  # the actions that take the words typed, and nothing else
        rq.Action.ASK_IDENTITY: rq.ask_identity,
        rq.Action.ASK_CLARIFICATION: rq.ask_clarification,
        rq.Action.CLARIFICATION_RECEIVED: rq.clarification_received,
        rq.Action.EXTEND: rq.extend,
        rq.Action.FORWARD: rq.forward,
        rq.Action.COMPLETE: rq.complete,
        rq.Action.WITHDRAW: rq.withdraw,
        rq.Action.REOPEN: rq.reopen,
    }
    date_only = {rq.Action.FEE_PAID: rq.fee_paid, rq.Action.ACKNOWLEDGE: rq.acknowledge}
    on, text = given.on, given.text
    if action in with_text:
        with_text[action](session, actor, ref, on, text, settings, today)
    elif action in date_only:
        date_only[action](session, actor, ref, on, settings, today)
    elif action == rq.Action.IDENTITY_RECEIVED:
        rq.identity_received(session, actor, ref, on, given.choice, text, settings, today)
    elif action == rq.Action.ASK_FEE:
        rq.ask_fee(session, actor, ref, on, given.amount, text, settings, today)
    elif action == rq.Action.REFUSE:
        rq.refuse(session, actor, ref, on, given.choice, text, settings, today)
    else:
        raise ValueError(f"unknown request action {action!r}")


# --- the dialogs ------------------------------------------------------------------------------------------------------


def date_field(name: str, today: date, earliest: date | None) -> QDateEdit:
    """A day between ``earliest`` and ``today`` (today when opened), typed as dd/mm/yyyy or picked in a calendar."""
    edit = named(QDateEdit(QDate(today.year, today.month, today.day)), name)
    edit.setDisplayFormat(DATE_FORMAT)
    edit.setCalendarPopup(True)
    edit.setMaximumDate(QDate(today.year, today.month, today.day))
    if earliest is not None and earliest <= today:
        edit.setMinimumDate(QDate(earliest.year, earliest.month, earliest.day))
    edit.setToolTip(f"Between the day the request arrived and today ({format_short_date(today)})")
    edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)  # a date, not a line of text
    edit.setMinimumWidth(edit.fontMetrics().horizontalAdvance("00/00/00000") + 48)
    return edit


def text_field(spec: TextField, name: str) -> QLineEdit | QPlainTextEdit:
    if spec.lines <= 1:
        line = named(QLineEdit(), name)
        line.setPlaceholderText(spec.placeholder)
        line.setMaxLength(2000)
        return line
    box = named(QPlainTextEdit(), name)
    box.setPlaceholderText(spec.placeholder)
    box.setTabChangesFocus(True)
    box.setFixedHeight(box.fontMetrics().lineSpacing() * spec.lines + 12)
    return box


def field_text(field: QLineEdit | QPlainTextEdit) -> str:
    return field.text() if isinstance(field, QLineEdit) else field.toPlainText()


def choice_combo(name: str, choices: Sequence[Any], placeholder: str) -> QComboBox:
    """A choice with nothing chosen yet: the clerk picks one (a legal reason is never a default)."""
    combo = named(QComboBox(), name)
    for choice in choices:
        combo.addItem(choice.label, choice)
    combo.setPlaceholderText(placeholder)
    combo.setCurrentIndex(-1)
    return combo


def chosen_date(edit: QDateEdit) -> date:
    value = edit.date().toPython()
    assert isinstance(value, date)
    return value


class _DatedDialog(WorkDialog):
    """A :class:`WorkDialog` whose form starts with a date; Ctrl+Enter submits from a text box too."""

    def __init__(self, ctx: AppContext, title: str, ok_text: str, parent: QWidget | None) -> None:
        WorkDialog.__init__(self, ctx, title, ok_text, parent)
        self.setMinimumWidth(560)
        submit = QShortcut(QKeySequence("Ctrl+Return"), self)
        submit.activated.connect(self._on_buttons_accepted)
        submit_enter = QShortcut(QKeySequence("Ctrl+Enter"), self)
        submit_enter.activated.connect(self._on_buttons_accepted)

    def add_intro(self, text: str) -> None:
        intro = named(QLabel(text), "intro_label")
        intro.setWordWrap(True)
        intro.setTextFormat(Qt.TextFormat.PlainText)
        intro.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.layout_.addWidget(intro)
        self.layout_.addSpacing(6)

    def finish_layout(self) -> None:
        self.layout_.addStretch(1)  # spare height goes above the buttons, not around the intro
        WorkDialog.finish_layout(self)

    def add_hint(self, text: str) -> None:
        hint = named(QLabel(text), "hint_label")
        hint.setWordWrap(True)
        hint.setStyleSheet(NOTE_STYLE)
        self.layout_.addWidget(hint)


class ActionDialog(_DatedDialog):
    """The dialog of one workflow ``action`` on the request ``detail``; accepted once the action is written."""

    def __init__(
        self, ctx: AppContext, detail: RequestDetail, action: str, today: date, parent: QWidget | None = None
    ) -> None:
        spec = ACTIONS[action]
        _DatedDialog.__init__(self, ctx, f"{spec.title} — {detail.ref}", spec.ok, parent)
        self.setObjectName("action_dialog")
        self.action = action
        self.ref = detail.ref
        self.today = today
        self.add_intro(intro_text(action, detail))

        form = QFormLayout()
        self.date_edit = date_field("date_edit", today, detail.received_on)
        form.addRow(spec.date_label, self.date_edit)
        self.choice_combo: QComboBox | None = None
        if spec.choices is not None:
            self.choice_combo = choice_combo("choice_combo", list(spec.choices), spec.choice_placeholder)
            form.addRow(spec.choice_label, self.choice_combo)
        self.amount_edit: QLineEdit | None = None
        if spec.amount:
            self.amount_edit = named(QLineEdit(), "amount_edit")
            self.amount_edit.setPlaceholderText("for example 10.00")
            self.amount_edit.setMaxLength(20)
            self.amount_edit.setMaximumWidth(160)
            form.addRow("&Amount (£):", self.amount_edit)
        self.text_edit: QLineEdit | QPlainTextEdit | None = None
        if spec.text is not None:
            self.text_edit = text_field(spec.text, "text_edit")
            form.addRow(spec.text.label, self.text_edit)
        self.layout_.addLayout(form)
        if self.text_edit is not None and isinstance(self.text_edit, QPlainTextEdit):
            self.add_hint("Ctrl+Enter records; Tab moves on.")
        self.finish_layout()
        self.ok_button.setDefault(True)  # again, now that it is inside the dialog (Enter in a line records)

        order: list[QWidget] = [self.date_edit]
        order += [w for w in (self.choice_combo, self.amount_edit, self.text_edit) if w is not None]
        for first, second in itertools.pairwise(order):
            QWidget.setTabOrder(first, second)
        (order[1] if len(order) > 1 else self.date_edit).setFocus()

    def given(self) -> ActionInput:
        choices = ACTIONS[self.action].choices
        data = self.choice_combo.currentData() if self.choice_combo is not None else None
        choice = choices(data) if choices is not None and data is not None else None  # Qt keeps a StrEnum as str
        return ActionInput(
            on=chosen_date(self.date_edit),
            text=field_text(self.text_edit) if self.text_edit is not None else "",
            choice=choice,
            amount=self.amount_edit.text().strip() if self.amount_edit is not None else "",
        )

    def submit(self) -> None:
        spec = ACTIONS[self.action]
        given = self.given()
        if self.choice_combo is not None and given.choice is None:
            self.show_problem(f"{spec.choice_placeholder}.", self.choice_combo)
            return
        if self.amount_edit is not None and not given.amount:
            self.show_problem("Enter the fee in pounds, for example 10.00.", self.amount_edit)
            return
        who, ref, action, today = self.ctx.who, self.ref, self.action, self.today

        def work() -> None:
            from hartdesk import settings as settings_mod

            with who.register.session() as session:
                settings = settings_mod.load(session)
                perform(session, who.username, ref, action, given, settings, today)

        self.run_work(work, lambda _: self.accept())


class TimelineEntryDialog(_DatedDialog):
    """A note, call, letter, email or document sent, added to the request's timeline (the due date stays)."""

    def __init__(
        self,
        ctx: AppContext,
        ref: str,
        received_on: date,
        today: date,
        kinds: Sequence[EventKind],
        parent: QWidget | None = None,
    ) -> None:
        _DatedDialog.__init__(self, ctx, f"Add to the timeline — {ref}", "&Add", parent)
        self.setObjectName("timeline_dialog")
        self.ref = ref
        self.today = today
        self.add_intro(
            "Record a call, a letter or email sent or received, a document sent or a note. It does not change the "
            "due date."
        )
        self.kind_combo = named(QComboBox(), "kind_combo")
        for kind in kinds:
            self.kind_combo.addItem(kind.label, kind)
        self.date_edit = date_field("date_edit", today, received_on)
        self.summary_edit = text_field(TextField("", "what was said, sent or done"), "summary_edit")
        form = QFormLayout()
        form.addRow("&What:", self.kind_combo)
        form.addRow("&Date:", self.date_edit)
        form.addRow("&Summary:", self.summary_edit)
        self.layout_.addLayout(form)
        self.add_hint("Ctrl+Enter adds it; Tab moves on.")
        self.finish_layout()
        QWidget.setTabOrder(self.kind_combo, self.date_edit)
        QWidget.setTabOrder(self.date_edit, self.summary_edit)
        self.kind_combo.setFocus()

    def submit(self) -> None:
        from hartdesk.privacy import requests as rq

        who, ref, today = self.ctx.who, self.ref, self.today
        kind = EventKind(self.kind_combo.currentData())  # Qt keeps a StrEnum as str
        on = chosen_date(self.date_edit)
        summary = field_text(self.summary_edit)

        def work() -> None:
            with who.register.session() as session:
                rq.add_event(session, who.username, ref, kind, on, summary, today)

        self.run_work(work, lambda _: self.accept())
