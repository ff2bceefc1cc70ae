"""The Breaches screen and the breach form, driven like a clerk: log a breach by typing, tick the clients it touched,
estimate what it reaches, assess the risk, save, and see it listed with its 72-hour clock.

"Now" is Saturday 27 March 2027 at 11:00 GMT on the app's clock; the clocks go forward the next night, so the 72
hours end on Tuesday at 12:00 BST.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush
from PySide6.QtWidgets import QFileDialog, QWidget

from hartdesk import settings as settings_mod
from hartdesk.models.enums import BreachRisk
from hartdesk.privacy import breaches
from hartdesk.security import signin
from hartdesk.ui.breach_form import BreachForm
from hartdesk.ui.breach_window import breach_window
from hartdesk.ui.context import AppContext
from hartdesk.ui.document_dialog import DocumentDialog
from hartdesk.ui.models.breach_model import BreachTableModel, Column
from hartdesk.ui.screens.breaches import BreachesScreen
from tests.conftest import ADMIN, STAFF, STAFF_PASSWORD
from tests.ui.helpers import OpenScreen, cells, open_child, set_settings
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (1100, 720)
NOW = datetime(2027, 3, 27, 11, 0, tzinfo=UTC)  # 11:00 GMT: arithmetic in UTC counts elapsed hours
RED, AMBER = "#a61b1b", "#8a5a00"


def at(moment: datetime) -> Any:
    return lambda: moment.timestamp()


def log(who: Any, summary: str, aware_at: datetime, **values: Any) -> str:
    """A breach logged directly in the register, as of NOW."""
    with who.register.session() as s:
        data = breaches.BreachInput(summary=summary, aware_at=aware_at, **values)
        return breaches.log_breach(s, ADMIN, data, settings_mod.load(s), NOW).ref


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def screen(admin_ctx: AppContext, open_screen: OpenScreen, refs: Clients) -> BreachesScreen:
    admin_ctx.clock = at(NOW)
    return open_screen(BreachesScreen, SIZE)


def activate(qtbot: Any, window: QWidget) -> None:
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)


def press_alt(qtbot: Any, window: QWidget, key: Qt.Key) -> None:
    activate(qtbot, window)
    qtbot.keyClick(window, key, Qt.KeyboardModifier.AltModifier)


def open_form(qtbot: Any, screen: BreachesScreen) -> BreachForm:
    """Ctrl+N on the screen: the form of a new breach."""
    activate(qtbot, screen)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: any(f.isVisible() for f in screen.findChildren(BreachForm)))
    form = open_child(screen, BreachForm)
    qtbot.waitExposed(form)
    activate(qtbot, form)
    return form


def tick_client(qtbot: Any, form: BreachForm, typed: str) -> None:
    """Alt+E (Cli&ents), type part of a client's name, wait for the matches, move into the list, tick the one found."""
    search = form.clients.search_edit
    assert search is not None
    press_alt(qtbot, form, Qt.Key.Key_E)
    assert search.hasFocus()
    search.selectAll()
    qtbot.keyClicks(search, typed)
    qtbot.waitUntil(lambda: not form.clients.timer.isActive())
    row = next(i for i, text in enumerate(form.clients.texts()) if typed in text)
    qtbot.keyClick(search, Qt.Key.Key_Return)  # Enter moves on, into the list
    assert form.clients.list.hasFocus()
    for _ in range(row - form.clients.list.currentRow()):
        qtbot.keyClick(form.clients.list, Qt.Key.Key_Down)
    qtbot.keyClick(form.clients.list, Qt.Key.Key_Space)


def clock_colour(screen: BreachesScreen, row: int) -> str | None:
    brush = screen.model.index(row, Column.CLOCK).data(Qt.ItemDataRole.ForegroundRole)
    return brush.color().name() if isinstance(brush, QBrush) else None


def test_a_clerk_logs_a_breach_ticks_two_clients_estimates_it_and_sees_it_listed(
    qtbot: Any, screen: BreachesScreen, refs: Clients, admin_ctx: AppContext
) -> None:
    assert screen.count_label.text() == "No breaches recorded. Log one with Log a breach… (Ctrl+N)."
    form = open_form(qtbot, screen)
    assert form.windowTitle() == "Log a personal data breach"
    assert form.summary_edit.hasFocus()
    assert form.aware_edit.text() == "27/03/2027 11:00"  # now, UK time
    qtbot.keyClicks(form.summary_edit, "Laptop lost on a train")
    qtbot.keyClick(form.summary_edit, Qt.Key.Key_Return)  # Enter moves on
    assert form.details_edit.hasFocus()
    qtbot.keyClicks(form.details_edit, "A laptop with client files was left on the 08:10 to Leeds.")

    tick_client(qtbot, form, "Acme")
    tick_client(qtbot, form, "Bramble")
    assert form.clients.texts() == [f"✓ {refs.acme} Acme Widgets Ltd", f"✓ {refs.bramble} Bramble & Finch LLP"]
    assert form.clients.summary_label.text() == "2 ticked"
    assert any("Fasthosts" in text for text in form.operators.texts())

    press_alt(qtbot, form, Qt.Key.Key_M)  # Estimate
    qtbot.waitUntil(lambda: form.estimate_label.text().startswith("Estimated"))
    assert form.estimate_label.text().startswith(f"Estimated from 2 clients ({refs.acme}, {refs.bramble}): 2 people")
    assert form.people_spin.value() == 2
    assert form.records_spin.value() > 2
    assert form.categories_edit.toPlainText()

    press_alt(qtbot, form, Qt.Key.Key_P)  # the clerk knows better: three people
    qtbot.keyClick(form.people_spin, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(form.people_spin, "3")
    press_alt(qtbot, form, Qt.Key.Key_I)  # Risk
    assert form.risk_combo.hasFocus()
    qtbot.keyClick(form.risk_combo, Qt.Key.Key_Down)
    qtbot.keyClick(form.risk_combo, Qt.Key.Key_Down)
    assert form.risk_combo.currentText() == BreachRisk.RISK.label
    qtbot.keyClick(form.risk_combo, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Enter saves

    qtbot.waitUntil(lambda: not form.isVisible())
    ref = form.saved_ref
    assert ref == "B-2027-0001"
    assert cells(screen.table) == [
        [
            ref,
            "Laptop lost on a train",
            "27 Mar 2027 11:00",
            "72 hours left",
            "Risk",
            "—",
            "—",
            "2",
        ]
    ]
    assert screen.message_label.text() == f"{ref} logged: the 72 hours to decide on reporting to the ICO are running."
    assert clock_colour(screen, 0) is None  # plenty of time
    with admin_ctx.who.register.session() as s:
        saved = breaches.get_breach(s, ref, NOW)
    assert (saved.people_count, saved.risk) == (3, BreachRisk.RISK)
    assert [r for r, _ in saved.clients] == [refs.acme, refs.bramble]

    admin_ctx.clock = at(NOW + timedelta(hours=26))
    screen.update_clocks()
    assert cells(screen.table)[0][3] == "46 hours left"
    assert clock_colour(screen, 0) == AMBER
    admin_ctx.clock = at(NOW + timedelta(hours=50))
    screen.update_clocks()
    assert cells(screen.table)[0][3] == "22 hours left"
    tooltip = screen.model.index(0, Column.CLOCK).data(Qt.ItemDataRole.ToolTipRole)
    assert tooltip.startswith("22 hours left to decide on reporting to the ICO (by Tue 30 Mar 2027 12:00 BST)\n")
    assert clock_colour(screen, 0) == RED

    activate(qtbot, screen)
    assert screen.table.hasFocus() and screen.selected_ref() == ref  # the cursor is on the breach logged
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)  # Enter opens the breach
    window = breach_window(ref)
    assert window is not None and window.isVisible()
    window.close()


def test_problems_show_under_their_fields_and_nothing_is_saved(
    qtbot: Any, screen: BreachesScreen, admin_ctx: AppContext
) -> None:
    form = open_form(qtbot, screen)
    qtbot.keyClick(form.summary_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.isVisible()
    assert form.problems.message("summary") == "Enter the summary."
    assert form.summary_edit.hasFocus()

    qtbot.keyClicks(form.summary_edit, "Phishing email answered")
    form.occurred_check.setChecked(True)
    form.aware_edit.setDateTime(form.aware_edit.dateTime().addSecs(-7200))
    form.occurred_edit.setDateTime(form.aware_edit.dateTime().addSecs(3600))  # after the agency became aware
    qtbot.keyClick(form.summary_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert form.problems.message("occurred_at") == "A breach cannot happen after the agency became aware of it."
    with admin_ctx.who.register.session() as s:
        assert breaches.list_breaches(s, NOW) == []


def test_newest_first_with_the_clock_coloured(
    qtbot: Any, admin_ctx: AppContext, open_screen: OpenScreen, refs: Clients
) -> None:
    who = admin_ctx.who
    log(who, "Backup bucket public", NOW - timedelta(hours=80), risk=BreachRisk.HIGH)
    log(who, "Wrong invoice emailed", NOW - timedelta(hours=30), client_refs=(refs.zoe,))
    decided = log(who, "Printout in the bin", NOW - timedelta(hours=2), risk=BreachRisk.NONE)
    with who.register.session() as s:
        breaches.record_decision(s, ADMIN, decided, breaches.BreachDecision.NOT_NOTIFY, "Shredded at once", NOW)
    admin_ctx.clock = at(NOW)
    screen = open_screen(BreachesScreen, SIZE)
    shown = cells(screen.table)
    assert [row[1] for row in shown] == ["Printout in the bin", "Wrong invoice emailed", "Backup bucket public"]
    assert [row[3] for row in shown] == [
        "ICO decision recorded",
        "42 hours left",
        "Overdue by 8 hours",
    ]
    assert [row[4] for row in shown] == ["No risk", "Not assessed", "High risk"]
    assert [row[5] for row in shown] == ["Not reported", "—", "—"]
    assert [clock_colour(screen, row) for row in range(3)] == [None, AMBER, RED]
    assert screen.count_label.text() == "3 breaches"
    bold = screen.model.index(2, Column.CLOCK).data(Qt.ItemDataRole.FontRole)
    assert bold is not None and bold.bold()


def test_staff_log_breaches_too(qtbot: Any, ctx: AppContext, show: Any) -> None:
    ctx.signed_in = signin.sign_in(ctx.register_dir, STAFF, STAFF_PASSWORD)
    ctx.clock = at(NOW)
    try:
        screen = show(BreachesScreen(ctx), SIZE)
        screen.refresh()
        form = open_form(qtbot, screen)
        qtbot.keyClicks(form.summary_edit, "Password sent to the wrong client")
        qtbot.keyClick(form.summary_edit, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda: screen.model.rowCount() == 1)
        assert cells(screen.table)[0][1] == "Password sent to the wrong client"
    finally:
        ctx.signed_in.lock()


def test_locking_clears_the_list(screen: BreachesScreen, admin_ctx: AppContext) -> None:
    log(admin_ctx.who, "Laptop lost", NOW)
    screen.refresh()
    assert screen.model.rowCount() == 1
    screen.clear()
    assert screen.model.rowCount() == 0 and screen.count_label.text() == ""


def test_the_list_model(screen: BreachesScreen, admin_ctx: AppContext, qtmodeltester: Any) -> None:
    log(admin_ctx.who, "Laptop lost", NOW)
    screen.refresh()
    assert isinstance(screen.model, BreachTableModel)
    qtmodeltester.check(screen.model)


def test_the_breach_register_as_a_pdf(
    qtbot: Any, screen: BreachesScreen, admin_ctx: AppContext, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    set_settings(admin_ctx.who, agency_contact_name="Morwenna Trelawny", agency_contact_position="Director")
    log(admin_ctx.who, "Laptop lost", NOW - timedelta(hours=3))
    screen.refresh()
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args, **kwargs: (str(tmp_path / "register.pdf"), ""))
    press_alt(qtbot, screen, Qt.Key.Key_R)  # Breach &register…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in screen.findChildren(DocumentDialog)))
    dialog = open_child(screen, DocumentDialog)
    qtbot.waitUntil(lambda: not dialog.is_busy())
    assert dialog.error_label.isHidden(), dialog.error_label.text()
    assert dialog.windowTitle() == "The breach register"
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: (tmp_path / "register.pdf").is_file())
    dialog.close()
