"""Secrets on the clipboard: the hints each platform's clipboard managers read, and the secret taken off on time, when
hartdesk locks or quits, but never something copied after it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication

from hartdesk.ui import clipboard
from tests.totp import FakeClock

DWORD_0 = b"\x00\x00\x00\x00"


@pytest.fixture(autouse=True)
def clean_clipboard(qapp: Any) -> Iterator[None]:
    yield
    clipboard.forget_secret()
    QGuiApplication.clipboard().clear()


@pytest.mark.parametrize(
    ("platform", "hints"),
    [
        ("linux", {"x-kde-passwordManagerHint": b"secret"}),
        ("darwin", {"application/x-nspasteboard-concealed-type": b"secret"}),
        (
            "win32",
            {
                'application/x-qt-windows-mime;value="ExcludeClipboardContentFromMonitorProcessing"': DWORD_0,
                'application/x-qt-windows-mime;value="CanIncludeInClipboardHistory"': DWORD_0,
                'application/x-qt-windows-mime;value="CanUploadToCloudClipboard"': DWORD_0,
                'application/x-qt-windows-mime;value="Clipboard Viewer Ignore"': DWORD_0,
            },
        ),
    ],
)
def test_each_platform_gets_the_hints_its_clipboard_managers_read(platform: str, hints: dict[str, bytes]) -> None:
    data = clipboard.secret_mime("K7QX-M3TA", platform)
    assert data.text() == "K7QX-M3TA"
    assert sorted(data.formats()) == sorted(["text/plain", *hints])
    for name, value in hints.items():
        assert bytes(data.data(name).data()) == value, name


def test_a_secret_comes_off_after_its_time_and_on_lock() -> None:
    clock = FakeClock()
    board = QGuiApplication.clipboard()
    clipboard.copy_secret("first", clipboard.DOCUMENT_CLEAR_SECONDS, clock)
    guard = clipboard.guard()
    assert guard.holds_secret() and guard.seconds_left() == 60
    clock.now += 59.5
    guard.timer.timeout.emit()
    assert board.text() == "first" and guard.seconds_left() == 1
    clock.now += 0.5
    guard.timer.timeout.emit()
    assert board.text() == "" and not guard.timer.isActive()

    clipboard.copy_secret("second", clipboard.VAULT_CLEAR_SECONDS, clock)
    cleared: list[bool] = []
    guard.cleared.connect(lambda: cleared.append(True))
    clipboard.forget_secret()  # what locking does
    assert board.text() == "" and cleared == [True]


def test_something_else_copied_is_left_alone() -> None:
    clock = FakeClock()
    board = QGuiApplication.clipboard()
    clipboard.copy_secret("secret", clipboard.VAULT_CLEAR_SECONDS, clock)
    board.setText("a domain name")
    clock.now += 60
    clipboard.guard().timer.timeout.emit()
    clipboard.forget_secret()
    assert board.text() == "a domain name"
