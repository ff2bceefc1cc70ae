"""The operating system's keyring, chosen explicitly.

keyring normally finds its backends through package entry points, which a frozen (PyInstaller) build does not
carry: there it silently falls back to the "fail" backend and every secret is refused. So each OS's backend module is
imported here by name and the first one that works on this machine is used: Windows Credential Manager, the macOS
Keychain, the Secret Service (GNOME Keyring, KeePassXC) or KWallet on Linux. ``PYTHON_KEYRING_BACKEND`` (keyring's own
setting) still wins when it is set.

hartdesk's code asks :func:`backend` for the keyring, never the ``keyring`` module's global functions, so that tests
can put an in-memory keyring in with :func:`use`.
"""

from __future__ import annotations

import os
import sys
import threading

import keyring
import keyring.backend
import keyring.backends.fail
import keyring.backends.kwallet
import keyring.backends.macOS
import keyring.backends.SecretService
import keyring.backends.Windows
import keyring.errors

Backend = keyring.backend.KeyringBackend
MAX_SECRET_CHARS = 1000  # Windows Credential Manager's limit, so the same everywhere

_lock = threading.Lock()
_chosen: Backend | None = None


def service_name(register_id: str) -> str:
    """The keyring service every secret of one register is kept under."""
    return f"hartdesk:{register_id}"


def candidates(platform: str = sys.platform) -> list[type[Backend]]:
    """The backends to try on ``platform``, best first."""
    if platform == "win32":
        return [keyring.backends.Windows.WinVaultKeyring]
    if platform == "darwin":
        return [keyring.backends.macOS.Keyring]
    return [keyring.backends.SecretService.Keyring, keyring.backends.kwallet.DBusKeyring]


def choose(platform: str = sys.platform) -> Backend:
    """The first backend that works here; the "fail" backend when none does (e.g. a headless Linux session)."""
    for cls in candidates(platform):
        try:
            cls.priority  # noqa: B018 -- raises when the backend cannot work on this machine
        except Exception:  # each backend reports "not here" its own way (RuntimeError, ImportError...)
            continue
        return cls()
    return keyring.backends.fail.Keyring()


def backend() -> Backend:
    """The keyring this process uses (chosen on first use: looking for the Secret Service costs a D-Bus call)."""
    global _chosen
    with _lock:
        if _chosen is None:
            _chosen = keyring.get_keyring() if os.environ.get("PYTHON_KEYRING_BACKEND") else choose()
        return _chosen


def use(chosen: Backend | None) -> None:
    """Use ``chosen`` from now on (None: choose again on next use). For tests and the command line's set-up."""
    global _chosen
    with _lock:
        _chosen = chosen


def is_missing(chosen: Backend) -> bool:
    """True when ``chosen`` can keep nothing (the "fail" backend, or a chainer with no backend in it)."""
    if isinstance(chosen, keyring.backends.fail.Keyring):
        return True
    chained = getattr(chosen, "backends", None)
    return isinstance(chained, list) and not chained


def describe(exc: BaseException | None = None) -> str:
    """Why the keyring cannot be used (``exc``: what it raised; None: there is none), in words a clerk can act on."""
    if isinstance(exc, keyring.errors.KeyringLocked):
        return (
            "The system keyring is locked and was not unlocked. Unlock it (it asks for your computer password) "
            "and try again."
        )
    if exc is None or isinstance(exc, keyring.errors.NoKeyringError):
        return (
            "This computer has no system keyring that hartdesk can use. On Windows and macOS it is built in; on "
            "Linux install and start GNOME Keyring or KWallet (a desktop session starts it), then restart hartdesk."
        )
    return "The system keyring did not answer. Unlock it or restart your session, then try again."
