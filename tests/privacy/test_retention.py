"""The retention review (SPEC.md §3): it lists exactly what has passed its period, applying the list takes away exactly
that (and nothing when the register changed since the list was made), and the audit log is never touched.

The register, reviewed on 1 June 2030:

- C-00001, erased on 20 November 2026 (tests/privacy/erasure_scenario.py): its invoice INV-7001 is flagged to go on
  31 March 2030 (due), INV-7002 on 31 March 2032 (not due); its two request files closed in September 2025 and
  November 2026, 24 months on (both due);
- C-00002, an active client with an invoice of January 2022, never flagged: 6 years after its financial year
  (31 March 2028), due;
- a client closed in January 2027 (due 24 months later) with an invoice of May 2025 (not due);
- a client closed in February 2027 whose domain is still active: due, but blocked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from sqlalchemy import func, select

from hartdesk import settings as settings_mod
from hartdesk.errors import ValidationError
from hartdesk.models import (
    AddressKind,
    AuditEntry,
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    ContactPoint,
    Invoice,
    InvoiceStatus,
    IssuedDocument,
    PrivacyRequest,
    RecipientNotice,
    RequestEvent,
    ServiceKind,
    ServiceStatus,
)
from hartdesk.privacy import erasure, produce, retention
from hartdesk.privacy.retention import CLIENT, INVOICE, REQUEST, DueItem
from hartdesk.register import clients, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.storage import database
from hartdesk.storage.verify import verify
from tests.conftest import ADMIN
from tests.privacy.erasure_scenario import (
    EMAILS,
    NAME,
    TODAY,
    Scenario,
    build,
    decrypted_files,
    found_by_query,
    found_in_files,
)

REVIEW_DAY = date(2030, 6, 1)
CLOSED_NAME = "Ropewalk Chandlery Ltd"
CLOSED_CONTACT = "Tamsin Pellow-Grigg"
CLOSED_EMAIL = "tamsin@ropewalk-chandlery.example"
BLOCKED_NAME = "Harbour Lights Cafe"
BLOCKED_DOMAIN = "harbour-lights-cafe.example"
BILLED = "Accounts Payable"


@dataclass
class Due:
    sc: Scenario
    closed_ref: str
    blocked_ref: str
    invoice_ids: dict[str, int]  # by number
    request_ids: dict[str, int]  # by reference


def _settings(d: Due) -> settings_mod.Settings:
    with d.sc.who.register.session() as s:
        return settings_mod.load(s)


@pytest.fixture
def due(signed_in_admin: Any) -> Iterator[Due]:
    sc = build(signed_in_admin)
    reg = sc.who.register
    with reg.session() as s:
        settings = settings_mod.load(s)
        plan = erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)
    erasure.erase(reg, ADMIN, plan, settings, TODAY)
    with reg.session() as s:
        services.add_invoice(
            s,
            ADMIN,
            sc.other_ref,
            services.InvoiceInput("INV-6001", date(2022, 1, 10), 1200, InvoiceStatus.PAID, BILLED),
        )
        closed = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                CLOSED_NAME,
                ClientKind.ORGANISATION,
                contacts=[ContactInput(CLOSED_CONTACT, "Owner", [CLOSED_EMAIL], [])],
                addresses=[AddressInput(AddressKind.BILLING, "2 Quay Street", town="Fowey", postcode="PL23 1AQ")],
            ),
            today=date(2023, 4, 1),
        )
        services.add_invoice(
            s, ADMIN, closed, services.InvoiceInput("INV-6100", date(2025, 5, 1), 9900, InvoiceStatus.PAID, BILLED)
        )
        clients.set_status(s, ADMIN, closed, ClientStatus.CLOSED, on=date(2027, 1, 15))
        blocked = clients.create_client(s, ADMIN, ClientInput(BLOCKED_NAME), today=date(2023, 4, 1))
        services.add_service(
            s,
            ADMIN,
            blocked,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                BLOCKED_DOMAIN,
                status=ServiceStatus.ACTIVE,
                start_date=date(2023, 4, 1),
                operators=["Fasthosts"],
            ),
        )
        clients.set_status(s, ADMIN, blocked, ClientStatus.CLOSED, on=date(2027, 2, 1))
        invoice_ids = {number: i for number, i in s.execute(select(Invoice.number, Invoice.id))}
        request_ids = {ref: i for ref, i in s.execute(select(PrivacyRequest.ref, PrivacyRequest.id))}
    yield Due(sc, closed, blocked, invoice_ids, request_ids)


def _snapshot(reg: Any) -> dict[str, dict[Any, tuple[Any, ...]]]:
    """Every row of every table, keyed by its id (or by the whole row, for a table without one)."""
    conn = database.connect(reg.path / "register.db", reg.data_key)
    try:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        found: dict[str, dict[Any, tuple[Any, ...]]] = {}
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            found[table] = {row[columns.index("id")] if "id" in columns else row: tuple(row) for row in cursor}
        return found
    finally:
        conn.close()


def _differences(
    before: dict[str, dict[Any, tuple[Any, ...]]], after: dict[str, dict[Any, tuple[Any, ...]]]
) -> dict[str, dict[str, set[Any]]]:
    """Per table: the ids of the rows removed, added and changed (tables without a difference left out)."""
    out = {}
    for table in sorted(set(before) | set(after)):
        old, new = before.get(table, {}), after.get(table, {})
        diff = {
            "removed": set(old) - set(new),
            "added": set(new) - set(old),
            "changed": {k for k in set(old) & set(new) if old[k] != new[k]},
        }
        if any(diff.values()):
            out[table] = {k: v for k, v in diff.items() if v}
    return out


def _expected_items(d: Due) -> list[tuple[str, str, date, str, bool]]:
    """(kind, reference, due since, rule, blocked) of every item due on REVIEW_DAY, in the review's order."""
    return [
        (CLIENT, d.closed_ref, date(2029, 1, 15), "24 months after the client closed", False),
        (CLIENT, d.blocked_ref, date(2029, 2, 1), "24 months after the client closed", True),
        (INVOICE, "INV-6001", date(2028, 3, 31), "6 years after the end of its financial year", False),
        (INVOICE, "INV-7001", date(2030, 3, 31), "the date set when the client was erased", False),
        (REQUEST, d.sc.earlier_ref, date(2027, 9, 20), "24 months after the request closed", False),
        (REQUEST, d.sc.request_ref, date(2028, 11, 20), "24 months after the request closed", False),
    ]


def _review(d: Due, today: date = REVIEW_DAY) -> list[DueItem]:
    with d.sc.who.register.session() as s:
        return retention.review(s, settings_mod.load(s), today)


def test_the_review_lists_exactly_what_is_due_and_applying_it_removes_exactly_that(due: Due) -> None:
    d = due
    reg = d.sc.who.register
    items = _review(d)
    assert [(i.kind, i.ref, i.due_since, i.rule, bool(i.blocked)) for i in items] == _expected_items(d)
    blocked = next(i for i in items if i.blocked)
    # Why it is blocked, in words an admin can act on: its domain is still running.
    assert BLOCKED_DOMAIN in blocked.blocked and "end or transfer it" in blocked.blocked, blocked.blocked
    assert f"Invoice INV-7001 of 31 March 2024 ({d.sc.client_ref})" == next(
        i.what for i in items if i.ref == "INV-7001"
    )
    # Not due: INV-7002 (flagged for 2032), INV-6100 (its year ends 31 March 2026, so 2032), the erased client.
    assert not {"INV-7002", "INV-6100", d.sc.client_ref} & {i.ref for i in items}
    with reg.session() as s:
        assert retention.count_due(s, settings_mod.load(s), REVIEW_DAY) == 5
        closed_id = s.scalar(select(Client.id).where(Client.ref == d.closed_ref))
        closed_contacts = set(s.scalars(select(Contact.id).where(Contact.client_id == closed_id)))
        closed_points = set(s.scalars(select(ContactPoint.id).where(ContactPoint.contact_id.in_(closed_contacts))))
        going_requests = {d.request_ids[d.sc.earlier_ref], d.request_ids[d.sc.request_ref]}
        going_events = set(s.scalars(select(RequestEvent.id).where(RequestEvent.request_id.in_(going_requests))))
        going_notices = set(s.scalars(select(RecipientNotice.id).where(RecipientNotice.request_id.in_(going_requests))))
        documents = set(s.scalars(select(IssuedDocument.id).where(IssuedDocument.request_id.in_(going_requests))))
        audit_before = s.scalar(select(func.count()).select_from(AuditEntry))
    assert closed_contacts and closed_points and going_events and going_notices and documents
    assert found_by_query(reg, (CLOSED_CONTACT, CLOSED_EMAIL)).keys() == {CLOSED_CONTACT, CLOSED_EMAIL}
    before = _snapshot(reg)

    done = retention.apply_and_wipe(reg, ADMIN, _settings(d), REVIEW_DAY, items)

    assert done == [i for i in items if not i.blocked]
    after = _snapshot(reg)
    diff = _differences(before, after)
    search_tables = {t for t in diff if t.startswith("client_search")}  # the closed client's search row
    assert search_tables
    addresses_gone = {k for k in before["addresses"] if before["addresses"][k][1] == closed_id}
    assert {t: v for t, v in diff.items() if t not in search_tables} == {
        # The invoices and request files due, with their timelines and notices; the closed client's personal data.
        "invoices": {
            "removed": {d.invoice_ids["INV-6001"], d.invoice_ids["INV-7001"]},
            "changed": {d.invoice_ids["INV-6100"]},  # kept for tax, now flagged with its date
        },
        "privacy_requests": {"removed": going_requests},
        "request_events": {"removed": going_events},
        "recipient_notices": {"removed": going_notices},
        "contacts": {"removed": closed_contacts},
        "contact_points": {"removed": closed_points},
        "addresses": {"removed": addresses_gone},
        "clients": {"changed": {closed_id}},  # the tombstone
        # What points at the removed request files loses the link; the closed client's erasure is recorded.
        "issued_documents": {"changed": documents},
        "erasures": {"changed": {1}, "added": {2}},
        # The audit log only grows.
        "audit_log": {"added": set(range(audit_before + 1, audit_before + 1 + len(diff["audit_log"]["added"])))},
    }
    assert all(after["audit_log"][k] == row for k, row in before["audit_log"].items())
    with reg.session() as s:
        invoice = s.get(Invoice, d.invoice_ids["INV-6100"])
        assert invoice is not None and invoice.delete_on == date(2032, 3, 31)
        actions = list(s.scalars(select(AuditEntry.action).where(AuditEntry.id > audit_before).order_by(AuditEntry.id)))
        assert actions == ["client.erased", "retention.applied"]
        assert s.scalar(select(Client.status).where(Client.id == closed_id)) is ClientStatus.ERASED
    # The closed client's personal data is gone from the rows and the file; the audit chain still holds.
    assert found_by_query(reg, (CLOSED_CONTACT, CLOSED_EMAIL, CLOSED_NAME)) == {}
    files = decrypted_files(reg.path, reg.data_key)
    assert not found_in_files(files, CLOSED_CONTACT) and not found_in_files(files, CLOSED_EMAIL)
    assert all(check.ok for check in verify(reg)), verify(reg)

    # Only the blocked client is left to do; applying the list again does nothing.
    again = _review(d)
    assert [(i.kind, i.ref, bool(i.blocked)) for i in again] == [(CLIENT, d.blocked_ref, True)]
    assert retention.apply_and_wipe(reg, ADMIN, _settings(d), REVIEW_DAY, again) == []
    assert _differences(after, _snapshot(reg)) == {}


def test_a_list_made_before_the_register_changed_is_refused_and_changes_nothing(due: Due) -> None:
    d = due
    reg = d.sc.who.register
    items = _review(d)
    assert len(items) == 6
    before = _snapshot(reg)
    # The same list, applied later, when one more invoice (INV-7002, flagged for 31 March 2032) has become due.
    later = date(2032, 4, 1)
    assert "INV-7002" in {i.ref for i in _review(d, later)}
    with pytest.raises(ValidationError, match=r"^The register changed since the list was made: look at the list"):
        retention.apply_and_wipe(reg, ADMIN, _settings(d), later, items)
    assert _snapshot(reg) == before

    # And on the same day, after one more invoice became due by an edit.
    with reg.session() as s:
        services.add_invoice(
            s,
            ADMIN,
            d.sc.other_ref,
            services.InvoiceInput("INV-5999", date(2021, 5, 1), 500, InvoiceStatus.PAID, BILLED),
        )
    changed = _snapshot(reg)
    with pytest.raises(ValidationError, match=r"^The register changed since the list was made"):
        retention.apply_and_wipe(reg, ADMIN, _settings(d), REVIEW_DAY, items)
    assert _snapshot(reg) == changed
    assert [i.ref for i in _review(d) if i.kind == INVOICE] == ["INV-5999", "INV-6001", "INV-7001"]


def test_a_request_file_leaves_no_name_or_address_on_the_documents_sent_for_it(due: Due) -> None:
    """The erasure keeps the requester's name and email on its request only until the request file's date; the
    confirmation letter sent after the erasure must not keep them longer on its record of the document."""
    d = due
    reg = d.sc.who.register
    with reg.session() as s:
        settings = settings_mod.load(s)
        made = produce.make_erasure_confirmation(s, d.sc.request_ref, settings, TODAY, for_post=False)
        produce.email_draft(s, ADMIN, made, produce.default_email(made, settings, False), settings)
    kept = (NAME, EMAILS[0])
    assert {hit[0] for hits in found_by_query(reg, kept).values() for hit in hits} == {
        "privacy_requests",
        "request_events",
        "issued_documents",
    }

    retention.apply_and_wipe(reg, ADMIN, _settings(d), REVIEW_DAY, _review(d))

    assert found_by_query(reg, kept) == {}
    with reg.session() as s:  # the record that the letter was sent stays, without whom it went to
        letter = s.scalar(select(IssuedDocument).where(IssuedDocument.title == made.title))
        assert letter is not None and letter.request_id is None and (letter.recipient, letter.delivered_to) == ("", "")


@example(issued=date(2020, 3, 31), today=date(2026, 3, 31), years=6, year_end="03-31")  # due on the day itself
@example(issued=date(2020, 4, 1), today=date(2027, 3, 30), years=6, year_end="03-31")
@given(
    issued=st.dates(date(2000, 1, 1), date(2040, 12, 31)),
    today=st.dates(date(2000, 1, 1), date(2050, 12, 31)),
    years=st.integers(1, 20),
    year_end=st.sampled_from(["03-31", "12-31", "04-05", "02-28", "01-01", "09-30"]),
)
def test_the_invoice_cutoff_agrees_with_each_invoices_own_retention_date(
    issued: date, today: date, years: int, year_end: str
) -> None:
    from hartdesk.privacy.retention import last_due_issue_date
    from hartdesk.register.whoholds import tax_retention_until

    s = settings_mod.Settings(invoice_retention_years=years, financial_year_end=year_end)
    assert (issued <= last_due_issue_date(s, today)) == (tax_retention_until(issued, s) <= today)
