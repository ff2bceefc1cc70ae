"""UK GDPR Art. 19: after a rectification, erasure or restriction, every operator the data was disclosed to is told.

The operators are fixed when the change is made (:func:`recipients`, then :func:`create`), from "who holds what" at
that moment, because after an erasure the register no longer knows which services linked the client to which
operator. Each notice is marked sent when its letter is saved, printed, drafted or emailed (:func:`mark_sent`, called
by :mod:`hartdesk.privacy.produce`), and shows on the request's timeline.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from hartdesk.errors import NotFoundError
from hartdesk.models import PrivacyRequest, RecipientNotice
from hartdesk.models.base import utcnow
from hartdesk.models.enums import Delivery
from hartdesk.privacy.requests import request_by_ref
from hartdesk.register.whoholds import who_holds_what
from hartdesk.settings import Settings


@dataclass(frozen=True)
class NoticeLine:
    """An operator the data was disclosed to, which must be told (Art. 19)."""

    operator_id: int
    operator_name: str
    categories: tuple[str, ...]  # category names (never values)
    via: tuple[str, ...]


@dataclass(frozen=True)
class NoticeRow:
    id: int
    operator_id: int | None
    operator_name: str
    data_concerned: tuple[str, ...]
    due_on: date
    sent_on: date | None
    sent_how: Delivery | None
    document_id: int | None

    @property
    def is_sent(self) -> bool:
        return self.sent_on is not None


def recipients(
    session: Session, client_ref: str, settings: Settings, today: date, *, only: Collection[str] | None = None
) -> list[NoticeLine]:
    """The operators that received the client's data as of ``today``, each with the categories concerned (``only``:
    just the categories with these codes; an operator left with none is left out)."""
    lines = []
    for d in who_holds_what(session, client_ref, settings, today).recipients:
        names = tuple(
            name for code, name in zip(d.categories, d.category_names, strict=True) if only is None or code in only
        )
        if names:
            lines.append(NoticeLine(d.operator_id, d.operator_name, names, d.via))
    return lines


def create(
    session: Session, request: PrivacyRequest, lines: Sequence[NoticeLine], today: date
) -> list[RecipientNotice]:
    """One notice per operator not already due a notice on this request."""
    have = {
        n.operator_id for n in session.scalars(select(RecipientNotice).where(RecipientNotice.request_id == request.id))
    }
    made = []
    for line in lines:
        if line.operator_id in have:
            continue
        notice = RecipientNotice(
            request_id=request.id,
            operator_id=line.operator_id,
            operator_name=line.operator_name,
            data_concerned=json.dumps(list(line.categories)),
            due_on=today,
        )
        session.add(notice)
        made.append(notice)
    session.flush()
    return made


def _row(n: RecipientNotice) -> NoticeRow:
    return NoticeRow(
        n.id,
        n.operator_id,
        n.operator_name,
        tuple(json.loads(n.data_concerned)),
        n.due_on,
        n.sent_on,
        n.sent_how,
        n.document_id,
    )


def for_request(session: Session, request_ref: str) -> list[NoticeRow]:
    request = request_by_ref(session, request_ref)
    found = session.scalars(
        select(RecipientNotice).where(RecipientNotice.request_id == request.id).order_by(RecipientNotice.operator_name)
    )
    return [_row(n) for n in found]


def get(session: Session, notice_id: int) -> NoticeRow:
    notice = session.get(RecipientNotice, notice_id)
    if notice is None:
        raise NotFoundError("That notice is no longer in the register.")
    return _row(notice)


def mark_sent(
    session: Session,
    request_ref: str,
    operator_id: int,
    document_id: int,
    how: Delivery,
    today: date,
) -> None:
    """The notice to ``operator_id`` on this request left as ``how``: record it (again, if sent a second time)."""
    request = request_by_ref(session, request_ref)
    notice = session.scalar(
        select(RecipientNotice).where(
            RecipientNotice.request_id == request.id, RecipientNotice.operator_id == operator_id
        )
    )
    if notice is None:
        return
    notice.sent_on, notice.sent_how, notice.sent_at, notice.document_id = today, how, utcnow(), document_id
