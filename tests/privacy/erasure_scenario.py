"""A client asking to be forgotten, with data in every corner of the register: contacts, addresses, notes, consent,
ended services with a registrant, invoices, two vault logins (one only theirs, one shared), an earlier request with
a file, the erasure request itself (arrived by email, with the message attached) and a data report sent to them.
:func:`build_organisation` adds an organisation whose contact asks for her own data to be erased.

Every personal value is a string found nowhere else in the register, so a test can look for it in the file's bytes.
What an erasure keeps on purpose (the plan says so): the invoices' billed name and address, and on the erasure
request itself the requester's name, email and postal address (:data:`KEPT_ON_REQUEST`) — so the address the
request gives is not the whole address on file: its second line goes with the client's address.

The helpers at the end find a value wherever it may be left: in any column of any table (the search index's shadow
tables included), through the client search, or in the decrypted bytes of register.db and its WAL.
"""

from __future__ import annotations

import tempfile
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from hartdesk import settings as settings_mod
from hartdesk.models import (
    AddressKind,
    ClientKind,
    ConsentChange,
    Contact,
    InvoiceStatus,
    RecipientCondition,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.models.enums import DocumentKind, IdentityMethod, RequestChannel, RequestType
from hartdesk.privacy import requests
from hartdesk.privacy.requests import NewAttachment, RequestInput
from hartdesk.register import clients, documents, operators, search, services
from hartdesk.register.clients import AddressInput, ClientInput, ContactInput
from hartdesk.register.fields import fold
from hartdesk.security.vault import CredentialInput, Vault
from hartdesk.storage import database
from tests.conftest import ADMIN
from tests.sqlcipher_pages import plaintext_pages, plaintext_wal

TODAY = date(2026, 11, 20)

NAME = "Wilhelmina Quarrendon-Fyfe"
PARTNER = "Barnaby Quillfeather"  # a second contact
EMAILS = ("wilhelmina@quarrendon.example", "accounts.wqf@quarrendon.example")
PHONES = ("+442079460731",)  # stored as E.164; typed as 020 7946 0731
PHONE_TYPED = "020 7946 0731"
PHONE_DIGITS = "2079460731"  # in the search index (national and international digits) and in E.164
ADDRESS_LINES = ("Flat 9, Tolgarrick House", "Penwithick Lane", "PL26 8ZZ")
NOTES = "Prefers calls after the school run; allergic to spam."
DOMAIN = "quarrendon-fyfe.example"
ATTACHMENT_TEXT = "Scanned lease for Tolgarrick House, private and confidential"
EMAIL_BODY = "Please forget me entirely. My old number was 07700 900731. Wilhelmina"
SUBJECT = "Forget me"
PAYMENT_REF = "DD mandate QF-7781"
CONSENT_EVIDENCE = "Newsletter box ticked"
EARLIER_EVIDENCE = "Lease seen"
ERASURE_EVIDENCE = "Wrote from the address on file"
ATTACHMENT_NAME = "Tolgarrick lease.txt"
# The postal address the erasure request gives (kept with the request): without the second line of the address
# on file, which is erased with the client's address and the earlier request.
REQUEST_ADDRESS = "\n".join((ADDRESS_LINES[0], "St Austell", ADDRESS_LINES[2]))
BILLED_NAME = "W. Quarrendon-Fyfe"
BILLED_ADDRESS = "Flat 9, Tolgarrick House\nPL26 8ZZ"
LOGIN_OWN = "wqf-registrar-login"
LOGIN_SHARED = "agency-reseller-account"
SECRET_OWN = "Own-Secret-For-Wilhelmina-1"
SECRET_SHARED = "Shared-Reseller-Secret-2"

# Everything that must be gone after the erasure, from the file and from every query.
ERASED_VALUES = (
    PARTNER,
    *EMAILS[1:],
    *PHONES,
    PHONE_TYPED,
    PHONE_DIGITS,
    ADDRESS_LINES[1],
    NOTES,
    DOMAIN,
    ATTACHMENT_TEXT,
    EMAIL_BODY,
    "07700 900731",
    SUBJECT,
    PAYMENT_REF,
    CONSENT_EVIDENCE,
    EARLIER_EVIDENCE,
    ERASURE_EVIDENCE,
    LOGIN_OWN,
    ATTACHMENT_NAME,
)
# What the erasure request keeps of the requester, to send the confirmation (REQUEST_FIELDS in the plan).
KEPT_ON_REQUEST = {"requester_name": NAME, "requester_email": EMAILS[0], "requester_address": REQUEST_ADDRESS}


@dataclass
class Scenario:
    who: Any
    client_ref: str
    client_id: int
    other_ref: str  # a client sharing a login, never touched
    request_ref: str  # the erasure request
    earlier_ref: str  # an access request answered last year
    fasthosts: int
    mailchimp: int
    login_own: int
    login_shared: int


def build(who: Any) -> Scenario:
    actor = ADMIN
    with who.register.session() as s:
        settings_mod.save(
            s,
            settings_mod.load(s).with_changes(
                agency_phone="01872 555 0101",
                agency_contact_name="Alice Admin",
                agency_contact_position="Data protection lead",
            ),
        )
        fasthosts = operators.create_operator(
            s,
            actor,
            operators.OperatorInput(
                "Fasthosts",
                "Registrar",
                "GB",
                TransferSafeguard.NOT_RESTRICTED,
                address="1 Server Row\nGloucester\nGL1 1AA",
            ),
        )
        mailchimp = operators.create_operator(
            s, actor, operators.OperatorInput("Mailchimp", "Newsletters", "US", TransferSafeguard.ADDENDUM)
        )
        operators.add_rule(s, actor, fasthosts, "domain_registrant", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(s, actor, fasthosts, "contact", ServiceKind.DOMAIN_REGISTRATION)
        operators.add_rule(s, actor, mailchimp, "contact", None, RecipientCondition.MARKETING_CONSENT, "Newsletter")
        ref = clients.create_client(
            s,
            actor,
            ClientInput(
                name=NAME,
                kind=ClientKind.INDIVIDUAL,
                notes=NOTES,
                payment_reference=PAYMENT_REF,
                contacts=[
                    ContactInput(NAME, "", list(EMAILS), ["020 7946 0731"]),
                    ContactInput(PARTNER, "Partner", [], []),
                ],
                addresses=[
                    AddressInput(
                        AddressKind.BILLING,
                        ADDRESS_LINES[0],
                        ADDRESS_LINES[1],
                        town="St Austell",
                        postcode=ADDRESS_LINES[2],
                    ),
                ],
            ),
            today=date(2021, 2, 1),
        )
        other = clients.create_client(s, actor, ClientInput(name="Unrelated Bakery Ltd"))
        services.add_service(
            s,
            actor,
            ref,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                DOMAIN,
                status=ServiceStatus.ENDED,
                start_date=date(2021, 2, 1),
                end_date=date(2026, 10, 1),
                operators=["Fasthosts"],
                registrant_name=NAME,
                registrant_email=EMAILS[0],
            ),
        )
        for number, issued in (("INV-7001", date(2024, 3, 31)), ("INV-7002", date(2025, 6, 1))):
            services.add_invoice(
                s,
                actor,
                ref,
                services.InvoiceInput(number, issued, 4800, InvoiceStatus.PAID, BILLED_NAME, BILLED_ADDRESS),
            )
        clients.record_consent(
            s, actor, ref, ConsentChange.GIVEN, CONSENT_EVIDENCE, datetime(2021, 2, 1, 9, tzinfo=UTC)
        )
        client_id = clients.client_id_for(s, ref)
        other_id = clients.client_id_for(s, other)
        settings = settings_mod.load(s)
        earlier = requests.log_request(
            s,
            actor,
            RequestInput(
                RequestType.ACCESS,
                RequestChannel.POST,
                date(2025, 9, 1),
                NAME,
                requester_address="\n".join(ADDRESS_LINES),
                client_ref=ref,
                identity_verified=True,
                identity_method=IdentityMethod.DOCUMENT,
                identity_evidence=EARLIER_EVIDENCE,
                attachments=(NewAttachment(ATTACHMENT_NAME, ATTACHMENT_TEXT.encode()),),
            ),
            settings,
            date(2025, 9, 1),
        ).ref
        requests.complete(s, actor, earlier, date(2025, 9, 20), "Report sent", settings, date(2025, 9, 20))
        erasure = requests.log_request(
            s,
            actor,
            RequestInput(
                RequestType.ERASURE,
                RequestChannel.EMAIL,
                date(2026, 11, 2),
                NAME,
                requester_email=EMAILS[0],
                requester_address=REQUEST_ADDRESS,
                requester_phone=PHONE_TYPED,
                client_ref=ref,
                subject=SUBJECT,
                details=EMAIL_BODY,
                identity_verified=True,
                identity_method=IdentityMethod.KNOWN_CONTACT,
                identity_evidence=ERASURE_EVIDENCE,
                attachments=(NewAttachment("message.txt", EMAIL_BODY.encode(), is_original=True),),
            ),
            settings,
            date(2026, 11, 2),
        ).ref
        documents.record_issued(
            s,
            actor,
            kind=DocumentKind.DATA_REPORT,
            title=f"Data report for {NAME}",
            pdf=_tiny_pdf(),
            client_ref=ref,
            request_ref=earlier,
            recipient=NAME,
            today=date(2025, 9, 20),
        )
    vault = Vault(who)
    own = vault.add(CredentialInput(fasthosts, LOGIN_OWN, client_ids=(client_id,)), SECRET_OWN)
    shared = vault.add(CredentialInput(fasthosts, LOGIN_SHARED, client_ids=(client_id, other_id)), SECRET_SHARED)
    return Scenario(who, ref, client_id, other, erasure, earlier, fasthosts, mailchimp, own, shared)


def _tiny_pdf() -> bytes:
    import io

    from reportlab.pdfgen import canvas

    out = io.BytesIO()
    c = canvas.Canvas(out)
    c.drawString(72, 720, "report")
    c.save()
    return out.getvalue()


# -- an organisation whose contact asks to be erased -------------------------------------------------------------

ORG_NAME = "Kittiwake Cordage Ltd"
ORG_DOMAIN = "kittiwake-cordage.example"
ORG_CONTACT = "Perpetua Snodgrass-Vane"  # asks for her own data to be erased
ORG_CONTACT_EMAILS = ("perpetua@kittiwake-cordage.example", "perpetua.home@snodgrass-vane.example")
ORG_CONTACT_PHONE = "+442079460418"  # typed as 020 7946 0418
ORG_CONTACT_MESSAGE = "I left Kittiwake in June; please delete my details, including my mobile 07700 900418."
ORG_STAYING = "Ignatius Boltwood"  # the organisation's other contact, who stays
ORG_STAYING_EMAIL = "ignatius@kittiwake-cordage.example"
# What the contact erasure takes away (her request keeps her name and the address she wrote from).
ORG_ERASED_VALUES = (ORG_CONTACT_EMAILS[1], ORG_CONTACT_PHONE, "2079460418", ORG_CONTACT_MESSAGE, "07700 900418")
ORG_KEPT_VALUES = (ORG_NAME, ORG_DOMAIN, ORG_STAYING, ORG_STAYING_EMAIL)


@dataclass
class Organisation:
    client_ref: str
    client_id: int
    contact_id: int  # ORG_CONTACT
    staying_id: int  # ORG_STAYING
    request_ref: str  # ORG_CONTACT's erasure request


def build_organisation(who: Any) -> Organisation:
    """An organisation with a running domain (its registrant is the contact who stays) and a contact asking to be
    erased; add it after :func:`build` (it uses the operator Fasthosts)."""
    with who.register.session() as s:
        ref = clients.create_client(
            s,
            ADMIN,
            ClientInput(
                name=ORG_NAME,
                kind=ClientKind.ORGANISATION,
                contacts=[
                    ContactInput(ORG_STAYING, "Director", [ORG_STAYING_EMAIL], [], is_primary=True),
                    ContactInput(ORG_CONTACT, "Office manager", list(ORG_CONTACT_EMAILS), ["020 7946 0418"]),
                ],
                addresses=[
                    AddressInput(AddressKind.BILLING, "Unit 4, Ropewalk Yard", town="Falmouth", postcode="TR11 9QQ")
                ],
            ),
            today=date(2022, 5, 1),
        )
        services.add_service(
            s,
            ADMIN,
            ref,
            services.ServiceInput(
                ServiceKind.DOMAIN_REGISTRATION,
                ORG_DOMAIN,
                status=ServiceStatus.ACTIVE,
                start_date=date(2022, 5, 1),
                operators=["Fasthosts"],
                registrant_name=ORG_STAYING,
                registrant_email=ORG_STAYING_EMAIL,
            ),
        )
        client_id = clients.client_id_for(s, ref)
        ids = {name: i for name, i in s.execute(select(Contact.name, Contact.id).where(Contact.client_id == client_id))}
        request = requests.log_request(
            s,
            ADMIN,
            RequestInput(
                RequestType.ERASURE,
                RequestChannel.EMAIL,
                date(2026, 11, 9),
                ORG_CONTACT,
                requester_email=ORG_CONTACT_EMAILS[0],
                client_ref=ref,
                contact_id=ids[ORG_CONTACT],
                subject="Former employee",
                details=ORG_CONTACT_MESSAGE,
                identity_verified=True,
                identity_method=IdentityMethod.KNOWN_CONTACT,
                identity_evidence="Replied from her work address",
            ),
            settings_mod.load(s),
            date(2026, 11, 9),
        ).ref
    return Organisation(ref, client_id, ids[ORG_CONTACT], ids[ORG_STAYING], request)


# -- finding a value wherever it may be left -----------------------------------------------------------------------

Hit = tuple[str, str, Any]  # (table, column, the row's id or None)


def _contains(cell: Any, value: str) -> bool:
    if isinstance(cell, str):
        return value.casefold() in cell.casefold()
    if isinstance(cell, bytes):
        return value.encode() in cell or fold(value).encode() in cell.lower()
    return False


def found_by_query(register: Any, values: tuple[str, ...]) -> dict[str, set[Hit]]:
    """Where each value is in a ``SELECT *`` of every table of the register (the search index ``client_search`` and
    its shadow tables included), case-insensitively, on a connection of its own."""
    found: dict[str, set[Hit]] = defaultdict(set)
    conn = database.connect(register.path / "register.db", register.data_key)
    try:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        assert {"client_search", "client_search_content", "client_search_data"} <= set(tables), tables
        for table in tables:
            cursor = conn.execute(f'SELECT * FROM "{table}"')
            columns = [d[0] for d in cursor.description]
            for row in cursor:
                row_id = row[columns.index("id")] if "id" in columns else None
                for column, cell in zip(columns, row, strict=True):
                    for value in values:
                        if _contains(cell, value):
                            found[value].add((table, column, row_id))
    finally:
        conn.close()
    return found


def found_by_search(session: Any, value: str) -> set[str]:
    """The clients (and domains) the client list's search and the global search find for ``value``."""
    query = search.ClientQuery(text=value)
    refs = {row.ref for row in search.list_clients(session, query)}
    assert search.count_clients(session, query) == len(refs)
    hits = {f"{h.kind}:{h.key}" for h in search.global_search(session, value) if h.kind is not search.HitKind.OPERATOR}
    return refs | hits


def decrypted_files(register_dir: Path, key: bytes) -> dict[str, bytes]:
    """register.db (every page, free ones included) and its WAL (every frame, if there is one), decrypted."""
    files = {"register.db": plaintext_pages(register_dir / "register.db", key)}
    wal = register_dir / "register.db-wal"
    if wal.is_file():
        files["register.db-wal"] = plaintext_wal(wal, key)
    return files


def found_in_files(files: dict[str, bytes], value: str) -> set[str]:
    """The decrypted files holding ``value`` as written or folded (as the search index keeps it)."""
    exact, folded = value.encode(), fold(value).encode()
    return {name for name, data in files.items() if exact in data or folded in data.lower()}


def live_copy(register: Any) -> bytes:
    """The register's live rows alone, as SQLCipher exports them to a plain SQLite file: no free pages, no old WAL
    frames. A value found more often in the register's own pages than here is a left-over copy."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "live.db"
        conn = database.connect(register.path / "register.db", register.data_key)
        try:
            conn.execute("ATTACH DATABASE ? AS live KEY ''", (str(target),))
            conn.execute("SELECT sqlcipher_export('live')")
            conn.execute("DETACH DATABASE live")
        finally:
            conn.close()
        return target.read_bytes()


def all_rows(register: Any) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, sorted: two snapshots are equal only if nothing in the register changed."""
    conn = database.connect(register.path / "register.db", register.data_key)
    try:
        tables = [n for (n,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(conn.execute(f'SELECT * FROM "{t}"').fetchall(), key=repr) for t in tables}
    finally:
        conn.close()
