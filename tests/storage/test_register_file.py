"""The register on disk: encrypted, free of plaintext, untouched by failed sign-ins, clear about damage."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from hartdesk.errors import NotARegisterError, RegisterDamagedError, RegisterInUseError, SignInError
from hartdesk.security.signin import sign_in
from hartdesk.storage.register import KEYS_JSON, REGISTER_DB
from tests.conftest import ADMIN, ADMIN_PASSWORD, AGENCY_ADDRESS, AGENCY_NAME


def _snapshot(folder: Path) -> dict[str, tuple[bytes, int]]:
    return {p.name: (p.read_bytes(), p.stat().st_mtime_ns) for p in sorted(folder.iterdir())}


def test_database_file_is_encrypted_and_holds_no_plaintext(register_dir: Path) -> None:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    who.audit("test.write", "staff:alice")  # something in the WAL too
    wal = register_dir / f"{REGISTER_DB}-wal"
    files = [register_dir / REGISTER_DB, register_dir / KEYS_JSON] + ([wal] if wal.exists() else [])
    contents = [f.read_bytes() for f in files]
    who.lock()
    assert not contents[0].startswith(b"SQLite format 3")
    needles = [ADMIN, "Alice Admin", AGENCY_NAME, "Wexcombe Mews", "TR1 9QZ", AGENCY_ADDRESS.splitlines()[1]]
    for needle in needles:
        for encoding in ("utf-8", "utf-16-le"):
            for data in contents:
                assert needle.encode(encoding) not in data, f"{needle!r} found in plaintext"


def test_wrong_password_leaves_every_byte_and_mtime_alone(register_dir: Path) -> None:
    before = _snapshot(register_dir)
    dir_mtime = register_dir.stat().st_mtime_ns
    with pytest.raises(SignInError, match="not correct"):
        sign_in(register_dir, ADMIN, "Wrong-Password-123456")
    with pytest.raises(SignInError, match="not correct"):
        sign_in(register_dir, "nobody", "Wrong-Password-123456")
    assert _snapshot(register_dir) == before
    assert register_dir.stat().st_mtime_ns == dir_mtime


def test_folder_that_is_not_a_register(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(NotARegisterError, match="not a hartdesk register"):
        sign_in(tmp_path, ADMIN, ADMIN_PASSWORD)
    with pytest.raises(NotARegisterError, match="no hartdesk register"):
        sign_in(tmp_path / "missing", ADMIN, ADMIN_PASSWORD)


@pytest.mark.parametrize("damage", ["truncate", "bitflip_header", "bitflip_page"])
def test_damaged_database_gives_a_clear_message_and_is_not_modified(register_dir: Path, damage: str) -> None:
    db = register_dir / REGISTER_DB
    data = bytearray(db.read_bytes())
    if damage == "truncate":
        data = data[: len(data) // 2 + 100]
    elif damage == "bitflip_header":
        data[40] ^= 0x01
    else:
        data[4096 * 2 + 500] ^= 0x10
    db.write_bytes(bytes(data))
    before = _snapshot(register_dir)
    with pytest.raises(RegisterDamagedError, match="damaged"):
        sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    assert _snapshot(register_dir) == before


@pytest.mark.parametrize("content", [b"", b"{not json", b'{"format": "hartdesk-keys", "version": 1}', b"\xff\xfe"])
def test_damaged_keys_json(register_dir: Path, content: bytes) -> None:
    (register_dir / KEYS_JSON).write_bytes(content)
    before = _snapshot(register_dir)
    with pytest.raises(RegisterDamagedError, match="damaged"):
        sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    assert _snapshot(register_dir) == before


def test_register_open_in_another_process_is_refused(register_dir: Path) -> None:
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            (
                "import sys; from pathlib import Path; from hartdesk.security.signin import sign_in\n"
                f"who = sign_in(Path({str(register_dir)!r}), {ADMIN!r}, {ADMIN_PASSWORD!r})\n"
                "print('open', flush=True); sys.stdin.readline(); who.lock()"
            ),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        with pytest.raises(RegisterInUseError, match="already open"):
            sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    finally:
        assert holder.stdin is not None
        holder.stdin.write("\n")
        holder.stdin.flush()
        holder.wait(timeout=20)
    sign_in(register_dir, ADMIN, ADMIN_PASSWORD).lock()


def test_copy_of_a_register_opens_elsewhere(register_dir: Path, tmp_path: Path) -> None:
    copy = tmp_path / "moved"
    shutil.copytree(register_dir, copy)
    who = sign_in(copy, ADMIN, ADMIN_PASSWORD)
    assert who.settings().agency_name == AGENCY_NAME
    who.lock()
