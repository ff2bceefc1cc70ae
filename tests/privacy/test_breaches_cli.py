"""`hartdesk breaches ...`: log, list, decide and show, against the hand-built register of
tests/register/conftest.py (C-00001 is Zoë, C-00002 Acme). Times of awareness are set relative to now so the hours
left are known to within a few minutes; times without an offset are UK time, checked in a past winter and summer.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from hartdesk.dates import uk_date
from hartdesk.privacy.breaches import uk_time
from tests.conftest import ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, run_as_admin, run_cli

TOLERANCE = 0.2  # hours: the few minutes between logging and listing, and the rounding to a tenth


def _ago(hours: float) -> datetime:
    return (datetime.now(UTC) - timedelta(hours=hours)).replace(microsecond=0)


def _log(register: Path, aware_at: str, *more: str, summary: str = "Invoice emailed to the wrong client") -> Any:
    code, out, err = run_as_admin(register, "breaches", "log", "--aware-at", aware_at, "--summary", summary, *more)
    assert (code, err) == (0, ""), err
    return out


def _log_json(register: Path, aware_at: str, *more: str, summary: str = "Invoice emailed to the wrong client") -> Any:
    data: dict[str, Any] = json.loads(_log(register, aware_at, "--json", *more, summary=summary))
    return data


def _usage_error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    with pytest.raises(SystemExit) as exc:
        run_cli(*args)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err
    return err


def _list(register: Path, *more: str) -> list[dict[str, Any]]:
    code, out, err = run_as_admin(register, "breaches", "list", "--json", *more)
    assert (code, err) == (0, "")
    rows: list[dict[str, Any]] = json.loads(out)
    return rows


def test_log_with_an_offset_prints_the_reference_the_deadline_in_uk_time_and_the_hours_left(
    built_register: Path,
) -> None:
    aware = _ago(30)
    out = _log(built_register, aware.isoformat(), "--client", "c-00001")
    first, affected, categories = out.splitlines()
    match = re.fullmatch(r"(B-\d{4}-\d{4})  ICO deadline (.+)  \((\d+\.\d) hours left\)", first)
    assert match, first
    assert match[1] == f"B-{uk_date(aware).year}-0001"
    assert match[2] == uk_time(aware + timedelta(hours=72))
    assert abs(float(match[3]) - 42) <= TOLERANCE
    assert affected == "Affected (an estimate to check): 1 client, people: 1, records: 9"
    assert categories.startswith("Categories: Identity, Contact details, Postal address, Billing")


def test_log_json_gives_the_clock_in_utc(built_register: Path) -> None:
    aware = _ago(60)
    data = _log_json(built_register, aware.astimezone(UTC).isoformat(), "--operator", "fasthosts", "--risk", "risk")
    assert data["aware_at"] == aware.isoformat()
    assert data["deadline"] == (aware + timedelta(hours=72)).isoformat()
    assert abs(data["hours_left"] - 12) <= TOLERANCE and data["level"] == "urgent"
    assert [c["ref"] for c in data["affected_clients"]] == ["C-00001"]  # Fasthosts serves Zoë
    assert data["clients"] == [] and data["operators"][0]["name"] == "Fasthosts"
    assert data["categories"] == ["Contact details", "Domain registrant", "Hosted content (as processor)"]
    assert (data["risk"], data["decision"]) == ("risk", None)
    assert [e["kind"] for e in data["events"]] == ["logged"]


@pytest.mark.parametrize(
    ("written", "utc"),
    [
        ("2025-01-15T09:30", "2025-01-15T09:30:00+00:00"),  # winter: GMT
        ("2025-01-15 09:30", "2025-01-15T09:30:00+00:00"),
        ("2025-07-15T09:30", "2025-07-15T08:30:00+00:00"),  # summer: BST, an hour ahead of UTC
        ("2025-07-15 09:30:45", "2025-07-15T08:30:45+00:00"),
        ("2025-07-15T09:30+00:00", "2025-07-15T09:30:00+00:00"),  # an offset is taken as given
        ("2025-07-15T09:30Z", "2025-07-15T09:30:00+00:00"),
        ("2025-07-15T09:30-04:00", "2025-07-15T13:30:00+00:00"),
    ],
)
def test_a_time_without_an_offset_is_uk_time(built_register: Path, written: str, utc: str) -> None:
    data = _log_json(built_register, written)
    assert data["aware_at"] == utc
    assert data["deadline"] == (datetime.fromisoformat(utc) + timedelta(hours=72)).isoformat()
    assert data["level"] == "overdue" and data["hours_left"] < -1000


def test_the_hour_that_happens_twice_when_the_clocks_go_back_needs_its_offset(
    built_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _usage_error(
        capsys, "breaches", "log", "--aware-at", "2025-10-26 01:30", "--summary", "Laptop stolen",
        "--register", str(built_register),
    )  # fmt: skip
    assert err.startswith("hartdesk: argument --aware-at: 2025-10-26 01:30 happens twice in UK time")
    assert "2025-10-26T01:30+01:00 for the first time (BST) or 2025-10-26T01:30+00:00 for the second (GMT)" in err
    assert _list(built_register) == []
    first = _log_json(built_register, "2025-10-26T01:30+01:00")
    second = _log_json(built_register, "2025-10-26T01:30+00:00")
    assert (first["aware_at"], second["aware_at"]) == ("2025-10-26T00:30:00+00:00", "2025-10-26T01:30:00+00:00")
    # Across the change the deadline is 72 elapsed hours on: on the wall clock 00:30 GMT, not 01:30.
    assert first["deadline"] == "2025-10-29T00:30:00+00:00"
    assert _log_json(built_register, "2025-10-26 02:30")["aware_at"] == "2025-10-26T02:30:00+00:00"  # after: GMT


def test_the_hour_that_never_happens_when_the_clocks_go_forward_is_refused(
    built_register: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    err = _usage_error(
        capsys, "breaches", "log", "--aware-at", "2025-03-30T01:30", "--summary", "Laptop stolen",
        "--register", str(built_register),
    )  # fmt: skip
    assert "2025-03-30T01:30 does not exist in UK time (the clocks go forward" in err
    assert _log_json(built_register, "2025-03-30T00:59")["aware_at"] == "2025-03-30T00:59:00+00:00"
    assert _log_json(built_register, "2025-03-30T02:00")["aware_at"] == "2025-03-30T01:00:00+00:00"


@pytest.mark.parametrize(
    ("written", "says"),
    [("2025-11-20", "give the time of day too"), ("yesterday", "write the time as YYYY-MM-DDTHH:MM")],
)
def test_a_date_alone_or_nonsense_is_a_usage_error(
    built_register: Path, capsys: pytest.CaptureFixture[str], written: str, says: str
) -> None:
    err = _usage_error(capsys, "breaches", "log", "--aware-at", written, "--summary", "Laptop stolen")
    assert says in err


def test_awareness_in_the_future_is_refused(built_register: Path) -> None:
    code, _, err = run_as_admin(
        built_register, "breaches", "log", "--aware-at", (datetime.now(UTC) + timedelta(hours=2)).isoformat(),
        "--summary", "Laptop stolen",
    )  # fmt: skip
    assert (code, err) == (1, "hartdesk: The agency cannot become aware of a breach in the future.\n")


def test_an_unknown_client_or_operator_is_one_clear_line_and_nothing_is_logged(built_register: Path) -> None:
    aware = _ago(1).isoformat()
    code, out, err = run_as_admin(
        built_register, "breaches", "log", "--aware-at", aware, "--summary", "Laptop stolen", "--client", "C-99999"
    )
    assert (code, out, err) == (1, "", "hartdesk: There is no client C-99999.\n")
    code, _, err = run_as_admin(
        built_register, "breaches", "log", "--aware-at", aware, "--summary", "Laptop stolen", "--operator", "Nobody"
    )
    assert code == 1 and err.startswith("hartdesk: There is no operator called Nobody.") and err.count("\n") == 1
    assert _list(built_register) == []


def test_any_signed_in_staff_member_may_log(built_register: Path) -> None:
    code, out, err = run_cli(
        "breaches", "log", "--aware-at", _ago(2).isoformat(), "--summary", "Laptop stolen",
        "--register", str(built_register), "--user", STAFF, "--password-stdin", stdin=f"{STAFF_PASSWORD}\n",
    )  # fmt: skip
    assert (code, err) == (0, "")
    assert "hours left" in out.splitlines()[0]


def test_list_shows_the_hours_left_newest_first(built_register: Path) -> None:
    overdue = _log_json(built_register, _ago(80).isoformat(), summary="Backup disk lost")
    urgent = _log_json(built_register, _ago(60).isoformat(), summary="Mailbox password leaked")
    soon = _log_json(built_register, _ago(30).isoformat(), "--client", "C-00002", summary="Invoice to Acme")
    code, out, err = run_as_admin(built_register, "breaches", "list")
    assert (code, err) == (0, "")
    header, *lines = out.splitlines()
    assert header.split()[:2] == ["ref", "aware"] and "hours left" in header and "ICO ref" in header
    assert [line.split()[0] for line in lines] == [soon["ref"], urgent["ref"], overdue["ref"]]
    figures = [re.search(r"(overdue )?(\d+\.\d) h( left)?", line) for line in lines]
    assert all(figures)
    hours = [float(m[2]) * (-1 if m[1] else 1) for m in figures if m]
    for got, want in zip(hours, [42, 12, -8], strict=True):
        assert abs(got - want) <= TOLERANCE
    assert uk_time(datetime.fromisoformat(soon["aware_at"])) in lines[0]
    assert lines[0].endswith("Invoice to Acme") and "overdue" in lines[2]

    rows = _list(built_register)
    assert [r["ref"] for r in rows] == [soon["ref"], urgent["ref"], overdue["ref"]]
    assert [r["level"] for r in rows] == ["soon", "urgent", "overdue"]
    for row, want in zip(rows, [42, 12, -8], strict=True):
        assert abs(row["hours_left"] - want) <= TOLERANCE
        assert datetime.fromisoformat(row["deadline"]) - datetime.fromisoformat(row["aware_at"]) == timedelta(hours=72)
    assert rows[0]["aware_at"] == soon["aware_at"] and rows[0]["clients"] == 1
    assert (rows[0]["risk"], rows[0]["decision"], rows[0]["ico_reference"]) == (None, None, "")


def test_list_open_leaves_out_the_closed_breaches(built_register: Path) -> None:
    from hartdesk.models import BreachDecision
    from hartdesk.privacy import breaches
    from hartdesk.security.signin import sign_in
    from tests.conftest import ADMIN

    closed = _log_json(built_register, _ago(5).isoformat(), "--risk", "none")["ref"]
    still_open = _log_json(built_register, _ago(4).isoformat())["ref"]
    who = sign_in(built_register, ADMIN, ADMIN_PASSWORD)
    try:
        with who.register.session() as s:
            now = datetime.now(UTC)
            breaches.record_decision(s, ADMIN, closed, BreachDecision.NOT_NOTIFY, "Nothing personal in it", now)
            breaches.close_breach(s, ADMIN, closed, now)
    finally:
        who.lock()
    assert [r["ref"] for r in _list(built_register)] == [still_open, closed]
    assert [r["ref"] for r in _list(built_register, "--open")] == [still_open]
    out = run_as_admin(built_register, "breaches", "list")[1]
    assert "decided" in out.splitlines()[2]


def test_decide_to_report_then_show_the_timeline(built_register: Path) -> None:
    aware = _ago(10)
    ref = _log_json(built_register, aware.isoformat(), "--client", "C-00001", "--risk", "high")["ref"]
    code, _, err = run_as_admin(built_register, "breaches", "decide", ref, "--not-notify", "--reason", "Encrypted")
    assert code == 1 and "must be reported to the ICO" in err and err.count("\n") == 1
    code, out, err = run_as_admin(built_register, "breaches", "decide", ref, "--notify")
    assert (code, err) == (0, "")
    assert out.splitlines() == [
        f"{ref}  Report to the ICO",
        f"Report it to the ICO by {uk_time(aware + timedelta(hours=72))}.",
    ]

    code, out, err = run_as_admin(built_register, "breaches", "show", ref)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[0] == f"{ref}  Invoice emailed to the wrong client"
    assert "  ICO clock:   ICO decision recorded" in lines
    assert "    C-00001  Zoë Łukasiewicz-Öztürk" in lines
    timeline = lines[lines.index("Timeline:") + 1 :]
    assert [t.split("  ", 2)[2] for t in timeline] == [
        f"Logged: Invoice emailed to the wrong client. Aware since {uk_time(aware)}. (alice)",
        "Decision: Report to the ICO (alice)",
    ]

    code, out, _ = run_as_admin(built_register, "breaches", "show", ref, "--json")
    data = json.loads(out)
    assert (data["decision"], data["level"], data["hours_left"]) == ("notify", "decided", None)
    assert [e["kind"] for e in data["events"]] == ["logged", "decided"]
    code, out, _ = run_as_admin(built_register, "audit", "--action", "breach.viewed", "--json")
    assert [r["target"] for r in json.loads(out)] == [f"breach:{ref}"] * 2


def test_not_reporting_needs_the_risk_assessed_and_a_reason(built_register: Path) -> None:
    ref = _log_json(built_register, _ago(3).isoformat())["ref"]
    code, _, err = run_as_admin(built_register, "breaches", "decide", ref, "--not-notify")
    assert code == 1 and err.startswith(f"hartdesk: Give the reason not to report {ref} to the ICO with --reason")
    code, _, err = run_as_admin(built_register, "breaches", "decide", ref, "--not-notify", "--reason", "Test data")
    assert (code, err) == (
        1,
        f"hartdesk: Assess the risk of {ref} first: add --risk none, --risk risk or --risk high.\n",
    )
    # A risk that forbids the decision saves neither.
    code, _, err = run_as_admin(
        built_register, "breaches", "decide", ref, "--not-notify", "--reason", "Test data", "--risk", "high"
    )
    assert code == 1 and "must be reported" in err
    code, out, _ = run_as_admin(built_register, "breaches", "show", ref, "--json")
    assert (json.loads(out)["risk"], json.loads(out)["decision"]) == (None, None)
    code, out, err = run_as_admin(
        built_register, "breaches", "decide", ref, "--not-notify", "--reason", "Only test data", "--risk", "none"
    )
    assert (code, err) == (0, "") and out == f"{ref}  Not reported to the ICO: Only test data\n"
    code, out, _ = run_as_admin(built_register, "breaches", "show", ref, "--json")
    data = json.loads(out)
    assert (data["risk"], data["decision"], data["decision_reason"]) == ("none", "not-notify", "Only test data")
    assert [e["kind"] for e in data["events"]] == ["logged", "updated", "decided"]


def test_decide_needs_one_of_notify_or_not_notify(built_register: Path, capsys: pytest.CaptureFixture[str]) -> None:
    err = _usage_error(capsys, "breaches", "decide", "B-2026-0001", "--notify", "--not-notify", "--reason", "x")
    assert "not allowed with argument" in err
    err = _usage_error(capsys, "breaches", "decide", "B-2026-0001")
    assert "one of the arguments --notify --not-notify is required" in err


def test_an_unknown_breach_is_one_clear_line(built_register: Path) -> None:
    code, out, err = run_as_admin(built_register, "breaches", "show", "B-2026-0099")
    assert (code, out, err) == (1, "", "hartdesk: There is no breach B-2026-0099.\n")


def test_the_risk_choices_are_the_breach_risks() -> None:
    from hartdesk.cli import BREACH_RISKS
    from hartdesk.models import BreachRisk

    assert tuple(r.value for r in BreachRisk) == BREACH_RISKS
