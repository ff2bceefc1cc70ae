"""The Requests screen, driven like a clerk: read the list and its countdowns, search, filter, open a request and
export the list for the DPO."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPalette
from PySide6.QtWidgets import QApplication, QComboBox, QFileDialog, QMessageBox
from pytestqt.qtbot import QtBot

from hartdesk import settings as settings_mod
from hartdesk.dates import format_short_date
from hartdesk.models import AuditEntry
from hartdesk.models.enums import RequestChannel, RequestType
from hartdesk.privacy import deadlines, requests
from hartdesk.privacy.requests import RequestInput, RequestRow, RequestStatus, Urgency
from hartdesk.ui.context import AppContext
from hartdesk.ui.models.request_model import (
    URGENCY_COLOURS,
    Column,
    RequestDataRole,
    countdown_text,
)
from hartdesk.ui.request_intake import EmailIntakeDialog, uk_today_of
from hartdesk.ui.screens.requests import RequestsScreen
from tests.conftest import ADMIN
from tests.ui.helpers import OpenScreen, column, open_child, search_for
from tests.ui.test_clients_screen import Clients, fill_register

SIZE = (1100, 720)
SCREEN_AT_DEFAULT_WINDOW = (910, 660)  # the screen's part of a 1100 x 720 window, beside the sidebar


@dataclass(frozen=True)
class Logged:
    """The references of the requests :func:`fill_requests` logs."""

    overdue: str  # Ida Finch (Bramble & Finch), erasure by post, received 40 days ago
    soon: str  # Zoë (her client record), access by email, due within three working days
    waiting: str  # a caller asked to clarify: the clock is stopped
    fresh: str  # received today in person, no client
    answered: str  # completed on time


def received_for_soon(today: date, region: str) -> date:
    """A day of receipt whose due date falls within three working days of ``today``."""
    for offset in range(15):
        received = today - relativedelta(months=1) + timedelta(days=offset)
        due = deadlines.compute(deadlines.Clock(received=received, region=region)).due
        assert due is not None
        if 1 <= deadlines.working_days_left(today, due, region) <= 3:
            return received
    raise AssertionError("no such day")


def fill_requests(who: Any, refs: Clients, today: date) -> Logged:
    with who.register.session() as s:
        settings = settings_mod.load(s)

        def log(kind: RequestType, channel: RequestChannel, received: date, name: str, **more: Any) -> str:
            data = RequestInput(kind, channel, received, name, **more)
            return requests.log_request(s, ADMIN, data, settings, today).ref

        overdue = log(
            RequestType.ERASURE,
            RequestChannel.POST,
            today - timedelta(days=40),
            "Ida Finch",
            requester_email="accounts@bramble.example",
            client_ref=refs.bramble,
        )
        soon = log(
            RequestType.ACCESS,
            RequestChannel.EMAIL,
            received_for_soon(today, settings.bank_holiday_region),
            "Zoë Łukasiewicz-Öztürk",
            requester_email="zoe@lukasiewicz.example",
            client_ref=refs.zoe,
        )
        waiting = log(RequestType.RECTIFICATION, RequestChannel.PHONE, today - timedelta(days=5), "Nono Dordevic")
        requests.ask_clarification(s, ADMIN, waiting, today, "Which address?", settings, today)
        fresh = log(RequestType.OBJECTION, RequestChannel.IN_PERSON, today, "Aoife Ni Bhriain")
        answered = log(RequestType.ACCESS, RequestChannel.EMAIL, today - timedelta(days=20), "Lars Øresund")
        requests.complete(s, ADMIN, answered, today, "Data report sent", settings, today)
    return Logged(overdue, soon, waiting, fresh, answered)


@pytest.fixture
def refs(signed_in_admin: Any) -> Clients:
    return fill_register(signed_in_admin)


@pytest.fixture
def logged(signed_in_admin: Any, refs: Clients, admin_ctx: AppContext) -> Logged:
    return fill_requests(signed_in_admin, refs, uk_today_of(admin_ctx))


@pytest.fixture
def screen(open_screen: OpenScreen, logged: Logged) -> RequestsScreen:
    return open_screen(RequestsScreen, SIZE)


def choose(qtbot: QtBot, combo: QComboBox, wanted: str) -> None:
    """Pick a filter's choice with the keyboard: Home, then Down until it shows."""
    combo.setFocus()
    qtbot.keyClick(combo, Qt.Key.Key_Home)
    for _ in range(combo.count()):
        if combo.currentText() == wanted:
            return
        qtbot.keyClick(combo, Qt.Key.Key_Down)
    assert combo.currentText() == wanted


def row_of(screen: RequestsScreen, ref: str) -> int:
    row = screen.model.row_of(ref)
    assert row is not None
    return row


# --- the list ---------------------------------------------------------------------------------------------------------


def test_open_requests_are_listed_first_by_due_date_with_their_countdown(
    screen: RequestsScreen, logged: Logged, qtmodeltester: Any
) -> None:
    assert screen.status_combo.currentText() == "Open requests"
    assert column(screen.table, Column.REF) == [logged.overdue, logged.soon, logged.fresh, logged.waiting]
    assert screen.count_label.text() == "4 requests"
    first = {c: screen.model.index(0, c).data() for c in Column}
    assert first[Column.TYPE] == "Erasure"
    assert first[Column.CHANNEL] == "Post"
    assert first[Column.STATUS] == "New"
    assert first[Column.REQUESTER] == "Ida Finch"
    assert first[Column.CLIENT] == "C-00003"
    assert first[Column.COUNTDOWN].startswith("overdue by ")
    overdue = screen.model.index(0, 0).data(RequestDataRole.ROW)
    assert isinstance(overdue, RequestRow) and overdue.due_on is not None
    assert first[Column.DUE] == format_short_date(overdue.due_on)
    assert first[Column.RECEIVED] == format_short_date(overdue.received_on)
    tip = screen.model.index(0, Column.COUNTDOWN).data(Qt.ItemDataRole.ToolTipRole)
    assert overdue.countdown.capitalize() in tip and "answer it now" in tip
    fresh = screen.model.index(row_of(screen, logged.fresh), Column.CHANNEL)
    assert fresh.data() == "In person"
    assert screen.model.index(row_of(screen, logged.fresh), Column.COUNTDOWN).data().isdigit()
    waiting = row_of(screen, logged.waiting)
    assert screen.model.index(waiting, Column.DUE).data() == "—"
    assert screen.model.index(waiting, Column.COUNTDOWN).data() == "clock stopped"
    assert screen.model.index(waiting, Column.STATUS).data() == "Awaiting clarification"
    qtmodeltester.check(screen.model)


def test_rows_are_coloured_by_urgency_and_say_it_in_words(screen: RequestsScreen, logged: Logged) -> None:
    model = screen.model

    def colours(ref: str) -> tuple[QColor | None, QColor | None, str]:
        row = row_of(screen, ref)
        background = model.index(row, Column.REF).data(Qt.ItemDataRole.BackgroundRole)
        foreground = model.index(row, Column.COUNTDOWN).data(Qt.ItemDataRole.ForegroundRole)
        text = model.index(row, Column.COUNTDOWN).data()
        return (
            background.color() if isinstance(background, QBrush) else None,
            foreground.color() if isinstance(foreground, QBrush) else None,
            text,
        )

    background, foreground, text = colours(logged.overdue)
    assert background is not None and foreground is not None
    assert background.rgb() == QColor(URGENCY_COLOURS[Urgency.OVERDUE][0]).rgb()
    assert 0 < background.alpha() < 128  # a tint: the text keeps its contrast
    assert foreground.name() == "#a61b1b"  # red words on the light palette
    assert foreground.red() > 2 * foreground.green()
    assert text.startswith("overdue by ")
    assert model.index(row_of(screen, logged.overdue), 0).data(RequestDataRole.URGENCY) == Urgency.OVERDUE

    background, foreground, text = colours(logged.soon)
    assert background is not None and background.rgb() == QColor(URGENCY_COLOURS[Urgency.SOON][0]).rgb()
    assert text in {"1", "2", "3"}

    background, _, text = colours(logged.waiting)
    assert background is not None and background.rgb() == QColor(URGENCY_COLOURS[Urgency.WAITING][0]).rgb()
    assert text == "clock stopped"

    assert colours(logged.fresh)[:2] == (None, None)


def test_on_a_dark_palette_the_words_are_light(screen: RequestsScreen, logged: Logged) -> None:
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    light = app.palette()
    dark = QPalette(light)
    dark.setColor(QPalette.ColorRole.Base, QColor("#1e1e1e"))
    dark.setColor(QPalette.ColorRole.Text, QColor("#e8e8e8"))
    app.setPalette(dark)
    try:
        brush = screen.model.index(row_of(screen, logged.overdue), Column.COUNTDOWN).data(
            Qt.ItemDataRole.ForegroundRole
        )
        assert brush.color().name() == URGENCY_COLOURS[Urgency.OVERDUE][2]
        assert brush.color().lightness() > 150
    finally:
        app.setPalette(light)


def test_closed_requests_say_whether_they_were_answered_on_time(qtbot: QtBot, screen: RequestsScreen) -> None:
    choose(qtbot, screen.status_combo, "All statuses")
    assert screen.status_combo.currentText() == "All statuses"
    assert screen.count_label.text() == "5 requests"
    assert column(screen.table, Column.COUNTDOWN)[-1] == "answered on time"
    assert column(screen.table, Column.STATUS)[-1] == "Completed"


def test_the_countdown_words() -> None:
    base = RequestRow(
        "R-2026-0001",
        RequestType.ACCESS,
        RequestChannel.EMAIL,
        RequestStatus.NEW,
        date(2026, 11, 2),
        date(2026, 12, 2),
        None,
        "A",
        "",
        "",
        "",
    )
    assert countdown_text(replace(base, working_days_left=-1)) == "overdue by 1"
    assert countdown_text(replace(base, working_days_left=0)) == "due today"
    assert countdown_text(replace(base, working_days_left=12)) == "12"
    assert countdown_text(replace(base, due_on=None, urgency=Urgency.WAITING)) == "clock stopped"
    assert countdown_text(replace(base, status=RequestStatus.IN_PROGRESS, due_on=None)) == "no fixed date"
    late = replace(base, status=RequestStatus.REFUSED, closed_on=date(2026, 12, 3))
    assert countdown_text(late) == "answered late"
    gone = replace(base, status=RequestStatus.WITHDRAWN, closed_on=date(2026, 11, 3))
    assert countdown_text(gone) == "withdrawn"


# --- finding ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("bramble", "overdue"),  # the client's name
        ("accounts@bramble", "overdue"),  # the requester's email
        ("c-00001", "soon"),  # the client's reference
        ("nono", "waiting"),  # the requester's name
        ("aoife bhriain", "fresh"),
    ],
)
def test_typing_narrows_the_list(
    qtbot: QtBot, screen: RequestsScreen, logged: Logged, typed: str, expected: str
) -> None:
    search_for(qtbot, screen, typed)
    assert column(screen.table, Column.REF) == [getattr(logged, expected)]
    assert screen.count_label.text() == "1 request"


def test_a_reference_finds_its_request_and_enter_puts_the_cursor_on_it(
    qtbot: QtBot, screen: RequestsScreen, logged: Logged
) -> None:
    screen.search_edit.setFocus()
    qtbot.keyClicks(screen.search_edit, logged.fresh.lower())
    qtbot.keyClick(screen.search_edit, Qt.Key.Key_Return)
    assert not screen.search_timer.isActive()
    assert column(screen.table, Column.REF) == [logged.fresh]
    assert screen.selected_ref() == logged.fresh


def test_nothing_found_says_so(qtbot: QtBot, screen: RequestsScreen) -> None:
    search_for(qtbot, screen, "nobody like this")
    assert column(screen.table, Column.REF) == []
    assert screen.count_label.text() == "No requests match."


def test_the_filters_are_chosen_with_the_keyboard(qtbot: QtBot, screen: RequestsScreen, logged: Logged) -> None:
    choose(qtbot, screen.status_combo, "All statuses")
    choose(qtbot, screen.type_combo, "Access")
    assert screen.type_combo.currentText() == "Access"
    assert column(screen.table, Column.REF) == [logged.soon, logged.answered]

    choose(qtbot, screen.status_combo, "Completed")
    assert screen.status_combo.currentText() == "Completed"
    assert column(screen.table, Column.REF) == [logged.answered]

    choose(qtbot, screen.type_combo, "Any type")
    choose(qtbot, screen.status_combo, "All statuses")
    choose(qtbot, screen.channel_combo, "Phone")
    assert screen.channel_combo.currentText() == "Phone"
    assert column(screen.table, Column.REF) == [logged.waiting]

    choose(qtbot, screen.channel_combo, "In person")
    assert column(screen.table, Column.REF) == [logged.fresh]

    choose(qtbot, screen.channel_combo, "Any channel")
    screen.due_combo.setFocus()
    qtbot.keyClick(screen.due_combo, Qt.Key.Key_Down)
    assert screen.due_combo.currentText() == "Overdue"
    assert column(screen.table, Column.REF) == [logged.overdue]
    qtbot.keyClick(screen.due_combo, Qt.Key.Key_Down)
    assert screen.due_combo.currentText() == "Due within 7 days"
    assert column(screen.table, Column.REF) == [logged.overdue, logged.soon]


def test_a_status_filter_with_nothing_in_it_says_so(qtbot: QtBot, screen: RequestsScreen) -> None:
    choose(qtbot, screen.status_combo, "Extended")
    assert screen.status_combo.currentText() == "Extended"
    assert screen.count_label.text() == "No requests match."


# --- opening, logging, exporting --------------------------------------------------------------------------------------


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """Stands in for the request's own window (``request_detail.open_request``): records each call."""
    calls: list[tuple[Any, ...]] = []
    fake = types.ModuleType("hartdesk.ui.request_detail")
    fake.open_request = lambda *args: calls.append(args)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "hartdesk.ui.request_detail", fake)
    return calls


def test_enter_opens_the_request_and_a_change_there_reloads_the_list(
    qtbot: QtBot, screen: RequestsScreen, logged: Logged, opened: list[tuple[Any, ...]], signed_in_admin: Any
) -> None:
    screen.table.setFocus()
    screen.table.selectRow(row_of(screen, logged.soon))
    qtbot.keyClick(screen.table, Qt.Key.Key_Return)
    assert len(opened) == 1
    ctx, parent, ref, on_changed = opened[0]
    assert (ctx, parent, ref) == (screen.ctx, screen, logged.soon)

    today = uk_today_of(screen.ctx)
    with signed_in_admin.register.session() as s:
        requests.complete(s, ADMIN, logged.soon, today, "Sent", settings_mod.load(s), today)
    on_changed()
    assert logged.soon not in column(screen.table, Column.REF)
    assert screen.count_label.text() == "3 requests"


def test_double_click_and_the_open_button_open_the_request(
    qtbot: QtBot, screen: RequestsScreen, logged: Logged, opened: list[tuple[Any, ...]]
) -> None:
    assert not screen.open_button.isEnabled()
    rect = screen.table.visualRect(screen.model.index(row_of(screen, logged.waiting), Column.REQUESTER))
    qtbot.mouseClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert screen.open_button.isEnabled()
    qtbot.mouseClick(screen.open_button, Qt.MouseButton.LeftButton)
    qtbot.mouseDClick(screen.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert [call[2] for call in opened] == [logged.waiting, logged.waiting]


def test_ctrl_e_opens_the_email_dialog(qtbot: QtBot, screen: RequestsScreen) -> None:
    screen.activateWindow()
    qtbot.waitActive(screen)
    screen.table.setFocus()
    qtbot.keyClick(screen.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)
    dialog = open_child(screen, EmailIntakeDialog)
    assert dialog.windowTitle() == "New request by email"


def test_the_export_writes_the_requests_listed_and_tells_the_counts(
    qtbot: QtBot, screen: RequestsScreen, logged: Logged, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "requests.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), "")))
    choose(qtbot, screen.status_combo, "All statuses")
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)

    text = target.read_text(encoding="utf-8-sig")
    lines = text.splitlines()
    assert lines[0].startswith("reference,type,channel,status,received,due")
    assert {line.split(",")[0] for line in lines[1:6]} == {
        logged.overdue,
        logged.soon,
        logged.waiting,
        logged.fresh,
        logged.answered,
    }
    assert "access,2,1,1,100%" in lines
    assert "all,5,1,1,100%" in lines
    box = open_child(screen, QMessageBox, "export_message")
    assert box.text().startswith(f"5 requests written to {target}.")
    assert "Access: 2 received, 1 answered, 1 on time" in box.text()
    assert "Erasure: 1 received, 0 answered" in box.text()
    assert box.text().endswith("Answered on time: 1 of 1 (100%).")
    assert screen.message_label.text() == f"5 requests written to {target}."
    with screen.ctx.who.register.session() as s:
        assert s.query(AuditEntry).filter(AuditEntry.action == "export.requests").count() == 1


def test_an_export_that_cannot_be_written_says_why(
    qtbot: QtBot, screen: RequestsScreen, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "missing-folder" / "requests.csv"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: (str(target), "")))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    box = open_child(screen, QMessageBox, "export_message")
    assert box.windowTitle() == "Export failed"
    assert str(target) in box.text()
    assert screen.export_button.isEnabled()


def test_cancelling_the_export_writes_nothing(
    qtbot: QtBot, screen: RequestsScreen, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(QFileDialog, "getSaveFileName", staticmethod(lambda *args: ("", "")))
    qtbot.mouseClick(screen.export_button, Qt.MouseButton.LeftButton)
    assert screen.findChild(QMessageBox) is None


# --- layout and locking -----------------------------------------------------------------------------------------------


def test_nothing_important_is_cut_short_in_the_default_window(
    qtbot: QtBot, show: Any, admin_ctx: AppContext, logged: Logged
) -> None:
    screen = show(RequestsScreen(admin_ctx), SCREEN_AT_DEFAULT_WINDOW)
    screen.refresh()
    choose(qtbot, screen.status_combo, "All statuses")
    for col in Column:
        if col is not Column.REQUESTER:
            assert screen.table.sizeHintForColumn(col) <= screen.table.columnWidth(col), col.name
    assert screen.table.columnWidth(Column.REQUESTER) >= 110
    combos = (screen.status_combo, screen.type_combo, screen.channel_combo, screen.due_combo)
    assert len({combo.mapTo(screen, combo.rect().topLeft()).y() for combo in combos}) == 1  # one line


def test_locking_forgets_everything_shown(qtbot: QtBot, screen: RequestsScreen) -> None:
    choose(qtbot, screen.status_combo, "All statuses")
    search_for(qtbot, screen, "a")
    screen.clear()
    assert screen.model.rowCount() == 0
    assert screen.search_edit.text() == ""
    assert screen.status_combo.currentText() == "Open requests"
    assert screen.count_label.text() == ""


def test_no_requests_yet_says_how_to_log_the_first(qtbot: QtBot, open_screen: OpenScreen, refs: Clients) -> None:
    screen = open_screen(RequestsScreen, SIZE)
    assert screen.count_label.text() == (
        "No open requests. Log a new one with the buttons above (Ctrl+E for an email)."
    )
    choose(qtbot, screen.status_combo, "All statuses")
    assert screen.count_label.text().startswith("No requests yet. Log the first with From email… (Ctrl+E)")
