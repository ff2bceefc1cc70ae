"""A privacy request's window, used like a clerk: read the due date and why, run the workflow through the real
dialogs by typing and pressing keys, add to the timeline, keep a file and save it back.

"Today" is Friday 20 November 2026 on the app's clock (``ctx.clock``), and every request is logged against it.
"""

from __future__ import annotations

import re
import stat
from collections.abc import Callable, Iterator
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt, QUrl
from PySide6.QtWidgets import QAbstractButton, QComboBox, QMessageBox, QPushButton, QWidget

from hartdesk import settings as settings_mod
from hartdesk.models.enums import IdentityMethod, RefusalReason, RequestChannel, RequestStatus, RequestType
from hartdesk.privacy import erasure
from hartdesk.privacy import requests as rq
from hartdesk.security import audit
from hartdesk.ui.client_detail import ClientDetailDialog
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_actions import ACTIONS, ActionDialog, TimelineEntryDialog
from hartdesk.ui.request_detail import RequestDetailDialog, open_request, request_window
from hartdesk.ui.screens.settings import SettingsScreen
from tests.conftest import ADMIN
from tests.privacy.erasure_scenario import NAME, build
from tests.ui.helpers import OpenScreen, Show, cells, open_child
from tests.ui.test_clients_screen import fill_register

T = TypeVar("T", bound=QWidget)
TODAY = date(2026, 11, 20)  # a Friday
UK = ZoneInfo("Europe/London")
SIZE = (1000, 700)
LETTER = "Dear Sir or Madam,\nPlease send me a copy of everything you hold about me.\nZoë\n".encode()


def at_noon(day: date) -> float:
    return datetime(day.year, day.month, day.day, 12, tzinfo=UK).timestamp()


def log(who: Any, received: date, **changes: Any) -> str:
    """Log a request received on ``received`` (today being TODAY), with the register's settings."""
    values: dict[str, Any] = {
        "kind": RequestType.ACCESS,
        "channel": RequestChannel.EMAIL,
        "received_on": received,
        "requester_name": "Zoë Łukasiewicz-Öztürk",
        "requester_email": "zoe@lukasiewicz.example",
        "subject": "Everything you hold about me",
        **changes,
    }
    with who.register.session() as s:
        return rq.log_request(s, ADMIN, rq.RequestInput(**values), settings_mod.load(s), TODAY).ref


def act(who: Any, fn: Callable[..., Any], ref: str, on: date, *args: Any) -> None:
    """Run a workflow step directly (to set a request up), as of TODAY."""
    with who.register.session() as s:
        fn(s, ADMIN, ref, on, *args, settings_mod.load(s), TODAY)


def detail(who: Any, ref: str) -> rq.RequestDetail:
    with who.register.session() as s:
        return rq.get_request(s, ref, settings_mod.load(s))


@pytest.fixture
def today_ctx(admin_ctx: AppContext) -> AppContext:
    admin_ctx.clock = lambda: at_noon(TODAY)
    return admin_ctx


class Opened:
    """Opens request windows from a host widget, recording each ``on_changed`` call."""

    def __init__(self, qtbot: Any, ctx: AppContext, host: QWidget) -> None:
        self.qtbot = qtbot
        self.ctx = ctx
        self.host = host
        self.changes: list[str] = []

    def __call__(self, ref: str) -> RequestDetailDialog:
        open_request(self.ctx, self.host, ref, lambda: self.changes.append(ref))
        window = request_window(ref)
        assert window is not None
        self.qtbot.waitExposed(window)
        window.resize(*SIZE)
        return window


@pytest.fixture
def open_window(qtbot: Any, show: Show, today_ctx: AppContext) -> Iterator[Opened]:
    host = show(QWidget(), (200, 100))
    yield Opened(qtbot, today_ctx, host)


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press_alt(qtbot: Any, window: QWidget, key: Qt.Key) -> None:
    """Alt+letter, as a clerk reaches a button or field by its underlined letter (a button "animates" its click:
    it comes a moment later, so a test waits for what it does)."""
    activate(qtbot, window)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)


def opened(qtbot: Any, parent: QWidget, cls: type[T]) -> T:
    """The dialog of ``cls`` that ``parent`` opens (waiting for it)."""
    qtbot.waitUntil(lambda: any(c.isVisible() for c in parent.findChildren(cls)))
    return open_child(parent, cls)


def start(qtbot: Any, window: RequestDetailDialog, key: Qt.Key, title: str) -> ActionDialog:
    """Press the action's Alt+letter on the request window; its dialog opens."""
    press_alt(qtbot, window, key)
    dialog = opened(qtbot, window, ActionDialog)
    assert dialog.windowTitle().startswith(title)
    return dialog


def type_date(qtbot: Any, dialog: QWidget, edit: Any, text: str) -> None:
    """Alt+D reaches the date field with its day selected; the date is typed as dd/mm/yyyy."""
    press_alt(qtbot, dialog, Qt.Key.Key_D)
    assert edit.hasFocus()
    qtbot.keyClicks(edit, text)
    assert edit.text() == text


def type_text(qtbot: Any, dialog: ActionDialog, text: str) -> None:
    assert dialog.text_edit is not None
    dialog.text_edit.setFocus()
    qtbot.keyClicks(dialog.text_edit, text)


def submit(qtbot: Any, dialog: QWidget) -> None:
    """Ctrl+Enter records, from the text box too."""
    activate(qtbot, dialog)
    qtbot.keyClick(dialog, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)


def show_tab(qtbot: Any, window: RequestDetailDialog, title: str) -> None:
    index = next(i for i in range(window.tabs.count()) if re.sub("&(.)", r"\1", window.tabs.tabText(i)) == title)
    qtbot.mouseClick(window.tabs.tabBar(), Qt.MouseButton.LeftButton, pos=window.tabs.tabBar().tabRect(index).center())
    assert window.tabs.currentIndex() == index


def button_titles(window: RequestDetailDialog) -> list[str]:
    return [button.text() for button in window.action_buttons.values()]


# --- reading ------------------------------------------------------------------------------------------------------


def test_the_due_date_countdown_and_why_are_shown_prominently(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2), requester_phone="020 7946 0018", requester_address="4 Quay Street")
    window = open_window(ref)
    assert window.windowTitle() == f"{ref} — Access request"
    assert window.ref_label.text() == ref
    assert window.type_label.text() == "Access (a copy of their data)"
    assert window.status_badge.text() == "New"
    assert window.due_label.text() == "Due Wed 2 Dec 2026 — 8 working days left"
    assert window.urgency_badge.text() == "On time"
    assert window.why_label.text() == "Why: received Mon 2 Nov 2026 (day 1); one calendar month: 2 Dec 2026"
    assert window.extension_label.text() == (
        "An extension can be recorded until Wed 2 Dec 2026, the end of the first month."
    )
    assert button_titles(window) == [ACTIONS[a].button for a in detail(signed_in_admin, ref).actions]
    assert window.requester_values["name"].text() == "Zoë Łukasiewicz-Öztürk"
    assert window.requester_values["phone"].text() == "020 7946 0018"
    assert window.requester_values["address"].text() == "4 Quay Street"
    assert not window.open_client_button.isVisibleTo(window)
    show_tab(qtbot, window, "Request")
    assert window.request_values["received"].text() == "Mon 2 Nov 2026"
    assert window.request_values["subject"].text() == "Everything you hold about me"
    assert window.request_values["whose"].text() == "Ours: the agency answers the request."
    show_tab(qtbot, window, "Timeline")
    assert cells(window.timeline_table) == [
        [
            "2 Nov 2026",
            "Received",
            "Access (a copy of their data) request received by email: Everything you hold about me",
            ADMIN,
            "2 Dec 2026",
        ]
    ]


def test_overdue_is_red_and_a_date_on_a_weekend_explains_the_move(signed_in_admin: Any, open_window: Opened) -> None:
    ref = log(signed_in_admin, date(2026, 10, 1))
    window = open_window(ref)
    assert window.due_label.text() == "Due Mon 2 Nov 2026 — overdue by 14 working days"
    assert window.urgency_badge.text() == "Overdue"
    assert "color: #a61b1b" in window.due_frame.styleSheet()
    assert window.why_label.text().endswith(
        "one calendar month: 1 Nov 2026; Sun 1 Nov 2026 is a weekend, so the next working day: Mon 2 Nov 2026"
    )
    assert window.extension_label.text() == "Too late to extend: the first month ended on Mon 2 Nov 2026."


def test_due_within_three_working_days_is_amber(signed_in_admin: Any, open_window: Opened) -> None:
    window = open_window(log(signed_in_admin, date(2026, 10, 23)))
    assert window.due_label.text() == "Due Mon 23 Nov 2026 — 1 working day left"
    assert window.urgency_badge.text() == "Due soon"
    assert "color: #7a4f00" in window.due_frame.styleSheet()


def test_waiting_for_identity_evidence_has_no_date(signed_in_admin: Any, open_window: Opened) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    act(signed_in_admin, rq.ask_identity, ref, date(2026, 11, 3), "Photo ID")
    window = open_window(ref)
    assert window.due_label.text() == "Clock not started: waiting for identity evidence"
    assert window.urgency_badge.text() == "Not started"
    assert window.status_badge.text() == "Awaiting identity"


def test_a_linked_client_opens_in_its_window(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    clients = fill_register(signed_in_admin)
    window = open_window(log(signed_in_admin, date(2026, 11, 2), client_ref=clients.zoe))
    assert window.requester_values["client"].text() == f"{clients.zoe} Zoë Łukasiewicz-Öztürk"
    press_alt(qtbot, window, Qt.Key.Key_P)
    client = opened(qtbot, window, ClientDetailDialog)
    qtbot.waitUntil(lambda: client.name_label.text() == "Zoë Łukasiewicz-Öztürk")
    client.close()


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform cannot raise a window
def test_one_window_per_request_and_esc_closes_it(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    assert open_window(ref.lower()) is window
    press_alt(qtbot, window, Qt.Key.Key_T)  # the Timeline tab, from the keyboard
    assert window.tabs.currentIndex() == 3
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: request_window(ref) is None)


def test_a_missing_request_says_so(open_window: Opened) -> None:
    window = open_window("R-2026-0999")
    assert window.error_label.text() == "There is no request R-2026-0999."
    assert window.action_buttons == {}


# --- the workflow through its dialogs -----------------------------------------------------------------------------


def test_stop_the_clock_for_clarification_then_restart_it(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)

    dialog = start(qtbot, window, Qt.Key.Key_L, "Ask for clarification")
    assert dialog.date_edit.date().toPython() == TODAY  # today unless the clerk types another day
    type_date(qtbot, dialog, dialog.date_edit, "10/11/2026")
    type_text(qtbot, dialog, "Which websites and which years do you mean?")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.due_label.text() == "Clock stopped: waiting for clarification")
    assert not dialog.isVisible()
    assert window.status_badge.text() == "Awaiting clarification"
    assert window.urgency_badge.text() == "Clock stopped"
    assert "clock stopped since 10 Nov 2026 waiting for clarification" in window.why_label.text()
    assert window.extension_label.text() == (
        "An extension can be recorded until Wed 2 Dec 2026 at least: the first month ends later while the clock "
        "is stopped."
    )
    assert open_window.changes == [ref]

    dialog = start(qtbot, window, Qt.Key.Key_L, "Clarification received")
    type_date(qtbot, dialog, dialog.date_edit, "16/11/2026")
    type_text(qtbot, dialog, "Only the shop site, 2023 onwards")
    qtbot.mouseClick(dialog.ok_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.due_label.text() == "Due Wed 9 Dec 2026 — 13 working days left")
    assert window.status_badge.text() == "In progress"
    assert window.why_label.text().endswith(
        "clock stopped 7 days for clarification (10 Nov 2026 to 16 Nov 2026): 9 Dec 2026"
    )
    show_tab(qtbot, window, "Timeline")
    rows = cells(window.timeline_table)
    assert [(r[0], r[1], r[4]) for r in rows[1:]] == [
        ("10 Nov 2026", "Clarification asked for", "2 Dec 2026 → clock stopped"),
        ("16 Nov 2026", "Clarification received", "no date → 9 Dec 2026"),
    ]
    assert open_window.changes == [ref, ref]


def test_extend_within_the_first_month(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    dialog = start(qtbot, window, Qt.Key.Key_X, "Extend the time limit")
    assert "within the first month (by Wed 2 Dec 2026)" in dialog.findChild(QWidget, "intro_label").text()
    type_text(qtbot, dialog, "Eight years of support tickets across six websites")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Extended")
    assert window.due_label.text() == "Due Tue 2 Feb 2027 — 49 working days left"
    assert window.extension_label.text() == (
        "Extended on 20 Nov 2026: Eight years of support tickets across six websites"
    )
    assert ACTIONS[rq.Action.EXTEND].button not in button_titles(window)


def test_an_extension_after_the_first_month_is_refused_in_the_dialog(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    ref = log(signed_in_admin, date(2026, 9, 15))
    window = open_window(ref)
    before = window.due_label.text()
    assert before == "Due Thu 15 Oct 2026 — overdue by 26 working days"

    dialog = start(qtbot, window, Qt.Key.Key_X, "Extend the time limit")
    type_text(qtbot, dialog, "Complex request")
    submit(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.error_label.text() == (
        "Too late to extend: the person had to be told within the first month, by 15 Oct 2026."
    )
    assert dialog.text_edit is not None and dialog.text_edit.toPlainText() == "Complex request"  # kept
    assert window.due_label.text() == before
    assert window.status_badge.text() == "New"
    assert open_window.changes == []
    assert detail(signed_in_admin, ref).extended_on is None
    with signed_in_admin.register.session() as s:
        assert audit.query(s, target=f"request:{ref}", action="request.extend") == []

    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_refuse_with_a_reason(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 9, 15))
    window = open_window(ref)
    dialog = start(qtbot, window, Qt.Key.Key_R, "Refuse the request")
    type_text(qtbot, dialog, "The same copy was sent twice this month")
    submit(qtbot, dialog)
    assert dialog.error_label.text() == "Choose why the request is refused."  # never a default reason
    assert dialog.choice_combo is not None and dialog.choice_combo.hasFocus()

    qtbot.keyClick(dialog.choice_combo, Qt.Key.Key_Down)
    qtbot.keyClick(dialog.choice_combo, Qt.Key.Key_Down)
    assert dialog.given().choice is RefusalReason.MANIFESTLY_EXCESSIVE
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Refused")
    assert window.due_label.text() == "Refused on 20 Nov 2026 — late: it was due Thu 15 Oct 2026"
    assert window.urgency_badge.text() == "Closed"
    assert button_titles(window) == ["&Reopen…"]
    assert window.request_values["outcome"].text() == (
        "Refused on 20 Nov 2026 (manifestly excessive): The same copy was sent twice this month"
    )


def test_complete_then_reopen(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    dialog = start(qtbot, window, Qt.Key.Key_C, "Complete the request")
    submit(qtbot, dialog)
    assert dialog.error_label.text() == "Enter the outcome."
    type_text(qtbot, dialog, "Data report sent by email")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "Completed")
    assert window.due_label.text() == "Completed on 20 Nov 2026 — on time: it was due Wed 2 Dec 2026"
    assert window.why_label.text() == "Why: received Mon 2 Nov 2026 (day 1); one calendar month: 2 Dec 2026"
    assert button_titles(window) == ["&Reopen…"]

    dialog = start(qtbot, window, Qt.Key.Key_R, "Reopen the request")
    type_text(qtbot, dialog, "The report missed the backups")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.status_badge.text() == "In progress")
    assert window.due_label.text() == "Due Wed 2 Dec 2026 — 8 working days left"
    assert detail(signed_in_admin, ref).status is RequestStatus.IN_PROGRESS
    assert open_window.changes == [ref, ref]


def test_every_allowed_action_opens_its_dialog(
    signed_in_admin: Any, open_window: Opened, qtbot: Any, qtmodeltester: Any
) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    for action, button in window.action_buttons.items():
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
        dialog = open_child(window, ActionDialog)
        assert dialog.action == action
        assert dialog.date_edit.maximumDate().toPython() == TODAY
        assert dialog.date_edit.minimumDate().toPython() == date(2026, 11, 2)
        qtbot.keyClick(dialog, Qt.Key.Key_Escape)
        assert not dialog.isVisible()
    assert detail(signed_in_admin, ref).status is RequestStatus.NEW


def test_a_fee_amount_that_is_not_money_is_refused(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    dialog = start(qtbot, window, Qt.Key.Key_F, "Ask for a fee")
    assert dialog.amount_edit is not None
    qtbot.keyClicks(dialog.amount_edit, "ten pounds")
    type_text(qtbot, dialog, "A further copy")
    submit(qtbot, dialog)
    assert dialog.error_label.text() == "“ten pounds” is not an amount of money for the amount."
    dialog.amount_edit.clear()
    qtbot.keyClicks(dialog.amount_edit, "10.00")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: window.due_label.text() == "Clock not started: waiting for the fee")
    show_tab(qtbot, window, "Request")
    assert window.request_values["fee"].text() == "£10.00 asked for; not paid yet"


# --- timeline and attachments -------------------------------------------------------------------------------------


def test_add_a_call_to_the_timeline(signed_in_admin: Any, open_window: Opened, qtbot: Any, qtmodeltester: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    show_tab(qtbot, window, "Timeline")
    press_alt(qtbot, window, Qt.Key.Key_M)
    dialog = opened(qtbot, window, TimelineEntryDialog)
    assert dialog.focusWidget() is dialog.kind_combo  # the cursor starts in "What"
    qtbot.keyClick(dialog.kind_combo, Qt.Key.Key_Down)  # Note → Call
    type_date(qtbot, dialog, dialog.date_edit, "18/11/2026")
    dialog.summary_edit.setFocus()
    qtbot.keyClicks(dialog.summary_edit, "Rang to say the report is on its way")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: len(cells(window.timeline_table)) == 2)
    assert cells(window.timeline_table)[1] == [
        "18 Nov 2026",
        "Call",
        "Rang to say the report is on its way",
        ADMIN,
        "2 Dec 2026",
    ]
    assert window.due_label.text() == "Due Wed 2 Dec 2026 — 8 working days left"  # a note moves nothing
    assert open_window.changes == [ref]
    qtmodeltester.check(window.timeline_model)


def test_keep_a_file_then_save_it_back_byte_for_byte(
    signed_in_admin: Any, open_window: Opened, qtbot: Any, tmp_path: Path, qtmodeltester: Any
) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    show_tab(qtbot, window, "Attachments")
    assert not window.save_attachment_button.isEnabled()
    source = tmp_path / "letter.txt"
    source.write_bytes(LETTER)
    window.choose_file_to_add = lambda: source  # type: ignore[method-assign]
    press_alt(qtbot, window, Qt.Key.Key_E)
    qtbot.waitUntil(lambda: window.attachments_model.rowCount() == 1)
    assert cells(window.attachments_table)[0][:3] == ["letter.txt", "Text", f"{len(LETTER)} bytes"]
    assert window.notice_label.text() == f"letter.txt is kept with {ref}."
    qtmodeltester.check(window.attachments_model)

    assert window.selected_attachment() is not None  # the file just added is chosen
    assert window.save_attachment_button.isEnabled()
    target = tmp_path / "out" / "copy.txt"
    target.parent.mkdir()
    window.choose_save_target = lambda filename: target  # type: ignore[method-assign]
    press_alt(qtbot, window, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: target.exists())
    assert target.read_bytes() == LETTER
    assert window.notice_label.text() == f"Saved to {target}."

    opened: list[QUrl] = []
    window.open_url = lambda url: opened.append(url) or True  # type: ignore[method-assign]
    window.attachments_table.setFocus()
    qtbot.keyClick(window.attachments_table, Qt.Key.Key_Return)  # Enter opens the file
    qtbot.waitUntil(lambda: len(opened) == 1)
    copy = Path(opened[0].toLocalFile())
    assert copy.name == "letter.txt" and copy.read_bytes() == LETTER
    assert not copy.stat().st_mode & (stat.S_IWUSR | stat.S_IRWXG | stat.S_IRWXO)  # read-only, for this user only
    with signed_in_admin.register.session() as s:
        actions = [r.action for r in audit.query(s, target=f"request:{ref}")]
    assert {"request.attachment-added", "request.attachment-saved", "request.attachment-opened"} <= set(actions)


def test_a_program_is_not_kept(signed_in_admin: Any, open_window: Opened, qtbot: Any, tmp_path: Path) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    program = tmp_path / "invoice.pdf"
    program.write_bytes(b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)) * 4)
    window.choose_file_to_add = lambda: program  # type: ignore[method-assign]
    qtbot.mouseClick(window.add_file_button, Qt.MouseButton.LeftButton)
    assert window.error_label.isVisible()
    assert window.error_label.text().startswith("'invoice.pdf' is not a PDF")
    assert window.attachments_model.rowCount() == 0
    assert open_window.changes == []


# --- the request period chosen in Settings ------------------------------------------------------------------------


def test_the_28_day_period_chosen_in_settings_gives_the_due_date(
    signed_in_admin: Any, open_screen: OpenScreen, open_window: Opened, qtbot: Any
) -> None:
    screen = open_screen(SettingsScreen, (900, 700))
    assert screen.period_combo.currentText() == "One calendar month"
    assert [screen.period_combo.itemText(i) for i in range(screen.period_combo.count())] == [
        "One calendar month",
        "28 days",
    ]
    activate(qtbot, screen)
    qtbot.keyClick(screen, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)  # "Count a request's time limit as"
    assert screen.period_combo.hasFocus()
    qtbot.keyClick(screen.period_combo, Qt.Key.Key_Down)
    qtbot.keyClick(screen.period_combo, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert screen.status_label.text() == "Saved."
    assert signed_in_admin.settings().request_period == "28-days"

    window = open_window(log(signed_in_admin, date(2026, 11, 2)))
    assert window.due_label.text() == "Due Mon 30 Nov 2026 — 6 working days left"
    assert window.why_label.text() == "Why: received Mon 2 Nov 2026 (day 1); 28 days: 30 Nov 2026"


def test_combo_choices_in_the_dialogs_are_the_domains(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    ref = log(signed_in_admin, date(2026, 11, 2))
    window = open_window(ref)
    dialog = start(qtbot, window, Qt.Key.Key_V, "Identity confirmed")
    combo = dialog.findChild(QComboBox, "choice_combo")
    assert combo is not None and combo.currentIndex() == -1
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "Known email address or phone number",
        "Security questions",
        "Identity document",
        "Seen in person",
        "Other",
    ]


# --- restriction, rectification and erasure: the rights that change the client ------------------------------------


def log_right(who: Any, kind: RequestType, client_ref: str, **changes: Any) -> str:
    """A request of ``kind`` about ``client_ref`` received on 2 November, the identity confirmed."""
    values: dict[str, Any] = {
        "kind": kind,
        "client_ref": client_ref,
        "identity_verified": True,
        "identity_method": IdentityMethod.KNOWN_CONTACT,
        "subject": "About my data",
        **changes,
    }
    return log(who, date(2026, 11, 2), **values)


def mnemonic_clashes(qtbot: Any, window: RequestDetailDialog) -> dict[str, list[str]]:
    """The Alt+letters more than one control answers, on each tab in turn (the visible, enabled buttons and the
    tabs)."""
    clashes: dict[str, list[str]] = {}
    for tab in range(window.tabs.count()):
        if not window.tabs.isTabVisible(tab):
            continue
        window.tabs.setCurrentIndex(tab)
        qtbot.waitUntil(lambda t=tab: window.tabs.widget(t).isVisible())
        owners: dict[str, list[str]] = {}
        texts = [b.text() for b in window.findChildren(QAbstractButton) if b.isVisible() and b.isEnabled()]
        texts += [window.tabs.tabText(i) for i in range(window.tabs.count()) if window.tabs.isTabVisible(i)]
        for text in texts:
            found = re.search(r"&(\w)", text)
            if found:
                owners.setdefault(found.group(1).lower(), []).append(text)
        clashes.update({letter: names for letter, names in owners.items() if len(names) > 1})
    return clashes


def test_restrict_the_client_then_see_whom_to_tell(signed_in_admin: Any, open_window: Opened, qtbot: Any) -> None:
    sc = build(signed_in_admin)
    ref = log_right(signed_in_admin, RequestType.RESTRICTION, sc.client_ref)
    window = open_window(ref)
    assert window.restrict_button.isVisible() and window.restrict_button.isEnabled()
    assert not window.erase_button.isVisibleTo(window) and not window.correct_button.isVisibleTo(window)
    assert not window.tabs.isTabVisible(window.notices_tab)
    assert window.restriction_label.isHidden()
    assert mnemonic_clashes(qtbot, window) == {}

    press_alt(qtbot, window, Qt.Key.Key_I)  # "Restrict the client…" asks first; Esc changes nothing
    box = opened(qtbot, window, QMessageBox)
    assert box.text() == f"Restrict {sc.client_ref} {NAME} under {ref}?"
    qtbot.keyClick(box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not box.isVisible())
    assert window.restriction_label.isHidden() and open_window.changes == []

    press_alt(qtbot, window, Qt.Key.Key_I)
    box = opened(qtbot, window, QMessageBox)
    yes = box.findChild(QPushButton, "yes_button")
    assert yes is not None
    qtbot.mouseClick(yes, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.restriction_label.isVisible())
    assert window.restriction_label.text() == (
        f"{sc.client_ref}: Restricted since 20 November 2026 under request {ref}: the data is only stored, not used "
        "for anything else (UK GDPR Art. 18)."
    )
    assert window.notice_label.text() == f"{sc.client_ref} is restricted. 2 operators to be told: see Operators told."
    assert window.tabs.currentIndex() == window.notices_tab  # whom to tell, at once
    assert [(row[0], row[3]) for row in cells(window.notices_panel.table)] == [
        ("Fasthosts", "Not sent yet"),
        ("Mailchimp", "Not sent yet"),
    ]
    assert not window.restrict_button.isEnabled()
    assert window.restrict_button.toolTip() == "The client is restricted already"
    assert open_window.changes == [ref]
    show_tab(qtbot, window, "Timeline")
    assert cells(window.timeline_table)[-1][2] == (
        f"Restricted {sc.client_ref}: its data is only stored from now on, not used. 2 operator(s) to be told."
    )
    assert mnemonic_clashes(qtbot, window) == {}


def test_a_right_waits_for_the_identity_and_gives_its_letter_to_ask_for_identity(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    sc = build(signed_in_admin)
    ref = log_right(signed_in_admin, RequestType.RESTRICTION, sc.client_ref, identity_verified=False)
    window = open_window(ref)
    assert window.restrict_button.isVisible() and not window.restrict_button.isEnabled()
    assert window.restrict_button.toolTip() == "Confirm the requester's identity first"
    assert window.restrict_button.text() == "Restrict the client…"  # "Ask for &identity…" keeps Alt+I
    assert "Ask for &identity…" in button_titles(window)
    assert mnemonic_clashes(qtbot, window) == {}

    unlinked = open_window(log(signed_in_admin, date(2026, 11, 2), kind=RequestType.RECTIFICATION))
    assert unlinked.correct_button.isVisible() and not unlinked.correct_button.isEnabled()
    assert unlinked.correct_button.toolTip() == "Link the requester to a client first"


@pytest.mark.parametrize("kind", [RequestType.ERASURE, RequestType.RECTIFICATION, RequestType.RESTRICTION])
def test_no_two_controls_share_a_letter(
    kind: RequestType, signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    sc = build(signed_in_admin)
    window = open_window(log_right(signed_in_admin, kind, sc.client_ref))
    shown = {RequestType.ERASURE: "erase", RequestType.RECTIFICATION: "correct", RequestType.RESTRICTION: "restrict"}
    assert [name for name in ("erase", "correct", "restrict") if getattr(window, f"{name}_button").isVisible()] == [
        shown[kind]
    ]
    assert mnemonic_clashes(qtbot, window) == {}


def test_after_an_erasure_the_window_offers_the_confirmation_and_the_notices(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    sc = build(signed_in_admin)
    with signed_in_admin.register.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)
    erasure.erase(signed_in_admin.register, ADMIN, plan, settings, TODAY)
    window = open_window(sc.request_ref)
    assert window.status_badge.text() == "Completed"
    assert not window.erase_button.isVisibleTo(window)
    assert window.confirmation_button.isVisible() and window.confirmation_button.text() == "Confirmat&ion letter…"
    assert window.tabs.isTabVisible(window.notices_tab)
    assert mnemonic_clashes(qtbot, window) == {}


def test_correct_the_client_from_the_window_then_see_whom_to_tell(
    signed_in_admin: Any, open_window: Opened, qtbot: Any
) -> None:
    from hartdesk.ui.rights_dialogs import RectificationForm

    sc = build(signed_in_admin)
    ref = log_right(signed_in_admin, RequestType.RECTIFICATION, sc.client_ref)
    window = open_window(ref)
    assert window.correct_button.isVisible() and window.correct_button.isEnabled()
    press_alt(qtbot, window, Qt.Key.Key_I)  # "Correct the client's data…"
    form = opened(qtbot, window, RectificationForm)
    emails = form.contact_editors[0].emails_edit
    emails.setFocus()
    emails.selectAll()
    qtbot.keyClicks(emails, "wilhelmina.new@quarrendon.example")
    qtbot.mouseClick(form.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.tabs.isTabVisible(window.notices_tab))
    assert window.tabs.currentIndex() == window.notices_tab
    assert [row[0] for row in cells(window.notices_panel.table)] == ["Fasthosts", "Mailchimp"]
    assert open_window.changes == [ref]
    message = open_child(window, QMessageBox, "rectified_message")
    message.close()
