"""The records of processing activities (UK GDPR Art. 30, SPEC.md §5), gathered from the register and the settings.

**Controller record** (Art. 30(1)): the data categories the agency holds for itself (not "as processor"), grouped by
their purpose. The data subjects follow from each category: one held for every client is about the clients who are
individuals and the contacts of client organisations (as the register holds them), one held through services of a
kind is about the people those services involve (a domain's registrant, a website's visitors). The recipients are
the operators with a rule for a category of the purpose. A rule that applies only to clients who gave marketing
consent is a purpose of its own (the newsletter), on the basis of consent, about the subscribers.

**Processor record** (Art. 30(2)): the agency as processor for each client with a current (not ended) service of a
kind linked to an "as processor" category; what it does for each (the services, from ``dpa_services.txt``), and the
operators that receive that data through the client's services: the sub-processors, with their transfers.

Both records are about the register as it stands, not about one client: every operator with a rule is a recipient of
the controller record even if no current service names it (the data it received is still kept for a while).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk import __version__
from hartdesk import settings as settings_mod
from hartdesk.dates import MONTHS, format_short_date
from hartdesk.documents.ropa import (
    Agency,
    ControllerClient,
    ControllerRecord,
    ProcessingActivity,
    ProcessingPurpose,
    ProcessorRecord,
    Recipient,
    RecordCategory,
    RopaData,
)
from hartdesk.documents.wording import WordingError
from hartdesk.errors import ValidationError
from hartdesk.models import (
    CategoryRecipient,
    Client,
    ClientKind,
    ClientStatus,
    Contact,
    DataCategory,
    DpaStatus,
    LawfulBasis,
    Operator,
    PointKind,
    RecipientCondition,
    RetentionKind,
    Service,
    ServiceKind,
    ServiceStatus,
    TransferSafeguard,
)
from hartdesk.register import fields
from hartdesk.register.dpa_data import service_wording
from hartdesk.register.letterhead import letterhead_from, page_size
from hartdesk.register.whoholds import retention_rule
from hartdesk.settings import Settings

# Whose data a category held through a kind of service is about, in the agency's own record (the DPA wording speaks
# of "the controller’s websites", which in this record would be the agency's).
SUBJECTS_BY_KIND: dict[ServiceKind, str] = {
    ServiceKind.DOMAIN_REGISTRATION: "Domain registrants (the owners of clients’ domain names) and their contacts",
    ServiceKind.WEB_HOSTING: "Visitors to clients’ websites",
    ServiceKind.EMAIL_HOSTING: "People who send email to or receive email from clients’ mailboxes",
    ServiceKind.SSL: "Clients’ contacts for their SSL certificates",
    ServiceKind.BACKUPS: "People whose data is in the websites and mailboxes we back up for clients",
    ServiceKind.CDN: "Visitors to clients’ websites",
    ServiceKind.MANAGED_CMS: "Users and editors of clients’ websites",
    ServiceKind.OTHER: "People whose data clients’ other services involve",
}
INDIVIDUAL_CLIENTS = "Clients who are individuals (sole traders and private persons)"
ORGANISATION_CONTACTS = "Contacts at client organisations (their directors and staff)"
SUBSCRIBERS = "Newsletter subscribers: clients and client contacts who consented to marketing"
MARKETING_PURPOSE = "Marketing to clients who consented to it"
NO_DPO = "No data protection officer appointed"
CONSENT_RETENTION = "Used for this only until consent is withdrawn; the data itself is kept as for its category"


def ropa_data(session: Session, settings: Settings, today: date, *, created_at: datetime | None = None) -> RopaData:
    """Both records as of ``today``; :class:`ValidationError` names the agency settings to fill in first."""
    missing = settings_mod.missing_for_documents(settings)
    if missing:
        listed = ", ".join(f"“{m}”" for m in missing)
        raise ValidationError(f"Fill in {listed} in Settings before the records of processing can be produced.")
    categories = list(
        session.scalars(
            select(DataCategory).options(selectinload(DataCategory.service_kinds)).order_by(DataCategory.position)
        )
    )
    rules = list(
        session.scalars(
            select(CategoryRecipient)
            .options(selectinload(CategoryRecipient.operator), selectinload(CategoryRecipient.category))
            .order_by(CategoryRecipient.id)
        )
    )
    letterhead = letterhead_from(settings)
    agency = Agency(
        name=settings.agency_name.strip(),
        address_lines=tuple(letterhead.address_lines),
        email=settings.agency_email.strip(),
        phone=settings.agency_phone.strip(),
        ico_number=settings.agency_ico_number.strip(),
        contact_name=settings.agency_contact_name.strip(),
        contact_position=settings.agency_contact_position.strip(),
        dpo=_dpo_line(settings),
    )
    measures = tuple(line.strip() for line in settings.security_measures.splitlines() if line.strip())
    kinds_held = set(
        session.scalars(select(Client.kind).where(Client.status != ClientStatus.ERASED).group_by(Client.kind))
    )
    controller = ControllerRecord(
        purposes=tuple(_purposes([c for c in categories if not c.as_processor], rules, kinds_held, settings)),
        recipients=tuple(_recipients([r for r in rules if not r.category.as_processor], everyone="every client")),
        time_limits=_time_limits(settings),
        measures=measures,
    )
    return RopaData(
        agency=agency,
        letterhead=letterhead,
        dated=today,
        version=today.isoformat(),
        produced_by=f"hartdesk {__version__}",
        controller=controller,
        processor=_processor_record(session, [c for c in categories if c.as_processor], rules, settings, measures),
        client_counts=_client_counts(session),
        pagesize=page_size(settings),
        created_at=created_at,
    )


def _dpo_line(settings: Settings) -> str:
    """hartdesk has no DPO setting: a small agency seldom must appoint one (Art. 37), so the record says so and names
    who deals with data protection instead."""
    person = ", ".join(p for p in (settings.agency_contact_name.strip(), settings.agency_contact_position.strip()) if p)
    reach = " · ".join(v for v in (settings.agency_email.strip(), settings.agency_phone.strip()) if v)
    contact = f"{person} ({reach})" if person and reach else person or reach
    return f"{NO_DPO}; contact: {contact}"


def _client_counts(session: Session) -> tuple[tuple[str, int], ...]:
    rows = session.execute(select(Client.status, func.count(Client.id)).group_by(Client.status)).all()
    counts = {status: int(count) for status, count in rows}
    return tuple((status.label, counts.get(status, 0)) for status in ClientStatus)


# -- retention in words ---------------------------------------------------------------------------------------------


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def retention_in_words(category: DataCategory, settings: Settings) -> str:
    """The erasure time limit of a category, for every client at once (who-holds-what adds the day for one)."""
    text = retention_rule(category, settings)
    if category.retention_kind is RetentionKind.TAX_RECORDS:
        month, day = settings_mod.financial_year_end(settings) or (3, 31)
        text = text.removesuffix(")") + f"; the financial year ends on {day} {MONTHS[month - 1]})"
    return text[:1].upper() + text[1:]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:]


def _time_limits(settings: Settings) -> tuple[str, ...]:
    """The time limits the retention review and the backups keep, beyond each category's own."""
    return (
        f"Closed clients: erased {_plural(settings.closed_client_retention_months, 'month')} after the account "
        "closed (invoices kept until their own tax date).",
        f"Privacy request files: deleted {_plural(settings.request_file_retention_months, 'month')} after the "
        "request was closed.",
        f"Automatic backups of the register: none is kept longer than {_plural(settings.backup_keep_days, 'day')}, "
        "so data erased from the register is gone from them too after that.",
    )


# -- the controller record ------------------------------------------------------------------------------------------


def _record_category(category: DataCategory, settings: Settings, retention: str = "") -> RecordCategory:
    kinds = sorted((k.service_kind for k in category.service_kinds), key=list(ServiceKind).index)
    return RecordCategory(
        code=category.code,
        name=category.name,
        description=category.description,
        lawful_basis=category.lawful_basis.label,
        source=category.source,
        retention=retention or retention_in_words(category, settings),
        services=tuple(k.label for k in kinds),
        purpose=" ".join(category.purpose.split()),
    )


def _subjects(category: DataCategory, kinds_held: set[ClientKind]) -> list[str]:
    kinds = sorted((k.service_kind for k in category.service_kinds), key=list(ServiceKind).index)
    if kinds:
        return [SUBJECTS_BY_KIND[k] for k in kinds]
    held = kinds_held or set(ClientKind)  # an empty register: the record still says whom it would be about
    return [
        text
        for kind, text in (
            (ClientKind.INDIVIDUAL, INDIVIDUAL_CLIENTS),
            (ClientKind.ORGANISATION, ORGANISATION_CONTACTS),
        )
        if kind in held
    ]


def _purposes(
    categories: list[DataCategory], rules: list[CategoryRecipient], kinds_held: set[ClientKind], settings: Settings
) -> list[ProcessingPurpose]:
    by_purpose: dict[str, list[DataCategory]] = {}
    for category in categories:
        by_purpose.setdefault(" ".join(category.purpose.split()), []).append(category)
    always = [r for r in rules if r.condition is not RecipientCondition.MARKETING_CONSENT]
    result = []
    for purpose, members in by_purpose.items():
        codes = {c.code for c in members}
        result.append(
            ProcessingPurpose(
                purpose=purpose,
                lawful_bases=tuple(_unique(c.lawful_basis.label for c in members)),
                data_subjects=tuple(_unique(s for c in members for s in _subjects(c, kinds_held))),
                categories=tuple(_record_category(c, settings) for c in members),
                recipients=tuple(_recipients([r for r in always if r.category.code in codes], "every client")),
            )
        )
    # Data sent on only with marketing consent serves a purpose of its own, whatever its category says.
    consented = [
        r for r in rules if r.condition is RecipientCondition.MARKETING_CONSENT and not r.category.as_processor
    ]
    by_rule_purpose: dict[str, list[CategoryRecipient]] = {}
    for rule in consented:
        by_rule_purpose.setdefault(rule.purpose.strip() or MARKETING_PURPOSE, []).append(rule)
    for purpose, group in by_rule_purpose.items():
        members = _unique_categories(r.category for r in group)
        result.append(
            ProcessingPurpose(
                purpose=purpose,
                lawful_bases=(LawfulBasis.CONSENT.label,),
                data_subjects=(SUBSCRIBERS,),
                categories=tuple(
                    _record_category(
                        c, settings, f"{CONSENT_RETENTION}: {_lower_first(retention_in_words(c, settings))}"
                    )
                    for c in members
                ),
                recipients=tuple(_recipients(group, "clients who consented")),
                consent=True,
            )
        )
    return result


def _unique(items: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(i for i in items if i))


def _unique_categories(items: Iterable[DataCategory]) -> list[DataCategory]:
    return sorted({c.id: c for c in items}.values(), key=lambda c: c.position)


def _dpa_words(operator: Operator) -> str:
    if operator.dpa_status is DpaStatus.SIGNED and operator.dpa_signed_on is not None:
        return f"Signed {format_short_date(operator.dpa_signed_on)}"
    return operator.dpa_status.label


def _recipients(rules: Sequence[CategoryRecipient], everyone: str) -> list[Recipient]:
    """One recipient per operator of ``rules``: what it receives, through what, and where."""
    grouped: dict[int, list[CategoryRecipient]] = {}
    for rule in rules:
        grouped.setdefault(rule.operator_id, []).append(rule)
    result = []
    for group in grouped.values():
        operator = group[0].operator
        kinds = sorted({r.service_kind for r in group if r.service_kind is not None}, key=list(ServiceKind).index)
        via = [k.label for k in kinds] + ([everyone] if any(r.service_kind is None for r in group) else [])
        result.append(_recipient(operator, _unique_categories(r.category for r in group), group, via))
    return sorted(result, key=lambda r: r.name.casefold())


def _recipient(
    operator: Operator, categories: Sequence[DataCategory], rules: Sequence[CategoryRecipient], via: Sequence[str]
) -> Recipient:
    return Recipient(
        name=operator.name,
        role=operator.role,
        country=fields.country_name(operator.country),
        outside_uk=operator.safeguard.is_restricted_transfer,
        safeguard=operator.safeguard.label,
        safeguard_missing=operator.safeguard is TransferSafeguard.NONE,
        dpa=_dpa_words(operator),
        receives=tuple(c.name for c in categories),
        purposes=tuple(_unique(" ".join(r.purpose.split()) for r in rules)),
        via=tuple(via),
    )


# -- the processor record -------------------------------------------------------------------------------------------


@dataclass
class _Controller:
    client: Client
    services: list[Service] = field(default_factory=list)


def _processor_record(
    session: Session,
    categories: list[DataCategory],
    rules: list[CategoryRecipient],
    settings: Settings,
    measures: tuple[str, ...],
) -> ProcessorRecord:
    kinds_of = {c.code: {k.service_kind for k in c.service_kinds} for c in categories}
    kinds = set().union(*kinds_of.values()) if kinds_of else set()
    rules = [r for r in rules if r.category.as_processor]
    services = (
        session.scalars(
            select(Service)
            .join(Client, Service.client_id == Client.id)
            .where(
                Service.kind.in_(kinds),
                Service.status != ServiceStatus.ENDED,
                Client.status != ClientStatus.ERASED,
            )
            .options(
                selectinload(Service.operators),
                selectinload(Service.client).selectinload(Client.contacts).selectinload(Contact.points),
            )
            .order_by(Service.identifier)
        ).all()
        if kinds
        else []
    )
    controllers: dict[int, _Controller] = {}
    for service in services:
        controllers.setdefault(service.client_id, _Controller(service.client)).services.append(service)
    ordered = sorted(controllers.values(), key=lambda c: c.client.ref)

    used: dict[int, tuple[Operator, list[CategoryRecipient], set[ServiceKind | None]]] = {}
    rows = []
    for controller in ordered:
        own_kinds = {s.kind for s in controller.services}
        held = [c for c in categories if kinds_of[c.code] & own_kinds]
        codes = {c.code for c in held}
        subs: dict[int, Operator] = {}
        for rule in rules:
            if rule.category.code not in codes:
                continue
            if rule.service_kind is not None and not any(
                s.kind is rule.service_kind and any(o.id == rule.operator_id for o in s.operators)
                for s in controller.services
            ):
                continue
            subs[rule.operator_id] = rule.operator
            entry = used.setdefault(rule.operator_id, (rule.operator, [], set()))
            if rule not in entry[1]:
                entry[1].append(rule)
            entry[2].add(rule.service_kind)
        rows.append(
            ControllerClient(
                ref=controller.client.ref,
                name=controller.client.name,
                status=controller.client.status.label,
                contact=_contact_lines(controller.client),
                services=tuple(_services_by_kind(controller.services)),
                categories=tuple(c.code for c in held),
                subprocessors=tuple(sorted((o.name for o in subs.values()), key=str.casefold)),
            )
        )
    subprocessors = []
    for operator, op_rules, via_kinds in used.values():
        via = [k.label for k in sorted((k for k in via_kinds if k is not None), key=list(ServiceKind).index)]
        if None in via_kinds:
            via.append("every client")
        subprocessors.append(_recipient(operator, _unique_categories(r.category for r in op_rules), op_rules, via))
    subprocessors.sort(key=lambda r: r.name.casefold())
    return ProcessorRecord(
        categories=tuple(_record_category(c, settings) for c in categories),
        activities=tuple(_activities(ordered, categories, kinds_of, rules, settings)),
        controllers=tuple(rows),
        subprocessors=tuple(subprocessors),
        measures=measures,
    )


def _contact_lines(client: Client) -> tuple[str, ...]:
    """How to reach the controller (Art. 30(2)(a)): its primary contact's name, first email and first phone."""
    contacts = sorted(client.contacts, key=lambda c: (not c.is_primary, c.position, c.id))
    if not contacts:
        return ()
    contact = contacts[0]
    email = next((p.value for p in contact.points if p.kind is PointKind.EMAIL), "")
    phone = next((p.value for p in contact.points if p.kind is PointKind.PHONE), "")
    lines = [contact.name if contact.name != client.name else "", email, fields.format_phone(phone) if phone else ""]
    return tuple(line for line in lines if line)


def _services_by_kind(services: Sequence[Service]) -> list[tuple[str, tuple[str, ...]]]:
    by_kind: dict[ServiceKind, list[str]] = {}
    for service in sorted(services, key=lambda s: (list(ServiceKind).index(s.kind), s.identifier.casefold())):
        by_kind.setdefault(service.kind, []).append(service.identifier)
    return [(kind.label, tuple(_unique(ids))) for kind, ids in by_kind.items()]


def _activities(
    controllers: list[_Controller],
    categories: list[DataCategory],
    kinds_of: dict[str, set[ServiceKind]],
    rules: list[CategoryRecipient],
    settings: Settings,
) -> list[ProcessingActivity]:
    """One entry per kind of service some controller has: what the agency does with the data, and who helps."""
    in_use: Counter[ServiceKind] = Counter()
    operators_by_kind: dict[ServiceKind, set[int]] = {}
    for controller in controllers:
        for kind in {s.kind for s in controller.services}:
            in_use[kind] += 1
        for service in controller.services:
            operators_by_kind.setdefault(service.kind, set()).update(o.id for o in service.operators)
    try:
        texts = service_wording(settings.wording_folder)
    except WordingError:
        texts = {}  # the DPA reports a broken wording file; the record falls back to the register's own words
    result = []
    for kind in sorted(in_use, key=list(ServiceKind).index):
        held = [c for c in categories if kind in kinds_of[c.code]]
        codes = {c.code for c in held}
        names = _unique(
            r.operator.name
            for r in rules
            if r.category.code in codes
            and (r.service_kind is None or (r.service_kind is kind and r.operator_id in operators_by_kind[kind]))
        )
        words = texts.get(kind)
        result.append(
            ProcessingActivity(
                service=kind.label,
                processing=words.processing if words else "; ".join(_unique(c.purpose for c in held)),
                data_subjects=words.data_subjects if words else "As agreed with the client for the service",
                personal_data=words.personal_data if words else "; ".join(_unique(c.description for c in held)),
                categories=tuple(c.name for c in held),
                subprocessors=tuple(sorted(names, key=str.casefold)),
                controllers=in_use[kind],
            )
        )
    return result
