"""Erasure (UK GDPR Art. 17, SPEC.md §3): the plan says what goes and what stays; the erasure does exactly that, in one
transaction, and leaves nothing of what went — not in any row, not in the search index, not in the file's free pages
or its WAL (read page by page with tests/sqlcipher_pages.py), not in the keyring.

The client of tests/privacy/erasure_scenario.py has personal data in every corner; every check here is also made
before the erasure, where it must find the data, so that a check which cannot see anything cannot pass.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from hartdesk import settings as settings_mod
from hartdesk.dates import format_uk_date
from hartdesk.errors import ValidationError
from hartdesk.models import (
    Client,
    ClientStatus,
    ContactPoint,
    Credential,
    Erasure,
    Invoice,
    PendingKeyringDeletion,
    PointKind,
    PrivacyRequest,
    ServiceKind,
    ServiceStatus,
    credential_clients,
)
from hartdesk.models.enums import RequestChannel, RequestStatus, RequestType
from hartdesk.privacy import erasure, notices, produce, requests
from hartdesk.privacy.erasure import DELETE, KEEP, REDUCE, Row
from hartdesk.privacy.requests import RequestInput
from hartdesk.register import search, services
from hartdesk.register.fields import fold
from hartdesk.security import keyrings, signin
from hartdesk.security.vault import entry_name, get_credential, otp_entry_name
from tests.conftest import ADMIN, ADMIN_PASSWORD, run_as_admin
from tests.keyrings import MemoryKeyring
from tests.pdfs import pdf_text
from tests.privacy import erase_and_die
from tests.privacy.erasure_scenario import (
    ADDRESS_LINES,
    BILLED_ADDRESS,
    BILLED_NAME,
    DOMAIN,
    EMAILS,
    ERASED_VALUES,
    KEPT_ON_REQUEST,
    LOGIN_OWN,
    LOGIN_SHARED,
    NAME,
    NOTES,
    ORG_CONTACT,
    ORG_CONTACT_EMAILS,
    ORG_ERASED_VALUES,
    ORG_KEPT_VALUES,
    ORG_NAME,
    ORG_STAYING,
    PARTNER,
    PHONE_TYPED,
    PHONES,
    REQUEST_ADDRESS,
    SECRET_OWN,
    SECRET_SHARED,
    TODAY,
    Organisation,
    Scenario,
    all_rows,
    build,
    build_organisation,
    decrypted_files,
    found_by_query,
    found_by_search,
    found_in_files,
    live_copy,
)
from tests.sqlcipher_pages import PAGE_SIZE, RESERVE, PageError, plaintext_pages, plaintext_wal

ROOT = Path(__file__).resolve().parents[2]
# What a clerk could type into the client search to find the client.
SEARCHABLE = (NAME, PARTNER, *EMAILS, PHONE_TYPED, *PHONES, DOMAIN, ADDRESS_LINES[2], "Quarrendon")
NOT_STORED_AS_TYPED = {PHONE_TYPED}  # kept in E.164 only: found through the search, never as written
INVOICE_UNTIL = {"INV-7001": date(2030, 3, 31), "INV-7002": date(2032, 3, 31)}  # 6 years after their year's end
REQUEST_UNTIL = date(2028, 11, 20)  # the request file: 24 months after it was closed (today)
EARLIER_UNTIL = date(2027, 9, 20)  # the earlier request, closed on 20 September 2025


@pytest.fixture
def scenario(signed_in_admin: Any) -> Scenario:
    return build(signed_in_admin)


def _settings(sc: Scenario) -> settings_mod.Settings:
    with sc.who.register.session() as s:
        return settings_mod.load(s)


def _plan(
    sc: Scenario, request_ref: str | None = None, *, client_ref: str = "", contact_id: int | None = None
) -> erasure.ErasurePlan:
    """The plan to erase the scenario's client (or ``client_ref``) under its erasure request (or ``request_ref``)."""
    with sc.who.register.session() as s:
        return erasure.plan(
            s,
            client_ref or sc.client_ref,
            settings_mod.load(s),
            TODAY,
            request_ref=sc.request_ref if request_ref is None else request_ref,
            contact_id=contact_id,
        )


def _erase(sc: Scenario, plan: erasure.ErasurePlan) -> erasure.ErasureResult:
    return erasure.erase(sc.who.register, ADMIN, plan, _settings(sc), TODAY)


def _text(pdf: bytes) -> str:
    """A PDF's text with its line breaks and runs of spaces made single spaces."""
    return " ".join(pdf_text(pdf).split())


def _service(sc: Scenario) -> str:
    return keyrings.service_name(sc.who.register.register_id)


def _by_table(rows: frozenset[Row]) -> Counter[tuple[str, str]]:
    return Counter((r.table, r.action) for r in rows)


# -- the page reader the leftover checks rely on -------------------------------------------------------------------


def test_the_page_reader_decrypts_the_registers_own_file(signed_in_admin: Any, tmp_path: Path) -> None:
    reg = signed_in_admin.register
    key = reg.data_key
    conn = reg.engine.raw_connection()
    try:
        # The layout the reader assumes, as the register itself reports it.
        settings = {
            p: str(conn.execute(f"PRAGMA {p}").fetchone()[0])
            for p in ("cipher_page_size", "cipher_hmac_algorithm", "cipher_plaintext_header_size", "cipher_use_hmac")
        }
        assert settings == {
            "cipher_page_size": str(PAGE_SIZE),
            "cipher_hmac_algorithm": "HMAC_SHA512",
            "cipher_plaintext_header_size": "0",
            "cipher_use_hmac": "1",
        }
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.execute("CREATE TABLE probe (x TEXT)")
        conn.execute("INSERT INTO probe VALUES ('a needle only the WAL holds')")
        conn.commit()
    finally:
        conn.close()
    db, wal = reg.path / "register.db", reg.path / "register.db-wal"
    assert b"SQLite format 3" not in db.read_bytes()[:100]  # the file itself is encrypted

    pages = plaintext_pages(db, key)
    assert len(pages) == db.stat().st_size
    # Page 1 after the salt: SQLite's header — page size 4096, WAL (file format 2, 2), 80 bytes reserved per page.
    assert pages[:16] == b"SQLite format 3\x00"
    assert pages[16:24] == bytes([0x10, 0x00, 2, 2, RESERVE, 64, 32, 32])
    assert b"CREATE TABLE clients" in pages
    assert b"a needle only the WAL holds" not in pages
    assert b"a needle only the WAL holds" in plaintext_wal(wal, key)

    # The decrypted pages, the WAL checkpointed into them, are a database SQLite itself opens.
    reg.engine.dispose()
    conn = reg.engine.raw_connection()
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    plain = tmp_path / "plain.db"
    plain.write_bytes(plaintext_pages(db, key))
    opened = sqlite3.connect(plain)
    try:
        assert opened.execute("SELECT x FROM probe").fetchall() == [("a needle only the WAL holds",)]
        assert opened.execute("SELECT username FROM staff ORDER BY id").fetchall() == [("alice",), ("bob",)]
    finally:
        opened.close()
    # A wrong key does not authenticate, so the reader can never quietly return garbage.
    with pytest.raises(PageError, match="page 1 does not authenticate"):
        plaintext_pages(db, bytes(32))


# -- the plan ------------------------------------------------------------------------------------------------------


def test_the_plan_says_what_goes_what_stays_until_when_and_who_is_told(scenario: Scenario) -> None:
    sc = scenario
    p = _plan(sc)
    assert p.can_run, p.blockers
    assert (p.client_ref, p.request_ref, p.scope, p.subject, p.as_of) == (
        sc.client_ref,
        sc.request_ref,
        erasure.CLIENT,
        NAME,
        TODAY,
    )
    assert p.erased == (
        "your name",
        "the names and roles of 2 contacts",
        "2 email addresses",
        "1 phone number",
        "1 postal address",
        "the notes on your record",
        "the reference of how you pay",
        "your marketing consent history (1 entry)",
        "1 service you had with us (domain names, plans and any registrant details)",
        "your name, contact details and messages on 1 earlier request (the record that we dealt with each stays)",
        "2 files kept with your requests and agreements (letters, emails)",
        "your name on 1 document we sent you (we keep the record that it was sent)",
        "1 login we kept for your accounts with other companies (passwords included)",
    )
    # The admin checking the plan sees the values, the notes included.
    details = "\n".join(p.details)
    for value in (NAME, PARTNER, *EMAILS, *PHONES, DOMAIN, ADDRESS_LINES[0], ADDRESS_LINES[2], NOTES):
        assert value in details

    # Kept: the tombstone (nothing personal), each invoice until 6 years after its year's end, the request files.
    assert {(k.what, k.ground, k.until) for k in p.kept} == {
        (
            f"a note that client {sc.client_ref} existed and was erased",
            "invoices and request files still point at it; it holds no personal data",
            None,
        ),
        *(
            (
                f"1 invoice ({number}): number, date, amount and the name and address billed",
                erasure.TAX_GROUND,
                until,
            )
            for number, until in INVOICE_UNTIL.items()
        ),
        (
            f"this request ({sc.request_ref}): your name and how to reach you, to send you this letter",
            erasure.REQUEST_GROUND,
            REQUEST_UNTIL,
        ),
        (
            f"the record of request {sc.earlier_ref} (without your name or contact details)",
            erasure.REQUEST_GROUND,
            EARLIER_UNTIL,
        ),
    }
    assert [k.until for k in p.kept if k.until is not None] == [k.until for k in p.letter_kept()]
    # The own login goes (with its keyring entry); the shared one only loses its link to this client.
    assert {(x.credential_id, x.account_name, x.deleted) for x in p.logins} == {
        (sc.login_own, LOGIN_OWN, True),
        (sc.login_shared, LOGIN_SHARED, False),
    }
    assert {Row("credentials", sc.login_own, DELETE), Row("credentials", sc.login_shared, KEEP)} <= p.rows
    # Art. 19: both operators that received the data, with the categories (never the values).
    assert {(n.operator_id, n.operator_name, n.categories) for n in p.notices} == {
        (sc.fasthosts, "Fasthosts", ("Contact details", "Domain registrant")),
        (sc.mailchimp, "Mailchimp", ("Contact details",)),
    }
    assert sorted(a.filename for a in p.attachments) == ["Tolgarrick lease.txt", "message.txt"]
    # Every row the erasure touches, by table and what happens to it.
    assert _by_table(p.rows) == {
        ("clients", REDUCE): 1,
        ("contacts", DELETE): 2,
        ("contact_points", DELETE): 3,  # 2 email addresses and a phone number
        ("addresses", DELETE): 1,
        ("consent_events", DELETE): 1,
        ("services", DELETE): 1,
        ("invoices", KEEP): 2,
        ("credentials", DELETE): 1,
        ("credentials", KEEP): 1,
        ("privacy_requests", REDUCE): 2,
        ("request_events", REDUCE): 6,
        ("issued_documents", REDUCE): 1,
        ("attachments", DELETE): 2,
    }
    # Making the plan changed nothing, so making it again gives the same plan.
    assert _plan(sc).digest() == p.digest()


def test_a_running_service_and_another_open_request_block_the_erasure(scenario: Scenario) -> None:
    sc = scenario
    with sc.who.register.session() as s:
        services.add_service(
            s,
            ADMIN,
            sc.client_ref,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                "still-running-wqf.example",
                status=ServiceStatus.ACTIVE,
                start_date=date(2024, 1, 1),
                operators=["Fasthosts"],
            ),
        )
        other = requests.log_request(
            s,
            ADMIN,
            RequestInput(RequestType.ACCESS, RequestChannel.POST, date(2026, 11, 10), NAME, client_ref=sc.client_ref),
            settings_mod.load(s),
            date(2026, 11, 10),
        ).ref
    p = _plan(sc)
    assert not p.can_run
    assert any(
        b.startswith("still-running-wqf.example (domain registration) is still active: end or transfer it")
        for b in p.blockers
    ), p.blockers
    assert f"{other} (access (a copy of their data)) is still open: finish or withdraw it first." in p.blockers
    before = all_rows(sc.who.register)
    with pytest.raises(ValidationError, match="is still active: end or transfer it first"):
        _erase(sc, p)
    assert all_rows(sc.who.register) == before


@pytest.mark.parametrize("case", ["not-erasure", "unverified"])
def test_a_request_that_does_not_allow_the_erasure_is_refused(scenario: Scenario, case: str) -> None:
    sc = scenario
    if case == "not-erasure":
        ref = sc.earlier_ref
        expected = [
            f"{ref} is a request for access (a copy of their data), not for erasure.",
            f"{ref} is already completed: reopen it first",
        ]
    else:
        with sc.who.register.session() as s:
            ref = requests.log_request(
                s,
                ADMIN,
                RequestInput(
                    RequestType.ERASURE, RequestChannel.PHONE, date(2026, 11, 12), NAME, client_ref=sc.client_ref
                ),
                settings_mod.load(s),
                date(2026, 11, 12),
            ).ref
        expected = [f"The identity of the person behind {ref} is not confirmed: record it as checked before erasing"]
    p = _plan(sc, ref)
    assert not p.can_run
    for message in expected:
        assert any(b.startswith(message) for b in p.blockers), (message, p.blockers)
    before = all_rows(sc.who.register)
    with pytest.raises(ValidationError, match=re.escape(expected[0])):
        _erase(sc, p)
    assert all_rows(sc.who.register) == before


def test_an_erased_client_cannot_be_erased_again_nor_reported_on(scenario: Scenario) -> None:
    sc = scenario
    _erase(sc, _plan(sc))
    with sc.who.register.session() as s:
        settings = settings_mod.load(s)
        with pytest.raises(ValidationError, match=rf"^{sc.client_ref} was already erased on 20 November 2026\.$"):
            erasure.plan(s, sc.client_ref, settings, TODAY, request_ref=sc.request_ref)
        with pytest.raises(ValidationError, match=rf"^{sc.client_ref} was erased on 20 November 2026: there is no "):
            produce.make_data_report(s, sc.client_ref, settings, TODAY)
        with pytest.raises(ValidationError, match=rf"^{sc.client_ref} was erased: there is no client left to make"):
            produce.make_dpa(s, sc.client_ref, settings, TODAY)


# -- nothing erased is left anywhere -------------------------------------------------------------------------------


def _request_id(sc: Scenario, ref: str) -> int:
    with sc.who.register.session() as s:
        found = s.scalar(select(PrivacyRequest.id).where(PrivacyRequest.ref == ref))
    assert found is not None
    return found


def _invoices(sc: Scenario) -> dict[str, tuple[Any, ...]]:
    with sc.who.register.session() as s:
        rows = s.execute(
            select(
                Invoice.number,
                Invoice.id,
                Invoice.issued_on,
                Invoice.amount_pence,
                Invoice.status,
                Invoice.billed_name,
                Invoice.billed_address,
                Invoice.delete_on,
            ).where(Invoice.client_id == sc.client_id)
        )
        return {row[0]: tuple(row[1:]) for row in rows}


def _leftovers(sc: Scenario, values: tuple[str, ...]) -> dict[str, list[str]]:
    """Where each value can still be found: a table column, the client search, the decrypted register.db or WAL."""
    reg = sc.who.register
    files = decrypted_files(reg.path, reg.data_key)
    by_query = found_by_query(reg, values)
    found: dict[str, list[str]] = {}
    with reg.session() as s:
        for value in values:
            places = sorted(found_in_files(files, value))
            places += sorted(f"{table}.{column}" for table, column, _ in by_query.get(value, ()))
            places += sorted(f"search:{hit}" for hit in found_by_search(s, value)) if value in SEARCHABLE else []
            if places:
                found[value] = places
    return found


def test_after_the_erasure_nothing_erased_is_left_anywhere_and_the_kept_items_are_exactly_the_plans(
    scenario: Scenario, memory_keyring: MemoryKeyring, register_dir: Path
) -> None:
    sc = scenario
    reg = sc.who.register
    key = reg.data_key
    request_id, earlier_id = _request_id(sc, sc.request_ref), _request_id(sc, sc.earlier_ref)
    own = (_service(sc), entry_name(sc.login_own))
    shared = (_service(sc), entry_name(sc.login_shared))
    values = (*ERASED_VALUES, NAME, fold(NAME))

    # Before: every check finds every value, so the same checks finding nothing afterwards mean something.
    before = _leftovers(sc, values)
    assert set(before) == set(values), set(values) - set(before)
    files = {"register.db", "register.db-wal"}
    for value in values:
        places = set(before[value])
        if value not in NOT_STORED_AS_TYPED:
            assert places & files, (value, places)  # in the decrypted bytes
            assert places - files - {p for p in places if p.startswith("search:")}, (value, places)  # in a row
    assert "clients.name" in before[NAME] and "clients.sort_name" in before[fold(NAME)]
    with reg.session() as s:
        for value in SEARCHABLE:  # the client list's search and the global search (Ctrl+K)
            assert {sc.client_ref, f"client:{sc.client_ref}"} <= found_by_search(s, value), value
    assert memory_keyring.secrets[own] == SECRET_OWN and memory_keyring.secrets[shared] == SECRET_SHARED
    invoices_before = _invoices(sc)
    p = _plan(sc)

    result = _erase(sc, p)

    assert result.rows == p.rows
    assert result.keyring_entries_left == 0
    # Gone from every row, the search index, the search itself, the file's pages (free ones too) and its WAL.
    after = _leftovers(sc, ERASED_VALUES)
    assert after == {}
    # The name as the client's sort name and search row held it, folded (the request keeps it as written).
    assert not [f for f, data in decrypted_files(reg.path, key).items() if fold(NAME).encode() in data]
    with reg.session() as s:
        for value in SEARCHABLE:
            assert found_by_search(s, value) == set(), value
        client = s.get(Client, sc.client_id)
        assert client is not None
        assert (client.name, client.status, client.erased_on) == (
            f"Erased client {sc.client_ref}",
            ClientStatus.ERASED,
            TODAY,
        )
        assert (
            client.notes == f"Erased client {sc.client_ref}, erased on 20 November 2026 under request {sc.request_ref}."
        )

    # What stays is exactly what the plan keeps: on the erasure request the name, email and postal address the
    # confirmation goes to; on the invoices the name and address billed. Nothing else of the person's is anywhere.
    kept = found_by_query(reg, (NAME, EMAILS[0], REQUEST_ADDRESS, BILLED_NAME, BILLED_ADDRESS))
    invoice_ids = {row[0] for row in invoices_before.values()}
    assert kept == {
        NAME: {("privacy_requests", "requester_name", request_id)},
        EMAILS[0]: {("privacy_requests", "requester_email", request_id)},
        REQUEST_ADDRESS: {("privacy_requests", "requester_address", request_id)},
        BILLED_NAME: {("invoices", "billed_name", i) for i in invoice_ids},
        BILLED_ADDRESS: {("invoices", "billed_address", i) for i in invoice_ids},
    }
    request_fields = next(k.fields for k in p.kept if sc.request_ref in k.what)
    assert "the requester's name, email and postal address" in request_fields
    assert all("name and address billed" in k.fields for k in p.kept if k.ground == erasure.TAX_GROUND)
    with reg.session() as s:
        this, earlier = s.get(PrivacyRequest, request_id), s.get(PrivacyRequest, earlier_id)
        assert this is not None and earlier is not None
        assert {k: getattr(this, k) for k in KEPT_ON_REQUEST} == KEPT_ON_REQUEST
        assert (this.requester_phone, this.details, this.identity_evidence, this.subject) == (
            "",
            "",
            "",
            "Erasure request",
        )
        assert this.status is RequestStatus.COMPLETED and this.closed_on == TODAY
        assert (earlier.requester_name, earlier.requester_email, earlier.requester_address, earlier.details) == (
            f"Erased ({sc.client_ref})",
            "",
            "",
            "",
        )
        assert (earlier.ref, earlier.received_on, earlier.closed_on) == (
            sc.earlier_ref,
            date(2025, 9, 1),
            date(2025, 9, 20),
        )
    # The invoices are intact, flagged with the plan's dates.
    invoices_after = _invoices(sc)
    assert {n: row[:-1] for n, row in invoices_after.items()} == {n: row[:-1] for n, row in invoices_before.items()}
    assert {n: row[-1] for n, row in invoices_before.items()} == {"INV-7001": None, "INV-7002": None}
    assert {n: row[-1] for n, row in invoices_after.items()} == INVOICE_UNTIL
    assert {k.until for k in p.kept if k.ground == erasure.TAX_GROUND} == set(INVOICE_UNTIL.values())

    # The keyring: the own login's secret is gone, the shared one stays, serving the other client only.
    assert own not in memory_keyring.secrets
    assert (_service(sc), otp_entry_name(sc.login_own)) not in memory_keyring.secrets
    assert memory_keyring.secrets[shared] == SECRET_SHARED
    with reg.session() as s:
        assert s.get(Credential, sc.login_own) is None
        other_id = s.scalar(select(Client.id).where(Client.ref == sc.other_ref))
        assert get_credential(s, sc.login_shared).client_ids == (other_id,)
        assert s.scalar(select(func.count()).select_from(PendingKeyringDeletion)) == 0
        assert (
            s.scalar(
                select(func.count())
                .select_from(credential_clients)
                .where(credential_clients.c.client_id == sc.client_id)
            )
            == 0
        )

    # Closed, the register is checkpointed into register.db: still nothing there, and every kept value is there
    # exactly as often as in the live rows (no stale copy in a free page or an old page of an index).
    live = live_copy(reg)
    sc.who.lock()
    pages = plaintext_pages(register_dir / "register.db", key)
    wal = register_dir / "register.db-wal"
    assert not wal.exists() or not plaintext_wal(wal, key)
    for value in ERASED_VALUES:
        assert not found_in_files({"register.db": pages}, value), value
    for value in (NAME, fold(NAME), EMAILS[0], BILLED_NAME, ADDRESS_LINES[0], ADDRESS_LINES[2], "Quarrendon"):
        assert pages.lower().count(value.lower().encode()) == live.lower().count(value.lower().encode()), value

    code, out, err = run_as_admin(register_dir, "verify")
    assert code == 0, out + err
    code, out, err = run_as_admin(register_dir, "clients", "list", "--search", NAME, "--json")
    assert code == 0, err
    assert json.loads(out) == []


# -- the plan is what is done --------------------------------------------------------------------------------------


@pytest.fixture
def organisation(scenario: Scenario) -> Organisation:
    return build_organisation(scenario.who)


def test_a_contact_erasure_does_exactly_what_its_plan_says(scenario: Scenario, organisation: Organisation) -> None:
    sc, org = scenario, organisation
    reg = sc.who.register
    p = _plan(sc, org.request_ref, client_ref=org.client_ref, contact_id=org.contact_id)
    assert p.can_run, p.blockers  # the running domain's registrant is the contact who stays
    assert (p.scope, p.subject, p.erased) == (
        erasure.CONTACT,
        ORG_CONTACT,
        ("the contact's name and role", "2 email addresses", "1 phone number"),
    )
    assert [(n.operator_name, n.categories) for n in p.notices] == [("Fasthosts", ("Contact details",))]
    assert _by_table(p.rows) == {
        ("contacts", DELETE): 1,
        ("contact_points", DELETE): 3,
        ("privacy_requests", REDUCE): 1,
        ("request_events", REDUCE): 2,
    }
    assert Row("contacts", org.contact_id, DELETE) in p.rows
    assert set(found_by_query(reg, ORG_ERASED_VALUES)) == set(ORG_ERASED_VALUES)
    with reg.session() as s:
        assert org.client_ref in found_by_search(s, ORG_CONTACT)
        assert org.client_ref in found_by_search(s, ORG_CONTACT_EMAILS[1])
    before = all_rows(reg)

    result = _erase(sc, p)

    assert result.rows == p.rows
    assert found_by_query(reg, ORG_ERASED_VALUES) == {}
    assert not any(found_in_files(decrypted_files(reg.path, reg.data_key), v) for v in ORG_ERASED_VALUES)
    request_id = _request_id(sc, org.request_ref)
    # Her name and the address she wrote from stay on her request only, to send her the confirmation.
    assert found_by_query(reg, (ORG_CONTACT, ORG_CONTACT_EMAILS[0])) == {
        ORG_CONTACT: {("privacy_requests", "requester_name", request_id)},
        ORG_CONTACT_EMAILS[0]: {("privacy_requests", "requester_email", request_id)},
    }
    # The organisation, its other contact and its domain stay, and are still found.
    assert set(found_by_query(reg, ORG_KEPT_VALUES)) == set(ORG_KEPT_VALUES)
    with reg.session() as s:
        assert found_by_search(s, ORG_CONTACT) == set()
        assert found_by_search(s, ORG_CONTACT_EMAILS[1]) == set()
        assert org.client_ref in found_by_search(s, ORG_STAYING)
        assert org.client_ref in found_by_search(s, ORG_NAME)
        client = s.get(Client, org.client_id)
        assert client is not None and client.status is ClientStatus.ACTIVE
        assert [c.name for c in client.contacts] == [ORG_STAYING]
    # Nothing else in the register changed but the rows of the plan (and the records of the erasure itself).
    now = all_rows(reg)
    records = {"audit_log", "erasures", "recipient_notices"}
    changed = {t for t in before if before[t] != now[t]}
    assert {t for t in changed if not t.startswith("client_search")} == {r.table for r in p.rows} | records
    assert now["clients"] == before["clients"] and now["services"] == before["services"]


def test_a_contact_still_named_as_a_domains_registrant_is_not_erased_until_the_domain_says_otherwise(
    scenario: Scenario, organisation: Organisation
) -> None:
    """An ended domain keeps its registrant's details: erasing the contact must not leave them there unseen."""
    sc, org = scenario, organisation
    old_domain = "old-kittiwake.example"
    with sc.who.register.session() as s:
        services.add_service(
            s,
            ADMIN,
            org.client_ref,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                old_domain,
                status=ServiceStatus.ENDED,
                start_date=date(2022, 5, 1),
                end_date=date(2025, 5, 1),
                registrant_name=ORG_CONTACT,
                registrant_email=ORG_CONTACT_EMAILS[1],
            ),
        )
    p = _plan(sc, org.request_ref, client_ref=org.client_ref, contact_id=org.contact_id)
    assert p.blockers == (
        f"{ORG_CONTACT} is the registrant recorded on {old_domain}: clear or change the domain's registrant first.",
    )
    before = all_rows(sc.who.register)
    with pytest.raises(ValidationError, match="is the registrant recorded on"):
        _erase(sc, p)
    assert all_rows(sc.who.register) == before


def test_a_plan_made_before_the_register_changed_is_refused_and_nothing_changes(
    scenario: Scenario, memory_keyring: MemoryKeyring
) -> None:
    sc = scenario
    reg = sc.who.register
    p = _plan(sc)
    with reg.session() as s:
        contact = s.scalar(select(ContactPoint.contact_id).where(ContactPoint.value == EMAILS[0]))
        s.add(ContactPoint(contact_id=contact, kind=PointKind.EMAIL, value="third.wqf@quarrendon.example"))
        s.flush()
        search.reindex(s, [sc.client_id])
    before, keyring_before = all_rows(reg), dict(memory_keyring.secrets)

    with pytest.raises(ValidationError, match=rf"^The register changed since the plan for {sc.client_ref} was made"):
        _erase(sc, p)

    assert all_rows(reg) == before
    assert memory_keyring.secrets == keyring_before
    # The plan made again shows the new address, and that plan is carried out exactly.
    fresh = _plan(sc)
    assert "3 email addresses" in fresh.erased and "third.wqf@quarrendon.example" in "\n".join(fresh.details)
    assert fresh.rows - p.rows == {
        Row("contact_points", max(r.id for r in fresh.rows if r.table == "contact_points"), DELETE)
    }
    assert _erase(sc, fresh).rows == fresh.rows
    assert found_by_query(reg, ("third.wqf@quarrendon.example",)) == {}


# -- letters after the erasure -------------------------------------------------------------------------------------


def test_the_confirmation_letter_and_the_operator_notices(scenario: Scenario, tmp_path: Path) -> None:
    sc = scenario
    p = _plan(sc)
    settings = _settings(sc)
    _erase(sc, p)
    with sc.who.register.session() as s:
        letter = _text(produce.make_erasure_confirmation(s, sc.request_ref, settings, TODAY).pdf)
    for line in p.erased:
        assert line in letter, line
    for item in p.letter_kept():
        assert item.what in letter and item.ground in letter, item.what
        assert re.search(re.escape(item.what) + r".{0,400}until " + format_uk_date(item.until), letter), item
    assert f"in our encrypted backups for up to {settings.backup_keep_days} days" in letter
    assert NAME in letter and sc.request_ref in letter  # to the requester, at the address kept for it
    for value in (PARTNER, EMAILS[1], DOMAIN, NOTES):
        assert value not in letter

    with sc.who.register.session() as s:
        due = notices.for_request(s, sc.request_ref)
    assert [(n.operator_name, n.data_concerned, n.is_sent) for n in due] == [
        ("Fasthosts", ("Contact details", "Domain registrant"), False),
        ("Mailchimp", ("Contact details",), False),
    ]
    for n in due:
        with sc.who.register.session() as s:
            # Mailchimp has no postal address in the register: its notice goes by email.
            by_post = n.operator_name != "Mailchimp"
            made = produce.make_operator_notice(s, sc.request_ref, n.id, settings, TODAY, for_post=by_post)
            text = _text(made.pdf)
            assert n.operator_name in text and NAME in text and EMAILS[0] in text
            assert all(category in text for category in n.data_concerned)
            assert EMAILS[1] not in text and DOMAIN not in text
            written = produce.save(s, ADMIN, made, tmp_path / made.filename)
        assert written == [tmp_path / made.filename] and written[0].read_bytes() == made.pdf
    with sc.who.register.session() as s:
        sent = notices.for_request(s, sc.request_ref)
        timeline = [e.summary for e in requests.get_request(s, sc.request_ref, settings).events]
    assert all(n.is_sent and n.sent_how is not None and n.document_id is not None for n in sent), sent
    for n in sent:
        assert any(n.operator_name in line and "Notice to an operator" in line for line in timeline), timeline


# -- stopped half-way ----------------------------------------------------------------------------------------------


@pytest.fixture
def file_keyring(tmp_path: Path) -> Iterator[erase_and_die.FileKeyring]:
    """A keyring in a file, shared with the subprocess (the in-memory one lives in this process only)."""
    ring = erase_and_die.FileKeyring(tmp_path / "keyring.json")
    keyrings.use(ring)
    yield ring


def _erase_and_die(register_dir: Path, ring: erase_and_die.FileKeyring, sc: Scenario, where: str) -> None:
    env = dict(os.environ)
    env.update(
        HARTDESK_INSECURE_TEST_KDF="1",
        PYTHON_KEYRING_BACKEND=erase_and_die.BACKEND,
        **{erase_and_die.KEYRING_FILE_VARIABLE: str(ring.path)},
    )
    assert env["HARTDESK_HOME"]  # this test's own, from the isolated_home fixture
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.privacy.erase_and_die",
            str(register_dir),
            sc.client_ref,
            sc.request_ref,
            TODAY.isoformat(),
            where,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -9, (done.returncode, done.stdout, done.stderr)  # killed by SIGKILL, not finished
    assert done.stdout == "erasing\n"


def _peek(register_dir: Path, sc: Scenario) -> tuple[dict[str, Any], list[str]]:
    """The register as the killed process left it, opened without finishing the sign-in (which would carry out the
    queued keyring deletions): the erasure's traces, and the keyring entries still queued."""
    pending = signin.begin(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        with pending.register.session() as s:
            request = s.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == sc.request_ref))
            assert request is not None
            state: dict[str, Any] = {
                "erasures": s.scalar(select(func.count()).select_from(Erasure)),
                "request": request.status,
                "client": s.scalar(select(Client.status).where(Client.ref == sc.client_ref)),
                "own login": s.scalar(
                    select(func.count()).select_from(Credential).where(Credential.account_name == LOGIN_OWN)
                ),
            }
            queued = sorted(s.scalars(select(PendingKeyringDeletion.entry_name)))
        state["found"] = found_by_query(pending.register, ERASED_VALUES)
    finally:
        pending.cancel()
    return state, queued


def _rows_of(register_dir: Path) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of the register but the sign-in's own traces (the audit log and the staff table's sign-in times)."""
    pending = signin.begin(register_dir, ADMIN, ADMIN_PASSWORD)
    try:
        rows = all_rows(pending.register)
    finally:
        pending.cancel()
    return {table: found for table, found in rows.items() if table not in ("audit_log", "staff")}


def _verified(register_dir: Path) -> None:
    code, out, err = run_as_admin(register_dir, "verify")
    assert code == 0, out + err


def test_killed_inside_the_transaction_nothing_is_erased(
    register_dir: Path, file_keyring: erase_and_die.FileKeyring
) -> None:
    who = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    sc = build(who)
    service = _service(sc)
    who.lock()
    secrets_before = file_keyring.secrets
    assert secrets_before[(service, entry_name(sc.login_own))] == SECRET_OWN
    state_before, _ = _peek(register_dir, sc)
    assert not state_before["request"].is_closed and state_before["client"] is ClientStatus.ACTIVE
    assert set(state_before["found"]) == set(ERASED_VALUES) - NOT_STORED_AS_TYPED
    rows_before = _rows_of(register_dir)

    _erase_and_die(register_dir, file_keyring, sc, erase_and_die.IN_TRANSACTION)

    # Every value is still there, no erasure was recorded, the request is still open, no keyring entry queued.
    state, queued = _peek(register_dir, sc)
    assert state == state_before
    assert state["erasures"] == 0 and state["own login"] == 1
    assert queued == []
    assert _rows_of(register_dir) == rows_before  # not one row changed
    assert file_keyring.secrets == secrets_before
    _verified(register_dir)


def test_killed_after_the_commit_everything_is_erased_and_the_next_sign_in_finishes_the_wipe_and_the_keyring(
    register_dir: Path, file_keyring: erase_and_die.FileKeyring
) -> None:
    who = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    sc = build(who)
    service = _service(sc)
    who.lock()

    _erase_and_die(register_dir, file_keyring, sc, erase_and_die.AFTER_COMMIT)

    state, queued = _peek(register_dir, sc)
    assert (state["erasures"], state["request"], state["client"], state["own login"], state["found"]) == (
        1,
        RequestStatus.COMPLETED,
        ClientStatus.ERASED,
        0,
        {},
    )
    assert queued == [entry_name(sc.login_own), otp_entry_name(sc.login_own)]
    assert file_keyring.secrets[(service, entry_name(sc.login_own))] == SECRET_OWN  # not deleted yet

    who = signin.sign_in(register_dir, ADMIN, ADMIN_PASSWORD)
    key = who.register.data_key
    try:
        with who.register.session() as s:
            assert list(s.scalars(select(PendingKeyringDeletion.entry_name))) == []
        # The wipe the killed process never did was done by the sign-in: the file is clean while still open.
        files = decrypted_files(register_dir, key)
        assert {v: found_in_files(files, v) for v in ERASED_VALUES if found_in_files(files, v)} == {}
    finally:
        who.lock()
    assert (service, entry_name(sc.login_own)) not in file_keyring.secrets
    assert file_keyring.secrets[(service, entry_name(sc.login_shared))] == SECRET_SHARED
    _verified(register_dir)


def test_a_wipe_left_undone_is_done_at_the_next_sign_in(scenario: Scenario) -> None:
    from hartdesk.models import Counter

    reg = scenario.who.register
    with reg.session() as s:
        erasure.execute(s, ADMIN, _plan(scenario), settings_mod.load(s), TODAY)  # committed, never wiped
    with reg.session() as s:
        assert s.get(Counter, erasure.WIPE_PENDING) is not None
    assert erasure.finish_pending_wipe(reg) is True
    with reg.session() as s:
        assert s.get(Counter, erasure.WIPE_PENDING) is None
    assert erasure.finish_pending_wipe(reg) is False
