"""A register folder: ``register.db`` (SQLCipher 4), ``keys.json`` (key slots) and a lock file.

:func:`create` makes a new one; :func:`open_with_key` opens one once a slot has given up the data key. Opening
never writes anything until the key has been proved against the file.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from hartdesk.errors import (
    BackupError,
    NotARegisterError,
    RegisterDamagedError,
    RegisterExistsError,
    RegisterInUseError,
)
from hartdesk.security.keyslots import KeyFile, new_data_key, new_recovery_key
from hartdesk.storage import database, migrate

if TYPE_CHECKING:
    from filelock import BaseFileLock

log = logging.getLogger(__name__)

REGISTER_DB = "register.db"
KEYS_JSON = "keys.json"
PENDING_KEYS_JSON = "keys.json.pending"
LOCK_FILE = ".hartdesk.lock"

_open_in_this_process: set[Path] = set()


def looks_like_register(path: Path) -> bool:
    return (path / KEYS_JSON).is_file() and (path / REGISTER_DB).is_file()


def load_keyfile(path: Path) -> KeyFile:
    """Read keys.json, with a clear message when the folder is not a register."""
    if not path.is_dir():
        raise NotARegisterError(f"There is no hartdesk register at {path}.")
    if not looks_like_register(path):
        raise NotARegisterError(f"The folder {path} is not a hartdesk register (register.db or keys.json is missing).")
    return KeyFile.load(path / KEYS_JSON)


class OpenRegister:
    """An unlocked register: the engine, a session factory and the key. Close it to drop the key."""

    def __init__(self, path: Path, keyfile: KeyFile, data_key: bytes, lock: BaseFileLock) -> None:
        self.path = path
        self.keyfile = keyfile
        self._lock = lock
        self._use_key(data_key)

    def _use_key(self, data_key: bytes) -> None:
        self._data_key = data_key
        self.engine: Engine = database.make_engine(self.path / REGISTER_DB, data_key)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def register_id(self) -> str:
        return self.keyfile.register_id

    @property
    def data_key(self) -> bytes:
        if not self._data_key:
            raise RegisterDamagedError("The register is locked.")
        return self._data_key

    @property
    def is_open(self) -> bool:
        return bool(self._data_key)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A session in one transaction: committed if the block succeeds, rolled back otherwise."""
        with self._sessions() as session, session.begin():
            yield session

    def set_staff_secret(self, username: str, password: str) -> None:
        """Give ``username`` a new key slot for ``password`` (replacing any old one) and save keys.json."""
        self.keyfile.add_slot(password, self.data_key, username=username)
        self.keyfile.save(self.path / KEYS_JSON)

    def rekey(self) -> None:
        """Give the database a new data key and seal it to every remaining slot.

        The new key file is written first as keys.json.pending; if hartdesk stops between the re-key and the
        rename, the next sign-in finds the pending file and finishes the job.
        """
        new_key = new_data_key()
        self.keyfile.reseal_all(new_key)
        pending = self.path / PENDING_KEYS_JSON
        self.keyfile.save(pending)
        self.engine.dispose()
        conn = database.connect(self.path / REGISTER_DB, self._data_key)
        try:
            conn.execute(f"PRAGMA rekey = \"x'{new_key.hex()}'\"")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        os.replace(pending, self.path / KEYS_JSON)
        self._use_key(new_key)

    def compact(self) -> bool:
        """Rewrite the file without its free pages and empty the WAL into it, so nothing deleted is left in either
        (VACUUM cannot run inside a transaction, so this takes a connection of its own). False when a reader kept
        the WAL from being emptied (past the busy timeout)."""
        conn = self.engine.raw_connection()
        try:
            conn.execute("VACUUM")
            busy, _, _ = conn.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
        finally:
            conn.close()
        return not busy

    def close(self) -> None:
        """Dispose the engine, drop the key and release the lock."""
        if self._data_key:
            self.engine.dispose()
            self._data_key = b""
        _open_in_this_process.discard(self.path.resolve())
        self._lock.release()


def _acquire_lock(path: Path) -> BaseFileLock:
    from filelock import FileLock, Timeout

    resolved = path.resolve()
    if resolved in _open_in_this_process:
        raise RegisterInUseError("This register is already open in this hartdesk window.")
    lock = FileLock(str(path / LOCK_FILE), timeout=0, is_singleton=False)
    try:
        lock.acquire()
    except Timeout as exc:
        raise RegisterInUseError(
            "This register is already open in another hartdesk window on this computer. Close that window first."
        ) from exc
    _open_in_this_process.add(resolved)
    return lock


def open_with_key(path: Path, candidates: list[tuple[KeyFile, bytes]]) -> OpenRegister:
    """Open a register once a slot has given up its data key.

    ``candidates`` is the key from keys.json and, if a re-key was interrupted, the key from keys.json.pending
    (unlocked with the same secret); whichever opens the file wins and the other file is tidied away. A register
    at an older schema revision is backed up, then migrated.
    """
    db_path = path / REGISTER_DB
    lock = _acquire_lock(path)
    try:
        keyfile, data_key = _first_key_that_opens(db_path, candidates)
        pending = path / PENDING_KEYS_JSON
        if pending.exists():
            if keyfile is candidates[0][0]:
                pending.unlink()
            else:
                os.replace(pending, path / KEYS_JSON)
        reg = OpenRegister(path, keyfile, data_key, lock)
    except BaseException:
        _open_in_this_process.discard(path.resolve())
        lock.release()
        raise

    def take_backup(revision: str | None) -> None:
        from hartdesk.storage import backup

        if backup.snapshot(reg, reason=f"before-migration-from-{revision}") is None:
            raise BackupError(
                "hartdesk could not back up the register before updating it, so it was not updated. "
                "Check there is free disk space and try again."
            )

    try:
        migrate.upgrade(reg.engine, take_backup)
    except BaseException:
        reg.close()
        raise
    return reg


def _first_key_that_opens(db_path: Path, candidates: list[tuple[KeyFile, bytes]]) -> tuple[KeyFile, bytes]:
    error: RegisterDamagedError | None = None
    for keyfile, data_key in candidates:
        try:
            database.check_readable(db_path, data_key)
            return keyfile, data_key
        except RegisterDamagedError as exc:
            error = error or exc
    assert error is not None
    raise error


def discard_register_files(path: Path) -> None:
    """Remove what a failed create or restore wrote into ``path`` (the folder itself stays)."""
    for name in (REGISTER_DB, f"{REGISTER_DB}-wal", f"{REGISTER_DB}-shm", KEYS_JSON, PENDING_KEYS_JSON, LOCK_FILE):
        (path / name).unlink(missing_ok=True)


@dataclass(frozen=True)
class CreatedRegister:
    path: Path
    register_id: str
    recovery_key: str
    created_at: datetime


def create(
    path: Path, admin_username: str, admin_display_name: str, admin_password: str
) -> tuple[CreatedRegister, OpenRegister]:
    """Create a new register folder with its first admin; returns it open, signed in as nobody yet."""
    from hartdesk.models import Role, StaffMember
    from hartdesk.models.base import utcnow
    from hartdesk.security import audit

    if path.exists() and any(path.iterdir()):
        raise RegisterExistsError(f"The folder {path} is not empty; choose a new folder for the register.")
    path.mkdir(parents=True, exist_ok=True)
    created_at = datetime.now(UTC)
    data_key = new_data_key()
    recovery_key = new_recovery_key()
    keyfile = KeyFile.new(created_at.isoformat(timespec="seconds"))
    keyfile.add_slot(admin_password, data_key, username=admin_username)
    keyfile.add_slot(recovery_key, data_key)
    try:
        conn = database.connect(path / REGISTER_DB, data_key)
        conn.execute("CREATE TABLE _hartdesk_init (x TEXT)")  # writes the encrypted header
        conn.execute("DROP TABLE _hartdesk_init")
        conn.close()
        keyfile.save(path / KEYS_JSON)
        (path / LOCK_FILE).touch()
        reg = open_with_key(path, [(keyfile, data_key)])
    except BaseException:
        discard_register_files(path)
        raise
    with reg.session() as session:
        session.add(
            StaffMember(
                username=admin_username,
                display_name=admin_display_name or admin_username,
                role=Role.ADMIN,
                active=True,
                created_at=utcnow(),
                must_change_password=False,
                totp_confirmed=False,
            )
        )
        audit.record(session, admin_username, "register.created", f"register:{keyfile.register_id}")
    log.info("created register %s", keyfile.register_id)
    return CreatedRegister(path, keyfile.register_id, recovery_key, created_at), reg
