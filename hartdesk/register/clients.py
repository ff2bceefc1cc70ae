"""Clients: validating and saving what a clerk typed, and reading back everything held about one client.

Writes take the signed-in person's user name for the audit log, which records which fields changed — never their
values (they are personal data).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.errors import DuplicateError, NotFoundError, ValidationError
from hartdesk.models import (
    Address,
    AddressKind,
    Client,
    ClientKind,
    ClientStatus,
    ConsentChange,
    ConsentEvent,
    Contact,
    ContactPoint,
    Invoice,
    PointKind,
    PolicyAcceptance,
    PolicyDocument,
    Service,
    ServiceKind,
    ServiceStatus,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields, search
from hartdesk.register.references import client_ref, next_number
from hartdesk.security import audit

MARKETING = "marketing"
_CARD_LIKE = re.compile(r"(?:\d[ -]?){13,19}")


# -- what a form sends --------------------------------------------------------------------------------------------


@dataclass
class ContactInput:
    name: str
    role: str = ""
    emails: list[str] = field(default_factory=list)
    phones: list[str] = field(default_factory=list)
    is_primary: bool = False


@dataclass
class AddressInput:
    kind: AddressKind
    line1: str
    line2: str = ""
    line3: str = ""
    town: str = ""
    county: str = ""
    postcode: str = ""
    country: str = "GB"

    def is_blank(self) -> bool:
        return not any((self.line1, self.line2, self.line3, self.town, self.county, self.postcode))


@dataclass
class ClientInput:
    name: str
    kind: ClientKind = ClientKind.ORGANISATION
    trading_name: str = ""
    vat_number: str = ""
    payment_reference: str = ""
    customer_centre_ref: str = ""
    source: str = ""
    notes: str = ""
    contacts: list[ContactInput] = field(default_factory=list)
    addresses: list[AddressInput] = field(default_factory=list)


def looks_like_card_number(value: str) -> bool:
    """A run of 13–19 digits passing the Luhn check: a payment card number, which hartdesk must never store."""
    from stdnum import luhn

    for match in _CARD_LIKE.finditer(value):
        digits = re.sub(r"\D", "", match.group())
        if 13 <= len(digits) <= 19 and luhn.is_valid(digits):
            return True
    return False


def validate_client(data: ClientInput) -> ClientInput:
    """The cleaned input, or :class:`FormError` naming every wrong field (keys such as ``contacts.0.emails.1``)."""
    problems = fields.Problems()
    check = problems.check
    cleaned = replace(
        data,
        name=check("name", fields.clean_text, data.name, "client's name", 200, True),
        trading_name=check("trading_name", fields.clean_text, data.trading_name, "trading name", 200),
        vat_number=check("vat_number", fields.check_vat, data.vat_number),
        payment_reference=check(
            "payment_reference", fields.clean_text, data.payment_reference, "payment reference", 80
        ),
        customer_centre_ref=check(
            "customer_centre_ref", fields.clean_text, data.customer_centre_ref, "Customer Centre reference", 40
        ),
        source=check("source", fields.clean_text, data.source, "source of the data", 300),
        notes=check("notes", fields.clean_text, data.notes, "notes", 20000),
    )
    for key in ("payment_reference", "notes"):
        if key not in problems and looks_like_card_number(getattr(cleaned, key)):
            problems.add(
                key,
                "This looks like a payment card number. hartdesk must never hold card numbers: "
                "keep only a reference to how the client pays.",
            )
    contacts = []
    for i, contact in enumerate(data.contacts):
        emails = [check(f"contacts.{i}.emails.{j}", fields.check_email, e) for j, e in enumerate(contact.emails)]
        phones = [check(f"contacts.{i}.phones.{j}", fields.check_phone, p) for j, p in enumerate(contact.phones)]
        contacts.append(
            ContactInput(
                name=check(f"contacts.{i}.name", fields.clean_text, contact.name, "contact's name", 200, True),
                role=check(f"contacts.{i}.role", fields.clean_text, contact.role, "contact's role", 80),
                emails=emails,
                phones=phones,
                is_primary=contact.is_primary,
            )
        )
    if contacts and not any(c.is_primary for c in contacts):
        contacts[0].is_primary = True
    addresses = [
        check_address(problems, f"addresses.{i}", address)
        for i, address in enumerate(data.addresses)
        if not address.is_blank()  # keys keep the caller's numbering, so a message lands on the right form
    ]
    problems.raise_any()
    return replace(cleaned, contacts=contacts, addresses=addresses)


def check_address(problems: fields.Problems, prefix: str, address: AddressInput) -> AddressInput:
    """The address cleaned (a UK postcode checked and written the Royal Mail way); problems keyed ``prefix.field``."""
    country = problems.check(f"{prefix}.country", fields.check_country, address.country) or "GB"
    return AddressInput(
        kind=address.kind,
        line1=problems.check(f"{prefix}.line1", fields.clean_text, address.line1, "first address line", 200, True),
        line2=problems.check(f"{prefix}.line2", fields.clean_text, address.line2, "second address line", 200),
        line3=problems.check(f"{prefix}.line3", fields.clean_text, address.line3, "third address line", 200),
        town=problems.check(f"{prefix}.town", fields.clean_text, address.town, "town", 100),
        county=problems.check(f"{prefix}.county", fields.clean_text, address.county, "county", 100),
        postcode=problems.check(f"{prefix}.postcode", fields.check_postcode, address.postcode, country),
        country=country,
    )


# -- duplicates -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duplicate:
    ref: str
    name: str
    reason: str


def find_duplicates(session: Session, data: ClientInput, exclude_ref: str | None = None) -> list[Duplicate]:
    """Clients already in the register with the same Customer Centre reference or one of the same emails."""
    found: dict[str, Duplicate] = {}
    if data.customer_centre_ref:
        for ref, name in session.execute(
            select(Client.ref, Client.name).where(
                func.lower(Client.customer_centre_ref) == data.customer_centre_ref.lower()
            )
        ):
            found.setdefault(ref, Duplicate(ref, name, f"Customer Centre reference {data.customer_centre_ref}"))
    emails = {e.lower() for c in data.contacts for e in c.emails}
    if emails:
        rows = session.execute(
            select(Client.ref, Client.name, ContactPoint.value)
            .join(Contact, Contact.client_id == Client.id)
            .join(ContactPoint, ContactPoint.contact_id == Contact.id)
            .where(ContactPoint.kind == PointKind.EMAIL, func.lower(ContactPoint.value).in_(emails))
        )
        for ref, name, email in rows:
            found.setdefault(ref, Duplicate(ref, name, f"email {email}"))
    found.pop(exclude_ref or "", None)
    return list(found.values())


def _refuse_duplicate_account(session: Session, data: ClientInput, exclude_ref: str | None) -> None:
    """A Customer Centre reference belongs to one client only; a shared email is only a warning (find_duplicates)."""
    for dup in find_duplicates(session, replace(data, contacts=[]), exclude_ref):
        raise DuplicateError(
            f"{dup.ref} {dup.name} already has the Customer Centre reference {data.customer_centre_ref}.", dup.ref
        )


# -- writing --------------------------------------------------------------------------------------------------------


def client_by_ref(session: Session, ref: str) -> Client:
    client = session.scalar(select(Client).where(Client.ref == ref.strip().upper()))
    if client is None:
        raise NotFoundError(f"There is no client {ref}.")
    return client


def apply_input(client: Client, data: ClientInput) -> None:
    client.kind = data.kind
    client.name = data.name
    client.sort_name = fields.fold(data.name)[:200]
    client.trading_name = data.trading_name
    client.vat_number = data.vat_number
    client.payment_reference = data.payment_reference
    client.customer_centre_ref = data.customer_centre_ref or None
    client.source = data.source
    client.notes = data.notes


def build_contacts(data: ClientInput) -> list[Contact]:
    return [
        Contact(
            name=c.name,
            role=c.role,
            is_primary=c.is_primary,
            position=i,
            points=[ContactPoint(kind=PointKind.EMAIL, value=e) for e in c.emails]
            + [ContactPoint(kind=PointKind.PHONE, value=p) for p in c.phones],
        )
        for i, c in enumerate(data.contacts)
    ]


def build_addresses(data: ClientInput) -> list[Address]:
    return [
        Address(
            kind=a.kind,
            line1=a.line1,
            line2=a.line2,
            line3=a.line3,
            town=a.town,
            county=a.county,
            postcode=a.postcode,
            country=a.country,
        )
        for a in data.addresses
    ]


def create_client(session: Session, actor: str, data: ClientInput, today: date | None = None) -> str:
    """Save a new client and return its reference."""
    data = validate_client(data)
    _refuse_duplicate_account(session, data, None)
    now = utcnow()
    today = today or now.date()
    client = Client(
        ref=client_ref(next_number(session, "client")),
        status=ClientStatus.ACTIVE,
        status_changed_on=today,
        opened_on=today,
        created_at=now,
        updated_at=now,
        contacts=build_contacts(data),
        addresses=build_addresses(data),
    )
    apply_input(client, data)
    session.add(client)
    session.flush()
    search.reindex(session, [client.id])
    audit.record(session, actor, "client.created", f"client:{client.ref}")
    return client.ref


def _snapshot(client: Client) -> dict[str, object]:
    return {
        "kind": client.kind,
        "name": client.name,
        "trading_name": client.trading_name,
        "vat_number": client.vat_number,
        "payment_reference": client.payment_reference,
        "customer_centre_ref": client.customer_centre_ref,
        "source": client.source,
        "notes": client.notes,
        "contacts": _contact_keys(client.contacts),
        "addresses": _address_keys(client.addresses),
    }


def _contact_keys(contacts: list[Contact]) -> list[tuple[object, ...]]:
    return [(c.name, c.role, c.is_primary, [(p.kind, p.value) for p in c.points]) for c in contacts]


def _input_contact_keys(data: ClientInput) -> list[tuple[object, ...]]:
    return [
        (
            c.name,
            c.role,
            c.is_primary,
            [(PointKind.EMAIL, e) for e in c.emails] + [(PointKind.PHONE, p) for p in c.phones],
        )
        for c in data.contacts
    ]


def _address_keys(addresses: list[Address] | list[AddressInput]) -> list[tuple[object, ...]]:
    return [(a.kind, a.line1, a.line2, a.line3, a.town, a.county, a.postcode, a.country) for a in addresses]


def update_client(session: Session, actor: str, ref: str, data: ClientInput) -> list[str]:
    """Save changes to a client; return the names of the fields that changed (also written to the audit log)."""
    data = validate_client(data)
    client = client_by_ref(session, ref)
    if client.status is ClientStatus.ERASED:
        raise ValidationError(f"{client.ref} was erased; its record cannot be edited.")
    _refuse_duplicate_account(session, data, client.ref)
    before = _snapshot(client)
    apply_input(client, data)
    if _contact_keys(client.contacts) != _input_contact_keys(data):
        client.contacts = build_contacts(data)
    own = [a for a in client.addresses if a.kind is not AddressKind.REGISTRANT]
    if _address_keys(own) != _address_keys(data.addresses):
        # A domain's registrant address is edited with its service, not here.
        kept = [a for a in client.addresses if a.kind is AddressKind.REGISTRANT]
        client.addresses = kept + build_addresses(data)
    session.flush()
    changed = [key for key, value in _snapshot(client).items() if before[key] != value]
    if changed:
        client.updated_at = utcnow()
        search.reindex(session, [client.id])
        audit.record(session, actor, "client.updated", f"client:{client.ref}", {"fields": changed})
    return changed


def set_status(session: Session, actor: str, ref: str, status: ClientStatus, on: date | None = None) -> None:
    """Suspend, close or reopen a client. Erasure is its own process (privacy.erasure), never a status change."""
    if status is ClientStatus.ERASED:
        raise ValidationError("A client is erased through an erasure request, not by changing its status.")
    client = client_by_ref(session, ref)
    if client.status is ClientStatus.ERASED:
        raise ValidationError(f"{client.ref} was erased; its status cannot change.")
    if client.status is status:
        return
    on = on or utcnow().date()
    previous = client.status
    client.status = status
    client.status_changed_on = on
    client.closed_on = on if status is ClientStatus.CLOSED else None
    client.updated_at = utcnow()
    audit.record(session, actor, "client.status", f"client:{client.ref}", {"from": previous.value, "to": status.value})


def delete_client(session: Session, actor: str, ref: str) -> None:
    """Remove a client entered by mistake. A client with invoices is kept for tax: close or erase it instead."""
    client = client_by_ref(session, ref)
    if session.scalar(select(func.count(Invoice.id)).where(Invoice.client_id == client.id)):
        raise ValidationError(
            f"{client.ref} has invoices, which must be kept for tax. Close the client instead, "
            "or erase their personal data through an erasure request."
        )
    search.forget(session, client.id)
    session.delete(client)
    session.flush()
    audit.record(session, actor, "client.deleted", f"client:{client.ref}")


def record_consent(
    session: Session,
    actor: str,
    ref: str,
    change: ConsentChange,
    method: str,
    at: datetime | None = None,
    note: str = "",
    purpose: str = MARKETING,
) -> None:
    """A dated change of consent with how it was given or withdrawn. Consent is never set without a record."""
    client = client_by_ref(session, ref)
    method = fields.clean_text(method, "way the consent was given or withdrawn", 120, True)
    client.consents.append(
        ConsentEvent(
            purpose=purpose,
            change=change,
            at=at or utcnow(),
            method=method,
            recorded_by=actor,
            note=fields.clean_text(note, "note", 2000),
        )
    )
    session.flush()
    audit.record(session, actor, f"consent.{change.value}", f"client:{client.ref}", {"purpose": purpose})


def record_acceptance(
    session: Session,
    actor: str,
    ref: str,
    document: PolicyDocument,
    version: str,
    at: datetime | None = None,
    method: str = "",
) -> None:
    client = client_by_ref(session, ref)
    client.acceptances.append(
        PolicyAcceptance(
            document=document,
            version=fields.clean_text(version, "version", 40, True),
            accepted_at=at or utcnow(),
            method=fields.clean_text(method, "way it was accepted", 120),
        )
    )
    session.flush()
    audit.record(session, actor, "policy.accepted", f"client:{client.ref}", {"document": document.value})


# -- reading --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactView:
    name: str
    role: str
    is_primary: bool
    emails: tuple[str, ...]
    phones: tuple[str, ...]  # E.164

    @property
    def phones_display(self) -> tuple[str, ...]:
        return tuple(fields.format_phone(p) for p in self.phones)


@dataclass(frozen=True)
class AddressView:
    id: int
    kind: AddressKind
    line1: str
    line2: str
    line3: str
    town: str
    county: str
    postcode: str
    country: str

    @property
    def lines(self) -> list[str]:
        lines = [self.line1, self.line2, self.line3, self.town, self.county, self.postcode]
        if self.country != "GB":
            lines.append(fields.country_name(self.country))
        return [line for line in lines if line]


@dataclass(frozen=True)
class RegistrantView:
    name: str
    organisation: str
    email: str
    phone: str
    address: AddressView | None


@dataclass(frozen=True)
class ServiceView:
    id: int
    kind: ServiceKind
    identifier: str
    plan: str
    status: ServiceStatus
    start_date: date | None
    renewal_date: date | None
    end_date: date | None
    operators: tuple[str, ...]
    registrant: RegistrantView | None
    notes: str


@dataclass(frozen=True)
class InvoiceView:
    id: int
    number: str
    issued_on: date
    amount_pence: int
    status: str
    billed_name: str
    billed_address: str
    delete_on: date | None = None  # set when the client was erased: kept for tax until then


@dataclass(frozen=True)
class ConsentView:
    purpose: str
    change: ConsentChange
    at: datetime
    method: str
    recorded_by: str
    note: str


@dataclass(frozen=True)
class AcceptanceView:
    document: PolicyDocument
    version: str
    accepted_at: datetime
    method: str


@dataclass(frozen=True)
class ClientDetail:
    id: int
    ref: str
    kind: ClientKind
    name: str
    trading_name: str
    status: ClientStatus
    status_changed_on: date
    opened_on: date
    closed_on: date | None
    erased_on: date | None
    vat_number: str
    payment_reference: str
    customer_centre_ref: str
    source: str
    notes: str
    created_at: datetime
    updated_at: datetime
    contacts: tuple[ContactView, ...]
    addresses: tuple[AddressView, ...]
    services: tuple[ServiceView, ...]
    invoices: tuple[InvoiceView, ...]
    consents: tuple[ConsentView, ...]
    acceptances: tuple[AcceptanceView, ...]
    restricted_on: date | None = None  # UK GDPR Art. 18: only stored, not used, from this day
    restriction_note: str = ""  # under which request ("under request R-2026-0042")

    @property
    def marketing_consent(self) -> str:
        """ "none" until a record says otherwise, then "given" or "withdrawn" as of the latest record."""
        events = [c for c in self.consents if c.purpose == MARKETING]
        return events[-1].change.value if events else "none"

    def accepted_version(self, document: PolicyDocument) -> AcceptanceView | None:
        accepted = [a for a in self.acceptances if a.document is document]
        return accepted[-1] if accepted else None

    def needs_reacceptance(self, document: PolicyDocument, current_version: str) -> bool:
        """True when a current version is set and the client has not accepted it (or never accepted any)."""
        accepted = self.accepted_version(document)
        return bool(current_version) and (accepted is None or accepted.version != current_version)

    def as_input(self) -> ClientInput:
        """The form values for editing this client."""
        return ClientInput(
            name=self.name,
            kind=self.kind,
            trading_name=self.trading_name,
            vat_number=self.vat_number,
            payment_reference=self.payment_reference,
            customer_centre_ref=self.customer_centre_ref,
            source=self.source,
            notes=self.notes,
            contacts=[
                ContactInput(c.name, c.role, list(c.emails), list(c.phones_display), c.is_primary)
                for c in self.contacts
            ],
            addresses=[
                AddressInput(a.kind, a.line1, a.line2, a.line3, a.town, a.county, a.postcode, a.country)
                for a in self.addresses
                if a.kind is not AddressKind.REGISTRANT
            ],
        )


def _address_view(a: Address) -> AddressView:
    return AddressView(a.id, a.kind, a.line1, a.line2, a.line3, a.town, a.county, a.postcode, a.country)


def get_client(session: Session, ref: str) -> ClientDetail:
    client = session.scalar(
        select(Client)
        .where(Client.ref == ref.strip().upper())
        .options(
            selectinload(Client.contacts).selectinload(Contact.points),
            selectinload(Client.addresses),
            selectinload(Client.consents),
            selectinload(Client.acceptances),
        )
    )
    if client is None:
        raise NotFoundError(f"There is no client {ref}.")
    services = session.scalars(
        select(Service)
        .where(Service.client_id == client.id)
        .options(selectinload(Service.operators), selectinload(Service.registrant_address))
        .order_by(Service.kind, Service.identifier)
    ).all()
    invoices = session.scalars(
        select(Invoice).where(Invoice.client_id == client.id).order_by(Invoice.issued_on.desc(), Invoice.number)
    ).all()
    return ClientDetail(
        id=client.id,
        ref=client.ref,
        kind=client.kind,
        name=client.name,
        trading_name=client.trading_name,
        status=client.status,
        status_changed_on=client.status_changed_on,
        opened_on=client.opened_on,
        closed_on=client.closed_on,
        erased_on=client.erased_on,
        vat_number=client.vat_number,
        payment_reference=client.payment_reference,
        customer_centre_ref=client.customer_centre_ref or "",
        source=client.source,
        notes=client.notes,
        created_at=client.created_at,
        updated_at=client.updated_at,
        contacts=tuple(
            ContactView(
                c.name,
                c.role,
                c.is_primary,
                tuple(p.value for p in c.points if p.kind is PointKind.EMAIL),
                tuple(p.value for p in c.points if p.kind is PointKind.PHONE),
            )
            for c in client.contacts
        ),
        addresses=tuple(_address_view(a) for a in client.addresses),
        services=tuple(
            ServiceView(
                s.id,
                s.kind,
                s.identifier,
                s.plan,
                s.status,
                s.start_date,
                s.renewal_date,
                s.end_date,
                tuple(o.name for o in s.operators),
                RegistrantView(
                    s.registrant_name,
                    s.registrant_organisation,
                    s.registrant_email,
                    s.registrant_phone,
                    _address_view(s.registrant_address) if s.registrant_address else None,
                )
                if s.has_registrant
                else None,
                s.notes,
            )
            for s in services
        ),
        invoices=tuple(
            InvoiceView(
                i.id,
                i.number,
                i.issued_on,
                i.amount_pence,
                i.status.value,
                i.billed_name,
                i.billed_address,
                i.delete_on,
            )
            for i in invoices
        ),
        consents=tuple(
            ConsentView(c.purpose, c.change, c.at, c.method, c.recorded_by, c.note) for c in client.consents
        ),
        acceptances=tuple(AcceptanceView(a.document, a.version, a.accepted_at, a.method) for a in client.acceptances),
        restricted_on=client.restricted_on,
        restriction_note=client.restriction_note,
    )


def restrictions(session: Session, client_ids: Sequence[int]) -> dict[int, tuple[date, str]]:
    """The restricted clients among ``client_ids`` (a page of a list): ``(restricted_on, restriction_note)`` by id."""
    if not client_ids:
        return {}
    rows = session.execute(
        select(Client.id, Client.restricted_on, Client.restriction_note).where(
            Client.id.in_(client_ids), Client.restricted_on.is_not(None)
        )
    )
    return {row.id: (row.restricted_on, row.restriction_note) for row in rows}


def client_id_for(session: Session, ref: str) -> int:
    return client_by_ref(session, ref).id
