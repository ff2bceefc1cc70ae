"""The Home screen's privacy requests: overdue in red, due within three working days in amber, the ones waiting for
the requester, with counts; Enter opens a request, and a change made there shows on Home at once.

"Today" is Friday 20 November 2026 on the app's clock.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QTableView

from hartdesk.models.enums import RequestType
from hartdesk.privacy import requests as rq
from hartdesk.ui.context import AppContext
from hartdesk.ui.request_actions import ActionDialog
from hartdesk.ui.request_detail import request_window
from hartdesk.ui.screens.home import Column, DueRequestsModel, HomeScreen
from tests.ui.helpers import OpenScreen, cells
from tests.ui.test_request_detail import TODAY, act, activate, at_noon, log, opened, submit, type_text

SIZE = (1100, 720)
RED, AMBER = "#a61b1b", "#8a5a00"


class Refs:
    def __init__(self, who: Any) -> None:
        self.oldest = log(who, date(2026, 9, 15), requester_name="Amelia Hart")  # due 15 Oct: overdue by 26
        self.overdue = log(who, date(2026, 10, 1), requester_name="Bilal Qureshi")  # due Mon 2 Nov: overdue by 14
        self.amber = log(who, date(2026, 10, 23), requester_name="Cerys Morgan")  # due Mon 23 Nov: 1 working day
        self.week = log(who, date(2026, 10, 27), requester_name="Dev Patel")  # due Fri 27 Nov: 5 working days
        self.later = log(who, date(2026, 11, 2), requester_name="Esme Lund")  # due Wed 2 Dec: in no list
        self.clarify = log(who, date(2026, 11, 2), requester_name="Finn Doyle")
        act(who, rq.ask_clarification, self.clarify, date(2026, 11, 10), "Which websites?")
        self.identity = log(who, date(2026, 11, 3), requester_name="Gwen Price")
        act(who, rq.ask_identity, self.identity, date(2026, 11, 4), "Photo ID")
        # An acknowledged complaint has no date either, but it waits for the agency, not for the requester.
        self.complaint = log(who, date(2026, 11, 1), kind=RequestType.COMPLAINT, requester_name="Hal Ives")
        act(who, rq.acknowledge, self.complaint, date(2026, 11, 5))
        self.closed = log(who, date(2026, 9, 1), requester_name="Ida Noor")
        act(who, rq.complete, self.closed, date(2026, 9, 20), "Data report sent")


@pytest.fixture
def refs(signed_in_admin: Any) -> Refs:
    return Refs(signed_in_admin)


@pytest.fixture
def home(admin_ctx: AppContext, open_screen: OpenScreen) -> HomeScreen:
    admin_ctx.clock = lambda: at_noon(TODAY)
    return open_screen(HomeScreen, SIZE)


def colour(table: QTableView, row: int, column: int) -> str | None:
    brush = table.model().index(row, column).data(Qt.ItemDataRole.ForegroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def tinted(table: QTableView, row: int) -> bool:
    return isinstance(table.model().index(row, 0).data(Qt.ItemDataRole.BackgroundRole), QBrush)


def test_three_lists_with_their_counts(refs: Refs, home: HomeScreen) -> None:
    assert home.overdue.heading.text() == "O&verdue (2)"
    assert home.due_soon.heading.text() == "Due &within 7 days (2)"
    assert home.waiting.heading.text() == "Waiting for the re&quester (2)"
    assert cells(home.overdue.table) == [
        [refs.oldest, "Access", "Amelia Hart", "Thu 15 Oct 2026", "Overdue by 26 working days"],
        [refs.overdue, "Access", "Bilal Qureshi", "Mon 2 Nov 2026", "Overdue by 14 working days"],
    ]
    assert cells(home.due_soon.table) == [
        [refs.amber, "Access", "Cerys Morgan", "Mon 23 Nov 2026", "Due soon: 1 working day left"],
        [refs.week, "Access", "Dev Patel", "Fri 27 Nov 2026", "5 working days left"],
    ]
    assert sorted(cells(home.waiting.table)) == sorted(
        [
            [refs.clarify, "Access", "Finn Doyle", "—", "Clock stopped: waiting for clarification"],
            [refs.identity, "Access", "Gwen Price", "—", "Not started: waiting for identity evidence"],
        ]
    )
    for due_list in home.due_lists():
        assert due_list.table.isVisible() and not due_list.empty_label.isVisible()


def test_overdue_is_red_and_due_within_three_working_days_amber(refs: Refs, home: HomeScreen) -> None:
    overdue, soon = home.overdue.table, home.due_soon.table
    assert colour(overdue, 0, Column.COUNTDOWN) == RED and colour(overdue, 0, Column.DUE) == RED
    assert tinted(overdue, 0)
    assert colour(soon, 0, Column.COUNTDOWN) == AMBER
    assert tinted(soon, 0)
    assert colour(soon, 1, Column.COUNTDOWN) is None and not tinted(soon, 1)  # five working days: not pressing
    bold = overdue.model().index(0, Column.COUNTDOWN).data(Qt.ItemDataRole.FontRole)
    assert bold is not None and bold.bold()


def test_enter_opens_the_request_and_a_change_there_shows_on_home(refs: Refs, home: HomeScreen, qtbot: Any) -> None:
    activate(qtbot, home)
    qtbot.keyClick(home, Qt.Key.Key_V, Qt.KeyboardModifier.AltModifier)  # O&verdue: the cursor goes to its list
    assert home.overdue.table.hasFocus()
    qtbot.keyClick(home.overdue.table, Qt.Key.Key_Down)
    qtbot.keyClick(home.overdue.table, Qt.Key.Key_Return)
    window = request_window(refs.overdue)
    assert window is not None and window.isVisible()
    qtbot.waitExposed(window)
    assert window.due_label.text() == "Due Mon 2 Nov 2026 — overdue by 14 working days"

    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_C, Qt.KeyboardModifier.AltModifier)
    dialog = opened(qtbot, window, ActionDialog)
    type_text(qtbot, dialog, "Data report sent by email")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: home.overdue.heading.text() == "O&verdue (1)")
    assert [row[0] for row in cells(home.overdue.table)] == [refs.oldest]
    window.close()


def test_double_click_opens_the_request(refs: Refs, home: HomeScreen, qtbot: Any) -> None:
    table = home.waiting.table
    rect = table.visualRect(table.model().index(0, Column.REF))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())  # a double-click's first click
    qtbot.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    ref = cells(table)[0][0]
    window = request_window(ref)
    assert window is not None and window.isVisible()
    window.close()


def test_nothing_due_says_so(home: HomeScreen) -> None:
    assert home.overdue.heading.text() == "O&verdue (0)"
    assert home.due_soon.empty_label.isVisible()
    assert home.due_soon.empty_label.text() == "Nothing due in the next 7 days."
    assert home.overdue.empty_label.text() == "Nothing is overdue."
    for due_list in home.due_lists():
        assert not due_list.table.isVisible()


def test_locking_clears_the_lists(refs: Refs, home: HomeScreen) -> None:
    home.clear()
    for due_list in home.due_lists():
        assert due_list.model.rowCount() == 0
        assert not due_list.table.isVisible() and not due_list.empty_label.isVisible()
    assert home.overdue.heading.text() == "O&verdue"


def test_the_list_model(refs: Refs, home: HomeScreen, qtmodeltester: Any) -> None:
    model = home.overdue.model
    assert isinstance(model, DueRequestsModel)
    qtmodeltester.check(model)
    qtmodeltester.check(home.waiting.model)


def test_logins_due_for_a_new_password_are_a_reminder_that_opens_the_vault(
    admin_ctx: AppContext, open_main_window: Any, qtbot: Any
) -> None:
    from datetime import timedelta

    from hartdesk.models import Credential, TransferSafeguard
    from hartdesk.register import operators
    from hartdesk.security.vault import CredentialInput, Vault
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.screens.vault import VaultScreen

    who = admin_ctx.who
    admin_ctx.clock = lambda: at_noon(TODAY)
    with who.register.session() as s:
        fasthosts = operators.create_operator(
            s, who.username, operators.OperatorInput("Fasthosts", "Registrar", "GB", TransferSafeguard.NOT_RESTRICTED)
        )
    vault = Vault(who)
    old = vault.add(CredentialInput(fasthosts, "ops", rotate_every_days=30), "Secret-1")
    vault.add(CredentialInput(fasthosts, "billing", rotate_every_days=30), "Secret-2")  # changed today: not due
    vault.add(CredentialInput(fasthosts, "api"), "Secret-3")  # no reminder
    with who.register.session() as s:
        s.get(Credential, old).rotated_on = TODAY - timedelta(days=30)  # due today

    window: MainWindow = open_main_window(admin_ctx)
    home = window.screen_of(HomeScreen)
    assert home is not None
    qtbot.waitUntil(home.rotation_note.isVisible)
    assert "1 login in the Vault is due for a new password" in home.rotation_label.text()
    activate(qtbot, window)
    home.open_vault_button.setFocus()
    qtbot.keyClick(home.open_vault_button, Qt.Key.Key_Space)
    assert isinstance(window.current_screen(), VaultScreen)
    window.lock()
    assert not home.rotation_note.isVisible()


def test_records_past_their_retention_period_are_a_reminder_that_opens_the_retention_screen(
    admin_ctx: AppContext, open_main_window: Any, qtbot: Any
) -> None:
    from hartdesk.ui.main_window import MainWindow
    from hartdesk.ui.request_actions import ui_today
    from hartdesk.ui.screens.retention import RetentionScreen
    from tests.privacy.test_retention_cli import build_due

    build_due(admin_ctx.who, ui_today(admin_ctx))  # 6 records can go, 1 closed client cannot yet

    window: MainWindow = open_main_window(admin_ctx)
    home = window.screen_of(HomeScreen)
    assert home is not None
    qtbot.waitUntil(home.retention_note.isVisible)
    assert home.retention_label.text().startswith("<b>6 records have passed their retention period</b>")
    activate(qtbot, window)
    home.review_retention_button.setFocus()
    qtbot.keyClick(home.review_retention_button, Qt.Key.Key_Space)
    screen = window.current_screen()
    assert isinstance(screen, RetentionScreen)
    assert len(screen.items()) == 7
    window.lock()
    assert not home.retention_note.isVisible()


def test_no_retention_reminder_when_nothing_is_due(home: HomeScreen) -> None:
    assert home.heading.text()  # loaded
    assert not home.retention_note.isVisible()


def test_no_retention_reminder_for_staff(ctx: AppContext, open_main_window: Any) -> None:
    from hartdesk.security import signin
    from hartdesk.ui.request_actions import ui_today
    from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD
    from tests.privacy.test_retention_cli import build_due

    admin = signin.sign_in(ctx.register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        build_due(admin, ui_today(ctx))
    finally:
        admin.lock()
    ctx.signed_in = signin.sign_in(ctx.register_dir, STAFF, STAFF_PASSWORD)

    home = open_main_window(ctx).screen_of(HomeScreen)

    assert home is not None and home.heading.text()  # loaded
    assert not home.retention_note.isVisible()


# --- breaches waiting for the ICO decision --------------------------------------------------------------------------


def test_a_breach_under_24_hours_from_its_ico_deadline_counts_down_in_red(
    admin_ctx: AppContext, open_screen: OpenScreen, qtbot: Any
) -> None:
    from datetime import timedelta

    import shiboken6

    from hartdesk.models.enums import BreachDecision, BreachRisk
    from hartdesk.privacy import breaches
    from hartdesk.ui.breach_window import DecisionDialog, breach_window
    from tests.conftest import ADMIN
    from tests.ui.test_breaches_screen import NOW, at
    from tests.ui.test_breaches_screen import log as log_breach

    who = admin_ctx.who
    admin_ctx.clock = at(NOW)  # Saturday 27 March 2027, 11:00 GMT
    urgent = log_breach(who, "Laptop lost", NOW - timedelta(hours=50), risk=BreachRisk.RISK)
    calm = log_breach(who, "Wrong invoice emailed", NOW - timedelta(hours=10), risk=BreachRisk.NONE)
    home = open_screen(HomeScreen, SIZE)

    assert home.breaches.isVisible()
    assert home.breaches.heading.text() == "&Breaches waiting for the ICO decision (2)"
    assert home.breaches.texts() == [
        f"{urgent} Laptop lost — 22 hours left to decide on reporting to the ICO (by Sun 28 Mar 2027 10:00 BST)",
        f"{calm} Wrong invoice emailed — 62 hours left to decide on reporting to the ICO "
        "(by Tue 30 Mar 2027 02:00 BST)",
    ]
    assert home.breaches.colours() == [RED, None]  # red under 24 hours; 62 hours left is not pressing
    assert home.breaches.list.item(0).font().bold()

    admin_ctx.clock = at(NOW + timedelta(hours=23))  # the countdown moves with the clock, once a minute
    home.breach_tick.timeout.emit()
    assert home.breaches.texts()[0].startswith(f"{urgent} Laptop lost — ICO deadline passed 1 hour ago")
    assert home.breaches.texts()[1].startswith(f"{calm} Wrong invoice emailed — 39 hours left")
    assert home.breaches.colours() == [RED, AMBER]
    admin_ctx.clock = at(NOW)
    home.breach_tick.timeout.emit()

    activate(qtbot, home)
    qtbot.keyClick(home, Qt.Key.Key_B, Qt.KeyboardModifier.AltModifier)  # &Breaches: the cursor goes to the list
    assert home.breaches.list.hasFocus()
    qtbot.keyClick(home.breaches.list, Qt.Key.Key_Return)  # Enter opens the breach
    window = breach_window(urgent)
    assert window is not None and window.isVisible()
    qtbot.waitExposed(window)
    qtbot.waitUntil(window.decision_button.isEnabled)
    activate(qtbot, window)
    qtbot.keyClick(window, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # Record ICO decision…
    dialog = opened(qtbot, window, DecisionDialog)
    qtbot.keyClicks(dialog.reason_edit, "A risk: client contact details on the disk.")
    submit(qtbot, dialog)
    qtbot.waitUntil(lambda: home.breaches.heading.text() == "&Breaches waiting for the ICO decision (1)")
    assert [text.split(" ")[0] for text in home.breaches.texts()] == [calm]
    window.close()
    qtbot.waitUntil(lambda: not shiboken6.isValid(window))  # gone before the test ends, while Home (its parent) lives

    with who.register.session() as s:
        breaches.record_decision(s, ADMIN, calm, BreachDecision.NOT_NOTIFY, "Sent back unopened", NOW)
    home.refresh()
    assert not home.breaches.isVisible()  # none after the decision
    assert home.breaches.texts() == []


def test_no_breach_countdown_when_none_waits(home: HomeScreen) -> None:
    assert home.heading.text()  # loaded
    assert not home.breaches.isVisible()
