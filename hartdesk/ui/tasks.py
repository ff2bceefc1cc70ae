"""The one way to run work off the GUI thread (like Anki's QueryOp or Picard's run_task).

``runner.run(fn, on_done=..., on_error=...)`` calls ``fn()`` on a worker thread and delivers its result or its
exception back on the GUI thread. ``fn`` must never touch a widget. Tests use :class:`SyncTaskRunner`, which runs
everything at once on the calling thread. Database writes are serialised by running them one at a time
(``serial=True``).

Long work reports how far it has got: with ``on_progress=callback`` the function is called as ``fn(report)``, and
each ``report(done, total)`` it makes (from any thread) reaches ``callback(done, total)`` on the GUI thread, before
its result does.

The worker threads never call Qt. With PySide6 6.12, emitting a signal from a non-Qt-created or pool thread corrupts
reference counts and aborts the process after a few hundred tasks (seen here; PYSIDE-3124), so each worker puts
what it has to say on a plain queue, and a timer on the GUI thread empties it every few milliseconds while any task
is outstanding.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, QTimer, Signal

log = logging.getLogger(__name__)
Done = Callable[[Any], None]
Failed = Callable[[BaseException], None]
Progress = Callable[[int, int], None]  # (done, total)
WORKERS = 4
POLL_MS = 5


class TaskRunner(QObject):
    busy_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self._pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="hartdesk-task")
        self._write_lock = threading.Lock()
        self._inbox: queue.SimpleQueue[Callable[[], None]] = queue.SimpleQueue()
        self._outstanding = 0
        self._timer = QTimer(self)
        self._timer.setInterval(POLL_MS)
        self._timer.timeout.connect(self._drain)

    def run(
        self,
        fn: Callable[..., Any],
        on_done: Done | None = None,
        on_error: Failed | None = None,
        serial: bool = False,
        on_progress: Progress | None = None,
    ) -> None:
        """Run ``fn()`` on a worker thread, or ``fn(report)`` when ``on_progress`` is given."""
        inbox = self._inbox
        lock = self._write_lock if serial else None

        def report(done: int, total: int) -> None:
            assert on_progress is not None
            inbox.put(lambda: _guarded(on_progress, int(done), int(total)))

        def job() -> None:
            try:
                if lock is not None:
                    with lock:
                        result = fn() if on_progress is None else fn(report)
                else:
                    result = fn() if on_progress is None else fn(report)
            except BaseException as exc:
                failed = exc  # the name "exc" is unbound once the except block ends
                inbox.put(lambda: self._finish(None, failed, on_done, on_error))
            else:
                inbox.put(lambda: self._finish(result, None, on_done, on_error))

        self._outstanding += 1
        if self._outstanding == 1:
            self._timer.start()
            self.busy_changed.emit(True)
        self._pool.submit(job)

    def _finish(self, result: Any, exc: BaseException | None, on_done: Done | None, on_error: Failed | None) -> None:
        self._outstanding -= 1
        if self._outstanding == 0:
            self._timer.stop()
            self.busy_changed.emit(False)
        _deliver(result, exc, on_done, on_error)

    def _drain(self) -> None:
        while True:
            try:
                deliver = self._inbox.get_nowait()
            except queue.Empty:
                return
            deliver()

    def wait_for_all(self, msecs: int = 30000) -> bool:
        """Wait until every task has finished and delivered (the GUI thread's events are processed meanwhile)."""
        from PySide6.QtCore import QCoreApplication, QDeadlineTimer

        deadline = QDeadlineTimer(msecs)
        while self._outstanding and not deadline.hasExpired():
            self._drain()
            QCoreApplication.processEvents()
            threading.Event().wait(0.002)
        return not self._outstanding


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


def _guarded(on_progress: Progress, done: int, total: int) -> None:
    try:
        on_progress(done, total)
    except Exception as exc:  # a bug in a progress display must not be lost in the event loop
        from hartdesk.ui.crash import report_unexpected

        report_unexpected(exc)


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
