"""The facts of a letter about a privacy request, taken from the register for :func:`documents.letters.render_letter`.

Each letter kind fits some states of a request only: an extension notice needs an extension, a refusal a refused
request, an acknowledgement a running clock. Asking for a letter that does not fit is a ValidationError with a
sentence saying what to record first, so a letter never goes out with facts the register does not hold.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk import settings as settings_mod
from hartdesk.dates import WEEKDAYS, format_short_date, format_uk_date
from hartdesk.documents.letter import Addressee
from hartdesk.documents.letters import KeptItem, LetterData, load_phrases
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import Address, AddressKind, Contact, ContactPoint, Operator, PointKind
from hartdesk.models.enums import EventKind, IdentityStatus, LetterKind, RequestChannel, RequestStatus, RequestType
from hartdesk.models.requests import PrivacyRequest
from hartdesk.privacy import deadlines
from hartdesk.privacy.requests import RequestDetail, clock_for, get_request, request_by_ref
from hartdesk.register import fields
from hartdesk.register.letterhead import letterhead_from, page_size
from hartdesk.settings import Settings

# How long erased data can survive in the agency's rolling backups; the erasure issue passes the real figure.
BACKUP_DAYS = 90
DEFAULT_ENCLOSURE = (
    "your data report: a copy of the personal data we hold about you, with what the law says we must tell you about "
    "how we use it"
)
REQUEST_TYPES_WORDING = "letter_request_types"
REFUSAL_REASONS_WORDING = "letter_refusal_reasons"

_CHANNEL = {
    RequestChannel.EMAIL: "by email",
    RequestChannel.PHONE: "by phone",
    RequestChannel.POST: "by post",
    RequestChannel.IN_PERSON: "in person",
}
_TIME_LIMIT = {"calendar-month": "one calendar month", "28-days": "28 days"}
# Art. 19 notice: (what was done, what the operator must do) per request type.
_ACTIONS = {
    RequestType.RECTIFICATION: ("corrected", "correct"),
    RequestType.ERASURE: ("erased", "erase"),
    RequestType.RESTRICTION: ("restricted the use of", "restrict the use of"),
}
# The summaries hartdesk.privacy.requests writes on the timeline; the letter quotes what follows them.
_CLARIFICATION_PREFIX = "Clarification asked for, clock stopped: "
_IDENTITY_PREFIX = "Identity evidence asked for; the clock starts when it arrives"


def long_date(day: date) -> str:
    """Monday 30 November 2026: a due date a reader cannot misread."""
    return f"{WEEKDAYS[day.weekday()]} {format_uk_date(day)}"


def letter_data(
    session: Session,
    request_ref: str,
    kind: LetterKind,
    settings: Settings,
    today: date,
    *,
    for_post: bool = True,
    operator_id: int | None = None,
    erased: Sequence[str] = (),
    kept: Sequence[KeptItem] = (),
    backup_days: int = BACKUP_DAYS,
    enclosure: str = DEFAULT_ENCLOSURE,
    erased_on: date | None = None,
) -> LetterData:
    """The letter ``kind`` about request ``request_ref``, dated ``today``, addressed to the requester (or, for the
    Art. 19 notice, to operator ``operator_id``).

    ``erased`` lists what was erased (erasure confirmation) or the data concerned (operator notice); ``kept`` what was
    kept, why and until when (``erased_on``: the day it was done, by default ``today``). ``enclosure`` says what
    goes with a completion letter.
    """
    kind = LetterKind(kind)
    missing = settings_mod.missing_for_documents(settings)
    if missing:
        raise ValidationError(
            f"Before a letter can go out, fill in these agency details in Settings: {', '.join(missing)}."
        )
    needs_ico = kind in (
        LetterKind.EXTENSION_NOTICE,
        LetterKind.REFUSAL,
        LetterKind.COMPLETION,
        LetterKind.ERASURE_CONFIRMATION,
        LetterKind.COMPLAINT_ACKNOWLEDGEMENT,
    )
    if needs_ico and not settings.ico_contact.strip():
        raise ValidationError(
            f"This letter tells the person how to complain to the ICO: fill in “{settings_mod.label('ico_contact')}” "
            "in Settings."
        )
    request = request_by_ref(session, request_ref)
    detail = get_request(session, request.ref, settings)
    _check_fits(kind, request, detail, settings, today)

    operator_name = ""
    if kind is LetterKind.OPERATOR_NOTICE:
        operator, addressee, dear = _operator(session, operator_id, for_post)
        operator_name = operator.name
        if not erased:
            raise ValidationError(f"List the data {operator.name} must act on: the notice has to say what changed.")
        done, do = _ACTIONS[detail.kind]
        values = {
            "dear": dear,
            "operator_name": operator.name,
            "subject_name": detail.requester_name,
            "subject_email": detail.requester_email,
            "action_done": done,
            "action_do": do,
            "action_on": format_uk_date(detail.closed_on or today),
        }
    else:
        addressee = _requester(session, request, detail, for_post)
        values = _request_values(detail, settings)
        values.update(_kind_values(kind, request, detail, settings, erased_on or today, erased, backup_days, enclosure))
    return LetterData(
        kind=kind.value,
        letterhead=letterhead_from(settings),
        addressee=addressee,
        dated=today,
        our_ref=detail.ref,
        client_ref="" if kind is LetterKind.OPERATOR_NOTICE else detail.client_ref,
        values=values,
        for_post=for_post,
        wording_folder=settings.wording_folder,
        signatory=settings.agency_contact_name.strip(),
        signatory_position=settings.agency_contact_position.strip(),
        erased=tuple(erased),
        kept=tuple(kept),
        operator_name=operator_name,
        pagesize=page_size(settings),
    )


# -- does the letter fit the request? -------------------------------------------------------------------------------


def _check_fits(
    kind: LetterKind, request: PrivacyRequest, detail: RequestDetail, settings: Settings, today: date
) -> None:
    ref, status = detail.ref, detail.status
    if status is RequestStatus.WITHDRAWN:
        raise ValidationError(f"{ref} was withdrawn, so this letter is not needed.")
    closing = {
        LetterKind.REFUSAL: RequestStatus.REFUSED,
        LetterKind.COMPLETION: RequestStatus.COMPLETED,
    }
    if kind in closing:
        if status is not closing[kind]:
            action = "refused (with the reason)" if kind is LetterKind.REFUSAL else "completed (with what was done)"
            raise ValidationError(f"{ref} is not {closing[kind].label.lower()}: record it as {action} first.")
    elif kind in (LetterKind.ERASURE_CONFIRMATION, LetterKind.OPERATOR_NOTICE):
        if status is RequestStatus.REFUSED:
            raise ValidationError(f"{ref} was refused, so nothing was changed to confirm.")
    elif status.is_closed:
        raise ValidationError(f"{ref} is already {status.label.lower()}, so this letter no longer fits it.")

    is_complaint = detail.kind is RequestType.COMPLAINT
    if kind is LetterKind.COMPLAINT_ACKNOWLEDGEMENT:
        if not is_complaint:
            raise ValidationError(f"{ref} is not a complaint: send an acknowledgement of the request instead.")
        return
    if is_complaint and kind is not LetterKind.CLARIFICATION_REQUEST:
        raise ValidationError(f"{ref} is a complaint: acknowledge it with the complaint acknowledgement letter.")

    if kind is LetterKind.ACKNOWLEDGEMENT:
        if detail.due_on is None:
            waiting = {
                "identity evidence": "it waits for identity evidence: send the request for identity evidence",
                "the fee": "it waits for the fee to be paid: tell the person about the fee",
                "clarification": "its clock is stopped for clarification: send the request for clarification",
            }.get(detail.waiting_for, "its clock has not started")
            raise ValidationError(f"{ref} has no due date to give yet, because {waiting} instead.")
        if detail.due_on < today:
            raise ValidationError(
                f"{ref} was due on {format_short_date(detail.due_on)}, so an acknowledgement would give a date already "
                "past: reply to the request as soon as you can instead."
            )
    elif kind is LetterKind.IDENTITY_REQUEST:
        if request.identity_asked_on is None:
            raise ValidationError(
                f"No request for identity evidence is recorded on {ref}: record “ask for identity evidence” first, "
                "with what you need, so the letter can say it."
            )
    elif kind is LetterKind.CLARIFICATION_REQUEST:
        if not any(p.answered_on is None for p in request.pauses):
            raise ValidationError(
                f"{ref} is not waiting for clarification: record “ask for clarification” with your question first."
            )
    elif kind is LetterKind.EXTENSION_NOTICE:
        if request.extended_on is None:
            raise ValidationError(f"{ref} was never extended: record the extension, with its reason, first.")
        month_due = _notice_deadline(request, settings, today)
        if month_due is not None and today > month_due:
            raise ValidationError(
                f"An extension notice had to reach the person within the first month, by "
                f"{format_short_date(month_due)}; it is too late to send one for {ref}. Answer the request as soon as "
                "you can instead."
            )
    elif kind is LetterKind.ERASURE_CONFIRMATION and detail.kind is not RequestType.ERASURE:
        raise ValidationError(f"{ref} is not a request for erasure, so there is no erasure to confirm.")
    elif kind is LetterKind.OPERATOR_NOTICE and detail.kind not in _ACTIONS:
        raise ValidationError(
            f"{ref} did not correct, erase or restrict anyone's data, so operators have nothing to be told "
            "(UK GDPR Art. 19)."
        )
    if kind in (LetterKind.ERASURE_CONFIRMATION, LetterKind.OPERATOR_NOTICE) and request.identity_status in (
        IdentityStatus.REQUESTED,
        IdentityStatus.FAILED,
    ):
        raise ValidationError(f"The identity of the person behind {ref} is not confirmed: confirm it before acting.")


def _notice_deadline(request: PrivacyRequest, settings: Settings, today: date) -> date | None:
    """The end of the first month (paused days not counted, a pause still open counted up to today)."""
    clock = clock_for(request, settings)
    pauses = tuple(p if p.answered is not None else deadlines.Pause(p.asked, max(p.asked, today)) for p in clock.pauses)
    return deadlines.compute(replace(clock, extended_on=None, pauses=pauses)).month_due


# -- values ---------------------------------------------------------------------------------------------------------


def _request_values(detail: RequestDetail, settings: Settings) -> dict[str, str]:
    phrases = load_phrases(REQUEST_TYPES_WORDING, [t.value for t in RequestType], settings.wording_folder)
    return {
        "dear": detail.requester_name,
        "requester_name": detail.requester_name,
        "your_request": phrases[detail.kind.value],
        "request_subject": detail.subject,
        "received_on": format_uk_date(detail.received_on),
        "channel": _CHANNEL[detail.channel],
        "time_limit": _TIME_LIMIT.get(settings.request_period, "one calendar month"),
    }


def _kind_values(
    kind: LetterKind,
    request: PrivacyRequest,
    detail: RequestDetail,
    settings: Settings,
    today: date,
    erased: Sequence[str],
    backup_days: int,
    enclosure: str,
) -> dict[str, str]:
    ico = {"ico_contact": settings.ico_contact.strip()}
    if kind is LetterKind.ACKNOWLEDGEMENT:
        assert detail.due_on is not None  # _check_fits
        return {"due_on": long_date(detail.due_on)}
    if kind is LetterKind.IDENTITY_REQUEST:
        assert request.identity_asked_on is not None
        return {"asked_on": format_uk_date(request.identity_asked_on), "evidence_asked": _identity_note(detail)}
    if kind is LetterKind.CLARIFICATION_REQUEST:
        asked = max(p.asked_on for p in request.pauses if p.answered_on is None)
        event = next(
            (e for e in reversed(detail.events) if e.kind is EventKind.CLARIFICATION_REQUESTED and e.on == asked), None
        )
        question = event.summary.removeprefix(_CLARIFICATION_PREFIX) if event else ""
        before = event.due_before if event else None
        return {
            "asked_on": format_uk_date(asked),
            "question": question,
            "due_before_pause": long_date(before) if before else "",
        }
    if kind is LetterKind.EXTENSION_NOTICE:
        assert request.extended_on is not None and detail.due_on is not None
        return {
            "extended_on": format_uk_date(request.extended_on),
            "extension_reason": detail.extension_reason,
            "original_due_on": long_date(detail.month_due) if detail.month_due else "",
            "due_on": long_date(detail.due_on),
            **ico,
        }
    if kind is LetterKind.REFUSAL:
        assert detail.refusal_reason is not None and detail.closed_on is not None
        reasons = load_phrases(
            REFUSAL_REASONS_WORDING, [r.value for r in type(detail.refusal_reason)], settings.wording_folder
        )
        return {
            "refused_on": format_uk_date(detail.closed_on),
            "refusal_category": reasons[detail.refusal_reason.value],
            "refusal_explanation": detail.outcome,
            **ico,
        }
    if kind is LetterKind.COMPLETION:
        return {
            "completed_on": format_uk_date(detail.closed_on or today),
            "outcome": detail.outcome,
            "enclosure": enclosure.strip().rstrip("."),
            **ico,
        }
    if kind is LetterKind.ERASURE_CONFIRMATION:
        if not erased:
            raise ValidationError(f"List what was erased for {detail.ref}: the letter has to tell the person.")
        if backup_days < 1:
            raise ValidationError("Backups must age out after at least one day.")
        return {"erased_on": format_uk_date(today), "backup_days": str(backup_days), **ico}
    if kind is LetterKind.COMPLAINT_ACKNOWLEDGEMENT:
        return dict(ico)
    raise AssertionError(kind)


def _identity_note(detail: RequestDetail) -> str:
    event = next((e for e in reversed(detail.events) if e.kind is EventKind.IDENTITY_REQUESTED), None)
    if event is None:
        return ""
    return event.summary.removeprefix(_IDENTITY_PREFIX).removeprefix(":").strip()


# -- addressees -----------------------------------------------------------------------------------------------------


def _requester(session: Session, request: PrivacyRequest, detail: RequestDetail, for_post: bool) -> Addressee:
    lines = [line.strip() for line in detail.requester_address.splitlines() if line.strip()]
    if not lines and request.client_id is not None:
        lines = _client_address(session, request.client_id)
    email = detail.requester_email or _contact_email(session, request.contact_id)
    if for_post and not lines:
        raise ValidationError(
            f"There is no postal address for {detail.requester_name} on {detail.ref} or its client: add the address "
            "to the request, or send the letter by email."
        )
    return Addressee(name=detail.requester_name, address_lines=tuple(lines), email=email)


def _client_address(session: Session, client_id: int) -> list[str]:
    """The client's postal address, else its billing address, as lines for the window."""
    addresses = session.scalars(
        select(Address).where(
            Address.client_id == client_id, Address.kind.in_([AddressKind.POSTAL, AddressKind.BILLING])
        )
    ).all()
    best = sorted(addresses, key=lambda a: (a.kind is not AddressKind.POSTAL, a.id))
    if not best:
        return []
    a = best[0]
    lines = [a.line1, a.line2, a.line3, a.town, a.county, a.postcode.upper()]
    if a.country.upper() != "GB":
        lines.append(fields.country_name(a.country))
    return [line.strip() for line in lines if line.strip()]


def _contact_email(session: Session, contact_id: int | None) -> str:
    if contact_id is None:
        return ""
    found = session.scalar(
        select(ContactPoint.value)
        .join(Contact, Contact.id == ContactPoint.contact_id)
        .where(Contact.id == contact_id, ContactPoint.kind == PointKind.EMAIL)
        .order_by(ContactPoint.id)
        .limit(1)
    )
    return found or ""


def _operator(session: Session, operator_id: int | None, for_post: bool) -> tuple[Operator, Addressee, str]:
    """The operator, addressed to its contact when one is named, and the name after "Dear"."""
    if operator_id is None:
        raise ValidationError("Choose the operator the notice goes to.")
    operator = session.get(Operator, operator_id)
    if operator is None:
        raise NotFoundError("That operator is no longer in the register.")
    address = [line.strip() for line in operator.address.splitlines() if line.strip()]
    if for_post and not address:
        raise ValidationError(
            f"There is no postal address for {operator.name}: add it to the operator, or send the notice by email."
        )
    contact = operator.contact_name.strip()
    if contact:
        addressee = Addressee(contact, (operator.name, *address), operator.contact_email)
    else:
        addressee = Addressee(operator.name, tuple(address), operator.contact_email)
    return operator, addressee, contact or "Sir or Madam"


__all__ = ["BACKUP_DAYS", "DEFAULT_ENCLOSURE", "KeptItem", "letter_data", "long_date"]
