"""Idle lock: notice when nobody has touched the keyboard or mouse for the configured number of minutes.

An event filter on the QApplication records the time of the last key or mouse activity using an injectable clock;
a timer compares it every few seconds with the limit and emits :attr:`IdleWatcher.idle` once. Tests move a fake
clock and call :meth:`IdleWatcher.check_now` instead of waiting.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal, Slot
from PySide6.QtWidgets import QApplication

CHECK_EVERY_MS = 5000
_ACTIVITY = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TabletPress,
    }
)


class IdleWatcher(QObject):
    """Emits ``idle`` when there was no activity for ``minutes``; stops itself until started again."""

    idle = Signal()

    def __init__(
        self,
        clock: Callable[[], float] = time.time,
        parent: QObject | None = None,
        check_every_ms: int = CHECK_EVERY_MS,
    ) -> None:
        QObject.__init__(self, parent)
        self._clock = clock
        self._minutes = 5.0
        self._last_activity = clock()
        self._running = False
        self._timer = QTimer(self)
        self._timer.setInterval(check_every_ms)
        self._timer.timeout.connect(self._on_timer_timeout)

    @property
    def minutes(self) -> float:
        return self._minutes

    def set_minutes(self, minutes: float) -> None:
        self._minutes = float(minutes)

    def is_running(self) -> bool:
        return self._running

    def start(self) -> None:
        """Start watching (after sign-in); the idle time counts from now."""
        self._last_activity = self._clock()
        if not self._running:
            app = QApplication.instance()
            if app is not None:
                app.installEventFilter(self)
            self._running = True
        self._timer.start()

    def stop(self) -> None:
        if self._running:
            app = QApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            self._running = False
        self._timer.stop()

    def touch(self) -> None:
        """Count as activity now."""
        self._last_activity = self._clock()

    def idle_seconds(self) -> float:
        return self._clock() - self._last_activity

    def check_now(self) -> bool:
        """Emit ``idle`` (and stop) if the limit has passed; True if it did."""
        if not self._running or self.idle_seconds() < self._minutes * 60:
            return False
        self.stop()
        self.idle.emit()
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in _ACTIVITY:
            self._last_activity = self._clock()
        return False

    @Slot()
    def _on_timer_timeout(self) -> None:
        self.check_now()
