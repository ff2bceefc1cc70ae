"""The facts of the breach documents (:mod:`hartdesk.documents.breach`), taken from the breach register and the
settings: every moment written in UK time with its zone, the timing against the 72 hours in words, and for a notice
to a client only what concerns that client.

A document that does not fit the breach is refused with a sentence saying why: a notice to a client whose data the
breach did not touch, or a notice to the people affected when the risk to them is not high (UK GDPR Art. 34(1)).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk import settings as settings_mod
from hartdesk.dates import format_uk_date, uk_date
from hartdesk.documents.breach import (
    BreachRecord,
    BreachRegisterData,
    ContactPoint,
    ControllerNoticeData,
    IcoSummaryData,
    PeopleNoticeData,
    TimelineEntry,
)
from hartdesk.documents.letter import Addressee
from hartdesk.errors import ValidationError
from hartdesk.models import AddressKind, Client, ClientKind, DataCategory, Operator, Service, ServiceStatus
from hartdesk.models.enums import BreachDecision, BreachRisk
from hartdesk.privacy.breaches import CLOCK, BreachDetail, breach_by_ref, get_breach, list_breaches, uk_time
from hartdesk.register.clients import ClientDetail, get_client
from hartdesk.register.letterhead import letterhead_from, page_size
from hartdesk.register.whoholds import who_holds_what
from hartdesk.settings import Settings

# The settings a notice or the ICO report cannot go out without, beyond the letterhead every document needs: the
# contact point the law asks for (Art. 33(3)(b)).
CONTACT_SETTINGS = ("agency_contact_name",)
ICO_UPDATE_PREFIX = "Update to the ICO: "  # what hartdesk.privacy.breaches.add_update puts before a phased update


def contact_point(settings: Settings) -> ContactPoint:
    return ContactPoint(
        name=settings.agency_contact_name.strip(),
        position=settings.agency_contact_position.strip(),
        email=settings.agency_email.strip(),
        phone=settings.agency_phone.strip(),
    )


def _check_settings(settings: Settings, what: str, contact: bool = True) -> None:
    missing = settings_mod.missing_for_documents(settings)
    if contact:
        missing += [settings_mod.label(n) for n in CONTACT_SETTINGS if not str(getattr(settings, n)).strip()]
    if missing:
        listed = ", ".join(f"“{m}”" for m in missing[:-1]) + (" and " if len(missing) > 1 else "") + f"“{missing[-1]}”"
        raise ValidationError(f"Fill in {listed} in Settings before {what} can be produced.")


def _signature(settings: Settings) -> tuple[str, ...]:
    return tuple(
        s.strip() for s in (settings.agency_contact_name, settings.agency_contact_position, settings.agency_name)
    )


# -- one breach -----------------------------------------------------------------------------------------------------


def _hours(seconds: float) -> str:
    hours = int(seconds // 3600)
    return f"{hours} hour{'s' if hours != 1 else ''}"


def _late(d: BreachDetail, now: datetime) -> bool:
    """Reported after the 72 hours, or still to be reported (or decided on) once they are over."""
    if d.ico_notified_at is not None:
        return d.ico_notified_at - d.aware_at > CLOCK
    return d.decision is not BreachDecision.NOT_NOTIFY and now > d.clock.deadline


def _timing(d: BreachDetail, now: datetime) -> str:
    deadline = uk_time(d.clock.deadline)
    if d.ico_notified_at is not None:
        taken = _hours((d.ico_notified_at - d.aware_at).total_seconds())
        if d.ico_notified_at - d.aware_at <= CLOCK:
            return f"In time: reported {taken} after the agency became aware"
        return f"Late: reported {taken} after the agency became aware; the 72 hours ended on {deadline}"
    if d.decision is BreachDecision.NOT_NOTIFY:
        return "Not reported: assessed as unlikely to result in a risk to people"
    if d.decision is BreachDecision.NOTIFY:
        if now > d.clock.deadline:
            return f"Not reported yet; the 72 hours ended on {deadline}"
        return f"Not reported yet; to be reported by {deadline}"
    return f"No decision yet: {d.clock.words()}"


def _occurred(d: BreachDetail) -> str:
    if d.occurred_at is None:
        return d.occurred_note
    return uk_time(d.occurred_at) + (f" ({d.occurred_note})" if d.occurred_note else "")


def _people_told(d: BreachDetail) -> str:
    if d.people_told_at is not None:
        return f"{uk_time(d.people_told_at)}: {d.people_told_how}"
    return f"Not told: {d.people_told_how}" if d.people_told_how else ""


def _people_categories(session: Session, d: BreachDetail) -> tuple[str, ...]:
    """The kinds of people concerned: individual clients, the contacts of client organisations, and (where data the
    agency holds for its clients as their processor is involved) the clients' own customers and users."""
    kinds = list(session.scalars(select(Client.kind).where(Client.ref.in_([ref for ref, _ in d.affected_clients]))))
    found = []
    individuals = kinds.count(ClientKind.INDIVIDUAL)
    organisations = len(kinds) - individuals
    if individuals:
        found.append(f"Clients who are individuals ({individuals})")
    if organisations:
        found.append(
            f"Contact people at client organisations ({organisations} organisation{'s' * (organisations > 1)})"
        )
    processed = set(session.scalars(select(DataCategory.name).where(DataCategory.as_processor)))
    if processed & set(d.categories):
        found.append("The clients' own customers, users and correspondents, whose data we hold for the clients")
    return tuple(found)


def breach_record(session: Session, d: BreachDetail, now: datetime) -> BreachRecord:
    return BreachRecord(
        ref=d.ref,
        summary=d.summary,
        details=d.details,
        occurred=_occurred(d),
        aware=uk_time(d.aware_at),
        aware_day=format_uk_date(uk_date(d.aware_at)),
        deadline=uk_time(d.clock.deadline),
        people_categories=_people_categories(session, d),
        people_count=d.people_count,
        categories=d.categories,
        records_count=d.records_count,
        clients=tuple(f"{ref} {name}" for ref, name in d.affected_clients),
        services=tuple(label for _id, label in d.services),
        operators=tuple((name, country) for _id, name, country in d.operators),
        consequences=d.consequences,
        measures_taken=d.measures_taken,
        measures_proposed=d.measures_proposed,
        risk=d.risk.label if d.risk is not None else "",
        decision=d.decision.label if d.decision is not None else "",
        decision_reason=d.decision_reason,
        decided=uk_time(d.decided_at) if d.decided_at else "",
        reported=uk_time(d.ico_notified_at) if d.ico_notified_at else "",
        timing=_timing(d, now),
        late=_late(d, now),
        late_reason=d.late_reason,
        ico_reference=d.ico_reference,
        updates=tuple(
            TimelineEntry(uk_time(e.at), e.summary.removeprefix(ICO_UPDATE_PREFIX))
            for e in d.events
            if e.kind == "ico-update"
        ),
        people_told=_people_told(d),
        controllers_told=uk_time(d.controllers_told_at) if d.controllers_told_at else "",
        closed=uk_time(d.closed_at) if d.closed_at else "",
    )


# -- the report to the ICO ------------------------------------------------------------------------------------------


def _status(d: BreachDetail, now: datetime) -> tuple[str, str]:
    """What the box on the first page says: a draft, a breach decided not to be reported, or one still to send."""
    deadline = uk_time(d.clock.deadline)
    if d.decision is None:
        return (
            "Draft: no decision recorded",
            f"No decision on reporting this breach has been recorded yet: {d.clock.words()}.",
        )
    if d.decision is BreachDecision.NOT_NOTIFY:
        return (
            "Not reported to the ICO",
            "This breach was assessed as unlikely to result in a risk to people and was not reported. Reason: "
            + (d.decision_reason or "not given"),
        )
    if d.ico_notified_at is None:
        if now > d.clock.deadline:
            return (
                "Not sent yet, and late",
                f"The 72 hours ended on {deadline}: give the reasons for the delay in section 2 when you send it.",
            )
        return "Not sent yet", f"The decision to report this breach is recorded: send this report by {deadline}."
    return "", ""


def ico_summary_data(session: Session, ref: str, settings: Settings, now: datetime) -> IcoSummaryData:
    _check_settings(settings, "the report to the ICO")
    detail = get_breach(session, ref, now)
    heading, text = _status(detail, now)
    return IcoSummaryData(
        letterhead=letterhead_from(settings),
        contact=contact_point(settings),
        record=breach_record(session, detail, now),
        produced=uk_time(now),
        status_heading=heading,
        status_text=text,
        wording_folder=settings.wording_folder,
        pagesize=page_size(settings),
        created_at=now,
    )


def register_data(session: Session, settings: Settings, now: datetime) -> BreachRegisterData:
    """Every breach in the register, reported or not, oldest first (Art. 33(5))."""
    _check_settings(settings, "the breach register", contact=False)
    rows = sorted(list_breaches(session, now), key=lambda r: (r.aware_at, r.ref))
    return BreachRegisterData(
        letterhead=letterhead_from(settings),
        contact=contact_point(settings),
        records=tuple(breach_record(session, get_breach(session, r.ref, now), now) for r in rows),
        produced=uk_time(now),
        wording_folder=settings.wording_folder,
        pagesize=page_size(settings),
        created_at=now,
    )


# -- the notice to a client -----------------------------------------------------------------------------------------


def _address_lines(client: ClientDetail) -> tuple[str, ...]:
    """The postal address, else the billing address (a domain's registrant address is not the client's)."""
    for kind in (AddressKind.POSTAL, AddressKind.BILLING):
        found = next((a for a in client.addresses if a.kind is kind), None)
        if found is not None:
            return tuple(found.lines)
    return ()


def _addressee(client: ClientDetail) -> tuple[Addressee, str]:
    """The addressee and the salutation: an organisation's letter goes to its main contact, at the organisation;
    an individual's to them (as the DPA's covering letter is addressed)."""
    contact = next((c for c in client.contacts if c.is_primary), client.contacts[0] if client.contacts else None)
    lines = _address_lines(client)
    email = contact.emails[0] if contact and contact.emails else ""
    if client.kind is ClientKind.ORGANISATION and contact is not None and contact.name != client.name:
        return Addressee(contact.name, (client.name, *lines) if lines else (), email), contact.name
    return Addressee(client.name, lines, email), client.name


def controller_notice_data(
    session: Session, ref: str, client_ref: str, settings: Settings, now: datetime, *, for_post: bool = True
) -> ControllerNoticeData:
    """The notice to client ``client_ref``, one of the clients whose data breach ``ref`` touched (Art. 33(2))."""
    _check_settings(settings, "a breach notice")
    detail = get_breach(session, ref, now)
    wanted = client_ref.strip().upper()
    if wanted not in {r for r, _name in detail.affected_clients}:
        affected = ", ".join(r for r, _name in detail.affected_clients) or "none"
        raise ValidationError(
            f"{wanted or 'That client'} is not among the clients whose data {detail.ref} touched (affected: "
            f"{affected}), so it gets no notice. Add the client, or one of its services, to the breach first if "
            "its data was involved."
        )
    client = get_client(session, wanted)
    breach = breach_by_ref(session, detail.ref)
    operator_ids = [o.id for o in breach.operators]
    services = [s for s in breach.services if s.client_id == client.id]
    if operator_ids:
        services += session.scalars(
            select(Service)
            .where(
                Service.client_id == client.id,
                Service.status != ServiceStatus.ENDED,
                Service.operators.any(Operator.id.in_(operator_ids)),
            )
            .order_by(Service.identifier)
        )
    held = who_holds_what(session, client.ref, settings, uk_date(now))
    held_names = {c.name for c in held.categories}
    holding = {r.operator_id for r in held.recipients}
    addressee, dear = _addressee(client)
    return ControllerNoticeData(
        letterhead=letterhead_from(settings),
        addressee=addressee,
        contact=contact_point(settings),
        record=breach_record(session, detail, now),
        dated=uk_date(now),
        client_ref=client.ref,
        client_name=client.name,
        dear=dear,
        services=tuple(dict.fromkeys(f"{s.identifier} ({s.kind.label.lower()})" for s in services)),
        categories=tuple(c for c in detail.categories if c in held_names) or detail.categories,
        operators=tuple(
            f"{name} ({country})" if country else name
            for _id, name, country in [o for o in detail.operators if o[0] in holding] or detail.operators
        ),
        signature=_signature(settings),
        for_post=for_post and addressee.has_postal_address,
        wording_folder=settings.wording_folder,
        pagesize=page_size(settings),
    )


# -- the notice to the people affected ------------------------------------------------------------------------------


def people_notice_data(
    session: Session, ref: str, settings: Settings, now: datetime, *, for_post: bool = False
) -> PeopleNoticeData:
    """The plain-language notice to the people affected, only for a breach assessed as a high risk (Art. 34(1))."""
    detail = get_breach(session, ref, now)
    if detail.risk is not BreachRisk.HIGH:
        assessed = (
            "has not been assessed yet" if detail.risk is None else f"is assessed as “{detail.risk.label.lower()}”"
        )
        raise ValidationError(
            f"The people affected are told only when a breach is likely to result in a high risk to them (UK GDPR "
            f"Article 34), and {detail.ref} {assessed}. Record a high risk first if that is what it is."
        )
    _check_settings(settings, "the notice to the people affected")
    return PeopleNoticeData(
        letterhead=letterhead_from(settings),
        contact=contact_point(settings),
        record=breach_record(session, detail, now),
        dated=uk_date(now),
        ico_contact=settings.ico_contact,
        signature=_signature(settings),
        for_post=for_post,
        wording_folder=settings.wording_folder,
        pagesize=page_size(settings),
    )
