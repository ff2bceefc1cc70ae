"""The command-line contract: exit codes, one-line errors, options before or after the command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyotp
import pytest

from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, run_cli

run = run_cli


def test_init_prints_the_register_id_and_writes_the_emergency_kit(tmp_path: Path) -> None:
    kit = tmp_path / "kit.pdf"
    code, out, err = run(
        "init",
        "--admin",
        "dora",
        "--password-stdin",
        "--register",
        str(tmp_path / "reg"),
        "--emergency-kit",
        str(kit),
        stdin="Amber-Lighthouse-Sparrow-62\n",
    )
    assert code == 0, err
    register_id = out.strip()
    assert len(register_id) == 36
    assert kit.read_bytes().startswith(b"%PDF")
    from pypdf import PdfReader

    assert register_id in PdfReader(kit).pages[0].extract_text()
    code, out, _ = run(
        "users",
        "list",
        "--register",
        str(tmp_path / "reg"),
        "--user",
        "dora",
        "--password-stdin",
        stdin="Amber-Lighthouse-Sparrow-62\n",
    )
    assert code == 0 and "dora" in out and "admin" in out


def test_init_refuses_a_weak_password_and_creates_nothing(tmp_path: Path) -> None:
    code, _, err = run(
        "init",
        "--admin",
        "dora",
        "--password-stdin",
        "--register",
        str(tmp_path / "reg"),
        stdin="password1234\n",
    )
    assert code == 1
    assert err.count("\n") == 1 and "common" in err
    assert not (tmp_path / "reg").exists()


def test_init_refuses_a_folder_with_files(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("x")
    code, _, err = run(
        "init",
        "--admin",
        "dora",
        "--password-stdin",
        "--register",
        str(tmp_path),
        stdin="Amber-Lighthouse-Sparrow-62\n",
    )
    assert code == 1 and "not empty" in err


def test_demo_refuses_an_existing_register(tmp_path: Path) -> None:
    code, out, _ = run("demo", "--register", str(tmp_path / "demo"))
    assert code == 0 and "admin" in out and "hartdesk-demo-2026" in out
    code, _, err = run("demo", "--register", str(tmp_path / "demo"))
    assert code == 1 and "already exists" in err


def test_usage_error_exits_2() -> None:
    with pytest.raises(SystemExit) as exc:
        run("users", "frobnicate")
    assert exc.value.code == 2


def test_options_after_the_command_name_and_json(register_dir: Path) -> None:
    code, out, err = run(
        "users",
        "list",
        "--json",
        "--register",
        str(register_dir),
        "--user",
        ADMIN,
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 0, err
    assert {row["username"] for row in json.loads(out)} == {ADMIN, STAFF}
    code, out, _ = run(
        "--register",
        str(register_dir),
        "--user",
        ADMIN,
        "--json",
        "users",
        "list",
        "--password-stdin",
        stdin=ADMIN_PASSWORD + "\n",
    )
    assert code == 0 and json.loads(out)


def test_wrong_password_is_one_line_and_exit_1(register_dir: Path) -> None:
    code, out, err = run("verify", "--register", str(register_dir), "--user", ADMIN, "--password-stdin", stdin="nope\n")
    assert code == 1 and out == ""
    assert err == "hartdesk: The user name or password is not correct.\n"


def test_totp_enrolment_from_the_command_line(register_dir: Path) -> None:
    base = ["--register", str(register_dir), "--user", ADMIN, "--password-stdin"]
    code, out, _ = run("users", "enrol-totp", STAFF, *base, stdin=ADMIN_PASSWORD + "\n")
    assert code == 0 and out.startswith("otpauth://totp/")
    secret = pyotp.parse_uri(out.strip()).secret
    code, _, err = run("users", "confirm-totp", STAFF, "--code", "000000", *base, stdin=ADMIN_PASSWORD + "\n")
    assert code == 1 and "does not match" in err
    code, _, err = run(
        "users", "confirm-totp", STAFF, "--code", pyotp.TOTP(secret).now(), *base, stdin=ADMIN_PASSWORD + "\n"
    )
    assert code == 0, err
    code, out, _ = run("users", "list", *base, stdin=ADMIN_PASSWORD + "\n")
    assert f"{STAFF:<20} staff  active    TOTP" in out


def test_users_add_and_disable(register_dir: Path) -> None:
    base = ["--register", str(register_dir), "--user", ADMIN, "--password-stdin"]
    code, _, err = run(
        "users", "add", "carol", "--role", "staff", *base, stdin=f"{ADMIN_PASSWORD}\nPlum-Orchard-Kettle-55\n"
    )
    assert code == 0, err
    code, _, err = run("users", "disable", "carol", *base, stdin=ADMIN_PASSWORD + "\n")
    assert code == 0, err
    code, _, err = run(
        "verify",
        "--register",
        str(register_dir),
        "--user",
        "carol",
        "--password-stdin",
        stdin="Plum-Orchard-Kettle-55\n",
    )
    assert code == 1


def test_no_traceback_for_a_missing_register_in_a_real_process(tmp_path: Path) -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "hartdesk.cli",
            "verify",
            "--register",
            str(tmp_path / "none"),
            "--user",
            "x",
            "--password-stdin",
        ],
        input="x\n",
        capture_output=True,
        text=True,
        env=os.environ.copy(),
        timeout=60,
    )
    assert result.returncode == 1
    assert result.stderr.strip() == f"hartdesk: There is no hartdesk register at {tmp_path / 'none'}."
    assert "Traceback" not in result.stderr


def test_version() -> None:
    result = subprocess.run([sys.executable, "-m", "hartdesk.cli", "--version"], capture_output=True, text=True)
    assert result.returncode == 0 and result.stdout.startswith("hartdesk ")


def test_the_log_holds_no_secrets_or_personal_data(register_dir: Path, tmp_path: Path) -> None:
    from hartdesk import paths
    from tests.conftest import AGENCY_NAME

    base = ["--register", str(register_dir), "--user", ADMIN, "--password-stdin"]
    run(
        "users",
        "add",
        "carol",
        "--display-name",
        "Carol Øverby",
        *base,
        stdin=f"{ADMIN_PASSWORD}\nPlum-Orchard-Kettle-55\n",
    )
    _, uri, _ = run("users", "enrol-totp", "carol", *base, stdin=ADMIN_PASSWORD + "\n")
    run(
        "backup",
        "--out",
        str(tmp_path / "b"),
        "--backup-password-stdin",
        *base,
        stdin=f"{ADMIN_PASSWORD}\nBackup-Pass-For-Tests\n",
    )
    run("verify", "--register", str(register_dir), "--user", ADMIN, "--password-stdin", stdin="wrong\n")
    log_text = paths.log_file().read_text(encoding="utf-8")
    assert "signed in" in log_text  # the log is really being written
    secret = pyotp.parse_uri(uri.strip()).secret
    for needle in (
        ADMIN_PASSWORD,
        "Plum-Orchard-Kettle-55",
        "Backup-Pass-For-Tests",
        secret,
        "Carol Øverby",
        AGENCY_NAME,
        "carol",
    ):
        assert needle not in log_text


def test_the_help_names_every_request_type_and_channel() -> None:
    from hartdesk.cli import CHANNELS_HELP, REQUEST_TYPES_HELP
    from hartdesk.models.enums import RequestChannel, RequestType

    assert [t.value for t in RequestType if t.value not in REQUEST_TYPES_HELP] == []
    assert [c.value for c in RequestChannel if c.value not in CHANNELS_HELP] == []


def test_building_the_parser_does_not_import_the_models() -> None:
    # The GUI starts through the parser: SQLAlchemy must load after the first window, not before.
    import subprocess
    import sys

    code = "import sys, hartdesk.cli as c; c.build_parser(); print('sqlalchemy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


def test_erase_help_says_the_sign_in_password_confirms_the_erasure(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run("erase", "--help")
    assert exc.value.code == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "the password given with --password-stdin (or HARTDESK_PASSWORD) is the password re-entered" in text
    assert "--dry-run" in text and "--client REF" in text and "--request REF" in text


def test_retention_and_erase_are_listed_in_the_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        run("--help")
    out = capsys.readouterr().out
    assert "retention" in out and "erase" in out
    assert "breaches" in out and "72-hour ICO clock" in out
