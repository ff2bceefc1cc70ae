"""Choosing the operating system's keyring explicitly (so a frozen build never silently falls back to "fail")."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from typing import ClassVar

import keyring.backend
import keyring.backends.chainer
import keyring.backends.fail
import keyring.backends.kwallet
import keyring.backends.macOS
import keyring.backends.SecretService
import keyring.backends.Windows
import keyring.errors
import pytest
from keyring.compat import properties

from hartdesk.security import keyrings
from tests.keyrings import MemoryKeyring

OS_BACKEND_MODULES = (
    "keyring.backends.Windows",
    "keyring.backends.macOS",
    "keyring.backends.SecretService",
    "keyring.backends.kwallet",
)

Available = Callable[[type[keyring.backend.KeyringBackend], bool], None]


@pytest.fixture
def available() -> Iterator[Available]:
    """``available(cls, yes)``: make a backend work here (priority 5), or fail the way backends do."""
    saved: dict[type[keyring.backend.KeyringBackend], object] = {}

    def refuse(cls: type) -> float:
        raise RuntimeError("not on this machine")

    def set_available(cls: type[keyring.backend.KeyringBackend], yes: bool) -> None:
        saved.setdefault(cls, cls.__dict__["priority"])
        cls.priority = 5 if yes else properties.classproperty(refuse)  # type: ignore[assignment]

    yield set_available
    for cls, priority in saved.items():
        cls.priority = priority  # type: ignore[assignment]


@pytest.fixture
def no_session_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    """A headless Linux session: no D-Bus session bus, no keyring chosen by environment variable."""
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)


def test_a_headless_linux_session_gets_the_fail_backend_and_a_clear_message(no_session_bus: None) -> None:
    from hartdesk.security.vault import keyring_problem

    chosen = keyrings.choose("linux")
    assert isinstance(chosen, keyring.backends.fail.Keyring)
    assert keyrings.is_missing(chosen)
    keyrings.use(None)  # as on a fresh start of hartdesk
    assert isinstance(keyrings.backend(), keyring.backends.fail.Keyring)
    assert keyring_problem() == (
        "This computer has no system keyring that hartdesk can use. On Windows and macOS it is built in; on Linux "
        "install and start GNOME Keyring or KWallet (a desktop session starts it), then restart hartdesk."
    )


def test_each_platform_tries_its_own_keyring_first() -> None:
    assert keyrings.candidates("win32") == [keyring.backends.Windows.WinVaultKeyring]
    assert keyrings.candidates("darwin") == [keyring.backends.macOS.Keyring]
    assert keyrings.candidates("linux") == [
        keyring.backends.SecretService.Keyring,
        keyring.backends.kwallet.DBusKeyring,
    ]


def test_windows_and_macos_get_their_own_backend(available: Available) -> None:
    available(keyring.backends.Windows.WinVaultKeyring, True)
    available(keyring.backends.macOS.Keyring, True)
    assert type(keyrings.choose("win32")) is keyring.backends.Windows.WinVaultKeyring
    assert type(keyrings.choose("darwin")) is keyring.backends.macOS.Keyring
    # Where the OS's own keyring does not work, nothing else is tried: hartdesk says so instead.
    available(keyring.backends.Windows.WinVaultKeyring, False)
    assert type(keyrings.choose("win32")) is keyring.backends.fail.Keyring


def test_linux_prefers_the_secret_service_then_kwallet(available: Available) -> None:
    available(keyring.backends.SecretService.Keyring, True)
    available(keyring.backends.kwallet.DBusKeyring, True)
    assert type(keyrings.choose("linux")) is keyring.backends.SecretService.Keyring
    available(keyring.backends.SecretService.Keyring, False)
    assert type(keyrings.choose("linux")) is keyring.backends.kwallet.DBusKeyring
    available(keyring.backends.kwallet.DBusKeyring, False)
    assert type(keyrings.choose("linux")) is keyring.backends.fail.Keyring


def test_the_choice_does_not_need_keyrings_entry_points(available: Available, monkeypatch: pytest.MonkeyPatch) -> None:
    """A frozen build has no package metadata: keyring's own discovery would find nothing there."""

    def no_discovery(*args: object, **kwargs: object) -> list[object]:
        raise AssertionError("keyring's entry-point discovery was used")

    monkeypatch.setattr(keyring.backend, "get_all_keyring", no_discovery)
    monkeypatch.delenv("PYTHON_KEYRING_BACKEND", raising=False)
    available(keyring.backends.SecretService.Keyring, True)
    keyrings.use(None)
    assert type(keyrings.backend()) is keyring.backends.SecretService.Keyring
    assert keyrings.backend() is keyrings.backend()  # chosen once


def test_every_os_backend_module_is_imported_by_name() -> None:
    """PyInstaller bundles what is imported; keyring itself finds its backends through entry points only."""
    code = (
        "import sys, keyring\n"
        f"wanted = {OS_BACKEND_MODULES!r}\n"
        "before = [m for m in wanted if m in sys.modules]\n"
        "import hartdesk.security.keyrings\n"
        "print(before, [m for m in wanted if m not in sys.modules])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[] []"  # none came with keyring itself; every one came with hartdesk


def test_pythons_keyring_setting_still_wins() -> None:
    code = "from hartdesk.security import keyrings; print(type(keyrings.backend()).__module__)"
    env = os.environ | {"PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env).stdout
    assert out.strip() == "keyring.backends.null"


def test_what_counts_as_missing() -> None:
    assert keyrings.is_missing(keyring.backends.fail.Keyring())

    class EmptyChain(keyring.backends.chainer.ChainerBackend):
        backends: ClassVar[list[object]] = []  # keyring's chainer on a machine with no keyring at all

    assert keyrings.is_missing(EmptyChain())
    assert not keyrings.is_missing(MemoryKeyring())


def test_messages_a_clerk_can_act_on() -> None:
    assert "locked and was not unlocked" in keyrings.describe(keyring.errors.KeyringLocked("x"))
    assert "no system keyring" in keyrings.describe(keyring.errors.NoKeyringError("x"))
    assert "no system keyring" in keyrings.describe()
    assert "did not answer" in keyrings.describe(keyring.errors.InitError("x"))


def test_one_service_per_register_and_the_windows_limit() -> None:
    assert keyrings.service_name("0f8e2c1a-0000-4000-8000-000000000001") == (
        "hartdesk:0f8e2c1a-0000-4000-8000-000000000001"
    )
    assert keyrings.MAX_SECRET_CHARS == 1000
