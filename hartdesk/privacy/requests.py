"""Privacy requests: logging them (email, phone, post, in person), the workflow that moves their due date, and the
views the screens, the dashboard and the command line share.

Every change goes through :func:`_act`, which records a dated event on the request's timeline with the due date
before and after it, recomputes the due date with :mod:`hartdesk.privacy.deadlines` and writes the audit log (never
the requester's details: only the reference and what happened).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session, selectinload

from hartdesk.dates import format_short_date, uk_date
from hartdesk.errors import FormError, NotFoundError, ValidationError
from hartdesk.fileio import write_atomically
from hartdesk.models import Client, Contact, ContactPoint, PointKind
from hartdesk.models.base import utcnow
from hartdesk.models.enums import (
    EventKind,
    IdentityMethod,
    IdentityStatus,
    RefusalReason,
    RequestChannel,
    RequestRole,
    RequestStatus,
    RequestType,
)
from hartdesk.models.requests import Attachment, PrivacyRequest, RequestEvent, RequestPause
from hartdesk.privacy import deadlines
from hartdesk.privacy.attachments import check_attachment
from hartdesk.register import fields
from hartdesk.register.csvio import neutralise
from hartdesk.register.references import next_number
from hartdesk.register.search import LIKE_ESCAPE, client_condition, like_contains
from hartdesk.security import audit
from hartdesk.settings import Settings

OPEN_STATUSES = tuple(s for s in RequestStatus if not s.is_closed)
WAITING_STATUSES = (RequestStatus.AWAITING_IDENTITY, RequestStatus.AWAITING_CLARIFICATION)
DUE_SOON_DAYS = 7  # the dashboard's "due within" window (calendar days)
AMBER_WORKING_DAYS = 3  # due within this many working days: amber, and a desktop notification
DUPLICATE_WINDOW_DAYS = 60


def request_ref(year: int, number: int) -> str:
    return f"R-{year}-{number:04d}"


# -- input ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IdentityAnswer:
    """A question asked to check a caller's identity, and whether the answer matched the register."""

    question: str
    correct: bool


@dataclass(frozen=True)
class NewAttachment:
    filename: str
    content: bytes
    is_original: bool = False  # the message the request arrived in


@dataclass(frozen=True)
class RequestInput:
    kind: RequestType
    channel: RequestChannel
    received_on: date
    requester_name: str
    received_at: datetime | None = None  # aware; its UK date wins over received_on
    letter_date: date | None = None
    requester_email: str = ""
    requester_phone: str = ""
    requester_address: str = ""
    client_ref: str = ""
    contact_id: int | None = None
    role: RequestRole = RequestRole.CONTROLLER
    controller_client_ref: str = ""  # the client whose data it is, when the agency is only the processor
    subject: str = ""
    details: str = ""
    identity_method: IdentityMethod | None = None
    identity_evidence: str = ""
    identity_verified: bool = False
    identity_questions: tuple[IdentityAnswer, ...] = ()
    note: str = ""
    attachments: tuple[NewAttachment, ...] = ()


def register_started(session: Session) -> date | None:
    """The UK date the register was created (its first audit entry): no request can have arrived before it."""
    from hartdesk.models import AuditEntry

    first = session.scalar(select(AuditEntry.at).order_by(AuditEntry.id).limit(1))
    return None if first is None else uk_date(first)


def validate_request(data: RequestInput, today: date, earliest: date | None = None) -> RequestInput:
    """The input cleaned, or a FormError naming every problem (keys are RequestInput field names)."""
    problems = fields.Problems()
    received_on = uk_date(data.received_at) if data.received_at is not None else data.received_on
    if data.received_at is not None and data.received_at.tzinfo is None:
        problems.add("received_at", "The time of receipt needs its time zone.")
    if received_on > today:
        problems.add("received_on", f"A request cannot arrive in the future: today is {format_short_date(today)}.")
    elif earliest is not None and received_on < earliest:
        problems.add(
            "received_on",
            f"This register was created on {format_short_date(earliest)}; a request received before then cannot be "
            "logged in it.",
        )
    if data.letter_date is not None:
        if data.letter_date > received_on:
            problems.add("letter_date", "The date on the letter is after the day it arrived: check both dates.")
        elif data.letter_date < received_on - timedelta(days=366):
            problems.add("letter_date", "The date on the letter is more than a year before it arrived: check it.")
    name = problems.check("requester_name", fields.clean_text, data.requester_name, "requester's name", 200, True)
    email = data.requester_email.strip()
    if email:
        email = problems.check("requester_email", fields.check_email, email)
    phone = data.requester_phone.strip()
    if phone:
        phone = problems.check("requester_phone", fields.check_phone, phone)
    address = problems.check("requester_address", fields.clean_text, data.requester_address, "address", 1000)
    subject = problems.check("subject", fields.clean_text, data.subject, "subject", 300)
    details = problems.check("details", fields.clean_text, data.details, "request", 20000)
    evidence = problems.check("identity_evidence", fields.clean_text, data.identity_evidence, "identity check", 4000)
    note = problems.check("note", fields.clean_text, data.note, "note", 4000)
    if data.role is RequestRole.PROCESSOR and not data.controller_client_ref.strip():
        problems.add("controller_client_ref", "Choose the client whose data it is: the request goes to them.")
    for i, q in enumerate(data.identity_questions):
        problems.check(f"identity_questions.{i}", fields.clean_text, q.question, "identity question", 300, True)
    problems.raise_any()
    return replace(
        data,
        received_on=received_on,
        requester_name=name,
        requester_email=email,
        requester_phone=phone,
        requester_address=address,
        subject=subject,
        details=details,
        identity_evidence=evidence,
        note=note,
        client_ref=data.client_ref.strip().upper(),
        controller_client_ref=data.controller_client_ref.strip().upper(),
    )


def _identity_text(data: RequestInput) -> str:
    lines = [data.identity_evidence] if data.identity_evidence else []
    lines += [
        f"Asked: {q.question} — {'answered correctly' if q.correct else 'NOT answered correctly'}"
        for q in data.identity_questions
    ]
    return "\n".join(lines)


def _initial_identity(data: RequestInput) -> tuple[IdentityStatus, IdentityMethod | None]:
    if data.identity_questions:
        if all(q.correct for q in data.identity_questions):
            return IdentityStatus.VERIFIED, IdentityMethod.SECURITY_QUESTIONS
        return IdentityStatus.FAILED, IdentityMethod.SECURITY_QUESTIONS
    if data.identity_verified:
        return IdentityStatus.VERIFIED, data.identity_method or IdentityMethod.OTHER
    if data.kind is RequestType.COMPLAINT:
        return IdentityStatus.NOT_NEEDED, None
    return IdentityStatus.UNCHECKED, data.identity_method


def _client_id(session: Session, ref: str, key: str) -> int | None:
    if not ref:
        return None
    found = session.scalar(select(Client.id).where(Client.ref == ref))
    if found is None:
        raise FormError({key: f"There is no client {ref}."})
    return found


# -- reading the clock ----------------------------------------------------------------------------------------------


def clock_for(request: PrivacyRequest, settings: Settings) -> deadlines.Clock:
    return deadlines.Clock(
        received=request.received_on,
        kind=request.kind,
        region=settings.bank_holiday_region,
        period=deadlines.Period(settings.request_period),
        identity_asked=request.identity_asked_on,
        identity_received=request.identity_received_on,
        fee_asked=request.fee_asked_on,
        fee_paid=request.fee_paid_on,
        pauses=tuple(deadlines.Pause(p.asked_on, p.answered_on) for p in request.pauses),
        extended_on=request.extended_on,
        acknowledged_on=request.acknowledged_on,
    )


def _recompute(request: PrivacyRequest, settings: Settings) -> deadlines.Deadline:
    deadline = deadlines.compute(clock_for(request, settings))
    if not request.status.is_closed:  # a closed request keeps the date it was answered against
        request.due_on = deadline.due
        request.due_explanation = deadline.explanation
    return deadline


# -- logging a request ----------------------------------------------------------------------------------------------


def new_attachment(actor: str, filename: str, content: bytes, is_original: bool = False) -> Attachment:
    """A file to keep in the register, checked by its content first (ValidationError when refused)."""
    checked = check_attachment(filename, content)
    return Attachment(
        filename=checked.filename,
        media_type=checked.media_type,
        size=len(checked.content),
        sha256=hashlib.sha256(checked.content).hexdigest(),
        is_original=is_original,
        content=checked.content,
        added_by=actor,
        added_at=utcnow(),
    )


def _store_attachment(
    request: PrivacyRequest, actor: str, filename: str, content: bytes, is_original: bool = False
) -> Attachment:
    attachment = new_attachment(actor, filename, content, is_original)
    request.attachments.append(attachment)
    return attachment


def log_request(
    session: Session,
    actor: str,
    data: RequestInput,
    settings: Settings,
    today: date,
    earliest: date | None = None,
) -> PrivacyRequest:
    """Save a new request with its first timeline entry and attachments; all or nothing."""
    data = validate_request(data, today, earliest)
    for i, a in enumerate(data.attachments):  # check every file before anything is written
        try:
            check_attachment(a.filename, a.content)
        except ValidationError as exc:
            raise FormError({f"attachments.{i}": exc.message}) from None
    client_id = _client_id(session, data.client_ref, "client_ref")
    controller_id = _client_id(session, data.controller_client_ref, "controller_client_ref")
    contact_id = data.contact_id
    if contact_id is not None:
        contact_client = session.scalar(select(Contact.client_id).where(Contact.id == contact_id))
        if contact_client is None:
            contact_id = None
        elif client_id is None:
            client_id = contact_client
    status, method = _initial_identity(data)
    now = utcnow()
    request = PrivacyRequest(
        ref=request_ref(today.year, next_number(session, f"request-{today.year}")),
        kind=data.kind,
        channel=data.channel,
        received_on=data.received_on,
        received_at=data.received_at,
        letter_date=data.letter_date,
        subject=data.subject,
        details=data.details,
        requester_name=data.requester_name,
        requester_email=data.requester_email,
        requester_phone=data.requester_phone,
        requester_address=data.requester_address,
        client_id=client_id,
        contact_id=contact_id,
        role=data.role,
        controller_client_id=controller_id,
        identity_status=status,
        identity_method=method,
        identity_evidence=_identity_text(data),
        status=RequestStatus.NEW,
        created_by=actor,
        created_at=now,
        updated_at=now,
    )
    deadline = _recompute(request, settings)
    summary = f"{data.kind.label} request received by {data.channel.label.lower()}"
    if data.subject:
        summary += f": {data.subject}"
    request.events.append(_event(EventKind.RECEIVED, data.received_on, summary, actor, None, deadline.due))
    if request.identity_evidence:
        request.events.append(
            _event(EventKind.NOTE, data.received_on, f"Identity: {status.label}", actor, deadline.due, deadline.due)
        )
    if data.note:
        request.events.append(_event(EventKind.NOTE, today, data.note, actor, deadline.due, deadline.due))
    for a in data.attachments:
        _store_attachment(request, actor, a.filename, a.content, a.is_original)
    session.add(request)
    session.flush()
    audit.record(
        session, actor, "request.logged", f"request:{request.ref}", {"type": data.kind.value, "channel": data.channel}
    )
    return request


def _event(
    kind: EventKind, on: date, summary: str, actor: str, before: date | None, after: date | None
) -> RequestEvent:
    return RequestEvent(
        kind=kind, on=on, summary=summary, by=actor, recorded_at=utcnow(), due_before=before, due_after=after
    )


# -- the workflow ---------------------------------------------------------------------------------------------------


class Action:
    """Names of the workflow actions (the screen offers those :func:`allowed_actions` returns)."""

    ASK_IDENTITY = "ask-identity"
    IDENTITY_RECEIVED = "identity-received"
    ASK_CLARIFICATION = "ask-clarification"
    CLARIFICATION_RECEIVED = "clarification-received"
    ASK_FEE = "ask-fee"
    FEE_PAID = "fee-paid"
    ACKNOWLEDGE = "acknowledge"
    EXTEND = "extend"
    FORWARD = "forward"
    REFUSE = "refuse"
    COMPLETE = "complete"
    WITHDRAW = "withdraw"
    REOPEN = "reopen"


def request_by_ref(session: Session, ref: str) -> PrivacyRequest:
    request = session.scalar(
        select(PrivacyRequest)
        .where(PrivacyRequest.ref == ref.strip().upper())
        .options(selectinload(PrivacyRequest.pauses), selectinload(PrivacyRequest.events))
    )
    if request is None:
        raise NotFoundError(f"There is no request {ref}.")
    return request


def _open_pause(request: PrivacyRequest) -> RequestPause | None:
    return next((p for p in request.pauses if p.answered_on is None), None)


def allowed_actions(request: PrivacyRequest) -> list[str]:
    if request.status.is_closed:
        return [Action.REOPEN]
    actions = []
    awaiting_identity = request.identity_status is IdentityStatus.REQUESTED
    if request.identity_status is not IdentityStatus.VERIFIED and not awaiting_identity:
        actions.append(Action.ASK_IDENTITY)
    if request.identity_status is not IdentityStatus.VERIFIED:
        actions.append(Action.IDENTITY_RECEIVED)
    if _open_pause(request) is None:
        actions.append(Action.ASK_CLARIFICATION)
    else:
        actions.append(Action.CLARIFICATION_RECEIVED)
    if request.fee_asked_on is None:
        actions.append(Action.ASK_FEE)
    elif request.fee_paid_on is None:
        actions.append(Action.FEE_PAID)
    if request.kind is RequestType.COMPLAINT:
        if request.acknowledged_on is None:
            actions.append(Action.ACKNOWLEDGE)
    elif request.extended_on is None:
        actions.append(Action.EXTEND)
    if request.role is RequestRole.PROCESSOR and request.forwarded_on is None:
        actions.append(Action.FORWARD)
    actions += [Action.REFUSE, Action.COMPLETE, Action.WITHDRAW]
    return actions


def _check_day(request: PrivacyRequest, on: date, today: date) -> None:
    if on > today:
        raise ValidationError(f"That date is in the future: today is {format_short_date(today)}.")
    if on < request.received_on:
        raise ValidationError(f"That date is before the request arrived ({format_short_date(request.received_on)}).")


def _act(
    session: Session,
    actor: str,
    ref: str,
    action: str,
    on: date,
    summary: str,
    settings: Settings,
    today: date,
    change: Callable[[PrivacyRequest], None],
    kind: EventKind,
) -> PrivacyRequest:
    request = request_by_ref(session, ref)
    if action not in allowed_actions(request):
        raise ValidationError(_not_now(request, action))
    _check_day(request, on, today)
    before = request.due_on
    change(request)
    deadline = _recompute(request, settings)
    request.events.append(
        _event(kind, on, summary, actor, before, deadline.due if not request.status.is_closed else before)
    )
    request.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, f"request.{action}", f"request:{request.ref}")
    return request


def _not_now(request: PrivacyRequest, action: str) -> str:
    if request.status.is_closed:
        return f"{request.ref} is {request.status.label.lower()}; reopen it first."
    reasons = {
        Action.IDENTITY_RECEIVED: "Identity is already confirmed.",
        Action.ASK_IDENTITY: "Identity evidence was already asked for or confirmed.",
        Action.CLARIFICATION_RECEIVED: "No clarification is being waited for.",
        Action.ASK_CLARIFICATION: "The clock is already stopped for clarification.",
        Action.EXTEND: f"{request.ref} cannot be extended (already extended, or a complaint).",
        Action.ACKNOWLEDGE: "Only a complaint is acknowledged, once.",
        Action.FORWARD: "Only a request about a client's data is forwarded, once.",
        Action.FEE_PAID: "No fee was asked for.",
        Action.ASK_FEE: "A fee was already asked for.",
        Action.REOPEN: f"{request.ref} is still open.",
    }
    return reasons.get(action, "That cannot be done now.")


def _open_status(request: PrivacyRequest) -> RequestStatus:
    """The status of an open request from what it waits for."""
    if request.identity_status is IdentityStatus.REQUESTED:
        return RequestStatus.AWAITING_IDENTITY
    if _open_pause(request) is not None:
        return RequestStatus.AWAITING_CLARIFICATION
    if request.extended_on is not None:
        return RequestStatus.EXTENDED
    return RequestStatus.IN_PROGRESS


def ask_identity(
    session: Session, actor: str, ref: str, on: date, note: str, settings: Settings, today: date
) -> PrivacyRequest:
    def change(r: PrivacyRequest) -> None:
        r.identity_status = IdentityStatus.REQUESTED
        r.identity_asked_on = on
        r.identity_received_on = None
        r.status = _open_status(r)

    summary = "Identity evidence asked for; the clock starts when it arrives" + (f": {note}" if note else "")
    return _act(
        session, actor, ref, Action.ASK_IDENTITY, on, summary, settings, today, change, EventKind.IDENTITY_REQUESTED
    )


def identity_received(
    session: Session,
    actor: str,
    ref: str,
    on: date,
    method: IdentityMethod,
    evidence: str,
    settings: Settings,
    today: date,
) -> PrivacyRequest:
    evidence = fields.clean_text(evidence, "description of the evidence", 4000, required=True)

    def change(r: PrivacyRequest) -> None:
        r.identity_method = method
        r.identity_evidence = "\n".join(x for x in (r.identity_evidence, evidence) if x)
        # The clock moves only when evidence that was asked for arrives (SPEC.md §1).
        r.identity_received_on = on if r.identity_asked_on is not None else None
        r.identity_status = IdentityStatus.VERIFIED
        r.status = _open_status(r)

    summary = f"Identity confirmed ({method.label.lower()}): {evidence}"
    return _act(
        session, actor, ref, Action.IDENTITY_RECEIVED, on, summary, settings, today, change, EventKind.IDENTITY_RECEIVED
    )


def ask_clarification(
    session: Session, actor: str, ref: str, on: date, question: str, settings: Settings, today: date
) -> PrivacyRequest:
    question = fields.clean_text(question, "question to the requester", 4000, required=True)
    request = request_by_ref(session, ref)
    if request.due_on is not None and on > request.due_on:
        raise ValidationError(
            f"The clock can only be stopped while it runs: {request.ref} was due on "
            f"{format_short_date(request.due_on)}."
        )

    def change(r: PrivacyRequest) -> None:
        r.pauses.append(RequestPause(asked_on=on))
        r.status = _open_status(r)

    summary = f"Clarification asked for, clock stopped: {question}"
    return _act(
        session,
        actor,
        ref,
        Action.ASK_CLARIFICATION,
        on,
        summary,
        settings,
        today,
        change,
        EventKind.CLARIFICATION_REQUESTED,
    )


def clarification_received(
    session: Session, actor: str, ref: str, on: date, answer: str, settings: Settings, today: date
) -> PrivacyRequest:
    answer = fields.clean_text(answer, "answer", 4000)
    request = request_by_ref(session, ref)
    pause = _open_pause(request)
    if pause is not None and on < pause.asked_on:
        raise ValidationError(
            f"The answer cannot arrive before the question was asked ({format_short_date(pause.asked_on)})."
        )

    def change(r: PrivacyRequest) -> None:
        opened = _open_pause(r)
        assert opened is not None  # allowed_actions offers this only while the clock is stopped
        opened.answered_on = on
        r.status = _open_status(r)

    summary = "Clarification received, clock restarted" + (f": {answer}" if answer else "")
    return _act(
        session,
        actor,
        ref,
        Action.CLARIFICATION_RECEIVED,
        on,
        summary,
        settings,
        today,
        change,
        EventKind.CLARIFICATION_RECEIVED,
    )


def ask_fee(
    session: Session, actor: str, ref: str, on: date, amount: str, reason: str, settings: Settings, today: date
) -> PrivacyRequest:
    pence = fields.parse_pounds(amount)
    if pence is None or pence <= 0:
        raise ValidationError("Enter the fee in pounds, for example 10.00.")
    reason = fields.clean_text(reason, "reason for the fee", 2000, required=True)

    def change(r: PrivacyRequest) -> None:
        r.fee_pence = pence
        r.fee_asked_on = on
        r.status = _open_status(r)

    summary = f"Fee of {fields.format_pounds(pence)} asked for; the clock starts when it is paid: {reason}"
    return _act(session, actor, ref, Action.ASK_FEE, on, summary, settings, today, change, EventKind.FEE_REQUESTED)


def fee_paid(session: Session, actor: str, ref: str, on: date, settings: Settings, today: date) -> PrivacyRequest:
    def change(r: PrivacyRequest) -> None:
        r.fee_paid_on = on

    return _act(session, actor, ref, Action.FEE_PAID, on, "Fee paid", settings, today, change, EventKind.FEE_PAID)


def acknowledge(session: Session, actor: str, ref: str, on: date, settings: Settings, today: date) -> PrivacyRequest:
    def change(r: PrivacyRequest) -> None:
        r.acknowledged_on = on
        r.status = _open_status(r)

    return _act(
        session,
        actor,
        ref,
        Action.ACKNOWLEDGE,
        on,
        "Complaint acknowledged",
        settings,
        today,
        change,
        EventKind.ACKNOWLEDGED,
    )


def extend(
    session: Session, actor: str, ref: str, on: date, reason: str, settings: Settings, today: date
) -> PrivacyRequest:
    reason = fields.clean_text(reason, "reason for the extension", 4000, required=True)
    request = request_by_ref(session, ref)
    problem = None if request.status.is_closed else deadlines.extension_problem(clock_for(request, settings), on)
    if problem:
        raise ValidationError(problem)

    def change(r: PrivacyRequest) -> None:
        r.extended_on = on
        r.extension_reason = reason
        r.status = _open_status(r)

    summary = f"Extended by two months (the person must be told, with the reasons): {reason}"
    return _act(session, actor, ref, Action.EXTEND, on, summary, settings, today, change, EventKind.EXTENDED)


def forward(
    session: Session, actor: str, ref: str, on: date, how: str, settings: Settings, today: date
) -> PrivacyRequest:
    how = fields.clean_text(how, "how it was forwarded", 2000, required=True)
    request = request_by_ref(session, ref)
    controller = session.get(Client, request.controller_client_id) if request.controller_client_id else None
    to = f"{controller.name} ({controller.ref})" if controller else "the controller"

    def change(r: PrivacyRequest) -> None:
        r.forwarded_on = on

    summary = f"Forwarded to {to}, whose data it is: {how}"
    return _act(session, actor, ref, Action.FORWARD, on, summary, settings, today, change, EventKind.FORWARDED)


def _close(request: PrivacyRequest, status: RequestStatus, outcome: str, on: date) -> None:
    request.outcome = outcome
    request.status = status
    request.closed_on = on


def refuse(
    session: Session,
    actor: str,
    ref: str,
    on: date,
    reason: RefusalReason,
    explanation: str,
    settings: Settings,
    today: date,
) -> PrivacyRequest:
    explanation = fields.clean_text(explanation, "explanation for the refusal", 8000, required=True)

    def change(r: PrivacyRequest) -> None:
        r.refusal_reason = reason
        _close(r, RequestStatus.REFUSED, explanation, on)
        if reason is RefusalReason.IDENTITY_NOT_CONFIRMED:
            r.identity_status = IdentityStatus.FAILED

    summary = f"Refused ({reason.label.lower()}): {explanation}"
    return _act(session, actor, ref, Action.REFUSE, on, summary, settings, today, change, EventKind.REFUSED)


def complete(
    session: Session, actor: str, ref: str, on: date, outcome: str, settings: Settings, today: date
) -> PrivacyRequest:
    outcome = fields.clean_text(outcome, "outcome", 8000, required=True)

    def change(r: PrivacyRequest) -> None:
        _close(r, RequestStatus.COMPLETED, outcome, on)

    return _act(
        session, actor, ref, Action.COMPLETE, on, f"Completed: {outcome}", settings, today, change, EventKind.COMPLETED
    )


def withdraw(
    session: Session, actor: str, ref: str, on: date, note: str, settings: Settings, today: date
) -> PrivacyRequest:
    note = fields.clean_text(note, "note", 4000)

    def change(r: PrivacyRequest) -> None:
        _close(r, RequestStatus.WITHDRAWN, note, on)

    summary = "Withdrawn by the requester" + (f": {note}" if note else "")
    return _act(session, actor, ref, Action.WITHDRAW, on, summary, settings, today, change, EventKind.WITHDRAWN)


def reopen(
    session: Session, actor: str, ref: str, on: date, reason: str, settings: Settings, today: date
) -> PrivacyRequest:
    reason = fields.clean_text(reason, "reason for reopening", 4000, required=True)

    def change(r: PrivacyRequest) -> None:
        r.closed_on = None
        r.refusal_reason = None
        r.status = _open_status(r)

    return _act(
        session, actor, ref, Action.REOPEN, on, f"Reopened: {reason}", settings, today, change, EventKind.REOPENED
    )


TIMELINE_KINDS = (EventKind.NOTE, EventKind.CALL, EventKind.LETTER, EventKind.EMAIL, EventKind.DOCUMENT_SENT)


def add_event(
    session: Session, actor: str, ref: str, kind: EventKind, on: date, summary: str, today: date
) -> RequestEvent:
    """A note, call, letter, email or document sent, on the timeline (allowed on closed requests too)."""
    if kind not in TIMELINE_KINDS:
        raise ValidationError("Use the request's actions for that.")
    summary = fields.clean_text(summary, "entry", 8000, required=True)
    request = request_by_ref(session, ref)
    _check_day(request, on, today)
    event = _event(kind, on, summary, actor, request.due_on, request.due_on)
    request.events.append(event)
    request.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "request.event-added", f"request:{request.ref}", {"kind": kind.value})
    return event


def add_attachment(session: Session, actor: str, ref: str, filename: str, content: bytes) -> Attachment:
    request = request_by_ref(session, ref)
    attachment = _store_attachment(request, actor, filename, content)
    request.updated_at = utcnow()
    session.flush()
    audit.record(session, actor, "request.attachment-added", f"request:{request.ref}", {"attachment": attachment.id})
    return attachment


def attachment_content(session: Session, attachment_id: int) -> tuple[str, str, bytes]:
    """(file name, media type, bytes) of one attachment."""
    row = session.get(Attachment, attachment_id)
    if row is None:
        raise NotFoundError("That attachment is no longer in the register.")
    return row.filename, row.media_type, row.content


# -- views ----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventView:
    on: date
    kind: EventKind
    summary: str
    by: str
    due_before: date | None
    due_after: date | None


@dataclass(frozen=True)
class AttachmentView:
    id: int
    filename: str
    media_type: str
    size: int
    is_original: bool
    added_on: date


@dataclass(frozen=True)
class RequestDetail:
    ref: str
    kind: RequestType
    channel: RequestChannel
    status: RequestStatus
    received_on: date
    received_at: datetime | None
    letter_date: date | None
    subject: str
    details: str
    requester_name: str
    requester_email: str
    requester_phone: str
    requester_address: str
    client_ref: str
    client_name: str
    contact_name: str
    role: RequestRole
    controller_ref: str
    controller_name: str
    forwarded_on: date | None
    identity_status: IdentityStatus
    identity_method: IdentityMethod | None
    identity_evidence: str
    fee_pence: int | None
    fee_paid_on: date | None
    extended_on: date | None
    extension_reason: str
    refusal_reason: RefusalReason | None
    outcome: str
    closed_on: date | None
    due_on: date | None
    due_explanation: str
    waiting_for: str
    month_due: date | None
    actions: list[str]
    events: list[EventView] = field(default_factory=list)
    attachments: list[AttachmentView] = field(default_factory=list)

    @property
    def answered_on_time(self) -> bool | None:
        """For a completed or refused request: answered by its due date (None while open or when withdrawn)."""
        if self.status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED) or self.closed_on is None:
            return None
        return self.due_on is None or self.closed_on <= self.due_on


def get_request(session: Session, ref: str, settings: Settings) -> RequestDetail:
    r = request_by_ref(session, ref)
    deadline = deadlines.compute(clock_for(r, settings))
    client = session.get(Client, r.client_id) if r.client_id else None
    controller = session.get(Client, r.controller_client_id) if r.controller_client_id else None
    contact = session.get(Contact, r.contact_id) if r.contact_id else None
    attachments = session.execute(
        select(
            Attachment.id,
            Attachment.filename,
            Attachment.media_type,
            Attachment.size,
            Attachment.is_original,
            Attachment.added_at,
        )
        .where(Attachment.request_id == r.id)
        .order_by(Attachment.id)
    ).all()
    return RequestDetail(
        ref=r.ref,
        kind=r.kind,
        channel=r.channel,
        status=r.status,
        received_on=r.received_on,
        received_at=r.received_at,
        letter_date=r.letter_date,
        subject=r.subject,
        details=r.details,
        requester_name=r.requester_name,
        requester_email=r.requester_email,
        requester_phone=r.requester_phone,
        requester_address=r.requester_address,
        client_ref=client.ref if client else "",
        client_name=client.name if client else "",
        contact_name=contact.name if contact else "",
        role=r.role,
        controller_ref=controller.ref if controller else "",
        controller_name=controller.name if controller else "",
        forwarded_on=r.forwarded_on,
        identity_status=r.identity_status,
        identity_method=r.identity_method,
        identity_evidence=r.identity_evidence,
        fee_pence=r.fee_pence,
        fee_paid_on=r.fee_paid_on,
        extended_on=r.extended_on,
        extension_reason=r.extension_reason,
        refusal_reason=r.refusal_reason,
        outcome=r.outcome,
        closed_on=r.closed_on,
        due_on=r.due_on,
        due_explanation=r.due_explanation,
        waiting_for="" if r.status.is_closed else deadline.waiting_for,
        month_due=deadline.month_due,
        actions=allowed_actions(r),
        events=[EventView(e.on, e.kind, e.summary, e.by, e.due_before, e.due_after) for e in r.events],
        attachments=[
            AttachmentView(a.id, a.filename, a.media_type, a.size, a.is_original, uk_date(a.added_at))
            for a in attachments
        ],
    )


# -- lists ----------------------------------------------------------------------------------------------------------


class Urgency:
    OVERDUE = "overdue"  # red
    SOON = "soon"  # amber: due within AMBER_WORKING_DAYS working days
    WAITING = "waiting"  # the clock is not running: waiting for the requester
    OK = ""


@dataclass(frozen=True)
class RequestRow:
    ref: str
    kind: RequestType
    channel: RequestChannel
    status: RequestStatus
    received_on: date
    due_on: date | None
    closed_on: date | None
    requester_name: str
    requester_email: str
    client_ref: str
    subject: str
    working_days_left: int | None = None  # set by the lists that know today
    urgency: str = Urgency.OK

    @property
    def countdown(self) -> str:
        if self.status.is_closed:
            return ""
        if self.urgency == Urgency.WAITING:
            return "clock stopped"
        if self.due_on is None or self.working_days_left is None:
            return "no fixed date"  # an acknowledged complaint: answer without undue delay
        left = self.working_days_left
        if left < 0:
            return f"overdue by {-left} working day{'s' if left != -1 else ''}"
        if left == 0:
            return "due today"
        return f"{left} working day{'s' if left != 1 else ''} left"


@dataclass(frozen=True)
class RequestQuery:
    text: str = ""
    statuses: frozenset[RequestStatus] = frozenset()
    kinds: frozenset[RequestType] = frozenset()
    channels: frozenset[RequestChannel] = frozenset()
    open_only: bool = False
    due_within_days: int | None = None  # open requests due on or before today + N days (overdue included)
    received_from: date | None = None
    received_to: date | None = None


def _conditions(query: RequestQuery, today: date) -> list[object]:
    conds: list[object] = []
    if query.statuses:
        conds.append(PrivacyRequest.status.in_(sorted(query.statuses)))
    if query.kinds:
        conds.append(PrivacyRequest.kind.in_(sorted(query.kinds)))
    if query.channels:
        conds.append(PrivacyRequest.channel.in_(sorted(query.channels)))
    if query.open_only or query.due_within_days is not None:
        conds.append(PrivacyRequest.status.in_(OPEN_STATUSES))
    if query.due_within_days is not None:
        conds.append(PrivacyRequest.due_on <= today + timedelta(days=query.due_within_days))
    if query.received_from is not None:
        conds.append(PrivacyRequest.received_on >= query.received_from)
    if query.received_to is not None:
        conds.append(PrivacyRequest.received_on <= query.received_to)
    whole_number = _phone_fragments(query.text, min_digits=6)
    if whole_number:  # "+44 20 7946 0018": one number, not four words
        conds.append(or_(*(PrivacyRequest.requester_phone.like(f"%{digits}%") for digits in whole_number)))
    for term in [] if whole_number else query.text.split():
        like = like_contains(term.lower())
        matches = [
            func.lower(column).like(like, escape=LIKE_ESCAPE)
            for column in (
                PrivacyRequest.ref,
                PrivacyRequest.requester_name,
                PrivacyRequest.requester_email,
                PrivacyRequest.subject,
                Client.ref,
                Client.name,
            )
        ]
        matches += [PrivacyRequest.requester_phone.like(f"%{digits}%") for digits in _phone_fragments(term)]
        conds.append(or_(*matches))
    return conds


def _phone_fragments(typed: str, min_digits: int = 3) -> list[str]:
    """What a typed phone number or piece of one ("020 7946 0018", "(020)", "7946") looks like inside a stored
    E.164 number ("+442079460018"): its digits, and for a UK number written from its leading 0, the same after 44."""
    if not re.fullmatch(r"[\d\s()+.-]+", typed.strip()):
        return []
    digits = re.sub(r"\D", "", typed)
    if len(digits) < min_digits:
        return []
    return [digits, "44" + digits[1:]] if digits.startswith("0") else [digits]


def _rows(
    session: Session,
    conds: Sequence[object],
    order: Sequence[object],
    offset: int,
    limit: int | None,
    today: date,
    region: str,
) -> list[RequestRow]:
    stmt = (
        select(
            PrivacyRequest.ref,
            PrivacyRequest.kind,
            PrivacyRequest.channel,
            PrivacyRequest.status,
            PrivacyRequest.received_on,
            PrivacyRequest.due_on,
            PrivacyRequest.closed_on,
            PrivacyRequest.requester_name,
            PrivacyRequest.requester_email,
            Client.ref.label("client_ref"),
            PrivacyRequest.subject,
            PrivacyRequest.fee_asked_on,
            PrivacyRequest.fee_paid_on,
        )
        .outerjoin(Client, Client.id == PrivacyRequest.client_id)
        .where(*conds)  # type: ignore[arg-type]
        .order_by(*order)  # type: ignore[arg-type]
        .offset(offset)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = []
    for r in session.execute(stmt):
        left, urgency = None, Urgency.OK
        waiting = r.status in WAITING_STATUSES or (r.fee_asked_on is not None and r.fee_paid_on is None)
        if not r.status.is_closed:
            if waiting:
                urgency = Urgency.WAITING
            elif r.due_on is not None:
                left = deadlines.working_days_left(today, r.due_on, region)
                urgency = Urgency.OVERDUE if left < 0 else Urgency.SOON if left <= AMBER_WORKING_DAYS else Urgency.OK
        rows.append(
            RequestRow(
                r.ref,
                r.kind,
                r.channel,
                r.status,
                r.received_on,
                r.due_on,
                r.closed_on,
                r.requester_name,
                r.requester_email,
                r.client_ref or "",
                r.subject,
                left,
                urgency,
            )
        )
    return rows


def count_requests(session: Session, query: RequestQuery, today: date) -> int:
    stmt = (
        select(func.count(PrivacyRequest.id))
        .outerjoin(Client, Client.id == PrivacyRequest.client_id)
        .where(*_conditions(query, today))  # type: ignore[arg-type]
    )
    return int(session.scalar(stmt) or 0)


def list_requests(
    session: Session, query: RequestQuery, settings: Settings, today: date, offset: int = 0, limit: int | None = 200
) -> list[RequestRow]:
    """Open requests first by due date, then closed ones newest first."""
    order = [
        PrivacyRequest.closed_on.is_not(None),
        PrivacyRequest.due_on.is_(None),
        PrivacyRequest.due_on,
        PrivacyRequest.received_on.desc(),
        PrivacyRequest.id.desc(),
    ]
    return _rows(session, _conditions(query, today), order, offset, limit, today, settings.bank_holiday_region)


@dataclass(frozen=True)
class DueLists:
    overdue: list[RequestRow]
    due_soon: list[RequestRow]
    waiting: list[RequestRow]  # the clock is stopped or not started: waiting for the requester

    @property
    def notify(self) -> list[RequestRow]:
        """What a desktop notification mentions: overdue, or due within AMBER_WORKING_DAYS working days."""
        return [r for r in self.overdue + self.due_soon if r.urgency in (Urgency.OVERDUE, Urgency.SOON)]


def due_lists(session: Session, settings: Settings, today: date, within_days: int = DUE_SOON_DAYS) -> DueLists:
    rows = list_requests(session, RequestQuery(open_only=True), settings, today, limit=None)
    horizon = today + timedelta(days=within_days)
    return DueLists(
        overdue=[r for r in rows if r.urgency == Urgency.OVERDUE],
        due_soon=[r for r in rows if r.due_on is not None and r.urgency != Urgency.OVERDUE and r.due_on <= horizon],
        waiting=[r for r in rows if r.urgency == Urgency.WAITING],
    )


# -- matching -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Suggestion:
    client_ref: str
    client_name: str
    contact_id: int | None
    contact_name: str
    reason: str


def suggest_requesters(
    session: Session, name: str = "", email: str = "", phone: str = "", limit: int = 8
) -> list[Suggestion]:
    """Clients and contacts that may be the requester: the same email or phone first, then similar names."""
    found: dict[tuple[str, int | None], Suggestion] = {}
    points = []
    if email.strip():
        points.append((PointKind.EMAIL, email.strip().lower(), "same email"))
    if phone.strip():
        with contextlib.suppress(ValidationError):
            points.append((PointKind.PHONE, fields.check_phone(phone), "same phone number"))
    for kind, value, reason in points:
        value_col = func.lower(ContactPoint.value) if kind is PointKind.EMAIL else ContactPoint.value
        for row in session.execute(
            select(Client.ref, Client.name, Contact.id, Contact.name)
            .join(Contact, Contact.client_id == Client.id)
            .join(ContactPoint, ContactPoint.contact_id == Contact.id)
            .where(ContactPoint.kind == kind, value_col == value)
            .limit(limit)
        ):
            found.setdefault((row[0], row[2]), Suggestion(row[0], row[1], row[2], row[3], reason))
    words = [w for w in fields.fold(name).split() if len(w) >= 2]
    condition = client_condition(" ".join(words)) if words else None
    if condition is not None and len(found) < limit:
        # The client search index holds every contact's name folded, so "Ozturk" finds "Öztürk".
        clients = session.execute(
            select(Client.id, Client.ref, Client.name).where(condition).order_by(Client.sort_name).limit(limit)
        ).all()
        contacts = session.execute(
            select(Contact.client_id, Contact.id, Contact.name).where(Contact.client_id.in_([c.id for c in clients]))
        ).all()
        for c in clients:
            named = [k for k in contacts if k.client_id == c.id and all(w in fields.fold(k.name) for w in words)]
            for k in named:
                found.setdefault((c.ref, k.id), Suggestion(c.ref, c.name, k.id, k.name, "similar name"))
            if not named:
                found.setdefault((c.ref, None), Suggestion(c.ref, c.name, None, "", "similar client name"))
    return list(found.values())[:limit]


@dataclass(frozen=True)
class PossibleDuplicate:
    ref: str
    received_on: date
    status: RequestStatus
    reason: str


def likely_duplicates(session: Session, data: RequestInput) -> list[PossibleDuplicate]:
    """Requests of the same type from the same person that are open or arrived in the last 60 days."""
    who = []
    if data.requester_email.strip():
        who.append((func.lower(PrivacyRequest.requester_email) == data.requester_email.strip().lower(), "same email"))
    if data.client_ref.strip():
        client_id = session.scalar(select(Client.id).where(Client.ref == data.client_ref.strip().upper()))
        if client_id is not None:
            who.append((PrivacyRequest.client_id == client_id, "same client"))
    if data.requester_name.strip():
        who.append(
            (func.lower(PrivacyRequest.requester_name) == " ".join(data.requester_name.split()).lower(), "same name")
        )
    since = data.received_on - timedelta(days=DUPLICATE_WINDOW_DAYS)
    found: dict[str, PossibleDuplicate] = {}
    for cond, reason in who:
        for row in session.execute(
            select(PrivacyRequest.ref, PrivacyRequest.received_on, PrivacyRequest.status).where(
                cond,
                PrivacyRequest.kind == data.kind,
                or_(PrivacyRequest.status.in_(OPEN_STATUSES), PrivacyRequest.received_on >= since),
            )
        ):
            found.setdefault(row.ref, PossibleDuplicate(row.ref, row.received_on, row.status, reason))
    return list(found.values())


# -- the DPO's report -----------------------------------------------------------------------------------------------

CSV_COLUMNS = (
    "reference",
    "type",
    "channel",
    "status",
    "received",
    "due",
    "closed",
    "answered on time",
    "requester",
    "requester email",
    "client",
    "subject",
)


@dataclass(frozen=True)
class TypeCount:
    kind: RequestType
    received: int
    answered: int  # completed or refused
    on_time: int

    @property
    def share_on_time(self) -> float | None:
        return None if self.answered == 0 else self.on_time / self.answered


def _on_time(row: RequestRow) -> bool | None:
    if row.status not in (RequestStatus.COMPLETED, RequestStatus.REFUSED) or row.closed_on is None:
        return None
    return row.due_on is None or row.closed_on <= row.due_on


def summarise(rows: Sequence[RequestRow]) -> list[TypeCount]:
    counts = []
    for kind in RequestType:
        mine = [r for r in rows if r.kind is kind]
        answered = [r for r in mine if _on_time(r) is not None]
        counts.append(TypeCount(kind, len(mine), len(answered), sum(bool(_on_time(r)) for r in answered)))
    return counts


def _share(answered: int, on_time: int) -> str:
    return "" if answered == 0 else f"{round(100 * on_time / answered)}%"


def export_requests(
    session: Session, query: RequestQuery, settings: Settings, today: date, path: Path
) -> list[TypeCount]:
    """The requests matching ``query`` as CSV (UTF-8 with a BOM, for Excel), then a blank line and the counts per
    type with the share answered on time. Returns the counts."""
    rows = list_requests(session, query, settings, today, limit=None)
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for r in rows:
        on_time = _on_time(r)
        cells = [
            r.ref,
            r.kind.value,
            r.channel.value,
            r.status.value,
            r.received_on.isoformat(),
            r.due_on.isoformat() if r.due_on else "",
            r.closed_on.isoformat() if r.closed_on else "",
            "" if on_time is None else ("yes" if on_time else "no"),
            r.requester_name,
            r.requester_email,
            r.client_ref,
            r.subject,
        ]
        writer.writerow([neutralise(c) for c in cells])
    counts = summarise(rows)
    writer.writerow([])
    writer.writerow(["type", "received", "answered", "answered on time", "share on time"])
    for c in counts:
        writer.writerow([c.kind.value, c.received, c.answered, c.on_time, _share(c.answered, c.on_time)])
    total_answered = sum(c.answered for c in counts)
    total_on_time = sum(c.on_time for c in counts)
    writer.writerow(["all", len(rows), total_answered, total_on_time, _share(total_answered, total_on_time)])
    try:
        write_atomically(path, out.getvalue().encode("utf-8-sig"))
    except OSError as exc:
        raise ValidationError(f"{path} cannot be written: {exc.strerror or exc}.") from None
    return counts
