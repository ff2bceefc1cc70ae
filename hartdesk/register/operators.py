"""Operators (third parties and sub-processors), the data categories, and which operator receives which categories.

All of it is data an admin edits; who-holds-what reads it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.errors import FormError, NotFoundError, ValidationError
from hartdesk.models import (
    CategoryRecipient,
    CategoryServiceKind,
    Client,
    Credential,
    DataCategory,
    DpaStatus,
    LawfulBasis,
    Operator,
    OperatorAccount,
    RecipientCondition,
    RetentionKind,
    Service,
    ServiceKind,
    TransferSafeguard,
    service_operators,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields
from hartdesk.security import audit


@dataclass
class OperatorInput:
    name: str
    role: str
    country: str
    safeguard: TransferSafeguard
    contact_name: str = ""
    contact_email: str = ""
    address: str = ""
    dpa_status: DpaStatus = DpaStatus.NOT_IN_PLACE
    dpa_signed_on: date | None = None
    dpa_document: str = ""
    security_notes: str = ""
    notes: str = ""
    accounts: list[tuple[str, str]] = field(default_factory=list)  # (account name, login URL)


def validate_operator(data: OperatorInput) -> OperatorInput:
    problems = fields.Problems()
    check = problems.check
    country = check("country", fields.check_country, data.country)
    email = data.contact_email.strip()
    if email:
        email = check("contact_email", fields.check_email, email)
    if country == "GB" and data.safeguard is not TransferSafeguard.NOT_RESTRICTED:
        problems.add("safeguard", "An operator in the UK needs no transfer safeguard: choose “Not needed”.")
    if country != "GB" and data.safeguard is TransferSafeguard.NOT_RESTRICTED:
        problems.add(
            "safeguard",
            "Data sent outside the UK is a restricted transfer: choose UK adequacy, IDTA, the addendum, or None.",
        )
    if data.dpa_status is DpaStatus.SIGNED and data.dpa_signed_on is None:
        problems.add("dpa_signed_on", "Enter the date the DPA was signed.")
    cleaned = OperatorInput(
        name=check("name", fields.clean_text, data.name, "operator's name", 120, True),
        role=check("role", fields.clean_text, data.role, "operator's role", 120, True),
        country=country,
        safeguard=data.safeguard,
        contact_name=check("contact_name", fields.clean_text, data.contact_name, "contact name", 200),
        contact_email=email,
        address=check("address", fields.clean_text, data.address, "address", 1000),
        dpa_status=data.dpa_status,
        dpa_signed_on=data.dpa_signed_on,
        dpa_document=check("dpa_document", fields.clean_text, data.dpa_document, "DPA document", 300),
        security_notes=check("security_notes", fields.clean_text, data.security_notes, "security notes", 5000),
        notes=check("notes", fields.clean_text, data.notes, "notes", 5000),
        accounts=[(a.strip(), u.strip()) for a, u in data.accounts if a.strip()],
    )
    problems.raise_any()
    return cleaned


def _operator(session: Session, operator_id: int) -> Operator:
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise NotFoundError("That operator is no longer in the register.")
    return operator


def _values(o: Operator) -> dict[str, object]:
    return {
        "name": o.name,
        "role": o.role,
        "country": o.country,
        "safeguard": o.safeguard,
        "contact_name": o.contact_name,
        "contact_email": o.contact_email,
        "address": o.address,
        "dpa_status": o.dpa_status,
        "dpa_signed_on": o.dpa_signed_on,
        "dpa_document": o.dpa_document,
        "security_notes": o.security_notes,
        "notes": o.notes,
        "accounts": [(a.account_name, a.login_url) for a in o.accounts],
    }


def _apply(o: Operator, d: OperatorInput) -> None:
    o.name, o.role, o.country, o.safeguard = d.name, d.role, d.country, d.safeguard
    o.contact_name, o.contact_email, o.address = d.contact_name, d.contact_email, d.address
    o.dpa_status, o.dpa_signed_on, o.dpa_document = d.dpa_status, d.dpa_signed_on, d.dpa_document
    o.security_notes, o.notes = d.security_notes, d.notes
    if [(a.account_name, a.login_url) for a in o.accounts] != d.accounts:
        o.accounts = [OperatorAccount(account_name=a, login_url=u) for a, u in d.accounts]


def _refuse_same_name(session: Session, name: str, exclude_id: int | None) -> None:
    other = session.scalar(select(Operator.id).where(func.lower(Operator.name) == name.lower()))
    if other is not None and other != exclude_id:
        raise FormError({"name": f"There is already an operator called {name}."})


def create_operator(session: Session, actor: str, data: OperatorInput) -> int:
    data = validate_operator(data)
    _refuse_same_name(session, data.name, None)
    operator = Operator(created_at=utcnow())
    _apply(operator, data)
    session.add(operator)
    session.flush()
    audit.record(session, actor, "operator.created", f"operator:{operator.id}")
    return operator.id


def update_operator(session: Session, actor: str, operator_id: int, data: OperatorInput) -> list[str]:
    data = validate_operator(data)
    operator = _operator(session, operator_id)
    _refuse_same_name(session, data.name, operator.id)
    before = _values(operator)
    _apply(operator, data)
    session.flush()
    changed = [k for k, v in _values(operator).items() if before[k] != v]
    if changed:
        audit.record(session, actor, "operator.updated", f"operator:{operator.id}", {"fields": changed})
    return changed


def delete_operator(session: Session, actor: str, operator_id: int) -> None:
    """Refused while any service names the operator: the register would lose who received the data."""
    operator = _operator(session, operator_id)
    linked = session.scalar(
        select(func.count()).select_from(service_operators).where(service_operators.c.operator_id == operator.id)
    )
    if linked:
        raise ValidationError(
            f"{operator.name} is still linked to {linked} service{'s' if linked != 1 else ''}. "
            "Move those services to another operator (or end them) before deleting it."
        )
    logins = session.scalar(select(func.count()).select_from(Credential).where(Credential.operator_id == operator.id))
    if logins:
        raise ValidationError(
            f"The vault still has {logins} login{'s' if logins != 1 else ''} at {operator.name}. "
            "Delete them in the Vault first (their passwords are in this computer's keyring)."
        )
    session.delete(operator)
    session.flush()
    audit.record(session, actor, "operator.deleted", f"operator:{operator_id}")


# -- reading --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class OperatorRow:
    id: int
    name: str
    role: str
    country: str
    country_name: str
    safeguard: TransferSafeguard
    dpa_status: DpaStatus
    services: int
    serves_every_client: bool


@dataclass(frozen=True)
class RuleView:
    id: int
    category_code: str
    category_name: str
    service_kind: ServiceKind | None  # None: every client
    condition: RecipientCondition
    purpose: str


@dataclass(frozen=True)
class OperatorDetail:
    id: int
    values: OperatorInput
    rules: tuple[RuleView, ...]
    services: int
    clients: int  # clients served through services, or every client for an every-client rule

    @property
    def serves_every_client(self) -> bool:
        return any(r.service_kind is None for r in self.rules)


def list_operators(session: Session) -> list[OperatorRow]:
    counts: dict[int, int] = dict(
        session.execute(
            select(service_operators.c.operator_id, func.count()).group_by(service_operators.c.operator_id)
        ).all()
    )
    every = set(session.scalars(select(CategoryRecipient.operator_id).where(CategoryRecipient.service_kind.is_(None))))
    return [
        OperatorRow(
            o.id,
            o.name,
            o.role,
            o.country,
            fields.country_name(o.country),
            o.safeguard,
            o.dpa_status,
            counts.get(o.id, 0),
            o.id in every,
        )
        for o in session.scalars(select(Operator).order_by(func.lower(Operator.name)))
    ]


def get_operator(session: Session, operator_id: int) -> OperatorDetail:
    o = session.scalar(
        select(Operator)
        .where(Operator.id == operator_id)
        .options(selectinload(Operator.accounts), selectinload(Operator.rules).selectinload(CategoryRecipient.category))
    )
    if o is None:
        raise NotFoundError("That operator is no longer in the register.")
    rules = tuple(
        RuleView(r.id, r.category.code, r.category.name, r.service_kind, r.condition, r.purpose)
        for r in sorted(o.rules, key=lambda r: (r.category.position, r.service_kind or ""))
    )
    services = session.scalar(
        select(func.count()).select_from(service_operators).where(service_operators.c.operator_id == o.id)
    )
    if any(r.service_kind is None for r in rules):
        clients = session.scalar(select(func.count(Client.id))) or 0
    else:
        clients = count_clients_served(session, o.id)
    values = OperatorInput(
        o.name,
        o.role,
        o.country,
        o.safeguard,
        o.contact_name,
        o.contact_email,
        o.address,
        o.dpa_status,
        o.dpa_signed_on,
        o.dpa_document,
        o.security_notes,
        o.notes,
        [(a.account_name, a.login_url) for a in o.accounts],
    )
    return OperatorDetail(o.id, values, rules, int(services or 0), int(clients))


@dataclass(frozen=True)
class ServedClient:
    ref: str
    name: str
    via: str  # the services that name the operator, e.g. "example.co.uk (Domain registration)"


def _served_ids(operator_id: int) -> Select[Any]:
    return (
        select(Service.client_id)
        .distinct()
        .join(service_operators, service_operators.c.service_id == Service.id)
        .where(service_operators.c.operator_id == operator_id)
    )


def count_clients_served(session: Session, operator_id: int) -> int:
    return int(session.scalar(select(func.count()).select_from(_served_ids(operator_id).subquery())) or 0)


def clients_served(session: Session, operator_id: int, offset: int = 0, limit: int = 200) -> list[ServedClient]:
    """Clients whose services name this operator, by name, with the services concerned."""
    page = session.execute(
        select(Client.id, Client.ref, Client.name)
        .where(Client.id.in_(_served_ids(operator_id)))
        .order_by(Client.sort_name, Client.id)
        .offset(offset)
        .limit(limit)
    ).all()
    via: dict[int, list[str]] = {}
    for client_id, identifier, kind in session.execute(
        select(Service.client_id, Service.identifier, Service.kind)
        .join(service_operators, service_operators.c.service_id == Service.id)
        .where(service_operators.c.operator_id == operator_id, Service.client_id.in_([p.id for p in page]))
        .order_by(Service.identifier)
    ):
        via.setdefault(client_id, []).append(f"{identifier} ({kind.label})")
    return [ServedClient(p.ref, p.name, ", ".join(via.get(p.id, []))) for p in page]


# -- data categories and who receives them ---------------------------------------------------------------------------


@dataclass
class CategoryInput:
    code: str
    name: str
    purpose: str
    lawful_basis: LawfulBasis
    source: str
    retention_kind: RetentionKind
    retention_period: int = 0
    description: str = ""
    as_processor: bool = False
    service_kinds: list[ServiceKind] = field(default_factory=list)


@dataclass(frozen=True)
class CategoryView:
    id: int
    values: CategoryInput


def list_categories(session: Session) -> list[CategoryView]:
    rows = session.scalars(
        select(DataCategory).options(selectinload(DataCategory.service_kinds)).order_by(DataCategory.position)
    )
    return [
        CategoryView(
            c.id,
            CategoryInput(
                c.code,
                c.name,
                c.purpose,
                c.lawful_basis,
                c.source,
                c.retention_kind,
                c.retention_period,
                c.description,
                c.as_processor,
                [k.service_kind for k in c.service_kinds],
            ),
        )
        for c in rows
    ]


def _validate_category(data: CategoryInput) -> CategoryInput:
    problems: dict[str, str] = {}
    code = data.code.strip().lower().replace(" ", "_")
    if not code or not code.replace("_", "").isalnum() or len(code) > 40:
        problems["code"] = "The code is a short name of letters, digits and underscores (for example newsletters)."
    for key, what, limit in (("name", "name", 120), ("purpose", "purpose", 2000), ("source", "source", 300)):
        if not getattr(data, key).strip():
            problems[key] = f"Enter the category's {what}."
        elif len(getattr(data, key)) > limit:
            problems[key] = f"The {what} is too long (at most {limit} characters)."
    needs_period = data.retention_kind in {
        RetentionKind.AFTER_RELATIONSHIP,
        RetentionKind.AFTER_SERVICE_ENDS,
        RetentionKind.ROLLING_DAYS,
    }
    if needs_period and not 1 <= data.retention_period <= 1200:
        problems["retention_period"] = "Enter how long it is kept (1 to 1200)."
    if problems:
        raise FormError(problems)
    return CategoryInput(
        code,
        data.name.strip(),
        data.purpose.strip(),
        data.lawful_basis,
        data.source.strip(),
        data.retention_kind,
        data.retention_period if needs_period else 0,
        data.description.strip(),
        data.as_processor,
        sorted(set(data.service_kinds)),
    )


def save_category(session: Session, actor: str, data: CategoryInput, category_id: int | None = None) -> int:
    """Add a category (no id) or change one (admin only: the caller checks)."""
    data = _validate_category(data)
    clash = session.scalar(select(DataCategory.id).where(DataCategory.code == data.code))
    if clash is not None and clash != category_id:
        raise FormError({"code": f"There is already a category with the code {data.code}."})
    if category_id is None:
        position = (session.scalar(select(func.max(DataCategory.position))) or 0) + 1
        category = DataCategory(position=position)
        session.add(category)
    else:
        found = session.get(DataCategory, category_id)
        if found is None:
            raise NotFoundError("That data category is no longer in the register.")
        category = found
    category.code, category.name, category.purpose = data.code, data.name, data.purpose
    category.lawful_basis, category.source = data.lawful_basis, data.source
    category.retention_kind, category.retention_period = data.retention_kind, data.retention_period
    category.description, category.as_processor = data.description, data.as_processor
    if sorted(k.service_kind for k in category.service_kinds) != data.service_kinds:
        category.service_kinds = [CategoryServiceKind(service_kind=k) for k in data.service_kinds]
    session.flush()
    action = "category.created" if category_id is None else "category.updated"
    audit.record(session, actor, action, f"category:{category.code}")
    return category.id


def add_rule(
    session: Session,
    actor: str,
    operator_id: int,
    category_code: str,
    service_kind: ServiceKind | None,
    condition: RecipientCondition = RecipientCondition.ALWAYS,
    purpose: str = "",
) -> int:
    """The operator receives this category: through services of this kind that name it, or (None) for every client."""
    operator = _operator(session, operator_id)
    category = session.scalar(select(DataCategory).where(DataCategory.code == category_code))
    if category is None:
        raise ValidationError(f"There is no data category {category_code}.")
    exists = session.scalar(
        select(CategoryRecipient.id).where(
            CategoryRecipient.operator_id == operator.id,
            CategoryRecipient.category_id == category.id,
            CategoryRecipient.service_kind.is_(None)
            if service_kind is None
            else CategoryRecipient.service_kind == service_kind,
        )
    )
    if exists is not None:
        raise ValidationError(f"{operator.name} already receives {category.name} that way.")
    rule = CategoryRecipient(
        operator_id=operator.id,
        category_id=category.id,
        service_kind=service_kind,
        condition=condition,
        purpose=fields.clean_text(purpose, "purpose", 300),
    )
    session.add(rule)
    session.flush()
    audit.record(session, actor, "recipient.added", f"operator:{operator.id}", {"category": category.code})
    return rule.id


def remove_rule(session: Session, actor: str, rule_id: int) -> None:
    rule = session.get(CategoryRecipient, rule_id)
    if rule is None:
        raise NotFoundError("That rule is no longer in the register.")
    operator_id, code = rule.operator_id, rule.category.code
    session.delete(rule)
    session.flush()
    audit.record(session, actor, "recipient.removed", f"operator:{operator_id}", {"category": code})


def operator_names(session: Session) -> list[str]:
    return list(session.scalars(select(Operator.name).order_by(Operator.name)))
