"""Fictional clients, services, invoices and consents for a demo register, and the operators the agency uses.

Everything is made up: names come from Faker in many locales (so the register holds non-Latin letters), phone numbers
from Ofcom's ranges reserved for drama, and every email address and domain name ends in ``.example`` (RFC 2606), so
nothing in a demo register can reach a real person. Rows are written with bulk inserts, so 50 000 clients take
seconds, not minutes.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

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
    Counter,
    DpaStatus,
    Invoice,
    InvoiceStatus,
    PointKind,
    PolicyAcceptance,
    PolicyDocument,
    RecipientCondition,
    Service,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
    service_operators,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields, operators
from hartdesk.register.references import client_ref
from hartdesk.register.search import search_body

Progress = Callable[[int, int], None]
BATCH = 2000
UK_SHARE = 0.7
LOCALES = ("pl_PL", "tr_TR", "de_DE", "el_GR", "ru_RU", "ja_JP", "zh_CN", "es_ES", "da_DK", "hr_HR", "fr_FR", "cs_CZ")
# Ofcom's numbers for drama (area code, first digits of the local number); phonenumbers accepts them as valid.
DRAMA_NUMBERS = (
    ("20", "7946 0"),
    ("113", "496 0"),
    ("114", "496 0"),
    ("117", "496 0"),
    ("121", "496 0"),
    ("131", "496 0"),
    ("141", "496 0"),
    ("151", "496 0"),
    ("161", "496 0"),
    ("28", "9649 6"),
    ("29", "2018 0"),
)
PRIVACY_POLICY_VERSION = "2026-1"
TERMS_VERSION = "2025-2"

# (name, role, country, safeguard, contact email, address, [(category, service kind or None, condition, purpose)])
OPERATORS: tuple[tuple[str, str, str, TransferSafeguard, str, str, list[tuple[str, Any, Any, str]]], ...] = (
    (
        "GoDaddy",
        "Domain registrar",
        "US",
        TransferSafeguard.UK_ADEQUACY,
        "privacy@godaddy.example",
        "GoDaddy Operating Company, LLC\n2155 E. GoDaddy Way, Tempe, AZ 85284, USA",
        [
            ("identity", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registering domain names"),
            ("contact", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registering domain names"),
            ("domain_registrant", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registry records"),
        ],
    ),
    (
        "Fasthosts",
        "Domain registrar and data centre",
        "GB",
        TransferSafeguard.NOT_RESTRICTED,
        "dataprotection@fasthosts.example",
        "Fasthosts Internet Ltd\nDiscovery House, 154 Southgate Street, Gloucester GL1 2EX",
        [
            ("identity", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registering domain names"),
            ("contact", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registering domain names"),
            ("domain_registrant", ServiceKind.DOMAIN_REGISTRATION, RecipientCondition.ALWAYS, "Registry records"),
            ("hosted_content", ServiceKind.WEB_HOSTING, RecipientCondition.ALWAYS, "Servers in its data centre"),
            ("technical_logs", ServiceKind.WEB_HOSTING, RecipientCondition.ALWAYS, "Servers in its data centre"),
            ("hosted_content", ServiceKind.EMAIL_HOSTING, RecipientCondition.ALWAYS, "Mail servers"),
            ("technical_logs", ServiceKind.EMAIL_HOSTING, RecipientCondition.ALWAYS, "Mail servers"),
        ],
    ),
    (
        "CDN77",
        "Content delivery network",
        "CZ",
        TransferSafeguard.UK_ADEQUACY,
        "privacy@cdn77.example",
        "DataCamp Limited, operating CDN77.com\nPrague, Czech Republic",
        [
            ("hosted_content", ServiceKind.CDN, RecipientCondition.ALWAYS, "Caching the client's website"),
            ("technical_logs", ServiceKind.CDN, RecipientCondition.ALWAYS, "Edge server logs"),
        ],
    ),
    (
        "Platinum Server Management",
        "Server management contractor",
        "IN",
        TransferSafeguard.IDTA,
        "security@platinum-sm.example",
        "Platinum Server Management\nPune, Maharashtra, India",
        [
            ("hosted_content", ServiceKind.WEB_HOSTING, RecipientCondition.ALWAYS, "Server administration"),
            ("technical_logs", ServiceKind.WEB_HOSTING, RecipientCondition.ALWAYS, "Server administration"),
            ("hosted_content", ServiceKind.EMAIL_HOSTING, RecipientCondition.ALWAYS, "Server administration"),
            ("technical_logs", ServiceKind.EMAIL_HOSTING, RecipientCondition.ALWAYS, "Server administration"),
        ],
    ),
    (
        "Amazon S3",
        "Backup storage",
        "IE",
        TransferSafeguard.UK_ADEQUACY,
        "aws-EU-privacy@amazon.example",
        "Amazon Web Services EMEA SARL\n38 Avenue John F. Kennedy, L-1855 Luxembourg (data held in Ireland)",
        [("hosted_content", ServiceKind.BACKUPS, RecipientCondition.ALWAYS, "Storing encrypted backups")],
    ),
    (
        "myJoomla",
        "Managed CMS security and maintenance",
        "GB",
        TransferSafeguard.NOT_RESTRICTED,
        "privacy@myjoomla.example",
        "Blue Flame IT Ltd\nUnited Kingdom",
        [
            ("hosted_content", ServiceKind.MANAGED_CMS, RecipientCondition.ALWAYS, "Maintaining the client's CMS"),
            ("technical_logs", ServiceKind.MANAGED_CMS, RecipientCondition.ALWAYS, "Security scans"),
        ],
    ),
    (
        "Mailchimp",
        "Email newsletters",
        "US",
        TransferSafeguard.ADDENDUM,
        "privacy@mailchimp.example",
        "The Rocket Science Group LLC d/b/a Mailchimp\n405 N Angier Ave NE, Atlanta, GA 30308, USA",
        [
            ("identity", None, RecipientCondition.MARKETING_CONSENT, "Sending our newsletter"),
            ("contact", None, RecipientCondition.MARKETING_CONSENT, "Sending our newsletter"),
        ],
    ),
    (
        "Xero",
        "Accounting and invoicing",
        "US",
        TransferSafeguard.IDTA,
        "privacy@xero.example",
        "Xero (UK) Ltd\n6 Porter Street, London W1U 6DD (data hosted in the USA)",
        [
            ("identity", None, RecipientCondition.ALWAYS, "Invoicing and accounts"),
            ("postal_address", None, RecipientCondition.ALWAYS, "Invoicing and accounts"),
            ("billing", None, RecipientCondition.ALWAYS, "Invoicing and accounts"),
        ],
    ),
)
SERVICE_OPERATORS = {
    ServiceKind.DOMAIN_REGISTRATION: None,  # GoDaddy or Fasthosts, one per domain
    ServiceKind.WEB_HOSTING: ("Fasthosts", "Platinum Server Management"),
    ServiceKind.EMAIL_HOSTING: ("Fasthosts", "Platinum Server Management"),
    ServiceKind.SSL: (),
    ServiceKind.BACKUPS: ("Amazon S3",),
    ServiceKind.CDN: ("CDN77",),
    ServiceKind.MANAGED_CMS: ("myJoomla",),
}
SERVICE_CHANCES = (
    (ServiceKind.WEB_HOSTING, 0.7),
    (ServiceKind.EMAIL_HOSTING, 0.45),
    (ServiceKind.SSL, 0.35),
    (ServiceKind.BACKUPS, 0.25),
    (ServiceKind.CDN, 0.06),
    (ServiceKind.MANAGED_CMS, 0.12),
)
PLANS = {
    ServiceKind.WEB_HOSTING: ("Starter", "Business", "Business Plus", "WordPress Pro"),
    ServiceKind.EMAIL_HOSTING: ("Mail 5", "Mail 25", "Mail Unlimited"),
    ServiceKind.SSL: ("DV certificate", "OV certificate"),
    ServiceKind.BACKUPS: ("Daily backups 30 days", "Daily backups 90 days"),
    ServiceKind.CDN: ("CDN Standard",),
    ServiceKind.MANAGED_CMS: ("Joomla Care", "Joomla Care Plus"),
    ServiceKind.DOMAIN_REGISTRATION: ("1 year", "2 years"),
}


def add_operators(session: Session, actor: str) -> dict[str, int]:
    """The agency's operators with the categories each receives; returns their ids by name."""
    ids = {}
    for name, role, country, safeguard, email, address, rules in OPERATORS:
        operator_id = operators.create_operator(
            session,
            actor,
            operators.OperatorInput(
                name,
                role,
                country,
                safeguard,
                contact_email=email,
                address=address,
                dpa_status=DpaStatus.SIGNED,
                dpa_signed_on=date(2025, 5, 1),
                dpa_document=f"Shared drive: Contracts/DPA/{name}.pdf",
                security_notes="ISO 27001 certified; encryption at rest and in transit.",
            ),
        )
        for code, kind, condition, purpose in rules:
            operators.add_rule(session, actor, operator_id, code, kind, condition, purpose)
        ids[name] = operator_id
    return ids


class _Maker:
    def __init__(self, seed: int, today: date) -> None:
        from faker import Faker

        self.rng = random.Random(seed)
        self.today = today
        self.uk = Faker("en_GB")
        self.uk.seed_instance(seed)
        self.world = Faker(list(LOCALES))
        self.world.seed_instance(seed + 1)
        self.used_domains: set[str] = set()

    def person(self) -> str:
        faker = self.uk if self.rng.random() < UK_SHARE else self.world
        return str(faker.name())

    def company(self, person: str) -> str:
        surname = person.split()[-1]
        kind = self.rng.choice(("Ltd", "Ltd", "Limited", "& Co", "Design", "Studio", "Consulting", "Bakery"))
        trade = self.rng.choice(("", "Plumbing ", "Joinery ", "Web ", "Florists ", "Architects ", "Tutors "))
        return f"{surname} {trade}{kind}".replace("  ", " ")

    def slug(self, name: str) -> str:
        base = "".join(c if c.isalnum() else "-" for c in fields.fold(name)).strip("-")
        base = "-".join(part for part in base.split("-") if part)[:40] or "client"
        if not base.isascii():
            base = f"client{self.rng.randrange(10**6)}"
        slug = base
        while slug in self.used_domains:
            slug = f"{base}{self.rng.randrange(10, 10**4)}"
        self.used_domains.add(slug)
        return slug

    def phone(self) -> str:
        area, start = self.rng.choice(DRAMA_NUMBERS)
        return f"+44{area}{start.replace(' ', '')}{self.rng.randrange(1000):03d}"

    def day_between(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))


def add_clients(
    session: Session,
    actor: str,
    count: int,
    operator_ids: dict[str, int],
    seed: int = 2026,
    today: date | None = None,
    progress: Progress | None = None,
) -> None:
    """``count`` fictional clients with their contacts, addresses, services, invoices and consents."""
    today = today or utcnow().date()
    maker = _Maker(seed, today)

    def next_id(model: Any) -> int:
        return int(session.scalar(select(func.max(model.id))) or 0) + 1

    start_id = next_id(Client)
    ids = {
        "contact": next_id(Contact),
        "point": next_id(ContactPoint),
        "address": next_id(Address),
        "service": next_id(Service),
        "invoice": next_id(Invoice),
    }
    done = 0
    while done < count:
        n = min(BATCH, count - done)
        rows, search_rows = _batch(maker, start_id + done, n, ids, operator_ids)
        for model, batch in rows.items():
            if batch:
                session.execute(insert(model), batch)
        session.execute(text("INSERT INTO client_search (rowid, body) VALUES (:rowid, :body)"), search_rows)
        done += n
        if progress is not None:
            progress(done, count)
    last = start_id + count - 1
    counter = session.get(Counter, "client")
    if counter is None:
        session.add(Counter(name="client", value=last))
    else:
        counter.value = max(counter.value, last)
    session.flush()


def _batch(
    maker: _Maker, first_id: int, n: int, ids: dict[str, int], operator_ids: dict[str, int]
) -> tuple[dict[Any, list[dict[str, Any]]], list[dict[str, Any]]]:
    rng = maker.rng
    now = utcnow()
    out: dict[Any, list[dict[str, Any]]] = {
        Client: [],
        Contact: [],
        ContactPoint: [],
        Address: [],
        Service: [],
        service_operators: [],
        Invoice: [],
        ConsentEvent: [],
        PolicyAcceptance: [],
    }
    search_rows = []
    for client_id in range(first_id, first_id + n):
        ref = client_ref(client_id)
        person = maker.person()
        individual = rng.random() < 0.35
        name = person if individual else maker.company(person)
        slug = maker.slug(name)
        opened = maker.day_between(date(2012, 1, 1), maker.today - timedelta(days=30))
        roll = rng.random()
        status = ClientStatus.ACTIVE if roll < 0.86 else ClientStatus.SUSPENDED if roll < 0.9 else ClientStatus.CLOSED
        closed = maker.day_between(opened, maker.today) if status is ClientStatus.CLOSED else None
        cc_ref = f"CC{client_id:07d}"
        out[Client].append(
            {
                "id": client_id,
                "ref": ref,
                "kind": ClientKind.INDIVIDUAL if individual else ClientKind.ORGANISATION,
                "name": name,
                "trading_name": f"{slug.split('-')[0].title()} Online"
                if not individual and rng.random() < 0.15
                else "",
                "sort_name": fields.fold(name)[:200],
                "status": status,
                "status_changed_on": closed or opened,
                "opened_on": opened,
                "closed_on": closed,
                "erased_on": None,
                "vat_number": "GB980780684" if not individual and rng.random() < 0.1 else "",
                "payment_reference": f"DD-{rng.randrange(10**5):05d}" if rng.random() < 0.6 else "",
                "customer_centre_ref": cc_ref,
                "source": "The client, on the order form",
                "notes": "Prefers phone calls in the morning." if rng.random() < 0.05 else "",
                "created_at": now,
                "updated_at": now,
            }
        )
        names, emails, phones = [name], [], []
        for position in range(1 if individual or rng.random() < 0.6 else 2):
            contact_name = person if position == 0 else maker.person()
            contact_id = ids["contact"]
            ids["contact"] += 1
            out[Contact].append(
                {
                    "id": contact_id,
                    "client_id": client_id,
                    "name": contact_name,
                    "role": "" if individual else rng.choice(("Director", "Office manager", "Owner", "Accounts")),
                    "is_primary": position == 0,
                    "position": position,
                }
            )
            local = fields.fold(contact_name.split()[0]) if contact_name.split()[0].isascii() else "info"
            email = f"{local}{'' if position == 0 else position}@{slug}.example"
            phone = maker.phone()
            for point_kind, value in ((PointKind.EMAIL, email), (PointKind.PHONE, phone)):
                out[ContactPoint].append(
                    {"id": ids["point"], "contact_id": contact_id, "kind": point_kind, "value": value, "label": ""}
                )
                ids["point"] += 1
            names.append(contact_name)
            emails.append(email)
            phones.append(phone)
        postcode = str(maker.uk.postcode())
        billing_id = ids["address"]
        ids["address"] += 1
        out[Address].append(
            {
                "id": billing_id,
                "client_id": client_id,
                "kind": AddressKind.BILLING,
                "line1": str(maker.uk.street_address()).replace("\n", ", ")[:200],
                "line2": "",
                "line3": "",
                "town": str(maker.uk.city()),
                "county": "",
                "postcode": postcode,
                "country": "GB",
            }
        )
        domains = [f"{slug}.example"] + ([f"{slug}-shop.example"] if rng.random() < 0.2 else [])
        kinds = [(ServiceKind.DOMAIN_REGISTRATION, d) for d in domains]
        kinds += [(k, domains[0]) for k, chance in SERVICE_CHANCES if rng.random() < chance]
        for kind, identifier in kinds:
            service_id = ids["service"]
            ids["service"] += 1
            started = maker.day_between(opened, min(maker.today, opened + timedelta(days=400)))
            ended = closed if closed else None
            registrant = kind is ServiceKind.DOMAIN_REGISTRATION
            out[Service].append(
                {
                    "id": service_id,
                    "client_id": client_id,
                    "kind": kind,
                    "identifier": identifier,
                    "plan": rng.choice(PLANS[kind]),
                    "status": ServiceStatus.ENDED if ended else ServiceStatus.ACTIVE,
                    "start_date": started,
                    "renewal_date": None if ended else _next_anniversary(started, maker.today),
                    "end_date": ended,
                    "registrant_name": person if registrant else "",
                    "registrant_organisation": "" if individual or not registrant else name,
                    "registrant_email": emails[0] if registrant else "",
                    "registrant_phone": phones[0] if registrant else "",
                    "registrant_address_id": None,
                    "notes": "",
                    "created_at": now,
                }
            )
            names_for_kind = SERVICE_OPERATORS.get(kind)
            if names_for_kind is None:
                names_for_kind = (rng.choice(("GoDaddy", "Fasthosts")),)
            for operator_name in names_for_kind:
                out[service_operators].append({"service_id": service_id, "operator_id": operator_ids[operator_name]})
        for _ in range(rng.randrange(3, 10)):
            issued = maker.day_between(opened, closed or maker.today)
            invoice_id = ids["invoice"]
            ids["invoice"] += 1
            out[Invoice].append(
                {
                    "id": invoice_id,
                    "client_id": client_id,
                    "number": f"INV-{invoice_id:07d}",
                    "issued_on": issued,
                    "amount_pence": rng.choice((999, 1499, 2400, 4999, 8999, 12000, 23988)),
                    "status": InvoiceStatus.PAID if issued < maker.today - timedelta(days=45) else InvoiceStatus.ISSUED,
                    "billed_name": name,
                    "billed_address": f"{out[Address][-1]['line1']}\n{out[Address][-1]['town']}\n{postcode}",
                }
            )
        if rng.random() < 0.3:
            given = datetime.combine(maker.day_between(opened, maker.today), time(10, 0), tzinfo=now.tzinfo)
            out[ConsentEvent].append(
                _consent(client_id, ConsentChange.GIVEN, given, "Ticked the box on the order form")
            )
            if rng.random() < 0.2:
                withdrawn = given + timedelta(days=rng.randrange(30, 700))
                if withdrawn < now:
                    out[ConsentEvent].append(
                        _consent(client_id, ConsentChange.WITHDRAWN, withdrawn, "Unsubscribe link in the newsletter")
                    )
        accepted = datetime.combine(opened, time(9, 0), tzinfo=now.tzinfo)
        version = PRIVACY_POLICY_VERSION if rng.random() < 0.6 else "2025-1"
        out[PolicyAcceptance].append(
            _acceptance(client_id, PolicyDocument.PRIVACY_POLICY, version, accepted, "Order form")
        )
        out[PolicyAcceptance].append(
            _acceptance(client_id, PolicyDocument.TERMS, TERMS_VERSION, accepted, "Order form")
        )
        search_rows.append(
            {"rowid": client_id, "body": search_body(ref, names, emails, phones, [postcode], domains, cc_ref)}
        )
    return out, search_rows


def _consent(client_id: int, change: ConsentChange, at: datetime, method: str) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "purpose": "marketing",
        "change": change,
        "at": at,
        "method": method,
        "recorded_by": "demo",
        "note": "",
    }


def _acceptance(client_id: int, document: PolicyDocument, version: str, at: datetime, method: str) -> dict[str, Any]:
    return {"client_id": client_id, "document": document, "version": version, "accepted_at": at, "method": method}


def _next_anniversary(started: date, today: date) -> date:
    years = max(1, today.year - started.year + (1 if (today.month, today.day) >= (started.month, started.day) else 0))
    try:
        return started.replace(year=started.year + years)
    except ValueError:  # 29 February
        return started.replace(year=started.year + years, day=28)
