"""The background-task runner: results, errors and progress come back on the GUI thread, in order."""

from __future__ import annotations

import threading
from typing import Any

from pytestqt.qtbot import QtBot

from hartdesk.ui.tasks import Progress, SyncTaskRunner, TaskRunner


def test_progress_reaches_the_gui_thread_before_the_result(qtbot: QtBot) -> None:
    gui = threading.get_ident()
    runner = TaskRunner()
    seen: list[tuple[str, Any, int]] = []
    workers: list[int] = []

    def work(report: Progress) -> str:
        workers.append(threading.get_ident())
        for done in range(1, 4):
            report(done, 3)
        return "finished"

    runner.run(
        work,
        on_done=lambda result: seen.append(("done", result, threading.get_ident())),
        on_progress=lambda done, total: seen.append(("progress", (done, total), threading.get_ident())),
    )
    qtbot.waitUntil(lambda: any(kind == "done" for kind, _, _ in seen))
    assert [(kind, value) for kind, value, _ in seen] == [
        ("progress", (1, 3)),
        ("progress", (2, 3)),
        ("progress", (3, 3)),
        ("done", "finished"),
    ]
    assert {thread for _, _, thread in seen} == {gui}
    assert workers and workers[0] != gui


def test_functions_without_progress_are_called_without_arguments(qtbot: QtBot) -> None:
    results: list[Any] = []
    errors: list[BaseException] = []
    runner = TaskRunner()
    runner.run(lambda: 42, on_done=results.append, serial=True)
    runner.run(lambda: 1 / 0, on_done=results.append, on_error=errors.append)
    qtbot.waitUntil(lambda: len(results) + len(errors) == 2)
    assert results == [42]
    assert isinstance(errors[0], ZeroDivisionError)


def test_an_error_after_progress_is_delivered(qtbot: QtBot) -> None:
    runner = TaskRunner()
    reports: list[tuple[int, int]] = []
    errors: list[BaseException] = []

    def work(report: Progress) -> None:
        report(1, 2)
        raise ValueError("half way")

    runner.run(work, on_error=errors.append, on_progress=lambda d, t: reports.append((d, t)))
    qtbot.waitUntil(lambda: bool(errors))
    assert reports == [(1, 2)]
    assert str(errors[0]) == "half way"


def test_the_synchronous_runner_reports_progress_directly() -> None:
    runner = SyncTaskRunner()
    reports: list[tuple[int, int]] = []
    results: list[Any] = []

    def work(report: Progress) -> str:
        report(5, 10)
        assert reports == [(5, 10)]  # already delivered: no event loop in between
        return "ok"

    runner.run(work, on_done=results.append, on_progress=lambda d, t: reports.append((d, t)))
    runner.run(lambda: "plain", on_done=results.append)
    assert results == ["ok", "plain"]


def test_thousands_of_real_background_tasks_all_deliver(qtbot: QtBot) -> None:
    """Search-as-you-type runs a task per pause in typing; the runner must survive a long day of them."""
    runner = TaskRunner()
    results: list[int] = []
    for number in range(2000):
        runner.run(lambda number=number: number, results.append)
    qtbot.waitUntil(lambda: len(results) == 2000, timeout=20000)
    assert sorted(results) == list(range(2000))


def test_reading_none_out_of_qt_does_not_lose_a_reference(qtbot: QtBot) -> None:
    """PySide6 6.12.0 dropped a reference to None on each read and the process aborted; 6.11 is pinned."""
    import sys

    from PySide6.QtWidgets import QComboBox

    combo = QComboBox()
    qtbot.addWidget(combo)
    combo.addItem("Everyone", None)
    before = sys.getrefcount(None)
    for _ in range(2000):
        combo.currentData()
    assert sys.getrefcount(None) >= before
