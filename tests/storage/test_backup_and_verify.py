"""Backups, restore, the audit chain under `hartdesk verify`, and migrations."""

from __future__ import annotations

import resource
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from hartdesk.errors import BackupError, RegisterExistsError
from hartdesk.models import AuditEntry, StaffMember
from hartdesk.security.signin import sign_in
from hartdesk.storage import backup, migrate
from hartdesk.storage.verify import verify
from tests.conftest import ADMIN, ADMIN_PASSWORD, AGENCY_NAME, STAFF, STAFF_PASSWORD, run_as_admin, run_cli


def _dump(register_dir: Path, username: str, password: str) -> dict[str, list[tuple[object, ...]]]:
    who = sign_in(register_dir, username, password)
    try:
        with who.register.engine.connect() as conn:
            tables = [
                r[0]
                for r in conn.execute(
                    text("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
                )
            ]
            # Sign-ins append audit rows; compare what existed before this one.
            return {t: [tuple(r) for r in conn.execute(text(f"SELECT * FROM {t} ORDER BY 1"))] for t in tables}
    finally:
        who.lock()


def test_backup_then_restore_gives_identical_content(register_dir: Path, tmp_path: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    out = backup.write_backup(who.register, tmp_path / "office", "Backup-Pass-For-Tests")
    who.lock()
    assert out.suffix == ".hdbackup" and out.read_bytes()[:16] != b"SQLite format 3\x00"
    original = _dump(register_dir, ADMIN, ADMIN_PASSWORD)

    restored_dir = tmp_path / "restored"
    register_id = backup.restore(out, "Backup-Pass-For-Tests", restored_dir)
    restored = _dump(restored_dir, ADMIN, ADMIN_PASSWORD)
    # Both dumps were taken after one more sign-in each; everything up to the backup is identical.
    for table, rows in restored.items():
        if table == "audit_log":
            assert rows[:-1] == original[table][: len(rows) - 1]
        else:
            assert rows == original[table], table
    assert register_id == sign_in(restored_dir, STAFF, STAFF_PASSWORD).register.register_id


def test_wrong_backup_password_is_a_clear_error(register_dir: Path, tmp_path: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    out = backup.write_backup(who.register, tmp_path / "b.hdbackup", "Backup-Pass-For-Tests")
    who.lock()
    with pytest.raises(BackupError, match="password is not correct"):
        backup.restore(out, "wrong", tmp_path / "r")
    assert not (tmp_path / "r").exists()


def test_restore_refuses_a_folder_in_use(register_dir: Path, tmp_path: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    out = backup.write_backup(who.register, tmp_path / "b.hdbackup", "pw-pw-pw-pw")
    who.lock()
    with pytest.raises(RegisterExistsError):
        backup.restore(out, "pw-pw-pw-pw", register_dir)


def test_full_disk_during_backup_leaves_nothing_behind(register_dir: Path, tmp_path: Path) -> None:
    """A child process with a 20 kB file-size limit stands in for a full disk."""
    script = (
        "import resource, signal, sys\n"
        "from pathlib import Path\n"
        "from hartdesk.errors import BackupError\n"
        "from hartdesk.security.signin import sign_in\n"
        "from hartdesk.storage import backup\n"
        f"who = sign_in(Path({str(register_dir)!r}), {ADMIN!r}, {ADMIN_PASSWORD!r})\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (20000, 20000))\n"
        "try:\n"
        f"    backup.write_backup(who.register, Path({str(tmp_path / 'full.hdbackup')!r}), 'pw-pw-pw-pw')\n"
        "except BackupError as exc:\n"
        "    print(exc)\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert "not enough free space" in result.stdout, result.stdout + result.stderr
    assert list(tmp_path.glob("*full*")) == []
    assert resource.getrlimit(resource.RLIMIT_FSIZE)[0] != 20000


def test_rolling_snapshots_keep_ten(register_dir: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    for _ in range(12):
        assert backup.snapshot(who.register) is not None
    snaps = backup.list_snapshots(who.register.register_id)
    who.lock()
    assert len(snaps) == 10
    assert (snaps[0] / "register.db").stat().st_size > 0


def test_snapshots_older_than_the_setting_are_deleted(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    folder = tmp_path / "backups"
    for stamp in ("20261001T090000000000Z-auto", "20261025T090000000000Z-auto", "20261121T090000000000Z-auto"):
        (folder / stamp).mkdir(parents=True)
    backup.prune_snapshots(folder, max_age_days=30, now=datetime(2026, 11, 22, 12, tzinfo=UTC))
    assert sorted(p.name for p in folder.iterdir()) == ["20261025T090000000000Z-auto", "20261121T090000000000Z-auto"]


def test_verify_passes_on_a_healthy_register(register_dir: Path) -> None:
    code, out, _ = run_as_admin(register_dir, "verify")
    assert code == 0
    assert "Audit chain: unbroken" in out


@pytest.mark.parametrize("column", ["actor", "action", "details", "target"])
def test_editing_an_audit_row_makes_verify_fail_naming_it(register_dir: Path, column: str) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with who.register.session() as session:
        row_id = session.execute(select(AuditEntry.id).order_by(AuditEntry.id).limit(1).offset(1)).scalar_one()
    with who.register.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_update"))
        conn.execute(text(f"UPDATE audit_log SET {column} = {column} || 'x' WHERE id = :id"), {"id": row_id})
    who.lock()
    code, _, err = run_as_admin(register_dir, "verify")
    assert code == 1
    assert f"audit row {row_id}" in err


def test_deleting_an_audit_row_is_detected(register_dir: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with who.register.engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_log_no_delete"))
        conn.execute(text("DELETE FROM audit_log WHERE id = 2"))
    who.lock()
    code, _, err = run_as_admin(register_dir, "verify")
    assert code == 1 and "audit row 3" in err


def test_audit_log_refuses_updates_through_the_application(signed_in_admin) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy.exc import DatabaseError

    with pytest.raises(DatabaseError, match="append-only"), signed_in_admin.register.session() as session:
        session.execute(text("UPDATE audit_log SET actor = 'mallory'"))


def test_head_revision_constant_matches_the_migrations() -> None:
    from alembic.script import ScriptDirectory

    assert ScriptDirectory.from_config(migrate.alembic_config()).get_heads() == [migrate.HEAD_REVISION]


def test_opening_a_register_at_an_older_revision_snapshots_it_then_migrates(register_dir: Path) -> None:
    """A register made before the client register existed (revision 0001) is snapshotted, then upgraded in place:
    its staff and audit log are kept and the default data categories appear."""
    from alembic import command

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    with who.register.engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "0001_initial")
    register_id = who.register.register_id
    who.lock()

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        assert migrate.current_revision(who.register.engine) == migrate.HEAD_REVISION
        with who.register.session() as session:
            codes = list(session.execute(text("SELECT code FROM data_categories ORDER BY position")).scalars())
            assert session.execute(text("SELECT count(*) FROM staff")).scalar() == 2
        assert codes[:3] == ["identity", "contact", "postal_address"] and "hosted_content" in codes
        assert verify(who.register)[-1].ok  # the audit chain survived
    finally:
        who.lock()
    (snap,) = backup.list_snapshots(register_id)
    assert snap.name.endswith("before-migration-from-0001_initial")


def test_migrations_build_the_schema_from_nothing(register_dir: Path) -> None:
    from alembic import command

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    engine = who.register.engine
    with engine.begin() as conn:
        command.downgrade(migrate.alembic_config(conn), "base")
    assert migrate.current_revision(engine) is None
    assert migrate.upgrade(engine) is True
    assert migrate.current_revision(engine) == migrate.HEAD_REVISION
    with engine.connect() as conn:
        names = {r[0] for r in conn.execute(text("SELECT name FROM sqlite_master"))}
    who.lock()
    assert {"staff", "settings", "audit_log", "audit_log_no_update", "audit_log_no_delete"} <= names


def test_sign_in_with_a_restored_register_keeps_staff(register_dir: Path, tmp_path: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    out = backup.write_backup(who.register, tmp_path / "b", "Backup-Pass-For-Tests")
    who.lock()
    code, _, err = run_cli(
        "restore",
        str(out),
        "--register",
        str(tmp_path / "new"),
        "--backup-password-stdin",
        stdin="Backup-Pass-For-Tests\n",
    )
    assert code == 0, err
    restored = sign_in(tmp_path / "new", ADMIN, ADMIN_PASSWORD)
    with restored.register.session() as session:
        assert session.execute(select(StaffMember.username).order_by(StaffMember.username)).scalars().all() == [
            ADMIN,
            STAFF,
        ]
    assert restored.settings().agency_name == AGENCY_NAME
    restored.lock()


def test_an_automatic_backup_folder_opens_as_a_register(register_dir: Path, tmp_path: Path) -> None:
    import shutil

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    snap = backup.snapshot(who.register)
    who.lock()
    assert snap is not None
    shutil.copytree(snap, tmp_path / "from-snapshot")
    reopened = sign_in(tmp_path / "from-snapshot", STAFF, STAFF_PASSWORD)
    assert reopened.settings().agency_name == AGENCY_NAME
    reopened.lock()
