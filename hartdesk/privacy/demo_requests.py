"""Fictional privacy requests for the demo register: every type, channel and state, some overdue, some due soon."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk.models import Client, Contact, ContactPoint, PointKind
from hartdesk.models.enums import IdentityMethod, RefusalReason, RequestChannel, RequestRole, RequestType
from hartdesk.privacy import requests as rq
from hartdesk.settings import Settings

Step = Callable[[Session, str, str, date, Settings, date], object]


def _ask_identity(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.ask_identity(
        s, a, ref, on, "Copy of photo ID and a recent utility bill", st, t
    )


def _identity(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.identity_received(
        s, a, ref, on, IdentityMethod.DOCUMENT, "Passport and council tax bill seen; copies not kept", st, t
    )


def _clarify(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.ask_clarification(
        s, a, ref, on, "Which of the six websites and which years do you mean?", st, t
    )


def _clarified(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.clarification_received(
        s, a, ref, on, "Only the shop site, 2023 onwards", st, t
    )


def _extend(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.extend(
        s, a, ref, on, "Several related requests covering eight years of support tickets", st, t
    )


def _complete(days_after: int, outcome: str = "Data report sent by email") -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.complete(s, a, ref, on, outcome, st, t)


def _refuse(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.refuse(
        s,
        a,
        ref,
        on,
        RefusalReason.MANIFESTLY_EXCESSIVE,
        "The same copy was sent twice this month; a further copy needs a fee",
        st,
        t,
    )


def _withdraw(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.withdraw(s, a, ref, on, "Sorted out on the phone", st, t)


def _acknowledge(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.acknowledge(s, a, ref, on, st, t)


def _forward(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.forward(
        s, a, ref, on, "Emailed to the shop owner with the original message", st, t
    )


def _ask_fee(days_after: int) -> tuple[int, Step]:
    return days_after, lambda s, a, ref, on, st, t: rq.ask_fee(
        s, a, ref, on, "10.00", "A further copy of a report already sent", st, t
    )


@dataclass(frozen=True)
class _Scenario:
    kind: RequestType
    channel: RequestChannel
    days_ago: int
    subject: str
    steps: tuple[tuple[int, Step], ...] = ()
    processor: bool = False


SCENARIOS = (
    _Scenario(RequestType.ACCESS, RequestChannel.EMAIL, 3, "Please send me everything you hold about me"),
    _Scenario(RequestType.ACCESS, RequestChannel.EMAIL, 36, "Subject access request", (_identity(1),)),
    _Scenario(RequestType.ERASURE, RequestChannel.POST, 26, "Close my account and delete my data", (_ask_identity(2),)),
    _Scenario(RequestType.RECTIFICATION, RequestChannel.PHONE, 10, "Wrong billing address on invoices"),
    _Scenario(
        RequestType.PORTABILITY,
        RequestChannel.EMAIL,
        40,
        "My data in a file for my new host",
        (_identity(0), _complete(15, "JSON and CSV export sent by protected email")),
    ),
    _Scenario(
        RequestType.OBJECTION,
        RequestChannel.EMAIL,
        75,
        "Stop using my details for the newsletter",
        (_complete(40, "Removed from Mailchimp audience; confirmed by email"),),
    ),
    _Scenario(
        RequestType.RESTRICTION,
        RequestChannel.POST,
        20,
        "Do not use my data while I dispute an invoice",
        (_clarify(4),),
    ),
    _Scenario(
        RequestType.WITHDRAW_CONSENT,
        RequestChannel.PHONE,
        2,
        "No more marketing emails",
        (_complete(0, "Marketing consent withdrawn in the register"),),
    ),
    _Scenario(RequestType.COMPLAINT, RequestChannel.EMAIL, 25, "Unhappy with how my request was handled"),
    _Scenario(RequestType.COMPLAINT, RequestChannel.POST, 60, "Complaint about a late reply", (_acknowledge(6),)),
    _Scenario(
        RequestType.ACCESS, RequestChannel.IN_PERSON, 29, "Asked at the office for a copy of my data", (_identity(0),)
    ),
    _Scenario(
        RequestType.ERASURE, RequestChannel.EMAIL, 50, "Delete all my old websites' data", (_identity(1), _extend(10))
    ),
    _Scenario(RequestType.ACCESS, RequestChannel.EMAIL, 45, "Another copy of all my data please", (_refuse(12),)),
    _Scenario(RequestType.OTHER, RequestChannel.PHONE, 90, "Question about where backups are kept", (_withdraw(3),)),
    _Scenario(
        RequestType.ACCESS,
        RequestChannel.EMAIL,
        5,
        "Customer of a client's shop asks for their data",
        (_forward(1),),
        processor=True,
    ),
    _Scenario(RequestType.ERASURE, RequestChannel.EMAIL, 33, "Please forget me"),
    _Scenario(
        RequestType.RECTIFICATION, RequestChannel.POST, 15, "Update my company name", (_clarify(3), _clarified(7))
    ),
    _Scenario(RequestType.ACCESS, RequestChannel.EMAIL, 12, "A further copy of my report", (_ask_fee(2),)),
)


def add_requests(session: Session, actor: str, settings: Settings, today: date, seed: int = 2026) -> int:
    """Log the demo scenarios against clients of the register; returns how many were logged."""
    rng = random.Random(seed)
    people = list(
        session.execute(
            select(Client.ref, Contact.id, Contact.name, ContactPoint.value)
            .join(Contact, Contact.client_id == Client.id)
            .join(ContactPoint, ContactPoint.contact_id == Contact.id)
            .where(ContactPoint.kind == PointKind.EMAIL, Contact.is_primary)
            .order_by(Client.id)
            .limit(200)
        ).all()
    )
    if len(people) < 2:
        return 0
    rng.shuffle(people)
    for i, scenario in enumerate(SCENARIOS):
        person = people[i % len(people)]
        received = today - timedelta(days=scenario.days_ago)
        controller = people[(i + 1) % len(people)].ref if scenario.processor else ""
        data = rq.RequestInput(
            kind=scenario.kind,
            channel=scenario.channel,
            received_on=received,
            requester_name="Jamie Okafor" if scenario.processor else person.name,
            requester_email=person.value if not scenario.processor else f"shopper{i}@example.com",
            client_ref="" if scenario.processor else person.ref,
            contact_id=None if scenario.processor else person.id,
            role=RequestRole.PROCESSOR if scenario.processor else RequestRole.CONTROLLER,
            controller_client_ref=controller,
            subject=scenario.subject,
            details=scenario.subject + ".",
        )
        request = rq.log_request(session, actor, data, settings, today)
        for days_after, step in scenario.steps:
            step(session, actor, request.ref, min(received + timedelta(days=days_after), today), settings, today)
    return len(SCENARIOS)
