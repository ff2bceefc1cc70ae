"""A desktop notification when privacy requests are overdue or due within three working days: at sign-in and every
day at 09:00 local time while someone is signed in.

One single-shot timer is set to the number of milliseconds left until the next 09:00 on the app's clock (no polling,
no sleeping), so a test moves the clock instead of waiting. The notification goes through the system tray where
there is one, and to the main window's status bar where there is none (a minimal desktop, or the offscreen platform
of the tests). It says how many requests and their references, never a name or an email address: a notification
can show on a locked screen or be copied into the desktop's history. Clicking it brings the Home screen forward.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QObject, Qt, QTimer, Slot
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

from hartdesk.ui.request_actions import ui_today

if TYPE_CHECKING:
    from hartdesk.privacy.requests import DueLists, RequestRow
    from hartdesk.security.signin import SignedIn
    from hartdesk.ui.context import AppContext
    from hartdesk.ui.main_window import MainWindow

NOTIFY_HOUR = 9  # 09:00 local time
MESSAGE_MS = 15_000  # how long the tray's balloon stays
MAX_REFS = 6  # references named in a notification; more are counted
STATUS_REFS = 3  # in the status bar
TITLE = "hartdesk: privacy requests"


def next_run(now: float, hour: int = NOTIFY_HOUR) -> float:
    """The moment (seconds since the epoch) of the first ``hour``:00 local time strictly after ``now``."""
    local = datetime.fromtimestamp(now).astimezone()
    day = local.date()
    for _ in range(3):  # today, tomorrow, or (if 09:00 does not exist for a clock change) the day after
        target = datetime.combine(day, time(hour)).astimezone().timestamp()
        if target > now:
            return target
        day += timedelta(days=1)
    raise AssertionError("unreachable")


def msecs_until(target: float, now: float) -> int:
    return max(0, round((target - now) * 1000))


def _count(n: int, one: str, many: str) -> str:
    return one if n == 1 else many


def summary(rows: Sequence[RequestRow]) -> str:
    """ "2 privacy requests are overdue, 1 is due within 3 working days" (empty when there is nothing to say)."""
    from hartdesk.privacy.requests import AMBER_WORKING_DAYS, Urgency

    overdue = sum(1 for r in rows if r.urgency == Urgency.OVERDUE)
    soon = sum(1 for r in rows if r.urgency == Urgency.SOON)
    within = f"due within {AMBER_WORKING_DAYS} working days"
    parts = []
    if overdue:
        parts.append(f"{overdue} privacy request{_count(overdue, ' is', 's are')} overdue")
    if soon:
        if overdue:
            parts.append(f"{soon} {_count(soon, 'is', 'are')} {within}")
        else:
            parts.append(f"{soon} privacy request{_count(soon, ' is', 's are')} {within}")
    return ", ".join(parts)


def references(rows: Sequence[RequestRow], limit: int = MAX_REFS) -> str:
    """The references, most urgent first: "R-2026-0003, R-2026-0007 and 4 more"."""
    refs = [r.ref for r in rows]
    shown = ", ".join(refs[:limit])
    more = len(refs) - limit
    return f"{shown} and {more} more" if more > 0 else shown


def load_notify_rows(who: SignedIn, today: date) -> list[RequestRow]:
    """Runs on a pool thread: the requests a notification mentions."""
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import requests as rq

    with who.register.session() as session:
        lists: DueLists = rq.due_lists(session, settings_mod.load(session), today)
    return lists.notify


class DueNotifier(QObject):
    """Checks the due lists at :meth:`start` (sign-in) and every day at 09:00 until :meth:`stop` (lock)."""

    def __init__(
        self,
        ctx: AppContext,
        window: MainWindow,
        tray_available: Callable[[], bool] | None = None,
    ) -> None:
        QObject.__init__(self, window)
        self.ctx = ctx
        self.window = window
        self.tray_available = tray_available or (lambda: QSystemTrayIcon.isSystemTrayAvailable())
        self.tray: QSystemTrayIcon | None = None
        self.last_message = ""  # what the last notification said (also what the status bar shows)
        self._target: float | None = None  # the 09:00 the timer is set for
        self._generation = 0  # moved on by stop(), so that a check under way when the register locks is dropped
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setTimerType(Qt.TimerType.VeryCoarseTimer)  # to the second; a coarse timer may drift by 5%
        self.timer.timeout.connect(self._on_timer_timeout)

    # --- the schedule --------------------------------------------------------------------------------------------

    def start(self) -> None:
        """Someone signed in: check now, then every day at 09:00."""
        self._target = None
        self.check_now()
        self._schedule()

    def stop(self) -> None:
        """The register locked: no more checks until the next sign-in."""
        self._generation += 1
        self.timer.stop()
        self._target = None
        if self.tray is not None:
            self.tray.hide()

    def _schedule(self) -> None:
        now = self.ctx.clock()
        # From the 09:00 just passed, if the timer fired a moment early, so that one 09:00 notifies once.
        after = now if self._target is None else max(now, self._target)
        self._target = next_run(after)
        self.timer.start(msecs_until(self._target, now))

    @Slot()
    def _on_timer_timeout(self) -> None:
        if self.ctx.signed_in is None:
            return
        self.check_now()
        self._schedule()

    # --- checking ------------------------------------------------------------------------------------------------

    def check_now(self) -> None:
        who = self.ctx.signed_in
        if who is None:
            return
        generation, today = self._generation, ui_today(self.ctx)
        self.ctx.tasks.run(
            lambda: load_notify_rows(who, today),
            on_done=lambda rows: self._on_rows_loaded(generation, rows),
            on_error=lambda exc: self._on_check_failed(generation, exc),
        )

    def _on_rows_loaded(self, generation: int, rows: list[RequestRow]) -> None:
        if generation != self._generation or self.ctx.signed_in is None or not shiboken6.isValid(self):
            return
        if rows:
            self.notify(rows)

    def _on_check_failed(self, generation: int, exc: BaseException) -> None:
        if generation != self._generation or self.ctx.signed_in is None:
            return  # the register locked while the check ran
        from hartdesk.ui import crash

        crash.report_unexpected(exc, self.window)

    # --- saying it -----------------------------------------------------------------------------------------------

    def notify(self, rows: Sequence[RequestRow]) -> None:
        """Counts and references only: no name, no email address, no subject."""
        said = summary(rows)
        if self.tray_available():
            tray = self._tray()
            tray.show()
            tray.showMessage(TITLE, f"{said}.\n{references(rows)}", self._icon(), MESSAGE_MS)
        # The status bar shares its line with who is signed in: fewer references there.
        self.last_message = f"{said}: {references(rows, STATUS_REFS)}"
        self.window.statusBar().showMessage(self.last_message)

    def _tray(self) -> QSystemTrayIcon:
        if self.tray is None:
            self.tray = QSystemTrayIcon(self._icon(), self)
            self.tray.setObjectName("due_tray")
            self.tray.setToolTip("hartdesk")
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
            self.tray.activated.connect(self._on_tray_activated)
        return self.tray

    @staticmethod
    def _icon() -> QIcon:
        app = QApplication.instance()
        icon = app.windowIcon() if isinstance(app, QApplication) else QIcon()
        if icon.isNull():
            from hartdesk.ui.app import app_icon

            icon = app_icon()
        return icon

    @Slot()
    def _on_tray_message_clicked(self) -> None:
        self.show_home()

    @Slot(QSystemTrayIcon.ActivationReason)
    def _on_tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            self.show_home()

    def show_home(self) -> None:
        """Bring the main window forward on its Home screen (the sign-in dialog when it is locked)."""
        from hartdesk.ui.screens.home import HomeScreen

        window = self.window
        if window.isMinimized():
            window.showNormal()
        window.show()
        window.raise_()
        window.activateWindow()
        home = window.screen_of(HomeScreen)
        if home is None:
            return
        if window.current_screen() is home:
            home.refresh()
        else:
            window.show_screen(home)
