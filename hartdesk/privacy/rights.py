"""Restriction (UK GDPR Art. 18) and rectification (Art. 16), each under its request, each followed by the Art. 19
notices to the operators that received the data.

A restricted client's data is only stored: the record says so on every screen and document until the restriction is
lifted (the person must be told before it is, Art. 18(3)). A rectification is an edit of the client's record made
under a rectification request: the audit log keeps the values before and after, sealed with the client's own key
(:mod:`hartdesk.security.sealing`), so an erasure later leaves no readable trace of them.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date

from sqlalchemy.orm import Session

from hartdesk.dates import format_uk_date
from hartdesk.errors import ValidationError
from hartdesk.models import Client, ClientStatus, PrivacyRequest
from hartdesk.models.base import utcnow
from hartdesk.models.enums import EventKind, RequestType
from hartdesk.privacy import notices
from hartdesk.privacy.requests import add_event, request_by_ref
from hartdesk.register import clients, fields
from hartdesk.register.clients import ClientInput
from hartdesk.security import audit, sealing
from hartdesk.settings import Settings


def client_for_request(session: Session, request: PrivacyRequest, kind: RequestType) -> Client:
    """The client a restriction or rectification under ``request`` acts on, or a clear error saying why it cannot
    act yet (the screens ask before opening a form, so no one types a correction for nothing)."""
    if request.kind is not kind:
        raise ValidationError(f"{request.ref} is a request for {request.kind.label.lower()}, not {kind.label.lower()}.")
    if request.status.is_closed:
        raise ValidationError(f"{request.ref} is already {request.status.label.lower()}: reopen it first.")
    if not request.identity_status.is_confirmed:
        raise ValidationError(f"The identity of the person behind {request.ref} is not confirmed: confirm it first.")
    if request.client_id is None:
        raise ValidationError(f"{request.ref} is not linked to a client: link it to the client first.")
    client = session.get(Client, request.client_id)
    assert client is not None
    if client.status is ClientStatus.ERASED:
        raise ValidationError(f"{client.ref} was erased: there is no data left to change.")
    return client


def _notify(
    session: Session, actor: str, request: PrivacyRequest, client: Client, done: str, settings: Settings, today: date
) -> int:
    """Each operator that received the client's data is due a notice; the timeline says ``done`` and how many."""
    told = len(notices.create(session, request, notices.recipients(session, client.ref, settings, today), today))
    add_event(session, actor, request.ref, EventKind.NOTE, today, f"{done} {told} operator(s) to be told.", today)
    return told


def restrict(session: Session, actor: str, request_ref: str, settings: Settings, today: date) -> int:
    """Mark the request's client restricted from ``today``; return how many operators must be told."""
    request = request_by_ref(session, request_ref)
    client = client_for_request(session, request, RequestType.RESTRICTION)
    if client.restricted_on is not None:
        raise ValidationError(f"{client.ref} is already restricted ({client.restriction_note}).")
    client.restricted_on = today
    client.restriction_note = f"under request {request.ref}"
    client.updated_at = utcnow()
    done = f"Restricted {client.ref}: its data is only stored from now on, not used."
    told = _notify(session, actor, request, client, done, settings, today)
    audit.record(session, actor, "client.restricted", f"client:{client.ref}", {"request": request.ref})
    return told


def lift_restriction(session: Session, actor: str, client_ref: str, reason: str, today: date) -> None:
    """End a restriction (the person was told first, Art. 18(3); ``reason`` says why and when)."""
    reason = fields.clean_text(reason, "reason", 2000, required=True)
    client = clients.client_by_ref(session, client_ref)
    if client.restricted_on is None:
        raise ValidationError(f"{client.ref} is not restricted.")
    client.restricted_on = None
    client.restriction_note = ""
    client.updated_at = utcnow()
    # The reason may name the person or what they said: sealed like a rectification's values.
    sealed = sealing.seal(session, client.id, {"reason": reason})
    audit.record(session, actor, "client.restriction-lifted", f"client:{client.ref}", {"sealed": sealed})


def restriction_text(restricted_on: date | None, note: str) -> str:
    """What every screen and document says about a restricted client ("" when it is not)."""
    if restricted_on is None:
        return ""
    return (
        f"Restricted since {format_uk_date(restricted_on)} {note}".rstrip()
        + ": the data is only stored, not used for anything else (UK GDPR Art. 18)."
    )


def rectify(
    session: Session, actor: str, request_ref: str, data: ClientInput, settings: Settings, today: date
) -> list[str]:
    """Correct the request's client to ``data``; return the fields changed. The values before and after go to the
    audit log sealed; the timeline names the fields; each operator that received the data is due a notice."""
    request = request_by_ref(session, request_ref)
    client = client_for_request(session, request, RequestType.RECTIFICATION)
    before = clients.get_client(session, client.ref).as_input()
    changed = clients.update_client(session, actor, client.ref, data)
    if not changed:
        raise ValidationError("Nothing was changed: correct the data first.")
    after = clients.get_client(session, client.ref).as_input()
    sealed = sealing.seal(session, client.id, {"before": _values(before, changed), "after": _values(after, changed)})
    audit.record(
        session,
        actor,
        "client.rectified",
        f"client:{client.ref}",
        {"request": request.ref, "fields": changed, "sealed": sealed},
    )
    done = f"Corrected on {client.ref}: {', '.join(f.replace('_', ' ') for f in changed)}."
    _notify(session, actor, request, client, done, settings, today)
    return changed


def _values(data: ClientInput, names: list[str]) -> dict[str, object]:
    everything = asdict(data)
    return {name: everything.get(name) for name in names}
