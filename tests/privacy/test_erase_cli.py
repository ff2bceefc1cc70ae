"""``hartdesk erase --client REF --request REF [--dry-run]``: the plan first; the erasure only for an administrator,
whose sign-in password is the password re-entered to confirm it; anything blocking it exits 1."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from hartdesk.security.signin import sign_in
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, run_as_admin, run_cli
from tests.privacy.erasure_scenario import NAME, Scenario, build


@pytest.fixture
def scenario(register_dir: Path) -> Scenario:
    """The erasure scenario, with the register closed again (the command line opens it itself)."""
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        return build(who)
    finally:
        who.lock()


def erase(register_dir: Path, sc: Scenario, *more: str) -> tuple[int, str, str]:
    return run_as_admin(register_dir, "erase", "--client", sc.client_ref, "--request", sc.request_ref, *more)


def client_row(register_dir: Path, ref: str) -> dict[str, object]:
    code, out, err = run_as_admin(register_dir, "clients", "list", "--json")
    assert code == 0, err
    return next(row for row in json.loads(out) if row["ref"] == ref)


def request_status(register_dir: Path, ref: str) -> str:
    code, out, err = run_as_admin(register_dir, "requests", "show", ref, "--json")
    assert code == 0, err
    return str(json.loads(out)["status"])


def test_dry_run_prints_the_plan_and_changes_nothing(register_dir: Path, scenario: Scenario) -> None:
    code, out, err = erase(register_dir, scenario, "--dry-run")

    assert code == 0, err
    assert err == ""
    lines = out.splitlines()
    assert lines[0] == f"Erasure of {scenario.client_ref} under {scenario.request_ref}"
    headings = ["Erased:", "Kept:", "Operators to notify:", "Logins:", "Blockers:"]
    assert [line for line in lines if line in headings] == headings
    section = lines[lines.index("Erased:") + 1 : lines.index("Kept:")]
    assert section and all(line.startswith("  ") for line in section)
    kept = lines[lines.index("Kept:") + 1 : lines.index("Operators to notify:")]
    assert any("INV-7001" in line and "HMRC" in line and " — until 20" in line for line in kept), kept
    notices = lines[lines.index("Operators to notify:") + 1 : lines.index("Logins:")]
    assert any(line.startswith("  Fasthosts (") for line in notices), notices
    logins = lines[lines.index("Logins:") + 1 : lines.index("Blockers:")]
    assert any("wqf-registrar-login: deleted" in line for line in logins), logins
    assert any("agency-reseller-account: unlinked" in line for line in logins), logins
    assert lines[lines.index("Blockers:") + 1] == "  (none: the erasure can run)"
    assert lines[-1] == "Nothing was changed (dry run). Run again without --dry-run to erase."
    assert NAME not in out  # the plan says what kinds of data go, never the values

    assert client_row(register_dir, scenario.client_ref)["name"] == NAME
    assert request_status(register_dir, scenario.request_ref) != "completed"


def test_staff_may_look_at_the_plan_but_not_erase(register_dir: Path, scenario: Scenario) -> None:
    args = ("erase", "--client", scenario.client_ref, "--request", scenario.request_ref)
    login = ("--register", str(register_dir), "--user", STAFF, "--password-stdin")

    code, out, err = run_cli(*args, "--dry-run", *login, stdin=STAFF_PASSWORD + "\n")
    assert code == 0, err
    assert "Erased:" in out

    code, out, err = run_cli(*args, *login, stdin=STAFF_PASSWORD + "\n")
    assert code == 1
    assert out == ""
    assert err == "hartdesk: Only an administrator can do this.\n"
    assert client_row(register_dir, scenario.client_ref)["name"] == NAME


def test_an_administrator_erases_and_is_told_how_many_notices_to_send(register_dir: Path, scenario: Scenario) -> None:
    code, out, err = erase(register_dir, scenario, "--dry-run", "--json")
    assert code == 0, err
    plan = json.loads(out)
    assert plan["can_run"] and not plan["done"]
    notices = len(plan["notices"])
    assert notices >= 1

    code, out, err = erase(register_dir, scenario)

    assert code == 0, err
    assert err == ""
    word = "notice" if notices == 1 else "notices"
    assert out.splitlines()[-1] == (
        f"Erased {scenario.client_ref} under {scenario.request_ref}; {notices} {word} to send"
    )
    row = client_row(register_dir, scenario.client_ref)
    assert row["status"] == "erased"
    assert NAME not in json.dumps(row)
    assert client_row(register_dir, scenario.other_ref)["name"] == "Unrelated Bakery Ltd"
    assert request_status(register_dir, scenario.request_ref) == "completed"

    code, out, err = erase(register_dir, scenario)  # once only
    assert code == 1
    assert err.startswith(f"hartdesk: {scenario.client_ref} was already erased on ")
    assert len(err.splitlines()) == 1


def test_what_blocks_the_erasure_is_printed_and_exits_1(register_dir: Path, scenario: Scenario) -> None:
    code, out, err = run_as_admin(
        register_dir, "erase", "--client", scenario.client_ref, "--request", scenario.earlier_ref
    )

    assert code == 1
    lines = out.splitlines()
    blockers = lines[lines.index("Blockers:") + 1 :]
    assert any(line.startswith(f"  {scenario.earlier_ref} is a request for access") for line in blockers)
    assert any(line.startswith(f"  {scenario.earlier_ref} is already completed") for line in blockers)
    assert "Erased " not in lines[-1] and "Nothing was changed" not in out
    assert len(err.splitlines()) == 1
    assert err.startswith(f"hartdesk: {scenario.client_ref} cannot be erased yet: {scenario.earlier_ref} is a request")
    assert err.endswith(f"(and {len(blockers) - 1} more blockers listed above)\n")
    assert client_row(register_dir, scenario.client_ref)["name"] == NAME

    code, out, err = run_as_admin(
        register_dir, "erase", "--client", scenario.client_ref, "--request", scenario.earlier_ref, "--dry-run"
    )
    assert code == 1  # a dry run that shows blockers fails too, so a script can tell


def test_json_plan(register_dir: Path, scenario: Scenario) -> None:
    code, out, err = erase(register_dir, scenario, "--json", "--dry-run")

    assert code == 0, err
    plan = json.loads(out)
    assert plan["client"] == scenario.client_ref and plan["request"] == scenario.request_ref
    assert plan["blockers"] == [] and plan["done"] is False
    assert {"Fasthosts"} <= {n["operator"] for n in plan["notices"]}
    assert all(set(k) == {"what", "ground", "until"} for k in plan["kept"])


@pytest.mark.parametrize(
    ("client", "request_ref", "message"),
    [
        ("C-99999", "", "There is no client C-99999."),
        ("", "R-2020-9999", "There is no request R-2020-9999."),
    ],
)
def test_an_unknown_client_or_request_is_one_clear_line(
    register_dir: Path, scenario: Scenario, client: str, request_ref: str, message: str
) -> None:
    code, out, err = run_as_admin(
        register_dir,
        "erase",
        "--client",
        client or scenario.client_ref,
        "--request",
        request_ref or scenario.request_ref,
    )

    assert code == 1
    assert out == ""
    assert err == f"hartdesk: {message}\n"


def test_an_empty_request_is_refused(register_dir: Path, scenario: Scenario) -> None:
    code, out, err = run_as_admin(register_dir, "erase", "--client", scenario.client_ref, "--request", " ")

    assert (code, out) == (1, "")
    assert err == "hartdesk: Say which erasure request this answers with --request REF, e.g. R-2026-0042.\n"
