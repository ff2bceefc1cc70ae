"""The breach register (UK GDPR Art. 33(5)) and the 72-hour clock (Art. 33(1)); SPEC.md §6.

Every breach goes in, reported or not: what happened, when it happened and when the agency became aware of it (the
clock starts there), what it touched (clients, services, operators chosen from the register, from which the number
of people and records and the data categories are estimated, then edited), the likely consequences, the measures
taken and proposed, the risk, the decision to report it to the ICO or not and why, when the ICO was told and its
reference (with the reasons if that was after 72 hours), updates given in phases, and whether the people affected and
the client controllers were told.

The clock is 72 elapsed hours from awareness, kept in UTC, shown in UK time: across the clocks going forward or back
the deadline's wall-clock time moves by an hour, the time left does not.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.dates import uk_date, uk_time
from hartdesk.errors import FormError, NotFoundError, ValidationError
from hartdesk.models import (
    Address,
    Breach,
    BreachDecision,
    BreachEvent,
    BreachRisk,
    CategoryRecipient,
    Client,
    ClientStatus,
    ConsentChange,
    ConsentEvent,
    Contact,
    ContactPoint,
    DataCategory,
    Invoice,
    Operator,
    RecipientCondition,
    Service,
    ServiceStatus,
    service_operators,
)
from hartdesk.models.base import utcnow
from hartdesk.register import fields
from hartdesk.register.clients import MARKETING
from hartdesk.register.references import next_number
from hartdesk.register.whoholds import who_holds_what
from hartdesk.security import audit
from hartdesk.settings import Settings

CLOCK = timedelta(hours=72)
RED = timedelta(hours=24)  # the dashboard shows the countdown red under this
AMBER = timedelta(hours=48)

OVERDUE = "overdue"
URGENT = "urgent"  # red
SOON = "soon"  # amber
RUNNING = "running"
DECIDED = "decided"  # the ICO decision is recorded: the clock no longer matters


def breach_ref(year: int, number: int) -> str:
    return f"B-{year}-{number:04d}"


# -- the clock ------------------------------------------------------------------------------------------------------


def _hours(delta: timedelta) -> str:
    minutes = int(abs(delta).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    if hours >= 1:
        return f"{hours} hour{'s' if hours != 1 else ''}" + (f" {minutes} min" if hours < 10 and minutes else "")
    return f"{minutes} min"


@dataclass(frozen=True)
class BreachClock:
    aware_at: datetime
    deadline: datetime
    now: datetime
    decided: bool

    @property
    def left(self) -> timedelta:
        return self.deadline - self.now

    @property
    def hours_left(self) -> float:
        return round(self.left.total_seconds() / 3600, 1)

    @property
    def level(self) -> str:
        if self.decided:
            return DECIDED
        if self.left <= timedelta(0):
            return OVERDUE
        if self.left < RED:
            return URGENT
        if self.left < AMBER:
            return SOON
        return RUNNING

    def words(self) -> str:
        if self.decided:
            return "ICO decision recorded"
        if self.left <= timedelta(0):
            return f"ICO deadline passed {_hours(self.left)} ago ({uk_time(self.deadline)})"
        return f"{_hours(self.left)} left to decide on reporting to the ICO (by {uk_time(self.deadline)})"


def clock(aware_at: datetime, now: datetime, decided: bool = False) -> BreachClock:
    if aware_at.tzinfo is None or now.tzinfo is None:
        raise ValueError("the breach clock needs aware datetimes")
    return BreachClock(aware_at.astimezone(UTC), aware_at.astimezone(UTC) + CLOCK, now.astimezone(UTC), decided)


# -- input ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachInput:
    summary: str
    aware_at: datetime  # aware
    details: str = ""
    occurred_at: datetime | None = None
    occurred_note: str = ""
    client_refs: tuple[str, ...] = ()
    service_ids: tuple[int, ...] = ()
    operator_ids: tuple[int, ...] = ()
    categories: tuple[str, ...] = ()  # empty: estimated from what was touched
    people_count: int | None = None  # None: estimated
    records_count: int | None = None
    consequences: str = ""
    measures_taken: str = ""
    measures_proposed: str = ""
    risk: BreachRisk | None = None


def validate(data: BreachInput, now: datetime) -> BreachInput:
    problems = fields.Problems()
    summary = problems.check("summary", lambda v: fields.clean_text(v, "summary", 300, required=True), data.summary)
    if data.aware_at.tzinfo is None:
        problems.add("aware_at", "The time of awareness needs its time zone.")
    elif data.aware_at > now + timedelta(minutes=5):
        problems.add("aware_at", "The agency cannot become aware of a breach in the future.")
    if data.occurred_at is not None:
        if data.occurred_at.tzinfo is None:
            problems.add("occurred_at", "The time it happened needs its time zone.")
        elif data.aware_at.tzinfo is not None and data.occurred_at > data.aware_at:
            problems.add("occurred_at", "A breach cannot happen after the agency became aware of it.")
    for name, value in (("people_count", data.people_count), ("records_count", data.records_count)):
        if value is not None and not 0 <= value <= 100_000_000:
            problems.add(name, "Give a number from 0 upwards (an estimate is fine).")
    texts = {}
    for name, limit in (
        ("details", 8000),
        ("occurred_note", 300),
        ("consequences", 8000),
        ("measures_taken", 8000),
        ("measures_proposed", 8000),
    ):
        texts[name] = problems.check(
            name, lambda v, n=name, lim=limit: fields.clean_text(v, n, lim), getattr(data, name)
        )
    problems.raise_any()
    return replace(
        data,
        summary=summary,
        client_refs=tuple(sorted({r.strip().upper() for r in data.client_refs if r.strip()})),
        service_ids=tuple(sorted(set(data.service_ids))),
        operator_ids=tuple(sorted(set(data.operator_ids))),
        categories=tuple(dict.fromkeys(c.strip() for c in data.categories if c.strip())),
        **texts,
    )


# -- the estimate ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Estimate:
    """What the chosen clients, services and operators add up to: an estimate the clerk then edits."""

    client_refs: tuple[str, ...]
    people: int
    records: int
    categories: tuple[str, ...]


def affected_client_ids(
    session: Session, client_ids: Sequence[int], service_ids: Sequence[int], operator_ids: Sequence[int]
) -> list[int]:
    """The chosen clients, the clients of the chosen services, and the clients whose data the chosen operators
    receive: through a service naming them, or all clients where they receive a category for every client (all who
    gave marketing consent, where that is the rule's condition, as in who-holds-what)."""
    ids = set(client_ids)
    ids.update(session.scalars(select(Service.client_id).where(Service.id.in_(service_ids))))
    ids.update(
        session.scalars(
            select(Service.client_id)
            .join(service_operators, service_operators.c.service_id == Service.id)
            .where(service_operators.c.operator_id.in_(operator_ids), Service.status != ServiceStatus.ENDED)
        )
    )
    every_client = set(
        session.scalars(
            select(CategoryRecipient.condition).where(
                CategoryRecipient.operator_id.in_(operator_ids), CategoryRecipient.service_kind.is_(None)
            )
        )
    )
    if every_client:
        everyone = select(Client.id).where(Client.status != ClientStatus.ERASED)
        if RecipientCondition.ALWAYS not in every_client:
            everyone = everyone.where(
                Client.consents.any((ConsentEvent.purpose == MARKETING) & (ConsentEvent.change == ConsentChange.GIVEN))
            )
        ids.update(session.scalars(everyone))
    return sorted(ids)


def estimate(
    session: Session,
    settings: Settings,
    now: datetime,
    client_refs: Sequence[str] = (),
    service_ids: Sequence[int] = (),
    operator_ids: Sequence[int] = (),
) -> Estimate:
    chosen = list(session.scalars(select(Client.id).where(Client.ref.in_([r.strip().upper() for r in client_refs]))))
    ids = affected_client_ids(session, chosen, service_ids, operator_ids)
    refs = tuple(session.scalars(select(Client.ref).where(Client.id.in_(ids)).order_by(Client.ref)))
    contacts = session.scalar(select(func.count(Contact.id)).where(Contact.client_id.in_(ids))) or 0
    no_contact = session.scalar(select(func.count(Client.id)).where(Client.id.in_(ids), ~Client.contacts.any())) or 0
    records = sum(
        session.scalar(select(func.count()).select_from(model).where(where)) or 0
        for model, where in (
            (Client, Client.id.in_(ids)),
            (Contact, Contact.client_id.in_(ids)),
            (ContactPoint, ContactPoint.contact.has(Contact.client_id.in_(ids))),
            (Address, Address.client_id.in_(ids)),
            (Service, Service.client_id.in_(ids)),
            (Invoice, Invoice.client_id.in_(ids)),
        )
    )
    # The categories: what the register holds for the clients chosen directly (or through their services), and
    # what the operators chosen receive — not read client by client, as an operator may serve every client.
    direct = set(chosen) | set(session.scalars(select(Service.client_id).where(Service.id.in_(service_ids))))
    names: dict[str, None] = {}
    today = uk_date(now)
    for ref in session.scalars(select(Client.ref).where(Client.id.in_(direct)).order_by(Client.ref)):
        for category in who_holds_what(session, ref, settings, today).categories:
            names.setdefault(category.name, None)
    if operator_ids and set(ids) - direct:  # the operators reach clients beyond those chosen
        received = session.scalars(
            select(DataCategory.name)
            .join(CategoryRecipient, CategoryRecipient.category_id == DataCategory.id)
            .where(CategoryRecipient.operator_id.in_(operator_ids))
            .order_by(DataCategory.position)
        )
        for name in received:
            names.setdefault(name, None)
    return Estimate(refs, contacts + no_contact, records, tuple(names))


# -- the register ---------------------------------------------------------------------------------------------------


def breach_by_ref(session: Session, ref: str) -> Breach:
    breach = session.scalar(
        select(Breach)
        .where(Breach.ref == ref.strip().upper())
        .options(
            selectinload(Breach.clients),
            selectinload(Breach.services),
            selectinload(Breach.operators),
            selectinload(Breach.events),
        )
    )
    if breach is None:
        raise NotFoundError(f"There is no breach {ref}.")
    return breach


def _event(breach: Breach, kind: str, summary: str, actor: str, at: datetime | None = None) -> None:
    breach.events.append(BreachEvent(at=at or utcnow(), kind=kind, summary=summary, by=actor))


def _touched(session: Session, data: BreachInput) -> tuple[list[Client], list[Service], list[Operator]]:
    clients = list(session.scalars(select(Client).where(Client.ref.in_(data.client_refs))))
    missing = set(data.client_refs) - {c.ref for c in clients}
    if missing:
        raise FormError({"client_refs": f"There is no client {', '.join(sorted(missing))}."})
    services = list(session.scalars(select(Service).where(Service.id.in_(data.service_ids))))
    operators = list(session.scalars(select(Operator).where(Operator.id.in_(data.operator_ids))))
    if len(services) != len(data.service_ids) or len(operators) != len(data.operator_ids):
        raise FormError({"operator_ids": "A service or operator chosen is no longer in the register."})
    return clients, services, operators


def _apply(session: Session, breach: Breach, data: BreachInput, settings: Settings, now: datetime) -> None:
    clients, services, operators = _touched(session, data)
    guess = None
    if data.people_count is None or data.records_count is None or not data.categories:
        guess = estimate(session, settings, now, data.client_refs, data.service_ids, data.operator_ids)
    breach.summary = data.summary
    breach.details = data.details
    breach.aware_at = data.aware_at
    breach.occurred_at = data.occurred_at
    breach.occurred_note = data.occurred_note
    breach.clients, breach.services, breach.operators = clients, services, operators
    breach.categories = json.dumps(list(data.categories or (guess.categories if guess else ())))
    breach.people_count = data.people_count if data.people_count is not None else (guess.people if guess else None)
    breach.records_count = data.records_count if data.records_count is not None else (guess.records if guess else None)
    breach.consequences = data.consequences
    breach.measures_taken = data.measures_taken
    breach.measures_proposed = data.measures_proposed
    breach.risk = data.risk
    breach.updated_at = utcnow()


def log_breach(session: Session, actor: str, data: BreachInput, settings: Settings, now: datetime) -> Breach:
    """Put a breach in the register (estimating what is not given) and start its clock at ``aware_at``."""
    data = validate(data, now)
    stamp = utcnow()
    breach = Breach(
        ref=breach_ref(uk_date(data.aware_at).year, next_number(session, f"breach-{uk_date(data.aware_at).year}")),
        summary=data.summary,
        aware_at=data.aware_at,
        created_by=actor,
        created_at=stamp,
        updated_at=stamp,
    )
    session.add(breach)
    _apply(session, breach, data, settings, now)
    _event(breach, "logged", f"Logged: {data.summary}. Aware since {uk_time(data.aware_at)}.", actor, now)
    session.flush()
    audit.record(session, actor, "breach.logged", f"breach:{breach.ref}")
    return breach


def update_breach(
    session: Session, actor: str, ref: str, data: BreachInput, settings: Settings, now: datetime
) -> list[str]:
    """Save the facts again; return the names of those that changed (on the timeline and in the audit log)."""
    data = validate(data, now)
    breach = breach_by_ref(session, ref)
    before = _facts(breach)
    _apply(session, breach, data, settings, now)
    session.flush()
    changed = [name for name, value in _facts(breach).items() if before[name] != value]
    if changed:
        _event(breach, "updated", "Updated: " + ", ".join(n.replace("_", " ") for n in changed), actor, now)
        audit.record(session, actor, "breach.updated", f"breach:{breach.ref}", {"fields": changed})
    return changed


def _facts(b: Breach) -> dict[str, object]:
    return {
        "summary": b.summary,
        "details": b.details,
        "aware_at": b.aware_at,
        "occurred_at": b.occurred_at,
        "occurred_note": b.occurred_note,
        "clients": [c.id for c in b.clients],
        "services": [s.id for s in b.services],
        "operators": [o.id for o in b.operators],
        "categories": b.categories,
        "people_count": b.people_count,
        "records_count": b.records_count,
        "consequences": b.consequences,
        "measures_taken": b.measures_taken,
        "measures_proposed": b.measures_proposed,
        "risk": b.risk,
    }


def record_decision(
    session: Session, actor: str, ref: str, decision: BreachDecision, reason: str, now: datetime
) -> Breach:
    """The decision to report the breach to the ICO or not, with its reason (Art. 33(5)); this stops the clock."""
    reason = fields.clean_text(reason, "reason", 8000, required=decision is BreachDecision.NOT_NOTIFY)
    breach = breach_by_ref(session, ref)
    if breach.risk is None:
        raise ValidationError(f"Assess the risk of {breach.ref} first: the decision follows from it.")
    if decision is BreachDecision.NOT_NOTIFY and breach.risk is not BreachRisk.NONE:
        raise ValidationError(
            f"{breach.ref} is assessed as {breach.risk.label.lower()}: a breach with a risk must be reported to the "
            "ICO. Change the assessment first if it is unlikely to result in a risk."
        )
    breach.decision, breach.decision_reason = decision, reason
    breach.decided_at, breach.decided_by = now, actor
    breach.updated_at = utcnow()
    late = now - breach.aware_at > CLOCK
    summary = f"Decision: {decision.label}" + (f". Why: {reason}" if reason else "")
    _event(breach, "decided", summary + (" (after the 72 hours)" if late else ""), actor, now)
    session.flush()
    audit.record(session, actor, "breach.decided", f"breach:{breach.ref}", {"decision": decision.value})
    return breach


def record_ico_notified(
    session: Session, actor: str, ref: str, at: datetime, ico_reference: str, late_reason: str, now: datetime
) -> Breach:
    breach = breach_by_ref(session, ref)
    if breach.decision is not BreachDecision.NOTIFY:
        raise ValidationError(f"Record the decision to report {breach.ref} to the ICO first.")
    if at.tzinfo is None or at > now + timedelta(minutes=5):
        raise FormError({"ico_notified_at": "Give the time the ICO was told (not in the future)."})
    late_reason = fields.clean_text(late_reason, "reasons for the delay", 8000)
    if at - breach.aware_at > CLOCK and not late_reason:
        raise FormError(
            {
                "late_reason": "The ICO was told more than 72 hours after the agency became aware: give the reasons "
                "for the delay (Art. 33(1))."
            }
        )
    breach.ico_notified_at = at
    breach.ico_reference = fields.clean_text(ico_reference, "ICO reference", 60)
    breach.late_reason = late_reason
    breach.updated_at = utcnow()
    words = f"Reported to the ICO on {uk_time(at)}" + (
        f", reference {breach.ico_reference}" if breach.ico_reference else ""
    )
    _event(breach, "ico-notified", words + (f". Late because: {late_reason}" if late_reason else ""), actor, at)
    session.flush()
    audit.record(session, actor, "breach.ico-notified", f"breach:{breach.ref}")
    return breach


def add_update(session: Session, actor: str, ref: str, summary: str, at: datetime, to_ico: bool = False) -> None:
    """A phased update (information given in phases, Art. 33(4)) or a note on the timeline."""
    summary = fields.clean_text(summary, "update", 8000, required=True)
    breach = breach_by_ref(session, ref)
    _event(breach, "ico-update" if to_ico else "note", ("Update to the ICO: " if to_ico else "") + summary, actor, at)
    breach.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "breach.update", f"breach:{breach.ref}", {"to_ico": to_ico})


def record_people_told(session: Session, actor: str, ref: str, at: datetime | None, how: str) -> None:
    """The people affected were told (``at``) and how, or (``at`` None) why they were not (Art. 34(3))."""
    how = fields.clean_text(how, "how they were told", 4000, required=True)
    breach = breach_by_ref(session, ref)
    breach.people_told_at, breach.people_told_how = at, how
    breach.updated_at = utcnow()
    _event(breach, "people-told", ("People affected told: " if at else "People affected not told: ") + how, actor, at)
    session.flush()
    audit.record(session, actor, "breach.people-told", f"breach:{breach.ref}", {"told": at is not None})


def record_controllers_told(session: Session, actor: str, ref: str, at: datetime) -> None:
    """The client controllers (the agency as their processor) were told (Art. 33(2))."""
    breach = breach_by_ref(session, ref)
    breach.controllers_told_at = at
    breach.updated_at = utcnow()
    _event(breach, "controllers-told", f"Client controllers told on {uk_time(at)}", actor, at)
    session.flush()
    audit.record(session, actor, "breach.controllers-told", f"breach:{breach.ref}")


def add_document_event(session: Session, actor: str, ref: str, title: str, how: str) -> None:
    breach = breach_by_ref(session, ref)
    _event(breach, "document", f"{how}: {title}", actor)
    session.flush()


def close_breach(session: Session, actor: str, ref: str, now: datetime) -> None:
    breach = breach_by_ref(session, ref)
    if breach.decision is None:
        raise ValidationError(f"Record the ICO decision on {breach.ref} before closing it.")
    breach.closed_at = now
    _event(breach, "closed", "Closed", actor, now)
    session.flush()
    audit.record(session, actor, "breach.closed", f"breach:{breach.ref}")


# -- reading --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BreachEventView:
    at: datetime
    kind: str
    summary: str
    by: str


@dataclass(frozen=True)
class BreachDetail:
    ref: str
    summary: str
    details: str
    occurred_at: datetime | None
    occurred_note: str
    aware_at: datetime
    clients: tuple[tuple[str, str], ...]  # (ref, name) chosen
    affected_clients: tuple[tuple[str, str], ...]  # (ref, name): the chosen ones and those reached through the
    # services and operators chosen (the controllers to tell, as their processor)
    services: tuple[tuple[int, str], ...]  # (id, "domain (kind) — C-00042")
    operators: tuple[tuple[int, str, str], ...]  # (id, name, country name)
    categories: tuple[str, ...]
    people_count: int | None
    records_count: int | None
    consequences: str
    measures_taken: str
    measures_proposed: str
    risk: BreachRisk | None
    decision: BreachDecision | None
    decision_reason: str
    decided_at: datetime | None
    ico_notified_at: datetime | None
    ico_reference: str
    late_reason: str
    people_told_at: datetime | None
    people_told_how: str
    controllers_told_at: datetime | None
    closed_at: datetime | None
    events: tuple[BreachEventView, ...]
    clock: BreachClock

    def as_input(self) -> BreachInput:
        return BreachInput(
            summary=self.summary,
            aware_at=self.aware_at,
            details=self.details,
            occurred_at=self.occurred_at,
            occurred_note=self.occurred_note,
            client_refs=tuple(ref for ref, _ in self.clients),
            service_ids=tuple(i for i, _ in self.services),
            operator_ids=tuple(i for i, _, _ in self.operators),
            categories=self.categories,
            people_count=self.people_count,
            records_count=self.records_count,
            consequences=self.consequences,
            measures_taken=self.measures_taken,
            measures_proposed=self.measures_proposed,
            risk=self.risk,
        )


def get_breach(session: Session, ref: str, now: datetime) -> BreachDetail:
    b = breach_by_ref(session, ref)
    affected_ids = affected_client_ids(
        session, [c.id for c in b.clients], [s.id for s in b.services], [o.id for o in b.operators]
    )
    affected = session.execute(
        select(Client.ref, Client.name)
        .where(Client.id.in_(affected_ids), Client.status != ClientStatus.ERASED)
        .order_by(Client.ref)
    ).all()
    owners = dict(
        session.execute(select(Client.id, Client.ref).where(Client.id.in_([s.client_id for s in b.services]))).all()
    )
    return BreachDetail(
        ref=b.ref,
        summary=b.summary,
        details=b.details,
        occurred_at=b.occurred_at,
        occurred_note=b.occurred_note,
        aware_at=b.aware_at,
        clients=tuple((c.ref, c.name) for c in b.clients),
        affected_clients=tuple((r, n) for r, n in affected),
        services=tuple(
            (s.id, f"{s.identifier} ({s.kind.label.lower()}), {owners.get(s.client_id, '')}") for s in b.services
        ),
        operators=tuple((o.id, o.name, fields.country_name(o.country)) for o in b.operators),
        categories=tuple(json.loads(b.categories)),
        people_count=b.people_count,
        records_count=b.records_count,
        consequences=b.consequences,
        measures_taken=b.measures_taken,
        measures_proposed=b.measures_proposed,
        risk=b.risk,
        decision=b.decision,
        decision_reason=b.decision_reason,
        decided_at=b.decided_at,
        ico_notified_at=b.ico_notified_at,
        ico_reference=b.ico_reference,
        late_reason=b.late_reason,
        people_told_at=b.people_told_at,
        people_told_how=b.people_told_how,
        controllers_told_at=b.controllers_told_at,
        closed_at=b.closed_at,
        events=tuple(BreachEventView(e.at, e.kind, e.summary, e.by) for e in b.events),
        clock=clock(b.aware_at, now, decided=b.decision is not None),
    )


@dataclass(frozen=True)
class BreachRow:
    ref: str
    summary: str
    aware_at: datetime
    risk: BreachRisk | None
    decision: BreachDecision | None
    ico_notified_at: datetime | None
    closed_at: datetime | None
    clients: int
    clock: BreachClock = field(compare=False)
    ico_reference: str = ""


def list_breaches(session: Session, now: datetime, *, undecided_only: bool = False) -> list[BreachRow]:
    """Every breach, newest awareness first (or only those still waiting for the ICO decision, soonest first)."""
    counts = func.count(Client.id)
    query = (
        select(Breach, counts)
        .outerjoin(Breach.clients)
        .group_by(Breach.id)
        .order_by(Breach.aware_at.asc() if undecided_only else Breach.aware_at.desc())
    )
    if undecided_only:
        query = query.where(Breach.decision.is_(None))
    return [
        BreachRow(
            b.ref,
            b.summary,
            b.aware_at,
            b.risk,
            b.decision,
            b.ico_notified_at,
            b.closed_at,
            int(n),
            clock(b.aware_at, now, decided=b.decision is not None),
            b.ico_reference,
        )
        for b, n in session.execute(query)
    ]
