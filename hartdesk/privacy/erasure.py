"""The right to erasure (UK GDPR Art. 17): a plan of what goes and what stays, then the erasure, done completely.

:func:`plan` reads "who holds what" and every row of the register that belongs to the client (or to one of its
contacts) and says, before anything happens, what will be erased, what will be kept (with its ground and the date
until which it is kept, SPEC.md §3), which operators must be told (Art. 19), which vault logins and attachments go,
and what stops the erasure (a service still running, another request still open).

:func:`execute` carries the plan out in one transaction, with broad statements and the database's own cascades
rather than row by row, and reports what it changed by comparing the client's rows before and after — so a test can
hold the plan against what was really done; the search index is merged in the same transaction, so no erased word
stays in an old segment. After the commit the freed pages are wiped (``secure_delete`` is on, the file is vacuumed
and the WAL truncated), and the keyring entries of the client's own logins are deleted (queued in the same
transaction, so a stop in between leaves them queued, never forgotten).

Nothing here stores the erased values: the erasure record, the audit entry and the request's timeline say what was
done in plain words ("3 email addresses"), never the addresses.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from hartdesk.dates import format_uk_date
from hartdesk.documents.letters import KeptItem
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import (
    Address,
    Attachment,
    Client,
    ClientKind,
    ClientStatus,
    ConsentEvent,
    Contact,
    ContactPoint,
    Counter,
    Credential,
    Erasure,
    Invoice,
    IssuedDocument,
    PolicyAcceptance,
    PrivacyRequest,
    RequestEvent,
    SealKey,
    Service,
    ServiceStatus,
    credential_clients,
)
from hartdesk.models.base import utcnow
from hartdesk.models.enums import PointKind, RequestType
from hartdesk.privacy import notices
from hartdesk.privacy.notices import NoticeLine
from hartdesk.register import search
from hartdesk.register.whoholds import tax_retention_until
from hartdesk.security import audit, vault
from hartdesk.settings import Settings

if TYPE_CHECKING:
    from hartdesk.storage.register import OpenRegister

log = logging.getLogger(__name__)

CLIENT = "client"
CONTACT = "contact"
WIPE_PENDING = "erasure-wipe-pending"  # a counters row: set by an erasure's transaction, gone once the wipe is done
BY_REQUEST = "request"
BY_RETENTION = "retention"

DELETE = "delete"  # the row is gone
REDUCE = "reduce"  # the row stays with its personal data taken out (a tombstone, a request file, a document)
KEEP = "keep"  # the row stays as it is (an invoice kept for tax, flagged with its deletion date)
CONTACT_CATEGORIES = ("identity", "contact")  # what a contact's erasure tells the operators of: its name and details

TAX_GROUND = "the law requires us to keep invoices for HMRC (a legal obligation, UK GDPR Art. 17(3)(b))"
REQUEST_GROUND = (
    "it is the record that we dealt with your request (to show we complied and for any legal claim, "
    "UK GDPR Art. 17(3)(e))"
)
INVOICE_FIELDS = ("invoice number", "date", "amount", "status", "name and address billed")
REQUEST_FIELDS = ("reference", "dates", "the requester's name, email and postal address", "the timeline")


@dataclass(frozen=True)
class Row:
    """One row of the register the erasure touches, and what happens to it."""

    table: str
    id: int
    action: str  # DELETE, REDUCE or KEEP


@dataclass(frozen=True)
class KeptLine:
    what: str
    ground: str
    until: date | None  # None: kept without personal data (the tombstone)
    fields: tuple[str, ...]


@dataclass(frozen=True)
class LoginLine:
    credential_id: int
    operator_name: str
    account_name: str
    deleted: bool  # False: the login serves other clients too, so only the link to this client goes


@dataclass(frozen=True)
class AttachmentLine:
    attachment_id: int
    filename: str
    size: int
    request_ref: str  # "" for a signed DPA kept with a document


@dataclass(frozen=True)
class ErasurePlan:
    client_ref: str
    client_id: int
    subject: str  # whose data: the client's or the contact's name (shown to the admin, never stored)
    request_ref: str  # "" when the retention review erases a closed client
    scope: str  # CLIENT or CONTACT
    contact_id: int | None
    as_of: date
    erased: tuple[str, ...]  # in plain words, without the values: what the letter and the record say
    details: tuple[str, ...]  # the values themselves, for the admin checking the plan on screen
    kept: tuple[KeptLine, ...]
    notices: tuple[NoticeLine, ...]
    logins: tuple[LoginLine, ...]
    attachments: tuple[AttachmentLine, ...]
    blockers: tuple[str, ...]  # why it cannot run yet, each a sentence saying what to do first
    rows: frozenset[Row]

    @property
    def can_run(self) -> bool:
        return not self.blockers

    def rows_with(self, action: str) -> frozenset[tuple[str, int]]:
        return frozenset((r.table, r.id) for r in self.rows if r.action == action)

    def letter_kept(self) -> list[KeptItem]:
        """What the confirmation letter lists as kept (the tombstone holds nothing about the person)."""
        return [KeptItem(k.what, k.ground, k.until) for k in self.kept if k.until is not None]

    def digest(self) -> str:
        """A fingerprint of the plan: the admin confirms exactly this, and a register that changed meanwhile makes
        :func:`execute` refuse rather than erase something the admin never saw."""
        facts = {
            "rows": sorted((r.table, r.id, r.action) for r in self.rows),
            "erased": self.erased,
            "kept": [(k.what, k.until.isoformat() if k.until else "") for k in self.kept],
            "notices": [(n.operator_id, n.categories) for n in self.notices],
            "logins": [(x.credential_id, x.deleted) for x in self.logins],
        }
        return hashlib.sha256(json.dumps(facts, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class ErasureResult:
    erasure_id: int
    client_ref: str
    request_ref: str
    rows: frozenset[Row]  # what really changed, from the client's rows before and after
    notices: tuple[int, ...]  # RecipientNotice ids, one per operator
    keyring_entries_left: int  # queued keyring deletions the keyring could not take yet


@dataclass(frozen=True)
class ErasureDone:
    """An erasure as recorded: what the confirmation letter says."""

    erasure_id: int
    client_ref: str
    done_on: date
    done_by: str
    erased: tuple[str, ...]
    kept: tuple[KeptItem, ...]  # with a date (the tombstone, which holds nothing personal, is left out)
    backup_days: int


def erasure_record(session: Session, request_ref: str) -> ErasureDone:
    """The erasure done under ``request_ref``, or a clear error when there is none yet."""
    found = session.scalar(
        select(Erasure)
        .join(PrivacyRequest, PrivacyRequest.id == Erasure.request_id)
        .where(PrivacyRequest.ref == request_ref.strip().upper())
        .order_by(Erasure.id.desc())
    )
    if found is None:
        raise ValidationError(
            f"Nothing was erased under {request_ref.strip().upper()} yet: carry out the erasure first, then send the "
            "confirmation."
        )
    kept = tuple(
        KeptItem(what, ground, date.fromisoformat(until)) for what, ground, until in json.loads(found.kept) if until
    )
    return ErasureDone(
        found.id,
        found.client_ref,
        found.done_on,
        found.done_by,
        tuple(json.loads(found.erased)),
        kept,
        found.backup_days,
    )


# -- the client's rows ----------------------------------------------------------------------------------------------


@dataclass
class _Scope:
    client: Client
    contact: Contact | None
    request: PrivacyRequest | None

    @property
    def whole_client(self) -> bool:
        return self.contact is None

    def ids(self) -> tuple[int, int | None, int | None]:
        return (
            self.client.id,
            self.contact.id if self.contact is not None else None,
            self.request.id if self.request is not None else None,
        )


# Bookkeeping that an erasure sets without touching personal data: an invoice kept intact gets its deletion date.
_NOT_CONTENT = {"content", "delete_on"}
_MODELS: dict[str, Any] = {
    "clients": Client,
    "contacts": Contact,
    "contact_points": ContactPoint,
    "addresses": Address,
    "consent_events": ConsentEvent,
    "policy_acceptances": PolicyAcceptance,
    "services": Service,
    "invoices": Invoice,
    "credentials": Credential,
    "privacy_requests": PrivacyRequest,
    "request_events": RequestEvent,
    "issued_documents": IssuedDocument,
    "attachments": Attachment,
}


def _fingerprint(model: Any, obj: Any) -> str:
    values = {c.name: getattr(obj, c.key) for c in model.__table__.columns if c.key not in _NOT_CONTENT}
    return hashlib.sha256(repr(sorted(values.items())).encode()).hexdigest()


def _recheck(session: Session, keys: Iterable[tuple[str, int]]) -> dict[tuple[str, int], str]:
    """The fingerprints now of the rows ``keys`` that still exist."""
    by_table: dict[str, list[int]] = defaultdict(list)
    for table, row_id in keys:
        by_table[table].append(row_id)
    found = {}
    for table, ids in by_table.items():
        model = _MODELS[table]
        for obj in session.scalars(select(model).where(model.id.in_(ids)).execution_options(populate_existing=True)):
            found[(table, int(obj.id))] = _fingerprint(model, obj)
    return found


def _census(
    session: Session, client_id: int, contact_id: int | None, request_id: int | None
) -> dict[tuple[str, int], str]:
    """Every row of the register that holds this client's (or, with ``contact_id``, this contact's) data, with a
    fingerprint of its content: the plan is made from it, and what an erasure did is read by fingerprinting the
    same rows again afterwards."""
    rows: dict[tuple[str, int], str] = {}

    def take(table: str, model: Any, where: Any) -> list[int]:
        found = []
        for obj in session.scalars(select(model).where(where)):
            found.append(int(obj.id))
            rows[(table, int(obj.id))] = _fingerprint(model, obj)
        return found

    if contact_id is None:
        take("clients", Client, Client.id == client_id)
        contact_ids = take("contacts", Contact, Contact.client_id == client_id)
        take("addresses", Address, Address.client_id == client_id)
        take("consent_events", ConsentEvent, ConsentEvent.client_id == client_id)
        take("policy_acceptances", PolicyAcceptance, PolicyAcceptance.client_id == client_id)
        take("services", Service, Service.client_id == client_id)
        take("invoices", Invoice, Invoice.client_id == client_id)
        credentials = select(credential_clients.c.credential_id).where(credential_clients.c.client_id == client_id)
        take("credentials", Credential, Credential.id.in_(credentials))
        request_where = or_(PrivacyRequest.client_id == client_id, PrivacyRequest.contact_id.in_(contact_ids))
        document_where = IssuedDocument.client_id == client_id
    else:
        contact_ids = take("contacts", Contact, Contact.id == contact_id)
        request_where = PrivacyRequest.contact_id == contact_id
        document_where = IssuedDocument.id.in_([])
    take("contact_points", ContactPoint, ContactPoint.contact_id.in_(contact_ids))
    if request_id is not None:
        request_where = or_(request_where, PrivacyRequest.id == request_id)
    request_ids = take("privacy_requests", PrivacyRequest, request_where)
    take("request_events", RequestEvent, RequestEvent.request_id.in_(request_ids))
    document_ids = take(
        "issued_documents", IssuedDocument, or_(document_where, IssuedDocument.request_id.in_(request_ids))
    )
    signed_copies = select(IssuedDocument.signed_copy_id).where(IssuedDocument.id.in_(document_ids))
    take("attachments", Attachment, or_(Attachment.request_id.in_(request_ids), Attachment.id.in_(signed_copies)))
    return rows


# -- the plan -------------------------------------------------------------------------------------------------------


def _plural(n: int, word: str, many: str = "") -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def _load_scope(session: Session, client_ref: str, request_ref: str, contact_id: int | None) -> _Scope:
    client = session.scalar(select(Client).where(Client.ref == client_ref.strip().upper()))
    if client is None:
        raise NotFoundError(f"There is no client {client_ref}.")
    if client.status is ClientStatus.ERASED:
        raise ValidationError(f"{client.ref} was already erased on {format_uk_date(client.erased_on or date.min)}.")
    contact = None
    if contact_id is not None:
        contact = session.get(Contact, contact_id)
        if contact is None or contact.client_id != client.id:
            raise NotFoundError(f"{client.ref} has no contact number {contact_id}.")
    request = None
    if request_ref.strip():
        request = session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == request_ref.strip().upper()))
        if request is None:
            raise NotFoundError(f"There is no request {request_ref}.")
    return _Scope(client, contact, request)


def _check_request(scope: _Scope, blockers: list[str]) -> None:
    request = scope.request
    if request is None:
        return
    ref = request.ref
    if request.kind is not RequestType.ERASURE:
        blockers.append(f"{ref} is a request for {request.kind.label.lower()}, not for erasure.")
    if request.status.is_closed:
        blockers.append(
            f"{ref} is already {request.status.label.lower()}: reopen it first if the erasure is still to do."
        )
    if request.client_id != scope.client.id:
        blockers.append(f"{ref} is not about {scope.client.ref}: link the request to the client first.")
    if not request.identity_status.is_confirmed:
        blockers.append(
            f"The identity of the person behind {ref} is not confirmed: record it as checked before erasing anything."
        )


@dataclass
class _Draft:
    """The plan while it is made: each step adds the rows it touches, what it says, and what stops it."""

    tables: dict[str, list[int]]  # the census's row ids, by table
    rows: set[Row] = field(default_factory=set)
    erased: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    kept: list[KeptLine] = field(default_factory=list)
    blockers: list[str] = field(default_factory=list)

    def mark(self, table: str, action: str, ids: Iterable[int] | None = None) -> None:
        """``action`` for the rows ``ids`` of ``table`` (by default, all of its rows in the census)."""
        self.rows.update(Row(table, i, action) for i in (self.tables[table] if ids is None else ids))


def plan(
    session: Session,
    client_ref: str,
    settings: Settings,
    today: date,
    *,
    request_ref: str = "",
    contact_id: int | None = None,
) -> ErasurePlan:
    """What erasing the client (or its contact ``contact_id``) under ``request_ref`` would do, as of ``today``.

    Without a request (the retention review) the client must be closed. Nothing is changed."""
    scope = _load_scope(session, client_ref, request_ref, contact_id)
    client = scope.client
    draft = _Draft(defaultdict(list))
    if scope.request is None and client.status is not ClientStatus.CLOSED:
        draft.blockers.append(f"{client.ref} is not closed: only a closed client is erased without an erasure request.")
    _check_request(scope, draft.blockers)
    for table, row_id in _census(session, *scope.ids()):
        draft.tables[table].append(row_id)

    _plan_people(session, scope, draft)
    if scope.whole_client:
        _plan_client_records(session, scope, settings, draft)
    else:
        _plan_contact_records(session, scope, draft.blockers)
    _plan_requests(session, scope, settings, today, draft)
    attachments = _plan_documents(session, draft)
    logins = _plan_logins(session, scope, draft)
    return ErasurePlan(
        client_ref=client.ref,
        client_id=client.id,
        subject=scope.contact.name if scope.contact is not None else client.name,
        request_ref=scope.request.ref if scope.request is not None else "",
        scope=CLIENT if scope.whole_client else CONTACT,
        contact_id=scope.contact.id if scope.contact is not None else None,
        as_of=today,
        erased=tuple(draft.erased),
        details=tuple(draft.details),
        kept=tuple(draft.kept),
        notices=tuple(
            notices.recipients(
                session, client.ref, settings, today, only=None if scope.whole_client else CONTACT_CATEGORIES
            )
        ),
        logins=tuple(logins),
        attachments=tuple(attachments),
        blockers=tuple(draft.blockers),
        rows=frozenset(draft.rows),
    )


def _plan_people(session: Session, scope: _Scope, draft: _Draft) -> None:
    """The names, roles, emails and phones: of the client and all its contacts, or of the one contact."""
    client = scope.client
    contacts = list(
        session.scalars(select(Contact).where(Contact.id.in_(draft.tables["contacts"])).order_by(Contact.id))
    )
    points = list(
        session.scalars(select(ContactPoint).where(ContactPoint.id.in_(draft.tables["contact_points"])).order_by("id"))
    )
    emails = [p.value for p in points if p.kind is PointKind.EMAIL]
    phones = [p.value for p in points if p.kind is PointKind.PHONE]
    draft.mark("contacts", DELETE)
    draft.mark("contact_points", DELETE)
    if scope.contact is None:
        draft.mark("clients", REDUCE)
        if client.kind is ClientKind.INDIVIDUAL:
            draft.erased.append("your name")
        else:
            draft.erased.append(
                "the name of your organisation" + (" and its trading name" if client.trading_name else "")
            )
        draft.details.append(
            f"Name: {client.name}" + (f" (trading as {client.trading_name})" if client.trading_name else "")
        )
        if contacts:
            draft.erased.append(f"the names and roles of {_plural(len(contacts), 'contact')}")
            draft.details.append("Contacts: " + ", ".join(c.name for c in contacts))
    else:
        draft.erased.append("the contact's name and role")
        draft.details.append(f"Contact: {scope.contact.name}")
    if emails:
        draft.erased.append(_plural(len(emails), "email address", "email addresses"))
        draft.details.append("Email: " + ", ".join(emails))
    if phones:
        draft.erased.append(_plural(len(phones), "phone number"))
        draft.details.append("Phone: " + ", ".join(phones))


def _plan_client_records(session: Session, scope: _Scope, settings: Settings, draft: _Draft) -> None:
    client = scope.client
    draft.kept.append(
        KeptLine(
            f"a note that client {client.ref} existed and was erased",
            "invoices and request files still point at it; it holds no personal data",
            None,
            ("reference", "dates opened, closed and erased"),
        )
    )
    addresses = list(session.scalars(select(Address).where(Address.client_id == client.id).order_by(Address.id)))
    if addresses:
        draft.erased.append(_plural(len(addresses), "postal address", "postal addresses"))
        draft.details.append(
            "Addresses: " + "; ".join(", ".join(p for p in (a.line1, a.town, a.postcode) if p) for a in addresses)
        )
    draft.mark("addresses", DELETE)
    if client.notes.strip():
        draft.erased.append("the notes on your record")
        notes = " ".join(client.notes.split())
        draft.details.append(f"Notes: {notes[:200]}{'…' if len(notes) > 200 else ''}")
    draft.erased.extend(
        label
        for label, present in (
            ("your VAT number", client.vat_number),
            ("the reference of how you pay", client.payment_reference),
            ("your Customer Centre account", client.customer_centre_ref),
            ("where your details came from", client.source),
        )
        if present
    )
    consents = draft.tables["consent_events"]
    acceptances = draft.tables["policy_acceptances"]
    if consents:
        draft.erased.append(f"your marketing consent history ({_plural(len(consents), 'entry', 'entries')})")
    if acceptances:
        draft.erased.append(
            f"which versions of our privacy policy and terms you accepted ({_plural(len(acceptances), 'record')})"
        )
    draft.mark("consent_events", DELETE)
    draft.mark("policy_acceptances", DELETE)

    services = list(session.scalars(select(Service).where(Service.client_id == client.id).order_by(Service.identifier)))
    running = [s for s in services if s.status is not ServiceStatus.ENDED]
    for s in running:
        draft.blockers.append(
            f"{s.identifier} ({s.kind.label.lower()}) is still {s.status.label.lower()}: end or transfer it first, "
            "or the agency loses track of a live service."
        )
    if services:
        draft.erased.append(
            f"{_plural(len(services), 'service')} you had with us (domain names, plans and any registrant details)"
        )
        draft.details.append("Services: " + ", ".join(dict.fromkeys(s.identifier for s in services)))
    draft.mark("services", DELETE)

    invoices = list(session.scalars(select(Invoice).where(Invoice.client_id == client.id).order_by(Invoice.issued_on)))
    by_until: dict[date, list[Invoice]] = defaultdict(list)
    for invoice in invoices:
        by_until[tax_retention_until(invoice.issued_on, settings)].append(invoice)
    for until, group in sorted(by_until.items()):
        numbers = ", ".join(i.number for i in group)
        draft.kept.append(
            KeptLine(
                f"{_plural(len(group), 'invoice')} ({numbers}): number, date, amount and the name and address billed",
                TAX_GROUND,
                until,
                INVOICE_FIELDS,
            )
        )
    draft.mark("invoices", KEEP)


def _plan_contact_records(session: Session, scope: _Scope, blockers: list[str]) -> None:
    """A contact of an organisation: its registrant details on a domain, live or ended, are not the contact's row,
    so they would stay; the domain's registrant is cleared or changed first."""
    assert scope.contact is not None
    emails = {
        p.value.casefold()
        for p in session.scalars(select(ContactPoint).where(ContactPoint.contact_id == scope.contact.id))
        if p.kind is PointKind.EMAIL
    }
    for s in session.scalars(select(Service).where(Service.client_id == scope.client.id)):
        if s.registrant_email and s.registrant_email.casefold() in emails:
            blockers.append(
                f"{scope.contact.name} is the registrant recorded on {s.identifier}: clear or change the domain's "
                "registrant first."
            )


def request_file_until(closed_on: date, settings: Settings) -> date:
    """The day a closed request file may go (the request-file retention setting)."""
    return closed_on + relativedelta(months=settings.request_file_retention_months)


def _plan_requests(session: Session, scope: _Scope, settings: Settings, today: date, draft: _Draft) -> None:
    requests = list(
        session.scalars(
            select(PrivacyRequest)
            .where(PrivacyRequest.id.in_(draft.tables["privacy_requests"]))
            .order_by(PrivacyRequest.id)
        )
    )
    this = scope.request.id if scope.request is not None else None
    others = [r for r in requests if r.id != this]
    for r in others:
        if not r.status.is_closed:
            draft.blockers.append(f"{r.ref} ({r.kind.label.lower()}) is still open: finish or withdraw it first.")
    if others:
        draft.erased.append(
            f"your name, contact details and messages on {_plural(len(others), 'earlier request')} "
            "(the record that we dealt with each stays)"
        )
    draft.mark("privacy_requests", REDUCE)
    if scope.request is not None:
        draft.kept.append(
            KeptLine(
                f"this request ({scope.request.ref}): your name and how to reach you, to send you this letter",
                REQUEST_GROUND,
                request_file_until(today, settings),
                REQUEST_FIELDS,
            )
        )
    for r in others:
        if r.closed_on is not None:
            draft.kept.append(
                KeptLine(
                    f"the record of request {r.ref} (without your name or contact details)",
                    REQUEST_GROUND,
                    request_file_until(r.closed_on, settings),
                    ("reference", "dates", "the timeline"),
                )
            )


def _plan_documents(session: Session, draft: _Draft) -> list[AttachmentLine]:
    """The requests' timelines, the documents sent and the files kept: what is said goes, the record stays."""
    with_summary = set(
        session.scalars(
            select(RequestEvent.id).where(
                RequestEvent.id.in_(draft.tables["request_events"]), RequestEvent.summary != ""
            )
        )
    )
    draft.mark("request_events", REDUCE, with_summary)
    draft.mark("request_events", KEEP, [i for i in draft.tables["request_events"] if i not in with_summary])
    draft.mark("issued_documents", REDUCE)
    draft.mark("attachments", DELETE)
    attachments = [
        AttachmentLine(a_id, filename, size, ref or "")
        for a_id, filename, size, ref in session.execute(
            select(Attachment.id, Attachment.filename, Attachment.size, PrivacyRequest.ref)
            .outerjoin(PrivacyRequest, PrivacyRequest.id == Attachment.request_id)
            .where(Attachment.id.in_(draft.tables["attachments"]))
            .order_by(Attachment.id)
        )
    ]
    if attachments:
        draft.erased.append(
            f"{_plural(len(attachments), 'file')} kept with your requests and agreements (letters, emails)"
        )
    if draft.tables["issued_documents"]:
        count = len(draft.tables["issued_documents"])
        draft.erased.append(
            f"your name on {_plural(count, 'document')} we sent you (we keep the record that "
            f"{'it was' if count == 1 else 'they were'} sent)"
        )
    return attachments


def _plan_logins(session: Session, scope: _Scope, draft: _Draft) -> list[LoginLine]:
    ids = draft.tables["credentials"]
    if not scope.whole_client or not ids:
        return []
    shared = set(
        session.scalars(
            select(credential_clients.c.credential_id)
            .where(credential_clients.c.credential_id.in_(ids))
            .group_by(credential_clients.c.credential_id)
            .having(func.count() > 1)
        )
    )
    lines = [
        LoginLine(c.id, c.operator.name, c.account_name, c.id not in shared)
        for c in session.scalars(select(Credential).where(Credential.id.in_(ids)).order_by("id"))
    ]
    own = [x.credential_id for x in lines if x.deleted]
    draft.mark("credentials", DELETE, own)
    draft.mark("credentials", KEEP, [x.credential_id for x in lines if not x.deleted])
    if own:
        draft.erased.append(
            f"{_plural(len(own), 'login')} we kept for your accounts with other companies (passwords included)"
        )
    return lines


# -- doing it -------------------------------------------------------------------------------------------------------


def _tombstone_note(client_ref: str, on: date, request_ref: str) -> str:
    under = f"under request {request_ref}" if request_ref else "at the end of its retention period"
    return f"Erased client {client_ref}, erased on {format_uk_date(on)} {under}."


def _apply(
    session: Session,
    scope: _Scope,
    p: ErasurePlan,
    census: Collection[tuple[str, int]],
    settings: Settings,
    today: date,
    merge_index: bool = True,
) -> None:
    """Erase what ``p`` says from the rows of the ``census``."""
    client = scope.client
    request_ids = [i for t, i in census if t == "privacy_requests"]
    document_ids = [i for t, i in census if t == "issued_documents"]
    attachment_ids = [i for t, i in census if t == "attachments"]
    this = scope.request.id if scope.request is not None else None

    if scope.whole_client:
        for line in p.logins:
            if line.deleted:
                vault.queue_keyring_deletion(session, line.credential_id)
        own = [x.credential_id for x in p.logins if x.deleted]
        session.execute(delete(Credential).where(Credential.id.in_(own)))
        session.execute(delete(credential_clients).where(credential_clients.c.client_id == client.id))
        # The cascades take contact points, service links and vault links with them.
        for model in (Contact, Address, ConsentEvent, PolicyAcceptance, Service):
            session.execute(delete(model).where(model.client_id == client.id))
        for invoice in session.scalars(select(Invoice).where(Invoice.client_id == client.id)):
            invoice.delete_on = tax_retention_until(invoice.issued_on, settings)
        note = _tombstone_note(client.ref, today, p.request_ref)
        session.execute(
            update(Client)
            .where(Client.id == client.id)
            .values(
                name=f"Erased client {client.ref}",
                trading_name="",
                sort_name=f"erased client {client.ref.lower()}",
                status=ClientStatus.ERASED,
                status_changed_on=today,
                closed_on=client.closed_on or today,
                erased_on=today,
                vat_number="",
                payment_reference="",
                customer_centre_ref=None,
                source="",
                notes=note,
                restricted_on=None,
                restriction_note="",
                updated_at=utcnow(),
            )
        )
        session.execute(delete(SealKey).where(SealKey.client_id == client.id))
        search.forget(session, client.id)
    else:
        assert scope.contact is not None
        session.execute(delete(Contact).where(Contact.id == scope.contact.id))
        session.flush()
        search.reindex(session, [client.id])
    if merge_index:
        search.merge(session)

    erased_name = f"Erased ({client.ref})"
    session.execute(
        update(PrivacyRequest)
        .where(PrivacyRequest.id.in_([i for i in request_ids if i != this]))
        .values(
            requester_name=erased_name,
            requester_email="",
            requester_phone="",
            requester_address="",
            subject="",
            details="",
            identity_evidence="",
            contact_id=None,
        )
    )
    if this is not None:
        # Kept: the name and the email and postal address the confirmation goes to. The message itself goes.
        session.execute(
            update(PrivacyRequest)
            .where(PrivacyRequest.id == this)
            .values(requester_phone="", subject="Erasure request", details="", identity_evidence="", contact_id=None)
        )
    session.execute(
        update(RequestEvent)
        .where(RequestEvent.request_id.in_(request_ids), RequestEvent.summary != "")
        .values(summary=f"(details erased on {format_uk_date(today)})")
    )
    session.execute(
        update(IssuedDocument)
        .where(IssuedDocument.id.in_(document_ids))
        .values(
            title=f"Document for erased client {client.ref}"
            if scope.whole_client
            else f"Document for an erased contact of {client.ref}",
            recipient="",
            delivered_to="",
            notes="",
            signed_copy_id=None,
        )
    )
    session.execute(delete(Attachment).where(Attachment.id.in_(attachment_ids)))


def _result_rows(before: dict[tuple[str, int], str], after: dict[tuple[str, int], str]) -> frozenset[Row]:
    """What happened to each row: gone, changed, or left as it was."""
    return frozenset(
        Row(table, row_id, DELETE if (table, row_id) not in after else REDUCE if after[(table, row_id)] != fp else KEEP)
        for (table, row_id), fp in before.items()
    )


def execute(
    session: Session,
    actor: str,
    confirmed: ErasurePlan,
    settings: Settings,
    today: date,
    *,
    reason: str = BY_REQUEST,
) -> ErasureResult:
    """Carry out ``confirmed`` (an admin has checked it) in the caller's transaction.

    The plan is made again first: if the register changed since the admin read it, nothing is done. The caller
    commits, then calls :func:`wipe_freed_space` and :func:`hartdesk.security.vault.delete_queued` (see
    :func:`erase`, which does all three)."""
    fresh = plan(
        session,
        confirmed.client_ref,
        settings,
        today,
        request_ref=confirmed.request_ref,
        contact_id=confirmed.contact_id,
    )
    if fresh.blockers:
        raise ValidationError(" ".join(fresh.blockers))
    if fresh.digest() != confirmed.digest():
        raise ValidationError(
            f"The register changed since the plan for {confirmed.client_ref} was made: look at the plan again before "
            "erasing."
        )
    return carry_out(session, actor, fresh, settings, today, reason=reason)


def carry_out(
    session: Session,
    actor: str,
    fresh: ErasurePlan,
    settings: Settings,
    today: date,
    *,
    reason: str = BY_REQUEST,
    merge_index: bool = True,
) -> ErasureResult:
    """Carry out ``fresh``, a plan without blockers made in this same transaction (:func:`execute` checks an
    older one first). ``merge_index=False`` leaves merging the search index to the caller, once for many
    erasures (the retention review)."""
    scope = _load_scope(session, fresh.client_ref, fresh.request_ref, fresh.contact_id)
    before = _census(session, *scope.ids())
    _apply(session, scope, fresh, before, settings, today, merge_index)
    session.flush()
    session.expire_all()
    done = _result_rows(before, _recheck(session, before))

    record = Erasure(
        client_id=fresh.client_id,
        client_ref=fresh.client_ref,
        request_id=scope.request.id if scope.request is not None else None,
        scope=fresh.scope,
        reason=reason,
        done_on=today,
        done_by=actor,
        done_at=utcnow(),
        erased=json.dumps(list(fresh.erased)),
        kept=json.dumps([[k.what, k.ground, k.until.isoformat() if k.until else None] for k in fresh.kept]),
        backup_days=settings.backup_keep_days,
    )
    session.add(record)
    made = notices.create(session, scope.request, fresh.notices, today) if scope.request is not None else []
    session.merge(Counter(name=WIPE_PENDING, value=1))
    session.flush()
    counts: dict[str, int] = defaultdict(int)
    for row in done:
        counts[f"{row.table}.{row.action}"] += 1
    audit.record(
        session,
        actor,
        "client.erased",
        f"client:{fresh.client_ref}",
        {"request": fresh.request_ref, "scope": fresh.scope, "reason": reason, "rows": dict(sorted(counts.items()))},
    )
    if scope.request is not None:
        _complete_request(session, actor, fresh, settings, today)
    return ErasureResult(record.id, fresh.client_ref, fresh.request_ref, done, tuple(n.id for n in made), 0)


def _complete_request(session: Session, actor: str, p: ErasurePlan, settings: Settings, today: date) -> None:
    from hartdesk.privacy import requests

    what = "client" if p.scope == CLIENT else "contact"
    outcome = (
        f"Erased the {what}'s data ({_plural(len(p.erased), 'kind')} of data); "
        f"kept {_plural(len(p.letter_kept()), 'item')}, each with its ground and date."
    )
    if p.notices:
        outcome += f" {_plural(len(p.notices), 'operator')} to be told (Art. 19)."
    requests.complete(session, actor, p.request_ref, today, outcome, settings, today)


def wipe_freed_space(register: OpenRegister) -> None:
    """After the commit: the file rewritten without the freed pages and the WAL emptied, so nothing erased is left in
    either. The erasure's transaction marks the wipe as due; if hartdesk stops before it is done, the next sign-in
    does it."""
    if not register.compact():
        log.warning("the WAL could not be emptied after an erasure; the next sign-in tries again")
        return
    with register.session() as session:
        session.execute(delete(Counter).where(Counter.name == WIPE_PENDING))


def finish_pending_wipe(register: OpenRegister) -> bool:
    """Wipe the freed pages if an erasure committed but its wipe never ran; True if it had to."""
    with register.session() as session:
        pending = session.get(Counter, WIPE_PENDING) is not None
    if pending:
        wipe_freed_space(register)
    return pending


def erase(
    register: OpenRegister,
    actor: str,
    confirmed: ErasurePlan,
    settings: Settings,
    today: date,
    *,
    reason: str = BY_REQUEST,
) -> ErasureResult:
    """The whole erasure on an open register: one transaction, then the wipe and the keyring deletions."""
    with register.session() as session:
        result = execute(session, actor, confirmed, settings, today, reason=reason)
    wipe_freed_space(register)
    left = vault.delete_queued(register)
    log.info("erasure done (%d rows)", len(result.rows))
    return replace(result, keyring_entries_left=left)
