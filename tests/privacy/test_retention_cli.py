"""``hartdesk retention [--dry-run | --apply]``: the list of what has passed its retention period, and deleting
exactly that list (administrators only).

:func:`build_due` makes a register with something of every kind due, one closed client that cannot go yet and a few
records that are not due; the retention screen and the Home reminder use it too. Its dates are counted back from
today, because the command line reads today's date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from dateutil.relativedelta import relativedelta
from sqlalchemy import select

from hartdesk import settings as settings_mod
from hartdesk.dates import uk_today
from hartdesk.models import Client, ClientStatus, Invoice, InvoiceStatus, PrivacyRequest, ServiceKind, ServiceStatus
from hartdesk.models.enums import RequestChannel, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.privacy import retention
from hartdesk.register import clients, services
from hartdesk.register.clients import ClientInput
from hartdesk.security.signin import sign_in
from tests.conftest import ADMIN, ADMIN_PASSWORD, STAFF, STAFF_PASSWORD, run_as_admin, run_cli


@dataclass(frozen=True)
class Due:
    closed: tuple[str, str]  # two closed clients, due
    blocked: str  # closed long ago, but its hosting still runs
    current: str  # an active client with old invoices
    recent: str  # closed three months ago: not due
    invoices: tuple[str, ...]  # due
    kept_invoice: str  # issued last year: not due
    request_file: str  # closed over three years ago: due
    recent_request: str  # closed last month: not due

    @property
    def can_go(self) -> set[str]:
        return {*self.closed, *self.invoices, self.request_file}


def build_due(who: Any, today: date) -> Due:
    """Something of every kind due on ``today``, one blocked client and a few records that are not due."""

    def ago(months: int = 0, years: int = 0) -> date:
        return today - relativedelta(months=months, years=years)

    with who.register.session() as s:
        settings = settings_mod.load(s)

        def client(name: str, closed_on: date | None, service: ServiceStatus | None = ServiceStatus.ENDED) -> str:
            ref = clients.create_client(s, ADMIN, ClientInput(name=name), today=ago(years=6))
            if service is not None:
                services.add_service(
                    s,
                    ADMIN,
                    ref,
                    services.ServiceInput(
                        ServiceKind.WEB_HOSTING,
                        f"{name.split()[0].lower()}.example",
                        status=service,
                        start_date=ago(years=6),
                        end_date=closed_on if service is ServiceStatus.ENDED else None,
                    ),
                )
            if closed_on is not None:
                clients.set_status(s, ADMIN, ref, ClientStatus.CLOSED, closed_on)
            return ref

        closed = (client("Hollowell Florists", ago(years=4)), client("Ketteridge Joinery", ago(months=30)))
        blocked = client("Penhallow Surf School", ago(months=26), ServiceStatus.ACTIVE)
        current = client("Trevose Bakery", None, ServiceStatus.ACTIVE)
        recent = client("Zennor Pottery", ago(months=3))
        invoices = ("INV-0901", "INV-0902", "INV-0903")
        for number, issued in zip(invoices, (ago(years=9), ago(years=8), ago(years=7, months=6)), strict=True):
            services.add_invoice(
                s, ADMIN, current, services.InvoiceInput(number, issued, 9900, InvoiceStatus.PAID, "Trevose", "Truro")
            )
        services.add_invoice(
            s,
            ADMIN,
            current,
            services.InvoiceInput("INV-1001", ago(years=1), 9900, InvoiceStatus.PAID, "Trevose", "Truro"),
        )

        def answered_request(name: str, closed_on: date) -> str:
            received = closed_on - relativedelta(days=10)
            data = rq.RequestInput(RequestType.ACCESS, RequestChannel.POST, received, name)
            ref = rq.log_request(s, ADMIN, data, settings, received).ref
            rq.complete(s, ADMIN, ref, closed_on, "Data report sent", settings, closed_on)
            return ref

        old_request = answered_request("Morwenna Tregear", ago(months=39))
        new_request = answered_request("Jory Pascoe", ago(months=1))
    return Due(closed, blocked, current, recent, invoices, "INV-1001", old_request, new_request)


@pytest.fixture
def due(register_dir: Path) -> Due:
    """:func:`build_due` on the test register, closed again (the command line opens it itself)."""
    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        return build_due(who, uk_today())
    finally:
        who.lock()


def list_lines(out: str) -> list[str]:
    """The list a run printed (every line but the summary at the end)."""
    return out.splitlines()[:-1]


def test_dry_run_is_the_default_and_lists_what_is_due(register_dir: Path, due: Due) -> None:
    code, out, err = run_as_admin(register_dir, "retention")

    assert code == 0, err
    assert err == ""
    code, dry, err = run_as_admin(register_dir, "retention", "--dry-run")
    assert code == 0, err
    assert dry == out
    lines = list_lines(out)
    refs = [line[15:].split()[0] for line in lines if not line.startswith(" ")]  # after the kind, 14 wide
    assert set(refs) == due.can_go | {due.blocked}
    first = next(line for line in lines if due.closed[0] in line)
    assert first.startswith(f"Closed client  {due.closed[0]}")
    assert "due since " in first and first.endswith("24 months after the client closed")
    invoice = next(line for line in lines if due.invoices[0] in line)
    assert invoice.startswith("Invoice") and invoice.endswith("6 years after the end of its financial year")
    request = next(line for line in lines if due.request_file in line)
    assert request.startswith("Request file") and request.endswith("24 months after the request closed")
    blocked_at = next(i for i, line in enumerate(lines) if due.blocked in line)
    assert lines[blocked_at + 1].strip().startswith("cannot go yet: penhallow.example")
    assert out.splitlines()[-1] == (
        "6 records can go now, 1 cannot go yet; nothing was changed (dry run). Run again with --apply to delete them."
    )
    for kept in (due.recent, due.kept_invoice, due.recent_request):
        assert kept not in out


def test_apply_prints_the_same_list_and_removes_exactly_that(register_dir: Path, due: Due) -> None:
    code, dry, err = run_as_admin(register_dir, "retention", "--dry-run")
    assert code == 0, err

    code, out, err = run_as_admin(register_dir, "retention", "--apply")

    assert code == 0, err
    assert err == ""
    assert list_lines(out) == list_lines(dry)
    assert out.splitlines()[-1] == "Removed: 2 closed clients erased, 3 invoices and 1 request file deleted."

    who = sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        with who.register.session() as s:
            status = {ref: value for ref, value in s.execute(select(Client.ref, Client.status))}
            names = set(s.scalars(select(Client.name)))
            invoices = set(s.scalars(select(Invoice.number)))
            requests = set(s.scalars(select(PrivacyRequest.ref)))
            left = retention.review(s, settings_mod.load(s), uk_today())
    finally:
        who.lock()
    assert status[due.closed[0]] is status[due.closed[1]] is ClientStatus.ERASED
    assert not {"Hollowell Florists", "Ketteridge Joinery"} & names
    assert status[due.blocked] is status[due.recent] is ClientStatus.CLOSED
    assert status[due.current] is ClientStatus.ACTIVE
    assert invoices == {due.kept_invoice}
    assert requests == {due.recent_request}
    assert [(item.ref, bool(item.blocked)) for item in left] == [(due.blocked, True)]

    code, out, err = run_as_admin(register_dir, "retention", "--apply")  # again: only the blocked client is left
    assert code == 0, err
    assert out.splitlines()[-1] == "Nothing could go yet."
    code, out, err = run_as_admin(register_dir, "retention")
    assert out.splitlines()[-1] == "Nothing can go now: 1 record cannot go yet."


def test_json(register_dir: Path, due: Due) -> None:
    code, out, err = run_as_admin(register_dir, "retention", "--json")

    assert code == 0, err
    data = json.loads(out)
    assert data["applied"] is False
    assert data["removed"] == {"clients": 0, "invoices": 0, "request_files": 0}
    blocked = [item for item in data["items"] if item["blocked"]]
    assert [item["ref"] for item in blocked] == [due.blocked]
    item = next(item for item in data["items"] if item["ref"] == due.request_file)
    assert item["kind"] == "request" and item["kind_label"] == "Request file"
    assert date.fromisoformat(item["due_since"]) <= uk_today()

    code, out, err = run_as_admin(register_dir, "retention", "--apply", "--json")
    assert code == 0, err
    data = json.loads(out)
    assert data["applied"] is True
    assert data["removed"] == {"clients": 2, "invoices": 3, "request_files": 1}


def test_nothing_due(register_dir: Path) -> None:
    code, out, err = run_as_admin(register_dir, "retention", "--apply")

    assert (code, out, err) == (0, "Nothing has passed its retention period.\n", "")


def test_staff_are_refused(register_dir: Path, due: Due) -> None:
    for mode in ("--dry-run", "--apply"):
        code, out, err = run_cli(
            "retention",
            mode,
            "--register",
            str(register_dir),
            "--user",
            STAFF,
            "--password-stdin",
            stdin=STAFF_PASSWORD + "\n",
        )
        assert (code, out, err) == (1, "", "hartdesk: Only an administrator can do this.\n")
    code, out, _ = run_as_admin(register_dir, "retention")
    assert "6 records can go now" in out


def test_dry_run_and_apply_cannot_be_given_together(register_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exc:
        run_as_admin(register_dir, "retention", "--dry-run", "--apply")

    assert exc.value.code == 2
    assert "--apply: not allowed with argument --dry-run" in capsys.readouterr().err
