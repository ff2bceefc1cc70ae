"""The vault's command line: add, list, reveal (TOTP, audited), delete; every error one clear line."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import keyring.backends.fail
import pyotp
import pytest

from hartdesk.security import keyrings, staff
from hartdesk.security.signin import sign_in
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, run_as_admin, run_cli
from tests.keyrings import MemoryKeyring
from tests.security.vault_helpers import Agency, audit_rows, build_agency
from tests.totp import FakeClock, code_at

SECRET = "Correct horse battery staple "  # the trailing space is part of it
OTP_URI = "otpauth://totp/Fasthosts:ops?secret=JBSWY3DPEHPK3PXP&issuer=Fasthosts"


@dataclass(frozen=True)
class Built:
    path: Path
    register_id: str
    agency: Agency
    bob_totp: str  # bob (staff) has TOTP; alice (admin) has none


@pytest.fixture
def built(register_dir: Path) -> Built:
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD, clock=FakeClock(time.time() - 3600))
    try:
        agency = build_agency(who)
        # Enrolled an hour ago (on the clock of this session), so every code from now on is new to the register.
        bob_totp = str(pyotp.parse_uri(staff.start_totp_enrolment(who, STAFF)).secret)
        staff.confirm_totp(who, STAFF, code_at(bob_totp, who.clock()))
        register_id = who.register.register_id
    finally:
        who.lock()
    return Built(register_dir, register_id, agency, bob_totp)


def run_as_bob(built: Built, *args: str, totp: str | None = None, more_stdin: str = "") -> tuple[int, str, str]:
    code = ["--totp", totp] if totp else []
    return run_cli(
        *args,
        "--register",
        str(built.path),
        "--user",
        STAFF,
        "--password-stdin",
        *code,
        stdin=f"{STAFF_PASSWORD}\n{more_stdin}",
    )


def add(built: Built, *options: str, secret: str = SECRET, otp: str | None = None) -> tuple[int, str, str]:
    stdin = secret + "\n" + (otp + "\n" if otp is not None else "")
    more = ["--otp-key-stdin"] if otp is not None else []
    return run_as_admin(built.path, "vault", "add", *options, "--secret-stdin", *more, more_stdin=stdin)


def test_add_prints_the_id_and_the_secret_goes_only_to_the_keyring(built: Built, memory_keyring: MemoryKeyring) -> None:
    code, out, err = add(
        built,
        "--operator",
        "fasthosts",  # any case
        "--account",
        "ops@pemberton.example",
        "--url",
        "https://admin.fasthosts.co.uk",
        "--client",
        built.agency.zoe_ref,
        "--client",
        built.agency.acme_ref.lower(),
        "--notes",
        "Support team",
        "--rotate-every",
        "90",
        otp=OTP_URI,
    )
    assert (code, out, err) == (0, "1\n", "")
    service = f"hartdesk:{built.register_id}"
    assert memory_keyring.secrets[(service, "credential:1")] == SECRET
    assert "secret=JBSWY3DPEHPK3PXP" in memory_keyring.secrets[(service, "credential:1:otp")]
    code, out, _ = run_as_admin(built.path, "vault", "list", "--json")
    [row] = json.loads(out)
    assert row["id"] == 1 and row["operator"] == "Fasthosts" and row["account_name"] == "ops@pemberton.example"
    assert row["clients"] == [f"{built.agency.zoe_ref} Zoë Łukasiewicz", f"{built.agency.acme_ref} Acme Widgets Ltd"]
    assert row["has_otp"] is True and row["login_url"] == "https://admin.fasthosts.co.uk"
    assert SECRET.strip() not in out and "JBSWY3DPEHPK3PXP" not in out


def test_list_searches_and_filters_by_client_and_never_prints_secrets(built: Built) -> None:
    a = built.agency
    assert add(built, "--operator", "Fasthosts", "--account", "zoe-admin", "--client", a.zoe_ref)[0] == 0
    assert add(built, "--operator", "GoDaddy", "--account", "acme-admin", "--client", a.acme_ref, secret="pw2")[0] == 0
    code, out, err = run_as_admin(built.path, "vault", "list")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"    1  Fasthosts — zoe-admin  {a.zoe_ref} Zoë Łukasiewicz",
        f"    2  GoDaddy — acme-admin  {a.acme_ref} Acme Widgets Ltd",
    ]
    assert SECRET.strip() not in out and "pw2" not in out
    code, out, _ = run_as_admin(built.path, "vault", "list", "--search", "acme", "--json")
    assert [r["id"] for r in json.loads(out)] == [2]
    code, out, _ = run_as_admin(built.path, "vault", "list", "--client", a.zoe_ref, "--json")
    assert [r["id"] for r in json.loads(out)] == [1]
    code, out, err = run_as_admin(built.path, "vault", "list", "--client", "C-09999")
    assert (code, out, err) == (1, "", "hartdesk: There is no client C-09999.\n")


def test_add_errors_are_one_clear_line_and_store_nothing(built: Built, memory_keyring: MemoryKeyring) -> None:
    code, out, err = add(built, "--operator", "Gandi", "--account", "ops")
    assert (code, out) == (1, "")
    assert err == "hartdesk: There is no operator called Gandi. The register has: Fasthosts, GoDaddy.\n"
    assert SECRET.strip() not in err
    code, _, err = add(built, "--operator", "GoDaddy", "--account", "ops", "--client", "C-09999")
    assert (code, err) == (1, "hartdesk: There is no client C-09999.\n")
    code, _, err = add(built, "--operator", "GoDaddy", "--account", "ops", secret="x" * 1001)
    assert code == 1 and err.count("\n") == 1 and "1,001 characters" in err and "x" * 20 not in err
    code, _, err = add(built, "--operator", "GoDaddy", "--account", "ops", "--url", "not a url")
    assert (code, err) == (1, "hartdesk: The login page must be a web address, like https://example.com/login.\n")
    code, _, err = add(built, "--operator", "GoDaddy", "--account", "ops", otp="123")
    assert code == 1 and "2FA key must be the letters" in err
    code, _, err = run_as_admin(
        built.path, "vault", "add", "--operator", "GoDaddy", "--account", "ops", "--secret-stdin"
    )
    assert code == 1
    assert (
        err == "hartdesk: Expected the login's password (the line after yours) on standard input, but there was none.\n"
    )
    assert memory_keyring.secrets == {}
    assert run_as_admin(built.path, "vault", "list", "--json")[1] == "[]\n"
    with pytest.raises(SystemExit) as exc:  # the password must come from stdin, never the command line
        run_as_admin(built.path, "vault", "add", "--operator", "GoDaddy", "--account", "ops")
    assert exc.value.code == 2


def test_without_a_keyring_the_vault_says_why_and_the_rest_still_works(built: Built) -> None:
    keyrings.use(keyring.backends.fail.Keyring())
    code, out, err = add(built, "--operator", "GoDaddy", "--account", "ops")
    assert (code, out) == (1, "")
    assert err.startswith("hartdesk: This computer has no system keyring that hartdesk can use.")
    assert err.count("\n") == 1
    assert run_as_admin(built.path, "vault", "list")[:2] == (0, "")
    assert run_as_admin(built.path, "clients", "list")[0] == 0


def test_reveal_needs_a_fresh_totp_code_is_audited_and_verify_still_passes(built: Built) -> None:
    assert add(built, "--operator", "Fasthosts", "--account", "ops")[1] == "1\n"
    now = time.time()
    first, second = code_at(built.bob_totp, now), code_at(built.bob_totp, now + 30)
    code, out, err = run_as_bob(built, "vault", "reveal", "1")
    assert (code, out, err) == (1, "", "hartdesk: Enter the 6-digit code from your authenticator app.\n")
    code, out, err = run_as_bob(built, "vault", "reveal", "1", totp=first)  # the sign-in code serves the step-up
    assert (code, out, err) == (0, SECRET + "\n", "")
    code, out, err = run_as_bob(built, "vault", "reveal", "1", totp=first)
    assert (code, out) == (1, "")
    assert err == "hartdesk: The TOTP code is not correct, or it was already used. Wait for the next code.\n"
    code, out, _ = run_as_bob(built, "--totp", second, "vault", "reveal", "1")  # options before the command too
    assert (code, out) == (0, SECRET + "\n")

    code, out, err = run_as_admin(built.path, "verify")
    assert (code, err) == (0, "") and "FAILED" not in out
    who = sign_in(built.path, ADMIN, ADMIN_PASSWORD)
    try:
        rows = audit_rows(who)
    finally:
        who.lock()
    revealed = [r for r in rows if r.action == "vault.revealed"]
    assert [(r.actor, r.target) for r in revealed] == [(STAFF, "credential:1"), (STAFF, "credential:1")]
    assert all(SECRET.strip() not in f"{r.target} {r.details}" for r in rows)


def test_reveal_for_an_account_without_totp_says_to_set_it_up(built: Built) -> None:
    add(built, "--operator", "Fasthosts", "--account", "ops")
    code, out, err = run_as_admin(built.path, "vault", "reveal", "1", "--totp", "123456")
    assert (code, out) == (1, "")
    assert err == (
        f"hartdesk: Set up TOTP for {ADMIN} first: the vault shows a password only after a TOTP code. "
        'In the hartdesk window: Account menu, "Set up two-step sign-in (TOTP)…"; or ask an administrator '
        "(hartdesk users enrol-totp NAME, then users confirm-totp NAME --code CODE).\n"
    )
    who = sign_in(built.path, ADMIN, ADMIN_PASSWORD)
    try:
        assert "vault.revealed" not in [r.action for r in audit_rows(who)]
    finally:
        who.lock()


def test_delete_removes_the_login_unless_the_keyring_is_locked(built: Built, memory_keyring: MemoryKeyring) -> None:
    add(built, "--operator", "Fasthosts", "--account", "ops", otp=OTP_URI)
    add(built, "--operator", "GoDaddy", "--account", "other", secret="keep")
    memory_keyring.locked = True
    code, out, err = run_as_admin(built.path, "vault", "delete", "1")
    assert (code, out) == (1, "") and "locked" in err
    memory_keyring.locked = False
    assert [r["id"] for r in json.loads(run_as_admin(built.path, "vault", "list", "--json")[1])] == [1, 2]
    code, out, err = run_as_admin(built.path, "vault", "delete", "1")
    assert (code, out, err) == (0, "Deleted login 1 (Fasthosts — ops) and its password from the keyring.\n", "")
    assert list(memory_keyring.secrets.values()) == ["keep"]
    code, _, err = run_as_admin(built.path, "vault", "delete", "1")
    assert (code, err) == (1, "hartdesk: That login is no longer in the vault (someone deleted it).\n")


def test_the_help_names_the_vault_commands(capsys: pytest.CaptureFixture[str]) -> None:
    from hartdesk.cli import build_parser

    assert "vault" in build_parser().format_help()
    with pytest.raises(SystemExit) as exc:
        build_parser().parse_args(["vault", "--help"])
    assert exc.value.code == 0
    shown = capsys.readouterr().out
    assert all(verb in shown for verb in ("add", "list", "reveal", "delete"))
