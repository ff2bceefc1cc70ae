"""Backups.

* A **backup file** (``hartdesk backup``) is a standalone SQLCipher 4 database keyed by its own backup password,
  holding the whole register plus a copy of keys.json. Restoring it on a fresh machine needs only that password:
  the restored register gets a new data key, sealed to the same slots, so everyone signs in as before.
* An **automatic snapshot** (on close, before a migration) is a copy of register.db under the register's own key,
  with the keys.json of that moment, in the backups folder outside the register. The newest 10 are kept, and none
  older than the ``backup_keep_days`` setting, so data erased from the register is gone from them too after that
  many days (the erasure confirmation letter says so).
"""

from __future__ import annotations

import errno
import json
import logging
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from hartdesk import BACKUP_SUFFIX, paths
from hartdesk.errors import BackupError, RegisterExistsError
from hartdesk.security.keyslots import KeyFile, new_data_key
from hartdesk.storage import database
from hartdesk.storage.register import KEYS_JSON, LOCK_FILE, REGISTER_DB, discard_register_files

if TYPE_CHECKING:
    from hartdesk.storage.register import OpenRegister

log = logging.getLogger(__name__)

BACKUP_TABLE = "hartdesk_backup"
BACKUP_FORMAT = "hartdesk-backup-1"
KEEP_SNAPSHOTS = 10


def _is_disk_full(exc: BaseException) -> bool:
    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return True
    text = str(exc).lower()
    return "disk is full" in text or "disk i/o error" in text or "no space" in text


def write_backup(reg: OpenRegister, out: Path, password: str) -> Path:
    """Write a password-protected backup of ``reg`` to ``out``; nothing is left behind if it fails."""
    if not password:
        raise BackupError("Choose a password for the backup.")
    out = out if out.suffix else out.with_suffix(BACKUP_SUFFIX)
    if out.exists():
        raise BackupError(f"{out} already exists. Choose another file name.")
    if not out.parent.is_dir():
        raise BackupError(f"The folder {out.parent} does not exist.")
    tmp = out.with_name(f".{out.name}.partial")
    tmp.unlink(missing_ok=True)
    conn = database.connect(reg.path / REGISTER_DB, reg.data_key)
    try:
        conn.execute("ATTACH DATABASE ? AS backup KEY ?", (str(tmp), password))
        conn.execute("SELECT sqlcipher_export('backup')")
        conn.execute(f"CREATE TABLE backup.{BACKUP_TABLE} (format TEXT, made_at TEXT, keys_json TEXT)")
        conn.execute(
            f"INSERT INTO backup.{BACKUP_TABLE} VALUES (?, ?, ?)",
            (
                BACKUP_FORMAT,
                datetime.now(UTC).isoformat(timespec="seconds"),
                json.dumps(reg.keyfile.to_json()),
            ),
        )
        conn.execute("DETACH DATABASE backup")
        conn.close()
        _check_backup_file(tmp, password)
        tmp.replace(out)
    except Exception as exc:
        conn.close()
        tmp.unlink(missing_ok=True)
        if _is_disk_full(exc):
            raise BackupError(
                f"There is not enough free space to write the backup to {out.parent}. "
                "Nothing was changed; free some space or choose another place."
            ) from exc
        if isinstance(exc, BackupError):
            raise
        raise BackupError(f"The backup could not be written to {out}: {_plain(exc)}") from exc
    log.info("backup written")
    return out


def _plain(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _check_backup_file(path: Path, password: str) -> None:
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path))
    try:
        _open_with_password(conn, password)
        if conn.execute("PRAGMA cipher_integrity_check").fetchall():
            raise BackupError("The backup did not verify after writing; it was not kept.")
    finally:
        conn.close()


def _open_with_password(conn: Any, password: str) -> None:
    """Key a connection with a passphrase (SQLCipher's own PBKDF2), quoting it safely."""
    quoted = password.replace("'", "''")
    conn.execute(f"PRAGMA key = '{quoted}'")
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.execute("SELECT count(*) FROM sqlite_master").fetchone()


def restore(backup_file: Path, password: str, register_dir: Path) -> str:
    """Restore a backup file into a new register folder; returns the register id."""
    import sqlcipher3.dbapi2 as sqlcipher

    if not backup_file.is_file():
        raise BackupError(f"There is no backup file at {backup_file}.")
    if register_dir.exists() and any(register_dir.iterdir()):
        raise RegisterExistsError(f"The folder {register_dir} is not empty; restore into a new folder.")
    probe = sqlcipher.connect(f"{backup_file.resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    try:
        _open_with_password(probe, password)
        row = probe.execute(f"SELECT format, keys_json FROM {BACKUP_TABLE}").fetchone()
    except sqlcipher.DatabaseError as exc:
        raise BackupError("The backup password is not correct, or the file is not a hartdesk backup.") from exc
    finally:
        probe.close()
    if row is None or row[0] != BACKUP_FORMAT:
        raise BackupError("This file is not a hartdesk backup, or it was made by a newer version of hartdesk.")
    keyfile = KeyFile.from_json_text(row[1])
    created_dir = not register_dir.exists()
    try:
        register_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BackupError(
            f"hartdesk cannot create or write to the folder {register_dir} ({exc.strerror or exc}). Choose another one."
        ) from exc
    data_key = new_data_key()
    try:
        conn = database.connect(register_dir / REGISTER_DB, data_key)
        conn.execute("ATTACH DATABASE ? AS src KEY ?", (str(backup_file), password))
        conn.execute("SELECT sqlcipher_export('main', 'src')")
        conn.execute("DETACH DATABASE src")
        conn.execute(f"DROP TABLE {BACKUP_TABLE}")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        keyfile.reseal_all(data_key)
        keyfile.save(register_dir / KEYS_JSON)
        (register_dir / LOCK_FILE).touch()
    except BaseException as exc:
        discard_register_files(register_dir)
        if created_dir:
            shutil.rmtree(register_dir, ignore_errors=True)
        if _is_disk_full(exc):
            raise BackupError(f"There is not enough free space in {register_dir} to restore the backup.") from exc
        raise
    log.info("backup restored")
    return keyfile.register_id


def snapshot(reg: OpenRegister, reason: str = "auto") -> Path | None:
    """An automatic rolling snapshot; a failure is logged, never raised (it must not stop closing)."""
    folder = paths.backup_dir(reg.register_id)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = folder / f"{stamp}-{reason}"
    try:
        target.mkdir(parents=True)
        conn = database.connect(reg.path / REGISTER_DB, reg.data_key)
        try:
            conn.execute("ATTACH DATABASE ? AS snap KEY ?", (str(target / REGISTER_DB), f"x'{reg.data_key.hex()}'"))
            conn.execute("SELECT sqlcipher_export('snap')")
            conn.execute("DETACH DATABASE snap")
        finally:
            conn.close()
        reg.keyfile.save(target / KEYS_JSON)
    except Exception:
        log.exception("automatic backup failed")
        shutil.rmtree(target, ignore_errors=True)
        return None
    prune_snapshots(folder, max_age_days=_keep_days(reg))
    return target


def _keep_days(reg: OpenRegister) -> int | None:
    from hartdesk import settings as settings_mod

    try:
        with reg.session() as session:
            return settings_mod.load(session).backup_keep_days
    except Exception:
        log.warning("backup age setting unreadable; keeping snapshots by count only")
        return None


def _taken_at(snapshot_dir: Path) -> datetime | None:
    try:
        return datetime.strptime(snapshot_dir.name.split("-", 1)[0], "%Y%m%dT%H%M%S%fZ").replace(tzinfo=UTC)
    except ValueError:
        return None


def prune_snapshots(
    folder: Path, keep: int = KEEP_SNAPSHOTS, max_age_days: int | None = None, now: datetime | None = None
) -> None:
    """Keep the newest ``keep`` snapshots, and of those none taken more than ``max_age_days`` ago."""
    snaps = sorted(p for p in folder.iterdir() if p.is_dir())
    old = snaps[:-keep]
    if max_age_days is not None:
        cutoff = (now or datetime.now(UTC)) - timedelta(days=max_age_days)
        old += [p for p in snaps[-keep:] if (taken := _taken_at(p)) is not None and taken < cutoff]
    for snapshot_dir in old:
        shutil.rmtree(snapshot_dir, ignore_errors=True)


def list_snapshots(register_id: str) -> list[Path]:
    folder = paths.backup_dir(register_id)
    return sorted((p for p in folder.iterdir() if p.is_dir()), reverse=True) if folder.is_dir() else []
