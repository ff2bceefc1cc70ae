"""The desktop notification of privacy requests due: at sign-in and daily at 09:00 on the app's clock, through the
tray where there is one and the status bar where there is none, with counts and references only."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any

import pytest
from PySide6.QtWidgets import QSystemTrayIcon

from hartdesk.privacy import requests as rq
from hartdesk.privacy.requests import RequestRow, Urgency
from hartdesk.ui.context import AppContext
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.notify import DueNotifier, next_run, references, summary
from hartdesk.ui.screens.clients import ClientsScreen
from hartdesk.ui.screens.home import HomeScreen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.totp import FakeClock
from tests.ui.helpers import OpenMainWindow
from tests.ui.test_request_detail import TODAY, act, log

DAY_MS = 24 * 60 * 60 * 1000


def local(day: date, hour: int, minute: int = 0, second: int = 0) -> float:
    """A moment on this computer's clock (the notification follows local time)."""
    return datetime(day.year, day.month, day.day, hour, minute, second).astimezone().timestamp()


@pytest.fixture
def due(signed_in_admin: Any) -> list[str]:
    """Two overdue requests, one due within three working days, one due later and one waiting."""
    who = signed_in_admin
    refs = [
        log(who, date(2026, 9, 15)),  # overdue
        log(who, date(2026, 10, 1)),  # overdue
        log(who, date(2026, 10, 23)),  # due Mon 23 Nov: 1 working day left
    ]
    log(who, date(2026, 10, 27))  # due Fri 27 Nov: 5 working days, no notification
    waiting = log(who, date(2026, 11, 2))
    act(who, rq.ask_clarification, waiting, date(2026, 11, 10), "Which websites?")
    return refs


@pytest.fixture
def make_window(
    register_dir: Any, signed_in_admin: Any, open_main_window: OpenMainWindow
) -> Callable[[FakeClock], MainWindow]:
    def make(clock: FakeClock) -> MainWindow:
        ctx = AppContext(register_dir=register_dir, tasks=SyncTaskRunner(), clock=clock, signed_in=signed_in_admin)
        return open_main_window(ctx)

    return make


def test_the_next_nine_oclock() -> None:
    assert next_run(local(TODAY, 8, 59)) == local(TODAY, 9)
    assert next_run(local(TODAY, 9)) == local(date(2026, 11, 21), 9)  # 09:00 itself has passed
    assert next_run(local(TODAY, 23, 30)) == local(date(2026, 11, 21), 9)


def test_the_words() -> None:
    def row(ref: str, urgency: str) -> RequestRow:
        return RequestRow(ref, *([None] * 6), "Zoë", "zoe@example.com", "", "", None, urgency)  # type: ignore[arg-type]

    overdue = [row("R-2026-0001", Urgency.OVERDUE), row("R-2026-0002", Urgency.OVERDUE)]
    soon = [row("R-2026-0003", Urgency.SOON)]
    assert summary(overdue + soon) == "2 privacy requests are overdue, 1 is due within 3 working days"
    assert summary(overdue[:1]) == "1 privacy request is overdue"
    assert summary(soon * 2) == "2 privacy requests are due within 3 working days"
    many = [row(f"R-2026-{n:04d}", Urgency.OVERDUE) for n in range(1, 9)]
    assert references(many) == "R-2026-0001, R-2026-0002, R-2026-0003, R-2026-0004, R-2026-0005, R-2026-0006 and 2 more"


def test_at_sign_in_then_at_nine_without_a_tray_in_the_status_bar(due: list[str], make_window: Any, qtbot: Any) -> None:
    assert not QSystemTrayIcon.isSystemTrayAvailable()  # the offscreen platform has no tray
    clock = FakeClock(local(TODAY, 8, 59))
    window = make_window(clock)
    notifier = window.notifier
    assert isinstance(notifier, DueNotifier)
    message = window.statusBar().currentMessage()
    assert message == f"2 privacy requests are overdue, 1 is due within 3 working days: {', '.join(due)}"
    assert "Zoë" not in message and "@" not in message and "Everything" not in message  # no personal data
    assert notifier.tray is None
    assert notifier.timer.isActive() and notifier.timer.isSingleShot()
    assert notifier.timer.interval() == 60_000  # 08:59 → 09:00

    window.statusBar().clearMessage()
    clock.now = local(TODAY, 9)
    notifier.timer.timeout.emit()  # what Qt does when the minute is up
    assert window.statusBar().currentMessage() == message
    assert notifier.timer.isActive() and notifier.timer.interval() == DAY_MS  # tomorrow at 09:00


def test_a_timer_that_fires_a_moment_early_notifies_once(due: list[str], make_window: Any) -> None:
    clock = FakeClock(local(TODAY, 8, 59))
    window = make_window(clock)
    notifier = window.notifier
    assert notifier is not None and notifier.timer.interval() == 60_000
    window.statusBar().clearMessage()
    clock.now = local(TODAY, 9) - 0.2
    notifier.timer.timeout.emit()
    assert window.statusBar().currentMessage().startswith("2 privacy requests are overdue")
    assert notifier.timer.interval() == DAY_MS + 200  # tomorrow's 09:00, not today's again in 0.2 s


def test_nothing_due_says_nothing(signed_in_admin: Any, make_window: Any) -> None:
    log(signed_in_admin, date(2026, 11, 2))  # due in 8 working days
    window = make_window(FakeClock(local(TODAY, 10)))
    assert window.statusBar().currentMessage() == ""
    assert window.notifier is not None and window.notifier.timer.interval() == DAY_MS - 60 * 60 * 1000


@pytest.mark.qt_log_ignore("This plugin does not support raise")  # the offscreen platform cannot raise a window
def test_through_the_tray_and_clicking_it_shows_home(
    due: list[str], make_window: Any, qtbot: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    shown: list[tuple[str, str]] = []
    monkeypatch.setattr(QSystemTrayIcon, "isSystemTrayAvailable", staticmethod(lambda: True))
    monkeypatch.setattr(QSystemTrayIcon, "show", lambda self: None)
    monkeypatch.setattr(
        QSystemTrayIcon, "showMessage", lambda self, title, text, icon=None, msecs=0: shown.append((title, text))
    )
    window = make_window(FakeClock(local(TODAY, 8, 30)))
    notifier = window.notifier
    assert notifier is not None and notifier.tray is not None
    assert shown == [
        (
            "hartdesk: privacy requests",
            f"2 privacy requests are overdue, 1 is due within 3 working days.\n{', '.join(due)}",
        )
    ]

    clients = window.screen_of(ClientsScreen)
    assert clients is not None
    window.show_screen(clients)
    assert window.current_screen() is clients
    notifier.tray.messageClicked.emit()
    assert isinstance(window.current_screen(), HomeScreen)


def test_locking_stops_the_daily_check(due: list[str], make_window: Any, qtbot: Any) -> None:
    window = make_window(FakeClock(local(TODAY, 8, 59)))
    notifier = window.notifier
    assert notifier is not None and notifier.timer.isActive()
    window.lock()
    assert not notifier.timer.isActive()
    window.statusBar().clearMessage()
    notifier.timer.timeout.emit()  # even if it fired, nobody is signed in: nothing is read, nothing is said
    assert window.statusBar().currentMessage() == ""
