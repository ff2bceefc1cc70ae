"""The record of documents hartdesk produced: what, for whom, how each left, and the DPAs that came back signed.

The PDF itself is not kept (it can be made again), only its fingerprint (SHA-256) and page count. A document
linked to a privacy request also appears on that request's timeline, through
:func:`hartdesk.privacy.requests.add_event`, and one about a breach on the breach's timeline, through
:func:`hartdesk.privacy.breaches.add_document_event`. The audit log names the document and what happened to it, never a
title, a recipient or an address (those can be personal data).
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import date, datetime

import pikepdf
from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from hartdesk.dates import format_short_date, uk_date, uk_today
from hartdesk.errors import NotFoundError, ValidationError
from hartdesk.models import Attachment, Breach, Client, IssuedDocument, Operator, PrivacyRequest
from hartdesk.models.base import utcnow
from hartdesk.models.enums import Delivery, DocumentKind, EventKind, LetterKind
from hartdesk.privacy import breaches
from hartdesk.privacy import requests as privacy_requests
from hartdesk.register import fields
from hartdesk.security import audit

_EMAIL_DELIVERIES = (Delivery.EMAIL_SENT, Delivery.EMAIL_DRAFT)


@dataclass(frozen=True)
class DocumentRow:
    """One produced document as the Documents screen lists it."""

    id: int
    kind: DocumentKind
    letter_kind: LetterKind | None
    title: str
    client_ref: str
    client_name: str
    request_ref: str
    recipient: str
    created_at: datetime
    created_by: str
    version: str
    delivery: Delivery | None
    delivered_at: datetime | None
    delivered_to: str
    encrypted: bool
    signed_on: date | None
    pages: int = 0
    signed_copy_id: int | None = None  # the scan of the signed DPA (an attachment)
    breach_ref: str = ""


# -- recording ------------------------------------------------------------------------------------------------------


def count_pages(pdf: bytes) -> int:
    """The page count of a PDF as produced (before any password protection, which hides the page tree)."""
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            return len(document.pages)
    except pikepdf.PasswordError:
        raise ValueError("record the document as produced, before it is encrypted") from None
    except pikepdf.PdfError as exc:
        raise ValidationError("The document is not a readable PDF, so it cannot be recorded.") from exc


def record_issued(
    session: Session,
    actor: str,
    *,
    kind: DocumentKind,
    title: str,
    pdf: bytes,
    client_ref: str = "",
    request_ref: str = "",
    operator_id: int | None = None,
    recipient: str = "",
    version: str = "",
    letter_kind: LetterKind | None = None,
    encrypted: bool = False,
    today: date | None = None,
    breach_ref: str = "",
) -> int:
    """Record a document just produced and return its id.

    ``pdf`` is the document as produced; ``encrypted`` says the copy that leaves is password-protected. A document
    for a request without a client takes the request's client. ``today`` (default: the UK date now) dates the
    request's timeline entry. A document about breach ``breach_ref`` goes on that breach's timeline.
    """
    title = fields.clean_text(title, "document title", 300, required=True)
    if "\n" in title:
        title = " ".join(title.split())
    recipient = fields.clean_text(recipient, "recipient", 300)
    version = fields.clean_text(version, "version", 20)
    if letter_kind is not None and kind is not DocumentKind.LETTER:
        raise ValidationError("Only a letter has a letter kind.")
    request = privacy_requests.request_by_ref(session, request_ref) if request_ref.strip() else None
    breach = breaches.breach_by_ref(session, breach_ref) if breach_ref.strip() else None
    client_id = _client_id(session, client_ref)
    if client_id is None and request is not None:
        client_id = request.client_id
    if operator_id is not None and session.get(Operator, operator_id) is None:
        raise NotFoundError("That operator is no longer in the register.")
    document = IssuedDocument(
        kind=kind,
        letter_kind=letter_kind,
        title=title,
        client_id=client_id,
        request_id=request.id if request is not None else None,
        breach_id=breach.id if breach is not None else None,
        operator_id=operator_id,
        recipient=recipient,
        version=version,
        pages=count_pages(pdf),
        sha256=hashlib.sha256(pdf).hexdigest(),
        encrypted=encrypted,
        created_by=actor,
        created_at=utcnow(),
        delivered_to="",
        notes="",
    )
    session.add(document)
    session.flush()
    details: dict[str, object] = {"kind": kind.value, "encrypted": encrypted}
    if letter_kind is not None:
        details["letter_kind"] = letter_kind.value
    if breach is not None:
        details["breach"] = breach.ref
    audit.record(session, actor, "document.produced", f"document:{document.id}", details)
    if request is not None:
        _timeline(session, actor, request, EventKind.DOCUMENT_SENT, f"Produced: {title}", today)
    if breach is not None:
        breaches.add_document_event(session, actor, breach.ref, _on_breach(session, document), "Produced")
    return document.id


def _on_breach(session: Session, document: IssuedDocument) -> str:
    """The document as the breach's timeline names it: its kind and the client's reference, never a title or an
    address. The breach register is kept (Art. 33(5)) when a client is erased, so it must not hold their name."""
    client_ref = session.scalar(select(Client.ref).where(Client.id == document.client_id))
    return document.kind.label + (f", {client_ref}" if client_ref else "")


def record_delivery(
    session: Session,
    actor: str,
    document_id: int,
    delivery: Delivery,
    to: str = "",
    *,
    today: date | None = None,
) -> None:
    """Record how the document left: saved, printed, an email draft made, or sent by email to ``to``.

    The latest delivery is the one the document shows; the audit log and the request's timeline keep them all.
    """
    document = _document(session, document_id)
    to = to.strip()
    if delivery is Delivery.EMAIL_SENT and not to:
        raise ValidationError("Enter the email address the document was sent to.")
    if to and delivery not in _EMAIL_DELIVERIES:
        raise ValidationError("Only a document sent by email goes to an email address.")
    if to:
        to = fields.check_email(to)
    document.delivery = delivery
    document.delivered_at = utcnow()
    document.delivered_to = to
    session.flush()
    audit.record(session, actor, "document.delivered", f"document:{document.id}", {"delivery": delivery.value})
    summary = {
        Delivery.EMAIL_SENT: f"Sent by email to {to}",
        Delivery.EMAIL_DRAFT: f"Email draft made for {to}" if to else "Email draft made",
        Delivery.PRINTED: "Printed",
        Delivery.SAVED: "Saved",
    }[delivery]
    if document.breach_id is not None:
        breach = session.get(Breach, document.breach_id)
        assert breach is not None  # the foreign key sets breach_id to NULL when a breach goes
        breaches.add_document_event(session, actor, breach.ref, _on_breach(session, document), delivery.label)
    if document.request_id is not None:
        request = session.get(PrivacyRequest, document.request_id)
        assert request is not None  # the foreign key sets request_id to NULL when a request goes
        # Only an email that went out is a document sent; the rest are notes of what the clerk did.
        kind = EventKind.DOCUMENT_SENT if delivery is Delivery.EMAIL_SENT else EventKind.NOTE
        _timeline(session, actor, request, kind, f"{summary}: {document.title}", today)


def record_signed_dpa(
    session: Session,
    actor: str,
    document_id: int,
    signed_on: date,
    filename: str,
    content: bytes,
    *,
    today: date | None = None,
) -> None:
    """Keep the scan of a DPA that came back signed, and the date it was signed. A second scan replaces the first.

    The scan is checked like every file hartdesk keeps (:func:`check_attachment`); if anything is wrong, nothing
    changes.
    """
    document = _document(session, document_id)
    if document.kind is not DocumentKind.DPA:
        raise ValidationError("Only a data processing agreement comes back signed.")
    today = today or uk_today()
    issued_on = uk_date(document.created_at)
    if signed_on > today:
        raise ValidationError(f"The signing date is in the future: today is {format_short_date(today)}.")
    if signed_on < issued_on:
        raise ValidationError(
            f"The signing date is before the agreement was issued ({format_short_date(issued_on)}): check it."
        )
    scan = privacy_requests.new_attachment(actor, filename, content)
    session.add(scan)
    session.flush()
    replaced = document.signed_copy_id
    document.signed_on = signed_on
    document.signed_copy_id = scan.id
    if replaced is not None:
        old = session.get(Attachment, replaced)
        if old is not None and old.request_id is None:  # kept only for this document
            session.delete(old)
    session.flush()
    details: dict[str, object] = {"attachment": scan.id, "signed_on": signed_on.isoformat()}
    if replaced is not None:
        details["replaced"] = replaced
    audit.record(session, actor, "document.signed-copy-added", f"document:{document.id}", details)


def _timeline(
    session: Session, actor: str, request: PrivacyRequest, kind: EventKind, summary: str, today: date | None
) -> None:
    day = today or uk_today()
    privacy_requests.add_event(session, actor, request.ref, kind, day, summary, day)


def _client_id(session: Session, client_ref: str) -> int | None:
    ref = client_ref.strip().upper()
    if not ref:
        return None
    found = session.scalar(select(Client.id).where(Client.ref == ref))
    if found is None:
        raise NotFoundError(f"There is no client {ref}.")
    return found


def _document(session: Session, document_id: int) -> IssuedDocument:
    document = session.get(IssuedDocument, document_id)
    if document is None:
        raise NotFoundError("That document is no longer in the register.")
    return document


# -- reading --------------------------------------------------------------------------------------------------------


def list_documents(
    session: Session,
    *,
    client_ref: str = "",
    request_ref: str = "",
    kind: DocumentKind | None = None,
    limit: int = 500,
    breach_ref: str = "",
) -> list[DocumentRow]:
    """Documents produced, newest first, optionally only one client's, one request's, one breach's or one kind."""
    client = aliased(Client)
    request = aliased(PrivacyRequest)
    breach = aliased(Breach)
    stmt = (
        select(IssuedDocument, client.ref, client.name, request.ref, breach.ref)
        .outerjoin(client, client.id == IssuedDocument.client_id)
        .outerjoin(request, request.id == IssuedDocument.request_id)
        .outerjoin(breach, breach.id == IssuedDocument.breach_id)
        .order_by(IssuedDocument.created_at.desc(), IssuedDocument.id.desc())
        .limit(limit)
    )
    if client_ref.strip():
        stmt = stmt.where(client.ref == client_ref.strip().upper())
    if request_ref.strip():
        stmt = stmt.where(request.ref == request_ref.strip().upper())
    if breach_ref.strip():
        stmt = stmt.where(breach.ref == breach_ref.strip().upper())
    if kind is not None:
        stmt = stmt.where(IssuedDocument.kind == kind)
    return [_row(d, c_ref, c_name, r_ref, b_ref) for d, c_ref, c_name, r_ref, b_ref in session.execute(stmt)]


def latest_dpa(session: Session, client_ref: str) -> DocumentRow | None:
    """The data processing agreement issued to the client most recently, if any."""
    if not client_ref.strip():
        return None
    rows = list_documents(session, client_ref=client_ref, kind=DocumentKind.DPA, limit=1)
    return rows[0] if rows else None


def _row(
    d: IssuedDocument,
    client_ref: str | None,
    client_name: str | None,
    request_ref: str | None,
    breach_ref: str | None = None,
) -> DocumentRow:
    return DocumentRow(
        id=d.id,
        kind=d.kind,
        letter_kind=d.letter_kind,
        title=d.title,
        client_ref=client_ref or "",
        client_name=client_name or "",
        request_ref=request_ref or "",
        recipient=d.recipient,
        created_at=d.created_at,
        created_by=d.created_by,
        version=d.version,
        delivery=d.delivery,
        delivered_at=d.delivered_at,
        delivered_to=d.delivered_to,
        encrypted=d.encrypted,
        signed_on=d.signed_on,
        pages=d.pages,
        signed_copy_id=d.signed_copy_id,
        breach_ref=breach_ref or "",
    )
