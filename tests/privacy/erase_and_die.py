"""An erasure killed half-way: run by tests/privacy/test_erasure.py in a subprocess, never by pytest itself.

    python -m tests.privacy.erase_and_die REGISTER_DIR CLIENT_REF REQUEST_REF TODAY (in-transaction | after-commit)

signs in as the test admin, makes the erasure plan and carries it out with one step replaced by SIGKILL — the
harshest stop there is, with no exception handler, ``finally`` or ``atexit`` run:

- ``in-transaction``: the search row's removal, in the middle of the erasure's one transaction;
- ``after-commit``: the wipe of the freed space, right after the transaction committed and before the keyring
  deletions queued in it are carried out.

Reaching the end means the kill never happened: the script then exits with :data:`NOT_KILLED`.

The keyring is :class:`FileKeyring` (``PYTHON_KEYRING_BACKEND=tests.privacy.erase_and_die.FileKeyring``, the file
named by ``HARTDESK_TEST_KEYRING_FILE``), so the test and this process see the same secrets.
"""

from __future__ import annotations

import json
import os
import signal
import sys
from datetime import date
from pathlib import Path
from typing import Any, NoReturn

import keyring.backend
import keyring.errors

KEYRING_FILE_VARIABLE = "HARTDESK_TEST_KEYRING_FILE"
BACKEND = "tests.privacy.erase_and_die.FileKeyring"
IN_TRANSACTION = "in-transaction"
AFTER_COMMIT = "after-commit"
NOT_KILLED = 3


class FileKeyring(keyring.backend.KeyringBackend):
    """A keyring in a JSON file, so two processes share it (a test only: the secrets are in plain text)."""

    priority = 1

    def __init__(self, path: Path | None = None) -> None:
        super().__init__()
        self.path = Path(path or os.environ[KEYRING_FILE_VARIABLE])
        self.locked = False  # True: like a keyring the person refused to unlock

    def _read(self) -> dict[str, str]:
        if self.locked:
            raise keyring.errors.KeyringLocked("Failed to unlock the collection!")
        if not self.path.exists():
            return {}
        found: dict[str, str] = json.loads(self.path.read_text(encoding="utf-8"))
        return found

    def _write(self, secrets: dict[str, str]) -> None:
        temporary = self.path.with_suffix(".tmp")
        temporary.write_text(json.dumps(secrets, sort_keys=True), encoding="utf-8")
        os.replace(temporary, self.path)

    @staticmethod
    def _key(service: str, username: str) -> str:
        return f"{service}\x1f{username}"

    @property
    def secrets(self) -> dict[tuple[str, str], str]:
        """Everything in the file, keyed (service, username) as the in-memory keyring of tests/keyrings.py is."""
        return {tuple(k.split("\x1f", 1)): v for k, v in self._read().items()}  # type: ignore[misc]

    def get_password(self, service: str, username: str) -> str | None:
        return self._read().get(self._key(service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        secrets = self._read()
        secrets[self._key(service, username)] = password
        self._write(secrets)

    def delete_password(self, service: str, username: str) -> None:
        secrets = self._read()
        if secrets.pop(self._key(service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("not found")
        self._write(secrets)


def _die(*_: Any, **__: Any) -> NoReturn:
    sys.stdout.flush()
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("still alive after SIGKILL")  # pragma: no cover


def main(argv: list[str]) -> int:
    register_dir, client_ref, request_ref, today_text, where = argv
    from hartdesk import settings as settings_mod
    from hartdesk.privacy import erasure
    from hartdesk.register import search
    from hartdesk.security import keyrings
    from hartdesk.security.signin import sign_in
    from tests.conftest import ADMIN, ADMIN_PASSWORD

    assert type(keyrings.backend()).__name__ == FileKeyring.__name__, "PYTHON_KEYRING_BACKEND is not the file one"
    today = date.fromisoformat(today_text)
    who = sign_in(Path(register_dir), ADMIN, ADMIN_PASSWORD)
    with who.register.session() as session:
        settings = settings_mod.load(session)
        plan = erasure.plan(session, client_ref, settings, today, request_ref=request_ref)
    assert plan.can_run, plan.blockers
    if where == IN_TRANSACTION:
        search.forget = _die
    elif where == AFTER_COMMIT:
        erasure.wipe_freed_space = _die
    else:
        raise SystemExit(f"unknown place to die: {where}")
    print("erasing", flush=True)
    erasure.erase(who.register, ADMIN, plan, settings, today)
    who.lock()
    return NOT_KILLED


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
