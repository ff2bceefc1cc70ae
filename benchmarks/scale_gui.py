"""The Clients screen on a big register, in its own process: how long until the list shows, the longest stall of the
GUI thread while a clerk types each query letter by letter (a heartbeat timer every 5 ms records the gaps), and the
process's peak memory with the list shown. Run by bench_scale.py: ``scale_gui.py REGISTER QUERY...``."""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from hartdesk.demo import DEMO_PASSWORD, DEMO_USER
from hartdesk.security.signin import sign_in
from hartdesk.ui.context import AppContext
from hartdesk.ui.screens.clients import ClientsScreen
from hartdesk.ui.tasks import TaskRunner

KEY_INTERVAL_MS = 90  # a quick typist


class Heartbeat:
    def __init__(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer = QTimer()
        self.timer.setInterval(5)
        self.timer.timeout.connect(self._beat)

    def _beat(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last)
        self.last = now

    def start(self) -> None:
        self.last = time.perf_counter()
        self.worst = 0.0
        self.timer.start()


def peak_memory_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss survives exec, so a child started from a big benchmark
    process would report its parent's size; VmHWM belongs to this program's own address space."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(register: Path, queries: list[str]) -> None:
    app = QApplication(sys.argv[:1])
    who = sign_in(register, DEMO_USER, DEMO_PASSWORD)
    ctx = AppContext(register, TaskRunner(), signed_in=who)
    screen = ClientsScreen(ctx)
    screen.resize(1100, 720)
    screen.show()
    start = time.perf_counter()
    screen.refresh()
    while screen.model.total is None or screen.model.rowCount() == 0:
        app.processEvents()
    shown = time.perf_counter() - start
    beat = Heartbeat()
    beat.start()
    for query in queries:
        screen.search_edit.clear()
        for char in query:
            # A key event carrying the letter (QTest.keyClicks only knows ASCII, and queries have accents).
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(screen.search_edit, QKeyEvent(kind, 0, Qt.KeyboardModifier.NoModifier, char))
            QTest.qWait(KEY_INTERVAL_MS)
        QTest.qWait(400)  # the last search lands
    stall = beat.worst
    peak = peak_memory_mb()
    ctx.tasks.wait_for_all()
    who.lock()
    print(f"Clients screen: list shown {shown * 1000:.0f} ms after opening (target <= 300 ms)")
    print(f"  longest GUI-thread stall while typing {len(queries)} queries: {stall * 1000:.0f} ms (target <= 100 ms)")
    print(f"  peak memory with the list shown: {peak:.0f} MB (target <= 300 MB)")
    app.quit()


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
