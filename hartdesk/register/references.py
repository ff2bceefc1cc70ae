"""Short stable references (C-00042): numbers come from a counter row, so a number is never handed out twice even
after a record is removed."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.orm import Session

from hartdesk.models import Counter


def next_number(session: Session, name: str, count: int = 1) -> int:
    """Reserve ``count`` numbers and return the first (in the caller's transaction)."""
    row = session.get(Counter, name)
    if row is None:
        row = Counter(name=name, value=0)
        session.add(row)
        session.flush()
    session.execute(update(Counter).where(Counter.name == name).values(value=Counter.value + count))
    session.refresh(row)
    return row.value - count + 1


def client_ref(number: int) -> str:
    return f"C-{number:05d}"
