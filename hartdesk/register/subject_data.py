"""What goes into a data report (SPEC.md §2): the register's data about one person, turned into the plain
:class:`~hartdesk.documents.data_report.SubjectData` the renderer takes.

The person is a client, or one contact of a client (``contact_id``). For a contact, the report holds their own
details and the part of the client's data that concerns them: the domains they are the registrant of, invoices made
out to them, the requests they made, the documents sent to them, the consent records of the client.

Data about other people is left out: other clients never appear (every query is limited to this client); a domain
registered to someone else shows that a registrant exists, not who; a request made by someone else on the person's
behalf is listed without that person's details; staff names (who recorded what) are left out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.documents import data_report as dr
from hartdesk.documents.letter import Addressee
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import AddressKind, ClientKind, ClientStatus, Contact, LawfulBasis, PointKind, TransferSafeguard
from hartdesk.models.documents import IssuedDocument
from hartdesk.models.enums import LetterKind, RequestRole, RequestType
from hartdesk.models.requests import Attachment, PrivacyRequest
from hartdesk.privacy.rights import restriction_text
from hartdesk.register import fields
from hartdesk.register.clients import AddressView, ClientDetail, ContactView, ServiceView, get_client
from hartdesk.register.letterhead import letterhead_from, page_size
from hartdesk.register.whoholds import who_holds_what
from hartdesk.settings import Settings, missing_for_documents
from hartdesk.settings import label as settings_label

# Lawful bases and transfer safeguards in words a person without legal training understands.
PLAIN_BASIS = {
    LawfulBasis.CONTRACT: "To provide the services we agreed with you (contract)",
    LawfulBasis.LEGAL_OBLIGATION: "The law requires us to (legal obligation), for example tax law",
    LawfulBasis.LEGITIMATE_INTERESTS: "Our legitimate interests, which we have balanced against your rights",
    LawfulBasis.CONSENT: "Your consent, which you can withdraw at any time",
    LawfulBasis.PROCESSOR: "We hold it on the instructions of the client who owns it, as their processor",
}
PLAIN_SAFEGUARD = {
    TransferSafeguard.NOT_RESTRICTED: "None needed: your data stays in the UK",
    TransferSafeguard.UK_ADEQUACY: "UK adequacy regulations: the UK recognises this country's protection as adequate",
    TransferSafeguard.IDTA: "The ICO's international data transfer agreement (IDTA)",
    TransferSafeguard.ADDENDUM: "The EU standard contractual clauses with the ICO's UK addendum",
    TransferSafeguard.NONE: "None in place: ask us about this transfer",
}
PLAIN_REQUEST = {
    RequestType.ACCESS: "A copy of your data",
    RequestType.RECTIFICATION: "Correct your data",
    RequestType.ERASURE: "Delete your data",
    RequestType.RESTRICTION: "Stop using your data",
    RequestType.PORTABILITY: "Your data in a file",
    RequestType.OBJECTION: "Object to how we use your data",
    RequestType.WITHDRAW_CONSENT: "Withdraw consent",
    RequestType.COMPLAINT: "Complaint",
    RequestType.OTHER: "Other",
}
SOMEONE_ELSE = "Someone else (their details are left out)"


@dataclass(frozen=True)
class _Person:
    """Whom the report is about, for telling their data from other people's."""

    names: frozenset[str]  # case-folded
    emails: frozenset[str]  # case-folded
    contact_id: int | None

    def is_them(self, name: str = "", email: str = "", organisation: str = "") -> bool:
        return any(
            value.strip().casefold() in pool
            for value, pool in ((name, self.names), (email, self.emails), (organisation, self.names))
            if value.strip()
        )


def subject_data(
    session: Session,
    client_ref: str,
    settings: Settings,
    today: date,
    *,
    contact_id: int | None = None,
    request_ref: str = "",
    for_post: bool = True,
) -> dr.SubjectData:
    """The data report of a client, or of one of its contacts. :class:`ValidationError` when the agency's details
    are missing from Settings, or when a report for post has no address to go to."""
    missing = missing_for_documents(settings)
    if not settings.ico_contact.strip():  # SPEC.md §2: the report must say how to complain to the ICO
        missing.append(settings_label("ico_contact"))
    if missing:
        raise ValidationError(f"Before a document can be produced, fill in these in Settings: {', '.join(missing)}.")
    client = get_client(session, client_ref)
    if client.status is ClientStatus.ERASED:
        raise ValidationError(
            f"{client.ref} was erased on {fields.format_uk_date(client.erased_on or today)}: there is no personal "
            "data left to report. The erasure confirmation letter says what was kept, why and until when."
        )
    contact = _contact(session, client, contact_id)
    request = _request(session, client, request_ref)
    addressee = _addressee(client, contact)
    if for_post and not addressee.has_postal_address:
        raise ValidationError(
            f"{client.ref} {addressee.name} has no postal or billing address, so the report cannot be sent by "
            "post. Add the address to the client, or send the report by email."
        )
    if contact is None:
        person = _Person(
            frozenset({client.name.casefold(), *(c.name.casefold() for c in client.contacts)}),
            frozenset(e.casefold() for c in client.contacts for e in c.emails),
            None,
        )
    else:
        person = _Person(
            frozenset({contact.name.casefold()}),
            frozenset(p.value.casefold() for p in contact.points if p.kind is PointKind.EMAIL),
            contact.id,
        )
    requests = _requests(session, client, person)
    documents = _documents(session, client, person if contact is not None else None)
    held = who_holds_what(session, client.ref, settings, today)

    if contact is None:
        tables = _client_tables(client, person, requests, documents)
        categories = list(held.categories)
    else:
        tables, codes, evidence = _contact_tables(client, contact, person, requests, documents)
        categories = [replace(c, evidence=tuple(evidence.get(c.code, ()))) for c in held.categories if c.code in codes]
    codes_held = {c.code for c in categories}
    names = {c.code: c.name for c in categories}
    recipients = [
        dr.Recipient(
            name=d.operator_name,
            role=d.role,
            country=d.country_name,
            outside_uk=d.country.upper() != "GB",
            safeguard=_safeguard(d.safeguard, d.country),
            data=tuple(names[code] for code in d.categories if code in codes_held),
            purposes=d.purposes,
        )
        for d in held.recipients
        if codes_held.intersection(d.categories)
    ]
    subject = contact.name if contact is not None else client.name
    stem = f"data-report-{client.ref}" + (f"-contact-{contact.id}" if contact is not None else "")
    return dr.SubjectData(
        letterhead=letterhead_from(settings),
        addressee=addressee,
        subject_name=subject,
        client_ref=client.ref,
        produced_on=today,
        ico_contact=settings.ico_contact,
        tables=tuple(tables),
        kinds=tuple(
            dr.DataKind(
                name=c.name,
                description=c.description,
                held=c.evidence,
                purpose=c.purpose,
                lawful_basis=PLAIN_BASIS.get(c.lawful_basis, c.lawful_basis.label),
                source=c.source,
                retention=_sentence(c.retention),
            )
            for c in categories
        ),
        recipients=tuple(recipients),
        request_ref=request.ref if request is not None else "",
        received_on=request.received_on if request is not None else None,
        account_source=client.source if contact is None else "",
        signatory=settings.agency_contact_name,
        signatory_position=settings.agency_contact_position,
        wording_folder=settings.wording_folder,
        pagesize=page_size(settings),
        file_stem=stem,
        restriction=restriction_text(client.restricted_on, client.restriction_note),
    )


# -- whom it is for -------------------------------------------------------------------------------------------------


def _contact(session: Session, client: ClientDetail, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = session.scalar(
        select(Contact)
        .where(Contact.id == contact_id, Contact.client_id == client.id)
        .options(selectinload(Contact.points))
    )
    if contact is None:
        raise NotFoundError(f"{client.ref} has no contact number {contact_id}.")
    return contact


def _request(session: Session, client: ClientDetail, ref: str) -> PrivacyRequest | None:
    if not ref.strip():
        return None
    request = session.scalar(select(PrivacyRequest).where(PrivacyRequest.ref == ref.strip().upper()))
    if request is None:
        raise NotFoundError(f"There is no request {ref}.")
    if request.client_id != client.id:
        raise ValidationError(f"Request {request.ref} is not about {client.ref}: choose one of this client's requests.")
    return request


def _postal_address(addresses: Iterable[AddressView]) -> tuple[str, ...]:
    own = [a for a in addresses if a.kind is not AddressKind.REGISTRANT]
    for kind in (AddressKind.POSTAL, AddressKind.BILLING):
        chosen = next((a for a in own if a.kind is kind), None)
        if chosen is not None:
            return tuple(chosen.lines)
    return ()


def _addressee(client: ClientDetail, contact: Contact | None) -> Addressee:
    lines = _postal_address(client.addresses)
    if contact is not None:
        emails = [p.value for p in contact.points if p.kind is PointKind.EMAIL]
        at_client = (client.name,) if client.kind is ClientKind.ORGANISATION and lines else ()
        return Addressee(contact.name, at_client + lines, emails[0] if emails else "")
    ordered = sorted(client.contacts, key=lambda c: not c.is_primary)
    email = next((c.emails[0] for c in ordered if c.emails), "")
    return Addressee(client.name, lines, email)


# -- the copy of the data -------------------------------------------------------------------------------------------


def _iso(value: date | datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def _pounds(pence: int) -> str:
    sign = "-" if pence < 0 else ""
    return f"{sign}{abs(pence) // 100}.{abs(pence) % 100:02d}"


def _yes(value: bool) -> str:
    return "Yes" if value else "No"


def _cols(*specs: tuple[str, str, float] | tuple[str, str, float, str]) -> tuple[dr.Column, ...]:
    return tuple(dr.Column(*spec) for spec in specs)


def _details(client: ClientDetail) -> dr.DataTable:
    columns = _cols(
        ("client_ref", "Our reference for you", 1),
        ("name", "Name", 1),
        ("kind", "Type of client", 1),
        ("trading_name", "Trading name", 1),
        ("status", "Account status", 1),
        ("opened_on", "Customer since", 1, dr.DATE),
        ("closed_on", "Account closed on", 1, dr.DATE),
        ("vat_number", "VAT number", 1),
        ("payment_reference", "How you pay (our reference)", 1),
        ("customer_centre_ref", "Customer Centre account", 1),
        ("source", "Where your details came from", 1),
        ("notes", "Notes on your record", 1),
        ("updated_at", "Record last changed", 1, dr.MOMENT),
    )
    row = (
        client.ref,
        client.name,
        client.kind.label,
        client.trading_name,
        client.status.label,
        _iso(client.opened_on),
        _iso(client.closed_on),
        client.vat_number,
        client.payment_reference,
        client.customer_centre_ref,
        client.source,
        client.notes,
        _iso(client.updated_at),
    )
    return dr.DataTable("details", "Your details", columns, (row,), vertical=True)


CONTACT_COLUMNS = _cols(
    ("name", "Name", 0.26),
    ("role", "Role", 0.16),
    ("main_contact", "Main contact", 0.1),
    ("emails", "Email addresses", 0.28),
    ("phones", "Phone numbers", 0.2, dr.PHONE),
)


def _contact_row(c: ContactView) -> tuple[str, ...]:
    return (c.name, c.role, _yes(c.is_primary), "\n".join(c.emails), "\n".join(c.phones_display))


def _addresses(client: ClientDetail) -> dr.DataTable:
    rows = tuple(
        (f"{a.kind.label} address", "\n".join(a.lines))
        for a in client.addresses
        if a.kind is not AddressKind.REGISTRANT
    )
    return dr.DataTable("addresses", "Your addresses", _cols(("kind", "Kind", 0.3), ("address", "Address", 0.7)), rows)


def _services(client: ClientDetail) -> list[dr.DataTable]:
    columns = _cols(
        ("service", "Service", 0.13),
        ("name", "Name or domain", 0.22),
        ("plan", "Plan", 0.11),
        ("status", "Status", 0.09),
        ("started_on", "Started", 0.1, dr.DATE),
        ("renews_on", "Renews", 0.1, dr.DATE),
        ("ended_on", "Ended", 0.1, dr.DATE),
        ("operators", "Companies involved", 0.15),
    )
    rows = tuple(
        (
            s.kind.label,
            s.identifier,
            s.plan,
            s.status.label,
            _iso(s.start_date),
            _iso(s.renewal_date),
            _iso(s.end_date),
            "\n".join(s.operators),
        )
        for s in client.services
    )
    notes = tuple((s.identifier, s.notes) for s in client.services if s.notes.strip())
    tables = [dr.DataTable("services", "Your services", columns, rows)]
    if notes:
        tables.append(
            dr.DataTable(
                "service_notes",
                "Notes on your services",
                _cols(("name", "Name or domain", 0.3), ("notes", "Notes", 0.7)),
                notes,
            )
        )
    return tables


REGISTRANT_COLUMNS = _cols(
    ("domain", "Domain", 0.2),
    ("name", "Registrant", 0.16),
    ("organisation", "Organisation", 0.16),
    ("email", "Email", 0.18),
    ("phone", "Phone", 0.12, dr.PHONE),
    ("address", "Address", 0.18),
)


def _registrants(services: Sequence[ServiceView], person: _Person, title: str) -> dr.DataTable:
    rows = []
    others = 0
    for s in services:
        r = s.registrant
        if r is None:
            continue
        if not person.is_them(r.name, r.email, r.organisation):
            others += 1
            continue
        address = "\n".join(r.address.lines) if r.address is not None else ""
        rows.append(
            (s.identifier, r.name, r.organisation, r.email, fields.format_phone(r.phone) if r.phone else "", address)
        )
    note = "The registrant is the legal owner of a domain name; the domain registries require these details."
    if others:
        note += (
            f" {others} of the domains {'is' if others == 1 else 'are'} registered to someone else; "
            "their details are left out."
        )
    return dr.DataTable("domain_registrants", title, REGISTRANT_COLUMNS, tuple(rows), note=note)


INVOICE_COLUMNS = _cols(
    ("number", "Invoice", 0.14),
    ("issued_on", "Date", 0.12, dr.DATE),
    ("amount_gbp", "Amount", 0.12, dr.MONEY),
    ("status", "Status", 0.1),
    ("billed_name", "Name on the invoice", 0.22),
    ("billed_address", "Address on the invoice", 0.3),
)


def _invoices(client: ClientDetail, person: _Person | None, title: str) -> dr.DataTable:
    rows = tuple(
        (i.number, _iso(i.issued_on), _pounds(i.amount_pence), i.status.capitalize(), i.billed_name, i.billed_address)
        for i in client.invoices
        if person is None or person.is_them(i.billed_name)
    )
    return dr.DataTable("invoices", title, INVOICE_COLUMNS, rows)


def _consents(client: ClientDetail) -> dr.DataTable:
    columns = _cols(
        ("at", "When", 0.16, dr.MOMENT),
        ("purpose", "For", 0.14),
        ("change", "Consent", 0.12),
        ("method", "How", 0.3),
        ("note", "Note", 0.28),
    )
    rows = tuple(
        (_iso(c.at), c.purpose.replace("_", " ").capitalize(), c.change.label, c.method, c.note)
        for c in client.consents
    )
    return dr.DataTable("consents", "Your consent history", columns, rows)


def _acceptances(client: ClientDetail) -> dr.DataTable:
    columns = _cols(
        ("document", "Notice", 0.3),
        ("version", "Version", 0.15),
        ("accepted_at", "Accepted", 0.2, dr.MOMENT),
        ("method", "How", 0.35),
    )
    rows = tuple((a.document.label, a.version, _iso(a.accepted_at), a.method) for a in client.acceptances)
    return dr.DataTable(
        "notices",
        "Privacy notices and terms you accepted",
        columns,
        rows,
        note="The versions of our privacy policy and terms of service you were given and accepted.",
    )


@dataclass(frozen=True)
class _RequestFacts:
    request: PrivacyRequest
    files: tuple[str, ...]


def _requests(session: Session, client: ClientDetail, person: _Person) -> list[_RequestFacts]:
    """The person's own requests to the agency (never requests the agency handles as a client's processor, which are
    about the client's own customers)."""
    concerns = PrivacyRequest.client_id == client.id
    if person.contact_id is not None:
        concerns = and_(
            concerns,
            or_(
                PrivacyRequest.contact_id == person.contact_id,
                func.lower(PrivacyRequest.requester_email).in_(sorted(person.emails) or [""]),
            ),
        )
    found = list(
        session.scalars(
            select(PrivacyRequest)
            .where(concerns, PrivacyRequest.role == RequestRole.CONTROLLER)
            .options(selectinload(PrivacyRequest.events))
            .order_by(PrivacyRequest.received_on, PrivacyRequest.id)
        )
    )
    files: dict[int | None, list[str]] = {}
    if found:
        for request_id, filename in session.execute(
            select(Attachment.request_id, Attachment.filename)
            .where(Attachment.request_id.in_([r.id for r in found]))
            .order_by(Attachment.id)
        ):
            files.setdefault(request_id, []).append(filename)
    return [_RequestFacts(r, tuple(files.get(r.id, ()))) for r in found]


def _request_tables(requests: Sequence[_RequestFacts], person: _Person) -> list[dr.DataTable]:
    columns = _cols(
        ("ref", "Reference", 0.12),
        ("type", "What was asked", 0.17),
        ("received_on", "Received", 0.1, dr.DATE),
        ("channel", "How", 0.08),
        ("made_by", "Made by", 0.13),
        ("status", "Status", 0.1),
        ("closed_on", "Closed", 0.1, dr.DATE),
        ("subject", "Subject", 0.2),
    )
    rows = []
    events = []
    kept = []
    for facts in requests:
        r = facts.request
        mine = person.contact_id is not None and r.contact_id == person.contact_id
        made_by = "You" if mine or person.is_them(r.requester_name, r.requester_email) else SOMEONE_ELSE
        rows.append(
            (
                r.ref,
                PLAIN_REQUEST.get(r.kind, r.kind.label),
                _iso(r.received_on),
                r.channel.label,
                made_by,
                r.status.label,
                _iso(r.closed_on),
                r.subject,
            )
        )
        for e in r.events:
            events.append((r.ref, _iso(e.on), e.kind.label, e.summary))
        kept += [(r.ref, name) for name in facts.files]
    tables = [
        dr.DataTable("requests", "Your requests to us", columns, tuple(rows)),
        dr.DataTable(
            "request_events",
            "What happened with each request",
            _cols(
                ("ref", "Request", 0.14),
                ("on", "Date", 0.12, dr.DATE),
                ("event", "Step", 0.2),
                ("summary", "Details", 0.54),
            ),
            tuple(events),
        ),
    ]
    if kept:
        tables.append(
            dr.DataTable(
                "request_files",
                "Messages and files kept with your requests",
                _cols(("ref", "Request", 0.2), ("file", "File", 0.8)),
                tuple(kept),
                note="The files themselves are available on request.",
            )
        )
    return tables


def _documents(session: Session, client: ClientDetail, person: _Person | None) -> dr.DataTable:
    found = session.scalars(
        select(IssuedDocument)
        .where(
            IssuedDocument.client_id == client.id,
            # A notice to an operator (Art. 19) concerns the client but went to the operator.
            or_(IssuedDocument.letter_kind.is_(None), IssuedDocument.letter_kind != LetterKind.OPERATOR_NOTICE),
        )
        .order_by(IssuedDocument.created_at)
    ).all()
    rows = tuple(
        (
            _iso(d.created_at),
            d.title,
            d.delivery.label if d.delivery is not None else "Produced",
            d.delivered_to,
        )
        for d in found
        if person is None or person.is_them(d.recipient, d.delivered_to)
    )
    columns = _cols(
        ("at", "When", 0.18, dr.MOMENT),
        ("title", "Document", 0.42),
        ("delivery", "How it was sent", 0.16),
        ("sent_to", "Sent to", 0.24),
    )
    return dr.DataTable("documents", "Letters and documents we sent you", columns, rows)


def _client_tables(
    client: ClientDetail, person: _Person, requests: Sequence[_RequestFacts], documents: dr.DataTable
) -> list[dr.DataTable]:
    contacts = dr.DataTable(
        "contacts",
        "Contact details",
        CONTACT_COLUMNS,
        tuple(_contact_row(c) for c in client.contacts),
    )
    return [
        _details(client),
        contacts,
        _addresses(client),
        *_services(client),
        _registrants(client.services, person, "Domain registrant details"),
        _invoices(client, None, "Your invoices"),
        _consents(client),
        _acceptances(client),
        *_request_tables(requests, person),
        documents,
    ]


def _contact_tables(
    client: ClientDetail,
    contact: Contact,
    person: _Person,
    requests: Sequence[_RequestFacts],
    documents: dr.DataTable,
) -> tuple[list[dr.DataTable], set[str], dict[str, list[str]]]:
    """The contact's own tables, the categories they fall in, and the evidence of each."""
    emails = tuple(p.value for p in contact.points if p.kind is PointKind.EMAIL)
    phones = tuple(fields.format_phone(p.value) for p in contact.points if p.kind is PointKind.PHONE)
    details = dr.DataTable(
        "details",
        "Your details",
        _cols(
            ("client_ref", "Our client", 1),
            ("name", "Name", 1),
            ("role", "Role", 1),
            ("main_contact", "Main contact for our client", 1),
            ("emails", "Email addresses", 1),
            ("phones", "Phone numbers", 1, dr.PHONE),
        ),
        (
            (
                f"{client.name} ({client.ref})",
                contact.name,
                contact.role,
                _yes(contact.is_primary),
                "\n".join(emails),
                "\n".join(phones),
            ),
        ),
        vertical=True,
    )
    registrants = _registrants(client.services, person, "Domains registered in your name")
    invoices = _invoices(client, person, "Invoices made out to you")
    request_tables = _request_tables(requests, person)
    tables = [details, registrants, invoices, _consents(client), *request_tables, documents]
    evidence: dict[str, list[str]] = {"identity": ["your name" + (" and role" if contact.role else "")]}
    if emails or phones:
        evidence["contact"] = [_count(len(emails), "email address"), _count(len(phones), "phone number")]
        evidence["contact"] = [e for e in evidence["contact"] if e]
    if registrants.rows:
        evidence["domain_registrant"] = [f"registrant of {row[0]}" for row in registrants.rows]
    if invoices.rows:
        evidence["billing"] = [_count(len(invoices.rows), "invoice")]
    if requests or documents.rows:
        evidence["support"] = [
            e for e in (_count(len(requests), "request"), _count(len(documents.rows), "document")) if e
        ]
    return tables, set(evidence), evidence


def _count(n: int, word: str) -> str:
    if not n:
        return ""
    if word.endswith("s"):
        return f"{n} {word}{'' if n == 1 else 'es'}"
    return f"{n} {word}{'' if n == 1 else 's'}"


def _safeguard(safeguard: TransferSafeguard, country: str) -> str:
    if safeguard is TransferSafeguard.NOT_RESTRICTED and country.upper() != "GB":
        return "None recorded: ask us about this transfer"
    return PLAIN_SAFEGUARD.get(safeguard, safeguard.label)


def _sentence(text: str) -> str:
    return text[:1].upper() + text[1:] + ("" if text.endswith(".") else ".")
