"""Secrets on the clipboard: marked so that clipboard managers and histories leave them out, and taken off again.

A password copied from the vault (or a PDF's password from the document dialog) goes on the clipboard with the
"sensitive" hints of DESIGN.md, and comes off again after a while (15 seconds for the vault, a minute for a PDF's
password) if the clipboard still holds it, and at once when hartdesk locks or quits. Only the last secret copied is
looked after: copying another replaces it, and anything else copied meanwhile (by hartdesk or another program) is
never cleared.

Time is read from an injectable clock and checked by a timer ticking a few times a second, so tests move the clock
on instead of sleeping, and a computer waking from sleep clears a secret that is overdue at once.
"""

from __future__ import annotations

import atexit
import struct
import sys
import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QByteArray, QCoreApplication, QMimeData, QObject, QTimer, Signal, Slot
from PySide6.QtGui import QGuiApplication

Clock = Callable[[], float]

VAULT_CLEAR_SECONDS = 15  # a password copied from the vault (DESIGN.md, "Credentials vault")
DOCUMENT_CLEAR_SECONDS = 60  # a PDF's password copied to read out or paste into an email to oneself
TICK_MS = 250  # how often the clock is looked at while a secret is on the clipboard

# --- the hints, per platform --------------------------------------------------------------------------------------
#
# Linux (X11 and Wayland): KDE's Klipper, CopyQ and other clipboard managers skip a copy offering the target
# "x-kde-passwordManagerHint" with the value "secret" (what KeePassXC's src/gui/Clipboard.cpp sets).
#
# Windows: Qt names a clipboard format registered under its own name (RegisterClipboardFormat) by the MIME type
# 'application/x-qt-windows-mime;value="<name>"' (QMimeData's documentation; qtbase
# src/plugins/platforms/windows/qwindowsmimeregistry.cpp, QWindowsMimeRegistry::registerMimeType strips that
# prefix, and QLastResortMimes reports foreign formats back under it). Microsoft's "Clipboard formats" page (Cloud
# clipboard and clipboard history formats) names ExcludeClipboardContentFromMonitorProcessing (any data: monitors and
# history leave the copy out), CanIncludeInClipboardHistory and CanUploadToCloudClipboard (a DWORD 0: not in the
# Win+V history, not synced). "Clipboard Viewer Ignore" is the older convention Ditto and CopyQ honour (CopyQ's
# src/platform/win/winplatformclipboard.cpp checks all four under these exact names).
#
# macOS: nspasteboard.org's marker is the pasteboard type (UTI) "org.nspasteboard.ConcealedType". Qt on its own
# would publish a MIME type it does not know as "com.trolltech.anymime.<mime>" (qtbase's QMacPasteboardMimeAny),
# which no clipboard manager reads, so KeePassXC registers a converter from "application/x-nspasteboard-concealed-type"
# to that UTI (src/gui/osutils/macutils/MacPasteboard.cpp). :func:`_install_mac_converter` does the same with Qt 6's
# public QUtiMimeConverter where PySide6 offers it. (Not tried on a Mac here: the tests run on Linux.)

KDE_HINT = "x-kde-passwordManagerHint"
MAC_CONCEALED_MIME = "application/x-nspasteboard-concealed-type"
MAC_CONCEALED_UTI = "org.nspasteboard.ConcealedType"
_DWORD_0 = struct.pack("<I", 0)


def windows_format(name: str) -> str:
    """The MIME type under which Qt puts ``name`` on the Windows clipboard as a clipboard format of that name."""
    return f'application/x-qt-windows-mime;value="{name}"'


def sensitive_formats(platform: str = sys.platform) -> dict[str, bytes]:
    """The formats that mark a copy as a secret on ``platform`` (``sys.platform``), with their data."""
    if platform == "win32":
        return {
            windows_format("ExcludeClipboardContentFromMonitorProcessing"): _DWORD_0,
            windows_format("CanIncludeInClipboardHistory"): _DWORD_0,
            windows_format("CanUploadToCloudClipboard"): _DWORD_0,
            windows_format("Clipboard Viewer Ignore"): _DWORD_0,
        }
    if platform == "darwin":
        return {MAC_CONCEALED_MIME: b"secret"}
    return {KDE_HINT: b"secret"}


def secret_mime(text: str, platform: str = sys.platform) -> QMimeData:
    """``text`` as clipboard data carrying the hints of ``platform``."""
    data = QMimeData()
    data.setText(text)
    for name, value in sensitive_formats(platform).items():
        data.setData(name, QByteArray(value))
    return data


_mac_converter: object | None = None


def _install_mac_converter() -> None:
    """Map the concealed-type MIME type to nspasteboard.org's UTI (once, on macOS, after the application exists)."""
    global _mac_converter
    if sys.platform != "darwin" or _mac_converter is not None:
        return
    from PySide6 import QtGui

    base = getattr(QtGui, "QUtiMimeConverter", None)
    if base is None:  # an older PySide6: the copy is still made, only unmarked for macOS clipboard managers
        return

    class ConcealedTypeConverter(base):  # type: ignore[misc, valid-type]
        def utiForMime(self, mime: str) -> str:
            return MAC_CONCEALED_UTI if mime == MAC_CONCEALED_MIME else ""

        def mimeForUti(self, uti: str) -> str:
            return MAC_CONCEALED_MIME if uti == MAC_CONCEALED_UTI else ""

        def convertFromMime(self, mime: str, data: object, uti: str) -> list[QByteArray]:
            if isinstance(data, QByteArray):
                return [data]
            return [QByteArray(data if isinstance(data, bytes) else str(data).encode())]

        def convertToMime(self, mime: str, data: list[QByteArray], uti: str) -> QByteArray:
            return data[0] if data else QByteArray()

    _mac_converter = ConcealedTypeConverter()  # registers itself; kept so that Python does not collect it


# --- the one secret on the clipboard ------------------------------------------------------------------------------


class SecretClipboard(QObject):
    """The secret hartdesk last put on the clipboard, and when it comes off. ``cleared`` says it was taken off."""

    cleared = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        QObject.__init__(self, parent)
        self._text: str | None = None
        self._deadline = 0.0
        self._clock: Clock = time.time
        self.timer = QTimer(self)
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._on_timer_timeout)

    def copy(self, text: str, seconds: float, clock: Clock = time.time) -> None:
        """Put ``text`` on the clipboard as a secret, to come off ``seconds`` later (on ``clock``) if still there."""
        _install_mac_converter()
        self._text = text
        self._clock = clock
        self._deadline = clock() + seconds
        QGuiApplication.clipboard().setMimeData(secret_mime(text))
        self.timer.start()

    def holds_secret(self) -> bool:
        """Whether the clipboard still holds the secret copied last."""
        return self._text is not None and QGuiApplication.clipboard().text() == self._text

    def seconds_left(self) -> int:
        """Whole seconds until the secret comes off (0 when there is none)."""
        if not self.holds_secret():
            return 0
        return max(0, int(self._deadline - self._clock() + 0.999))

    def forget(self) -> None:
        """Take the secret off the clipboard now if it is still there (the app locks or quits); else just let go."""
        text, self._text = self._text, None
        self.timer.stop()
        if text is None:
            return
        clipboard = QGuiApplication.clipboard()
        if clipboard.text() == text:
            clipboard.clear()
            self.cleared.emit()

    @Slot()
    def _on_timer_timeout(self) -> None:
        if not self.holds_secret():  # something else was copied meanwhile: it stays
            self._text = None
            self.timer.stop()
        elif self._clock() >= self._deadline:
            self.forget()


_guard: SecretClipboard | None = None


def guard() -> SecretClipboard:
    """The application's :class:`SecretClipboard` (made on first use; the secret also comes off when it quits)."""
    global _guard
    if _guard is None or not shiboken6.isValid(_guard):
        app = QCoreApplication.instance()
        _guard = SecretClipboard(app)
        if app is not None:
            app.aboutToQuit.connect(_guard.forget)
    return _guard


def copy_secret(text: str, seconds: float, clock: Clock = time.time) -> None:
    """Put ``text`` on the clipboard marked as a secret; it comes off after ``seconds`` if still there."""
    guard().copy(text, seconds, clock)


def forget_secret() -> None:
    """Take a secret hartdesk copied off the clipboard now, if it is still there (locking, quitting)."""
    if _guard is not None and shiboken6.isValid(_guard):
        _guard.forget()


@atexit.register
def _forget_at_exit() -> None:
    # PySide6 crashes on the way out if the clipboard still owns mime data made in Python, and the secret must not
    # outlive hartdesk anyway.
    if QCoreApplication.instance() is not None:
        forget_secret()
