"""The retention review: what has passed its retention period, and taking it away (SPEC.md §3).

Three kinds of record are due:

- a **closed client**, the set number of months after it closed (setting): it is erased as an erasure request would
  erase it (tombstone, invoices kept until their own date), with no request and no letter;
- an **invoice**, after its tax retention date (the date an erasure flagged it with, or the one computed from the
  invoice retention setting and the financial year end);
- a **request file** (the request, its timeline and its files, and on the documents sent for it whom they went to),
  the set number of months after it closed.

Audit entries are never due: the log is the proof of everything else.

:func:`review` lists what is due without changing anything; :func:`apply` takes away exactly the list an admin
previewed, and refuses if the register changed since (so "dry run" and "apply" always agree).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from dateutil.relativedelta import relativedelta
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from hartdesk.dates import format_uk_date
from hartdesk.errors import ValidationError
from hartdesk.models import (
    Client,
    ClientStatus,
    Contact,
    Invoice,
    IssuedDocument,
    PrivacyRequest,
    Service,
    ServiceStatus,
)
from hartdesk.models.enums import RequestStatus
from hartdesk.privacy import erasure
from hartdesk.register import search
from hartdesk.register.whoholds import tax_retention_until
from hartdesk.security import audit, vault
from hartdesk.settings import Settings, financial_year_end

if TYPE_CHECKING:
    from hartdesk.storage.register import OpenRegister

CLIENT = "client"
INVOICE = "invoice"
REQUEST = "request"
KIND_LABELS = {CLIENT: "Closed client", INVOICE: "Invoice", REQUEST: "Request file"}


@dataclass(frozen=True)
class DueItem:
    kind: str  # CLIENT, INVOICE or REQUEST
    ref: str  # C-00042, the invoice number, R-2025-0042
    record_id: int
    what: str  # in plain words, without personal data
    due_since: date
    rule: str  # the retention rule that makes it due
    blocked: str = ""  # why it cannot go yet (a service still running); left out of apply

    @property
    def kind_label(self) -> str:
        return KIND_LABELS[self.kind]


def _closed_clients(session: Session, settings: Settings, today: date) -> list[DueItem]:
    months = settings.closed_client_retention_months
    due_clients = [
        (client, client.closed_on + relativedelta(months=months))
        for client in session.scalars(
            select(Client)
            .where(Client.status == ClientStatus.CLOSED, Client.closed_on.is_not(None))
            .order_by(Client.ref)
        )
        if client.closed_on is not None and client.closed_on + relativedelta(months=months) <= today
    ]
    ids = [client.id for client, _ in due_clients]
    # What would stop the erasure (the erasure plan's own blockers), in two queries for the whole list.
    running: dict[int, list[str]] = {}
    for client_id, identifier in session.execute(
        select(Service.client_id, Service.identifier).where(
            Service.client_id.in_(ids), Service.status != ServiceStatus.ENDED
        )
    ):
        running.setdefault(client_id, []).append(identifier)
    open_requests: dict[int, list[str]] = {}
    contact_client: dict[int, int] = {
        contact_id: client_id
        for contact_id, client_id in session.execute(
            select(Contact.id, Contact.client_id).where(Contact.client_id.in_(ids))
        )
    }
    open_statuses = [status for status in RequestStatus if not status.is_closed]
    for request_client, contact_id, ref in session.execute(
        select(PrivacyRequest.client_id, PrivacyRequest.contact_id, PrivacyRequest.ref).where(
            or_(PrivacyRequest.client_id.in_(ids), PrivacyRequest.contact_id.in_(list(contact_client))),
            PrivacyRequest.status.in_(open_statuses),
        )
    ):
        owner = request_client if request_client in ids else contact_client.get(contact_id or 0)
        if owner is not None and ref not in open_requests.setdefault(owner, []):
            open_requests[owner].append(ref)
    items = []
    for client, due in due_clients:
        assert client.closed_on is not None
        blocked = []
        if client.id in running:
            blocked.append(f"{', '.join(sorted(running[client.id]))} still running: end or transfer it first.")
        if client.id in open_requests:
            blocked.append(f"{', '.join(sorted(open_requests[client.id]))} still open: finish it first.")
        items.append(
            DueItem(
                CLIENT,
                client.ref,
                client.id,
                f"Closed client {client.ref}, closed on {format_uk_date(client.closed_on)}",
                due,
                f"{months} months after the client closed",
                " ".join(blocked),
            )
        )
    return items


def last_due_issue_date(settings: Settings, today: date) -> date:
    """The last issue date of an invoice whose tax retention is over on ``today``: the last financial year end
    that is the retention years before today (the setting's year end is never 29 February, so adding the years
    back is exact). An invoice issued on or before it is due, one issued after it is not."""
    month, day = financial_year_end(settings) or (3, 31)
    limit = today - relativedelta(years=settings.invoice_retention_years)
    year_end = date(limit.year, month, day)
    return year_end if year_end <= limit else date(limit.year - 1, month, day)


def _invoices_due(settings: Settings, today: date) -> ColumnElement[bool]:
    """The invoices past their date, as SQL: flagged by an erasure with a date passed, or issued early enough."""
    return or_(
        Invoice.delete_on <= today,
        and_(Invoice.delete_on.is_(None), Invoice.issued_on <= last_due_issue_date(settings, today)),
    )


def _invoices(session: Session, settings: Settings, today: date) -> list[DueItem]:
    items = []
    rows = session.execute(
        select(Invoice.id, Invoice.number, Invoice.issued_on, Invoice.delete_on, Client.ref)
        .join(Client, Client.id == Invoice.client_id)
        .where(_invoices_due(settings, today))
        .order_by(Invoice.issued_on, Invoice.number)
    )
    for invoice_id, number, issued_on, delete_on, client_ref in rows:
        due = delete_on or tax_retention_until(issued_on, settings)
        rule = (
            "the date set when the client was erased"
            if delete_on
            else f"{settings.invoice_retention_years} years after the end of its financial year"
        )
        items.append(
            DueItem(
                INVOICE,
                number,
                invoice_id,
                f"Invoice {number} of {format_uk_date(issued_on)} ({client_ref})",
                due,
                rule,
            )
        )
    return items


def _request_files(session: Session, settings: Settings, today: date) -> list[DueItem]:
    months = settings.request_file_retention_months
    items = []
    for request in session.scalars(
        select(PrivacyRequest).where(PrivacyRequest.closed_on.is_not(None)).order_by(PrivacyRequest.ref)
    ):
        assert request.closed_on is not None
        due = erasure.request_file_until(request.closed_on, settings)
        if due > today or not request.status.is_closed:
            continue
        items.append(
            DueItem(
                REQUEST,
                request.ref,
                request.id,
                f"Request file {request.ref} ({request.kind.label.lower()}), closed on "
                f"{format_uk_date(request.closed_on)}",
                due,
                f"{months} months after the request closed",
            )
        )
    return items


def review(session: Session, settings: Settings, today: date) -> list[DueItem]:
    """Everything past its retention period on ``today``; nothing is changed."""
    return (
        _closed_clients(session, settings, today)
        + _invoices(session, settings, today)
        + _request_files(session, settings, today)
    )


def counts(items: Sequence[DueItem]) -> dict[str, int]:
    """How many closed clients, invoices and request files of ``items`` can go (the blocked ones left out)."""
    kinds = (("clients", CLIENT), ("invoices", INVOICE), ("request_files", REQUEST))
    return {key: sum(1 for item in items if item.kind == kind and not item.blocked) for key, kind in kinds}


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def what_goes(items: Sequence[DueItem], done: bool = False) -> str:
    """Says what goes: "2 closed clients will be erased, 3 invoices and 1 request file deleted" (``done``: what
    went, "2 closed clients erased, …")."""
    n = counts(items)
    words = (("invoices", "invoice"), ("request_files", "request file"))
    deleted = [_plural(n[key], word) for key, word in words if n[key]]
    parts = []
    if n["clients"]:
        parts.append(f"{_plural(n['clients'], 'closed client')} {'' if done else 'will be '}erased")
    if deleted:
        verb = "deleted" if done or parts else "will be deleted"
        parts.append(f"{' and '.join(deleted)} {verb}")
    return ", ".join(parts)


def count_due(session: Session, settings: Settings, today: date) -> int:
    """How many items could go now (for the dashboard's reminder): the invoices counted in SQL, as there can be
    tens of thousands."""
    invoices = session.scalar(select(func.count(Invoice.id)).where(_invoices_due(settings, today))) or 0
    others = _closed_clients(session, settings, today) + _request_files(session, settings, today)
    return invoices + sum(1 for item in others if not item.blocked)


def apply(session: Session, actor: str, settings: Settings, today: date, previewed: Sequence[DueItem]) -> list[DueItem]:
    """Take away exactly ``previewed`` (the items not blocked), in the caller's transaction; return them.

    The list is made again first and must be the same: an admin never removes something they did not see. The
    caller commits, then wipes the freed space (:func:`hartdesk.privacy.erasure.wipe_freed_space`)."""
    current = review(session, settings, today)
    if list(current) != list(previewed):
        raise ValidationError(
            "The register changed since the list was made: look at the list again before applying it."
        )
    doing = [item for item in current if not item.blocked]
    for item in doing:
        if item.kind == CLIENT:
            confirmed = erasure.plan(session, item.ref, settings, today)
            if not confirmed.can_run:  # something the list's quick check does not see
                raise ValidationError(f"{item.ref} cannot be erased yet: {' '.join(confirmed.blockers)}")
            erasure.carry_out(
                session, actor, confirmed, settings, today, reason=erasure.BY_RETENTION, merge_index=False
            )
    invoice_ids = [item.record_id for item in doing if item.kind == INVOICE]
    request_ids = [item.record_id for item in doing if item.kind == REQUEST]
    session.execute(delete(Invoice).where(Invoice.id.in_(invoice_ids)))
    # The record that a document was sent stays; to whom it went goes with the request file.
    session.execute(
        update(IssuedDocument)
        .where(IssuedDocument.request_id.in_(request_ids))
        .values(recipient="", delivered_to="", notes="")
    )
    session.execute(delete(PrivacyRequest).where(PrivacyRequest.id.in_(request_ids)))
    if any(item.kind == CLIENT for item in doing):
        search.merge(session)  # once for all the clients erased
    if doing:
        audit.record(session, actor, "retention.applied", "", dict(counts(doing)))
    return doing


def apply_and_wipe(
    register: OpenRegister, actor: str, settings: Settings, today: date, previewed: Sequence[DueItem]
) -> list[DueItem]:
    """:func:`apply` on an open register, then the freed pages wiped and queued keyring entries deleted."""
    with register.session() as session:
        done = apply(session, actor, settings, today, previewed)
    if done:
        erasure.wipe_freed_space(register)
        vault.delete_queued(register)
    return done
