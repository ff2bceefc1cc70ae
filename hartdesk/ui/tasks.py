"""The one way to run work off the GUI thread (like Anki's QueryOp or Picard's run_task).

``runner.run(fn, on_done=..., on_error=...)`` calls ``fn()`` on a pool thread and delivers its result or its
exception back on the GUI thread. ``fn`` must never touch a widget. Tests use :class:`SyncTaskRunner`, which runs
everything at once on the calling thread. Database writes are serialised by running them one at a time
(``serial=True``).

Long work reports how far it has got: with ``on_progress=callback`` the function is called as ``fn(report)``, and
each ``report(done, total)`` it makes (from any thread) reaches ``callback(done, total)`` on the GUI thread, before
its result does.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

log = logging.getLogger(__name__)
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int], None]  # (done, total)


class _Relay(QObject):
    """Lives on the GUI thread; its signals carry results back across threads (queued connections)."""

    finished = Signal(object, object)  # (result, exception)
    progressed = Signal(int, int)  # (done, total)


class _Job(QRunnable):
    def __init__(self, fn: Callable[[], Any], relay: _Relay, lock: threading.Lock | None) -> None:
        super().__init__()
        self._fn = fn
        self._relay = relay
        self._lock = lock
        self.setAutoDelete(True)

    def run(self) -> None:
        try:
            if self._lock is not None:
                with self._lock:
                    result = self._fn()
            else:
                result = self._fn()
        except BaseException as exc:
            self._relay.finished.emit(None, exc)
        else:
            self._relay.finished.emit(result, None)


class TaskRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self._pool = QThreadPool.globalInstance()
        self._write_lock = threading.Lock()
        self._relays: set[_Relay] = set()

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        """Run ``fn()`` on a pool thread, or ``fn(report)`` when ``on_progress`` is given."""
        relay = _Relay()
        self._relays.add(relay)

        @Slot(object, object)
        def _finished(result: Any, exc: BaseException | None) -> None:
            self._relays.discard(relay)
            relay.deleteLater()
            if not self._relays:
                self.busy_changed.emit(False)
            _deliver(result, exc, on_done, on_error)

        relay.finished.connect(_finished, Qt.ConnectionType.QueuedConnection)
        work: Callable[[], Any] = fn
        if on_progress is not None:
            relay.progressed.connect(_progress_slot(on_progress), Qt.ConnectionType.QueuedConnection)
            work = _with_report(fn, relay)
        if len(self._relays) == 1:
            self.busy_changed.emit(True)
        self._pool.start(_Job(work, relay, self._write_lock if serial else None))

    def wait_for_all(self, msecs: int = 30000) -> bool:
        return self._pool.waitForDone(msecs)


class SyncTaskRunner(TaskRunner):
    """Runs each task immediately on the calling thread (for tests); progress is reported directly."""

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        try:
            result = fn() if on_progress is None else fn(on_progress)
        except BaseException as exc:
            _deliver(None, exc, on_done, on_error)
        else:
            _deliver(result, None, on_done, on_error)


def _with_report(fn: Callable[[Progress], Any], relay: _Relay) -> Callable[[], Any]:
    """``fn`` called with a ``report(done, total)`` that is safe from any thread (it only emits a signal)."""

    def report(done: int, total: int) -> None:
        relay.progressed.emit(int(done), int(total))

    return lambda: fn(report)


def _progress_slot(on_progress: Progress) -> Callable[[int, int], None]:
    @Slot(int, int)
    def _progressed(done: int, total: int) -> None:
        try:
            on_progress(done, total)
        except Exception as exc:  # a bug in a progress display must not be lost in Qt's event loop
            from hartdesk.ui.crash import report_unexpected

            report_unexpected(exc)

    return _progressed


def _deliver(result: Any, exc: BaseException | None, on_done: Done | None, on_error: Failed | None) -> None:
    if exc is None:
        if on_done is not None:
            on_done(result)
        return
    if on_error is not None:
        on_error(exc)
        return
    from hartdesk.ui.crash import report_unexpected

    report_unexpected(exc)
