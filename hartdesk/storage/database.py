"""SQLCipher connections and the SQLAlchemy engine for one register file.

Every connection runs, in order: the raw 256-bit key, ``cipher_log_level = NONE``, foreign keys, WAL, secure
delete and a busy timeout. The engine is built with ``creator=`` so nothing can run on a connection before the key.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.pool import QueuePool

from hartdesk.errors import RegisterDamagedError

BUSY_TIMEOUT_MS = 5000
CACHE_KIB = 48 * 1024  # per connection


def _key_pragma(key: bytes) -> str:
    if len(key) != 32:
        raise ValueError("the data key must be 256 bits")
    return f"PRAGMA key = \"x'{key.hex()}'\""


def connect(path: Path, key: bytes) -> Any:
    """A raw sqlcipher3 connection with the key set first and hartdesk's pragmas applied."""
    import sqlcipher3.dbapi2 as sqlcipher

    conn = sqlcipher.connect(str(path), check_same_thread=False, isolation_level=None)
    try:
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Decrypted pages stay in the cache, so searching the same register again does not decrypt them again.
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
    except sqlcipher.DatabaseError as exc:
        conn.close()
        raise RegisterDamagedError(
            "The register file register.db cannot be read: it is damaged or was not written by hartdesk. "
            "Restore the register from a backup."
        ) from exc
    return conn


def check_readable(path: Path, key: bytes) -> None:
    """Prove the key opens the file and every page's HMAC holds, without writing anything."""
    import sqlcipher3.dbapi2 as sqlcipher

    # immutable: no -wal/-shm files are created, so a damaged or unreadable file is never touched.
    conn = sqlcipher.connect(f"{path.resolve().as_uri()}?mode=ro&immutable=1", uri=True, check_same_thread=False)
    try:
        conn.execute(_key_pragma(key))
        conn.execute("PRAGMA cipher_log_level = NONE")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        problems = conn.execute("PRAGMA cipher_integrity_check").fetchall()
    except sqlcipher.DatabaseError as exc:
        raise RegisterDamagedError(
            "The register file register.db cannot be read: it is damaged or was not written by hartdesk. "
            "Restore the register from a backup."
        ) from exc
    finally:
        conn.close()
    if problems:
        raise RegisterDamagedError(
            "The register file register.db is damaged (some pages fail their integrity check). "
            "Restore the register from a backup."
        )


def make_engine(path: Path, key: bytes) -> Engine:
    import sqlcipher3.dbapi2 as sqlcipher

    creator: Callable[[], Any] = lambda: connect(path, key)  # noqa: E731
    # A queue of connections, not SQLAlchemy's default for "sqlite://" (one shared connection per thread, meant
    # for in-memory databases): a session opened while another is open, or on one of the GUI's worker threads,
    # gets a connection of its own.
    engine = create_engine("sqlite://", creator=creator, module=sqlcipher, poolclass=QueuePool)

    # The DB-API connection runs in autocommit (isolation_level=None) so that pragmas such as rekey work;
    # SQLAlchemy's transactions are issued explicitly here, as the SQLAlchemy docs recommend for pysqlite.
    @event.listens_for(engine, "begin")
    def _begin(conn: Any) -> None:
        conn.exec_driver_sql("BEGIN")

    return engine
