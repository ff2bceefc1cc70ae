"""Who holds what: for one client, every data category held, where it came from, why, until when, and which
operators received which categories. The data report, the DPA, erasure and the Art. 30 records all read this.

A category is held when the register holds data of that kind for the client. The built-in categories are detected
from the record itself (a contact's email makes "contact" held); any other category is held through the client's
services of the kinds linked to it (an admin edits those links). An operator receives a category through a rule:
either for every client, or through a client's service of the rule's kind that names the operator.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.errors import NotFoundError
from hartdesk.models import (
    AddressKind,
    CategoryRecipient,
    Client,
    ClientStatus,
    ConsentChange,
    Contact,
    DataCategory,
    Invoice,
    LawfulBasis,
    Operator,
    RecipientCondition,
    RetentionKind,
    Service,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.register import fields
from hartdesk.register.clients import MARKETING
from hartdesk.settings import Settings, financial_year_end


@dataclass(frozen=True)
class HeldCategory:
    code: str
    name: str
    description: str
    purpose: str
    lawful_basis: LawfulBasis
    source: str
    as_processor: bool
    retention: str  # in plain words
    retain_until: date | None  # None while the relationship or service lasts, or for rolling deletion
    evidence: tuple[str, ...]  # what in the register makes it held


@dataclass(frozen=True)
class Disclosure:
    operator_id: int
    operator_name: str
    role: str
    country: str
    country_name: str
    safeguard: TransferSafeguard
    categories: tuple[str, ...]  # codes, in category order
    category_names: tuple[str, ...]
    via: tuple[str, ...]  # "every client" or the services concerned
    purposes: tuple[str, ...]

    @property
    def restricted_transfer(self) -> bool:
        return self.safeguard.is_restricted_transfer


@dataclass(frozen=True)
class WhoHoldsWhat:
    client_ref: str
    as_of: date
    categories: tuple[HeldCategory, ...]
    recipients: tuple[Disclosure, ...]

    def held(self, code: str) -> HeldCategory | None:
        return next((c for c in self.categories if c.code == code), None)

    def recipients_of(self, code: str) -> list[Disclosure]:
        return [r for r in self.recipients if code in r.categories]


@dataclass
class _Facts:
    client: Client
    services: list[Service]
    invoice_count: int
    last_invoice: date | None
    ever_consented: bool


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _service_label(s: Service) -> str:
    return f"{s.identifier} ({s.kind.label})"


# Built-in categories, detected from the record: each returns the evidence (empty: not held).
def _identity(f: _Facts) -> list[str]:
    if f.client.status is ClientStatus.ERASED:
        return []
    return ["the client's name"] + ([_plural(len(f.client.contacts), "contact")] if f.client.contacts else [])


def _contact(f: _Facts) -> list[str]:
    points = [p for c in f.client.contacts for p in c.points]
    emails = sum(1 for p in points if p.kind.value == "email")
    phones = len(points) - emails
    return [
        t
        for t in (_plural(emails, "email address") if emails else "", _plural(phones, "phone number") if phones else "")
        if t
    ]


def _postal(f: _Facts) -> list[str]:
    own = [a for a in f.client.addresses if a.kind is not AddressKind.REGISTRANT]
    return [f"{a.kind.label.lower()} address" for a in own]


def _billing(f: _Facts) -> list[str]:
    evidence = [_plural(f.invoice_count, "invoice")] if f.invoice_count else []
    if f.client.vat_number:
        evidence.append("VAT number")
    if f.client.payment_reference:
        evidence.append("payment method reference")
    return evidence


def _account(f: _Facts) -> list[str]:
    return [f"Customer Centre account {f.client.customer_centre_ref}"] if f.client.customer_centre_ref else []


def _registrant(f: _Facts) -> list[str]:
    return [f"registrant of {s.identifier}" for s in _registrant_services(f)]


def _registrant_services(f: _Facts) -> list[Service]:
    return [s for s in f.services if s.kind is ServiceKind.DOMAIN_REGISTRATION and s.has_registrant]


def _support(f: _Facts) -> list[str]:
    return ["notes on the client's record"] if f.client.notes.strip() else []


DETECTORS: dict[str, Callable[[_Facts], list[str]]] = {
    "identity": _identity,
    "contact": _contact,
    "postal_address": _postal,
    "billing": _billing,
    "account": _account,
    "domain_registrant": _registrant,
    "support": _support,
}


def _relevant_services(category: DataCategory, f: _Facts) -> list[Service]:
    if category.code == "domain_registrant":
        return _registrant_services(f)
    kinds = {k.service_kind for k in category.service_kinds}
    return [s for s in f.services if s.kind in kinds]


def tax_retention_until(last_invoice: date, settings: Settings) -> date:
    """The day an invoice issued on ``last_invoice`` may go: the retention years after the end of its financial year
    (SPEC.md §3)."""
    month, day = financial_year_end(settings) or (3, 31)
    year_end = date(last_invoice.year, month, day)
    if year_end < last_invoice:
        year_end = date(last_invoice.year + 1, month, day)
    return year_end + relativedelta(years=settings.invoice_retention_years)


def retention_rule(category: DataCategory, settings: Settings) -> str:
    """A category's erasure time limit in words, for any client ("while the service lasts, then 3 months")."""
    n = category.retention_period
    kind = category.retention_kind
    if kind is RetentionKind.TAX_RECORDS:
        years = settings.invoice_retention_years
        return f"{years} years after the end of the financial year of the last invoice (tax records)"
    if kind is RetentionKind.AFTER_RELATIONSHIP:
        return f"while the client has an account with us, then {_plural(n, 'month')}"
    if kind is RetentionKind.AFTER_SERVICE_ENDS:
        return f"while the service lasts, then {_plural(n, 'month')}"
    if kind is RetentionKind.ROLLING_DAYS:
        return f"each record is deleted {_plural(n, 'day')} after it is made"
    return "until consent is withdrawn"


def _retention(category: DataCategory, f: _Facts, settings: Settings) -> tuple[str, date | None]:
    """The rule in words and, once it can be known for this client, the day it ends."""
    n = category.retention_period
    kind = category.retention_kind
    text = retention_rule(category, settings)
    if kind is RetentionKind.TAX_RECORDS:
        if f.last_invoice is None:
            return text, None
        until = tax_retention_until(f.last_invoice, settings)
        return f"{text}, so until {fields.format_uk_date(until)}", until
    if kind is RetentionKind.AFTER_RELATIONSHIP:
        if f.client.closed_on is None:
            return text, None
        until = f.client.closed_on + relativedelta(months=n)
        return f"{_plural(n, 'month')} after the account closed, so until {fields.format_uk_date(until)}", until
    if kind is RetentionKind.AFTER_SERVICE_ENDS:
        services = _relevant_services(category, f)
        if not services or any(s.status is not ServiceStatus.ENDED or s.end_date is None for s in services):
            return text, None
        until = max(s.end_date for s in services if s.end_date) + relativedelta(months=n)
        return f"{_plural(n, 'month')} after the service ended, so until {fields.format_uk_date(until)}", until
    return text, None


def _load(session: Session, ref: str) -> _Facts:
    client = session.scalar(
        select(Client)
        .where(Client.ref == ref.strip().upper())
        .options(
            selectinload(Client.contacts).selectinload(Contact.points),
            selectinload(Client.addresses),
            selectinload(Client.consents),
        )
    )
    if client is None:
        raise NotFoundError(f"There is no client {ref}.")
    services = list(
        session.scalars(
            select(Service)
            .where(Service.client_id == client.id)
            .options(selectinload(Service.operators))
            .order_by(Service.identifier)
        )
    )
    count, last = session.execute(
        select(func.count(Invoice.id), func.max(Invoice.issued_on)).where(Invoice.client_id == client.id)
    ).one()
    consented = any(c.purpose == MARKETING and c.change is ConsentChange.GIVEN for c in client.consents)
    return _Facts(client, services, int(count), last, consented)


def who_holds_what(session: Session, ref: str, settings: Settings, today: date) -> WhoHoldsWhat:
    facts = _load(session, ref)
    categories = list(
        session.scalars(
            select(DataCategory).options(selectinload(DataCategory.service_kinds)).order_by(DataCategory.position)
        )
    )
    held: list[HeldCategory] = []
    for category in categories:
        detector = DETECTORS.get(category.code)
        if detector is not None:
            evidence = detector(facts)
        else:
            evidence = [_service_label(s) for s in _relevant_services(category, facts)]
        if not evidence:
            continue
        retention, until = _retention(category, facts, settings)
        if until is not None and until < today and category.retention_kind is not RetentionKind.TAX_RECORDS:
            continue  # its retention period is over: no longer held (the retention review deletes what is left)
        held.append(
            HeldCategory(
                category.code,
                category.name,
                category.description,
                category.purpose,
                category.lawful_basis,
                category.source,
                category.as_processor,
                retention,
                until,
                tuple(evidence),
            )
        )
    return WhoHoldsWhat(facts.client.ref, today, tuple(held), tuple(_disclosures(session, facts, held)))


def _disclosures(session: Session, facts: _Facts, held: list[HeldCategory]) -> list[Disclosure]:
    held_codes = [c.code for c in held]
    rules = session.scalars(
        select(CategoryRecipient)
        .where(CategoryRecipient.category.has(DataCategory.code.in_(held_codes)))
        .options(selectinload(CategoryRecipient.operator), selectinload(CategoryRecipient.category))
    )
    by_operator: dict[int, tuple[Operator, set[str], list[str], list[str]]] = {}
    for rule in rules:
        if rule.condition is RecipientCondition.MARKETING_CONSENT and not facts.ever_consented:
            continue
        if rule.service_kind is None:
            via = ["every client"]
        else:
            via = [
                _service_label(s)
                for s in facts.services
                if s.kind is rule.service_kind and any(o.id == rule.operator_id for o in s.operators)
            ]
            if not via:
                continue
        operator, codes, vias, purposes = by_operator.setdefault(rule.operator_id, (rule.operator, set(), [], []))
        codes.add(rule.category.code)
        vias.extend(v for v in via if v not in vias)
        if rule.purpose and rule.purpose not in purposes:
            purposes.append(rule.purpose)
    names = {c.code: c.name for c in held}
    result = []
    for operator, codes, vias, purposes in sorted(by_operator.values(), key=lambda item: item[0].name.casefold()):
        ordered = tuple(code for code in held_codes if code in codes)
        result.append(
            Disclosure(
                operator.id,
                operator.name,
                operator.role,
                operator.country,
                fields.country_name(operator.country),
                operator.safeguard,
                ordered,
                tuple(names[c] for c in ordered),
                tuple(vias),
                tuple(purposes),
            )
        )
    return result
