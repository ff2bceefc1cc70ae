"""Services (with the operators involved and, for domains, the registrant) and invoices."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session

from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import (
    Address,
    AddressKind,
    Client,
    Invoice,
    InvoiceStatus,
    Operator,
    Service,
    ServiceKind,
    ServiceStatus,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields, search
from hartdesk.register.clients import AddressInput, check_address, client_by_ref
from hartdesk.register.fields import Problems
from hartdesk.security import audit

DOMAIN_KINDS = {ServiceKind.DOMAIN_REGISTRATION}


@dataclass
class ServiceInput:
    kind: ServiceKind
    identifier: str
    plan: str = ""
    status: ServiceStatus = ServiceStatus.ACTIVE
    start_date: date | None = None
    renewal_date: date | None = None
    end_date: date | None = None
    operators: list[str] = field(default_factory=list)  # operator names
    registrant_name: str = ""
    registrant_organisation: str = ""
    registrant_email: str = ""
    registrant_phone: str = ""
    registrant_address: AddressInput | None = None
    notes: str = ""


def validate_service(session: Session, data: ServiceInput) -> tuple[ServiceInput, list[Operator]]:
    problems = Problems()
    check = problems.check
    if data.kind in DOMAIN_KINDS:
        identifier = check("identifier", fields.check_domain, data.identifier)
    else:
        identifier = check("identifier", fields.clean_text, data.identifier, "domain name or plan", 253, True)
    names = [n.strip() for n in data.operators if n.strip()]
    operators = list(session.scalars(select(Operator).where(Operator.name.in_(names))))
    unknown = sorted(set(names) - {o.name for o in operators})
    if unknown:
        problems.add("operators", f"There is no operator called {', '.join(unknown)}; add it under Operators first.")
    if data.start_date and data.end_date and data.end_date < data.start_date:
        problems.add("end_date", "The service cannot end before it starts.")
    if data.status is ServiceStatus.ENDED and data.end_date is None:
        problems.add("end_date", "Enter the date the service ended.")
    registrant_email = data.registrant_email.strip()
    if registrant_email:
        registrant_email = check("registrant_email", fields.check_email, registrant_email)
    registrant_phone = data.registrant_phone.strip()
    if registrant_phone:
        registrant_phone = check("registrant_phone", fields.check_phone, registrant_phone)
    address = data.registrant_address
    if address is not None and not address.is_blank():
        address = check_address(problems, "registrant_address", replace(address, kind=AddressKind.REGISTRANT))
    else:
        address = None
    cleaned = ServiceInput(
        kind=data.kind,
        identifier=identifier,
        plan=check("plan", fields.clean_text, data.plan, "plan", 120),
        status=data.status,
        start_date=data.start_date,
        renewal_date=data.renewal_date,
        end_date=data.end_date,
        operators=[o.name for o in operators],
        registrant_name=check("registrant_name", fields.clean_text, data.registrant_name, "registrant's name", 200),
        registrant_organisation=check(
            "registrant_organisation", fields.clean_text, data.registrant_organisation, "registrant organisation", 200
        ),
        registrant_email=registrant_email,
        registrant_phone=registrant_phone,
        registrant_address=address,
        notes=check("notes", fields.clean_text, data.notes, "notes", 20000),
    )
    problems.raise_any()
    return cleaned, operators


def apply_input(service: Service, data: ServiceInput, operators: list[Operator]) -> None:
    service.kind = data.kind
    service.identifier = data.identifier
    service.plan = data.plan
    service.status = data.status
    service.start_date = data.start_date
    service.renewal_date = data.renewal_date
    service.end_date = data.end_date
    service.operators = operators
    service.registrant_name = data.registrant_name
    service.registrant_organisation = data.registrant_organisation
    service.registrant_email = data.registrant_email
    service.registrant_phone = data.registrant_phone
    service.notes = data.notes
    a = data.registrant_address
    if a is None:
        service.registrant_address = None
    else:
        current = service.registrant_address or Address(client_id=service.client_id, kind=AddressKind.REGISTRANT)
        current.line1, current.line2, current.line3 = a.line1, a.line2, a.line3
        current.town, current.county, current.postcode, current.country = a.town, a.county, a.postcode, a.country
        service.registrant_address = current


def _fields_of(service: Service) -> dict[str, object]:
    a = service.registrant_address
    return {
        "kind": service.kind,
        "identifier": service.identifier,
        "plan": service.plan,
        "status": service.status,
        "start_date": service.start_date,
        "renewal_date": service.renewal_date,
        "end_date": service.end_date,
        "operators": sorted(o.name for o in service.operators),
        "registrant": (
            service.registrant_name,
            service.registrant_organisation,
            service.registrant_email,
            service.registrant_phone,
        ),
        "registrant_address": None if a is None else (a.line1, a.line2, a.line3, a.town, a.county, a.postcode),
        "notes": service.notes,
    }


def add_service(session: Session, actor: str, client_ref: str, data: ServiceInput) -> int:
    client = client_by_ref(session, client_ref)
    cleaned, operators = validate_service(session, data)
    service = Service(client_id=client.id, created_at=utcnow())
    apply_input(service, cleaned, operators)
    session.add(service)
    session.flush()
    search.reindex(session, [client.id])
    audit.record(session, actor, "service.created", f"client:{client.ref}", {"service": service.id})
    return service.id


def _service(session: Session, service_id: int) -> Service:
    service = session.get(Service, service_id)
    if service is None:
        raise NotFoundError("That service is no longer in the register.")
    return service


def update_service(session: Session, actor: str, service_id: int, data: ServiceInput) -> list[str]:
    service = _service(session, service_id)
    cleaned, operators = validate_service(session, data)
    before = _fields_of(service)
    apply_input(service, cleaned, operators)
    session.flush()
    changed = [k for k, v in _fields_of(service).items() if before[k] != v]
    if changed:
        search.reindex(session, [service.client_id])
        audit.record(
            session,
            actor,
            "service.updated",
            f"client:{service.client.ref}",
            {"service": service.id, "fields": changed},
        )
    return changed


def delete_service(session: Session, actor: str, service_id: int) -> None:
    service = _service(session, service_id)
    client_id, ref = service.client_id, service.client.ref
    address = service.registrant_address
    session.delete(service)
    if address is not None:
        session.delete(address)
    session.flush()
    search.reindex(session, [client_id])
    audit.record(session, actor, "service.deleted", f"client:{ref}", {"service": service_id})


def get_service(session: Session, service_id: int) -> tuple[str, ServiceInput]:
    """The client's reference and the form values of one service."""
    s = _service(session, service_id)
    a = s.registrant_address
    return s.client.ref, ServiceInput(
        kind=s.kind,
        identifier=s.identifier,
        plan=s.plan,
        status=s.status,
        start_date=s.start_date,
        renewal_date=s.renewal_date,
        end_date=s.end_date,
        operators=[o.name for o in s.operators],
        registrant_name=s.registrant_name,
        registrant_organisation=s.registrant_organisation,
        registrant_email=s.registrant_email,
        registrant_phone=fields.format_phone(s.registrant_phone) if s.registrant_phone else "",
        registrant_address=None
        if a is None
        else AddressInput(a.kind, a.line1, a.line2, a.line3, a.town, a.county, a.postcode, a.country),
        notes=s.notes,
    )


# -- the Services screen --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ServiceQuery:
    text: str = ""
    kind: ServiceKind | None = None
    status: ServiceStatus | None = None
    operator_id: int | None = None


@dataclass(frozen=True)
class ServiceRow:
    id: int
    kind: ServiceKind
    identifier: str
    status: ServiceStatus
    client_ref: str
    client_name: str
    start_date: date | None
    renewal_date: date | None


def _service_conditions(query: ServiceQuery) -> list[ColumnElement[bool]]:
    conditions = []
    if query.text.strip():
        found = search.client_condition(query.text)
        if found is not None:
            conditions.append(found)
    if query.kind is not None:
        conditions.append(Service.kind == query.kind)
    if query.status is not None:
        conditions.append(Service.status == query.status)
    if query.operator_id is not None:
        conditions.append(Service.operators.any(Operator.id == query.operator_id))
    return conditions


def count_services(session: Session, query: ServiceQuery) -> int:
    stmt = select(func.count(Service.id)).join(Service.client).where(*_service_conditions(query))
    return int(session.scalar(stmt) or 0)


def list_services(session: Session, query: ServiceQuery, offset: int = 0, limit: int = 200) -> list[ServiceRow]:
    """Services whose client matches the search (which covers domain names), by domain or plan name."""
    rows = session.execute(
        select(
            Service.id,
            Service.kind,
            Service.identifier,
            Service.status,
            Client.ref,
            Client.name,
            Service.start_date,
            Service.renewal_date,
        )
        .join(Service.client)
        .where(*_service_conditions(query))
        .order_by(func.lower(Service.identifier), Service.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [ServiceRow(*r) for r in rows]


# -- invoices -------------------------------------------------------------------------------------------------------


@dataclass
class InvoiceInput:
    number: str
    issued_on: date
    amount_pence: int
    status: InvoiceStatus = InvoiceStatus.ISSUED
    billed_name: str = ""
    billed_address: str = ""


def validate_invoice(data: InvoiceInput) -> InvoiceInput:
    problems = Problems()
    number = problems.check("number", fields.clean_text, data.number, "invoice number", 40, True)
    billed_name = problems.check("billed_name", fields.clean_text, data.billed_name, "name on the invoice", 200, True)
    if len(data.billed_address) > 1000:
        problems.add("billed_address", "The address on the invoice is too long (at most 1000 characters).")
    problems.raise_any()
    return InvoiceInput(
        number, data.issued_on, data.amount_pence, data.status, billed_name, data.billed_address.strip()
    )


def add_invoice(session: Session, actor: str, client_ref: str, data: InvoiceInput) -> int:
    client = client_by_ref(session, client_ref)
    data = validate_invoice(data)
    if session.scalar(select(Invoice.id).where(Invoice.number == data.number)) is not None:
        raise ValidationError(f"Invoice {data.number} is already in the register.")
    invoice = Invoice(
        client_id=client.id,
        number=data.number,
        issued_on=data.issued_on,
        amount_pence=data.amount_pence,
        status=data.status,
        billed_name=data.billed_name,
        billed_address=data.billed_address,
    )
    session.add(invoice)
    session.flush()
    audit.record(session, actor, "invoice.created", f"client:{client.ref}", {"invoice": data.number})
    return invoice.id


def set_invoice_status(session: Session, actor: str, invoice_id: int, status: InvoiceStatus) -> None:
    invoice = session.get(Invoice, invoice_id)
    if invoice is None:
        raise NotFoundError("That invoice is no longer in the register.")
    if invoice.status is not status:
        invoice.status = status
        audit.record(
            session,
            actor,
            "invoice.updated",
            f"client:{invoice.client.ref}",
            {"invoice": invoice.number, "fields": ["status"]},
        )
