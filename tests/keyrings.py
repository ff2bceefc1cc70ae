"""An in-memory keyring for the tests: no test ever touches the computer's own keyring (see tests/conftest.py)."""

from __future__ import annotations

import keyring.backend
import keyring.errors


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps its secrets in ``secrets`` (never in the computer's own keyring)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.secrets: dict[tuple[str, str], str] = {}
        self.locked = False  # True: like a keyring the person refused to unlock

    def _check(self) -> None:
        if self.locked:
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")

    def get_password(self, service: str, username: str) -> str | None:
        self._check()
        return self.secrets.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._check()
        self.secrets[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self._check()
        if self.secrets.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
