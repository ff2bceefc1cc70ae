"""UI test fixtures: windows shown as a clerk sees them, on a copy of the test register whose tasks run at once.

An unexpected error fails the test instead of opening a modal crash dialog.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pytest
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from hartdesk.ui.context import AppContext
from hartdesk.ui.main_window import MainWindow
from hartdesk.ui.screens.base import Screen
from hartdesk.ui.tasks import SyncTaskRunner
from tests.ui.helpers import OpenMainWindow, OpenScreen, Show

if TYPE_CHECKING:
    from hartdesk.security.signin import SignedIn

W = TypeVar("W", bound=QWidget)
S = TypeVar("S", bound=Screen)


@pytest.fixture(autouse=True)
def unexpected_errors_fail_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    import hartdesk.ui.crash as crash

    def reraise(exc: BaseException, parent: object = None) -> None:
        raise exc

    monkeypatch.setattr(crash, "report_unexpected", reraise)


@pytest.fixture
def ctx(register_dir: Path) -> AppContext:
    """The test register's context before anyone signs in; tasks run at once, on the test's thread."""
    return AppContext(register_dir=register_dir, tasks=SyncTaskRunner())


@pytest.fixture
def admin_ctx(ctx: AppContext, signed_in_admin: SignedIn) -> AppContext:
    """``ctx`` with the administrator (alice) signed in."""
    ctx.signed_in = signed_in_admin
    return ctx


@pytest.fixture
def show(qtbot: QtBot) -> Show:
    """``show(widget, size=None)``: the widget on screen at ``size`` (width, height), closed after the test."""

    def show(widget: W, size: tuple[int, int] | None = None) -> W:
        qtbot.addWidget(widget)
        if size is not None:
            widget.resize(*size)
        widget.show()
        qtbot.waitExposed(widget)
        return widget

    return show


@pytest.fixture
def open_screen(show: Show, admin_ctx: AppContext) -> OpenScreen:
    """``open_screen(ScreenClass, size, who=None)``: the screen shown and loaded for the administrator (or ``who``)."""

    def open_screen(cls: type[S], size: tuple[int, int], who: SignedIn | None = None) -> S:
        screen = cls(admin_ctx if who is None else replace(admin_ctx, signed_in=who))
        show(screen, size)
        screen.refresh()
        return screen

    return open_screen


@pytest.fixture
def open_main_window(show: Show) -> Iterator[OpenMainWindow]:
    """``open_main_window(ctx)``: the main window of ``ctx`` shown. After the test its sign-in dialog is closed and
    whoever is signed in is locked out before the window closes (so closing it makes no backup)."""
    windows: list[MainWindow] = []

    def open_main_window(ctx: AppContext) -> MainWindow:
        window = show(MainWindow(ctx))
        windows.append(window)
        return window

    yield open_main_window
    for window in windows:
        if window.signin_dialog is not None:
            window.signin_dialog.reject()
        who, window.ctx.signed_in = window.ctx.signed_in, None
        if who is not None:
            who.lock()
